#pragma once
/// Randomness and PKCE for the authorization request: `state` values and
/// code verifiers come from the kernel's CSPRNG (getrandom), the S256
/// challenge from SHA-256 (OpenSSL's libcrypto).

#include <cstddef>
#include <string>

#include "common/error.h"

namespace jirasql {

/// `bytes` random bytes as unpadded base64url: 32 bytes give 256 bits in 43
/// characters, the shape RFC 7636 asks of a code verifier.
Result<std::string> RandomToken(std::size_t bytes = 32);

/// base64url(SHA-256(verifier)), unpadded (RFC 7636 §4.2).
std::string PkceS256(const std::string& verifier);

}  // namespace jirasql
