#include "http/quota_headers.h"

#include <gtest/gtest.h>

namespace jirasql {
namespace {

HttpResponse With(Headers h, int status = 200) {
  HttpResponse r;
  r.status = status;
  r.headers = std::move(h);
  return r;
}

// Headers as Jira Cloud sent them (quoted in Atlassian's developer
// community, March 2026).
TEST(QuotaHeaders, ReadsTheQuotaJiraReports) {
  auto q = ReadQuotaHeaders(With({{"Beta-Ratelimit-Policy", "\"tenant-app-quota\";q=100100;w=3600"},
                                  {"Beta-Ratelimit", "\"tenant-app-quota\";r=17842;t=2107"},
                                  {"X-Beta-Ratelimit-Reason", "jira-quota-tenant-based"},
                                  {"X-Beta-Ratelimit-Nearlimit", "true"},
                                  {"X-Ratelimit-Limit", "350"},
                                  {"X-Ratelimit-Remaining", "349"}}));
  EXPECT_EQ(q.policy, "tenant-app-quota");
  EXPECT_EQ(q.quota, 100100);
  EXPECT_EQ(q.window_s, 3600);
  EXPECT_EQ(q.remaining, 17842);
  EXPECT_EQ(q.reset_s, 2107);
  EXPECT_EQ(q.reason, "jira-quota-tenant-based");
  EXPECT_TRUE(q.near_limit);
  EXPECT_EQ(q.burst_limit, 350);
  EXPECT_EQ(q.burst_remaining, 349);
  EXPECT_TRUE(q.any());
}

// Spent: no policy header any more, a reset time instead; a 429 names why.
TEST(QuotaHeaders, ASpentQuotaAndA429) {
  auto q = ReadQuotaHeaders(With({{"Beta-RateLimit", "\"tenant-app-quota\";r=0;t=2788"},
                                  {"X-Beta-RateLimit-Reason", "jira-quota-tenant-based"},
                                  {"X-Beta-RateLimit-Reset", "2026-03-26T16:00Z"},
                                  {"RateLimit-Reason", "jira-quota-global-based"},
                                  {"Retry-After", "2788"}},
                                 429));
  EXPECT_EQ(q.policy, "tenant-app-quota");
  EXPECT_EQ(q.remaining, 0);
  EXPECT_EQ(q.quota, -1);
  EXPECT_EQ(q.reset_at, "2026-03-26T16:00Z");
  EXPECT_EQ(q.reason, "jira-quota-global-based");
}

// Two quotas at once: the one with fewer points left binds.
TEST(QuotaHeaders, TheTighterOfTwoQuotasBinds) {
  auto q = ReadQuotaHeaders(
      With({{"Beta-RateLimit-Policy", "\"global-app-quota\";q=65000;w=3600, \"tenant-app-quota\";q=100100;w=3600"},
            {"Beta-RateLimit", "\"global-app-quota\";r=9000;t=100, \"tenant-app-quota\";r=50000;t=100"}}));
  EXPECT_EQ(q.policy, "global-app-quota");
  EXPECT_EQ(q.quota, 65000);
  EXPECT_EQ(q.remaining, 9000);
}

// Nothing, or nonsense: unknown, never an error.
TEST(QuotaHeaders, AbsentOrMalformedHeadersLeaveFieldsUnknown) {
  EXPECT_FALSE(ReadQuotaHeaders(With({})).any());
  for (const char* bad : {"", ";", "\"", "\"x;r=1", "x;r=-5;t=abc", "x;r=99999999999999999999", ",,,", "x;r"}) {
    auto q =
        ReadQuotaHeaders(With({{"Beta-RateLimit", bad}, {"Beta-RateLimit-Policy", bad}, {"X-RateLimit-Limit", bad}}));
    EXPECT_EQ(q.remaining, -1) << bad;
    EXPECT_EQ(q.quota, -1) << bad;
    EXPECT_EQ(q.burst_limit, -1) << bad;
  }
  auto items = ParseQuotaItems("a;q=1, \"b,c\";q=2;w=3, ;q=4");
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[1].name, "b,c");
  EXPECT_EQ(items[1].w, 3);
  EXPECT_EQ(ReadQuotaHeaders(With({{"X-Beta-RateLimit-Reason", std::string(5000, 'x')}})).reason.size(), 200u);
}

}  // namespace
}  // namespace jirasql
