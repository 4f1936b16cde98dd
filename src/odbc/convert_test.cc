#include "odbc/convert.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstring>

namespace jirasql::odbc {
namespace {

Cell Text(std::string_view t) {
  Cell c;
  c.type = SQLITE_TEXT;
  c.text = t;
  return c;
}
Cell Int(int64_t i) {
  Cell c;
  c.type = SQLITE_INTEGER;
  c.i = i;
  return c;
}

TEST(OdbcConvert, ColumnsGetHonestTypes) {
  EXPECT_EQ(TypeOfColumn(SqlType::kInteger, false).sql_type, SQL_BIGINT);
  EXPECT_EQ(TypeOfColumn(SqlType::kBoolean, false).sql_type, SQL_BIT);
  EXPECT_EQ(TypeOfColumn(SqlType::kTimestamp, false).sql_type, SQL_TYPE_TIMESTAMP);
  EXPECT_EQ(TypeOfColumn(SqlType::kDate, false).sql_type, SQL_TYPE_DATE);
  EXPECT_EQ(TypeOfColumn(SqlType::kReal, false).sql_type, SQL_DOUBLE);
  EXPECT_EQ(TypeOfColumn(SqlType::kText, false).sql_type, SQL_WVARCHAR);
  // Keys, ids and names as names; other short text longer; long text long.
  for (const char* name : {"Key", "IssueKey", "Id", "AssigneeAccountId", "DisplayName", "Summary", "EmailAddress"}) {
    EXPECT_EQ(TypeOfColumn(SqlType::kText, false, name).size, kNameLength) << name;
  }
  for (const char* name : {"Environment", "Url", "TimeSpent", "Keys"}) {
    EXPECT_EQ(TypeOfColumn(SqlType::kText, false, name).size, kTextLength) << name;
  }
  EXPECT_EQ(TypeOfColumn(SqlType::kText, true, "Name").sql_type, SQL_WLONGVARCHAR);
  EXPECT_EQ(TypeOfColumn(SqlType::kText, true).sql_type, SQL_WLONGVARCHAR);
  EXPECT_EQ(TypeOfColumn(SqlType::kJson, false).sql_type, SQL_WLONGVARCHAR);
  EXPECT_EQ(DefaultCType(SQL_TYPE_TIMESTAMP), SQL_C_TYPE_TIMESTAMP);
  EXPECT_EQ(DefaultCType(SQL_WVARCHAR), SQL_C_WCHAR);
}

TEST(OdbcConvert, TextComesInPiecesThenNoData) {
  const Cell c = Text("abcdefghij");
  char buf[4];
  SQLLEN ind = 0;
  std::size_t offset = 0;
  std::string got;
  std::vector<SQLLEN> left;
  Outcome o;
  while ((o = Convert(c, SQL_WVARCHAR, SQL_C_CHAR, buf, sizeof buf, &ind, &offset)) != Outcome::kNoMoreData) {
    left.push_back(ind);
    got += buf;
    if (o == Outcome::kOk) continue;
    EXPECT_EQ(o, Outcome::kTruncated);
  }
  EXPECT_EQ(got, "abcdefghij");
  EXPECT_EQ(left, (std::vector<SQLLEN>{10, 7, 4, 1}));  // what was left before each piece
}

TEST(OdbcConvert, WideTextIsUtf16AndSurrogatePairsStayWhole) {
  const std::string s = "h\xc3\xa9 \xf0\x9d\x84\x9e";  // hé 𝄞
  const std::u16string w = Utf16(s);
  EXPECT_EQ(w, u"h\u00e9 \U0001D11E");
  EXPECT_EQ(Utf8(w.data(), w.size()), s);
  EXPECT_EQ(Utf16("\xff"), u"\uFFFD");  // not UTF-8: the replacement character
  SQLWCHAR buf[16];
  SQLLEN ind = 0;
  std::size_t offset = 0;
  ASSERT_EQ(Convert(Text(s), SQL_WVARCHAR, SQL_C_WCHAR, buf, sizeof buf, &ind, &offset), Outcome::kOk);
  EXPECT_EQ(ind, static_cast<SQLLEN>(w.size() * 2));
  EXPECT_EQ(std::memcmp(buf, w.data(), w.size() * 2), 0);
  EXPECT_EQ(buf[w.size()], 0);
}

TEST(OdbcConvert, NumbersChecked) {
  int32_t i = 0;
  SQLLEN ind = 0;
  std::size_t offset = 0;
  EXPECT_EQ(Convert(Int(int64_t{1} << 40), SQL_BIGINT, SQL_C_SLONG, &i, 0, &ind, &offset), Outcome::kOutOfRange);
  offset = 0;
  EXPECT_EQ(Convert(Text("42"), SQL_WVARCHAR, SQL_C_SLONG, &i, 0, &ind, &offset), Outcome::kOk);
  EXPECT_EQ(i, 42);
  offset = 0;
  EXPECT_EQ(Convert(Text("4x"), SQL_WVARCHAR, SQL_C_SLONG, &i, 0, &ind, &offset), Outcome::kNotANumber);
  Cell d;
  d.type = SQLITE_FLOAT;
  d.d = 2.5;
  offset = 0;
  EXPECT_EQ(Convert(d, SQL_DOUBLE, SQL_C_SLONG, &i, 0, &ind, &offset), Outcome::kFractionLost);
  EXPECT_EQ(i, 2);
  unsigned char bit = 9;
  offset = 0;
  EXPECT_EQ(Convert(Int(1), SQL_BIT, SQL_C_DEFAULT, &bit, 0, &ind, &offset), Outcome::kOk);
  EXPECT_EQ(bit, 1);
  offset = 0;
  EXPECT_EQ(Convert(Int(2), SQL_BIT, SQL_C_BIT, &bit, 0, &ind, &offset), Outcome::kOutOfRange);
}

TEST(OdbcConvert, TimestampsAndDatesFromJirasqlsText) {
  SQL_TIMESTAMP_STRUCT t{};
  SQLLEN ind = 0;
  std::size_t offset = 0;
  ASSERT_EQ(Convert(Text("2024-05-01T08:30:09.123Z"), SQL_TYPE_TIMESTAMP, SQL_C_DEFAULT, &t, sizeof t, &ind, &offset),
            Outcome::kOk);
  EXPECT_EQ(t.year, 2024);
  EXPECT_EQ(t.month, 5);
  EXPECT_EQ(t.day, 1);
  EXPECT_EQ(t.hour, 8);
  EXPECT_EQ(t.minute, 30);
  EXPECT_EQ(t.second, 9);
  EXPECT_EQ(t.fraction, 123000000u);
  SQL_DATE_STRUCT d{};
  offset = 0;
  ASSERT_EQ(Convert(Text("2024-06-30"), SQL_TYPE_DATE, SQL_C_DEFAULT, &d, sizeof d, &ind, &offset), Outcome::kOk);
  EXPECT_EQ(d.day, 30);
  offset = 0;
  EXPECT_EQ(Convert(Text("yesterday"), SQL_TYPE_DATE, SQL_C_TYPE_DATE, &d, sizeof d, &ind, &offset),
            Outcome::kNotANumber);
  EXPECT_EQ(DisplayText(Text("2024-05-01T08:30:09.123Z"), SQL_TYPE_TIMESTAMP), "2024-05-01 08:30:09.123");
  EXPECT_EQ(DisplayText(Text("2024-05-01T08:30:09.123Z"), SQL_WVARCHAR), "2024-05-01T08:30:09.123Z");
}

TEST(OdbcConvert, NullNeedsAnIndicator) {
  Cell null;
  char buf[8];
  SQLLEN ind = 0;
  std::size_t offset = 0;
  EXPECT_EQ(Convert(null, SQL_WVARCHAR, SQL_C_CHAR, buf, sizeof buf, nullptr, &offset), Outcome::kNeedIndicator);
  EXPECT_EQ(Convert(null, SQL_WVARCHAR, SQL_C_CHAR, buf, sizeof buf, &ind, &offset), Outcome::kNull);
  EXPECT_EQ(ind, SQL_NULL_DATA);
  EXPECT_EQ(Convert(null, SQL_WVARCHAR, SQL_C_CHAR, buf, sizeof buf, &ind, &offset), Outcome::kNoMoreData);
}

}  // namespace
}  // namespace jirasql::odbc
