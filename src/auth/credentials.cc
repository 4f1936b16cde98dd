#include "auth/credentials.h"

#include "auth/oauth_credentials.h"
#include "common/base64.h"
#include "common/strings.h"
#include "http/logging_transport.h"

namespace jirasql {

namespace {

// ---- the schemes that send the same header every time ----------------------

class StaticCredentials : public Credentials {
 public:
  StaticCredentials(ApiSite site, Headers headers, std::string secret)
      : site_(std::move(site)), headers_(std::move(headers)), secret_(std::move(secret)) {}
  const ApiSite& site() const override { return site_; }
  Result<Headers> AuthHeaders(std::string* secret) override {
    *secret = secret_;
    return headers_;
  }

 private:
  ApiSite site_;
  Headers headers_;
  std::string secret_;
};

/// Jira Cloud: an account's email and API token (HTTP Basic), REST v3.
class ApiTokenCredentials final : public StaticCredentials {
 public:
  ApiTokenCredentials(const ConnectionProperties& p, ApiSite site)
      : StaticCredentials(std::move(site), BasicHeader(p.Get("User"), p.Get("APIToken")), p.Get("APIToken")),
        user_(p.Get("User")) {}
  static Headers BasicHeader(const std::string& user, const std::string& secret) {
    return {{"Accept", "application/json"}, {"Authorization", "Basic " + Base64Encode(user + ":" + secret)}};
  }
  std::string scheme() const override { return "APIToken"; }
  std::string RejectedHint() const override {
    return "Jira refused the credentials sent: AuthScheme=APIToken as User=" + user_ +
           " (the APIToken is not shown). Check User (your Atlassian account's email) and APIToken (made at "
           "id.atlassian.com > Security > API tokens; API tokens work with Jira Cloud only)";
  }

 private:
  std::string user_;
};

/// Jira Data Center: a user name and password (HTTP Basic), REST v2.
class BasicCredentials final : public StaticCredentials {
 public:
  BasicCredentials(const ConnectionProperties& p, ApiSite site)
      : StaticCredentials(std::move(site), ApiTokenCredentials::BasicHeader(p.Get("User"), p.Get("Password")),
                          p.Get("Password")),
        user_(p.Get("User")) {}
  std::string scheme() const override { return "Basic"; }
  std::string RejectedHint() const override {
    return "Jira refused the credentials sent: AuthScheme=Basic as User=" + user_ +
           " (the Password is not shown). Check User and Password; a site that allows no passwords needs "
           "AuthScheme=PAT with a personal access token";
  }

