#include "odbc/escapes.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

namespace jirasql::odbc {
namespace {

std::string R(const std::string& sql) {
  auto r = RewriteEscapes(sql);
  return r ? *r : "error: " + r.error().message;
}

// The value SQLite computes for an expression.
std::string Eval(const std::string& expr) {
  sqlite3* db = nullptr;
  sqlite3_open(":memory:", &db);
  sqlite3_stmt* st = nullptr;
  std::string out = "prepare failed";
  if (sqlite3_prepare_v2(db, ("SELECT " + expr).c_str(), -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    out = t ? t : "NULL";
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

TEST(OdbcEscapes, LiteralsBecomeJirasqlsText) {
  EXPECT_EQ(R("SELECT * FROM Issues WHERE DueDate = {d '2025-01-31'}"),
            "SELECT * FROM Issues WHERE DueDate = '2025-01-31'");
  EXPECT_EQ(R("WHERE Created >= {ts '2025-01-31 08:30:00'}"), "WHERE Created >= '2025-01-31T08:30:00.000Z'");
  EXPECT_EQ(R("WHERE Created >= {ts '2025-01-31 08:30:00.5'}"), "WHERE Created >= '2025-01-31T08:30:00.500Z'");
  EXPECT_EQ(R("{t '08:30:00'}"), "'08:30:00'");
  EXPECT_NE(R("{ts 'yesterday'}").find("error: {ts 'yesterday'} is not a timestamp"), std::string::npos);
  EXPECT_NE(R("{d 2025}").find("error"), std::string::npos);
}

TEST(OdbcEscapes, FunctionsNestAndComputeWhatOdbcSays) {
  EXPECT_EQ(R("SELECT {fn UCASE({fn LEFT(Summary, 3)})} FROM Issues"),
            "SELECT upper(substr(Summary, 1, 3)) FROM Issues");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{fn UCASE('abc')}", "ABC"},
      {"{fn CONCAT('a', {fn LCASE('B')})}", "ab"},
      {"{fn LENGTH('héllo')}", "5"},
      {"{fn LOCATE('c', 'abcabc')}", "3"},
      {"{fn LOCATE('c', 'abcabc', 4)}", "6"},
      {"{fn LOCATE('z', 'abcabc', 2)}", "0"},
      {"{fn RIGHT('abcdef', 2)}", "ef"},
      {"{fn RIGHT('abcdef', 0)}", ""},
      {"{fn SUBSTRING('abcdef', 2, 3)}", "bcd"},
      {"{fn MOD(17, 5)}", "2"},
      {"{fn ABS(-3)}", "3"},
      {"{fn CEILING(2.1)}", "3.0"},
      {"{fn YEAR('2025-03-04T05:06:07.000Z')}", "2025"},
      {"{fn MONTH('2025-03-04T05:06:07.000Z')}", "3"},
      {"{fn QUARTER('2025-08-04T05:06:07.000Z')}", "3"},
      {"{fn DAYOFWEEK('2025-03-02T00:00:00.000Z')}", "1"},  // a Sunday
      {"{fn CONVERT('42', SQL_INTEGER)}", "42"},
      {"{fn CONVERT(7, SQL_VARCHAR)}", "7"},
      {"{fn TIMESTAMPADD(SQL_TSI_DAY, 3, '2025-01-30T10:00:00.000Z')}", "2025-02-02T10:00:00.000Z"},
      {"{fn TIMESTAMPADD(SQL_TSI_QUARTER, 1, '2025-01-30T10:00:00.000Z')}", "2025-04-30T10:00:00.000Z"},
      {"{fn TIMESTAMPDIFF(SQL_TSI_HOUR, '2025-01-30T10:00:00.000Z', '2025-01-31T12:30:00.000Z')}", "26"},
      {"{fn TIMESTAMPDIFF(SQL_TSI_MONTH, '2024-11-30T10:00:00.000Z', '2025-02-01T00:00:00.000Z')}", "3"},
      {"{fn IFNULL(NULL, 'x')}", "x"},
  };
  for (const auto& [odbc, want] : cases) {
    auto sql = RewriteEscapes(odbc);
    ASSERT_TRUE(sql) << odbc << ": " << sql.error().message;
    EXPECT_EQ(Eval(*sql), want) << odbc << " -> " << *sql;
  }
  EXPECT_EQ(Eval(*RewriteEscapes("{fn CURDATE()} = date('now')")), "1");
  EXPECT_NE(R("{fn SOUNDEX('x')}").find("not supported"), std::string::npos);
  EXPECT_NE(R("{fn MOD(1)}").find("takes 2 argument(s), not 1"), std::string::npos);
}

TEST(OdbcEscapes, QuotesAndCommentsAreLeftAlone) {
  EXPECT_EQ(R("SELECT '{d x}', \"{fn y}\" -- {ts z}\n/* {oj */ FROM t"),
            "SELECT '{d x}', \"{fn y}\" -- {ts z}\n/* {oj */ FROM t");
  EXPECT_EQ(R("SELECT 'it''s {fn x}'"), "SELECT 'it''s {fn x}'");
}

TEST(OdbcEscapes, OuterJoinsEscapeClausesAndTop) {
  EXPECT_EQ(R("SELECT * FROM {oj Issues i LEFT OUTER JOIN Comments c ON c.IssueId = i.Id}"),
            "SELECT * FROM Issues i LEFT OUTER JOIN Comments c ON c.IssueId = i.Id");
  EXPECT_EQ(R("WHERE Key LIKE 'A\\_%' {escape '\\'}"), "WHERE Key LIKE 'A\\_%' ESCAPE '\\'");
  EXPECT_EQ(R("select top 100 Key, Summary from Issues order by Key;"),
            "select Key, Summary from Issues order by Key LIMIT 100;");
  EXPECT_EQ(R("SELECT DISTINCT TOP (5) ProjectKey FROM Issues"), "SELECT DISTINCT ProjectKey FROM Issues LIMIT 5");
  EXPECT_EQ(R("SELECT Top FROM t"), "SELECT Top FROM t");  // a column named Top
}

TEST(OdbcEscapes, CallsBecomeTheDriversCallStatement) {
  EXPECT_EQ(R("{call GetOAuthAuthorizationURL(?, {fn UCASE('x')})}"), "CALL GetOAuthAuthorizationURL(?, upper('x'))");
  EXPECT_EQ(R("{ CALL RefreshOAuthAccessToken }"), "CALL RefreshOAuthAccessToken");
}

TEST(OdbcEscapes, ACallNamesEachArgumentsInputAndKeepsItsMarkers) {
  auto call = ParseProcedureCall("CALL changeissuestatus(?, NULL, 'In ' || 'Progress');");
  ASSERT_TRUE(call && *call);
  EXPECT_EQ((*call)->procedure, "ChangeIssueStatus");
  EXPECT_EQ((*call)->inputs, (std::vector<std::string>{"IssueKey", "IssueId", "Status"}));
  EXPECT_EQ((*call)->outputs, (std::vector<std::string>{"IssueKey", "Result"}));
  EXPECT_EQ((*call)->arguments, "SELECT ?, NULL, 'In ' || 'Progress'");
  // EXEC's values are text; an unquoted ? is a marker; quotes doubled.
  call = ParseProcedureCall("exec GetOAuthAuthorizationURL state='it''s', callbackurl=?");
  ASSERT_TRUE(call && *call);
  EXPECT_EQ((*call)->inputs, (std::vector<std::string>{"State", "CallbackUrl"}));
  EXPECT_EQ((*call)->arguments, "SELECT 'it''s', ?");
  call = ParseProcedureCall("CALL RefreshOAuthAccessToken");
  ASSERT_TRUE(call && *call);
  EXPECT_TRUE((*call)->arguments.empty());
  for (const char* other : {"SELECT 1", "EXECUTED", "callx()", ""}) {
    call = ParseProcedureCall(other);
    ASSERT_TRUE(call) << other;
    EXPECT_FALSE(*call) << other;
  }
  EXPECT_FALSE(ParseProcedureCall("CALL ChangeIssueStatus(?,,?)"));
  EXPECT_FALSE(ParseProcedureCall("CALL ChangeIssueStatus ?"));
  EXPECT_FALSE(ParseProcedureCall("CALL"));
}

TEST(OdbcEscapes, MistakesSayWhatToWrite) {
  EXPECT_NE(R("SELECT {fn UCASE(x)").find("never closed"), std::string::npos);
  EXPECT_NE(R("{? = call GetOAuthAuthorizationURL(?)}").find("{call Name(…)}"), std::string::npos);
  EXPECT_NE(R("{call }").find("needs a procedure"), std::string::npos);
  EXPECT_NE(R("{xyz 1}").find("is not an ODBC escape"), std::string::npos);
}

}  // namespace
}  // namespace jirasql::odbc
