// The ODBC driver through unixODBC's driver manager, as an application uses
// it: libodbc loads libjirasqlodbc.so (by path, or by the name registered in
// an odbcinst.ini of the test's own), against jirasim in both modes. Values
// are compared with what jirasql's engine says of the same statement.

#include <gtest/gtest.h>
#include <sql.h>
#include <sqlext.h>
#include <sqlucode.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "sql_db.h"

namespace jirasql {
namespace {

using json = nlohmann::json;
using namespace testing_sql;

// The driver manager's diagnostics of a handle: "STATE message; …".
std::string Diag(SQLSMALLINT kind, SQLHANDLE h) {
  std::string out;
  for (SQLSMALLINT i = 1;; ++i) {
    SQLCHAR state[6] = {0}, msg[2048] = {0};
    SQLINTEGER native = 0;
    SQLSMALLINT len = 0;
    if (!SQL_SUCCEEDED(SQLGetDiagRec(kind, h, i, state, &native, msg, sizeof msg, &len))) break;
    out += std::string(reinterpret_cast<char*>(state)) + " " + reinterpret_cast<char*>(msg) + "; ";
  }
  return out;
}

// Where the tests register the driver and their DSNs (never /etc).
std::string IniFolder() {
  static const std::string dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("jirasql-odbc-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    std::ofstream(d / "odbcinst.ini") << "[jirasql]\nDescription=jirasql\nDriver=" << JIRASQL_ODBC_DRIVER << "\n";
    std::ofstream(d / "odbc.ini") << "";
    ::setenv("ODBCSYSINI", d.c_str(), 1);
    ::setenv("ODBCINI", (d / "odbc.ini").c_str(), 1);
    return d.string();
  }();
  return dir;
}

class OdbcTest : public SimModesTest<OdbcTest> {
 public:
  static jirasim::GenerateOptions Data() {
    jirasim::GenerateOptions d;
    d.issues = 240;
    d.projects = 2;
    d.users = 3;
    d.sites = 1;
    d.seed = 41;
    return d;
  }

 protected:
  void SetUp() override {
    IniFolder();
    ASSERT_TRUE(SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env_)));
    SQLSetEnvAttr(env_, SQL_ATTR_ODBC_VERSION, reinterpret_cast<SQLPOINTER>(SQL_OV_ODBC3), 0);
    ASSERT_TRUE(SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_DBC, env_, &dbc_)));
  }
  void TearDown() override {
    if (stmt_) SQLFreeHandle(SQL_HANDLE_STMT, stmt_);
    SQLDisconnect(dbc_);
    SQLFreeHandle(SQL_HANDLE_DBC, dbc_);
    SQLFreeHandle(SQL_HANDLE_ENV, env_);
  }

  // jirasql's connection string as ODBC keys: the driver by its path.
  std::string OdbcString() {
    std::string s = "DRIVER=" + std::string(JIRASQL_ODBC_DRIVER) + ";";
    for (const auto& part : Split(Connect(), ';')) s += part + ";";
    return s;
  }
  static std::vector<std::string> Split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at <= s.size()) {
      const std::size_t end = s.find(sep, at);
      out.push_back(s.substr(at, end == std::string::npos ? std::string::npos : end - at));
      if (end == std::string::npos) break;
      at = end + 1;
    }
    return out;
  }

  SQLRETURN DriverConnect(const std::string& text) {
    SQLCHAR out[4096];
    SQLSMALLINT out_len = 0;
    return SQLDriverConnect(dbc_, nullptr, reinterpret_cast<SQLCHAR*>(const_cast<char*>(text.c_str())), SQL_NTS, out,
                            sizeof out, &out_len, SQL_DRIVER_NOPROMPT);
  }
  void ConnectOrFail() {
    SQLRETURN rc = DriverConnect(OdbcString());
    ASSERT_TRUE(SQL_SUCCEEDED(rc)) << Diag(SQL_HANDLE_DBC, dbc_);
    ASSERT_TRUE(SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, dbc_, &stmt_)));
  }
  SQLRETURN Exec(const std::string& sql) {
    return SQLExecDirect(stmt_, reinterpret_cast<SQLCHAR*>(const_cast<char*>(sql.c_str())), SQL_NTS);
  }
  // Every row of the open result, each value read with SQLGetData as text.
  Rows FetchText() {
    Rows out;
    SQLSMALLINT n = 0;
    SQLNumResultCols(stmt_, &n);
    while (SQLFetch(stmt_) == SQL_SUCCESS) {
      std::vector<std::string> row;
      for (SQLUSMALLINT c = 1; c <= n; ++c) {
        char buf[8192];
        SQLLEN ind = 0;
        EXPECT_TRUE(SQL_SUCCEEDED(SQLGetData(stmt_, c, SQL_C_CHAR, buf, sizeof buf, &ind)))
            << Diag(SQL_HANDLE_STMT, stmt_);
        row.push_back(ind == SQL_NULL_DATA ? "NULL" : std::string(buf));
      }
      out.push_back(std::move(row));
    }
    return out;
  }

  SQLHENV env_ = SQL_NULL_HENV;
  SQLHDBC dbc_ = SQL_NULL_HDBC;
  SQLHSTMT stmt_ = SQL_NULL_HSTMT;
};

