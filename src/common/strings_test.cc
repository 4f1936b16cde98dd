#include "common/strings.h"

#include <gtest/gtest.h>

namespace jirasql {
namespace {

TEST(StringsTest, ClosestMatchFindsMisspellings) {
  std::vector<std::string> names = {"OAuthClientId", "OAuthClientSecret", "Url", "Timeout"};
  EXPECT_EQ(ClosestMatch("OAuthClientID2", names), "OAuthClientId");
  EXPECT_EQ(ClosestMatch("oauthclientsecrt", names), "OAuthClientSecret");
  EXPECT_EQ(ClosestMatch("Timout", names), "Timeout");
  EXPECT_EQ(ClosestMatch("Uri", names), "Url");
  EXPECT_EQ(ClosestMatch("clientsecret", names), "OAuthClientSecret");  // fragment
  EXPECT_EQ(ClosestMatch("Banana", names), std::nullopt);
}

TEST(StringsTest, EditDistanceIgnoresCase) {
  EXPECT_EQ(EditDistanceIgnoreCase("abc", "ABC"), 0u);
  EXPECT_EQ(EditDistanceIgnoreCase("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistanceIgnoreCase("", "abc"), 3u);
}

TEST(StringsTest, ToUpperChangesAsciiLettersOnly) {
  EXPECT_EQ(ToUpper("component_lead"), "COMPONENT_LEAD");
  EXPECT_EQ(ToUpper("ünï-9z"), "üNï-9Z");
}

TEST(StringsTest, ParseIntIsStrict) {
  EXPECT_EQ(ParseInt("42"), 42);
  EXPECT_EQ(ParseInt("-1"), -1);
  EXPECT_EQ(ParseInt("+7"), 7);
  EXPECT_EQ(ParseInt(""), std::nullopt);
  EXPECT_EQ(ParseInt("4x"), std::nullopt);
  EXPECT_EQ(ParseInt(" 4"), std::nullopt);
  EXPECT_EQ(ParseInt("99999999999999999999999"), std::nullopt);
}

TEST(StringsTest, UrlEncodingRoundTrips) {
  std::string s = "a b&c=d/é~";
  EXPECT_EQ(UrlEncode(s), "a%20b%26c%3Dd%2F%C3%A9~");
  EXPECT_EQ(UrlDecode(UrlEncode(s)), s);
  EXPECT_EQ(UrlDecode("a+b%2"), "a b%2");
}

TEST(StringsTest, TrimSplitJoin) {
  EXPECT_EQ(Trim("  a b \t\n"), "a b");
  EXPECT_EQ(Split("a,,b", ','), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(Join({"a", "b", "c"}, ", "), "a, b, c");
  EXPECT_EQ(WithoutTrailingSlash("https://x.atlassian.net//"), "https://x.atlassian.net");
  EXPECT_EQ(WithoutTrailingSlash("https://x"), "https://x");
}

}  // namespace
}  // namespace jirasql
