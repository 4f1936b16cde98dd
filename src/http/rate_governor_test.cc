#include "http/rate_governor.h"

#include <gtest/gtest.h>

#include "testing/fakes.h"
#include "testing/temp_dir.h"

namespace jirasql {
namespace {

using testing::FakeClock;
using testing::FakeSleeper;
using testing::Response;

TEST(RateGovernor, PointsAreMeteredOnlyWhenAskedByAtlassiansRule) {
  FakeClock clock;
  FakeSleeper sleeper(clock);
  RateGovernor g(clock, sleeper);
  const HttpRequest get{"GET", "/project/search", {}, "", std::nullopt};
  const HttpRequest search{"POST", "/search/jql", {}, "{}", std::nullopt};
  const HttpRequest create{"POST", "/issue", {}, "{}", std::nullopt};
  ASSERT_TRUE(g.Admit());
  g.Meter(get, Response(200, R"({"values":[1,2,3],"isLast":true})"));
  EXPECT_EQ(g.requests(), 1);
  EXPECT_EQ(g.points(), 0);  // not metered: a plain scan pays nothing for counting
  g.MeterPoints(true);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(g.Admit());
  g.Meter(get, Response(200, R"({"values":[1,2,3],"isLast":true})"));       // 1 + 3
  g.Meter(search, Response(200, R"({"issues":[{"id":"1"},{"id":"2"}]})"));  // 1 + 2
  g.Meter(create, Response(201, R"({"id":"10001","key":"A-1"})"));          // a write: 1
  g.Meter(get, Response(404, R"({"errorMessages":["x"]})"));                // refused: 1
  EXPECT_EQ(g.requests(), 5);
  EXPECT_EQ(g.points(), 4 + 3 + 1 + 1);
}

TEST(RateGovernor, ABudgetRefusesTheRequestThatWouldPassIt) {
  FakeClock clock;
  FakeSleeper sleeper(clock);
  RateGovernor g(clock, sleeper);
  g.SetPointsBudget(25);
  const HttpRequest get{"GET", "/x", {}, "", std::nullopt};
  // Answers of 10 points each: two fit (20), a third would make 30.
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(g.Admit());
    g.Meter(get, Response(200, "[1,2,3,4,5,6,7,8,9]"));
  }
  EXPECT_EQ(g.points(), 20);
  EXPECT_TRUE(g.BudgetSpent());
  auto refused = g.Admit();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kCancelled);
  EXPECT_NE(refused.error().message.find("stopped at the points budget (MaxPoints=25"), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(g.requests(), 2);  // the refused one was not sent
}

TEST(RateGovernor, QuietAnswersCostNothing) {
  FakeClock clock;
  FakeSleeper sleeper(clock);
  RateGovernor g(clock, sleeper);
  g.AfterResponse(Response(200));
  g.AfterResponse(Response(500));
  g.BeforeSend();
  EXPECT_TRUE(sleeper.sleeps.empty());
  EXPECT_EQ(g.pauses(), 0);
}

TEST(RateGovernor, A429ToOneWorkerMakesEveryWorkerWait) {
  FakeClock clock;
  FakeSleeper sleeper(clock);
  RateGovernor g(clock, sleeper);
  // Worker A is refused with Retry-After: 3 ...
  g.AfterResponse(Response(429, "", {{"Retry-After", "3"}, {"RateLimit-Reason", "jira-burst-based"}}));
  EXPECT_EQ(g.pauses(), 1);
  EXPECT_EQ(g.last_reason(), "jira-burst-based");
  // ... so worker B, about to send, waits the 3 s too.
  clock.Advance(Duration(500));
  g.BeforeSend();
  ASSERT_FALSE(sleeper.sleeps.empty());
  EXPECT_EQ(sleeper.sleeps[0], Duration(2500));
  EXPECT_EQ(g.waits(), 1);
}

TEST(RateGovernor, ResetHeaderAndDefaults) {
  FakeClock clock;  // 2023-11-14T22:13:20Z
  FakeSleeper sleeper(clock);
  RateGovernor g(clock, sleeper);
  g.AfterResponse(Response(429, "", {{"X-RateLimit-Reset", "2023-11-14T22:14Z"}}));
  g.BeforeSend();
  ASSERT_EQ(sleeper.sleeps.size(), 1u);
  EXPECT_EQ(sleeper.sleeps[0], Duration(40000));
  // A 429 that names no time: one second. A 503 without one: not a pause.
  RateGovernor h(clock, sleeper);
  h.AfterResponse(Response(503));
  EXPECT_EQ(h.pauses(), 0);
  h.AfterResponse(Response(429));
  EXPECT_EQ(h.pauses(), 1);
}

TEST(RateGovernor, NearLimitSpacesRequests) {
  FakeClock clock;
  FakeSleeper sleeper(clock);
  RateGovernor g(clock, sleeper);
  g.AfterResponse(Response(200, "", {{"X-RateLimit-NearLimit", "true"}}));
  EXPECT_EQ(g.pauses(), 0);
  g.BeforeSend();  // the first slot is now
  g.BeforeSend();  // then one every 200 ms
  g.BeforeSend();
  ASSERT_EQ(sleeper.sleeps.size(), 2u);
  EXPECT_EQ(sleeper.sleeps[0], Duration(200));
  EXPECT_EQ(sleeper.sleeps[1], Duration(200));
  // After the window, requests flow freely again.
  clock.Advance(Duration(11000));
  g.BeforeSend();
  EXPECT_EQ(sleeper.sleeps.size(), 2u);
}

// The latest quota reading is kept; plenty left, nothing waits.
TEST(RateGovernor, ThePointsQuotaIsReadAndPlentyLeftCostsNoWait) {
  FakeClock clock;
  FakeSleeper sleeper(clock);
  RateGovernor g(clock, sleeper);
  EXPECT_FALSE(g.last_quota().any());
  g.AfterResponse(Response(200, "",
                           {{"Beta-RateLimit-Policy", "\"global-app-quota\";q=65000;w=3600"},
                            {"Beta-RateLimit", "\"global-app-quota\";r=64000;t=3000"}}));
  EXPECT_EQ(g.last_quota().remaining, 64000);
  for (int i = 0; i < 50; ++i) g.BeforeSend();
  EXPECT_TRUE(sleeper.sleeps.empty());
  clock.Advance(Duration(1000));
  g.AfterResponse(Response(200, "", {{"Beta-RateLimit", "\"global-app-quota\";r=63000;t=2999"}}));
  EXPECT_EQ(g.last_quota().remaining, 63000);
  EXPECT_EQ(g.last_quota_at(), clock.Now());
  // An answer that says nothing of the quota keeps the last reading.
  g.AfterResponse(Response(200));
  EXPECT_EQ(g.last_quota().remaining, 63000);
  EXPECT_EQ(g.pauses(), 0);
}

HttpResponse Quota(int64_t left, int64_t reset_s, int64_t quota = 1000) {
  return Response(
      200, "",
      {{"Beta-RateLimit-Policy", "\"global-app-quota\";q=" + std::to_string(quota) + ";w=60"},
       {"Beta-RateLimit", "\"global-app-quota\";r=" + std::to_string(left) + ";t=" + std::to_string(reset_s)}});
}

// A read that fits in what is left is never slowed, however little is left.
TEST(RateGovernor, WhatIsLeftIsSpentAtFullSpeed) {
  FakeClock clock;
  FakeSleeper sleeper(clock);
  RateGovernor g(clock, sleeper);
  g.AfterResponse(Quota(110, 3000));
  g.BeforeSend();
  g.AfterResponse(Quota(100, 3000));  // cost 10: ten more fit
  EXPECT_DOUBLE_EQ(g.points_per_request(), 10);
  for (int i = 0; i < 9; ++i) g.BeforeSend();
  EXPECT_TRUE(sleeper.sleeps.empty());
  EXPECT_EQ(g.quota_holds(), 0);
}

// When what is left would not pay for another request, nobody sends until
// the window turns (and a new window's reading frees them again).
TEST(RateGovernor, ASpentQuotaHoldsRequestsUntilTheWindowTurns) {
  FakeClock clock;
  FakeSleeper sleeper(clock);
  RateGovernor g(clock, sleeper);
  g.AfterResponse(Quota(250, 8));
  g.BeforeSend();
  g.AfterResponse(Quota(150, 8));  // cost 100
  g.BeforeSend();                  // 150 left
  g.BeforeSend();                  // 50 once that one is paid: Jira still admits it (it may overdraw)
  EXPECT_TRUE(sleeper.sleeps.empty());
  g.BeforeSend();  // nothing once those two are paid: held
  ASSERT_FALSE(sleeper.sleeps.empty());
  EXPECT_EQ(sleeper.sleeps.back(), Duration(8250));
  EXPECT_EQ(g.quota_holds(), 1);
  EXPECT_EQ(g.pauses(), 0);  // no 429 was needed
  // The next window: its first answer says so, and requests flow.
  g.AfterResponse(Quota(1000, 60));
  g.AfterResponse(Quota(900, 60));
  const auto before = sleeper.sleeps.size();
  g.BeforeSend();
  EXPECT_EQ(sleeper.sleeps.size(), before);
}

// Requests that failed without an answer are not counted in flight forever.
TEST(RateGovernor, ARequestWithoutAnAnswerIsNoLongerInFlight) {
  FakeClock clock;
  FakeSleeper sleeper(clock);
  RateGovernor g(clock, sleeper);
  g.AfterResponse(Quota(250, 8, 700));
  g.BeforeSend();
  g.AfterResponse(Quota(150, 8, 700));  // cost 100; over a fifth left: not paced
  g.BeforeSend();
  g.NoResponse();
  g.BeforeSend();  // 150 left and nothing in flight: it goes
  EXPECT_TRUE(sleeper.sleeps.empty());
}

// Processes of one app keep one ledger of a window's last points: what one
// has reserved, the other cannot spend.
TEST(RateGovernor, TheLastPointsOfAWindowAreSharedThroughThePaceFile) {
  testing::TempDir dir;
  const std::string file = dir.path() + "/app.pace";
  FakeClock clock;
  FakeSleeper sa(clock), sb(clock);
  RateGovernor a(clock, sa), b(clock, sb);
  a.SharePacing(file);
  b.SharePacing(file);
  for (RateGovernor* g : {&a, &b}) {
    g->AfterResponse(Quota(250, 8));
    g->BeforeSend();
    g->AfterResponse(Quota(150, 8));  // cost 100; under a fifth left
  }
  a.BeforeSend();  // reserves 100 of the 150
  b.BeforeSend();  // b's own reading says 150, the ledger 50: it goes, and the ledger is spent
  EXPECT_TRUE(sa.sleeps.empty());
  EXPECT_TRUE(sb.sleeps.empty());
  b.BeforeSend();  // b alone would think 50 left: held
  ASSERT_EQ(sb.sleeps.size(), 1u);
  EXPECT_EQ(sb.sleeps[0], Duration(8250));
  EXPECT_EQ(b.quota_holds(), 1);
}

TEST(RateGovernor, TransportConsultsTheGovernorEveryTime) {
  FakeClock clock;
  FakeSleeper sleeper(clock);
  auto inner = std::make_shared<testing::MockTransport>();
  auto governor = std::make_shared<RateGovernor>(clock, sleeper);
  GovernedTransport t(inner, governor, nullptr);
  EXPECT_CALL(*inner, Send(::testing::_))
      .WillOnce(::testing::Return(Response(429, "", {{"Retry-After", "2"}})))
      .WillOnce(::testing::Return(Response(200)));
  EXPECT_EQ(t.Send(HttpRequest{})->status, 429);
  EXPECT_EQ(t.Send(HttpRequest{})->status, 200);
  ASSERT_EQ(sleeper.sleeps.size(), 1u);
  EXPECT_EQ(sleeper.sleeps[0], Duration(2000));
}

}  // namespace
}  // namespace jirasql
