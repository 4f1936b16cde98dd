#pragma once
/// Jira Cloud's three rate limits, as jirasim plays them (developer.atlassian.com
/// "Rate limiting", 2026):
///  - the points quota of an OAuth app, shared by all its sites: every
///    request through the API gateway costs 1 point, plus 1 per object a
///    read returns (the items of a page or list; 1 for a single object);
///    writes cost the base point only. `q` points per fixed window of `w`
///    seconds on jirasim's clock, counted from the first request (or from
///    when the admin API set the quota), so a test's window is its own. Every gateway answer says where the app
///    stands (Beta-RateLimit-Policy, Beta-RateLimit, and under 20% left
///    X-Beta-RateLimit-NearLimit); once spent, requests get a 429 with
///    RateLimit-Reason: jira-quota-global-based and Retry-After until the
///    window turns. API-token and PAT traffic is not metered, as on Atlassian.
///  - the burst limit: N requests a second per site, endpoint and method,
///    for every kind of credential (429 jira-burst-based, Retry-After: 1;
///    X-RateLimit-Limit/-Remaining on every answer, -NearLimit under 20%);
///  - the per-issue write limit: N writes a second to one issue (429
///    jira-per-issue-on-write).
/// Each is off (0) unless jirasim is started with it or the admin API sets it.

#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jirasim {

struct LimitOptions {
  int64_t points_quota = 0;  ///< points per window for the OAuth app; 0 = no quota
  int64_t points_window_s = 3600;
  int64_t burst_per_second = 0;         ///< per site + endpoint + method; 0 = none
  int64_t issue_writes_per_second = 0;  ///< per issue; 0 = none
};

/// A request refused: the 429's RateLimit-Reason and Retry-After.
struct Refusal {
  std::string reason;
  int64_t retry_after_s = 1;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

class Limits {
 public:
  explicit Limits(LimitOptions o = {}) : o_(o) {}

  LimitOptions options() const;
  /// New limits; the quota's first window starts at `now_ms`.
  void Configure(const LimitOptions& o, int64_t now_ms);
  /// Forgets what was spent (the admin reset).
  void Reset();

  /// Before a gateway request runs: refused when the app's points are spent.
  std::optional<Refusal> AdmitPoints(int64_t now_ms);
  /// After it ran: charges `points` and says where the app stands.
  void ChargePoints(int64_t points, int64_t now_ms, Headers* out);
  /// Before any REST request: the burst limit of (site, method, endpoint),
  /// and for a write to an issue, that issue's limit. Adds the burst headers.
  std::optional<Refusal> AdmitBurst(const std::string& endpoint, const std::string& issue, bool write, int64_t now_ms,
                                    Headers* out);

  /// {"options": …, "pointsSpent": in this window, "pointsTotal", "refused": {reason: n}}.
  nlohmann::json ToJson(int64_t now_ms) const;

 private:
  void Roll(int64_t now_ms);  // under mu_
  void QuotaHeaders(int64_t now_ms, Headers* out) const;

  mutable std::mutex mu_;
  LimitOptions o_;
  int64_t origin_ms_ = -1;  ///< windows are [origin + k·w, origin + (k+1)·w); set on first use
  int64_t window_start_ms_ = -1;
  int64_t spent_ = 0;
  int64_t total_ = 0;
  std::map<std::string, int64_t> refused_;
  struct Second {
    int64_t second = -1;
    int64_t count = 0;
  };
  std::map<std::string, Second> burst_, issue_writes_;
};

}  // namespace jirasim
