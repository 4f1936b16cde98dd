#pragma once
/// A connection to one Jira site with any login: the one object the REST
/// calls of `jira/` go through. It sends each request with its credentials'
/// headers (auth/credentials.h knows the schemes) and, when the API refuses
/// them with a 401, lets the credentials refresh once and retries once —
/// unless the gateway says the scope does not match, which no refresh can
/// fix.

#include <memory>
#include <string>

#include "auth/credentials.h"
#include "connstr/properties.h"
#include "http/http.h"
#include "http/logger.h"
#include "http/rate_governor.h"
#include "jira/endpoint.h"

namespace jirasql {

using ConnectOptions = CredentialOptions;

class Connection {
 public:
  /// Checks the properties, opens the transport and the credentials (with
  /// OAuth: a usable login according to InitiateOAuth).
  static Result<std::unique_ptr<Connection>> Open(const ConnectionProperties& props, std::shared_ptr<Logger> logger,
                                                  ConnectOptions options = {});

  /// Sends `request`; a url starting with '/' is taken relative to the REST
  /// base (`/myself` -> …/rest/api/3/myself).
  Result<HttpResponse> Send(HttpRequest request);
  /// Send, and an answer that is not 2xx is an error (ErrorFor).
  Result<HttpResponse> Call(HttpRequest request);
  /// The error for a non-2xx answer to `what` ("GET https://…/myself"):
  /// the full URL, the server's words and, for a 401 or a 404, what to
  /// check — which credentials were sent (the scheme and user, never the
  /// secret) and which properties to look at.
  Error ErrorFor(const HttpResponse& response, const std::string& what) const;
  /// "GET https://site/rest/api/3/myself" for a request (relative URLs
  /// made absolute, no query string).
  std::string Describe(const HttpRequest& request) const;

  const ApiEndpoint& endpoint() const { return endpoint_; }
  /// The OAuth token keeper, or null for the other schemes.
  TokenManager* tokens() { return creds_->tokens(); }
  HttpTransport& http() { return *http_; }
  /// What Jira said of this connection's rate limits and points quota.
  const RateGovernor& governor() const { return *governor_; }
  RateGovernor& governor() { return *governor_; }
  /// Writes to the connection's log (-v) at `level`.
  void Log(int level, std::string_view text) { logger_->Log(level, text); }

 private:
  Connection() = default;

  std::shared_ptr<Logger> logger_;
  std::shared_ptr<HttpTransport> http_;
  std::shared_ptr<RateGovernor> governor_;
  std::unique_ptr<Credentials> creds_;
  ApiEndpoint endpoint_;
};

}  // namespace jirasql
