#include "common/time.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>

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

// The calendar arithmetic is timegm's: every day from 1970 to 2100 and
// around 9999, days past a month's end and a leap second run on as in libc.
TEST(TimeTest, Iso8601DatesAreTimegmsDates) {
  auto libc = [](int y, int mon, int d, int h, int m, int sec) {
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mon - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = m;
    tm.tm_sec = sec;
    return static_cast<int64_t>(timegm(&tm)) * 1000;
  };
  char text[40];
  int checked = 0;
  for (int y : {1970, 1971, 1999, 2000, 2023, 2024, 2100, 9998, 9999}) {
    for (int mon = 1; mon <= 12; ++mon) {
      for (int d = 1; d <= 31; ++d, ++checked) {
        std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mon, d, d % 24, (d * 7) % 60,
                      d == 31 ? 60 : d);
        EXPECT_EQ(ParseIso8601Ms(text), libc(y, mon, d, d % 24, (d * 7) % 60, d == 31 ? 60 : d)) << text;
      }
    }
  }
  EXPECT_EQ(checked, 9 * 12 * 31);
}

// Jira's "never" (9999-12-31) is read in milliseconds; as a SystemTime
// (nanoseconds, to 2262) it is refused, not wrapped round.
TEST(TimeTest, DatesPastWhatSystemTimeHoldsAreReadInMillisecondsOnly) {
  EXPECT_EQ(ParseIso8601Ms("9999-12-31T23:59:59.999+0000"), int64_t{253402300799999});
  EXPECT_EQ(ParseIso8601Ms("1970-01-01T00:30+01:00"), int64_t{-1800000});
  EXPECT_EQ(ParseIso8601("9999-12-31T00:00Z"), std::nullopt);
  EXPECT_EQ(ParseIso8601("2262-01-01T00:00Z"), At(9214646400));
  EXPECT_EQ(ParseIso8601("2263-01-01T00:00Z"), std::nullopt);
  EXPECT_EQ(ParseHttpDate("Fri, 31 Dec 9999 23:59:59 GMT"), std::nullopt);
}

}  // namespace
}  // namespace jirasql
