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
#include <thread>
#include <vector>

#include "sql_db.h"
#include "testing/loopback_server.h"
#include "testing/temp_dir.h"

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
      "SELECT Id, Key, Summary, Created, DueDate, TimeSpentSeconds, Labels, Description, StatusCategory FROM Issues "
      "ORDER BY Id";
  ASSERT_TRUE(SQL_SUCCEEDED(Exec(sql))) << Diag(SQL_HANDLE_STMT, stmt_);
  // Each column's ODBC type from the table's schema; keys and names sized
  // as Jira limits them, other short text longer, long text as long text.
  const std::vector<SQLSMALLINT> want_types = {SQL_BIGINT,         SQL_WVARCHAR,     SQL_WVARCHAR,
                                               SQL_TYPE_TIMESTAMP, SQL_TYPE_DATE,    SQL_BIGINT,
                                               SQL_WLONGVARCHAR,   SQL_WLONGVARCHAR, SQL_WVARCHAR};
  const std::vector<SQLULEN> want_sizes = {19, 255, 255, 23, 10, 19, 1073741823, 1073741823, 4000};
  for (SQLUSMALLINT c = 1; c <= want_types.size(); ++c) {
    SQLCHAR name[128];
    SQLSMALLINT name_len = 0, type = 0, decimals = 0, nullable = 0;
    SQLULEN size = 0;
    ASSERT_EQ(SQLDescribeCol(stmt_, c, name, sizeof name, &name_len, &type, &size, &decimals, &nullable), SQL_SUCCESS);
    EXPECT_EQ(type, want_types[c - 1]) << name;
    EXPECT_EQ(size, want_sizes[c - 1]) << name;
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

// Rows stream from Jira as they are fetched: after SQLExecDirect and one
// SQLFetch only the first pages have been asked for, not the whole table —
// a result of any size is read in bounded memory.
TEST_P(OdbcTest, RowsStreamPageByPageAsTheyAreFetched) {
  SQLRETURN rc = DriverConnect(OdbcString() + "Pagesize=10;MaxThreads=1;");
  ASSERT_TRUE(SQL_SUCCEEDED(rc)) << Diag(SQL_HANDLE_DBC, dbc_);
  ASSERT_TRUE(SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, dbc_, &stmt_)));
  const std::string base = sim().base_url();
  auto searches = [&] {
    return CountRequests(base, [](const std::string& k) {
      return k.find("/search") != std::string::npos && k.find("approximate") == std::string::npos;
    });
  };
  const int64_t before = searches();
  ASSERT_TRUE(SQL_SUCCEEDED(Exec("SELECT Key FROM Issues"))) << Diag(SQL_HANDLE_STMT, stmt_);
  ASSERT_EQ(SQLFetch(stmt_), SQL_SUCCESS);
  const int64_t pages = static_cast<int64_t>(site(0).issues.size() + 9) / 10;
  EXPECT_LE(searches() - before, 3) << "of " << pages << " pages";
  std::size_t rows = 1;
  while (SQLFetch(stmt_) == SQL_SUCCESS) ++rows;
  EXPECT_EQ(rows, site(0).issues.size());
  EXPECT_GE(searches() - before, pages);
}

// SQLGetFunctions (answered by the driver manager from the entry points the
// driver exports) lists what applications look for.
TEST_P(OdbcTest, SqlGetFunctionsListsTheEntryPoints) {
  ConnectOrFail();
  SQLUSMALLINT f[SQL_API_ODBC3_ALL_FUNCTIONS_SIZE] = {0};
  ASSERT_TRUE(SQL_SUCCEEDED(SQLGetFunctions(dbc_, SQL_API_ODBC3_ALL_FUNCTIONS, f))) << Diag(SQL_HANDLE_DBC, dbc_);
  for (SQLUSMALLINT fn :
       {SQL_API_SQLEXECDIRECT, SQL_API_SQLPREPARE, SQL_API_SQLBINDPARAMETER, SQL_API_SQLFETCHSCROLL, SQL_API_SQLGETDATA,
        SQL_API_SQLCANCEL, SQL_API_SQLTABLES, SQL_API_SQLCOLUMNS, SQL_API_SQLPRIMARYKEYS, SQL_API_SQLFOREIGNKEYS,
        SQL_API_SQLSTATISTICS, SQL_API_SQLPROCEDURES, SQL_API_SQLPROCEDURECOLUMNS, SQL_API_SQLGETINFO,
        SQL_API_SQLGETTYPEINFO, SQL_API_SQLDESCRIBEPARAM, SQL_API_SQLMORERESULTS, SQL_API_SQLNATIVESQL}) {
    EXPECT_TRUE(SQL_FUNC_EXISTS(f, fn)) << fn;
  }
}

