#include "common/time.h"

#include <gtest/gtest.h>

namespace jirasql {
namespace {

SystemTime At(long long epoch_seconds) { return SystemTime(std::chrono::seconds(epoch_seconds)); }

TEST(TimeTest, ParsesTheThreeHttpDateForms) {
  // 784111777 = Sun, 06 Nov 1994 08:49:37 GMT (RFC 9110's example)
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), At(784111777));
  EXPECT_EQ(ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"), At(784111777));
  EXPECT_EQ(ParseHttpDate("Sun Nov  6 08:49:37 1994"), At(784111777));
}

TEST(TimeTest, RejectsMalformedHttpDates) {
  EXPECT_EQ(ParseHttpDate(""), std::nullopt);
  EXPECT_EQ(ParseHttpDate("120"), std::nullopt);
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 PST"), std::nullopt);
  EXPECT_EQ(ParseHttpDate("Sun, 06 Foo 1994 08:49:37 GMT"), std::nullopt);
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT trailing"), std::nullopt);
}

TEST(TimeTest, ParsesIso8601AsAtlassianSendsIt) {
  EXPECT_EQ(ParseIso8601("1994-11-06T08:49Z"), At(784111740));
  EXPECT_EQ(ParseIso8601("1994-11-06T08:49:37Z"), At(784111777));
  EXPECT_EQ(ParseIso8601("1994-11-06T08:49:37.250Z"), At(784111777) + std::chrono::milliseconds(250));
  EXPECT_EQ(ParseIso8601("1994-11-06T18:49:37+10:00"), At(784111777));
  EXPECT_EQ(ParseIso8601("1994-11-06T00:49:37-0800"), At(784111777));
}

TEST(TimeTest, RejectsAmbiguousOrMalformedIso8601) {
  EXPECT_EQ(ParseIso8601("1994-11-06T08:49:37"), std::nullopt);  // no zone
  EXPECT_EQ(ParseIso8601("1994-13-06T08:49Z"), std::nullopt);
  EXPECT_EQ(ParseIso8601("1994-11-06"), std::nullopt);
  EXPECT_EQ(ParseIso8601("1994-11-06T08:49Zjunk"), std::nullopt);
}

}  // namespace
}  // namespace jirasql
