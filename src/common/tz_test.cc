#include "common/tz.h"

#include <gtest/gtest.h>

namespace jirasql {
namespace {

constexpr int64_t kHour = 3600 * 1000LL;

// 2024-03-31 01:00 UTC: Europe/Berlin springs from +1 to +2.
constexpr int64_t kBerlinSpring2024 = 1711846800000LL;

TEST(TimeZone, FixedZonesHaveOneOffset) {
  auto utc = TimeZone::Load("UTC");
  ASSERT_TRUE(utc);
  EXPECT_EQ(utc->OffsetAt(kBerlinSpring2024), 0);
  auto r = utc->OffsetsNear(kBerlinSpring2024);
  EXPECT_EQ(r.min_offset, 0);
  EXPECT_EQ(r.max_offset, 0);
}

TEST(TimeZone, ZonesWithoutDaylightTime) {
  auto brisbane = TimeZone::Load("Australia/Brisbane");
  ASSERT_TRUE(brisbane) << brisbane.error().message;
  EXPECT_EQ(brisbane->OffsetAt(kBerlinSpring2024), 10 * 3600);
  EXPECT_EQ(brisbane->OffsetsNear(kBerlinSpring2024).min_offset, 10 * 3600);
  EXPECT_EQ(brisbane->OffsetsNear(kBerlinSpring2024).max_offset, 10 * 3600);
  auto pitcairn = TimeZone::Load("Pacific/Pitcairn");
  ASSERT_TRUE(pitcairn);
  EXPECT_EQ(pitcairn->OffsetAt(kBerlinSpring2024), -8 * 3600);
  // Far in the future the footer rule ("<-08>8") decides.
  EXPECT_EQ(pitcairn->OffsetsNear(4102444800000LL).max_offset, -8 * 3600);
}

// Debian's TZif files list transitions up to 2037; after that the POSIX
// footer ("CET-1CEST,M3.5.0,M10.5.0/3") decides. (Howard Hinnant's date
// library as Debian builds it, over the same files, loses daylight time
// there: this is why common/tz.cc reads the files itself.)
TEST(TimeZone, DaylightTimeGoesOnAfterTheLastTransitionInTheFile) {
  auto berlin = TimeZone::Load("Europe/Berlin");
  ASSERT_TRUE(berlin);
  constexpr int64_t kJuly2040 = 2224800000000LL;  // 2040-07-02T00:00Z
  EXPECT_EQ(berlin->OffsetsNear(kJuly2040).max_offset, 7200);
  EXPECT_EQ(berlin->OffsetsNear(kJuly2040).min_offset, 3600);
  auto ny = TimeZone::Load("America/New_York");
  ASSERT_TRUE(ny);
  EXPECT_EQ(ny->OffsetsNear(kJuly2040).max_offset, -4 * 3600);
}

TEST(TimeZone, DaylightSavingChangeGivesBothOffsets) {
  auto berlin = TimeZone::Load("Europe/Berlin");
  ASSERT_TRUE(berlin);
  EXPECT_EQ(berlin->OffsetAt(kBerlinSpring2024 - kHour), 3600);
  EXPECT_EQ(berlin->OffsetAt(kBerlinSpring2024 + kHour), 7200);
  auto near = berlin->OffsetsNear(kBerlinSpring2024, 3 * kHour);
  EXPECT_EQ(near.min_offset, 3600);
  EXPECT_EQ(near.max_offset, 7200);
  // Mid-summer, far from a change: one offset.
  auto summer = berlin->OffsetsNear(kBerlinSpring2024 + 90 * 24 * kHour);
  EXPECT_EQ(summer.min_offset, 7200);
  EXPECT_EQ(summer.max_offset, 7200);
  // Beyond the last listed transition both footer offsets count.
  auto far = berlin->OffsetsNear(4102444800000LL + 180 * 24 * kHour);
  EXPECT_EQ(far.min_offset, 3600);
  EXPECT_EQ(far.max_offset, 7200);
}

TEST(TimeZone, BadNamesAreClearErrors) {
  auto traversal = TimeZone::Load("../../etc/passwd");
  ASSERT_FALSE(traversal);
  EXPECT_NE(traversal.error().message.find("not a time zone name"), std::string::npos);
  auto missing = TimeZone::Load("Mars/Olympus_Mons");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("not installed"), std::string::npos);
}

TEST(TimeZone, PosixStrings) {
  int std_off = 0, dst_off = 0;
  ASSERT_TRUE(ParsePosixTzOffsets("CET-1CEST,M3.5.0,M10.5.0/3", &std_off, &dst_off));
  EXPECT_EQ(std_off, 3600);
  EXPECT_EQ(dst_off, 7200);
  ASSERT_TRUE(ParsePosixTzOffsets("<+10>-10", &std_off, &dst_off));
  EXPECT_EQ(std_off, 36000);
  EXPECT_EQ(dst_off, 36000);
  ASSERT_TRUE(ParsePosixTzOffsets("NZST-12NZDT,M9.5.0,M4.1.0/3", &std_off, &dst_off));
  EXPECT_EQ(dst_off, 13 * 3600);
  ASSERT_TRUE(ParsePosixTzOffsets("<-0330>3:30", &std_off, &dst_off));
  EXPECT_EQ(std_off, -(3 * 3600 + 1800));
  EXPECT_FALSE(ParsePosixTzOffsets("", &std_off, &dst_off));
  EXPECT_FALSE(ParsePosixTzOffsets("<+10", &std_off, &dst_off));
}

}  // namespace
}  // namespace jirasql