// A page request Jira holds back for ten minutes — longer than the test may
// run, and within the connection's Timeout — is ended by the query timeout
// and by SQLCancel from another thread; the connection works afterwards.
TEST_P(OdbcTest, ATimeoutOrACancelEndsAPageRequestUnderWay) {
  SQLRETURN rc = DriverConnect(OdbcString() + "Timeout=900;");
  ASSERT_TRUE(SQL_SUCCEEDED(rc)) << Diag(SQL_HANDLE_DBC, dbc_);
  ASSERT_TRUE(SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, dbc_, &stmt_)));
  const std::string base = sim().base_url();
  AddFault(base, json{{"path", "/search"}, {"latencyMs", 600000}});
  SQLSetStmtAttr(stmt_, SQL_ATTR_QUERY_TIMEOUT, reinterpret_cast<SQLPOINTER>(1), 0);
  EXPECT_EQ(Exec("SELECT count(*) FROM Issues WHERE Summary IS NOT NULL"), SQL_ERROR);
  std::string d = Diag(SQL_HANDLE_STMT, stmt_);
  EXPECT_NE(d.find("HYT00"), std::string::npos) << d;
  SQLSetStmtAttr(stmt_, SQL_ATTR_QUERY_TIMEOUT, reinterpret_cast<SQLPOINTER>(0), 0);
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    SQLCancel(stmt_);
  });
  rc = Exec("SELECT Key FROM Issues");  // its first page never comes
  canceller.join();
  EXPECT_EQ(rc, SQL_ERROR);
  d = Diag(SQL_HANDLE_STMT, stmt_);
  EXPECT_NE(d.find("HY008"), std::string::npos) << d;
  ClearFaults(base);
  SQLFreeStmt(stmt_, SQL_CLOSE);
  ASSERT_TRUE(SQL_SUCCEEDED(Exec("SELECT count(*) FROM Issues"))) << Diag(SQL_HANDLE_STMT, stmt_);
  EXPECT_EQ(FetchText().at(0).at(0), std::to_string(site(0).issues.size()));
}

