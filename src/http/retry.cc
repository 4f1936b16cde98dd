#include "http/retry.h"

#include <algorithm>
#include <atomic>
#include <cmath>

#include "common/strings.h"

namespace jirasql {

bool LimitedRetryPolicy::OnFailure(Duration elapsed, Duration next_delay) {
  ++failures_;
  if (failures_ >= max_attempts_) return false;
  return elapsed + next_delay <= max_elapsed_;
}

ExponentialBackoff::ExponentialBackoff(Duration initial, Duration maximum, double multiplier, unsigned seed)
    : initial_(initial),
      maximum_(maximum),
      multiplier_(multiplier),
      current_ms_(static_cast<double>(initial.count())),
      seed_(seed),
      rng_(seed) {}

std::unique_ptr<BackoffPolicy> ExponentialBackoff::Clone() const {
  // A fresh sequence per call; a different seed per clone keeps concurrent
  // calls from retrying in step.
  static std::atomic<unsigned> counter{0};
  return std::make_unique<ExponentialBackoff>(initial_, maximum_, multiplier_, seed_ + ++counter);
}

Duration ExponentialBackoff::NextDelay() {
  double cap = std::min(current_ms_, static_cast<double>(maximum_.count()));
  std::uniform_real_distribution<double> dist(cap / 2, cap);
  double d = dist(rng_);
  current_ms_ = std::min(current_ms_ * multiplier_, static_cast<double>(maximum_.count()));
  return Duration(static_cast<long long>(d));
}

bool IsRetryable(const Result<HttpResponse>& outcome, bool idempotent) {
  if (!outcome) {
    switch (outcome.error().code) {
      case ErrorCode::kConnectFailed:
        return true;  // never reached the server
      case ErrorCode::kTimeout:
      case ErrorCode::kTransport:
        return idempotent;
      default:
        return false;  // bad URL, answer too large, ...: the same again
    }
  }
  const int s = outcome->status;
  if (s == 429) return true;
  // A 503 that says when to come back is a refusal to take the request
  // (overload, maintenance): Jira did nothing with it.
  if (s == 503 && outcome->Header("Retry-After")) return true;
  if (s == 500 || s == 502 || s == 503 || s == 504) return idempotent;
  return false;
}

std::optional<Duration> ServerRequestedDelay(const HttpResponse& response, SystemTime now) {
  if (auto ra = response.Header("Retry-After")) {
    std::string_view v = Trim(*ra);
    if (auto secs = ParseInt(v)) {
      if (*secs >= 0) return Duration(*secs * 1000);
    } else if (auto when = ParseHttpDate(v)) {
      auto d = std::chrono::duration_cast<Duration>(*when - now);
      return std::max(d, Duration(0));
    }
  }
  if (auto reset = response.Header("X-RateLimit-Reset")) {
    if (auto when = ParseIso8601(*reset)) {
      auto d = std::chrono::duration_cast<Duration>(*when - now);
      return std::max(d, Duration(0));
    }
  }
  return std::nullopt;
}

RetryingTransport::RetryingTransport(std::shared_ptr<HttpTransport> inner, std::unique_ptr<RetryPolicy> retry,
                                     std::unique_ptr<BackoffPolicy> backoff, Clock& clock, Sleeper& sleeper,
                                     std::shared_ptr<Logger> logger)
    : inner_(std::move(inner)),
      retry_(std::move(retry)),
      backoff_(std::move(backoff)),
      clock_(clock),
      sleeper_(sleeper),
      logger_(logger ? std::move(logger) : std::make_shared<Logger>()) {}

std::unique_ptr<RetryingTransport> RetryingTransport::WithDefaults(std::shared_ptr<HttpTransport> inner,
                                                                   std::shared_ptr<Logger> logger) {
  return std::make_unique<RetryingTransport>(
      std::move(inner), std::make_unique<LimitedRetryPolicy>(5, std::chrono::minutes(5)),
      std::make_unique<ExponentialBackoff>(Duration(250), Duration(30000), 2.0, std::random_device{}()), SystemClock(),
      RealSleeper(), std::move(logger));
}

Result<HttpResponse> RetryingTransport::Send(const HttpRequest& request) {
  auto retry = retry_->Clone();
  auto backoff = backoff_->Clone();
  const bool idempotent = IsIdempotent(request);
  const SystemTime start = clock_.Now();
  for (int attempt = 1;; ++attempt) {
    Result<HttpResponse> outcome = inner_->Send(request);
    if (!IsRetryable(outcome, idempotent)) return outcome;

    Duration delay = backoff->NextDelay();
    std::string reason;
    if (outcome) {
      reason = "HTTP " + std::to_string(outcome->status);
      if (auto asked = ServerRequestedDelay(*outcome, clock_.Now())) {
        delay = std::max(delay, *asked);
        reason += ", server asks to wait " + std::to_string(asked->count()) + " ms";
      }
      if (auto why = outcome->Header("RateLimit-Reason")) reason += " (" + *why + ")";
    } else {
      reason = std::string(ErrorCodeName(outcome.error().code));
    }
    auto elapsed = std::chrono::duration_cast<Duration>(clock_.Now() - start);
    if (!retry->OnFailure(elapsed, delay)) {
      logger_->Log(2, "giving up on " + request.method + " " + logger_->redactor().Url(request.url) + " after " +
                          std::to_string(attempt) + " attempt(s): " + reason);
      return outcome;
    }
    logger_->Log(2, "retrying " + request.method + " " + logger_->redactor().Url(request.url) + " in " +
                        std::to_string(delay.count()) + " ms (attempt " + std::to_string(attempt) +
                        " failed: " + reason + ")");
    sleeper_.Sleep(delay);
  }
}

}  // namespace jirasql
