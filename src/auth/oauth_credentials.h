#pragma once
/// OAuth 2.0 (3LO) credentials: a TokenManager's fresh access token as a
/// Bearer header, a refresh and one retry when the API refuses it, and the
/// site the connection asked for among the grant's. Made by MakeCredentials.

#include <memory>

#include "auth/credentials.h"

namespace jirasql {

/// Gets a usable login according to InitiateOAuth: OFF uses the supplied
/// token; REFRESH exchanges OAuthVerifier once (headless) or seeds a
/// supplied OAuthRefreshToken, then refreshes as needed; GETANDREFRESH also
/// runs the desktop flow when there is no usable login and `interactive`.
Result<std::unique_ptr<Credentials>> OpenOAuthCredentials(const ConnectionProperties& props,
                                                          std::shared_ptr<HttpTransport> http,
                                                          std::shared_ptr<Logger> logger,
                                                          const CredentialOptions& options);

}  // namespace jirasql