TEST_P(OdbcTest, ProceduresRunOnceThroughCallOrExecWithParameters) {
  ConnectOrFail();
  ASSERT_TRUE(SQL_SUCCEEDED(Exec("INSERT INTO Issues (ProjectKey, IssueTypeName, Summary) VALUES ('" +
                                 site(0).projects[0].key + "', 'Task', 'Moved through ODBC')")))
      << Diag(SQL_HANDLE_STMT, stmt_);
  ASSERT_TRUE(SQL_SUCCEEDED(Exec("SELECT jirasql_last_insert_key()")));
  const std::string key = FetchText().at(0).at(0);
  SQLFreeStmt(stmt_, SQL_CLOSE);
  // {call …}: arguments in the order of the procedure's inputs (IssueKey,
  // IssueId, Status), described before it runs.
  const char* call = "{call ChangeIssueStatus(?, NULL, ?)}";
  ASSERT_EQ(SQLPrepare(stmt_, reinterpret_cast<SQLCHAR*>(const_cast<char*>(call)), SQL_NTS), SQL_SUCCESS)
      << Diag(SQL_HANDLE_STMT, stmt_);
  SQLSMALLINT params = -1, columns = -1;
  SQLNumParams(stmt_, &params);
  SQLNumResultCols(stmt_, &columns);
  EXPECT_EQ(params, 2);
  EXPECT_EQ(columns, 2);
  SQLCHAR name[64];
  SQLSMALLINT name_len = 0, type = 0, decimals = 0, nullable = 0;
  SQLULEN size = 0;
  SQLDescribeCol(stmt_, 2, name, sizeof name, &name_len, &type, &size, &decimals, &nullable);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(name)), "Result");
  std::string status = "In Progress";
  SQLLEN nts = SQL_NTS;
  SQLBindParameter(stmt_, 1, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR, 32, 0, const_cast<char*>(key.c_str()), 0, &nts);
  SQLBindParameter(stmt_, 2, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR, 32, 0, status.data(), 0, &nts);
  const std::string base = sim().base_url();
  auto transitions = [&] {
    return CountRequests(base, [](const std::string& k) {
      return k.rfind("POST ", 0) == 0 && k.find("/transitions") != std::string::npos;
    });
  };
  const int64_t before = transitions();
  ASSERT_TRUE(SQL_SUCCEEDED(SQLExecute(stmt_))) << Diag(SQL_HANDLE_STMT, stmt_);
  Rows rows = FetchText();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], key);
  EXPECT_NE(rows[0][1].find("In Progress"), std::string::npos) << rows[0][1];
  EXPECT_EQ(transitions(), before + 1);  // run once, however the row is read
  Db db = OpenDb(Connect());
  EXPECT_EQ(db.One("SELECT StatusName FROM Issues WHERE Key = '" + key + "'"), "In Progress");
  // EXEC with a parameter marker by name, through SQLExecDirect.
  SQLFreeStmt(stmt_, SQL_CLOSE);
  SQLFreeStmt(stmt_, SQL_RESET_PARAMS);
  SQLBindParameter(stmt_, 1, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR, 32, 0, const_cast<char*>(key.c_str()), 0, &nts);
  ASSERT_TRUE(SQL_SUCCEEDED(Exec("EXEC ChangeIssueStatus IssueKey=?, Status='To Do'"))) << Diag(SQL_HANDLE_STMT, stmt_);
  EXPECT_EQ(FetchText().size(), 1u);
  EXPECT_EQ(transitions(), before + 2);
  EXPECT_EQ(db.One("SELECT StatusName FROM Issues WHERE Key = '" + key + "'"), "To Do");
  // Mistakes say what to write, and run nothing.
  SQLFreeStmt(stmt_, SQL_CLOSE);
  for (const auto& [sql, says] : std::vector<std::pair<std::string, std::string>>{
           {"{call ChangeIssueStatu(?)}", "did you mean 'ChangeIssueStatus'?"},
           {"{call GetOAuthAuthorizationURL(1, 2, 3, 4, 5, 6)}", "takes 5 arguments at most"},
           {"EXEC ChangeIssueStatus IssueKy='X-1'", "did you mean 'IssueKey'?"},
           {"{? = call ChangeIssueStatus(?)}", "return a row, not a value"}}) {
    EXPECT_EQ(Exec(sql), SQL_ERROR) << sql;
    const std::string d = Diag(SQL_HANDLE_STMT, stmt_);
    EXPECT_NE(d.find("42000"), std::string::npos) << d;
    EXPECT_NE(d.find(says), std::string::npos) << d;
  }
  EXPECT_EQ(transitions(), before + 2);
}

INSTANTIATE_TEST_SUITE_P(Modes, OdbcTest, ::testing::Values(Mode{"Cloud", false}, Mode{"DataCenter", true}),
                         [](const auto& info) { return std::string(info.param.name); });