// Text rows as ODBC shows them: timestamps "yyyy-mm-dd hh:mm:ss.fff".
Rows AsOdbcText(Rows rows) {
  for (auto& r : rows) {
    for (auto& v : r) {
      if (v.size() == 24 && v[10] == 'T' && v.back() == 'Z') {
        v[10] = ' ';
        v.pop_back();
      }
    }
  }
  return rows;
}

TEST_P(OdbcTest, ADriverConnectionReadsWhatTheEngineReadsWithHonestTypes) {
  ConnectOrFail();
  const std::string sql =
      "SELECT Id, Key, Summary, Created, DueDate, TimeSpentSeconds, Labels, Description FROM Issues ORDER BY Id";
  ASSERT_TRUE(SQL_SUCCEEDED(Exec(sql))) << Diag(SQL_HANDLE_STMT, stmt_);
  // Each column's ODBC type from the table's schema.
  const std::vector<SQLSMALLINT> want_types = {SQL_BIGINT,    SQL_WVARCHAR, SQL_WVARCHAR,     SQL_TYPE_TIMESTAMP,
                                               SQL_TYPE_DATE, SQL_BIGINT,   SQL_WLONGVARCHAR, SQL_WLONGVARCHAR};
  for (SQLUSMALLINT c = 1; c <= want_types.size(); ++c) {
    SQLCHAR name[128];
    SQLSMALLINT name_len = 0, type = 0, decimals = 0, nullable = 0;
    SQLULEN size = 0;
    ASSERT_EQ(SQLDescribeCol(stmt_, c, name, sizeof name, &name_len, &type, &size, &decimals, &nullable), SQL_SUCCESS);
    EXPECT_EQ(type, want_types[c - 1]) << name;
  }
  Rows got = FetchText();
  Db db = OpenDb(Connect());
  EXPECT_EQ(got, AsOdbcText(db.Query(sql)));
  EXPECT_EQ(got.size(), site(0).issues.size());
}

