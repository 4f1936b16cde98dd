#pragma once
/// How a connection proves who it is, and where its API is: one class per
/// AuthScheme — APIToken, Basic, PAT, Anonymous, OAuth — made by one factory
/// from the connection properties (google-cloud-cpp's oauth2 Credentials
/// are the model). This is the one place that knows the schemes: what each
/// needs, which header it sends, which REST API version its server speaks,
/// and what to check when the server refuses it.

#include <functional>
#include <memory>
#include <string>

#include "auth/login.h"
#include "auth/token_manager.h"
#include "common/error.h"
#include "common/time.h"
#include "connstr/properties.h"
#include "http/http.h"
#include "http/logger.h"

namespace jirasql {

/// Where a connection's REST calls go.
struct ApiSite {
  std::string base_url;  ///< site or gateway base, no trailing '/'
  int api_version = 3;   ///< 3 for Jira Cloud, 2 for Data Center
};

class Credentials {
 public:
  virtual ~Credentials() = default;

  /// "APIToken", "Basic", "PAT", "Anonymous" or "OAuth".
  virtual std::string scheme() const = 0;
  /// Where the API is (for OAuth: the site found when the login was had).
  virtual const ApiSite& site() const = 0;
  /// The headers that authenticate the next request. `*secret` receives
  /// the secret part sent, for the caller to wipe and to name a token the
  /// API then refuses.
  virtual Result<Headers> AuthHeaders(std::string* secret) = 0;
  /// The API answered 401 to a request sent with `secret`: true when a
  /// retry may succeed (OAuth refreshed the token), false when nothing can
  /// change.
  virtual Result<bool> Rejected(const std::string& secret) {
    (void)secret;
    return false;
  }
  /// What to check after a 401: which credentials were sent (the scheme and
  /// user, never the secret) and which properties to look at.
  virtual std::string RejectedHint() const = 0;
  /// The scopes the login was granted ("" when the scheme has none).
  virtual std::string GrantedScope() { return ""; }
  /// The OAuth token keeper, or null for the other schemes.
  virtual TokenManager* tokens() { return nullptr; }
};

struct CredentialOptions {
  /// May the OAuth desktop flow open a browser when there is no usable login
  /// (InitiateOAuth=GETANDREFRESH)?
  bool interactive = true;
  Notice notice = [](const std::string&) {};
  Clock* clock = nullptr;  ///< default: the system clock
  /// Set: the connection's requests stop when it fires (ODBC's SQLCancel).
  std::shared_ptr<const AbortSignal> abort = nullptr;
};

/// The credentials `props` describe, ready for a first request: with OAuth,
/// a usable login according to InitiateOAuth (the headless code exchanged,
/// the desktop flow run when allowed, the token refreshed) and the site
/// asked for (see SiteForConnection).
Result<std::unique_ptr<Credentials>> MakeCredentials(const ConnectionProperties& props,
                                                     std::shared_ptr<HttpTransport> http,
                                                     std::shared_ptr<Logger> logger, CredentialOptions options = {});

/// What each scheme needs, checked before anything is sent: an error names
/// the missing property and an example value.
Result<void> CheckCredentialProperties(const ConnectionProperties& props);

/// Everything a connection needs before it is attempted: the scheme's
/// properties and those that only make sense together (proxy).
Result<void> CheckComplete(const ConnectionProperties& props);

/// The site of a scheme that needs no login to know it: Url for the static
/// schemes (v3 for APIToken, v2 for Basic, PAT and Anonymous), CloudId or
/// OAuthServerUrl for OAuth.
Result<ApiSite> SiteFromProperties(const ConnectionProperties& props);

/// The Authorization header of the schemes that need no token exchange
/// (OAuth: the supplied OAuthAccessToken); none for Anonymous.
Result<Headers> StaticAuthHeaders(const ConnectionProperties& props);

/// The front ends' reading of OAuth properties (the CLI and the SQLite
/// extension alike): with AuthScheme=OAuth, no InitiateOAuth and no
/// OAuthAccessToken, use the saved login (InitiateOAuth=REFRESH) — the one
/// `jirasql auth login` saved. `for_login`: GETANDREFRESH instead.
ConnectionProperties WithSavedLoginDefault(ConnectionProperties props, bool for_login = false);

/// What every front end (the CLI, the extension's load and jirasql_connect)
/// does with resolved properties before a connection: the saved-login
/// default applied (WithSavedLoginDefault), optionally CheckComplete, and the
/// log opened (LogFile, Verbosity).
struct PreparedConnection {
  ConnectionProperties props;
  std::shared_ptr<Logger> logger;
};
Result<PreparedConnection> PrepareConnection(const ConnectionProperties& resolved, bool for_login = false,
                                             bool check_complete = false);

/// The token keeper for OAuth properties (any InitiateOAuth), without
/// logging in: the saved login's store, or with InitiateOAuth=OFF a store of
/// the connection's own holding the supplied token. `jirasql auth …`, the
/// procedures and OAuth credentials all start here.
Result<std::unique_ptr<TokenManager>> MakeTokenManager(const ConnectionProperties& props,
                                                       std::shared_ptr<HttpTransport> http,
                                                       std::shared_ptr<Logger> logger, Clock& clock);

}  // namespace jirasql
