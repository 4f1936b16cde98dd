#pragma once
/// The authorization request (SPEC §3): the URL the user's browser opens,
/// with a fresh `state` (256 random bits) and, with UsePKCE, an S256 code
/// challenge whose verifier the code exchange must send.

#include <optional>
#include <string>

#include "auth/oauth_config.h"
#include "common/error.h"

namespace jirasql {

struct AuthorizationRequest {
  std::string url;
  std::string state;
  std::string code_verifier;  ///< empty without PKCE
};

/// Overrides for the web-flow procedure; unset members come from `config`.
struct AuthorizationOverrides {
  std::optional<std::string> callback_url, scope, state, prompt;
  std::optional<bool> implicit;
};

Result<AuthorizationRequest> BuildAuthorizationUrl(const OAuthConfig& config,
                                                   const AuthorizationOverrides& overrides = {});

}  // namespace jirasql