TEST_P(OdbcTest, TypedValuesArriveAsTheirCTypes) {
  ConnectOrFail();
  const auto& is = site(0).issues[0];
  const std::string key = site(0).Key(is);
  ASSERT_TRUE(SQL_SUCCEEDED(Exec("SELECT Id, Created, Summary, Created FROM Issues WHERE Key = '" + key + "'")))
      << Diag(SQL_HANDLE_STMT, stmt_);
  ASSERT_EQ(SQLFetch(stmt_), SQL_SUCCESS);
  int64_t id = 0;
  SQLLEN ind = 0;
  ASSERT_EQ(SQLGetData(stmt_, 1, SQL_C_SBIGINT, &id, 0, &ind), SQL_SUCCESS);
  EXPECT_EQ(id, is.id);
  SQL_TIMESTAMP_STRUCT ts{};
  ASSERT_EQ(SQLGetData(stmt_, 2, SQL_C_TYPE_TIMESTAMP, &ts, sizeof ts, &ind), SQL_SUCCESS);
  const time_t secs = static_cast<time_t>(is.created_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  EXPECT_EQ(ts.year, tm.tm_year + 1900);
  EXPECT_EQ(ts.month, tm.tm_mon + 1);
  EXPECT_EQ(ts.day, tm.tm_mday);
  EXPECT_EQ(ts.hour, tm.tm_hour);
  EXPECT_EQ(ts.minute, tm.tm_min);
  EXPECT_EQ(ts.second, tm.tm_sec);
  // Wide text, and the same column read twice is SQL_NO_DATA the second time.
  SQLWCHAR w[512];
  ASSERT_EQ(SQLGetData(stmt_, 3, SQL_C_WCHAR, w, sizeof w, &ind), SQL_SUCCESS);
  EXPECT_EQ(ind, static_cast<SQLLEN>(is.summary.size() * 2));  // jirasim's summaries are ASCII
  std::string summary;
  for (SQLLEN i = 0; i < ind / 2; ++i) summary += static_cast<char>(w[i]);
  EXPECT_EQ(summary, is.summary);
  EXPECT_EQ(SQLGetData(stmt_, 3, SQL_C_WCHAR, w, sizeof w, &ind), SQL_NO_DATA);
  // A timestamp as a date drops its time, with 01S07.
  SQL_DATE_STRUCT d{};
  EXPECT_EQ(SQLGetData(stmt_, 4, SQL_C_TYPE_DATE, &d, sizeof d, &ind), SQL_SUCCESS_WITH_INFO);
  EXPECT_EQ(d.day, tm.tm_mday);
  EXPECT_NE(Diag(SQL_HANDLE_STMT, stmt_).find("01S07"), std::string::npos);
  EXPECT_EQ(SQLFetch(stmt_), SQL_NO_DATA);
}

TEST_P(OdbcTest, LongTextComesInPiecesWithTruncationWarnings) {
  ConnectOrFail();
  ASSERT_TRUE(
      SQL_SUCCEEDED(Exec("SELECT Description FROM Issues WHERE length(Description) > 100 ORDER BY Id LIMIT 1")));
  ASSERT_EQ(SQLFetch(stmt_), SQL_SUCCESS);
  std::string whole;
  char piece[16];
  SQLLEN ind = 0;
  int pieces = 0;
  SQLRETURN rc;
  while ((rc = SQLGetData(stmt_, 1, SQL_C_CHAR, piece, sizeof piece, &ind)) != SQL_NO_DATA) {
    ASSERT_TRUE(SQL_SUCCEEDED(rc)) << Diag(SQL_HANDLE_STMT, stmt_);
    if (rc == SQL_SUCCESS_WITH_INFO) {
      EXPECT_NE(Diag(SQL_HANDLE_STMT, stmt_).find("01004"), std::string::npos);
    }
    whole += piece;
    ++pieces;
  }
  EXPECT_GT(pieces, 6);
  SQLCloseCursor(stmt_);
  Db db = OpenDb(Connect());
  EXPECT_EQ(whole, db.One("SELECT Description FROM Issues WHERE length(Description) > 100 ORDER BY Id LIMIT 1"));
}

TEST_P(OdbcTest, ParametersBindTextNumbersTimestampsAndNull) {
  ConnectOrFail();
  const std::string project = site(0).projects[0].key;
  const char* sql = "SELECT count(*) FROM Issues WHERE ProjectKey = ? AND Created >= ? AND Id > ? AND ? IS NULL";
  ASSERT_EQ(SQLPrepare(stmt_, reinterpret_cast<SQLCHAR*>(const_cast<char*>(sql)), SQL_NTS), SQL_SUCCESS)
      << Diag(SQL_HANDLE_STMT, stmt_);
  SQLSMALLINT n = 0;
  ASSERT_EQ(SQLNumParams(stmt_, &n), SQL_SUCCESS);
  EXPECT_EQ(n, 4);
  SQLLEN nts = SQL_NTS, null_ind = SQL_NULL_DATA, fixed = 0;
  SQL_TIMESTAMP_STRUCT since{2025, 1, 1, 0, 0, 0, 0};
  int64_t above = 0;
  SQLBindParameter(stmt_, 1, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR, 50, 0, const_cast<char*>(project.c_str()), 0,
                   &nts);
  SQLBindParameter(stmt_, 2, SQL_PARAM_INPUT, SQL_C_TYPE_TIMESTAMP, SQL_TYPE_TIMESTAMP, 23, 3, &since, 0, &fixed);
  SQLBindParameter(stmt_, 3, SQL_PARAM_INPUT, SQL_C_SBIGINT, SQL_BIGINT, 0, 0, &above, 0, &fixed);
  SQLBindParameter(stmt_, 4, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR, 10, 0, nullptr, 0, &null_ind);
  ASSERT_TRUE(SQL_SUCCEEDED(SQLExecute(stmt_))) << Diag(SQL_HANDLE_STMT, stmt_);
  Rows first = FetchText();
  Db db = OpenDb(Connect());
  const std::string want = db.One("SELECT count(*) FROM Issues WHERE ProjectKey = '" + project +
                                  "' AND Created >= '2025-01-01T00:00:00.000Z' AND Id > 0");
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0][0], want);
  EXPECT_NE(want, "0");
  // Executed again with another value: the new one counts.
  above = 1LL << 40;
  SQLCloseCursor(stmt_);
  ASSERT_TRUE(SQL_SUCCEEDED(SQLExecute(stmt_))) << Diag(SQL_HANDLE_STMT, stmt_);
  EXPECT_EQ(FetchText(), Rows{{"0"}});
}

// SQL_C_DEFAULT parameters are read as the C type ODBC pairs with their
// SQL type (a BIGINT as an int64_t, not as text).
TEST_P(OdbcTest, DefaultCTypeParametersFollowTheirSqlType) {
  ConnectOrFail();
  const auto& is = site(0).issues[5];
  const std::string key = site(0).Key(is);
  const char* sql = "SELECT Key FROM Issues WHERE Id = ? AND Key = ? AND Created >= ?";
  ASSERT_EQ(SQLPrepare(stmt_, reinterpret_cast<SQLCHAR*>(const_cast<char*>(sql)), SQL_NTS), SQL_SUCCESS);
  int64_t id = is.id;
  SQL_TIMESTAMP_STRUCT since{2000, 1, 1, 0, 0, 0, 0};
  SQLLEN nts = SQL_NTS, fixed = 0;
  SQLBindParameter(stmt_, 1, SQL_PARAM_INPUT, SQL_C_DEFAULT, SQL_BIGINT, 0, 0, &id, 0, &fixed);
  SQLBindParameter(stmt_, 2, SQL_PARAM_INPUT, SQL_C_DEFAULT, SQL_VARCHAR, 32, 0, const_cast<char*>(key.c_str()), 0,
                   &nts);
  SQLBindParameter(stmt_, 3, SQL_PARAM_INPUT, SQL_C_DEFAULT, SQL_TYPE_TIMESTAMP, 23, 3, &since, 0, &fixed);
  ASSERT_TRUE(SQL_SUCCEEDED(SQLExecute(stmt_))) << Diag(SQL_HANDLE_STMT, stmt_);
  EXPECT_EQ(FetchText(), Rows{{key}});
}

