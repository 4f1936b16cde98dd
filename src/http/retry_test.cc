#include "http/retry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/fakes.h"

namespace jirasql {
namespace {

using ::testing::_;
using testing::FakeClock;
using testing::FakeSleeper;
using testing::MockTransport;
using testing::Response;
using ::testing::Return;

class RetryTest : public ::testing::Test {
 protected:
  std::shared_ptr<MockTransport> mock_ = std::make_shared<MockTransport>();
  FakeClock clock_;
  FakeSleeper sleeper_{clock_};

  std::unique_ptr<RetryingTransport> Make(int attempts = 5, Duration max_elapsed = std::chrono::minutes(5)) {
    return std::make_unique<RetryingTransport>(
        mock_, std::make_unique<LimitedRetryPolicy>(attempts, max_elapsed),
        std::make_unique<ExponentialBackoff>(Duration(100), Duration(1000), 2.0, 42), clock_, sleeper_, nullptr);
  }
  static HttpRequest Get() { return HttpRequest{"GET", "http://j/x", {}, "", std::nullopt}; }
  static HttpRequest Post() { return HttpRequest{"POST", "http://j/x", {}, "{}", std::nullopt}; }
  static Result<HttpResponse> Err(ErrorCode code) { return Fail(code, "boom"); }
};

TEST_F(RetryTest, SuccessIsNotRetried) {
  EXPECT_CALL(*mock_, Send(_)).WillOnce(Return(Response(200, "ok")));
  auto r = Make()->Send(Get());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "ok");
  EXPECT_TRUE(sleeper_.sleeps.empty());
}

TEST_F(RetryTest, ClientErrorsAreNotRetried) {
  EXPECT_CALL(*mock_, Send(_)).WillOnce(Return(Response(400))).WillOnce(Return(Response(404)));
  auto t = Make();
  EXPECT_EQ(t->Send(Get())->status, 400);
  EXPECT_EQ(t->Send(Get())->status, 404);
  EXPECT_TRUE(sleeper_.sleeps.empty());
}

TEST_F(RetryTest, IdempotentRequestRetriedOnServerErrorsAndDrops) {
  EXPECT_CALL(*mock_, Send(_))
      .WillOnce(Return(Response(503)))
      .WillOnce(Return(Err(ErrorCode::kTransport)))
      .WillOnce(Return(Err(ErrorCode::kTimeout)))
      .WillOnce(Return(Response(502)))
      .WillOnce(Return(Response(200)));
  auto r = Make()->Send(Get());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(sleeper_.sleeps.size(), 4u);
}

TEST_F(RetryTest, NonIdempotentRequestNotRetriedWhenItMayHaveBeenProcessed) {
  EXPECT_CALL(*mock_, Send(_)).WillOnce(Return(Response(500)));
  EXPECT_EQ(Make()->Send(Post())->status, 500);
  EXPECT_CALL(*mock_, Send(_)).WillOnce(Return(Err(ErrorCode::kTimeout)));
  EXPECT_EQ(Make()->Send(Post()).error().code, ErrorCode::kTimeout);
  EXPECT_CALL(*mock_, Send(_)).WillOnce(Return(Err(ErrorCode::kTransport)));
  EXPECT_EQ(Make()->Send(Post()).error().code, ErrorCode::kTransport);
  EXPECT_TRUE(sleeper_.sleeps.empty());
}

TEST_F(RetryTest, NonIdempotentRequestRetriedWhenNeverSentOrRateLimited) {
  EXPECT_CALL(*mock_, Send(_))
      .WillOnce(Return(Err(ErrorCode::kConnectFailed)))
      .WillOnce(Return(Response(429)))
      .WillOnce(Return(Response(201)));
  EXPECT_EQ(Make()->Send(Post())->status, 201);
  EXPECT_EQ(sleeper_.sleeps.size(), 2u);
}

TEST_F(RetryTest, NonIdempotentRequestRetriedOnA503ThatSaysWhenToComeBack) {
  EXPECT_CALL(*mock_, Send(_))
      .WillOnce(Return(Response(503, "", {{"Retry-After", "2"}})))
      .WillOnce(Return(Response(201, "{}")));
  auto r = Make()->Send(Post());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201);
  ASSERT_EQ(sleeper_.sleeps.size(), 1u);
  EXPECT_GE(sleeper_.sleeps[0], Duration(2000));
  // Without Retry-After a 503 may have come after the work was done.
  EXPECT_CALL(*mock_, Send(_)).WillOnce(Return(Response(503)));
  EXPECT_EQ(Make()->Send(Post())->status, 503);
}

TEST_F(RetryTest, ReadOnlyPostMarkedIdempotentIsRetriedOn5xx) {
  HttpRequest search = Post();
  search.idempotent = true;
  EXPECT_CALL(*mock_, Send(_)).WillOnce(Return(Response(504))).WillOnce(Return(Response(200)));
  EXPECT_EQ(Make()->Send(search)->status, 200);
}

TEST_F(RetryTest, HonoursRetryAfterSeconds) {
  EXPECT_CALL(*mock_, Send(_))
      .WillOnce(Return(Response(429, "", {{"Retry-After", "7"}})))
      .WillOnce(Return(Response(200)));
  ASSERT_EQ(Make()->Send(Get())->status, 200);
  ASSERT_EQ(sleeper_.sleeps.size(), 1u);
  EXPECT_EQ(sleeper_.sleeps[0], Duration(7000));
}

