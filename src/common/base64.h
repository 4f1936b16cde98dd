#pragma once
/// Base64 (RFC 4648): the standard alphabet with padding, and the URL-safe
/// alphabet without (PKCE, page tokens).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace jirasql {

std::string Base64Encode(std::string_view data);
std::string Base64UrlEncode(std::string_view data);
/// Either alphabet, padding optional; nullopt on any other character.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace jirasql
