#include "http/rate_governor.h"

#include <gtest/gtest.h>

#include "testing/fakes.h"

namespace jirasql {
namespace {

using testing::FakeClock;
using testing::FakeSleeper;
using testing::Response;

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

// The points quota's near-limit signal spaces requests as the burst one
// does, and the latest quota reading is kept.
TEST(RateGovernor, ThePointsQuotaIsReadAndItsNearLimitSpacesRequests) {
  FakeClock clock;
  FakeSleeper sleeper(clock);
  RateGovernor g(clock, sleeper);
  EXPECT_FALSE(g.last_quota().any());
  g.AfterResponse(Response(200, "",
                           {{"Beta-RateLimit-Policy", "\"global-app-quota\";q=65000;w=3600"},
                            {"Beta-RateLimit", "\"global-app-quota\";r=64000;t=3000"}}));
  EXPECT_EQ(g.last_quota().remaining, 64000);
  g.BeforeSend();
  g.BeforeSend();
  EXPECT_TRUE(sleeper.sleeps.empty());  // plenty left: no spacing
  clock.Advance(Duration(1000));
  g.AfterResponse(Response(
      200, "", {{"Beta-RateLimit", "\"global-app-quota\";r=9000;t=2000"}, {"X-Beta-RateLimit-NearLimit", "true"}}));
  EXPECT_EQ(g.last_quota().remaining, 9000);
  EXPECT_EQ(g.last_quota_at(), clock.Now());
  g.BeforeSend();
  g.BeforeSend();
  ASSERT_EQ(sleeper.sleeps.size(), 1u);
  EXPECT_EQ(sleeper.sleeps[0], Duration(200));
  // An answer that says nothing of the quota keeps the last reading.
  g.AfterResponse(Response(200));
  EXPECT_EQ(g.last_quota().remaining, 9000);
  EXPECT_EQ(g.pauses(), 0);
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