// Several statements in one call are refused, never run in part.
TEST_P(OdbcTest, SeveralStatementsInOneCallAreRefused) {
  ConnectOrFail();
  EXPECT_EQ(Exec("SELECT 1; SELECT 2"), SQL_ERROR);
  const std::string d = Diag(SQL_HANDLE_STMT, stmt_);
  EXPECT_NE(d.find("2 statements in one call"), std::string::npos) << d;
  EXPECT_EQ(Exec("  ;  "), SQL_ERROR);
  EXPECT_NE(Diag(SQL_HANDLE_STMT, stmt_).find("no SQL statement"), std::string::npos);
  ASSERT_TRUE(SQL_SUCCEEDED(Exec("SELECT 7;"))) << Diag(SQL_HANDLE_STMT, stmt_);
  EXPECT_EQ(FetchText(), Rows{{"7"}});
}

TEST_P(OdbcTest, ErrorsHaveSqlStatesAndSayWhatToFix) {
  ConnectOrFail();
  EXPECT_EQ(Exec("SELECT * FROM Isues"), SQL_ERROR);
  std::string d = Diag(SQL_HANDLE_STMT, stmt_);
  EXPECT_NE(d.find("42S02"), std::string::npos) << d;
  EXPECT_NE(d.find("did you mean 'Issues'"), std::string::npos) << d;
  EXPECT_EQ(Exec("SELECT Sumary FROM Issues"), SQL_ERROR);
  d = Diag(SQL_HANDLE_STMT, stmt_);
  EXPECT_NE(d.find("42S22"), std::string::npos) << d;
  EXPECT_NE(d.find("Summary"), std::string::npos) << d;
  EXPECT_EQ(Exec("SELEC 1"), SQL_ERROR);
  EXPECT_NE(Diag(SQL_HANDLE_STMT, stmt_).find("42000"), std::string::npos);
}

TEST_P(OdbcTest, BadConnectionStringsAreRefusedWithWhatToFixAndNoSecret) {
  const std::string secret = "s3cret-never-shown";
  // An unknown property, as jirasql's own parser says it.
  EXPECT_EQ(DriverConnect(OdbcString() + "PageSise=10;"), SQL_ERROR);
  std::string d = Diag(SQL_HANDLE_DBC, dbc_);
  EXPECT_NE(d.find("Pagesize"), std::string::npos) << d;
  // A DSN that does not exist: the driver manager says so (IM002).
  EXPECT_EQ(DriverConnect("DSN=nowhere;"), SQL_ERROR);
  d = Diag(SQL_HANDLE_DBC, dbc_);
  EXPECT_NE(d.find("IM002"), std::string::npos) << d;
  // A wrong secret: Jira's 401, as 28000, the secret not in the message.
  const std::string url = info()["sites"][0]["url"];
  const std::string wrong =
      dc() ? "DRIVER=" + std::string(JIRASQL_ODBC_DRIVER) + ";AuthScheme=PAT;Url=" + url + ";PWD=" + secret + ";"
           : "DRIVER=" + std::string(JIRASQL_ODBC_DRIVER) + ";AuthScheme=APIToken;Url=" + url +
                 ";UID=user1@example.com;PWD={" + secret + "};";
  EXPECT_EQ(DriverConnect(wrong), SQL_ERROR);
  d = Diag(SQL_HANDLE_DBC, dbc_);
  EXPECT_NE(d.find("28000"), std::string::npos) << d;
  EXPECT_EQ(d.find(secret), std::string::npos) << d;
  // PWD with no scheme to give it to.
  EXPECT_EQ(DriverConnect("DRIVER=" + std::string(JIRASQL_ODBC_DRIVER) + ";Url=" + url + ";PWD=x;"), SQL_ERROR);
  EXPECT_NE(Diag(SQL_HANDLE_DBC, dbc_).find("AuthScheme"), std::string::npos);
}

