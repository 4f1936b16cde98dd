#include "jira/connection.h"

#include <atomic>

#include "auth/oauth_config.h"
#include "auth/pkce.h"
#include "auth/sites.h"
#include "common/secure.h"
#include "common/strings.h"
#include "http/logging_transport.h"
#include "http/response_error.h"

namespace jirasql {

namespace {

int64_t Ms(SystemTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::string StripSlash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

// Which classic scope a Jira REST call needs (Atlassian's scope table, in
// short): writes need write:jira-work, users read:jira-user, other reads
// (read-only POSTs included) read:jira-work.
std::string ScopeFor(const HttpRequest& r) {
  const std::string path = UrlForMessage(r.url);
  const bool read_post = path.find("/search") != std::string::npos || path.find("/bulkfetch") != std::string::npos;
  if (r.method != "GET" && !read_post) return "write:jira-work";
  if (path.find("/myself") != std::string::npos || path.find("/user") != std::string::npos) return "read:jira-user";
  return "read:jira-work";
}

}  // namespace

Result<std::unique_ptr<TokenManager>> MakeTokenManager(const ConnectionProperties& props,
                                                       std::shared_ptr<HttpTransport> http,
                                                       std::shared_ptr<Logger> logger, Clock& clock) {
  const std::string initiate = props.Get("InitiateOAuth");
  OAuthConfig config;
  if (initiate == "OFF") {
    // The caller supplies the token; the client id is only needed to refresh.
    ConnectionProperties p = props;
    if (p.Get("OAuthClientId").empty()) (void)p.Set("OAuthClientId", "supplied-token", PropSource::kProgram);
    auto c = OAuthConfigFrom(p);
    if (!c) return Fail(c.error());
    config = *c;
    config.settings_location = "";  // the connection's own store, below
  } else {
    auto c = OAuthConfigFrom(props);
    if (!c) return Fail(c.error());
    config = *c;
  }
  auto store = initiate == "OFF" ? Result<std::unique_ptr<SettingsStore>>(PrivateMemoryStore())
                                 : OpenSettingsStore(config.settings_location);
  if (!store) return Fail(store.error());
  auto tm = std::make_unique<TokenManager>(std::move(http), config, std::move(*store), clock, std::move(logger));
  if (initiate == "OFF") {
    SavedLogin s;
    s.client_id = config.client_id;
    s.access_token = props.Get("OAuthAccessToken");
    s.refresh_token = props.Get("OAuthRefreshToken");
    auto expires_in = props.GetInt("OAuthExpiresIn");
    auto issued = props.GetInt("OAuthTokenTimestamp");
    if (expires_in) {
      s.expires_in_s = *expires_in;
      s.expires_at_ms = (issued ? *issued : Ms(clock.Now())) + *expires_in * 1000;
    }
    auto ep = ResolveEndpoint(props);
    if (ep) s.server_url = ep->base_url;
    s.cloud_id = props.Get("CloudId");
    if (auto r = tm->Save(s); !r) return Fail(r.error());
  }
  return tm;
}

Result<std::unique_ptr<Connection>> Connection::Open(const ConnectionProperties& props, std::shared_ptr<Logger> logger,
                                                     ConnectOptions options) {
  if (auto r = props.CheckConfigured(); !r) return Fail(r.error());
  if (auto r = props.CheckComplete(); !r) return Fail(r.error());
  std::unique_ptr<Connection> c(new Connection());
  c->props_ = props;
  c->logger_ = logger ? logger : std::make_shared<Logger>();
  auto http = MakeHttpTransport(props, c->logger_);
  if (!http) return Fail(http.error());
  c->http_ = *http;
  Clock& clock = options.clock ? *options.clock : SystemClock();

  if (props.Get("AuthScheme") != "OAuth") {
    auto ep = ResolveEndpoint(props);
    if (!ep) return Fail(ep.error());
    c->endpoint_ = *ep;
    auto h = StaticAuthHeaders(props);
    if (!h) return Fail(h.error());
    c->static_headers_ = *h;
    return c;
  }

  auto tm = MakeTokenManager(props, c->http_, c->logger_, clock);
  if (!tm) return Fail(tm.error());
  c->tokens_ = std::move(*tm);
  TokenManager& tokens = *c->tokens_;
  const std::string initiate = props.Get("InitiateOAuth");

  if (initiate != "OFF") {
    auto saved = tokens.Peek();
    if (!saved) return Fail(saved.error());
    // Headless: exchange OAuthVerifier once; a code already used is not sent again.
    const std::string verifier = props.Get("OAuthVerifier");
    if (!verifier.empty() && (!*saved || (*saved)->verifier_hash != CodeHash(verifier))) {
      auto login = LoginWithCode(*c->http_, tokens, clock, verifier, (*saved ? (*saved)->pending_verifier : ""),
                                 props.Get("CallbackURL"), CodeHash(verifier), options.notice);
      if (!login) return Fail(login.error().WithContext("exchanging OAuthVerifier"));
      saved = tokens.Peek();
    } else if ((!*saved || (*saved)->access_token.empty()) && !props.Get("OAuthRefreshToken").empty()) {
      // A refresh token handed over by the caller seeds the store.
      SavedLogin seed;
      seed.client_id = tokens.config().client_id;
      seed.refresh_token = props.Get("OAuthRefreshToken");
      seed.cloud_id = props.Get("CloudId");
      if (!seed.cloud_id.empty()) seed.server_url = StripSlash(props.Get("OAuthApiGatewayURL")) + "/" + seed.cloud_id;
      if (!props.Get("OAuthServerUrl").empty()) seed.server_url = StripSlash(props.Get("OAuthServerUrl"));
      seed.login_at_ms = seed.refreshed_at_ms = Ms(clock.Now());
      if (auto r = tokens.Save(seed); !r) return Fail(r.error());
    }
  }

  auto login = tokens.Current();
  if (!login && initiate == "GETANDREFRESH" && login.error().code == ErrorCode::kUnauthenticated) {
    if (!options.interactive) return Fail(login.error());
    options.notice(login.error().message + "; starting the browser login");
    login = DesktopLogin(*c->http_, tokens, clock, options.notice);
  }
  if (!login) return Fail(login.error());
  // Exactly the site asked for (see SiteForConnection); OAuthServerUrl
  // names the API base itself.
  std::string base = props.Get("OAuthServerUrl");
  if (base.empty()) {
    auto site = SiteForConnection(*c->http_, tokens.config(), login->access_token, login->cloud_id, login->site_url,
                                  tokens.store().Describe());
    if (!site) return Fail(site.error());
    base = site->api_base;
  }
  c->endpoint_.base_url = StripSlash(base);
  c->endpoint_.api_version = 3;
  return c;
}

Result<Headers> Connection::AuthHeaders(std::string* bearer) {
  if (!tokens_) return static_headers_;
  auto login = tokens_->Current();
  if (!login) return Fail(login.error());
  *bearer = login->access_token;
  return Headers{{"Accept", "application/json"}, {"Authorization", "Bearer " + login->access_token}};
}

Result<HttpResponse> Connection::Send(HttpRequest request) {
  if (!request.url.empty() && request.url[0] == '/') request.url = endpoint_.Rest(request.url);
  const Headers extra = request.headers;
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::string bearer;
    WipeOnExit wipe_bearer(&bearer);
    auto headers = AuthHeaders(&bearer);
    if (!headers) return Fail(headers.error());
    request.headers = *headers;
    request.headers.insert(request.headers.end(), extra.begin(), extra.end());
    auto resp = http_->Send(request);
    for (auto& [name, value] : request.headers) {
      if (EqualsIgnoreCase(name, "Authorization")) SecureWipe(value);
    }
    for (auto& [name, value] : *headers) {
      if (EqualsIgnoreCase(name, "Authorization")) SecureWipe(value);
    }
    if (!resp || resp->status != 401 || !tokens_ || attempt == 1) return resp;
    // The gateway names a scope problem; a new token would not change it.
    if (ServerMessage(*resp).find("scope does not match") != std::string::npos) {
      const std::string need = ScopeFor(request);
      auto login = tokens_->Current();
      return Fail(ErrorCode::kPermissionDenied,
                  request.method + " " + UrlForMessage(request.url) + ": the login's scopes do not allow this call: it "
                      "needs " + need + ", the login has \"" + (login ? login->scope : std::string("?")) +
                      "\". Add " + need + " to Scope (and to your app's permissions) and log in again");
    }
    auto refreshed = tokens_->RefreshAfterRejection(bearer);
    if (!refreshed) return Fail(refreshed.error());
  }
  return Fail(ErrorCode::kInternal, "unreachable");
}

std::string Connection::Describe(const HttpRequest& request) const {
  return request.method + " " + UrlForMessage(!request.url.empty() && request.url[0] == '/' ? endpoint_.Rest(request.url)
                                                                                            : request.url);
}

Result<HttpResponse> Connection::Call(HttpRequest request) {
  const std::string what = Describe(request);
  auto resp = Send(std::move(request));
  if (!resp || resp->ok()) return resp;
  return Fail(ErrorFor(*resp, what));
}

Error Connection::ErrorFor(const HttpResponse& response, const std::string& what) const {
  Error e = ErrorFromResponse(response, what);
  const std::string scheme = props_.Get("AuthScheme");
  const std::string user = props_.Get("User");
  if (response.status == 401) {
    std::string hint;
    if (scheme == "APIToken") {
      hint = "Jira refused the credentials sent: AuthScheme=APIToken as User=" + user +
             " (the APIToken is not shown). Check User (your Atlassian account's email) and APIToken (made at "
             "id.atlassian.com > Security > API tokens; API tokens work with Jira Cloud only)";
    } else if (scheme == "Basic") {
      hint = "Jira refused the credentials sent: AuthScheme=Basic as User=" + user +
             " (the Password is not shown). Check User and Password; a site that allows no passwords needs "
             "AuthScheme=PAT with a personal access token";
    } else if (scheme == "PAT") {
      hint = "Jira refused the credentials sent: AuthScheme=PAT (the PersonalAccessToken is not shown). Check "
             "PersonalAccessToken: it may be mistyped, expired or revoked (Jira profile > Personal Access Tokens)";
    } else if (scheme == "Anonymous") {
      hint = "AuthScheme=Anonymous sends no credentials and this site wants them: set AuthScheme (APIToken for Jira "
             "Cloud, PAT or Basic for Data Center)";
    } else if (props_.Get("InitiateOAuth") == "OFF") {
      hint = "Jira refused the supplied OAuthAccessToken (it may have expired): supply a new one, or connect with "
             "OAuthRefreshToken and InitiateOAuth=REFRESH";
    } else {
      hint = "Jira refused the OAuth access token even after a refresh: log in again (jirasql auth login)";
    }
    e.message += (e.message.back() == '.' ? " " : ". ") + hint;
  } else if (response.status == 404 && what.find("/rest/") != std::string::npos) {
    std::vector<std::string> hints;
    if (ServerMessage(response).empty()) {
      hints.push_back("no Jira REST API answers at this address: check Url — it must be the Jira site's own address "
                      "(a Data Center site under a path needs it, e.g. https://host/jira)");
    }
    if (what.find("/rest/api/3/") != std::string::npos && scheme == "APIToken") {
      hints.push_back("if this is Jira Data Center, it serves REST API v2 only: use AuthScheme=PAT or Basic there "
                      "(APIToken is for Jira Cloud)");
    }
    if (!hints.empty()) e.message += (e.message.back() == '.' ? " " : ". ") + Join(hints, "; ");
  }
  return e;
}

ConnectionProperties WithSavedLoginDefault(ConnectionProperties props, bool for_login) {
  if (props.Get("AuthScheme") != "OAuth") return props;
  if (!props.IsSet("InitiateOAuth") && (for_login || props.Get("OAuthAccessToken").empty())) {
    (void)props.Set("InitiateOAuth", for_login ? "GETANDREFRESH" : "REFRESH", PropSource::kProgram);
  }
  return props;
}

}  // namespace jirasql
