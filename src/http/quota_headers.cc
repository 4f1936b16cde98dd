#include "http/quota_headers.h"

#include <charconv>

#include "common/strings.h"

namespace jirasql {

namespace {

int64_t Number(std::string_view s) {
  s = Trim(s);
  int64_t v = -1;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 0) return -1;
  return v;
}

// Splits on `sep` outside double quotes.
std::vector<std::string_view> SplitUnquoted(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  bool quoted = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '"') quoted = !quoted;
    if (s[i] == sep && !quoted) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  out.push_back(s.substr(start));
  return out;
}

// A header's text as kept for display: trimmed, at most 200 bytes.
std::string Kept(std::string_view s) { return std::string(Trim(s).substr(0, 200)); }

}  // namespace

std::vector<QuotaItem> ParseQuotaItems(std::string_view value) {
  std::vector<QuotaItem> out;
  for (std::string_view member : SplitUnquoted(value, ',')) {
    auto parts = SplitUnquoted(member, ';');
    std::string_view name = Trim(parts[0]);
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
    if (name.empty() || name.find('"') != std::string_view::npos) continue;
    QuotaItem item;
    item.name = std::string(name.substr(0, 200));
    for (std::size_t i = 1; i < parts.size(); ++i) {
      const std::string_view p = Trim(parts[i]);
      const auto eq = p.find('=');
      if (eq == std::string_view::npos) continue;
      const std::string_view key = Trim(p.substr(0, eq));
      const int64_t v = Number(p.substr(eq + 1));
      if (key == "q") item.q = v;
      if (key == "w") item.w = v;
      if (key == "r") item.r = v;
      if (key == "t") item.t = v;
    }
    out.push_back(std::move(item));
  }
  return out;
}

QuotaReading ReadQuotaHeaders(const HttpResponse& response) {
  QuotaReading q;
  const auto state = ParseQuotaItems(response.Header("Beta-RateLimit").value_or(""));
  const QuotaItem* binding = nullptr;
  for (const auto& item : state) {
    if (item.r < 0) continue;
    if (!binding || item.r < binding->r) binding = &item;
  }
  if (binding) {
    q.policy = binding->name;
    q.remaining = binding->r;
    q.reset_s = binding->t;
  }
  for (const auto& item : ParseQuotaItems(response.Header("Beta-RateLimit-Policy").value_or(""))) {
    if (q.policy.empty() && item.q >= 0) q.policy = item.name;
    if (item.name == q.policy) {
      q.quota = item.q;
      q.window_s = item.w;
    }
  }
  q.reason = Kept(response.Header("X-Beta-RateLimit-Reason").value_or(""));
  if (response.status == 429) {
    if (auto why = response.Header("RateLimit-Reason")) q.reason = Kept(*why);
  }
  q.near_limit = EqualsIgnoreCase(Trim(response.Header("X-Beta-RateLimit-NearLimit").value_or("")), "true");
  q.reset_at = Kept(response.Header("X-Beta-RateLimit-Reset").value_or(""));
  q.burst_limit = Number(response.Header("X-RateLimit-Limit").value_or(""));
  q.burst_remaining = Number(response.Header("X-RateLimit-Remaining").value_or(""));
  return q;
}

}  // namespace jirasql
