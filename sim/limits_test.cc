// jirasim's rate limits: what a request costs, the quota's window and
// headers, the burst and per-issue limits.

#include "limits.h"

#include <gtest/gtest.h>

#include <map>

#include "http/quota_headers.h"

namespace jirasim {
namespace {

std::map<std::string, std::string> AsMap(const Headers& h) {
  std::map<std::string, std::string> m;
  for (const auto& [k, v] : h) m[k] = v;
  return m;
}

TEST(SimLimits, TheQuotaIsSpentInFixedWindowsAndSaysSoInAtlassiansHeaders) {
  Limits limits({.points_quota = 100, .points_window_s = 10});
  const int64_t t0 = 1'700'000'000'123;
  EXPECT_FALSE(limits.AdmitPoints(t0));  // the first window starts here
  Headers h;
  limits.ChargePoints(51, t0 + 2000, &h);
  auto m = AsMap(h);
  EXPECT_EQ(m["Beta-RateLimit-Policy"], "\"global-app-quota\";q=100;w=10");
  EXPECT_EQ(m["Beta-RateLimit"], "\"global-app-quota\";r=49;t=8");
  EXPECT_EQ(m.count("X-Beta-RateLimit-NearLimit"), 0u);

  // What jirasql reads of it.
  jirasql::HttpResponse r;
  for (const auto& [k, v] : h) r.headers.emplace_back(k, v);
  auto q = jirasql::ReadQuotaHeaders(r);
  EXPECT_EQ(q.quota, 100);
  EXPECT_EQ(q.window_s, 10);
  EXPECT_EQ(q.remaining, 49);
  EXPECT_EQ(q.reset_s, 8);

  h.clear();
  limits.ChargePoints(40, t0 + 3000, &h);  // 9 left: under 20%
  m = AsMap(h);
  EXPECT_EQ(m["X-Beta-RateLimit-NearLimit"], "true");
  EXPECT_EQ(m["X-Beta-RateLimit-Reason"], "jira-quota-global-based");
  EXPECT_EQ(m["X-Beta-RateLimit-Reset"], "2023-11-14T22:13Z");  // t0 + 10 s, to the minute
  EXPECT_FALSE(limits.AdmitPoints(t0 + 3000));                  // 9 left: still admitted
  limits.ChargePoints(20, t0 + 3000, nullptr);                  // an answer may overdraw
  auto refused = limits.AdmitPoints(t0 + 4500);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->reason, "jira-quota-global-based");
  EXPECT_EQ(refused->retry_after_s, 6);           // until the window turns
  EXPECT_FALSE(limits.AdmitPoints(t0 + 10'000));  // a new window
  EXPECT_EQ(limits.ToJson(t0 + 10'000)["pointsSpent"], 0);
  EXPECT_EQ(limits.ToJson(t0 + 10'000)["pointsTotal"], 111);
  EXPECT_EQ(limits.ToJson(t0 + 10'000)["refused"]["jira-quota-global-based"], 1);

  // Set anew: the window starts then, the points spent are forgotten.
  limits.Configure({.points_quota = 10, .points_window_s = 5}, t0 + 12'345);
  h.clear();
  limits.ChargePoints(3, t0 + 13'345, &h);
  EXPECT_EQ(AsMap(h)["Beta-RateLimit"], "\"global-app-quota\";r=7;t=4");
}

TEST(SimLimits, NoQuotaNoHeaders) {
  Limits limits;
  Headers h;
  EXPECT_FALSE(limits.AdmitPoints(0));
  limits.ChargePoints(5, 0, &h);
  EXPECT_TRUE(h.empty());
  EXPECT_FALSE(limits.AdmitBurst("0 GET /x", "", false, 0, &h));
  EXPECT_TRUE(h.empty());
}

TEST(SimLimits, BurstIsPerEndpointPerSecondAndWritesPerIssue) {
  Limits limits({.burst_per_second = 5, .issue_writes_per_second = 2});
  const int64_t t = 1'700'000'000'000;
  Headers h;
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(limits.AdmitBurst("0 GET /a", "", false, t + 10 * i, &h));
  EXPECT_EQ(AsMap(h)["X-RateLimit-Limit"], "5");
  auto refusal = limits.AdmitBurst("0 GET /a", "", false, t + 900, &h);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->reason, "jira-burst-based");
  EXPECT_FALSE(limits.AdmitBurst("0 GET /b", "", false, t + 900, nullptr));   // another endpoint
  EXPECT_FALSE(limits.AdmitBurst("0 GET /a", "", false, t + 1000, nullptr));  // the next second

  EXPECT_FALSE(limits.AdmitBurst("0 PUT /i", "0 A-1", true, t, nullptr));
  EXPECT_FALSE(limits.AdmitBurst("0 POST /c", "0 A-1", true, t, nullptr));
  refusal = limits.AdmitBurst("0 DELETE /d", "0 A-1", true, t, nullptr);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->reason, "jira-per-issue-on-write");
  EXPECT_FALSE(limits.AdmitBurst("0 PUT /i", "0 A-2", true, t, nullptr));  // another issue
}

}  // namespace
}  // namespace jirasim
