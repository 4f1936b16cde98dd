#pragma once
/// One rate governor per connection, shared by every worker of a scan: when
/// Jira says "slow down", all requests slow down, not only the one that was
/// refused (which the retry loop already makes wait).
///  - 429, or 503 with a wait: nobody sends until the time Jira named
///    (`Retry-After`, else `X-RateLimit-Reset`, else one second);
///  - `X-RateLimit-NearLimit: true` (the burst limiter): requests are
///    spaced by 200 ms for the next 10 seconds;
///  - the points quota (an OAuth app's, quota_headers.h): the latest reading
///    is kept (sys_rate_limit), and what an answer costs is learnt from how
///    much the remaining points fall. Requests go as fast as they come
///    until the points left, less what the requests in flight will cost,
///    are gone (Jira refuses only then: an answer may overdraw); then
///    nobody sends until the window turns. So a long read through an OAuth app waits for the next window
///    instead of hitting Jira's hard limit, and a small one is never slowed.
///    With a pace file (SharePacing), processes of one app on one machine
///    keep one ledger of the last fifth of a window's points in it: each
///    request reserves its cost there, so that together they stop in time;
///  - `RateLimit-Reason` is kept for the log and the error.
/// Sits below the retry loop (curl -> log -> governor -> retries), so that
/// every attempt of every worker passes through it.

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "common/error.h"
#include "common/time.h"
#include "http/http.h"
#include "http/logger.h"
#include "http/quota_headers.h"

namespace jirasql {

class RateGovernor {
 public:
  RateGovernor(Clock& clock, Sleeper& sleeper) : clock_(clock), sleeper_(sleeper) {}

  /// Waits until a request may go out.
  void BeforeSend();
  /// Learns from an answer.
  void AfterResponse(const HttpResponse& response);
  /// A request sent that got no answer (the connection failed).
  void NoResponse();
  /// Near the end of a window, points are reserved in this file too
  /// (created 0600 if missing, flock'd while read and written), shared by
  /// the processes of one app.
  void SharePacing(std::string path);

  /// What the connection spent: requests sent, and — while points are
  /// metered (a budget is set, or MeterPoints) — the points Atlassian's
  /// rule charges an OAuth app for them: 1 a request, plus for a read (a
  /// GET, or a POST answered 200: a search, a bulk fetch) each object it
  /// returned (common/json_objects.h). Counted from the answers, whatever
  /// the credentials (an API token's requests are not charged, but this
  /// says what they would cost). Metering reads every answer once more:
  /// off unless asked, so that a plain scan pays nothing for it.
  int64_t requests() const { return requests_; }
  int64_t points() const { return points_; }
  void MeterPoints(bool on) { metered_ = on; }
  bool points_metered() const { return metered_ || budget_ > 0; }
  /// Stops spending at `max` points (0: no budget, MaxPoints): a request
  /// that would take the points past it — by the average answer so far, for
  /// it and each request in flight — is not sent; Send fails with
  /// kCancelled and a message that says so.
  void SetPointsBudget(int64_t max) { budget_ = max; }
  int64_t points_budget() const { return budget_; }
  /// Counts a request (before it goes) against the budget: an error when
  /// it may not go.
  Result<void> Admit();
  /// Whether the budget refuses the next request.
  bool BudgetSpent() const;
  /// Counts an answer's points.
  void Meter(const HttpRequest& request, const HttpResponse& response);

  int64_t pauses() const { return pauses_; }            ///< times Jira asked everyone to wait
  int64_t waits() const { return waits_; }              ///< requests that waited
  int64_t quota_holds() const { return quota_holds_; }  ///< requests held until the quota's window turned
  double points_per_request() const;                    ///< learnt from the quota's readings (0: not yet)
  std::string last_reason() const;                      ///< RateLimit-Reason of the last pause
  /// The latest answer that said anything of the points quota (any() false
  /// when none has), and when it came.
  QuotaReading last_quota() const;
  SystemTime last_quota_at() const;

 private:
  Clock& clock_;
  Sleeper& sleeper_;
  mutable std::mutex mu_;
  SystemTime resume_at_{};     ///< nobody sends before this
  SystemTime spaced_until_{};  ///< spacing applies until this
  SystemTime next_slot_{};     ///< with spacing: the next send time
  std::string reason_;
  QuotaReading quota_;
  SystemTime quota_at_{};
  // Pacing to the points quota.
  SystemTime window_end_{};   ///< when the reading's window turns
  int64_t points_left_ = -1;  ///< the lowest reading in this window
  double cost_ = 0;           ///< points an answer costs (moving average)
  int64_t in_flight_ = 0;     ///< sent, not yet answered
  std::string pace_file_;
  /// Reserves `cost` of the shared ledger, which starts from `left` in a
  /// new window; false when it has not that much. Under mu_.
  bool ReserveShared(double left, double cost);
  std::atomic<int64_t> pauses_{0}, waits_{0}, quota_holds_{0};
  std::atomic<int64_t> requests_{0}, points_{0}, answers_{0}, pending_{0};
  std::atomic<int64_t> budget_{0};
  std::atomic<bool> metered_{false};
};

class GovernedTransport final : public HttpTransport {
 public:
  GovernedTransport(std::shared_ptr<HttpTransport> inner, std::shared_ptr<RateGovernor> governor,
                    std::shared_ptr<Logger> logger)
      : inner_(std::move(inner)), governor_(std::move(governor)), logger_(std::move(logger)) {}
  Result<HttpResponse> Send(const HttpRequest& request) override;
  RateGovernor& governor() { return *governor_; }

 private:
  std::shared_ptr<HttpTransport> inner_;
  std::shared_ptr<RateGovernor> governor_;
  std::shared_ptr<Logger> logger_;
};

}  // namespace jirasql