TEST_P(OdbcTest, ADsnInOdbcIniWithUidAndPwd) {
  const std::string url = info()["sites"][0]["url"];
  const json& user = info()["users"][0];
  const std::string name = std::string("jirasim_") + (dc() ? "dc" : "cloud");
  {
    std::ofstream ini(IniFolder() + "/odbc.ini", std::ios::app);
    ini << "[" << name << "]\nDriver=jirasql\nAuthScheme=" << (dc() ? "PAT" : "APIToken") << "\nUrl=" << url << "\n";
  }
  const std::string uid = dc() ? "" : user["email"].get<std::string>();
  const std::string pwd = dc() ? user["pat"].get<std::string>() : user["apiToken"].get<std::string>();
  SQLRETURN rc = SQLConnect(dbc_, reinterpret_cast<SQLCHAR*>(const_cast<char*>(name.c_str())), SQL_NTS,
                            reinterpret_cast<SQLCHAR*>(const_cast<char*>(uid.c_str())), SQL_NTS,
                            reinterpret_cast<SQLCHAR*>(const_cast<char*>(pwd.c_str())), SQL_NTS);
  ASSERT_TRUE(SQL_SUCCEEDED(rc)) << Diag(SQL_HANDLE_DBC, dbc_);
  ASSERT_TRUE(SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, dbc_, &stmt_)));
  ASSERT_TRUE(SQL_SUCCEEDED(Exec("SELECT count(*) FROM Issues")));
  EXPECT_EQ(FetchText(), Rows{{std::to_string(site(0).issues.size())}});
}

TEST_P(OdbcTest, RowArraysColumnWiseAndRowWiseAndMaxRows) {
  ConnectOrFail();
  // Column-wise: 50 rows a fetch into arrays of ids.
  SQLSetStmtAttr(stmt_, SQL_ATTR_ROW_ARRAY_SIZE, reinterpret_cast<SQLPOINTER>(50), 0);
  SQLULEN fetched = 0;
  SQLSetStmtAttr(stmt_, SQL_ATTR_ROWS_FETCHED_PTR, &fetched, 0);
  int64_t ids[50];
  SQLLEN ind[50];
  ASSERT_TRUE(SQL_SUCCEEDED(Exec("SELECT Id FROM Issues ORDER BY Id")));
  SQLBindCol(stmt_, 1, SQL_C_SBIGINT, ids, 0, ind);
  std::vector<int64_t> got;
  while (SQL_SUCCEEDED(SQLFetch(stmt_))) got.insert(got.end(), ids, ids + fetched);
  std::vector<int64_t> want;
  for (const auto& is : site(0).issues) want.push_back(is.id);
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want);
  SQLCloseCursor(stmt_);
  SQLFreeStmt(stmt_, SQL_UNBIND);
  // Row-wise: a struct per row, and SQL_ATTR_MAX_ROWS stops at 7.
  struct RowBuf {
    int64_t id;
    SQLLEN id_ind;
    char key[32];
    SQLLEN key_ind;
  } rows[4];
  SQLSetStmtAttr(stmt_, SQL_ATTR_ROW_ARRAY_SIZE, reinterpret_cast<SQLPOINTER>(4), 0);
  SQLSetStmtAttr(stmt_, SQL_ATTR_ROW_BIND_TYPE, reinterpret_cast<SQLPOINTER>(sizeof(RowBuf)), 0);
  SQLSetStmtAttr(stmt_, SQL_ATTR_MAX_ROWS, reinterpret_cast<SQLPOINTER>(7), 0);
  ASSERT_TRUE(SQL_SUCCEEDED(Exec("SELECT Id, Key FROM Issues ORDER BY Id")));
  SQLBindCol(stmt_, 1, SQL_C_SBIGINT, &rows[0].id, 0, &rows[0].id_ind);
  SQLBindCol(stmt_, 2, SQL_C_CHAR, rows[0].key, sizeof rows[0].key, &rows[0].key_ind);
  std::vector<std::string> keys;
  while (SQL_SUCCEEDED(SQLFetch(stmt_))) {
    for (SQLULEN r = 0; r < fetched; ++r) keys.push_back(std::to_string(rows[r].id) + " " + rows[r].key);
  }
  ASSERT_EQ(keys.size(), 7u);
  Db db = OpenDb(Connect());
  Rows want_rows = db.Query("SELECT Id, Key FROM Issues ORDER BY Id LIMIT 7");
  for (std::size_t i = 0; i < 7; ++i) EXPECT_EQ(keys[i], want_rows[i][0] + " " + want_rows[i][1]);
}