 private:
  std::string user_;
};

/// Jira Data Center: a personal access token (Bearer), REST v2.
class PatCredentials final : public StaticCredentials {
 public:
  PatCredentials(const ConnectionProperties& p, ApiSite site)
      : StaticCredentials(std::move(site),
                          {{"Accept", "application/json"}, {"Authorization", "Bearer " + p.Get("PersonalAccessToken")}},
                          p.Get("PersonalAccessToken")) {}
  std::string scheme() const override { return "PAT"; }
  std::string RejectedHint() const override {
    return "Jira refused the credentials sent: AuthScheme=PAT (the PersonalAccessToken is not shown). Check "
           "PersonalAccessToken: it may be mistyped, expired or revoked (Jira profile > Personal Access Tokens)";
  }
};

/// No credentials at all (public Data Center sites), REST v2.
class AnonymousCredentials final : public StaticCredentials {
 public:
  explicit AnonymousCredentials(ApiSite site)
      : StaticCredentials(std::move(site), {{"Accept", "application/json"}}, "") {}
  std::string scheme() const override { return "Anonymous"; }
  std::string RejectedHint() const override {
    return "AuthScheme=Anonymous sends no credentials and this site wants them: set AuthScheme (APIToken for Jira "
           "Cloud, PAT or Basic for Data Center)";
  }
};

// ---- what each scheme needs -------------------------------------------------

Result<void> Need(const ConnectionProperties& p, std::string_view prop, std::string_view why,
                  std::string_view example) {
  if (!p.Get(prop).empty()) return Ok();
  return Fail(ErrorCode::kInvalidArgument, std::string(why) + " needs " + std::string(prop) + "; add " +
                                               std::string(prop) + "=" + std::string(example) +
                                               " to the connection string");
}

struct Requirement {
  const char* property;
  const char* example;
};

struct Scheme {
  const char* name;
  int api_version;                 ///< of the site at Url (OAuth: 3, through the gateway)
  std::vector<Requirement> needs;  ///< in the order they are reported
};

// The schemes, in one table. OAuth's needs depend on InitiateOAuth (below).
const std::vector<Scheme>& Schemes() {
  static const std::vector<Scheme> schemes = {
      {"APIToken",
       3,
       {{"Url", "https://yoursite.atlassian.net"}, {"User", "you@example.com"}, {"APIToken", "<your API token>"}}},
      {"Basic", 2, {{"Url", "https://jira.example.com"}, {"User", "<user name>"}, {"Password", "<password>"}}},
      {"PAT", 2, {{"Url", "https://jira.example.com"}, {"PersonalAccessToken", "<token>"}}},
      {"Anonymous", 2, {{"Url", "https://jira.example.com"}}},
      {"OAuth", 3, {}},
  };
  return schemes;
}

const Scheme& SchemeOf(const ConnectionProperties& p) {
  const std::string name = p.Get("AuthScheme");
  for (const auto& s : Schemes()) {
    if (name == s.name) return s;
  }
  return Schemes().back();  // the catalog allows no other value; OAuth is its default
}

}  // namespace

Result<void> CheckCredentialProperties(const ConnectionProperties& p) {
  const Scheme& s = SchemeOf(p);
  const std::string why = std::string("AuthScheme=") + s.name;
  for (const auto& r : s.needs) {
    if (auto ok = Need(p, r.property, why, r.example); !ok) return ok;
  }
  if (std::string_view(s.name) == "OAuth") {
    const std::string initiate = p.Get("InitiateOAuth");
    if (initiate == "OFF") {
      auto r = Need(p, "OAuthAccessToken", "AuthScheme=OAuth with InitiateOAuth=OFF", "<token>");
      if (!r) r.error().message += ", or set InitiateOAuth=GETANDREFRESH to log in with a browser";
      return r;
    }
    const std::string with = "AuthScheme=OAuth with InitiateOAuth=" + initiate;
    if (auto r = Need(p, "OAuthClientId", with, "<your app's client id>"); !r) return r;
    if (auto r = Need(p, "OAuthClientSecret", with, "<your app's secret>"); !r) return r;
  }
  return Ok();
}

Result<void> CheckComplete(const ConnectionProperties& props) {
  if (auto r = CheckCredentialProperties(props); !r) return r;
  return props.CheckProxy();
}

Result<ApiSite> SiteFromProperties(const ConnectionProperties& props) {
  const Scheme& s = SchemeOf(props);
  ApiSite site;
  site.api_version = s.api_version;
  if (std::string_view(s.name) == "OAuth") {
    if (!props.Get("OAuthServerUrl").empty()) {
      site.base_url = WithoutTrailingSlash(props.Get("OAuthServerUrl"));
    } else if (!props.Get("CloudId").empty()) {
      site.base_url = WithoutTrailingSlash(props.Get("OAuthApiGatewayURL")) + "/" + props.Get("CloudId");
    } else {
      return Fail(ErrorCode::kInvalidArgument,
                  "OAuth with a supplied access token needs the site: set CloudId=<site id> or "
                  "OAuthServerUrl=https://api.atlassian.com/ex/jira/<site id>");
    }
  } else {
    site.base_url = WithoutTrailingSlash(props.Get("Url"));
    if (site.base_url.empty()) {
      return Fail(ErrorCode::kInvalidArgument,
                  std::string("AuthScheme=") + s.name + " needs Url=https://your-jira-site");
    }
  }
  if (site.base_url.rfind("http://", 0) != 0 && site.base_url.rfind("https://", 0) != 0) {
    return Fail(ErrorCode::kInvalidArgument,
                "the Jira URL must start with https:// (or http:// for a local server); got '" + site.base_url + "'");
  }
  return site;
}

Result<Headers> StaticAuthHeaders(const ConnectionProperties& props) {
  if (auto r = CheckCredentialProperties(props); !r) return Fail(r.error());
  const std::string scheme = SchemeOf(props).name;
  if (scheme == "APIToken") return ApiTokenCredentials::BasicHeader(props.Get("User"), props.Get("APIToken"));
  if (scheme == "Basic") return ApiTokenCredentials::BasicHeader(props.Get("User"), props.Get("Password"));
  if (scheme == "PAT") {
    return Headers{{"Accept", "application/json"}, {"Authorization", "Bearer " + props.Get("PersonalAccessToken")}};
  }
  if (scheme == "OAuth") {
    if (props.Get("InitiateOAuth") != "OFF") {
      return Fail(ErrorCode::kInvalidArgument,
                  "InitiateOAuth=" + props.Get("InitiateOAuth") +
                      " needs a login, not a static header; use InitiateOAuth=OFF with OAuthAccessToken");
    }
    return Headers{{"Accept", "application/json"}, {"Authorization", "Bearer " + props.Get("OAuthAccessToken")}};
  }
  return Headers{{"Accept", "application/json"}};
}

Result<std::unique_ptr<Credentials>> MakeCredentials(const ConnectionProperties& props,
                                                     std::shared_ptr<HttpTransport> http,
                                                     std::shared_ptr<Logger> logger, CredentialOptions options) {
  if (auto r = CheckCredentialProperties(props); !r) return Fail(r.error());
  const std::string scheme = SchemeOf(props).name;
  if (scheme == "OAuth") return OpenOAuthCredentials(props, std::move(http), std::move(logger), options);
  auto site = SiteFromProperties(props);
  if (!site) return Fail(site.error());
  std::unique_ptr<Credentials> c;
  if (scheme == "APIToken")
    c = std::make_unique<ApiTokenCredentials>(props, *site);
  else if (scheme == "Basic")
    c = std::make_unique<BasicCredentials>(props, *site);
  else if (scheme == "PAT")
    c = std::make_unique<PatCredentials>(props, *site);
  else
    c = std::make_unique<AnonymousCredentials>(*site);
  return c;
}

ConnectionProperties WithSavedLoginDefault(ConnectionProperties props, bool for_login) {
  if (std::string_view(SchemeOf(props).name) != "OAuth") return props;
  if (!props.IsSet("InitiateOAuth") && (for_login || props.Get("OAuthAccessToken").empty())) {
    (void)props.Set("InitiateOAuth", for_login ? "GETANDREFRESH" : "REFRESH", PropSource::kProgram);
  }
  return props;
}

Result<PreparedConnection> PrepareConnection(const ConnectionProperties& resolved, bool for_login,
                                             bool check_complete) {
  PreparedConnection p{WithSavedLoginDefault(resolved, for_login), nullptr};
  if (check_complete) {
    if (auto r = CheckComplete(p.props); !r) return Fail(r.error());
  }
  auto logger = OpenLogger(p.props);
  if (!logger) return Fail(logger.error());
  p.logger = *logger;
  return p;
}

}  // namespace jirasql
