#include "limits.h"

#include <algorithm>

#include "model.h"

namespace jirasim {

using nlohmann::json;

namespace {

constexpr const char* kQuotaName = "global-app-quota";

void Add(Headers* out, std::string name, std::string value) {
  if (out) out->emplace_back(std::move(name), std::move(value));
}

}  // namespace

LimitOptions Limits::options() const {
  std::lock_guard<std::mutex> lock(mu_);
  return o_;
}

void Limits::Configure(const LimitOptions& o, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  o_ = o;
  origin_ms_ = now_ms;
  window_start_ms_ = -1;
  spent_ = 0;
}

void Limits::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  origin_ms_ = window_start_ms_ = -1;
  spent_ = total_ = 0;
  refused_.clear();
  burst_.clear();
  issue_writes_.clear();
}

void Limits::Roll(int64_t now_ms) {
  const int64_t w = std::max<int64_t>(1, o_.points_window_s) * 1000;
  if (origin_ms_ < 0 || now_ms < origin_ms_) origin_ms_ = now_ms;
  const int64_t start = now_ms - (now_ms - origin_ms_) % w;  // fixed windows on jirasim's clock
  if (start != window_start_ms_) {
    window_start_ms_ = start;
    spent_ = 0;
  }
}

void Limits::QuotaHeaders(int64_t now_ms, Headers* out) const {
  const int64_t w = std::max<int64_t>(1, o_.points_window_s);
  const int64_t left = std::max<int64_t>(0, o_.points_quota - spent_);
  const int64_t end_ms = window_start_ms_ + w * 1000;
  const int64_t reset_s = std::max<int64_t>(0, (end_ms - now_ms + 999) / 1000);
  const std::string name = std::string("\"") + kQuotaName + "\"";
  Add(out, "Beta-RateLimit-Policy", name + ";q=" + std::to_string(o_.points_quota) + ";w=" + std::to_string(w));
  Add(out, "Beta-RateLimit", name + ";r=" + std::to_string(left) + ";t=" + std::to_string(reset_s));
  if (left * 5 < o_.points_quota) {
    Add(out, "X-Beta-RateLimit-NearLimit", "true");
    Add(out, "X-Beta-RateLimit-Reason", "jira-quota-global-based");
    // Atlassian's form: minutes, UTC, no seconds.
    const std::string reset = FormatTimestamp(end_ms, 0);  // 2026-03-26T16:00:00.000+0000
    Add(out, "X-Beta-RateLimit-Reset", reset.substr(0, 16) + "Z");
  }
}

std::optional<Refusal> Limits::AdmitPoints(int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  if (o_.points_quota <= 0) return std::nullopt;
  Roll(now_ms);
  if (spent_ < o_.points_quota) return std::nullopt;
  ++refused_["jira-quota-global-based"];
  const int64_t end_ms = window_start_ms_ + std::max<int64_t>(1, o_.points_window_s) * 1000;
  return Refusal{"jira-quota-global-based", std::max<int64_t>(1, (end_ms - now_ms + 999) / 1000)};
}

void Limits::ChargePoints(int64_t points, int64_t now_ms, Headers* out) {
  std::lock_guard<std::mutex> lock(mu_);
  if (o_.points_quota <= 0) return;
  Roll(now_ms);
  spent_ += points;
  total_ += points;
  QuotaHeaders(now_ms, out);
}

std::optional<Refusal> Limits::AdmitBurst(const std::string& endpoint, const std::string& issue, bool write,
                                          int64_t now_ms, Headers* out) {
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t second = now_ms / 1000;
  auto take = [&](std::map<std::string, Second>& m, const std::string& key, int64_t limit) {
    Second& s = m[key];
    if (s.second != second) s = Second{second, 0};
    if (s.count >= limit) return false;
    ++s.count;
    return true;
  };
  if (o_.burst_per_second > 0) {
    const bool ok = take(burst_, endpoint, o_.burst_per_second);
    const int64_t left = o_.burst_per_second - burst_[endpoint].count;
    Add(out, "X-RateLimit-Limit", std::to_string(o_.burst_per_second));
    Add(out, "X-RateLimit-Remaining", std::to_string(std::max<int64_t>(0, left)));
    if (left * 5 < o_.burst_per_second) Add(out, "X-RateLimit-NearLimit", "true");
    if (!ok) {
      ++refused_["jira-burst-based"];
      return Refusal{"jira-burst-based", 1};
    }
  }
  if (write && !issue.empty() && o_.issue_writes_per_second > 0 &&
      !take(issue_writes_, issue, o_.issue_writes_per_second)) {
    ++refused_["jira-per-issue-on-write"];
    return Refusal{"jira-per-issue-on-write", 1};
  }
  return std::nullopt;
}

json Limits::ToJson(int64_t now_ms) const {
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t w = std::max<int64_t>(1, o_.points_window_s) * 1000;
  const bool current =
      origin_ms_ >= 0 && now_ms >= origin_ms_ && window_start_ms_ == now_ms - (now_ms - origin_ms_) % w;
  return {{"pointsQuota", o_.points_quota},
          {"pointsWindow", o_.points_window_s},
          {"burstPerSecond", o_.burst_per_second},
          {"issueWritesPerSecond", o_.issue_writes_per_second},
          {"pointsSpent", current ? spent_ : 0},
          {"pointsTotal", total_},
          {"refused", refused_}};
}

}  // namespace jirasim