TEST_P(OdbcTest, WideCallsCarryUnicode) {
  ConnectOrFail();
  const std::u16string sql = u"SELECT 'h\u00e9llo \u2713 \U0001D11E' AS t";
  ASSERT_TRUE(
      SQL_SUCCEEDED(SQLExecDirectW(stmt_, reinterpret_cast<SQLWCHAR*>(const_cast<char16_t*>(sql.c_str())), SQL_NTS)))
      << Diag(SQL_HANDLE_STMT, stmt_);
  SQLWCHAR name[16];
  SQLSMALLINT name_len = 0, type = 0;
  ASSERT_EQ(SQLDescribeColW(stmt_, 1, name, 16, &name_len, &type, nullptr, nullptr, nullptr), SQL_SUCCESS);
  EXPECT_EQ(name_len, 1);
  EXPECT_EQ(name[0], u't');
  ASSERT_EQ(SQLFetch(stmt_), SQL_SUCCESS);
  SQLWCHAR w[64];
  SQLLEN ind = 0;
  ASSERT_EQ(SQLGetData(stmt_, 1, SQL_C_WCHAR, w, sizeof w, &ind), SQL_SUCCESS);
  EXPECT_EQ(std::u16string(reinterpret_cast<char16_t*>(w), static_cast<std::size_t>(ind / 2)),
            u"h\u00e9llo \u2713 \U0001D11E");
  // And the UTF-8 bytes through the ANSI call.
  char utf8[64];
  SQLCloseCursor(stmt_);
  ASSERT_TRUE(
      SQL_SUCCEEDED(SQLExecDirectW(stmt_, reinterpret_cast<SQLWCHAR*>(const_cast<char16_t*>(sql.c_str())), SQL_NTS)));
  ASSERT_EQ(SQLFetch(stmt_), SQL_SUCCESS);
  ASSERT_EQ(SQLGetData(stmt_, 1, SQL_C_CHAR, utf8, sizeof utf8, &ind), SQL_SUCCESS);
  EXPECT_EQ(std::string(utf8), "h\xc3\xa9llo \xe2\x9c\x93 \xf0\x9d\x84\x9e");
}

TEST_P(OdbcTest, AWriteCountsItsRowAndReadsBack) {
  ConnectOrFail();
  const std::string key = site(0).Key(site(0).issues[3]);
  const char* sql = "INSERT INTO Comments (IssueKey, Body) VALUES (?, ?)";
  ASSERT_EQ(SQLPrepare(stmt_, reinterpret_cast<SQLCHAR*>(const_cast<char*>(sql)), SQL_NTS), SQL_SUCCESS)
      << Diag(SQL_HANDLE_STMT, stmt_);
  SQLSMALLINT columns = -1;
  SQLNumResultCols(stmt_, &columns);
  EXPECT_EQ(columns, 0);
  const std::u16string body = u"Written through ODBC ✓";
  SQLLEN nts = SQL_NTS;
  SQLBindParameter(stmt_, 1, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR, 32, 0, const_cast<char*>(key.c_str()), 0, &nts);
  SQLBindParameter(stmt_, 2, SQL_PARAM_INPUT, SQL_C_WCHAR, SQL_WVARCHAR, 64, 0, const_cast<char16_t*>(body.c_str()), 0,
                   &nts);
  ASSERT_TRUE(SQL_SUCCEEDED(SQLExecute(stmt_))) << Diag(SQL_HANDLE_STMT, stmt_);
  SQLLEN count = -1;
  ASSERT_EQ(SQLRowCount(stmt_, &count), SQL_SUCCESS);
  EXPECT_EQ(count, 1);
  Db db = OpenDb(Connect());
  EXPECT_EQ(db.One("SELECT count(*) FROM Comments WHERE IssueKey = '" + key +
                   "' AND Body = 'Written through ODBC \xe2\x9c\x93'"),
            "1");
}

