#include "connstr/properties.h"

#include <gtest/gtest.h>

namespace jirasql {
namespace {

std::string SetError(std::string_view name, std::string_view value) {
  ConnectionProperties p;
  auto r = p.Set(name, value, PropSource::kConnectString);
  EXPECT_FALSE(r) << name << "=" << value;
  return r ? "" : r.error().message;
}

TEST(PropertiesTest, UnknownNameSuggestsClosest) {
  EXPECT_EQ(SetError("OAuthClientID2", "x"), "Unknown property 'OAuthClientID2'; did you mean 'OAuthClientId'?");
  EXPECT_EQ(SetError("Verbosty", "1"), "Unknown property 'Verbosty'; did you mean 'Verbosity'?");
  EXPECT_NE(SetError("Zzzzzzzzzz", "1").find("`jirasql props` lists the valid names"), std::string::npos);
}

TEST(PropertiesTest, BadEnumListsAllowedValues) {
  EXPECT_EQ(SetError("InitiateOAuth", "SOMETIMES"),
            "Invalid value 'SOMETIMES' for InitiateOAuth; allowed values: OFF, GETANDREFRESH, REFRESH");
}

TEST(PropertiesTest, EnumsAreCaseInsensitiveAndCanonicalised) {
  ConnectionProperties p;
  ASSERT_TRUE(p.Set("initiateoauth", "getAndRefresh", PropSource::kConnectString));
  EXPECT_EQ(p.Get("InitiateOAuth"), "GETANDREFRESH");
  ASSERT_TRUE(p.Set("AUTHSCHEME", "apitoken", PropSource::kConnectString));
  EXPECT_EQ(p.Get("AuthScheme"), "APIToken");
}

TEST(PropertiesTest, NumbersAreCheckedAgainstTheirRange) {
  EXPECT_EQ(SetError("Verbosity", "9"), "Invalid value '9' for Verbosity: expected a whole number from 0 to 5");
  EXPECT_NE(SetError("Timeout", "ten").find("expected a whole number"), std::string::npos);
  EXPECT_NE(SetError("ProxyPort", "0").find("from 1 to 65535"), std::string::npos);
  ConnectionProperties p;
  ASSERT_TRUE(p.Set("MaxRows", "-1", PropSource::kConnectString));
  EXPECT_EQ(p.GetInt("MaxRows"), -1);
  ASSERT_TRUE(p.Set("Timeout", "+15", PropSource::kConnectString));
  EXPECT_EQ(p.Get("Timeout"), "15");
}

TEST(PropertiesTest, Booleans) {
  ConnectionProperties p;
  for (auto [in, out] : std::vector<std::pair<std::string, bool>>{{"true", true},
                                                                  {"TRUE", true},
                                                                  {"1", true},
                                                                  {"yes", true},
                                                                  {"On", true},
                                                                  {"false", false},
                                                                  {"0", false},
                                                                  {"no", false},
                                                                  {"OFF", false}}) {
    ASSERT_TRUE(p.Set("UsePKCE", in, PropSource::kConnectString)) << in;
    EXPECT_EQ(p.GetBool("UsePKCE"), out) << in;
  }
  EXPECT_EQ(SetError("PushDown", "maybe"),
            "Invalid value 'maybe' for PushDown: expected true or false (1/0, yes/no, on/off)");
}

TEST(PropertiesTest, DefaultsApplyUntilSetAndEmptyValueClears) {
  ConnectionProperties p;
  EXPECT_EQ(p.Get("Timeout"), "60");
  EXPECT_FALSE(p.IsSet("Timeout"));
  EXPECT_EQ(p.SourceOf("Timeout"), PropSource::kDefault);
  ASSERT_TRUE(p.Set("Timeout", "5", PropSource::kEnvironment));
  EXPECT_TRUE(p.IsSet("timeout"));
  EXPECT_EQ(p.SourceOf("Timeout"), PropSource::kEnvironment);
  ASSERT_TRUE(p.Set("Timeout", "", PropSource::kConnectString));
  EXPECT_EQ(p.Get("Timeout"), "60");
  EXPECT_FALSE(p.IsSet("Timeout"));
  EXPECT_EQ(p.GetInt("OAuthExpiresIn"), std::nullopt);
}

TEST(PropertiesTest, ApplyIsAllOrNothing) {
  ConnectionProperties p;
  ASSERT_TRUE(p.Apply("Timeout=5", PropSource::kEnvironment));
  auto r = p.Apply("Timeout=7;Verbosity=77", PropSource::kConnectString);
  ASSERT_FALSE(r);
  EXPECT_EQ(p.Get("Timeout"), "5");
}

TEST(PropertiesTest, SecretsAreNeverEchoedInErrors) {
  // Secrets are strings and accept anything; but a secret-looking value in a
  // non-secret slot is the caller's text, and shown so they can fix it.
  const PropertySpec fake_secret_int{"Pin", PropType::kInt, "", {}, 0, 9, true, "x", "d"};
  auto r = ValidatePropertyValue(fake_secret_int, "s3cr3t-value");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message.find("s3cr3t-value"), std::string::npos) << r.error().message;
}

TEST(PropertiesTest, ConnectionStringRoundTripAndMasking) {
  ConnectionProperties p;
  // Unquoted, the ';' ends the value and "en" is not a pair.
  EXPECT_FALSE(p.Apply("Url=https://x.atlassian.net;APIToken=tok;en", PropSource::kConnectString));
  ASSERT_TRUE(
      p.Apply("Url=https://x.atlassian.net;APIToken='tok;en';User=\"a \"\"b\"\"\"", PropSource::kConnectString));
  std::string masked = p.ToConnectionString(true);
  EXPECT_EQ(masked.find("tok;en"), std::string::npos);
  EXPECT_NE(masked.find("APIToken=********"), std::string::npos) << masked;
  ConnectionProperties back;
  ASSERT_TRUE(back.Apply(p.ToConnectionString(false), PropSource::kConnectString));
  EXPECT_EQ(back.Get("APIToken"), "tok;en");
  EXPECT_EQ(back.Get("User"), "a \"b\"");
  EXPECT_EQ(back.Get("Url"), "https://x.atlassian.net");
  EXPECT_EQ(p.SecretValues(), std::vector<std::string>{"tok;en"});
}

}  // namespace
}  // namespace jirasql
