#pragma once
/// The token endpoint: authorization-code exchange and refresh.
///
/// Requests are form-encoded (RFC 6749 §4.1.3) with the client secret in
/// the body (client_secret_post); Atlassian accepts this as well as JSON.
/// A server that answers `invalid_client` gets the request once more with
/// the secret in an HTTP Basic header (client_secret_basic). A refresh may be retried on a timeout: if the
/// first attempt was processed, Atlassian still honours the old refresh
/// token for 10 minutes. A code exchange is never retried blindly (codes are
/// single use).

#include <cstdint>
#include <string>

#include "auth/oauth_config.h"
#include "common/error.h"
#include "http/http.h"

namespace jirasql {

struct TokenSet {
  std::string access_token;
  std::string refresh_token;  ///< empty when the answer carried none
  std::string scope;
  std::string token_type;
  int64_t expires_in = 3600;  ///< seconds
};

Result<TokenSet> ExchangeCode(HttpTransport& http, const OAuthConfig& config, const std::string& code,
                              const std::string& code_verifier, const std::string& redirect_uri);

Result<TokenSet> RefreshTokens(HttpTransport& http, const OAuthConfig& config, const std::string& refresh_token);

/// Parses a token answer (also the fields of an implicit-grant fragment).
Result<TokenSet> ParseTokenResponse(const std::string& body, const std::string& where);

/// The error for a failed token request, in words that say what to do.
/// Refreshing: invalid_grant means the login is gone (log in again, never
/// retry). Exchanging a code (`exchanging_code`): invalid_grant means that
/// code cannot be used — spent, expired, mistyped, from an older
/// authorization URL (PKCE) or for another redirect URI — and says which
/// when the server does. Both: access_denied / invalid_client mean the
/// app's id or secret is wrong.
Error TokenEndpointError(const HttpResponse& response, const std::string& what, bool exchanging_code = false);

}  // namespace jirasql