// OAuth 2.0 (3LO) through the driver, on a Cloud jirasim of its own whose
// app accepts a callback on a free port.
class OdbcOAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    IniFolder();
    callback_ = "http://localhost:" + std::to_string(testing::UnusedLoopbackPort()) + "/cb";
    jirasim::SimOptions o;
    o.data.issues = 30;
    o.data.sites = 1;
    o.callbacks = {callback_};
    sim_ = std::make_unique<jirasim::Simulator>(o);
    ASSERT_TRUE(sim_->Start());
    info_ = sim_->Describe();
    // The desktop flow's browser: jirasim's stand-in, counted.
    browser_ = dir_.path() + "/browser";
    std::ofstream(browser_) << "#!/bin/sh\necho opened >> '" << dir_.path() << "/opened'\nexec '" << BROWSER_SCRIPT
                            << "' \"$@\"\n";
    std::filesystem::permissions(browser_, std::filesystem::perms::owner_all);
    setenv("JIRASIM", JIRASIM_PATH, 1);
    setenv("SIM_USER", User()["email"].get<std::string>().c_str(), 1);
    setenv("SIM_PASSWORD", User()["password"].get<std::string>().c_str(), 1);
    setenv("SIM_SITE", info_["sites"][0]["name"].get<std::string>().c_str(), 1);
    ASSERT_TRUE(SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env_)));
    SQLSetEnvAttr(env_, SQL_ATTR_ODBC_VERSION, reinterpret_cast<SQLPOINTER>(SQL_OV_ODBC3), 0);
  }
  void TearDown() override {
    for (SQLHDBC d : dbcs_) {
      SQLDisconnect(d);
      SQLFreeHandle(SQL_HANDLE_DBC, d);
    }
    SQLFreeHandle(SQL_HANDLE_ENV, env_);
  }
  const json& User() const { return info_["users"][0]; }
  std::string Base() const { return info_["baseUrl"]; }
  std::string OAuthString(const std::string& extra) const {
    return "DRIVER=" + std::string(JIRASQL_ODBC_DRIVER) +
           ";AuthScheme=OAuth;OAuthClientId=" + info_["app"]["clientId"].get<std::string>() +
           ";OAuthClientSecret=" + info_["app"]["clientSecret"].get<std::string>() + ";CallbackURL=" + callback_ +
           ";OAuthAuthorizationURL=" + Base() + "/authorize;OAuthAccessTokenURL=" + Base() +
           "/oauth/token;OAuthRefreshTokenURL=" + Base() + "/oauth/token;OAuthAccessibleResourcesURL=" + Base() +
           "/oauth/token/accessible-resources;OAuthApiGatewayURL=" + Base() +
           "/ex/jira;OAuthSettingsLocation=" + dir_.path() + "/login.json;BrowserCommand=" + browser_ +
           ";OAuthListenerTimeout=30;" + extra;
  }
  // A new connection handle connected with `text`; its return code in *rc.
  SQLHDBC Connect(const std::string& text, SQLRETURN* rc) {
    SQLHDBC d = SQL_NULL_HDBC;
    SQLAllocHandle(SQL_HANDLE_DBC, env_, &d);
    dbcs_.push_back(d);
    SQLCHAR out[4096];
    SQLSMALLINT out_len = 0;
    *rc = SQLDriverConnect(d, nullptr, reinterpret_cast<SQLCHAR*>(const_cast<char*>(text.c_str())), SQL_NTS, out,
                           sizeof out, &out_len, SQL_DRIVER_NOPROMPT);
    return d;
  }
  int BrowsersOpened() const {
    std::ifstream in(dir_.path() + "/opened");
    int n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n;
  }
  // Every row of `sql` on `dbc` as text, parameters bound as text.
  Rows Query(SQLHDBC dbc, const std::string& sql, const std::vector<std::string>& params, std::string* error) {
    SQLHSTMT st = SQL_NULL_HSTMT;
    SQLAllocHandle(SQL_HANDLE_STMT, dbc, &st);
    std::vector<SQLLEN> nts(params.size(), SQL_NTS);
    for (std::size_t i = 0; i < params.size(); ++i) {
      SQLBindParameter(st, static_cast<SQLUSMALLINT>(i + 1), SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR, 0, 0,
                       const_cast<char*>(params[i].c_str()), 0, &nts[i]);
    }
    Rows out;
    if (!SQL_SUCCEEDED(SQLExecDirect(st, reinterpret_cast<SQLCHAR*>(const_cast<char*>(sql.c_str())), SQL_NTS))) {
      *error = Diag(SQL_HANDLE_STMT, st);
    } else {
      SQLSMALLINT n = 0;
      SQLNumResultCols(st, &n);
      while (SQLFetch(st) == SQL_SUCCESS) {
        std::vector<std::string> row;
        for (SQLUSMALLINT c = 1; c <= n; ++c) {
          char buf[4096];
          SQLLEN ind = 0;
          SQLGetData(st, c, SQL_C_CHAR, buf, sizeof buf, &ind);
          row.push_back(ind == SQL_NULL_DATA ? "NULL" : std::string(buf));
        }
        out.push_back(std::move(row));
      }
    }
    SQLFreeHandle(SQL_HANDLE_STMT, st);
    return out;
  }

  testing::TempDir dir_;
  std::string callback_, browser_;
  std::unique_ptr<jirasim::Simulator> sim_;
  json info_;
  SQLHENV env_ = SQL_NULL_HENV;
  std::vector<SQLHDBC> dbcs_;
};

