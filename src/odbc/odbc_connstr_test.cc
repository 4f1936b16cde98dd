#include "odbc/odbc_connstr.h"

#include <gtest/gtest.h>

namespace jirasql {
namespace {

TEST(OdbcConnectionString, BracesHoldSemicolonsAndDoubledClosingBraces) {
  auto p = ParseOdbcConnectionString("DRIVER={jirasql driver};PWD={a;b}}c} ; Url = https://x ;;Empty=;");
  ASSERT_TRUE(p) << p.error().message;
  ASSERT_EQ(p->size(), 4u);
  EXPECT_EQ((*p)[0].key, "DRIVER");
  EXPECT_EQ((*p)[0].value, "jirasql driver");
  EXPECT_EQ((*p)[1].value, "a;b}c");
  EXPECT_EQ((*p)[2].key, "Url");
  EXPECT_EQ((*p)[2].value, "https://x");
  EXPECT_EQ((*p)[3].value, "");
}

TEST(OdbcConnectionString, MistakesSayWhereAndNeverShowTheValue) {
  for (const char* bad : {"PWD={open-secret", "PWD={closed-secret}x;", "novalue-secret;Url=x", "=x", "UID=a;uid=b"}) {
    auto p = ParseOdbcConnectionString(bad);
    ASSERT_FALSE(p) << bad;
    EXPECT_EQ(p.error().message.find("secret"), std::string::npos) << p.error().message;
  }
  EXPECT_NE(ParseOdbcConnectionString("UID=a;uid=b").error().message.find("twice"), std::string::npos);
}

TEST(OdbcConnectionString, OdbcKeysBecomeJirasqlProperties) {
  auto none = [](const std::string&) { return std::optional<std::vector<OdbcPair>>(); };
  auto s = JirasqlConnectionString("DRIVER={jirasql};AuthScheme=APIToken;Url=https://x;UID=me@x;PWD={p;w}", none);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(*s, "AuthScheme=APIToken;Url=https://x;User=me@x;APIToken=\"p;w\";");
  s = JirasqlConnectionString("AuthScheme=PAT;PWD=t", none);
  EXPECT_EQ(*s, "AuthScheme=PAT;PersonalAccessToken=t;");
  s = JirasqlConnectionString("AuthScheme=Basic;UID=u;PWD=t", none);
  EXPECT_EQ(*s, "AuthScheme=Basic;User=u;Password=t;");
  // Keys jirasql could not read, and two keys for one property.
  s = JirasqlConnectionString("Url POWER=https://x", none);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("single words"), std::string::npos);
  s = JirasqlConnectionString("AuthScheme=APIToken;UID=a;User=b", none);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("gives User twice"), std::string::npos);
  s = JirasqlConnectionString("AuthScheme=PAT;PWD=a;PersonalAccessToken=b", none);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message.find("=a"), std::string::npos);
  // PWD where no scheme says whose secret it is.
  s = JirasqlConnectionString("Url=https://x;PWD=t", none);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("AuthScheme"), std::string::npos);
  EXPECT_EQ(s.error().message.find("=t"), std::string::npos);
}

TEST(OdbcConnectionString, TheDsnsKeysAreReadUnderTheStringsOwn) {
  auto dsn = [](const std::string& name) -> std::optional<std::vector<OdbcPair>> {
    if (name != "site") return std::nullopt;
    return std::vector<OdbcPair>{
        {"Driver", "jirasql"}, {"AuthScheme", "PAT"}, {"Url", "https://dsn"}, {"Pagesize", "50"}};
  };
  auto s = JirasqlConnectionString("DSN=site;Pagesize=20;PWD=t", dsn);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(*s, "AuthScheme=PAT;Url=https://dsn;Pagesize=20;PersonalAccessToken=t;");
  // UID replaces the DSN's User; PWD takes the DSN's scheme.
  auto with_user = [](const std::string&) -> std::optional<std::vector<OdbcPair>> {
    return std::vector<OdbcPair>{{"AuthScheme", "APIToken"}, {"User", "dsn@x"}};
  };
  s = JirasqlConnectionString("DSN=any;UID=me@x;PWD=t", with_user);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(*s, "AuthScheme=APIToken;User=me@x;APIToken=t;");
  // An empty UID (isql sends one) leaves the DSN's User as it is.
  s = JirasqlConnectionString("DSN=any;UID=;PWD=t", with_user);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(*s, "AuthScheme=APIToken;User=dsn@x;APIToken=t;");
  s = JirasqlConnectionString("DSN=elsewhere", dsn);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("odbcinst -q -s"), std::string::npos);
}

}  // namespace
}  // namespace jirasql
