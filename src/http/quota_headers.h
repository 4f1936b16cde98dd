#pragma once
/// What Jira Cloud says of an app's points quota and burst limits, read from
/// an answer's headers (developer.atlassian.com "Rate limiting", 2026; the
/// forms below as Jira sends them):
///
///   Beta-RateLimit-Policy: "tenant-app-quota";q=100100;w=3600   quota q points per w seconds
///   Beta-RateLimit: "tenant-app-quota";r=17842;t=2107           r left, reset in t seconds
///   X-Beta-RateLimit-Reason: jira-quota-tenant-based            which budget
///   X-Beta-RateLimit-NearLimit: true                            under 20% left
///   X-Beta-RateLimit-Reset: 2026-03-26T16:00Z                   when a spent quota resets
///   RateLimit-Reason: jira-quota-global-based                   why a 429 (also jira-burst-based,
///                                                               jira-per-issue-on-write)
///   X-RateLimit-Limit / -Remaining / -Reset, Retry-After        the burst limiter's
///
/// Parsing never fails: a header that is absent or malformed leaves its
/// fields unknown (-1, empty), so a hostile or changed answer cannot stop a
/// read — it only leaves the governor less informed.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "http/http.h"

namespace jirasql {

/// One item of a structured header list: "name";key=value;…
struct QuotaItem {
  std::string name;
  int64_t q = -1, w = -1, r = -1, t = -1;
};

/// The items of a Beta-RateLimit(-Policy) value, in order; malformed ones skipped.
std::vector<QuotaItem> ParseQuotaItems(std::string_view value);

struct QuotaReading {
  std::string policy;      ///< the quota's name ("tenant-app-quota", "global-app-quota")
  int64_t quota = -1;      ///< points per window
  int64_t window_s = -1;   ///< the window, seconds
  int64_t remaining = -1;  ///< points left in this window
  int64_t reset_s = -1;    ///< seconds until the window resets
  std::string reason;      ///< X-Beta-RateLimit-Reason, or a 429's RateLimit-Reason
  bool near_limit = false;
  std::string reset_at;                            ///< X-Beta-RateLimit-Reset as sent
  int64_t burst_limit = -1, burst_remaining = -1;  ///< X-RateLimit-Limit / -Remaining

  /// Whether the answer said anything about the quota at all.
  bool any() const { return remaining >= 0 || quota >= 0 || near_limit || !reason.empty(); }
};

/// The quota headers of one answer. With several quota items, the one with
/// the fewest points left is the one that binds.
QuotaReading ReadQuotaHeaders(const HttpResponse& response);

}  // namespace jirasql
