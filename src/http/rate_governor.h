#pragma once
/// One rate governor per connection, shared by every worker of a scan: when
/// Jira says "slow down", all requests slow down, not only the one that was
/// refused (which the retry loop already makes wait).
///  - 429, or 503 with a wait: nobody sends until the time Jira named
///    (`Retry-After`, else `X-RateLimit-Reset`, else one second);
///  - `X-RateLimit-NearLimit: true` (burst) or `X-Beta-RateLimit-NearLimit:
///    true` (the points quota): requests are spaced by 200 ms for the next
///    10 seconds, so that the budget is not spent all at once;
///  - the points quota Jira reports (quota_headers.h) is kept: the latest
///    reading, for sys_rate_limit and the log;
///  - `RateLimit-Reason` is kept for the log and the error.
/// Sits below the retry loop (curl -> log -> governor -> retries), so that
/// every attempt of every worker passes through it.

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

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

  int64_t pauses() const { return pauses_; }  ///< times Jira asked everyone to wait
  int64_t waits() const { return waits_; }    ///< requests that waited
  std::string last_reason() const;            ///< RateLimit-Reason of the last pause
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
  std::atomic<int64_t> pauses_{0}, waits_{0};
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
