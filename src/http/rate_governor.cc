#include "http/rate_governor.h"

#include "common/strings.h"
#include "http/retry.h"

namespace jirasql {

namespace {
constexpr Duration kNearLimitSpacing{200};
constexpr Duration kNearLimitWindow{10000};
constexpr Duration kDefaultPause{1000};
constexpr Duration kLongestPause{300000};  // the retry budget: waiting longer helps nobody
}  // namespace

void RateGovernor::BeforeSend() {
  SystemTime until;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const SystemTime now = clock_.Now();
    until = resume_at_;
    if (now < spaced_until_) {
      // Take the next free slot, kNearLimitSpacing after the previous one.
      SystemTime slot = std::max(next_slot_, std::max(now, resume_at_));
      next_slot_ = slot + kNearLimitSpacing;
      until = std::max(until, slot);
    }
    if (until <= now) return;
  }
  ++waits_;
  sleeper_.Sleep(std::chrono::duration_cast<Duration>(until - clock_.Now()));
}

void RateGovernor::AfterResponse(const HttpResponse& r) {
  const SystemTime now = clock_.Now();
  QuotaReading quota = ReadQuotaHeaders(r);
  const bool near = EqualsIgnoreCase(r.Header("X-RateLimit-NearLimit").value_or(""), "true") || quota.near_limit;
  auto delay = ServerRequestedDelay(r, now);
  const bool pause = r.status == 429 || (r.status == 503 && delay);
  if (!pause && !near && !quota.any()) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (quota.any()) {
    quota_ = std::move(quota);
    quota_at_ = now;
  }
  if (pause) {
    Duration d = std::min(delay.value_or(kDefaultPause), kLongestPause);
    if (now + d > resume_at_) resume_at_ = now + d;
    reason_ = r.Header("RateLimit-Reason").value_or("");
    ++pauses_;
  }
  if (near || pause) spaced_until_ = std::max(spaced_until_, now + kNearLimitWindow);
}

QuotaReading RateGovernor::last_quota() const {
  std::lock_guard<std::mutex> lock(mu_);
  return quota_;
}

SystemTime RateGovernor::last_quota_at() const {
  std::lock_guard<std::mutex> lock(mu_);
  return quota_at_;
}

std::string RateGovernor::last_reason() const {
  std::lock_guard<std::mutex> lock(mu_);
  return reason_;
}

Result<HttpResponse> GovernedTransport::Send(const HttpRequest& request) {
  governor_->BeforeSend();
  auto r = inner_->Send(request);
  if (r) {
    const int64_t before = governor_->pauses();
    governor_->AfterResponse(*r);
    if (governor_->pauses() != before && logger_) {
      const std::string reason = governor_->last_reason();
      logger_->Log(2, "rate limited (HTTP " + std::to_string(r->status) + (reason.empty() ? "" : ", " + reason) +
                          "): every request of this connection waits");
    }
  }
  return r;
}

}  // namespace jirasql
