#include "jira/connection.h"

#include "auth/oauth_config.h"
#include "auth/pkce.h"
#include "common/secure.h"
#include "common/strings.h"
#include "http/logging_transport.h"
#include "http/rate_governor.h"
#include "http/response_error.h"

namespace jirasql {

namespace {

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

// An OAuth app's points quota is shared by all who use the app: processes
// of one app whose logins live in one folder take their paced turns from one
// file there (rate_governor.h). Nothing for other schemes (not metered by
// points) or a login kept in memory or in PostgreSQL (a fleet's hosts share
// no folder; each paces by Jira's quota headers).
std::string PaceFileFor(const ConnectionProperties& props) {
  if (props.Get("AuthScheme") != "OAuth") return "";
  auto config = OAuthConfigFrom(props);
  if (!config || config->client_id.empty() || config->settings_location.find("://") != std::string::npos) {
    return "";
  }
  const std::string& location = config->settings_location;
  const auto slash = location.rfind('/');
  const std::string folder = slash == std::string::npos ? "." : location.substr(0, slash == 0 ? 1 : slash);
  return folder + "/.jirasql-points-" + PkceS256(config->client_id).substr(0, 16) + ".pace";
}

void WipeAuthorization(Headers& headers) {
  for (auto& [name, value] : headers) {
    if (EqualsIgnoreCase(name, "Authorization")) SecureWipe(value);
  }
}

}  // namespace

Result<std::unique_ptr<Connection>> Connection::Open(const ConnectionProperties& props, std::shared_ptr<Logger> logger,
                                                     ConnectOptions options) {
  if (auto r = props.CheckConfigured(); !r) return Fail(r.error());
  if (auto r = CheckComplete(props); !r) return Fail(r.error());
  std::unique_ptr<Connection> c(new Connection());
  c->logger_ = logger ? logger : std::make_shared<Logger>();
  auto http = MakeHttpTransport(props, c->logger_, options.abort, &c->governor_);
  if (!http) return Fail(http.error());
  c->http_ = *http;
  if (const std::string pace = PaceFileFor(props); !pace.empty() && c->governor_) c->governor_->SharePacing(pace);
  if (c->governor_) c->governor_->SetPointsBudget(props.GetInt("MaxPoints").value_or(0));
  auto creds = MakeCredentials(props, c->http_, c->logger_, std::move(options));
  if (!creds) return Fail(creds.error());
  c->creds_ = std::move(*creds);
  c->endpoint_.base_url = c->creds_->site().base_url;
  c->endpoint_.api_version = c->creds_->site().api_version;
  return c;
}

Result<HttpResponse> Connection::Send(HttpRequest request) {
  if (!request.url.empty() && request.url[0] == '/') request.url = endpoint_.Rest(request.url);
  const Headers extra = request.headers;
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::string secret;
    WipeOnExit wipe_secret(&secret);
    auto headers = creds_->AuthHeaders(&secret);
    if (!headers) return Fail(headers.error());
    request.headers = *headers;
    request.headers.insert(request.headers.end(), extra.begin(), extra.end());
    auto resp = http_->Send(request);
    WipeAuthorization(request.headers);
    WipeAuthorization(*headers);
    if (!resp || resp->status != 401 || attempt == 1) return resp;
    // The gateway names a scope problem; a new token would not change it.
    if (creds_->tokens() && ServerMessage(*resp).find("scope does not match") != std::string::npos) {
      const std::string need = ScopeFor(request);
      return Fail(ErrorCode::kPermissionDenied, request.method + " " + UrlForMessage(request.url) +
                                                    ": the login's scopes do not allow this call: it "
                                                    "needs " +
                                                    need + ", the login has \"" + creds_->GrantedScope() + "\". Add " +
                                                    need +
                                                    " to Scope (and to your app's permissions) and log in again");
    }
    auto retry = creds_->Rejected(secret);
    if (!retry) return Fail(retry.error());
    if (!*retry) return resp;
  }
  return Fail(ErrorCode::kInternal, "unreachable");
}

std::string Connection::Describe(const HttpRequest& request) const {
  return request.method + " " +
         UrlForMessage(!request.url.empty() && request.url[0] == '/' ? endpoint_.Rest(request.url) : request.url);
}

Result<HttpResponse> Connection::Call(HttpRequest request) {
  const std::string what = Describe(request);
  auto resp = Send(std::move(request));
  if (!resp || resp->ok()) return resp;
  return Fail(ErrorFor(*resp, what));
}

Error Connection::ErrorFor(const HttpResponse& response, const std::string& what) const {
  Error e = ErrorFromResponse(response, what);
  auto append = [&](const std::string& text) { e.message += (e.message.back() == '.' ? " " : ". ") + text; };
  if (response.status == 401) {
    append(creds_->RejectedHint());
  } else if (response.status == 404 && what.find("/rest/") != std::string::npos) {
    std::vector<std::string> hints;
    if (ServerMessage(response).empty()) {
      hints.push_back(
          "no Jira REST API answers at this address: check Url — it must be the Jira site's own address "
          "(a Data Center site under a path needs it, e.g. https://host/jira)");
    }
    if (what.find("/rest/api/3/") != std::string::npos && creds_->scheme() == "APIToken") {
      hints.push_back(
          "if this is Jira Data Center, it serves REST API v2 only: use AuthScheme=PAT or Basic there "
          "(APIToken is for Jira Cloud)");
    }
    if (!hints.empty()) append(Join(hints, "; "));
  }
  return e;
}

}  // namespace jirasql
