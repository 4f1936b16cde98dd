#pragma once
/// Small string helpers shared by every component.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jirasql {

std::string ToLower(std::string_view s);
std::string ToUpper(std::string_view s);  ///< ASCII letters only
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix);
std::string_view Trim(std::string_view s);
/// `url` without trailing slashes ("https://x/" -> "https://x").
std::string WithoutTrailingSlash(std::string url);
std::vector<std::string> Split(std::string_view s, char sep);
std::string Join(const std::vector<std::string>& parts, std::string_view sep);

/// Edit distance (insert, delete, substitute), compared case-insensitively.
std::size_t EditDistanceIgnoreCase(std::string_view a, std::string_view b);

/// The candidate closest to `word` by edit distance, if it is close enough to
/// be a plausible misspelling (at most a third of the word's length, and at
/// least 1, 2 for longer words), or if one contains the other.
std::optional<std::string> ClosestMatch(std::string_view word, const std::vector<std::string>& candidates);

/// Parses a whole decimal integer ("42", "-1"); nullopt on anything else,
/// including overflow and trailing characters.
std::optional<long long> ParseInt(std::string_view s);

/// Percent-encoding for URL query components (RFC 3986 unreserved kept).
std::string UrlEncode(std::string_view s);
/// Decodes %XX and '+' (as space, the form-encoding rule).
std::string UrlDecode(std::string_view s);

}  // namespace jirasql
