#include "sql/engine.h"

#include <gtest/gtest.h>

#include <sstream>

#include <nlohmann/json.hpp>

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
  auto e = ParseExec("EXEC GetOAuthAuthorizationURL CallbackUrl='http://localhost:1', Scope = \"read:jira-work\", @State=x");
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

std::string Write(OutputFormat f, const std::vector<std::string>& cols, const std::vector<SqlRow>& rows) {
  std::ostringstream out;
  auto w = MakeResultWriter(f, out);
  w->Begin(cols);
  for (const auto& r : rows) w->Row(r);
  w->End();
  return out.str();
}

TEST(Engine, CsvFollowsRfc4180) {
  std::string csv = Write(OutputFormat::kCsv, {"a", "b,c"},
                          {{SqlValue(int64_t{1}), SqlValue(std::string("say \"hi\"\nthere"))},
                           {SqlValue{}, SqlValue(2.5)}});
  EXPECT_EQ(csv, "a,\"b,c\"\r\n1,\"say \"\"hi\"\"\nthere\"\r\n,2.5\r\n");
}

TEST(Engine, JsonKeepsTypes) {
  std::string out = Write(OutputFormat::kJson, {"i", "r", "t", "n"},
                          {{SqlValue(int64_t{7}), SqlValue(0.5), SqlValue(std::string("x\"y")), SqlValue{}}});
  auto j = nlohmann::json::parse(out);
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 1u);
  EXPECT_TRUE(j[0]["i"].is_number_integer());
  EXPECT_EQ(j[0]["i"], 7);
  EXPECT_EQ(j[0]["r"], 0.5);
  EXPECT_EQ(j[0]["t"], "x\"y");
  EXPECT_TRUE(j[0]["n"].is_null());
  EXPECT_EQ(nlohmann::json::parse(Write(OutputFormat::kJson, {"a"}, {})), nlohmann::json::array());
  std::string nd = Write(OutputFormat::kNdjson, {"a"}, {{SqlValue(int64_t{1})}, {SqlValue(int64_t{2})}});
  EXPECT_EQ(nd, "{\"a\":1}\n{\"a\":2}\n");
}

TEST(Engine, TableAlignsColumns) {
  std::string t = Write(OutputFormat::kTable, {"Key", "N"},
                        {{SqlValue(std::string("ABC-1")), SqlValue(int64_t{1})}, {SqlValue(std::string("X")), SqlValue{}}});
  EXPECT_EQ(t, "Key    N\n-----  ----\nABC-1  1\nX      NULL\n(2 rows)\n");
  EXPECT_TRUE(ParseOutputFormat("csv"));
  EXPECT_FALSE(ParseOutputFormat("xml"));
}

}  // namespace
}  // namespace jirasql
