#pragma once
/// Retrying HTTP requests, as three separate small pieces plus the loop:
///  - `RetryPolicy`: when to stop (attempts, total time);
///  - `BackoffPolicy`: how long to wait (exponential, capped, with jitter);
///  - idempotency (http.h `IsIdempotent`): whether a retry is safe at all;
///  - `RetryingTransport`: the loop, with an injected `Clock` and `Sleeper`.
///
/// What is retried:
///  - a request that never reached the server (DNS, connection refused):
///    always, whatever the method;
///  - HTTP 429, and 503 with Retry-After: always — Jira refuses such a
///    request before doing anything with it — after the wait asked for;
///  - timeouts, dropped connections, 500/502/503/504: only idempotent
///    requests, since the server may have acted on the first attempt.
/// The wait is the larger of the backoff delay and what the server asked
/// for (`Retry-After` in seconds or as an HTTP date, else
/// `X-RateLimit-Reset`). When the server asks for longer than the policy
/// allows, the loop stops and returns the server's answer.

#include <memory>
#include <optional>
#include <random>

#include "common/time.h"
#include "http/http.h"
#include "http/logger.h"

namespace jirasql {

/// When to stop retrying. One instance per call (`Clone`).
class RetryPolicy {
 public:
  virtual ~RetryPolicy() = default;
  virtual std::unique_ptr<RetryPolicy> Clone() const = 0;
  /// Records a failed attempt; true if another attempt may follow after
  /// waiting `next_delay`, given `elapsed` since the first attempt.
  virtual bool OnFailure(Duration elapsed, Duration next_delay) = 0;
};

/// At most `max_attempts` attempts (the first one included) and at most
/// `max_elapsed` of total time, waits included.
class LimitedRetryPolicy final : public RetryPolicy {
 public:
  LimitedRetryPolicy(int max_attempts, Duration max_elapsed) : max_attempts_(max_attempts), max_elapsed_(max_elapsed) {}
  std::unique_ptr<RetryPolicy> Clone() const override {
    return std::make_unique<LimitedRetryPolicy>(max_attempts_, max_elapsed_);
  }
  bool OnFailure(Duration elapsed, Duration next_delay) override;

 private:
  int max_attempts_;
  Duration max_elapsed_;
  int failures_ = 0;
};

/// How long to wait before the next attempt. One instance per call.
class BackoffPolicy {
 public:
  virtual ~BackoffPolicy() = default;
  virtual std::unique_ptr<BackoffPolicy> Clone() const = 0;
  virtual Duration NextDelay() = 0;
};

/// Delays of `initial`, `initial*multiplier`, ... capped at `maximum`; each
/// one drawn uniformly from [d/2, d] so that many clients do not retry in
/// step.
class ExponentialBackoff final : public BackoffPolicy {
 public:
  ExponentialBackoff(Duration initial, Duration maximum, double multiplier, unsigned seed);
  std::unique_ptr<BackoffPolicy> Clone() const override;
  Duration NextDelay() override;

 private:
  Duration initial_, maximum_;
  double multiplier_;
  double current_ms_;
  unsigned seed_;
  std::mt19937 rng_;
};

/// Whether this outcome is worth another attempt (see the file comment).
bool IsRetryable(const Result<HttpResponse>& outcome, bool idempotent);

/// How long the server asked us to wait, from `Retry-After` (seconds or an
/// HTTP date) or `X-RateLimit-Reset` (ISO 8601, Atlassian's
/// `yyyy-MM-ddTHH:mmZ`); nullopt when it did not say.
std::optional<Duration> ServerRequestedDelay(const HttpResponse& response, SystemTime now);

/// An `HttpTransport` that retries another one.
class RetryingTransport final : public HttpTransport {
 public:
  RetryingTransport(std::shared_ptr<HttpTransport> inner, std::unique_ptr<RetryPolicy> retry,
                    std::unique_ptr<BackoffPolicy> backoff, Clock& clock, Sleeper& sleeper,
                    std::shared_ptr<Logger> logger);

  /// The defaults: 5 attempts within 5 minutes, backoff 250 ms doubling to 30 s
  /// (a refused connection fails after about 4 s; a server's Retry-After is
  /// honoured up to the 5-minute budget).
  static std::unique_ptr<RetryingTransport> WithDefaults(std::shared_ptr<HttpTransport> inner,
                                                         std::shared_ptr<Logger> logger);

  Result<HttpResponse> Send(const HttpRequest& request) override;

 private:
  std::shared_ptr<HttpTransport> inner_;
  std::unique_ptr<RetryPolicy> retry_;
  std::unique_ptr<BackoffPolicy> backoff_;
  Clock& clock_;
  Sleeper& sleeper_;
  std::shared_ptr<Logger> logger_;
};

}  // namespace jirasql
