#include "http/rate_governor.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "common/json_objects.h"
#include "common/strings.h"
#include "http/retry.h"

namespace jirasql {

namespace {
constexpr Duration kNearLimitSpacing{200};
constexpr Duration kNearLimitWindow{10000};
constexpr Duration kDefaultPause{1000};
constexpr Duration kLongestPause{300000};  // the retry budget: waiting longer helps nobody
constexpr Duration kPastTheTurn{250};      // a spent quota: wait this much past the window's end
constexpr double kCostWeight = 0.2;        // of the newest answer in the moving average
}  // namespace

void RateGovernor::BeforeSend() {
  SystemTime until;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const SystemTime now = clock_.Now();
    ++in_flight_;
    until = resume_at_;
    if (now < spaced_until_) {
      // Take the next free slot, kNearLimitSpacing after the previous one.
      SystemTime slot = std::max(next_slot_, std::max(now, resume_at_));
      next_slot_ = slot + kNearLimitSpacing;
      until = std::max(until, slot);
    }
    if (points_left_ >= 0 && now < window_end_) {
      // The points quota: what is left once the requests in flight (this
      // one included) are paid for.
      const double cost = std::max(1.0, cost_);
      const double left = static_cast<double>(points_left_) - static_cast<double>(in_flight_ - 1) * cost;
      const bool near = quota_.quota > 0 && points_left_ * 5 < quota_.quota;
      // Jira refuses a request only once nothing is left (an answer may
      // overdraw): hold when the requests in flight will have spent it all.
      if (left < 1 || (near && !pace_file_.empty() && !ReserveShared(left, cost))) {
        until = std::max(until, window_end_ + kPastTheTurn);
        ++quota_holds_;
      }
    }
    if (until <= now) return;
  }
  ++waits_;
  sleeper_.Sleep(std::chrono::duration_cast<Duration>(until - clock_.Now()));
}

void RateGovernor::NoResponse() {
  std::lock_guard<std::mutex> lock(mu_);
  if (in_flight_ > 0) --in_flight_;
}

void RateGovernor::SharePacing(std::string path) {
  std::lock_guard<std::mutex> lock(mu_);
  pace_file_ = std::move(path);
}

double RateGovernor::points_per_request() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cost_;
}

// The pace file holds "<window end, epoch ms> <points left>": the ledger of
// a window's last points, shared by processes. A file that cannot be used
// leaves each process to its own readings (never an error: Jira's 429 still
// says when to go on, and the retry loop waits for it).
bool RateGovernor::ReserveShared(double left, double cost) {
  const int fd = ::open(pace_file_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return true;
  bool ok = true;
  if (::flock(fd, LOCK_EX) == 0) {
    char buf[64] = {0};
    const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    long long end_ms = 0;
    double shared = 0;
    const long long mine = static_cast<long long>(EpochMs(window_end_));
    // The same window (t is whole seconds): the lower of the two ledgers.
    if (n > 0 && std::sscanf(buf, "%lld %lf", &end_ms, &shared) == 2 && end_ms > mine - 1500 && end_ms < mine + 1500) {
      left = std::min(left, shared);
    }
    ok = left >= 1;
    if (ok) left -= cost;
    char out[64];
    const int len = std::snprintf(out, sizeof out, "%lld %.1f", mine, left);
    if (::pwrite(fd, out, static_cast<std::size_t>(len), 0) == len) (void)::ftruncate(fd, len);
    ::flock(fd, LOCK_UN);
  }
  ::close(fd);
  return ok;
}

void RateGovernor::AfterResponse(const HttpResponse& r) {
  const SystemTime now = clock_.Now();
  QuotaReading quota = ReadQuotaHeaders(r);
  const bool near = EqualsIgnoreCase(r.Header("X-RateLimit-NearLimit").value_or(""), "true") || quota.near_limit;
  const bool burst_near = EqualsIgnoreCase(r.Header("X-RateLimit-NearLimit").value_or(""), "true");
  auto delay = ServerRequestedDelay(r, now);
  const bool pause = r.status == 429 || (r.status == 503 && delay);
  std::lock_guard<std::mutex> lock(mu_);
  if (in_flight_ > 0) --in_flight_;
  if (!pause && !near && !quota.any()) return;
  if (quota.remaining >= 0 && quota.reset_s >= 0) {
    const SystemTime end = now + Duration(quota.reset_s * 1000);
    // The same window if it ends when the last one did (t is whole
    // seconds); answers may arrive out of order, so the lowest reading wins.
    const bool same = points_left_ >= 0 && end < window_end_ + Duration(1500) && end > window_end_ - Duration(1500);
    if (same) {
      if (quota.remaining <= points_left_) {
        const double drop = static_cast<double>(points_left_ - quota.remaining);
        cost_ = cost_ == 0 ? drop : cost_ + kCostWeight * (drop - cost_);
        points_left_ = quota.remaining;
      }
    } else {
      points_left_ = quota.remaining;
      window_end_ = end;
    }
  }
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
  if (burst_near || pause) spaced_until_ = std::max(spaced_until_, now + kNearLimitWindow);
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

bool RateGovernor::BudgetSpent() const {
  const int64_t budget = budget_;
  if (budget <= 0) return false;
  // The average answer so far (1 before any), for the next request and each
  // one still in flight.
  const int64_t answers = answers_, spent = points_;
  const double average = answers > 0 ? static_cast<double>(spent) / static_cast<double>(answers) : 1.0;
  return static_cast<double>(spent) + average * static_cast<double>(pending_ + 1) > static_cast<double>(budget);
}

Result<void> RateGovernor::Admit() {
  const int64_t budget = budget_;
  if (budget > 0) {
    const int64_t spent = points_;
    if (BudgetSpent()) {
      return Fail(ErrorCode::kCancelled,
                  "stopped at the points budget (MaxPoints=" + std::to_string(budget) + ", --max-points): about " +
                      std::to_string(spent) + " points spent in " + std::to_string(static_cast<int64_t>(requests_)) +
                      (requests_ == 1 ? " request" : " requests") +
                      ", and the next would pass it; raise the budget, or narrow the query (explain "
                      "estimates what it costs)");
    }
  }
  ++requests_;
  ++pending_;
  return {};
}

void RateGovernor::Meter(const HttpRequest& request, const HttpResponse& response) {
  if (metered_ || budget_ > 0) {
    const bool read =
        response.ok() && (request.method == "GET" || (request.method == "POST" && response.status == 200));
    points_ += 1 + (read ? CountJsonObjects(response.body) : 0);
  }
  ++answers_;
  --pending_;
}

Result<HttpResponse> GovernedTransport::Send(const HttpRequest& request) {
  if (auto admitted = governor_->Admit(); !admitted) return Fail(admitted.error());
  governor_->BeforeSend();
  auto r = inner_->Send(request);
  if (!r) {
    governor_->NoResponse();
    governor_->Meter(request, HttpResponse{});  // a request sent, perhaps charged: its base point
  }
  if (r) {
    governor_->Meter(request, *r);
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
