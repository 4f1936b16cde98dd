#pragma once
/// A connection to one Jira site with any login: the one object later parts
/// (SQL, procedures) send REST calls through. It resolves the site, adds the
/// Authorization header, and with OAuth keeps the token fresh: a 401 from
/// the API makes it refresh once and retry once — unless the gateway says
/// the scope does not match, which no refresh can fix.

#include <functional>
#include <memory>
#include <string>

#include "auth/login.h"
#include "auth/token_manager.h"
#include "connstr/properties.h"
#include "http/http.h"
#include "http/logger.h"
#include "jira/endpoint.h"

namespace jirasql {

struct ConnectOptions {
  /// May the desktop flow open a browser when there is no usable login
  /// (InitiateOAuth=GETANDREFRESH)?
  bool interactive = true;
  Notice notice = [](const std::string&) {};
  Clock* clock = nullptr;  ///< default: the system clock
};

class Connection {
 public:
  /// Validates the properties, opens the transport and, with OAuth, gets a
  /// usable login according to InitiateOAuth.
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
  TokenManager* tokens() { return tokens_.get(); }
  HttpTransport& http() { return *http_; }

 private:
  Connection() = default;
  Result<Headers> AuthHeaders(std::string* bearer);

  ConnectionProperties props_;
  std::shared_ptr<Logger> logger_;
  std::shared_ptr<HttpTransport> http_;
  ApiEndpoint endpoint_;
  Headers static_headers_;
  std::unique_ptr<TokenManager> tokens_;
};

/// The front ends' reading of OAuth properties (the CLI and the SQLite
/// extension alike): with AuthScheme=OAuth, no InitiateOAuth and no
/// OAuthAccessToken, use the saved login (InitiateOAuth=REFRESH) — the one
/// `jirasql auth login` saved. `for_login`: GETANDREFRESH instead.
ConnectionProperties WithSavedLoginDefault(ConnectionProperties props, bool for_login = false);

/// Builds the token keeper for OAuth properties (any InitiateOAuth), without
/// logging in. Used by `jirasql auth …` and by Connection::Open.
Result<std::unique_ptr<TokenManager>> MakeTokenManager(const ConnectionProperties& props,
                                                       std::shared_ptr<HttpTransport> http,
                                                       std::shared_ptr<Logger> logger, Clock& clock);

}  // namespace jirasql
