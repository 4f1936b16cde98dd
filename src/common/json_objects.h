#pragma once
/// The objects a JSON answer returns, as Atlassian's points quota counts
/// them (developer.atlassian.com "rate-limiting"): the elements of a
/// top-level array, else of the object's longest array member (a search's
/// issues, a page's values), else 1 for an object or a value alone. One
/// rule for jirasim, which charges by it, and for jirasql, which estimates
/// what it spent (RateGovernor) — so that both read the same answer alike.

#include <cstdint>
#include <string_view>

namespace jirasql {

/// 0 for an empty or malformed body (unbalanced, an unterminated string).
/// A scan of the bytes, no document built: cheap enough for every answer.
int64_t CountJsonObjects(std::string_view body);

}  // namespace jirasql