TEST_P(OdbcTest, TheCatalogueListsTablesColumnsKeysAndTypes) {
  ConnectOrFail();
  Db db = OpenDb(Connect());
  // SQLTables: every table, typed TABLE or SYSTEM TABLE, as sys_tables lists them.
  ASSERT_TRUE(SQL_SUCCEEDED(SQLTables(stmt_, nullptr, 0, nullptr, 0, nullptr, 0, nullptr, 0)))
      << Diag(SQL_HANDLE_STMT, stmt_);
  Rows tables = FetchText();
  Rows want_tables = db.Query(
      "SELECT 'NULL', 'NULL', TableName, TableType, Description FROM sys_tables WHERE TableType != 'PROCEDURE'");
  EXPECT_EQ(tables, want_tables);
  SQLCloseCursor(stmt_);
  auto text = [](const char* t) { return reinterpret_cast<SQLCHAR*>(const_cast<char*>(t)); };
  ASSERT_TRUE(SQL_SUCCEEDED(SQLTables(stmt_, nullptr, 0, nullptr, 0, text("Issue%"), SQL_NTS, text("TABLE"), SQL_NTS)));
  Rows issue_tables = FetchText();
  EXPECT_EQ(
      issue_tables.size(),
      std::stoul(db.One("SELECT count(*) FROM sys_tables WHERE TableName LIKE 'Issue%' AND TableType = 'TABLE'")));
  SQLCloseCursor(stmt_);
  // SQLColumns: the visible columns of Issues, in order, with ODBC types.
  ASSERT_TRUE(SQL_SUCCEEDED(SQLColumns(stmt_, nullptr, 0, nullptr, 0, text("Issues"), SQL_NTS, nullptr, 0)));
  Rows columns = FetchText();
  Rows want_columns = db.Query(
      "SELECT ColumnName FROM sys_tablecolumns WHERE TableName = 'Issues' AND IsHidden = 0 "
      "ORDER BY Ordinal");
  ASSERT_EQ(columns.size(), want_columns.size());
  for (std::size_t i = 0; i < columns.size(); ++i) {
    EXPECT_EQ(columns[i][3], want_columns[i][0]);
    EXPECT_EQ(columns[i][16], std::to_string(i + 1));  // ORDINAL_POSITION
    if (columns[i][3] == "Created") {
      EXPECT_EQ(columns[i][4], std::to_string(SQL_TYPE_TIMESTAMP));
    }
    if (columns[i][3] == "Id") {
      EXPECT_EQ(columns[i][4], std::to_string(SQL_BIGINT));
    }
  }
  SQLCloseCursor(stmt_);
  // Keys, as sys_primarykeys and sys_foreignkeys declare them.
  ASSERT_TRUE(SQL_SUCCEEDED(SQLPrimaryKeys(stmt_, nullptr, 0, nullptr, 0, text("Comments"), SQL_NTS)));
  EXPECT_EQ(FetchText(), (Rows{{"NULL", "NULL", "Comments", "Id", "1", "PK_Comments"}}));
  SQLCloseCursor(stmt_);
  ASSERT_TRUE(SQL_SUCCEEDED(SQLForeignKeys(stmt_, nullptr, 0, nullptr, 0, text("Issues"), SQL_NTS, nullptr, 0, nullptr,
                                           0, text("Comments"), SQL_NTS)));
  Rows fks = FetchText();
  ASSERT_EQ(fks.size(), 1u);
  EXPECT_EQ(fks[0][2] + "." + fks[0][3] + " <- " + fks[0][6] + "." + fks[0][7], "Issues.Id <- Comments.IssueId");
  SQLCloseCursor(stmt_);
  // SQLGetTypeInfo: one row per type the driver reports, in DATA_TYPE order.
  ASSERT_TRUE(SQL_SUCCEEDED(SQLGetTypeInfo(stmt_, SQL_ALL_TYPES)));
  Rows types = FetchText();
  std::vector<std::string> names;
  for (const auto& r : types) names.push_back(r[0]);
  EXPECT_EQ(names,
            (std::vector<std::string>{"WLONGVARCHAR", "WVARCHAR", "BIT", "BIGINT", "DOUBLE", "DATE", "TIMESTAMP"}));
  SQLCloseCursor(stmt_);
  ASSERT_TRUE(SQL_SUCCEEDED(SQLGetTypeInfo(stmt_, SQL_TYPE_DATE)));
  EXPECT_EQ(FetchText().size(), 1u);
  SQLCloseCursor(stmt_);
  // SQLStatistics: the key as a unique index, then the columns Jira filters on.
  ASSERT_TRUE(
      SQL_SUCCEEDED(SQLStatistics(stmt_, nullptr, 0, nullptr, 0, text("Issues"), SQL_NTS, SQL_INDEX_ALL, SQL_QUICK)))
      << Diag(SQL_HANDLE_STMT, stmt_);
  Rows stats = FetchText();
  ASSERT_FALSE(stats.empty());
  EXPECT_EQ(stats[0][3] + " " + stats[0][5] + " " + stats[0][8], "0 PK_Issues Id");
  EXPECT_EQ(stats.size(), std::stoul(db.One("SELECT count(*) FROM sys_indexes WHERE TableName = 'Issues'")));
  SQLCloseCursor(stmt_);
  ASSERT_TRUE(SQL_SUCCEEDED(
      SQLStatistics(stmt_, nullptr, 0, nullptr, 0, text("Issues"), SQL_NTS, SQL_INDEX_UNIQUE, SQL_QUICK)));
  EXPECT_EQ(FetchText().size(), 1u);
  SQLCloseCursor(stmt_);
  // SQLSpecialColumns: the best row id is the primary key.
  ASSERT_TRUE(SQL_SUCCEEDED(SQLSpecialColumns(stmt_, SQL_BEST_ROWID, nullptr, 0, nullptr, 0, text("Comments"), SQL_NTS,
                                              SQL_SCOPE_SESSION, SQL_NULLABLE)));
  Rows special = FetchText();
  ASSERT_EQ(special.size(), 1u);
  EXPECT_EQ(special[0][1] + " " + special[0][2], "Id " + std::to_string(SQL_BIGINT));
  SQLCloseCursor(stmt_);
  // SQLProcedures and SQLProcedureColumns, from sys_procedures.
  ASSERT_TRUE(SQL_SUCCEEDED(SQLProcedures(stmt_, nullptr, 0, nullptr, 0, text("%OAuth%"), SQL_NTS)));
  Rows procs = FetchText();
  EXPECT_EQ(procs.size(), std::stoul(db.One("SELECT count(*) FROM sys_procedures WHERE ProcedureName LIKE '%OAuth%'")));
  SQLCloseCursor(stmt_);
  ASSERT_TRUE(SQL_SUCCEEDED(
      SQLProcedureColumns(stmt_, nullptr, 0, nullptr, 0, text("GetOAuthAuthorizationURL"), SQL_NTS, nullptr, 0)));
  Rows params = FetchText();
  EXPECT_EQ(params.size(), std::stoul(db.One("SELECT count(*) FROM sys_procedureparameters WHERE ProcedureName = "
                                             "'GetOAuthAuthorizationURL'")));
  ASSERT_FALSE(params.empty());
  EXPECT_EQ(params[0][3], db.One("SELECT ParameterName FROM sys_procedureparameters WHERE ProcedureName = "
                                 "'GetOAuthAuthorizationURL' AND Direction = 'IN' ORDER BY Ordinal LIMIT 1"));
}

