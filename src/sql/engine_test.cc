#include "sql/engine.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

namespace jirasql {
namespace {

TEST(Engine, StatementsSplitOutsideQuotesAndComments) {
  auto s = SplitStatements("SELECT 'a;b' AS \"x;y\"; -- note; here\n SELECT 2 /* ; */ ;; EXEC P A='1;2'");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0], "SELECT 'a;b' AS \"x;y\"");
  EXPECT_EQ(s[1], "SELECT 2");
  EXPECT_EQ(s[2], "EXEC P A='1;2'");
  EXPECT_EQ(SplitStatements("SELECT 'it''s;'").size(), 1u);
  EXPECT_TRUE(SplitStatements(" ; -- only a comment\n").empty());
}

TEST(Engine, ExecStatements) {
  auto e =
      ParseExec("EXEC GetOAuthAuthorizationURL CallbackUrl='http://localhost:1', Scope = \"read:jira-work\", @State=x");
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->procedure, "GetOAuthAuthorizationURL");
  ASSERT_EQ(e->params.size(), 3u);
  EXPECT_EQ(e->params[0], (std::pair<std::string, std::string>{"CallbackUrl", "http://localhost:1"}));
  EXPECT_EQ(e->params[1].second, "read:jira-work");
  EXPECT_EQ(e->params[2], (std::pair<std::string, std::string>{"State", "x"}));
  auto quoted = ParseExec("execute P A='it''s'");
  ASSERT_TRUE(quoted);
  EXPECT_EQ(quoted->params[0].second, "it's");
  auto bad = ParseExec("EXEC P A='open");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("closing quote"), std::string::npos);
  auto missing = ParseExec("EXEC P A");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("Param='value'"), std::string::npos);
  EXPECT_FALSE(ParseExec("EXEC"));
}

}  // namespace
}  // namespace jirasql