TEST_F(RetryTest, HonoursRetryAfterHttpDate) {
  // FakeClock starts at 1700000000 = Tue, 14 Nov 2023 22:13:20 GMT.
  EXPECT_CALL(*mock_, Send(_))
      .WillOnce(Return(Response(503, "", {{"Retry-After", "Tue, 14 Nov 2023 22:13:32 GMT"}})))
      .WillOnce(Return(Response(200)));
  ASSERT_EQ(Make()->Send(Get())->status, 200);
  ASSERT_EQ(sleeper_.sleeps.size(), 1u);
  EXPECT_EQ(sleeper_.sleeps[0], Duration(12000));
}

TEST_F(RetryTest, HonoursXRateLimitReset) {
  EXPECT_CALL(*mock_, Send(_))
      .WillOnce(Return(Response(429, "", {{"X-RateLimit-Reset", "2023-11-14T22:15Z"}})))
      .WillOnce(Return(Response(200)));
  ASSERT_EQ(Make(5, std::chrono::minutes(10))->Send(Get())->status, 200);
  ASSERT_EQ(sleeper_.sleeps.size(), 1u);
  EXPECT_EQ(sleeper_.sleeps[0], Duration(100000));  // 22:13:20 -> 22:15:00
}

TEST_F(RetryTest, BackoffIsNeverShorterThanTheServerAsks) {
  EXPECT_CALL(*mock_, Send(_))
      .WillOnce(Return(Response(429, "", {{"Retry-After", "0"}})))
      .WillOnce(Return(Response(200)));
  ASSERT_EQ(Make()->Send(Get())->status, 200);
  ASSERT_EQ(sleeper_.sleeps.size(), 1u);
  EXPECT_GE(sleeper_.sleeps[0], Duration(50));  // backoff's first delay is in [50, 100]
  EXPECT_LE(sleeper_.sleeps[0], Duration(100));
}

TEST_F(RetryTest, GivesUpAfterMaxAttemptsAndReturnsTheLastAnswer) {
  EXPECT_CALL(*mock_, Send(_)).Times(3).WillRepeatedly(Return(Response(503, "{\"errorMessages\":[\"down\"]}")));
  auto r = Make(3)->Send(Get());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(sleeper_.sleeps.size(), 2u);
}

TEST_F(RetryTest, GivesUpWhenTheServerAsksForMoreThanTheTimeBudget) {
  EXPECT_CALL(*mock_, Send(_)).WillOnce(Return(Response(429, "", {{"Retry-After", "3600"}})));
  auto r = Make(5, std::chrono::minutes(5))->Send(Get());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 429);
  EXPECT_TRUE(sleeper_.sleeps.empty());
}

TEST_F(RetryTest, NonRetryableTransportErrorsReturnAtOnce) {
  EXPECT_CALL(*mock_, Send(_)).WillOnce(Return(Err(ErrorCode::kInvalidArgument)));
  EXPECT_EQ(Make()->Send(Get()).error().code, ErrorCode::kInvalidArgument);
}

TEST_F(RetryTest, ACancelledRequestIsNotTriedAgain) {
  EXPECT_CALL(*mock_, Send(_)).WillOnce(Return(Err(ErrorCode::kCancelled)));
  EXPECT_EQ(Make()->Send(Get()).error().code, ErrorCode::kCancelled);
}

TEST(BackoffTest, GrowsExponentiallyWithJitterAndIsCapped) {
  ExponentialBackoff b(Duration(100), Duration(1000), 2.0, 7);
  const long long caps[] = {100, 200, 400, 800, 1000, 1000, 1000};
  for (long long cap : caps) {
    auto d = b.NextDelay().count();
    EXPECT_GE(d, cap / 2);
    EXPECT_LE(d, cap);
  }
}

TEST(BackoffTest, ClonesStartOverAndDifferInJitter) {
  ExponentialBackoff proto(Duration(1000), Duration(60000), 2.0, 1);
  std::set<long long> firsts;
  for (int i = 0; i < 20; ++i) {
    auto c = proto.Clone();
    auto d = c->NextDelay().count();
    EXPECT_GE(d, 500);
    EXPECT_LE(d, 1000);
    firsts.insert(d);
  }
  EXPECT_GT(firsts.size(), 1u);
}

TEST(IdempotencyTest, ByMethodUnlessSaidOtherwise) {
  EXPECT_TRUE(IsIdempotent({"GET", "u", {}, "", std::nullopt}));
  EXPECT_TRUE(IsIdempotent({"PUT", "u", {}, "", std::nullopt}));
  EXPECT_TRUE(IsIdempotent({"DELETE", "u", {}, "", std::nullopt}));
  EXPECT_FALSE(IsIdempotent({"POST", "u", {}, "", std::nullopt}));
  EXPECT_FALSE(IsIdempotent({"PATCH", "u", {}, "", std::nullopt}));
  EXPECT_TRUE(IsIdempotent({"POST", "u", {}, "", true}));
  EXPECT_FALSE(IsIdempotent({"GET", "u", {}, "", false}));
}

}  // namespace
}  // namespace jirasql