TEST_P(OdbcTest, OdbcEscapesAndTopRunAsSqlite) {
  ConnectOrFail();
  const std::string odbc =
      "SELECT TOP 3 {fn UCASE(Key)}, {fn YEAR(Created)} FROM Issues WHERE Created >= {ts '2000-01-01 00:00:00'} "
      "AND DueDate >= {d '1970-01-01'} ORDER BY Id";
  ASSERT_TRUE(SQL_SUCCEEDED(Exec(odbc))) << Diag(SQL_HANDLE_STMT, stmt_);
  Rows got = FetchText();
  Db db = OpenDb(Connect());
  EXPECT_EQ(got, db.Query("SELECT upper(Key), CAST(strftime('%Y', Created) AS INTEGER) FROM Issues WHERE Created >= "
                          "'2000-01-01T00:00:00.000Z' AND DueDate >= '1970-01-01' ORDER BY Id LIMIT 3"));
  EXPECT_EQ(got.size(), 3u);
  SQLCloseCursor(stmt_);
  // SQLNativeSql shows the rewrite; SQL_ATTR_NOSCAN sends the text as written.
  SQLCHAR native[1024];
  SQLINTEGER native_len = 0;
  const char* in = "SELECT {fn LCASE('A')}";
  ASSERT_EQ(SQLNativeSql(dbc_, reinterpret_cast<SQLCHAR*>(const_cast<char*>(in)), SQL_NTS, native, sizeof native,
                         &native_len),
            SQL_SUCCESS);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(native)), "SELECT lower('A')");
  SQLSetStmtAttr(stmt_, SQL_ATTR_NOSCAN, reinterpret_cast<SQLPOINTER>(SQL_NOSCAN_ON), 0);
  EXPECT_EQ(Exec(in), SQL_ERROR);
  SQLSetStmtAttr(stmt_, SQL_ATTR_NOSCAN, reinterpret_cast<SQLPOINTER>(SQL_NOSCAN_OFF), 0);
  // A malformed escape: 42000, saying what to write.
  EXPECT_EQ(Exec("SELECT {ts 'soon'}"), SQL_ERROR);
  const std::string d = Diag(SQL_HANDLE_STMT, stmt_);
  EXPECT_NE(d.find("42000"), std::string::npos) << d;
  EXPECT_NE(d.find("yyyy-mm-dd hh:mm:ss"), std::string::npos) << d;
}

TEST_P(OdbcTest, AQueryTimeoutOrACancelStopsAScanBetweenPagesAndSaysSo) {
  // Small pages, each 150 ms late: a scan of every issue takes seconds.
  SQLRETURN rc = DriverConnect(OdbcString() + "Pagesize=10;MaxThreads=1;");
  ASSERT_TRUE(SQL_SUCCEEDED(rc)) << Diag(SQL_HANDLE_DBC, dbc_);
  ASSERT_TRUE(SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, dbc_, &stmt_)));
  const std::string base = sim().base_url();
  AddFault(base, json{{"path", "/rest/"}, {"latencyMs", 150}});
  SQLSetStmtAttr(stmt_, SQL_ATTR_QUERY_TIMEOUT, reinterpret_cast<SQLPOINTER>(1), 0);
  rc = Exec("SELECT count(*) FROM Issues WHERE Summary IS NOT NULL");
  EXPECT_EQ(rc, SQL_ERROR);
  std::string d = Diag(SQL_HANDLE_STMT, stmt_);
  EXPECT_NE(d.find("HYT00"), std::string::npos) << d;
  EXPECT_NE(d.find("not whole"), std::string::npos) << d;
  // SQLCancel from another thread while SQLFetch reads.
  SQLSetStmtAttr(stmt_, SQL_ATTR_QUERY_TIMEOUT, reinterpret_cast<SQLPOINTER>(0), 0);
  ASSERT_TRUE(SQL_SUCCEEDED(Exec("SELECT Key FROM Issues"))) << Diag(SQL_HANDLE_STMT, stmt_);
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    SQLCancel(stmt_);
  });
  int rows = 0;
  while ((rc = SQLFetch(stmt_)) == SQL_SUCCESS) ++rows;
  canceller.join();
  ClearFaults(base);
  EXPECT_EQ(rc, SQL_ERROR);
  d = Diag(SQL_HANDLE_STMT, stmt_);
  EXPECT_NE(d.find("HY008"), std::string::npos) << d;
  EXPECT_LT(rows, static_cast<int>(site(0).issues.size()));
}

INSTANTIATE_TEST_SUITE_P(Modes, OdbcTest, ::testing::Values(Mode{"Cloud", false}, Mode{"DataCenter", true}),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace jirasql