// A web application's flow: connect with no token, get the URL, let the
// user consent, exchange the code — all through {call …} — then connect
// with the token it returned.
TEST_F(OdbcOAuthTest, TheWebFlowRunsThroughCallAndItsTokenConnects) {
  SQLRETURN rc = SQL_ERROR;
  SQLHDBC app = Connect(OAuthString("InitiateOAuth=OFF"), &rc);
  ASSERT_EQ(rc, SQL_SUCCESS_WITH_INFO) << Diag(SQL_HANDLE_DBC, app);
  EXPECT_NE(Diag(SQL_HANDLE_DBC, app).find("only the OAuth procedures run"), std::string::npos);
  std::string error;
  EXPECT_TRUE(Query(app, "SELECT count(*) FROM Issues", {}, &error).empty());
  EXPECT_NE(error.find("needs OAuthAccessToken"), std::string::npos) << error;
  Rows url = Query(app, "{call GetOAuthAuthorizationURL(?)}", {callback_}, &error);
  ASSERT_EQ(url.size(), 1u) << error;
  EXPECT_NE(url[0][0].find("code_challenge="), std::string::npos) << url[0][0];
  // The user consents in a browser; the callback receives the code.
  const std::string approve = std::string(JIRASIM_PATH) + " approve '" + url[0][0] + "' --user " +
                              User()["email"].get<std::string>() + " --password " +
                              User()["password"].get<std::string>();
  FILE* p = ::popen(approve.c_str(), "r");
  ASSERT_NE(p, nullptr);
  char buf[4096] = {0};
  const std::size_t got = std::fread(buf, 1, sizeof buf - 1, p);
  ::pclose(p);
  const std::string redirect(buf, got);
  const auto at = redirect.find("code=");
  ASSERT_NE(at, std::string::npos) << redirect;
  const std::string code = redirect.substr(at + 5, redirect.find('&', at) - at - 5);
  EXPECT_NE(redirect.find("state=" + url[0][1]), std::string::npos) << redirect;
  Rows tokens = Query(app, "EXEC GetOAuthAccessToken AuthMode='WEB', Verifier=?, CallbackUrl=?, CodeVerifier=?",
                      {code, callback_, url[0][2]}, &error);
  ASSERT_EQ(tokens.size(), 1u) << error;
  const std::string access = tokens[0][0], cloud_id = tokens[0][3];
  EXPECT_FALSE(tokens[0][1].empty());  // the refresh token (offline_access)
  EXPECT_EQ(cloud_id, info_["sites"][0]["cloudId"].get<std::string>());
  SQLHDBC user = Connect(OAuthString("InitiateOAuth=OFF;OAuthAccessToken=" + access + ";CloudId=" + cloud_id), &rc);
  ASSERT_EQ(rc, SQL_SUCCESS) << Diag(SQL_HANDLE_DBC, user);
  Rows count = Query(user, "SELECT count(*) FROM Issues", {}, &error);
  ASSERT_EQ(count.size(), 1u) << error;
  EXPECT_EQ(count[0][0], "30");
  EXPECT_EQ(BrowsersOpened(), 0);
  EXPECT_EQ(Diag(SQL_HANDLE_DBC, user).find(access), std::string::npos);
}

// InitiateOAuth as in the CLI: GETANDREFRESH logs in with the browser once
// and saves the login; later connections and REFRESH reuse it; REFRESH
// never opens a browser.
TEST_F(OdbcOAuthTest, GetAndRefreshOpensTheBrowserOnceAndRefreshNever) {
  SQLRETURN rc = SQL_SUCCESS;
  SQLHDBC d = Connect(OAuthString("InitiateOAuth=REFRESH"), &rc);
  EXPECT_EQ(rc, SQL_ERROR);
  EXPECT_NE(Diag(SQL_HANDLE_DBC, d).find("InitiateOAuth=GETANDREFRESH"), std::string::npos) << Diag(SQL_HANDLE_DBC, d);
  EXPECT_EQ(BrowsersOpened(), 0);
  d = Connect(OAuthString("InitiateOAuth=GETANDREFRESH"), &rc);
  ASSERT_TRUE(SQL_SUCCEEDED(rc)) << Diag(SQL_HANDLE_DBC, d);
  EXPECT_EQ(BrowsersOpened(), 1);
  EXPECT_TRUE(std::filesystem::exists(dir_.path() + "/login.json"));
  std::string error;
  EXPECT_EQ(Query(d, "SELECT count(*) FROM Issues", {}, &error).at(0).at(0), "30") << error;
  for (const char* mode : {"GETANDREFRESH", "REFRESH"}) {
    d = Connect(OAuthString(std::string("InitiateOAuth=") + mode), &rc);
    ASSERT_TRUE(SQL_SUCCEEDED(rc)) << mode << ": " << Diag(SQL_HANDLE_DBC, d);
    EXPECT_EQ(Query(d, "SELECT count(*) FROM Projects", {}, &error).size(), 1u) << error;
  }
  EXPECT_EQ(BrowsersOpened(), 1);
}

}  // namespace
}  // namespace jirasql
