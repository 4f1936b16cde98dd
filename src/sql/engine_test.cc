#include "sql/engine.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "sql/sqlite_module.h"

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
  EXPECT_TRUE(e->markers.empty());
  auto quoted = ParseExec("execute P A='it''s', B=?, C='?'");
  ASSERT_TRUE(quoted);
  EXPECT_EQ(quoted->params[0].second, "it's");
  EXPECT_EQ(quoted->markers, std::vector<std::size_t>{1});  // an unquoted ? only
  auto bad = ParseExec("EXEC P A='open");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("closing quote"), std::string::npos);
  auto missing = ParseExec("EXEC P A");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("Param='value'"), std::string::npos);
  EXPECT_FALSE(ParseExec("EXEC"));
}

// Text goes to SQLite whole: a NUL byte inside is kept (the value is not
// cut at it), and text without one reads back as it was.
TEST(Engine, TextResultsAreWholeWithOrWithoutNulBytes) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr), SQLITE_OK);
  auto text = [](sqlite3_context* ctx, int, sqlite3_value** argv) {
    const std::string which = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    ResultText(ctx, which == "nul" ? std::string("a\0b", 3) : which == "empty" ? std::string() : "Summary ü");
  };
  ASSERT_EQ(sqlite3_create_function(db, "t", 1, SQLITE_UTF8, nullptr, text, nullptr, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT hex(t('nul')), t('plain'), length(CAST(t('plain') AS BLOB)), t('empty'), "
                               "typeof(t('empty')), hex(max(t('plain'), t('nul')))",
                               -1, &st, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))), "610062");
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 1))), "Summary ü");
  EXPECT_EQ(sqlite3_column_bytes(st, 1), 10);
  EXPECT_EQ(sqlite3_column_int(st, 2), 10);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 3))), "");
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 4))), "text");
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 5))), "610062");
  sqlite3_finalize(st);
  sqlite3_close(db);
}

}  // namespace
}  // namespace jirasql
