// libjirasqlodbc.so: an ODBC 3 driver over jirasql's engine — one SQLite
// connection with the jirasql tables per ODBC connection. Every entry point
// has an ANSI and a wide (UTF-16) form over one UTF-8 core; nothing escapes
// an entry point but a return code and its diagnostics.

#include <odbcinst.h>
#include <sql.h>
#include <sqlext.h>
#include <sqlite3.h>
#include <sqlucode.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "auth/credentials.h"
#include "common/strings.h"
#include "common/version.h"
#include "connstr/sources.h"
#include "odbc/convert.h"
#include "odbc/escapes.h"
#include "odbc/odbc_connstr.h"
#include "sql/engine.h"
#include "sql/session.h"

namespace jirasql::odbc {

namespace {

struct DiagRec {
  std::string state;
  std::string message;
};

struct Handle {
  explicit Handle(SQLSMALLINT k) : kind(k) {}
  SQLSMALLINT kind;
  std::vector<DiagRec> diags;
  SQLRETURN Error(const std::string& state, const std::string& message) {
    diags.push_back({state, message});
    return SQL_ERROR;
  }
  void Warn(const std::string& state, const std::string& message) { diags.push_back({state, message}); }
};

struct Env : Handle {
  Env() : Handle(SQL_HANDLE_ENV) {}
  SQLINTEGER version = SQL_OV_ODBC3;
};

struct Dbc : Handle {
  explicit Dbc(Env* e) : Handle(SQL_HANDLE_DBC), env(e) {}
  Env* env;
  std::recursive_mutex mu;  ///< statements of one connection run one at a time
  std::unique_ptr<SqlEngine> engine;
  std::string dsn;
  SQLUINTEGER autocommit = SQL_AUTOCOMMIT_ON;
  SQLUINTEGER login_timeout = 0;
  std::vector<std::string> notices;  ///< the session's warnings, for the running statement
  /// Stops the connection's page requests under way: fired by SQLCancel of
  /// the running statement, or by its query timeout.
  std::shared_ptr<AbortSignal> abort = std::make_shared<AbortSignal>();
  std::atomic<const void*> running{nullptr};  ///< the statement in sqlite3_step, if any
};

struct Bound {
  SQLSMALLINT ctype = SQL_C_DEFAULT;
  SQLPOINTER target = nullptr;
  SQLLEN capacity = 0;
  SQLLEN* indicator = nullptr;
};

struct Param {
  SQLSMALLINT ctype = SQL_C_DEFAULT;
  SQLSMALLINT sql_type = SQL_WVARCHAR;
  SQLPOINTER value = nullptr;
  SQLLEN capacity = 0;
  SQLLEN* indicator = nullptr;
};

struct Column {
  std::string name, table, base_column;
  ColumnType type;
  bool from_table = false;
};

struct Stmt : Handle {
  explicit Stmt(Dbc* d) : Handle(SQL_HANDLE_STMT), dbc(d) {}
  ~Stmt() { Reset(); }
  Dbc* dbc;
  std::string sql;
  sqlite3_stmt* st = nullptr;
  bool prepared = false;   ///< SQLPrepare: st holds the statement, not run
  bool open = false;       ///< a result set is open
  bool row_ready = false;  ///< st holds a row not yet fetched (stepped at execute)
  bool on_row = false;     ///< SQLFetch moved onto a row SQLGetData may read
  bool done = false;       ///< no rows left
  std::vector<Column> columns;
  std::map<SQLUSMALLINT, Bound> bound;
  std::map<SQLUSMALLINT, Param> params;
  SQLLEN row_count = -1;
  int getdata_column = -1;
  std::size_t getdata_offset = 0;
  SQLULEN max_rows = 0, fetched = 0, query_timeout = 0;
  bool noscan = false;  ///< SQL_ATTR_NOSCAN: ODBC escapes left as written
  SQLULEN row_array_size = 1, bind_type = SQL_BIND_BY_COLUMN;
  /// SQL_ATTR_ROWS_FETCHED_PTR: an SQLULEN the application may not have
  /// aligned (R's RODBC hands the address of a 32-bit field), so written by
  /// memcpy.
  void* rows_fetched = nullptr;
  SQLUSMALLINT* row_status = nullptr;
  SQLLEN* bind_offset = nullptr;
  std::atomic<bool> cancelled{false};
  /// SQL_ATTR_QUERY_TIMEOUT: each execute or fetch call ends by then.
  std::chrono::steady_clock::time_point deadline{};
  bool timed_out = false;
  /// A procedure call ({call …}, EXEC): st is its one output row, bound from
  /// the procedure's answer at each execute; the application's parameters
  /// go to call_args, the call's arguments as one SQLite row.
  std::optional<ProcedureCall> call;
  sqlite3_stmt* call_args = nullptr;

  void Close() {
    if (st) sqlite3_reset(st);
    if (call_args) sqlite3_reset(call_args);
    open = row_ready = on_row = done = false;
    getdata_column = -1;
  }
  void Reset() {
    if (st) sqlite3_finalize(st);
    st = nullptr;
    if (call_args) sqlite3_finalize(call_args);
    call_args = nullptr;
    call.reset();
    prepared = false;
    Close();
    columns.clear();
  }
};

template <class T>
T* As(SQLHANDLE h, SQLSMALLINT kind) {
  auto* p = static_cast<Handle*>(h);
  return p && p->kind == kind ? static_cast<T*>(p) : nullptr;
}

// What an entry point may throw (a bug, std::bad_alloc): an error, never a
// crash of the application.
template <class F>
SQLRETURN Guard(Handle* h, F f) {
  if (!h) return SQL_INVALID_HANDLE;
  try {
    return f();
  } catch (const std::exception& e) {
    return h->Error("HY000", std::string("jirasql: internal error: ") + e.what());
  }
}

// ---- strings in and out ------------------------------------------------------

std::string In(const SQLCHAR* s, SQLINTEGER n) {
  if (!s) return "";
  if (n == SQL_NTS) return reinterpret_cast<const char*>(s);
  return std::string(reinterpret_cast<const char*>(s), n < 0 ? 0 : static_cast<std::size_t>(n));
}

std::string In(const SQLWCHAR* s, SQLINTEGER n) {
  if (!s) return "";
  std::size_t len = 0;
  if (n == SQL_NTS) {
    while (s[len]) ++len;
  } else {
    len = n < 0 ? 0 : static_cast<std::size_t>(n);
  }
  return Utf8(reinterpret_cast<const char16_t*>(s), len);
}

// Writes `s` into an application's buffer of `cap` bytes (ANSI) or
// characters/bytes (wide, `cap_in_bytes`): NUL-terminated, cut with 01004
// when it does not fit; `*len` the whole length in the same unit.
template <class Len>
SQLRETURN Out(Handle* h, const std::string& s, SQLCHAR* buf, SQLLEN cap, Len* len) {
  if (len) *len = static_cast<Len>(s.size());
  if (!buf || cap <= 0)
    return s.empty() ? SQL_SUCCESS : (h->Warn("01004", "string data, right truncated"), SQL_SUCCESS_WITH_INFO);
  const std::size_t n = std::min(s.size(), static_cast<std::size_t>(cap - 1));
  std::memcpy(buf, s.data(), n);
  buf[n] = 0;
  if (n < s.size()) {
    h->Warn("01004", "string data, right truncated");
    return SQL_SUCCESS_WITH_INFO;
  }
  return SQL_SUCCESS;
}

template <class Len>
SQLRETURN OutW(Handle* h, const std::string& s, SQLWCHAR* buf, SQLLEN cap, Len* len, bool cap_in_bytes) {
  const std::u16string w = Utf16(s);
  const SQLLEN chars = cap_in_bytes ? cap / 2 : cap;
  if (len) *len = static_cast<Len>(cap_in_bytes ? w.size() * 2 : w.size());
  if (!buf || chars <= 0)
    return w.empty() ? SQL_SUCCESS : (h->Warn("01004", "string data, right truncated"), SQL_SUCCESS_WITH_INFO);
  const std::size_t n = std::min(w.size(), static_cast<std::size_t>(chars - 1));
  std::memcpy(buf, w.data(), n * 2);
  buf[n] = 0;
  if (n < w.size()) {
    h->Warn("01004", "string data, right truncated");
    return SQL_SUCCESS_WITH_INFO;
  }
  return SQL_SUCCESS;
}

SQLRETURN Worst(SQLRETURN a, SQLRETURN b) {
  if (a == SQL_ERROR || b == SQL_ERROR) return SQL_ERROR;
  if (a == SQL_SUCCESS_WITH_INFO || b == SQL_SUCCESS_WITH_INFO) return SQL_SUCCESS_WITH_INFO;
  return SQL_SUCCESS;
}

// ---- diagnostics ------------------------------------------------------------

// The SQLSTATE of a jirasql error.
std::string StateOf(const Error& e) {
  const std::string& m = e.message;
  if (m.find("no such table") != std::string::npos) return "42S02";
  if (m.find("no such column") != std::string::npos) return "42S22";
  if (m.find("syntax error") != std::string::npos || m.find("incomplete input") != std::string::npos) return "42000";
  if (m.find("interrupted") != std::string::npos) return "HY008";
  switch (e.code) {
    case ErrorCode::kConnectFailed:
      return "08001";
    case ErrorCode::kUnauthenticated:
      return "28000";
    case ErrorCode::kPermissionDenied:
      return "42000";
    case ErrorCode::kTimeout:
      return "HYT00";
    case ErrorCode::kCancelled:
      return "HY008";
    case ErrorCode::kTransport:
      return "08S01";
    default:
      return "HY000";
  }
}

SQLRETURN Fail(Handle* h, const Error& e) { return h->Error(StateOf(e), "jirasql: " + e.message); }

// ---- connecting -------------------------------------------------------------

// The keys of one DSN in odbc.ini (user's, then system's), through
// unixODBC's odbcinst.
std::optional<std::vector<OdbcPair>> ReadDsn(const std::string& dsn) {
  std::vector<char> keys(8192);
  const int n =
      SQLGetPrivateProfileString(dsn.c_str(), nullptr, "", keys.data(), static_cast<int>(keys.size()), "odbc.ini");
  if (n <= 0) return std::nullopt;
  std::vector<OdbcPair> out;
  for (const char* k = keys.data(); *k && k < keys.data() + n; k += std::strlen(k) + 1) {
    std::vector<char> value(4096);
    SQLGetPrivateProfileString(dsn.c_str(), k, "", value.data(), static_cast<int>(value.size()), "odbc.ini");
    out.push_back({k, value.data()});
  }
  return out;
}

SQLRETURN Connect(Dbc* c, const std::string& odbc, std::string* completed) {
  if (c->engine) return c->Error("08002", "jirasql: this connection is open already; SQLDisconnect first");
  auto text = JirasqlConnectionString(odbc, ReadDsn);
  if (!text) return c->Error("HY000", "jirasql: " + text.error().message);
  ConnectionSources sources;
  sources.connect = *text;
  sources.connect_label = "the ODBC connection string";
  sources.config_home = ConfigHome();
  auto props = ResolveConnection(sources);
  if (!props) return c->Error("HY000", "jirasql: " + props.error().message);
  auto prepared = PrepareConnection(*props);
  if (!prepared) return Fail(c, prepared.error());
  ConnectOptions options;
  options.interactive = true;  // only an explicit InitiateOAuth=GETANDREFRESH opens a browser
  options.abort = c->abort;
  auto session = std::make_shared<Session>(prepared->props, prepared->logger, options);
  Dbc* self = c;
  session->notice = [self](const std::string& text) { self->notices.push_back(text); };
  auto engine = SqlEngine::Open(session);
  if (!engine) return Fail(c, engine.error());
  // A web application runs the OAuth flow itself: with InitiateOAuth=OFF and
  // no token yet, the connection opens for the OAuth procedures alone.
  const auto& p = prepared->props;
  if (p.Get("AuthScheme") == "OAuth" && p.Get("InitiateOAuth") == "OFF" && p.Get("OAuthAccessToken").empty()) {
    c->engine = std::move(*engine);
    if (completed) *completed = odbc;
    c->Warn("01000",
            "jirasql: connected without an OAuth login (InitiateOAuth=OFF and no OAuthAccessToken): only the "
            "OAuth procedures run — {call GetOAuthAuthorizationURL(…)}, then {call GetOAuthAccessToken('WEB', "
            "code, …)} — until you connect with the OAuthAccessToken and CloudId they return, or with "
            "InitiateOAuth=GETANDREFRESH");
    return SQL_SUCCESS_WITH_INFO;
  }
  // Connecting is a real connection: Jira's answer to /myself says whether
  // the URL and the credentials work, rather than the first query.
  auto conn = session->Conn();
  if (!conn) return Fail(c, conn.error());
  if (auto me = session->jira().MyselfObject(); !me) return Fail(c, me.error());
  c->engine = std::move(*engine);
  if (completed) *completed = odbc;
  return SQL_SUCCESS;
}

// ---- statements ---------------------------------------------------------------

// The columns of the prepared statement: a table's column by its schema,
// an expression by its first value when there is one.
void Describe(Stmt* s) {
  s->columns.clear();
  const int n = sqlite3_column_count(s->st);
  Session& session = s->dbc->engine->session();
  for (int i = 0; i < n; ++i) {
    Column col;
    col.name = sqlite3_column_name(s->st, i);
    const char* table = sqlite3_column_table_name(s->st, i);
    const char* origin = sqlite3_column_origin_name(s->st, i);
    if (table && origin) {
      auto def = session.Table(table);
      if (def && *def) {
        for (const auto& c : (*def)->columns) {
          if (c.name == origin) {
            col.type = TypeOfColumn(c.type, c.long_text, c.name);
            col.table = table;
            col.base_column = origin;
            col.from_table = true;
            break;
          }
        }
      }
    }
    if (!col.from_table) {
      const char* decl = sqlite3_column_decltype(s->st, i);
      if (s->row_ready)
        col.type = TypeOfValue(sqlite3_column_type(s->st, i));
      else if (decl && std::strcmp(decl, "INTEGER") == 0)
        col.type = TypeOfValue(SQLITE_INTEGER);
      else if (decl && std::strcmp(decl, "REAL") == 0)
        col.type = TypeOfValue(SQLITE_FLOAT);
      else
        col.type = TypeOfValue(SQLITE_TEXT);
    }
    s->columns.push_back(std::move(col));
  }
}

SQLRETURN StepError(Stmt* s) {
  Error e = s->dbc->engine->StepError(s->sql);
  // The scan ends here, its page requests stopped if the signal fired.
  sqlite3_reset(s->st);
  s->dbc->abort->Arm(0);
  if (s->cancelled.exchange(false)) return s->Error("HY008", "jirasql: the statement was cancelled (SQLCancel)");
  if (s->timed_out) {
    return s->Error("HYT00", "jirasql: the statement ran longer than SQL_ATTR_QUERY_TIMEOUT (" +
                                 std::to_string(s->query_timeout) + " s) and was stopped; the result is not whole");
  }
  return Fail(s, e);
}

// SQLite asks every few hundred instructions whether to go on: not after a
// SQLCancel, nor past the query timeout. (A page request under way is cut
// short by the connection's AbortSignal, which StepOnce arms.)
int KeepGoing(void* p) {
  auto* s = static_cast<Stmt*>(p);
  if (s->cancelled) return 1;
  if (s->deadline != std::chrono::steady_clock::time_point{} && std::chrono::steady_clock::now() > s->deadline) {
    s->timed_out = true;
    return 1;
  }
  return 0;
}

// One sqlite3_step under the statement's timeout and cancel.
int StepOnce(Stmt* s) {
  sqlite3* db = s->dbc->engine->db();
  s->timed_out = false;
  s->deadline = s->query_timeout
                    ? std::chrono::steady_clock::now() + std::chrono::seconds(static_cast<int64_t>(s->query_timeout))
                    : std::chrono::steady_clock::time_point{};
  // The page requests under way stop too (reads only), at the same deadline.
  const int64_t deadline_ms =
      s->query_timeout ? AbortSignal::NowMs() + static_cast<int64_t>(s->query_timeout) * 1000 : 0;
  s->dbc->abort->Arm(deadline_ms);
  s->dbc->running = s;
  if (s->cancelled) s->dbc->abort->cancelled = true;  // a SQLCancel that came before `running` was set
  sqlite3_progress_handler(db, 200, KeepGoing, s);
  const int rc = sqlite3_step(s->st);
  sqlite3_progress_handler(db, 0, nullptr, nullptr);
  s->dbc->running = nullptr;
  if (deadline_ms && AbortSignal::NowMs() > deadline_ms) s->timed_out = true;
  // Pages read ahead between two fetch calls are no one's to stop; after a
  // failure the signal stays fired until StepError has closed the scan.
  if (rc == SQLITE_ROW || rc == SQLITE_DONE) s->dbc->abort->Arm(0);
  return rc;
}

SQLRETURN Notices(Stmt* s, SQLRETURN rc) {
  for (auto& n : s->dbc->notices) s->Warn("01000", "jirasql: " + n);
  if (!s->dbc->notices.empty() && rc == SQL_SUCCESS) rc = SQL_SUCCESS_WITH_INFO;
  s->dbc->notices.clear();
  return rc;
}

// The statement the application's parameters go to: the statement itself,
// or a procedure call's arguments.
sqlite3_stmt* ParamStmt(Stmt* s) { return s->call ? s->call_args : s->st; }

SQLRETURN BindParams(Stmt* s) {
  sqlite3_stmt* const target = ParamStmt(s);
  const int n = target ? sqlite3_bind_parameter_count(target) : 0;
  for (int i = 1; i <= n; ++i) {
    auto it = s->params.find(static_cast<SQLUSMALLINT>(i));
    if (it == s->params.end()) {
      return s->Error("07002", "jirasql: parameter " + std::to_string(i) + " of " + std::to_string(n) +
                                   " has no value; bind it with SQLBindParameter");
    }
    const Param& p = it->second;
    const SQLLEN ind = p.indicator ? *p.indicator : SQL_NTS;
    // SQL_C_DEFAULT: the C type ODBC pairs with the parameter's SQL type.
    const SQLSMALLINT ctype = p.ctype == SQL_C_DEFAULT ? DefaultCType(p.sql_type) : p.ctype;
    int rc = SQLITE_OK;
    if (ind == SQL_NULL_DATA || !p.value) {
      rc = sqlite3_bind_null(target, i);
    } else if (ind == SQL_DATA_AT_EXEC || ind <= SQL_LEN_DATA_AT_EXEC_OFFSET) {
      return s->Error("HYC00",
                      "jirasql: parameters sent at execution (SQL_DATA_AT_EXEC) are not supported; bind "
                      "the value itself");
    } else {
      switch (ctype) {
        case SQL_C_CHAR: {
          const char* v = static_cast<const char*>(p.value);
          const std::size_t len = ind == SQL_NTS ? std::strlen(v) : static_cast<std::size_t>(ind);
          rc = sqlite3_bind_text(target, i, v, static_cast<int>(len), SQLITE_TRANSIENT);
          break;
        }
        case SQL_C_WCHAR: {
          const auto* v = static_cast<const SQLWCHAR*>(p.value);
          const std::string u = In(v, ind == SQL_NTS ? SQL_NTS : static_cast<SQLINTEGER>(ind / 2));
          rc = sqlite3_bind_text(target, i, u.data(), static_cast<int>(u.size()), SQLITE_TRANSIENT);
          break;
        }
        case SQL_C_SBIGINT:
          rc = sqlite3_bind_int64(target, i, *static_cast<const int64_t*>(p.value));
          break;
        case SQL_C_UBIGINT:
          rc = sqlite3_bind_int64(target, i, static_cast<int64_t>(*static_cast<const uint64_t*>(p.value)));
          break;
        case SQL_C_SLONG:
        case SQL_C_LONG:
          rc = sqlite3_bind_int64(target, i, *static_cast<const int32_t*>(p.value));
          break;
        case SQL_C_ULONG:
          rc = sqlite3_bind_int64(target, i, *static_cast<const uint32_t*>(p.value));
          break;
        case SQL_C_SSHORT:
        case SQL_C_SHORT:
          rc = sqlite3_bind_int64(target, i, *static_cast<const int16_t*>(p.value));
          break;
        case SQL_C_USHORT:
          rc = sqlite3_bind_int64(target, i, *static_cast<const uint16_t*>(p.value));
          break;
        case SQL_C_STINYINT:
        case SQL_C_TINYINT:
          rc = sqlite3_bind_int64(target, i, *static_cast<const int8_t*>(p.value));
          break;
        case SQL_C_UTINYINT:
        case SQL_C_BIT:
          rc = sqlite3_bind_int64(target, i, *static_cast<const uint8_t*>(p.value));
          break;
        case SQL_C_DOUBLE:
          rc = sqlite3_bind_double(target, i, *static_cast<const double*>(p.value));
          break;
        case SQL_C_FLOAT:
          rc = sqlite3_bind_double(target, i, *static_cast<const float*>(p.value));
          break;
        case SQL_C_TYPE_DATE:
        case SQL_C_DATE: {
          const auto* d = static_cast<const SQL_DATE_STRUCT*>(p.value);
          char buf[64];
          std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", d->year, d->month, d->day);
          rc = sqlite3_bind_text(target, i, buf, -1, SQLITE_TRANSIENT);
          break;
        }
        case SQL_C_TYPE_TIMESTAMP:
        case SQL_C_TIMESTAMP: {
          // jirasql's timestamps are UTC text, "yyyy-mm-ddThh:mm:ss.fffZ": a
          // timestamp parameter compares with them as the same text.
          const auto* t = static_cast<const SQL_TIMESTAMP_STRUCT*>(p.value);
          char buf[96];
          std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02u:%02u:%02u.%03uZ", t->year, t->month, t->day, t->hour,
                        t->minute, t->second, static_cast<unsigned>(t->fraction / 1000000));
          rc = sqlite3_bind_text(target, i, buf, -1, SQLITE_TRANSIENT);
          break;
        }
        case SQL_C_BINARY: {
          const std::size_t len = ind == SQL_NTS ? 0 : static_cast<std::size_t>(ind);
          rc = sqlite3_bind_blob(target, i, p.value, static_cast<int>(len), SQLITE_TRANSIENT);
          break;
        }
        default:
          return s->Error("HYC00", "jirasql: parameter " + std::to_string(i) + " has a C type (" +
                                       std::to_string(ctype) + ") this driver cannot send");
      }
    }
    if (rc != SQLITE_OK) {
      return s->Error("HY000", std::string("jirasql: binding parameter ") + std::to_string(i) + ": " +
                                   sqlite3_errmsg(s->dbc->engine->db()));
    }
  }
  return SQL_SUCCESS;
}

SQLRETURN PrepareStmt(Stmt* s, const std::string& odbc_sql) {
  if (!s->dbc->engine) return s->Error("08003", "jirasql: the connection is not open");
  s->Reset();
  auto sql = s->noscan ? Result<std::string>(odbc_sql) : RewriteEscapes(odbc_sql);
  if (!sql) return s->Error("42000", "jirasql: " + sql.error().message);
  // One statement a call: SQLite would prepare the first and leave the rest
  // unrun, and nothing would say so.
  const std::size_t statements = SplitStatements(*sql).size();
  if (statements != 1) {
    return s->Error("42000", statements == 0 ? std::string("jirasql: no SQL statement given")
                                             : "jirasql: " + std::to_string(statements) +
                                                   " statements in one call; the driver runs one statement a "
                                                   "call: send each with its own SQLExecDirect");
  }
  s->sql = *sql;
  auto call = ParseProcedureCall(*sql);
  if (!call) return s->Error("42000", "jirasql: " + call.error().message);
  std::string text = *sql;
  if (*call) {
    if (!(*call)->arguments.empty()) {
      auto args = s->dbc->engine->Prepare((*call)->arguments);
      if (!args) return Fail(s, args.error());
      s->call_args = *args;
    }
    // The row the call answers: one parameter per output, bound at execute.
    text = "SELECT ";
    for (std::size_t i = 0; i < (*call)->outputs.size(); ++i) {
      text += (i ? ", ? AS \"" : "? AS \"") + (*call)->outputs[i] + "\"";
    }
    s->call = std::move(**call);
  }
  auto st = s->dbc->engine->Prepare(text);
  if (!st) return Fail(s, st.error());
  s->st = *st;
  s->prepared = true;
  Describe(s);
  return SQL_SUCCESS;
}

// Runs a prepared procedure call once: its arguments evaluated with the
// application's parameters bound, the procedure run, its answer bound to
// the output row.
SQLRETURN RunCall(Stmt* s) {
  std::map<std::string, std::string> inputs;
  if (s->call_args) {
    const int rc = sqlite3_step(s->call_args);
    if (rc != SQLITE_ROW) {
      Error e = s->dbc->engine->StepError(s->call->arguments);
      sqlite3_reset(s->call_args);
      return Fail(s, e);
    }
    for (int i = 0; i < sqlite3_column_count(s->call_args); ++i) {
      if (sqlite3_column_type(s->call_args, i) == SQLITE_NULL) continue;  // NULL: not given
      const auto* v = reinterpret_cast<const char*>(sqlite3_column_text(s->call_args, i));
      inputs[s->call->inputs[static_cast<std::size_t>(i)]] =
          std::string(v ? v : "", static_cast<std::size_t>(sqlite3_column_bytes(s->call_args, i)));
    }
    sqlite3_reset(s->call_args);
  }
  auto row = s->dbc->engine->session().Procedure(s->call->procedure, inputs);
  if (!row) return Fail(s, row.error());
  for (std::size_t i = 0; i < s->call->outputs.size(); ++i) {
    for (const auto& [name, value] : *row) {
      if (name != s->call->outputs[i]) continue;
      sqlite3_bind_text(s->st, static_cast<int>(i + 1), value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
    }
  }
  return SQL_SUCCESS;
}

SQLRETURN Execute(Stmt* s) {
  if (!s->prepared || !s->st) return s->Error("HY010", "jirasql: no statement prepared; call SQLPrepare first");
  s->Close();
  sqlite3_clear_bindings(s->st);
  if (s->call_args) sqlite3_clear_bindings(s->call_args);
  if (SQLRETURN rc = BindParams(s); rc != SQL_SUCCESS) return rc;
  s->cancelled = false;
  s->dbc->notices.clear();
  if (s->call) {
    if (SQLRETURN rc = RunCall(s); rc != SQL_SUCCESS) return Notices(s, rc);
  }
  sqlite3* db = s->dbc->engine->db();
  const int64_t changes_before = sqlite3_total_changes64(db);
  s->fetched = 0;
  const int rc = StepOnce(s);
  if (rc == SQLITE_ROW) {
    s->row_ready = true;
  } else if (rc != SQLITE_DONE) {
    SQLRETURN r = StepError(s);
    sqlite3_reset(s->st);
    return Notices(s, r);
  }
  s->done = rc == SQLITE_DONE;
  s->open = sqlite3_column_count(s->st) > 0;
  s->row_count = s->open ? -1 : static_cast<SQLLEN>(sqlite3_total_changes64(db) - changes_before);
  Describe(s);  // an expression's type from its first value
  return Notices(s, SQL_SUCCESS);
}

SQLRETURN PrepareAndRun(Stmt* s, const std::string& sql) {
  SQLRETURN rc = PrepareStmt(s, sql);
  return SQL_SUCCEEDED(rc) ? Worst(rc, Execute(s)) : rc;
}

// Moves to the next row; SQL_NO_DATA at the end.
SQLRETURN Step(Stmt* s) {
  s->on_row = false;
  s->getdata_column = -1;
  if (!s->open) return s->Error("24000", "jirasql: no result set is open (the statement returned no rows)");
  if (s->max_rows && s->fetched >= s->max_rows) return SQL_NO_DATA;
  if (s->row_ready) {
    s->row_ready = false;
  } else {
    if (s->done) return SQL_NO_DATA;
    const int rc = StepOnce(s);
    if (rc == SQLITE_DONE) {
      s->done = true;
      return Notices(s, SQL_NO_DATA);
    }
    if (rc != SQLITE_ROW) {
      s->done = true;
      return Notices(s, StepError(s));
    }
  }
  ++s->fetched;
  s->on_row = true;
  return SQL_SUCCESS;
}

Cell CellOf(sqlite3_stmt* st, int i) {
  Cell c;
  c.type = sqlite3_column_type(st, i);
  switch (c.type) {
    case SQLITE_INTEGER:
      c.i = sqlite3_column_int64(st, i);
      break;
    case SQLITE_FLOAT:
      c.d = sqlite3_column_double(st, i);
      break;
    case SQLITE_TEXT: {
      const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
      c.text = std::string_view(t ? t : "", static_cast<std::size_t>(sqlite3_column_bytes(st, i)));
      break;
    }
    case SQLITE_BLOB: {
      const auto* b = static_cast<const char*>(sqlite3_column_blob(st, i));
      c.text = std::string_view(b ? b : "", static_cast<std::size_t>(sqlite3_column_bytes(st, i)));
      break;
    }
    default:
      break;
  }
  return c;
}

// One value into the application's buffer, with ODBC's diagnostics.
SQLRETURN Deliver(Stmt* s, int col, SQLSMALLINT ctype, SQLPOINTER target, SQLLEN capacity, SQLLEN* ind,
                  std::size_t* offset) {
  const Column& c = s->columns[static_cast<std::size_t>(col)];
  const Outcome o = Convert(CellOf(s->st, col), c.type.sql_type, ctype, target, capacity, ind, offset);
  if (o == Outcome::kOk || o == Outcome::kNull) return SQL_SUCCESS;  // every value of a fetch: nothing more
  const std::string where = " (column " + std::to_string(col + 1) + ", " + c.name + ")";
  switch (o) {
    case Outcome::kOk:
    case Outcome::kNull:
      return SQL_SUCCESS;
    case Outcome::kTruncated:
      s->Warn("01004", "jirasql: string data, right truncated" + where + "; read the rest with SQLGetData");
      return SQL_SUCCESS_WITH_INFO;
    case Outcome::kFractionLost:
      s->Warn("01S07", "jirasql: fractional truncation" + where);
      return SQL_SUCCESS_WITH_INFO;
    case Outcome::kNoMoreData:
      return SQL_NO_DATA;
    case Outcome::kOutOfRange:
      return s->Error("22003", "jirasql: numeric value out of range for the C type asked" + where);
    case Outcome::kNotANumber:
      return s->Error("22018", "jirasql: the value cannot be converted to the C type asked" + where);
    case Outcome::kNeedIndicator:
      return s->Error("22002", "jirasql: the value is NULL and no indicator was bound to say so" + where);
    case Outcome::kUnsupportedType:
      return s->Error("HYC00", "jirasql: C type " + std::to_string(ctype) + " is not supported" + where);
  }
  return SQL_ERROR;
}

SQLLEN ElementSize(SQLSMALLINT ctype, SQLLEN capacity) {
  switch (ctype) {
    case SQL_C_SBIGINT:
    case SQL_C_UBIGINT:
    case SQL_C_DOUBLE:
      return 8;
    case SQL_C_SLONG:
    case SQL_C_LONG:
    case SQL_C_ULONG:
    case SQL_C_FLOAT:
      return 4;
    case SQL_C_SSHORT:
    case SQL_C_SHORT:
    case SQL_C_USHORT:
      return 2;
    case SQL_C_STINYINT:
    case SQL_C_TINYINT:
    case SQL_C_UTINYINT:
    case SQL_C_BIT:
      return 1;
    case SQL_C_TYPE_TIMESTAMP:
    case SQL_C_TIMESTAMP:
      return sizeof(SQL_TIMESTAMP_STRUCT);
    case SQL_C_TYPE_DATE:
    case SQL_C_DATE:
      return sizeof(SQL_DATE_STRUCT);
    case SQL_C_TYPE_TIME:
    case SQL_C_TIME:
      return sizeof(SQL_TIME_STRUCT);
    default:
      return capacity;
  }
}

// SQLFetch: up to the row array size rows into the bound columns.
SQLRETURN Fetch(Stmt* s) {
  SQLRETURN result = SQL_SUCCESS;
  SQLULEN got = 0;
  SQLLEN shift = 0;
  if (s->bind_offset) std::memcpy(&shift, s->bind_offset, sizeof shift);
  for (SQLULEN r = 0; r < s->row_array_size; ++r) {
    SQLRETURN rc = Step(s);
    if (rc == SQL_NO_DATA) break;
    if (rc == SQL_ERROR) {
      if (got == 0) return rc;
      result = SQL_SUCCESS_WITH_INFO;
      break;
    }
    SQLRETURN row_rc = rc;
    for (const auto& [number, b] : s->bound) {
      if (number == 0 || number > s->columns.size()) continue;
      const SQLLEN size = ElementSize(
          b.ctype == SQL_C_DEFAULT ? DefaultCType(s->columns[number - 1].type.sql_type) : b.ctype, b.capacity);
      const SQLLEN step = s->bind_type == SQL_BIND_BY_COLUMN ? size : static_cast<SQLLEN>(s->bind_type);
      auto* target = b.target ? static_cast<char*>(b.target) + shift + static_cast<SQLLEN>(r) * step : nullptr;
      SQLLEN* ind = nullptr;
      if (b.indicator) {
        const SQLLEN ind_step = s->bind_type == SQL_BIND_BY_COLUMN ? static_cast<SQLLEN>(sizeof(SQLLEN))
                                                                   : static_cast<SQLLEN>(s->bind_type);
        ind =
            reinterpret_cast<SQLLEN*>(reinterpret_cast<char*>(b.indicator) + shift + static_cast<SQLLEN>(r) * ind_step);
      }
      std::size_t offset = 0;
      row_rc = Worst(row_rc, Deliver(s, number - 1, b.ctype, target, b.capacity, ind, &offset));
    }
    if (s->row_status)
      s->row_status[r] = row_rc == SQL_SUCCESS ? SQL_ROW_SUCCESS
                         : row_rc == SQL_ERROR ? SQL_ROW_ERROR
                                               : SQL_ROW_SUCCESS_WITH_INFO;
    result = Worst(result, row_rc == SQL_ERROR && s->row_array_size > 1 ? SQL_SUCCESS_WITH_INFO : row_rc);
    ++got;
    if (row_rc == SQL_ERROR && s->row_array_size == 1) return SQL_ERROR;
  }
  if (s->rows_fetched) std::memcpy(s->rows_fetched, &got, sizeof got);
  if (s->row_status) {
    for (SQLULEN r = got; r < s->row_array_size; ++r) s->row_status[r] = SQL_ROW_NOROW;
  }
  if (got == 0) return SQL_NO_DATA;
  // With several rows, SQLGetData reads the last one fetched.
  return result;
}

SQLRETURN GetData(Stmt* s, SQLUSMALLINT col, SQLSMALLINT ctype, SQLPOINTER target, SQLLEN capacity, SQLLEN* ind) {
  if (!s->on_row) return s->Error("24000", "jirasql: no row fetched; call SQLFetch first");
  if (col == 0 || col > s->columns.size()) {
    return s->Error("07009", "jirasql: there is no column " + std::to_string(col) + " (the result has " +
                                 std::to_string(s->columns.size()) + ")");
  }
  const int i = col - 1;
  if (s->getdata_column != i) {
    s->getdata_column = i;
    s->getdata_offset = 0;
  }
  return Deliver(s, i, ctype, target, capacity, ind, &s->getdata_offset);
}

// ---- SQLGetInfo --------------------------------------------------------------

struct Info {
  enum Kind { kText, kU16, kU32 } kind;
  std::string text;
  SQLUINTEGER number = 0;
};

std::optional<Info> InfoOf(Dbc* c, SQLUSMALLINT type) {
  auto text = [](std::string t) { return Info{Info::kText, std::move(t), 0}; };
  auto u16 = [](SQLUINTEGER n) { return Info{Info::kU16, "", n}; };
  auto u32 = [](SQLUINTEGER n) { return Info{Info::kU32, "", n}; };
  switch (type) {
    case SQL_DRIVER_NAME:
      return text("libjirasqlodbc.so");
    case SQL_DRIVER_VER: {
      char buf[16];
      int a = 0, b = 0, d = 0;
      std::sscanf(kVersion, "%d.%d.%d", &a, &b, &d);
      std::snprintf(buf, sizeof buf, "%02d.%02d.%04d", a, b, d);
      return text(buf);
    }
    case SQL_DRIVER_ODBC_VER:
      return text("03.51");
    case SQL_ODBC_VER:
      return text("03.51.0000");
    case SQL_DBMS_NAME:
      return text("jirasql");
    case SQL_DBMS_VER:
      return text(std::string(kVersion) + " (SQLite " + sqlite3_libversion() + ")");
    case SQL_DATA_SOURCE_NAME:
      return text(c->dsn);
    case SQL_SERVER_NAME:
      return text(c->engine ? c->engine->session().props().Get("Url") : "");
    case SQL_DATABASE_NAME:
      return text("main");
    case SQL_USER_NAME:
      return text(c->engine ? c->engine->session().props().Get("User") : "");
    case SQL_IDENTIFIER_QUOTE_CHAR:
      return text("\"");
    case SQL_CATALOG_NAME_SEPARATOR:
      return text(".");
    case SQL_CATALOG_TERM:
    case SQL_SCHEMA_TERM:
      return text("");
    case SQL_TABLE_TERM:
      return text("table");
    case SQL_PROCEDURE_TERM:
      return text("procedure");
    case SQL_SEARCH_PATTERN_ESCAPE:
      return text("\\");
    case SQL_SPECIAL_CHARACTERS:
    case SQL_KEYWORDS:
      return text("");
    case SQL_DATA_SOURCE_READ_ONLY:
      return text("N");
    case SQL_ACCESSIBLE_TABLES:
    case SQL_ACCESSIBLE_PROCEDURES:
    case SQL_PROCEDURES:
    case SQL_COLUMN_ALIAS:
    case SQL_DESCRIBE_PARAMETER:
    case SQL_EXPRESSIONS_IN_ORDERBY:
    case SQL_LIKE_ESCAPE_CLAUSE:
      return text("Y");
    case SQL_MULT_RESULT_SETS:
    case SQL_MULTIPLE_ACTIVE_TXN:
    case SQL_NEED_LONG_DATA_LEN:
    case SQL_ORDER_BY_COLUMNS_IN_SELECT:
    case SQL_ROW_UPDATES:
    case SQL_INTEGRITY:
    case SQL_MAX_ROW_SIZE_INCLUDES_LONG:
      return text("N");
    case SQL_MAX_CONCURRENT_ACTIVITIES:
    case SQL_MAX_DRIVER_CONNECTIONS:
    case SQL_MAX_SCHEMA_NAME_LEN:
    case SQL_MAX_CATALOG_NAME_LEN:
    case SQL_MAX_PROCEDURE_NAME_LEN:
    case SQL_MAX_COLUMNS_IN_GROUP_BY:
    case SQL_MAX_COLUMNS_IN_ORDER_BY:
    case SQL_MAX_COLUMNS_IN_SELECT:
    case SQL_MAX_TABLES_IN_SELECT:
    case SQL_MAX_USER_NAME_LEN:
      return u16(0);
    case SQL_MAX_COLUMN_NAME_LEN:
    case SQL_MAX_TABLE_NAME_LEN:
    case SQL_MAX_IDENTIFIER_LEN:
    case SQL_MAX_CURSOR_NAME_LEN:
      return u16(128);
    case SQL_TXN_CAPABLE:
      return u16(SQL_TC_NONE);
    case SQL_CURSOR_COMMIT_BEHAVIOR:
    case SQL_CURSOR_ROLLBACK_BEHAVIOR:
      return u16(SQL_CB_PRESERVE);
    case SQL_IDENTIFIER_CASE:
      return u16(SQL_IC_MIXED);
    case SQL_QUOTED_IDENTIFIER_CASE:
      return u16(SQL_IC_MIXED);
    case SQL_NULL_COLLATION:
      return u16(SQL_NC_LOW);
    case SQL_NON_NULLABLE_COLUMNS:
      return u16(SQL_NNC_NULL);
    case SQL_CORRELATION_NAME:
      return u16(SQL_CN_ANY);
    case SQL_GROUP_BY:
      return u16(SQL_GB_NO_RELATION);
    case SQL_CONCAT_NULL_BEHAVIOR:
      return u16(SQL_CB_NULL);
    case SQL_FILE_USAGE:
      return u16(SQL_FILE_NOT_SUPPORTED);
    case SQL_TXN_ISOLATION_OPTION:
    case SQL_DEFAULT_TXN_ISOLATION:
    case SQL_MAX_ROW_SIZE:
    case SQL_MAX_STATEMENT_LEN:
    case SQL_MAX_BINARY_LITERAL_LEN:
    case SQL_MAX_CHAR_LITERAL_LEN:
    case SQL_MAX_INDEX_SIZE:
    case SQL_BATCH_SUPPORT:
    case SQL_BATCH_ROW_COUNT:
    case SQL_DYNAMIC_CURSOR_ATTRIBUTES1:
    case SQL_DYNAMIC_CURSOR_ATTRIBUTES2:
    case SQL_KEYSET_CURSOR_ATTRIBUTES1:
    case SQL_KEYSET_CURSOR_ATTRIBUTES2:
    case SQL_STATIC_CURSOR_ATTRIBUTES1:
    case SQL_STATIC_CURSOR_ATTRIBUTES2:
    case SQL_SCHEMA_USAGE:
    case SQL_CATALOG_USAGE:
    case SQL_POS_OPERATIONS:
    case SQL_BOOKMARK_PERSISTENCE:
    case SQL_LOCK_TYPES:
    case SQL_STATIC_SENSITIVITY:
    case SQL_DATETIME_LITERALS:
    case SQL_ASYNC_MODE:
    case SQL_MAX_ASYNC_CONCURRENT_STATEMENTS:
    case SQL_PARAM_ARRAY_SELECTS:
    case SQL_PARAM_ARRAY_ROW_COUNTS:
    case SQL_ALTER_TABLE:
    case SQL_CREATE_TABLE:
    case SQL_DROP_TABLE:
    case SQL_CREATE_VIEW:
    case SQL_DROP_VIEW:
    case SQL_INDEX_KEYWORDS:
    case SQL_SQL92_FOREIGN_KEY_DELETE_RULE:
    case SQL_SQL92_FOREIGN_KEY_UPDATE_RULE:
    case SQL_SQL92_GRANT:
    case SQL_SQL92_REVOKE:
    case SQL_SQL92_NUMERIC_VALUE_FUNCTIONS:
    case SQL_SQL92_DATETIME_FUNCTIONS:
    case SQL_SQL92_VALUE_EXPRESSIONS:
    case SQL_SCROLL_CONCURRENCY:
      return u32(0);
    case SQL_FORWARD_ONLY_CURSOR_ATTRIBUTES1:
      return u32(SQL_CA1_NEXT);
    case SQL_FORWARD_ONLY_CURSOR_ATTRIBUTES2:
      return u32(SQL_CA2_READ_ONLY_CONCURRENCY | SQL_CA2_MAX_ROWS_SELECT);
    case SQL_SCROLL_OPTIONS:
      return u32(SQL_SO_FORWARD_ONLY);
    case SQL_GETDATA_EXTENSIONS:
      return u32(SQL_GD_ANY_COLUMN | SQL_GD_ANY_ORDER | SQL_GD_BOUND);
    case SQL_ODBC_INTERFACE_CONFORMANCE:
      return u32(SQL_OIC_CORE);
    case SQL_SQL_CONFORMANCE:
      return u32(SQL_SC_SQL92_ENTRY);
    case SQL_OJ_CAPABILITIES:
      return u32(SQL_OJ_LEFT | SQL_OJ_NESTED | SQL_OJ_NOT_ORDERED | SQL_OJ_INNER | SQL_OJ_ALL_COMPARISON_OPS);
    case SQL_CURSOR_SENSITIVITY:
      return u32(SQL_INSENSITIVE);
    // The scalar functions odbc/escapes.cc rewrites.
    case SQL_STRING_FUNCTIONS:
      return u32(SQL_FN_STR_CONCAT | SQL_FN_STR_LTRIM | SQL_FN_STR_LENGTH | SQL_FN_STR_LCASE | SQL_FN_STR_REPLACE |
                 SQL_FN_STR_RTRIM | SQL_FN_STR_SUBSTRING | SQL_FN_STR_UCASE | SQL_FN_STR_CHAR_LENGTH |
                 SQL_FN_STR_CHARACTER_LENGTH | SQL_FN_STR_LOCATE | SQL_FN_STR_LOCATE_2 | SQL_FN_STR_LEFT |
                 SQL_FN_STR_RIGHT | SQL_FN_STR_SPACE | SQL_FN_STR_ASCII | SQL_FN_STR_CHAR);
    case SQL_NUMERIC_FUNCTIONS:
      return u32(SQL_FN_NUM_ABS | SQL_FN_NUM_ROUND | SQL_FN_NUM_CEILING | SQL_FN_NUM_FLOOR | SQL_FN_NUM_MOD |
                 SQL_FN_NUM_POWER | SQL_FN_NUM_SQRT | SQL_FN_NUM_EXP | SQL_FN_NUM_LOG | SQL_FN_NUM_LOG10 |
                 SQL_FN_NUM_SIGN | SQL_FN_NUM_PI | SQL_FN_NUM_SIN | SQL_FN_NUM_COS | SQL_FN_NUM_TAN |
                 SQL_FN_NUM_DEGREES | SQL_FN_NUM_RADIANS);
    case SQL_TIMEDATE_FUNCTIONS:
      return u32(SQL_FN_TD_NOW | SQL_FN_TD_CURDATE | SQL_FN_TD_CURTIME | SQL_FN_TD_CURRENT_DATE |
                 SQL_FN_TD_CURRENT_TIME | SQL_FN_TD_CURRENT_TIMESTAMP | SQL_FN_TD_YEAR | SQL_FN_TD_MONTH |
                 SQL_FN_TD_DAYOFMONTH | SQL_FN_TD_HOUR | SQL_FN_TD_MINUTE | SQL_FN_TD_SECOND | SQL_FN_TD_DAYOFYEAR |
                 SQL_FN_TD_DAYOFWEEK | SQL_FN_TD_WEEK | SQL_FN_TD_QUARTER | SQL_FN_TD_TIMESTAMPADD |
                 SQL_FN_TD_TIMESTAMPDIFF);
    case SQL_TIMEDATE_ADD_INTERVALS:
    case SQL_TIMEDATE_DIFF_INTERVALS:
      return u32(SQL_FN_TSI_SECOND | SQL_FN_TSI_MINUTE | SQL_FN_TSI_HOUR | SQL_FN_TSI_DAY | SQL_FN_TSI_WEEK |
                 SQL_FN_TSI_MONTH | SQL_FN_TSI_QUARTER | SQL_FN_TSI_YEAR);
    case SQL_CONVERT_FUNCTIONS:
      return u32(SQL_FN_CVT_CONVERT | SQL_FN_CVT_CAST);
    case SQL_SYSTEM_FUNCTIONS:
      return u32(SQL_FN_SYS_DBNAME | SQL_FN_SYS_IFNULL);
    case SQL_AGGREGATE_FUNCTIONS:
      return u32(SQL_AF_ALL | SQL_AF_AVG | SQL_AF_COUNT | SQL_AF_DISTINCT | SQL_AF_MAX | SQL_AF_MIN | SQL_AF_SUM);
    case SQL_SUBQUERIES:
      return u32(SQL_SQ_CORRELATED_SUBQUERIES | SQL_SQ_COMPARISON | SQL_SQ_EXISTS | SQL_SQ_IN | SQL_SQ_QUANTIFIED);
    case SQL_UNION:
      return u32(SQL_U_UNION | SQL_U_UNION_ALL);
    case SQL_SQL92_PREDICATES:
      return u32(SQL_SP_BETWEEN | SQL_SP_COMPARISON | SQL_SP_EXISTS | SQL_SP_IN | SQL_SP_ISNOTNULL | SQL_SP_ISNULL |
                 SQL_SP_LIKE);
    case SQL_SQL92_RELATIONAL_JOIN_OPERATORS:
      return u32(SQL_SRJO_CROSS_JOIN | SQL_SRJO_INNER_JOIN | SQL_SRJO_LEFT_OUTER_JOIN | SQL_SRJO_NATURAL_JOIN);
    case SQL_SQL92_STRING_FUNCTIONS:
      return u32(SQL_SSF_LOWER | SQL_SSF_UPPER | SQL_SSF_TRIM_BOTH | SQL_SSF_TRIM_LEADING | SQL_SSF_TRIM_TRAILING);
    case SQL_SQL92_ROW_VALUE_CONSTRUCTOR:
      return u32(SQL_SRVC_VALUE_EXPRESSION | SQL_SRVC_NULL);
    case SQL_INSERT_STATEMENT:
      return u32(SQL_IS_INSERT_LITERALS | SQL_IS_SELECT_INTO);
    case SQL_DDL_INDEX:
      return u32(0);
    default:
      return std::nullopt;
  }
}

SQLRETURN GetInfo(Dbc* c, SQLUSMALLINT type, SQLPOINTER value, SQLSMALLINT cap, SQLSMALLINT* len, bool wide) {
  auto info = InfoOf(c, type);
  if (!info) {
    return c->Error("HY096", "jirasql: SQLGetInfo type " + std::to_string(type) + " is not known to this driver");
  }
  switch (info->kind) {
    case Info::kText:
      if (wide) return OutW(c, info->text, static_cast<SQLWCHAR*>(value), cap, len, /*cap_in_bytes=*/true);
      return Out(c, info->text, static_cast<SQLCHAR*>(value), cap, len);
    case Info::kU16: {
      const SQLUSMALLINT v = static_cast<SQLUSMALLINT>(info->number);
      if (value) std::memcpy(value, &v, sizeof v);
      if (len) *len = sizeof v;
      return SQL_SUCCESS;
    }
    case Info::kU32: {
      const SQLUINTEGER v = info->number;
      if (value) std::memcpy(value, &v, sizeof v);
      if (len) *len = sizeof v;
      return SQL_SUCCESS;
    }
  }
  return SQL_ERROR;
}

// ---- column attributes ------------------------------------------------------

SQLRETURN ColAttribute(Stmt* s, SQLUSMALLINT col, SQLUSMALLINT field, std::string* text, SQLLEN* number) {
  if (field == SQL_DESC_COUNT) {
    *number = static_cast<SQLLEN>(s->columns.size());
    return SQL_SUCCESS;
  }
  if (col == 0 || col > s->columns.size()) {
    return s->Error("07009", "jirasql: there is no column " + std::to_string(col));
  }
  const Column& c = s->columns[col - 1];
  const ColumnType& t = c.type;
  const bool is_text = t.sql_type == SQL_WVARCHAR || t.sql_type == SQL_WLONGVARCHAR;
  switch (field) {
    case SQL_DESC_NAME:
    case SQL_DESC_LABEL:
    case SQL_COLUMN_NAME:
      *text = c.name;
      break;
    case SQL_DESC_BASE_COLUMN_NAME:
      *text = c.base_column;
      break;
    case SQL_DESC_TABLE_NAME:
    case SQL_DESC_BASE_TABLE_NAME:
      *text = c.table;
      break;
    case SQL_DESC_CATALOG_NAME:
    case SQL_DESC_SCHEMA_NAME:
    case SQL_DESC_LITERAL_PREFIX:
    case SQL_DESC_LITERAL_SUFFIX:
      *text = field == SQL_DESC_LITERAL_PREFIX || field == SQL_DESC_LITERAL_SUFFIX ? (is_text ? "'" : "") : "";
      break;
    case SQL_DESC_TYPE_NAME:
    case SQL_DESC_LOCAL_TYPE_NAME:
      *text = t.type_name;
      break;
    case SQL_DESC_TYPE:
      *number = t.sql_type == SQL_TYPE_TIMESTAMP || t.sql_type == SQL_TYPE_DATE ? SQL_DATETIME : t.sql_type;
      break;
    case SQL_DESC_CONCISE_TYPE:  // (= SQL_COLUMN_TYPE)
      *number = t.sql_type;
      break;
    case SQL_DESC_DATETIME_INTERVAL_CODE:
      *number = t.sql_type == SQL_TYPE_TIMESTAMP ? SQL_CODE_TIMESTAMP : t.sql_type == SQL_TYPE_DATE ? SQL_CODE_DATE : 0;
      break;
    case SQL_DESC_LENGTH:
    case SQL_COLUMN_LENGTH:
    case SQL_DESC_PRECISION:
    case SQL_COLUMN_PRECISION:
      *number = field == SQL_DESC_PRECISION && t.sql_type == SQL_TYPE_TIMESTAMP ? 3 : static_cast<SQLLEN>(t.size);
      break;
    case SQL_DESC_OCTET_LENGTH:
      *number = t.octets;
      break;
    case SQL_DESC_DISPLAY_SIZE:
      *number = t.display;
      break;
    case SQL_DESC_SCALE:
    case SQL_COLUMN_SCALE:
      *number = t.decimals;
      break;
    case SQL_DESC_NULLABLE:
      *number = SQL_NULLABLE;
      break;
    case SQL_DESC_UNSIGNED:
      *number = t.sql_type == SQL_BIGINT || t.sql_type == SQL_DOUBLE ? SQL_FALSE : SQL_TRUE;
      break;
    case SQL_DESC_AUTO_UNIQUE_VALUE:
      *number = SQL_FALSE;
      break;
    case SQL_DESC_CASE_SENSITIVE:
      *number = is_text ? SQL_TRUE : SQL_FALSE;
      break;
    case SQL_DESC_FIXED_PREC_SCALE:
      *number = SQL_FALSE;
      break;
    case SQL_DESC_NUM_PREC_RADIX:
      *number = t.sql_type == SQL_BIGINT ? 10 : t.sql_type == SQL_DOUBLE ? 2 : 0;
      break;
    case SQL_DESC_SEARCHABLE:
      *number = t.sql_type == SQL_WLONGVARCHAR ? SQL_PRED_CHAR : SQL_PRED_SEARCHABLE;
      break;
    case SQL_DESC_UPDATABLE:
      *number = SQL_ATTR_READWRITE_UNKNOWN;
      break;
    case SQL_DESC_UNNAMED:
      *number = c.name.empty() ? SQL_UNNAMED : SQL_NAMED;
      break;
    default:
      return s->Error("HY091", "jirasql: column attribute " + std::to_string(field) + " is not known to this driver");
  }
  return SQL_SUCCESS;
}

SQLRETURN DescribeCol(Stmt* s, SQLUSMALLINT col, std::string* name, SQLSMALLINT* type, SQLULEN* size,
                      SQLSMALLINT* decimals, SQLSMALLINT* nullable) {
  if (col == 0 || col > s->columns.size()) {
    return s->Error("07009", "jirasql: there is no column " + std::to_string(col) + " (the result has " +
                                 std::to_string(s->columns.size()) + ")");
  }
  const Column& c = s->columns[col - 1];
  *name = c.name;
  if (type) *type = c.type.sql_type;
  if (size) *size = c.type.size;
  if (decimals) *decimals = c.type.decimals;
  if (nullable) *nullable = SQL_NULLABLE;
  return SQL_SUCCESS;
}

SQLRETURN DiagRecOf(SQLSMALLINT kind, SQLHANDLE h, SQLSMALLINT rec, std::string* state, std::string* message) {
  auto* handle = static_cast<Handle*>(h);
  if (!handle || handle->kind != kind) return SQL_INVALID_HANDLE;
  if (rec < 1) return SQL_ERROR;
  if (static_cast<std::size_t>(rec) > handle->diags.size()) return SQL_NO_DATA;
  *state = handle->diags[static_cast<std::size_t>(rec - 1)].state;
  *message = handle->diags[static_cast<std::size_t>(rec - 1)].message;
  return SQL_SUCCESS;
}

SQLRETURN FreeStmt(Stmt* s, SQLUSMALLINT option) {
  switch (option) {
    case SQL_CLOSE:
      s->Close();
      return SQL_SUCCESS;
    case SQL_UNBIND:
      s->bound.clear();
      return SQL_SUCCESS;
    case SQL_RESET_PARAMS:
      s->params.clear();
      return SQL_SUCCESS;
    case SQL_DROP:
      delete s;
      return SQL_SUCCESS;
    default:
      return s->Error("HY092", "jirasql: SQLFreeStmt option " + std::to_string(option) + " is not known");
  }
}

// ---- catalogue functions ------------------------------------------------------
// Answered as SQL over the engine: the rows built from jirasql's own table
// definitions (or its sys_* tables), run as an ordinary result set.

std::string Lit(const std::string& v) {
  std::string out = "'";
  for (char c : v) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}
std::string Lit(const char* v) { return Lit(std::string(v)); }
std::string Lit(int64_t v) { return std::to_string(v); }
const std::string kNull = "NULL";

// ODBC's search patterns: % any run, _ any one character, \ escapes;
// identifiers compared without case, as SQLite compares them.
bool Matches(std::string_view value, std::string_view pattern) {
  std::size_t v = 0, p = 0, star_p = std::string_view::npos, star_v = 0;
  auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  while (v < value.size()) {
    if (p < pattern.size() && pattern[p] == '%') {
      star_p = p++;
      star_v = v;
      continue;
    }
    if (p < pattern.size()) {
      char want = pattern[p];
      std::size_t width = 1;
      if (want == '\\' && p + 1 < pattern.size()) {
        want = pattern[p + 1];
        width = 2;
      } else if (want == '_') {
        ++v;
        p += 1;
        continue;
      }
      if (lower(want) == lower(value[v])) {
        ++v;
        p += width;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p + 1;
    v = ++star_v;
  }
  while (p < pattern.size() && pattern[p] == '%') ++p;
  return p == pattern.size();
}

// Runs the rows as the statement's result set, under ODBC's column names.
SQLRETURN CatalogResult(Stmt* s, const std::vector<std::string>& names,
                        const std::vector<std::vector<std::string>>& rows) {
  std::string sql;
  if (rows.empty()) {
    sql = "SELECT ";
    for (std::size_t i = 0; i < names.size(); ++i) sql += (i ? ", NULL AS " : "NULL AS ") + names[i];
    sql += " WHERE 0";
  } else {
    sql = "WITH t(";
    for (std::size_t i = 0; i < names.size(); ++i) sql += (i ? ", " : "") + names[i];
    sql += ") AS (VALUES ";
    for (std::size_t r = 0; r < rows.size(); ++r) {
      sql += r ? ", (" : "(";
      for (std::size_t i = 0; i < rows[r].size(); ++i) sql += (i ? ", " : "") + rows[r][i];
      sql += ")";
    }
    sql += ") SELECT * FROM t";
  }
  return PrepareAndRun(s, sql);
}

// The tables SQLTables and SQLColumns list: every table of the connection.
std::vector<const TableDef*> TablesLike(Stmt* s, const std::string& pattern) {
  std::vector<const TableDef*> out;
  Session& session = s->dbc->engine->session();
  for (const auto& name : session.TableNames()) {
    if (!Matches(name, pattern.empty() ? "%" : pattern)) continue;
    auto def = session.Table(name);
    if (def && *def) out.push_back(*def);
  }
  return out;
}

SQLRETURN Tables(Stmt* s, const std::string& catalog, const std::string& schema, const std::string& table,
                 const std::string& types) {
  const std::vector<std::string> names = {"TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "TABLE_TYPE", "REMARKS"};
  std::vector<std::vector<std::string>> rows;
  if (types == "%" && catalog.empty() && schema.empty() && table.empty()) {  // the table types
    rows = {{kNull, kNull, kNull, Lit("TABLE"), kNull}, {kNull, kNull, kNull, Lit("SYSTEM TABLE"), kNull}};
    return CatalogResult(s, names, rows);
  }
  if (catalog == "%" || schema == "%") {  // no catalogs, no schemas
    return CatalogResult(s, names, rows);
  }
  auto wanted = [&](const std::string& type) {
    if (types.empty() || types == "%") return true;
    for (std::size_t at = 0; at <= types.size();) {
      std::size_t end = types.find(',', at);
      std::string t(Trim(std::string_view(types).substr(at, end == std::string::npos ? std::string::npos : end - at)));
      if (t.size() >= 2 && t.front() == '\'' && t.back() == '\'') t = t.substr(1, t.size() - 2);
      if (ToLower(t) == ToLower(type)) return true;
      if (end == std::string::npos) break;
      at = end + 1;
    }
    return false;
  };
  for (const TableDef* t : TablesLike(s, table)) {
    const std::string type = t->system ? "SYSTEM TABLE" : "TABLE";
    if (!wanted(type)) continue;
    rows.push_back({kNull, kNull, Lit(t->name), Lit(type), Lit(t->description)});
  }
  return CatalogResult(s, names, rows);
}

SQLRETURN Columns(Stmt* s, const std::string& table, const std::string& column) {
  const std::vector<std::string> names = {
      "TABLE_CAT",   "TABLE_SCHEM",   "TABLE_NAME",       "COLUMN_NAME",       "DATA_TYPE",        "TYPE_NAME",
      "COLUMN_SIZE", "BUFFER_LENGTH", "DECIMAL_DIGITS",   "NUM_PREC_RADIX",    "NULLABLE",         "REMARKS",
      "COLUMN_DEF",  "SQL_DATA_TYPE", "SQL_DATETIME_SUB", "CHAR_OCTET_LENGTH", "ORDINAL_POSITION", "IS_NULLABLE"};
  std::vector<std::vector<std::string>> rows;
  for (const TableDef* t : TablesLike(s, table)) {
    int64_t ordinal = 0;
    for (const auto& c : t->columns) {
      if (c.hidden) continue;  // not in SELECT * (the Jql column): as SQLite lists them
      ++ordinal;
      if (!Matches(c.name, column.empty() ? "%" : column)) continue;
      const ColumnType ct = TypeOfColumn(c.type, c.long_text, c.name);
      const bool datetime = ct.sql_type == SQL_TYPE_TIMESTAMP || ct.sql_type == SQL_TYPE_DATE;
      const bool text = ct.sql_type == SQL_WVARCHAR || ct.sql_type == SQL_WLONGVARCHAR;
      const int64_t radix = ct.sql_type == SQL_BIGINT ? 10 : ct.sql_type == SQL_DOUBLE ? 2 : -1;
      rows.push_back(
          {kNull, kNull, Lit(t->name), Lit(c.name), Lit(ct.sql_type), Lit(ct.type_name),
           Lit(static_cast<int64_t>(ct.size)), Lit(static_cast<int64_t>(ct.octets)),
           datetime || radix > 0 ? Lit(int64_t{ct.decimals}) : kNull, radix > 0 ? Lit(radix) : kNull,
           Lit(int64_t{SQL_NULLABLE}), Lit(c.description), kNull, Lit(int64_t{datetime ? SQL_DATETIME : ct.sql_type}),
           datetime ? Lit(int64_t{ct.sql_type == SQL_TYPE_TIMESTAMP ? SQL_CODE_TIMESTAMP : SQL_CODE_DATE}) : kNull,
           text ? Lit(static_cast<int64_t>(ct.octets)) : kNull, Lit(ordinal), Lit("YES")});
    }
  }
  return CatalogResult(s, names, rows);
}

SQLRETURN TypeInfo(Stmt* s, SQLSMALLINT type) {
  const std::vector<std::string> names = {
      "TYPE_NAME",        "DATA_TYPE",         "COLUMN_SIZE",     "LITERAL_PREFIX",    "LITERAL_SUFFIX",
      "CREATE_PARAMS",    "NULLABLE",          "CASE_SENSITIVE",  "SEARCHABLE",        "UNSIGNED_ATTRIBUTE",
      "FIXED_PREC_SCALE", "AUTO_UNIQUE_VALUE", "LOCAL_TYPE_NAME", "MINIMUM_SCALE",     "MAXIMUM_SCALE",
      "SQL_DATA_TYPE",    "SQL_DATETIME_SUB",  "NUM_PREC_RADIX",  "INTERVAL_PRECISION"};
  std::vector<std::vector<std::string>> rows;
  // In DATA_TYPE order, as ODBC asks.
  for (auto [sql_type, long_text] : std::vector<std::pair<SqlType, bool>>{{SqlType::kText, true},
                                                                          {SqlType::kText, false},
                                                                          {SqlType::kBoolean, false},
                                                                          {SqlType::kInteger, false},
                                                                          {SqlType::kReal, false},
                                                                          {SqlType::kDate, false},
                                                                          {SqlType::kTimestamp, false}}) {
    const ColumnType ct = TypeOfColumn(sql_type, long_text);
    if (type != SQL_ALL_TYPES && type != ct.sql_type) continue;
    const bool text = ct.sql_type == SQL_WVARCHAR || ct.sql_type == SQL_WLONGVARCHAR;
    const bool datetime = ct.sql_type == SQL_TYPE_TIMESTAMP || ct.sql_type == SQL_TYPE_DATE;
    const bool number = ct.sql_type == SQL_BIGINT || ct.sql_type == SQL_DOUBLE;
    rows.push_back(
        {Lit(ct.type_name), Lit(ct.sql_type), Lit(static_cast<int64_t>(ct.size)), text || datetime ? Lit("'") : kNull,
         text || datetime ? Lit("'") : kNull, kNull, Lit(int64_t{SQL_NULLABLE}),
         Lit(int64_t{text ? SQL_TRUE : SQL_FALSE}),
         Lit(int64_t{ct.sql_type == SQL_WLONGVARCHAR ? SQL_PRED_CHAR : SQL_SEARCHABLE}),
         number ? Lit(int64_t{SQL_FALSE}) : kNull, Lit(int64_t{SQL_FALSE}), number ? Lit(int64_t{SQL_FALSE}) : kNull,
         Lit(ct.type_name), ct.sql_type == SQL_TYPE_TIMESTAMP ? Lit(int64_t{3}) : kNull,
         ct.sql_type == SQL_TYPE_TIMESTAMP ? Lit(int64_t{3}) : kNull,
         Lit(int64_t{datetime ? SQL_DATETIME : ct.sql_type}),
         datetime ? Lit(int64_t{ct.sql_type == SQL_TYPE_TIMESTAMP ? SQL_CODE_TIMESTAMP : SQL_CODE_DATE}) : kNull,
         ct.sql_type == SQL_BIGINT   ? Lit(int64_t{10})
         : ct.sql_type == SQL_DOUBLE ? Lit(int64_t{2})
                                     : kNull,
         kNull});
  }
  return CatalogResult(s, names, rows);
}

// Keys, from the engine's sys_primarykeys and sys_foreignkeys.
SQLRETURN PrimaryKeys(Stmt* s, const std::string& table) {
  return PrepareAndRun(s,
                       "SELECT NULL AS TABLE_CAT, NULL AS TABLE_SCHEM, TableName AS TABLE_NAME, ColumnName AS "
                       "COLUMN_NAME, KeySeq AS KEY_SEQ, KeyName AS PK_NAME FROM sys_primarykeys WHERE TableName = " +
                           Lit(table) + " COLLATE NOCASE ORDER BY KeySeq");
}

SQLRETURN ForeignKeys(Stmt* s, const std::string& pk_table, const std::string& fk_table) {
  std::string where;
  if (!pk_table.empty()) where += " AND PrimaryKeyTable = " + Lit(pk_table) + " COLLATE NOCASE";
  if (!fk_table.empty()) where += " AND TableName = " + Lit(fk_table) + " COLLATE NOCASE";
  return PrepareAndRun(
      s,
      "SELECT NULL AS PKTABLE_CAT, NULL AS PKTABLE_SCHEM, PrimaryKeyTable AS PKTABLE_NAME, PrimaryKeyColumn AS "
      "PKCOLUMN_NAME, NULL AS FKTABLE_CAT, NULL AS FKTABLE_SCHEM, TableName AS FKTABLE_NAME, ColumnName AS "
      "FKCOLUMN_NAME, 1 AS KEY_SEQ, " +
          std::to_string(SQL_NO_ACTION) + " AS UPDATE_RULE, " + std::to_string(SQL_NO_ACTION) +
          " AS DELETE_RULE, KeyName AS FK_NAME, 'PK_' || PrimaryKeyTable AS PK_NAME, " +
          std::to_string(SQL_NOT_DEFERRABLE) + " AS DEFERRABILITY FROM sys_foreignkeys WHERE 1" + where +
          " ORDER BY FKTABLE_NAME, FK_NAME");
}

// Every row of a query on the engine, as text (nullopt for NULL): the sys_*
// tables the catalogue functions below read.
std::vector<std::vector<std::optional<std::string>>> QueryAll(Stmt* s, const std::string& sql) {
  std::vector<std::vector<std::optional<std::string>>> out;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(s->dbc->engine->db(), sql.c_str(), -1, &st, nullptr) != SQLITE_OK) return out;
  while (sqlite3_step(st) == SQLITE_ROW) {
    std::vector<std::optional<std::string>> row;
    for (int i = 0; i < sqlite3_column_count(st); ++i) {
      const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
      row.push_back(t ? std::optional<std::string>(t) : std::nullopt);
    }
    out.push_back(std::move(row));
  }
  sqlite3_finalize(st);
  return out;
}

std::string Lit(const std::optional<std::string>& v) { return v ? Lit(*v) : kNull; }

SQLRETURN Statistics(Stmt* s, const std::string& table, SQLUSMALLINT unique) {
  // The primary key as a unique index, each column Jira filters on
  // (pushdown) as an index of its own: what a tool should filter by.
  return PrepareAndRun(
      s,
      "SELECT NULL AS TABLE_CAT, NULL AS TABLE_SCHEM, TableName AS TABLE_NAME, 1 - IsUnique AS NON_UNIQUE, NULL "
      "AS INDEX_QUALIFIER, IndexName AS INDEX_NAME, " +
          std::to_string(SQL_INDEX_OTHER) +
          " AS TYPE, OrdinalPosition AS ORDINAL_POSITION, ColumnName AS COLUMN_NAME, SortOrder AS ASC_OR_DESC, "
          "NULL AS CARDINALITY, NULL AS PAGES, NULL AS FILTER_CONDITION FROM sys_indexes WHERE TableName = " +
          Lit(table) + " COLLATE NOCASE" + (unique == SQL_INDEX_UNIQUE ? " AND IsUnique = 1" : "") +
          " ORDER BY NON_UNIQUE, INDEX_NAME, ORDINAL_POSITION");
}

SQLRETURN SpecialColumns(Stmt* s, SQLUSMALLINT type, const std::string& table) {
  const std::vector<std::string> names = {"SCOPE",       "COLUMN_NAME",   "DATA_TYPE",      "TYPE_NAME",
                                          "COLUMN_SIZE", "BUFFER_LENGTH", "DECIMAL_DIGITS", "PSEUDO_COLUMN"};
  std::vector<std::vector<std::string>> rows;
  if (type == SQL_BEST_ROWID) {  // the primary key (SQL_ROWVER: none — Jira has no row version a client sets)
    auto def = s->dbc->engine->session().Table(table);
    if (def && *def) {
      for (const auto& key : QueryAll(s, "SELECT ColumnName FROM sys_primarykeys WHERE TableName = " +
                                             Lit((*def)->name) + " ORDER BY KeySeq")) {
        for (const auto& c : (*def)->columns) {
          if (!key[0] || c.name != *key[0]) continue;
          const ColumnType ct = TypeOfColumn(c.type, c.long_text, c.name);
          rows.push_back({Lit(int64_t{SQL_SCOPE_SESSION}), Lit(c.name), Lit(ct.sql_type), Lit(ct.type_name),
                          Lit(static_cast<int64_t>(ct.size)), Lit(static_cast<int64_t>(ct.octets)),
                          Lit(int64_t{ct.decimals}), Lit(int64_t{SQL_PC_NOT_PSEUDO})});
        }
      }
    }
  }
  return CatalogResult(s, names, rows);
}

SQLRETURN Procedures(Stmt* s, const std::string& pattern) {
  const std::vector<std::string> names = {"PROCEDURE_CAT",     "PROCEDURE_SCHEM", "PROCEDURE_NAME", "NUM_INPUT_PARAMS",
                                          "NUM_OUTPUT_PARAMS", "NUM_RESULT_SETS", "REMARKS",        "PROCEDURE_TYPE"};
  std::vector<std::vector<std::string>> rows;
  for (const auto& p :
       QueryAll(s,
                "SELECT p.ProcedureName, p.Description, (SELECT count(*) FROM sys_procedureparameters q WHERE "
                "q.ProcedureName = p.ProcedureName AND q.Direction = 'IN'), (SELECT count(*) FROM "
                "sys_procedureparameters q WHERE q.ProcedureName = p.ProcedureName AND q.Direction = 'OUT') FROM "
                "sys_procedures p ORDER BY p.ProcedureName")) {
    if (!p[0] || !Matches(*p[0], pattern.empty() ? "%" : pattern)) continue;
    rows.push_back({kNull, kNull, Lit(p[0]), p[2].value_or("0"), p[3].value_or("0"), "1", Lit(p[1]),
                    Lit(int64_t{SQL_PT_PROCEDURE})});
  }
  return CatalogResult(s, names, rows);
}

SQLRETURN ProcedureColumns(Stmt* s, const std::string& proc, const std::string& column) {
  const std::vector<std::string> names = {"PROCEDURE_CAT",     "PROCEDURE_SCHEM",  "PROCEDURE_NAME", "COLUMN_NAME",
                                          "COLUMN_TYPE",       "DATA_TYPE",        "TYPE_NAME",      "COLUMN_SIZE",
                                          "BUFFER_LENGTH",     "DECIMAL_DIGITS",   "NUM_PREC_RADIX", "NULLABLE",
                                          "REMARKS",           "COLUMN_DEF",       "SQL_DATA_TYPE",  "SQL_DATETIME_SUB",
                                          "CHAR_OCTET_LENGTH", "ORDINAL_POSITION", "IS_NULLABLE"};
  std::vector<std::vector<std::string>> rows;
  const ColumnType text = TypeOfColumn(SqlType::kText, false);
  int64_t ordinal = 0;
  std::string last;
  for (const auto& p : QueryAll(s,
                                "SELECT ProcedureName, ParameterName, Direction, Required, Description FROM "
                                "sys_procedureparameters ORDER BY ProcedureName, Direction, Ordinal")) {
    if (!p[0] || !p[1] || !Matches(*p[0], proc.empty() ? "%" : proc)) continue;
    if (*p[0] != last) ordinal = 0;
    last = *p[0];
    ++ordinal;
    if (!Matches(*p[1], column.empty() ? "%" : column)) continue;
    const bool in = p[2] && *p[2] == "IN";
    const bool required = p[3] && *p[3] == "1";
    rows.push_back({kNull, kNull, Lit(p[0]), Lit(p[1]), Lit(int64_t{in ? SQL_PARAM_INPUT : SQL_RESULT_COL}),
                    Lit(text.sql_type), Lit(text.type_name), Lit(static_cast<int64_t>(text.size)),
                    Lit(static_cast<int64_t>(text.octets)), kNull, kNull,
                    Lit(int64_t{required ? SQL_NO_NULLS : SQL_NULLABLE}), Lit(p[4]), kNull, Lit(text.sql_type), kNull,
                    Lit(static_cast<int64_t>(text.octets)), Lit(in ? ordinal : 0), Lit(required ? "NO" : "YES")});
  }
  return CatalogResult(s, names, rows);
}

}  // namespace
}  // namespace jirasql::odbc

using namespace jirasql::odbc;
using jirasql::Error;

#define JIRASQL_ODBC_API extern "C" __attribute__((visibility("default")))

// ---- handles -----------------------------------------------------------------

JIRASQL_ODBC_API SQLRETURN SQL_API SQLAllocHandle(SQLSMALLINT type, SQLHANDLE input, SQLHANDLE* out) {
  if (!out) return SQL_ERROR;
  try {
    switch (type) {
      case SQL_HANDLE_ENV:
        *out = static_cast<Handle*>(new Env());
        return SQL_SUCCESS;
      case SQL_HANDLE_DBC: {
        Env* e = As<Env>(input, SQL_HANDLE_ENV);
        if (!e) return SQL_INVALID_HANDLE;
        e->diags.clear();
        *out = static_cast<Handle*>(new Dbc(e));
        return SQL_SUCCESS;
      }
      case SQL_HANDLE_STMT: {
        Dbc* c = As<Dbc>(input, SQL_HANDLE_DBC);
        if (!c) return SQL_INVALID_HANDLE;
        c->diags.clear();
        if (!c->engine) return c->Error("08003", "jirasql: the connection is not open");
        *out = static_cast<Handle*>(new Stmt(c));
        return SQL_SUCCESS;
      }
      default:
        return SQL_ERROR;
    }
  } catch (...) {
    return SQL_ERROR;
  }
}

JIRASQL_ODBC_API SQLRETURN SQL_API SQLFreeHandle(SQLSMALLINT type, SQLHANDLE h) {
  switch (type) {
    case SQL_HANDLE_ENV:
      if (!As<Env>(h, type)) return SQL_INVALID_HANDLE;
      delete As<Env>(h, type);
      return SQL_SUCCESS;
    case SQL_HANDLE_DBC:
      if (!As<Dbc>(h, type)) return SQL_INVALID_HANDLE;
      delete As<Dbc>(h, type);
      return SQL_SUCCESS;
    case SQL_HANDLE_STMT: {
      Stmt* s = As<Stmt>(h, type);
      if (!s) return SQL_INVALID_HANDLE;
      std::lock_guard<std::recursive_mutex> lock(s->dbc->mu);
      delete s;
      return SQL_SUCCESS;
    }
    default:
      return SQL_ERROR;
  }
}

JIRASQL_ODBC_API SQLRETURN SQL_API SQLFreeStmt(SQLHSTMT h, SQLUSMALLINT option) {
  Stmt* s = As<Stmt>(h, SQL_HANDLE_STMT);
  if (!s) return SQL_INVALID_HANDLE;
  std::lock_guard<std::recursive_mutex> lock(s->dbc->mu);
  s->diags.clear();
  return FreeStmt(s, option);
}

JIRASQL_ODBC_API SQLRETURN SQL_API SQLSetEnvAttr(SQLHENV h, SQLINTEGER attr, SQLPOINTER value, SQLINTEGER) {
  Env* e = As<Env>(h, SQL_HANDLE_ENV);
  if (!e) return SQL_INVALID_HANDLE;
  e->diags.clear();
  if (attr == SQL_ATTR_ODBC_VERSION) {
    e->version = static_cast<SQLINTEGER>(reinterpret_cast<intptr_t>(value));
    return SQL_SUCCESS;
  }
  if (attr == SQL_ATTR_CONNECTION_POOLING || attr == SQL_ATTR_CP_MATCH || attr == SQL_ATTR_OUTPUT_NTS)
    return SQL_SUCCESS;
  return e->Error("HY092", "jirasql: environment attribute " + std::to_string(attr) + " is not known");
}

JIRASQL_ODBC_API SQLRETURN SQL_API SQLGetEnvAttr(SQLHENV h, SQLINTEGER attr, SQLPOINTER value, SQLINTEGER,
                                                 SQLINTEGER* len) {
  Env* e = As<Env>(h, SQL_HANDLE_ENV);
  if (!e) return SQL_INVALID_HANDLE;
  SQLINTEGER v = 0;
  if (attr == SQL_ATTR_ODBC_VERSION)
    v = e->version;
  else if (attr == SQL_ATTR_OUTPUT_NTS)
    v = SQL_TRUE;
  else
    return e->Error("HY092", "jirasql: environment attribute " + std::to_string(attr) + " is not known");
  if (value) std::memcpy(value, &v, sizeof v);
  if (len) *len = sizeof v;
  return SQL_SUCCESS;
}

// ---- connections ---------------------------------------------------------------

namespace {

SQLRETURN DriverConnectCore(Dbc* c, const std::string& in, SQLUSMALLINT completion, std::string* out) {
  // No prompt, ever: a driver of a background process must not block on a
  // dialog. What is missing is said in the error (SQL_DRIVER_NOPROMPT or not).
  (void)completion;
  return Connect(c, in, out);
}

}  // namespace

JIRASQL_ODBC_API SQLRETURN SQL_API SQLDriverConnect(SQLHDBC h, SQLHWND, SQLCHAR* in, SQLSMALLINT in_len, SQLCHAR* out,
                                                    SQLSMALLINT out_cap, SQLSMALLINT* out_len,
                                                    SQLUSMALLINT completion) {
  Dbc* c = As<Dbc>(h, SQL_HANDLE_DBC);
  return Guard(c, [&]() -> SQLRETURN {
    std::lock_guard<std::recursive_mutex> lock(c->mu);
    c->diags.clear();
    std::string completed;
    SQLRETURN rc = DriverConnectCore(c, In(in, in_len), completion, &completed);
    if (!SQL_SUCCEEDED(rc)) return rc;
    return Worst(rc, Out(c, completed, out, out_cap, out_len));
  });
}

JIRASQL_ODBC_API SQLRETURN SQL_API SQLDriverConnectW(SQLHDBC h, SQLHWND, SQLWCHAR* in, SQLSMALLINT in_len,
                                                     SQLWCHAR* out, SQLSMALLINT out_cap, SQLSMALLINT* out_len,
                                                     SQLUSMALLINT completion) {
  Dbc* c = As<Dbc>(h, SQL_HANDLE_DBC);
  return Guard(c, [&]() -> SQLRETURN {
    std::lock_guard<std::recursive_mutex> lock(c->mu);
    c->diags.clear();
    std::string completed;
    SQLRETURN rc = DriverConnectCore(c, In(in, in_len), completion, &completed);
    if (!SQL_SUCCEEDED(rc)) return rc;
    return Worst(rc, OutW(c, completed, out, out_cap, out_len, false));
  });
}

namespace {

SQLRETURN ConnectCore(Dbc* c, const std::string& dsn, const std::string& uid, const std::string& pwd) {
  auto brace = [](const std::string& v) {
    std::string out = "{";
    for (char ch : v) out += ch == '}' ? std::string("}}") : std::string(1, ch);
    return out + "}";
  };
  std::string text = "DSN=" + brace(dsn);
  if (!uid.empty()) text += ";UID=" + brace(uid);
  if (!pwd.empty()) text += ";PWD=" + brace(pwd);
  c->dsn = dsn;
  return Connect(c, text, nullptr);
}

}  // namespace

JIRASQL_ODBC_API SQLRETURN SQL_API SQLConnect(SQLHDBC h, SQLCHAR* dsn, SQLSMALLINT dsn_len, SQLCHAR* uid,
                                              SQLSMALLINT uid_len, SQLCHAR* pwd, SQLSMALLINT pwd_len) {
  Dbc* c = As<Dbc>(h, SQL_HANDLE_DBC);
  return Guard(c, [&]() -> SQLRETURN {
    std::lock_guard<std::recursive_mutex> lock(c->mu);
    c->diags.clear();
    return ConnectCore(c, In(dsn, dsn_len), In(uid, uid_len), In(pwd, pwd_len));
  });
}

JIRASQL_ODBC_API SQLRETURN SQL_API SQLConnectW(SQLHDBC h, SQLWCHAR* dsn, SQLSMALLINT dsn_len, SQLWCHAR* uid,
                                               SQLSMALLINT uid_len, SQLWCHAR* pwd, SQLSMALLINT pwd_len) {
  Dbc* c = As<Dbc>(h, SQL_HANDLE_DBC);
  return Guard(c, [&]() -> SQLRETURN {
    std::lock_guard<std::recursive_mutex> lock(c->mu);
    c->diags.clear();
    return ConnectCore(c, In(dsn, dsn_len), In(uid, uid_len), In(pwd, pwd_len));
  });
}

JIRASQL_ODBC_API SQLRETURN SQL_API SQLDisconnect(SQLHDBC h) {
  Dbc* c = As<Dbc>(h, SQL_HANDLE_DBC);
  return Guard(c, [&]() -> SQLRETURN {
    std::lock_guard<std::recursive_mutex> lock(c->mu);
    c->diags.clear();
    c->engine.reset();
    return SQL_SUCCESS;
  });
}

JIRASQL_ODBC_API SQLRETURN SQL_API SQLGetInfo(SQLHDBC h, SQLUSMALLINT type, SQLPOINTER value, SQLSMALLINT cap,
                                              SQLSMALLINT* len) {
  Dbc* c = As<Dbc>(h, SQL_HANDLE_DBC);
  return Guard(c, [&]() -> SQLRETURN {
    c->diags.clear();
    return GetInfo(c, type, value, cap, len, false);
  });
}

JIRASQL_ODBC_API SQLRETURN SQL_API SQLGetInfoW(SQLHDBC h, SQLUSMALLINT type, SQLPOINTER value, SQLSMALLINT cap,
                                               SQLSMALLINT* len) {
  Dbc* c = As<Dbc>(h, SQL_HANDLE_DBC);
  return Guard(c, [&]() -> SQLRETURN {
    c->diags.clear();
    return GetInfo(c, type, value, cap, len, true);
  });
}

namespace {

SQLRETURN SetConnectAttr(Dbc* c, SQLINTEGER attr, SQLPOINTER value) {
  const auto n = static_cast<SQLUINTEGER>(reinterpret_cast<uintptr_t>(value));
  switch (attr) {
    case SQL_ATTR_AUTOCOMMIT:
      c->autocommit = n;
      return SQL_SUCCESS;
    case SQL_ATTR_LOGIN_TIMEOUT:
    case SQL_ATTR_CONNECTION_TIMEOUT:
      c->login_timeout = n;
      return SQL_SUCCESS;
    case SQL_ATTR_ACCESS_MODE:
    case SQL_ATTR_TXN_ISOLATION:
    case SQL_ATTR_QUIET_MODE:
    case SQL_ATTR_PACKET_SIZE:
    case SQL_ATTR_ODBC_CURSORS:
    case SQL_ATTR_TRACE:
    case SQL_ATTR_TRACEFILE:
    case SQL_ATTR_ANSI_APP:
      return SQL_SUCCESS;
    default:
      return c->Error("HY092", "jirasql: connection attribute " + std::to_string(attr) + " is not known");
  }
}

SQLRETURN GetConnectAttr(Dbc* c, SQLINTEGER attr, SQLPOINTER value, SQLINTEGER* len) {
  SQLUINTEGER v = 0;
  switch (attr) {
    case SQL_ATTR_AUTOCOMMIT:
      v = c->autocommit;
      break;
    case SQL_ATTR_LOGIN_TIMEOUT:
    case SQL_ATTR_CONNECTION_TIMEOUT:
      v = c->login_timeout;
      break;
    case SQL_ATTR_CONNECTION_DEAD:
      v = c->engine ? SQL_CD_FALSE : SQL_CD_TRUE;
      break;
    case SQL_ATTR_ACCESS_MODE:
      v = SQL_MODE_READ_WRITE;
      break;
    case SQL_ATTR_TXN_ISOLATION:
      v = 0;
      break;
    default:
      return c->Error("HY092", "jirasql: connection attribute " + std::to_string(attr) + " is not known");
  }
  if (value) std::memcpy(value, &v, sizeof v);
  if (len) *len = sizeof v;
  return SQL_SUCCESS;
}

}  // namespace

JIRASQL_ODBC_API SQLRETURN SQL_API SQLSetConnectAttr(SQLHDBC h, SQLINTEGER attr, SQLPOINTER value, SQLINTEGER) {
  Dbc* c = As<Dbc>(h, SQL_HANDLE_DBC);
  return Guard(c, [&] {
    c->diags.clear();
    return SetConnectAttr(c, attr, value);
  });
}
JIRASQL_ODBC_API SQLRETURN SQL_API SQLSetConnectAttrW(SQLHDBC h, SQLINTEGER attr, SQLPOINTER value, SQLINTEGER) {
  Dbc* c = As<Dbc>(h, SQL_HANDLE_DBC);
  return Guard(c, [&] {
    c->diags.clear();
    return SetConnectAttr(c, attr, value);
  });
}
JIRASQL_ODBC_API SQLRETURN SQL_API SQLGetConnectAttr(SQLHDBC h, SQLINTEGER attr, SQLPOINTER value, SQLINTEGER,
                                                     SQLINTEGER* len) {
  Dbc* c = As<Dbc>(h, SQL_HANDLE_DBC);
  return Guard(c, [&] {
    c->diags.clear();
    return GetConnectAttr(c, attr, value, len);
  });
}
JIRASQL_ODBC_API SQLRETURN SQL_API SQLGetConnectAttrW(SQLHDBC h, SQLINTEGER attr, SQLPOINTER value, SQLINTEGER,
                                                      SQLINTEGER* len) {
  Dbc* c = As<Dbc>(h, SQL_HANDLE_DBC);
  return Guard(c, [&] {
    c->diags.clear();
    return GetConnectAttr(c, attr, value, len);
  });
}

JIRASQL_ODBC_API SQLRETURN SQL_API SQLEndTran(SQLSMALLINT type, SQLHANDLE h, SQLSMALLINT completion) {
  if (type == SQL_HANDLE_ENV) return As<Env>(h, type) ? SQL_SUCCESS : SQL_INVALID_HANDLE;
  Dbc* c = As<Dbc>(h, SQL_HANDLE_DBC);
  return Guard(c, [&]() -> SQLRETURN {
    c->diags.clear();
    if (completion == SQL_ROLLBACK) {
      c->Warn("01000",
              "jirasql: ROLLBACK cannot undo writes already sent to Jira; each write was done when its "
              "statement ran");
      return SQL_SUCCESS_WITH_INFO;
    }
    return SQL_SUCCESS;
  });
}

// ---- statements ------------------------------------------------------------------

#define STMT_ENTRY(h)                                     \
  Stmt* s = As<Stmt>(h, SQL_HANDLE_STMT);                 \
  if (!s) return SQL_INVALID_HANDLE;                      \
  std::lock_guard<std::recursive_mutex> lock(s->dbc->mu); \
  s->diags.clear();

JIRASQL_ODBC_API SQLRETURN SQL_API SQLPrepare(SQLHSTMT h, SQLCHAR* sql, SQLINTEGER len) {
  STMT_ENTRY(h)
  return Guard(s, [&] { return PrepareStmt(s, In(sql, len)); });
}
JIRASQL_ODBC_API SQLRETURN SQL_API SQLPrepareW(SQLHSTMT h, SQLWCHAR* sql, SQLINTEGER len) {
  STMT_ENTRY(h)
  return Guard(s, [&] { return PrepareStmt(s, In(sql, len)); });
}
JIRASQL_ODBC_API SQLRETURN SQL_API SQLExecute(SQLHSTMT h) {
  STMT_ENTRY(h)
  return Guard(s, [&] { return Execute(s); });
}
JIRASQL_ODBC_API SQLRETURN SQL_API SQLExecDirect(SQLHSTMT h, SQLCHAR* sql, SQLINTEGER len) {
  STMT_ENTRY(h)
  return Guard(s, [&]() -> SQLRETURN {
    SQLRETURN rc = PrepareStmt(s, In(sql, len));
    return SQL_SUCCEEDED(rc) ? Worst(rc, Execute(s)) : rc;
  });
}
JIRASQL_ODBC_API SQLRETURN SQL_API SQLExecDirectW(SQLHSTMT h, SQLWCHAR* sql, SQLINTEGER len) {
  STMT_ENTRY(h)
  return Guard(s, [&]() -> SQLRETURN {
    SQLRETURN rc = PrepareStmt(s, In(sql, len));
    return SQL_SUCCEEDED(rc) ? Worst(rc, Execute(s)) : rc;
  });
}

JIRASQL_ODBC_API SQLRETURN SQL_API SQLNumResultCols(SQLHSTMT h, SQLSMALLINT* n) {
  STMT_ENTRY(h)
  if (n) *n = static_cast<SQLSMALLINT>(s->columns.size());
  return SQL_SUCCESS;
}

JIRASQL_ODBC_API SQLRETURN SQL_API SQLDescribeCol(SQLHSTMT h, SQLUSMALLINT col, SQLCHAR* name, SQLSMALLINT cap,
                                                  SQLSMALLINT* name_len, SQLSMALLINT* type, SQLULEN* size,
                                                  SQLSMALLINT* decimals, SQLSMALLINT* nullable) {
  STMT_ENTRY(h)
  return Guard(s, [&]() -> SQLRETURN {
    std::string n;
    SQLRETURN rc = DescribeCol(s, col, &n, type, size, decimals, nullable);
    if (rc != SQL_SUCCESS) return rc;
    return Out(s, n, name, cap, name_len);
  });
}
JIRASQL_ODBC_API SQLRETURN SQL_API SQLDescribeColW(SQLHSTMT h, SQLUSMALLINT col, SQLWCHAR* name, SQLSMALLINT cap,
                                                   SQLSMALLINT* name_len, SQLSMALLINT* type, SQLULEN* size,
                                                   SQLSMALLINT* decimals, SQLSMALLINT* nullable) {
  STMT_ENTRY(h)
  return Guard(s, [&]() -> SQLRETURN {
    std::string n;
    SQLRETURN rc = DescribeCol(s, col, &n, type, size, decimals, nullable);
    if (rc != SQL_SUCCESS) return rc;
    return OutW(s, n, name, cap, name_len, false);
  });
}

JIRASQL_ODBC_API SQLRETURN SQL_API SQLColAttribute(SQLHSTMT h, SQLUSMALLINT col, SQLUSMALLINT field, SQLPOINTER text,
                                                   SQLSMALLINT cap, SQLSMALLINT* len, SQLLEN* number) {
  STMT_ENTRY(h)
  return Guard(s, [&]() -> SQLRETURN {
    std::string t;
    SQLLEN n = 0;
    SQLRETURN rc = ColAttribute(s, col, field, &t, &n);
    if (rc != SQL_SUCCESS) return rc;
    if (number) *number = n;
    return Out(s, t, static_cast<SQLCHAR*>(text), cap, len);
  });
}
JIRASQL_ODBC_API SQLRETURN SQL_API SQLColAttributeW(SQLHSTMT h, SQLUSMALLINT col, SQLUSMALLINT field, SQLPOINTER text,
                                                    SQLSMALLINT cap, SQLSMALLINT* len, SQLLEN* number) {
  STMT_ENTRY(h)
  return Guard(s, [&]() -> SQLRETURN {
    std::string t;
    SQLLEN n = 0;
    SQLRETURN rc = ColAttribute(s, col, field, &t, &n);
    if (rc != SQL_SUCCESS) return rc;
    if (number) *number = n;
    return OutW(s, t, static_cast<SQLWCHAR*>(text), cap, len, /*cap_in_bytes=*/true);
  });
}

JIRASQL_ODBC_API SQLRETURN SQL_API SQLBindCol(SQLHSTMT h, SQLUSMALLINT col, SQLSMALLINT ctype, SQLPOINTER target,
                                              SQLLEN cap, SQLLEN* ind) {
  STMT_ENTRY(h)
  if (!target && !ind) {
    s->bound.erase(col);
    return SQL_SUCCESS;
  }
  if (col == 0) return s->Error("07009", "jirasql: bookmarks (column 0) are not supported");
  s->bound[col] = Bound{ctype, target, cap, ind};
  return SQL_SUCCESS;
}

JIRASQL_ODBC_API SQLRETURN SQL_API SQLFetch(SQLHSTMT h) {
  STMT_ENTRY(h)
  return Guard(s, [&] { return Fetch(s); });
}

JIRASQL_ODBC_API SQLRETURN SQL_API SQLFetchScroll(SQLHSTMT h, SQLSMALLINT orientation, SQLLEN) {
  STMT_ENTRY(h)
  if (orientation != SQL_FETCH_NEXT) {
    return s->Error("HY106", "jirasql: the cursor is forward-only; only SQL_FETCH_NEXT is supported");
  }
  return Guard(s, [&] { return Fetch(s); });
}

JIRASQL_ODBC_API SQLRETURN SQL_API SQLGetData(SQLHSTMT h, SQLUSMALLINT col, SQLSMALLINT ctype, SQLPOINTER target,
                                              SQLLEN cap, SQLLEN* ind) {
  STMT_ENTRY(h)
  return Guard(s, [&] { return GetData(s, col, ctype, target, cap, ind); });
}

JIRASQL_ODBC_API SQLRETURN SQL_API SQLRowCount(SQLHSTMT h, SQLLEN* n) {
  STMT_ENTRY(h)
  if (n) *n = s->row_count;
  return SQL_SUCCESS;
}

JIRASQL_ODBC_API SQLRETURN SQL_API SQLMoreResults(SQLHSTMT h) {
  STMT_ENTRY(h)
  s->Close();
  return SQL_NO_DATA;
}

JIRASQL_ODBC_API SQLRETURN SQL_API SQLCloseCursor(SQLHSTMT h) {
  STMT_ENTRY(h)
  if (!s->open) return s->Error("24000", "jirasql: no cursor is open");
  s->Close();
  return SQL_SUCCESS;
}

// Another thread may call it while this statement runs: no lock taken.
JIRASQL_ODBC_API SQLRETURN SQL_API SQLCancel(SQLHSTMT h) {
  Stmt* s = As<Stmt>(h, SQL_HANDLE_STMT);
  if (!s) return SQL_INVALID_HANDLE;
  s->cancelled = true;
  // Its page requests under way stop too (not another statement's).
  if (s->dbc->running.load() == s) s->dbc->abort->cancelled = true;
  if (s->dbc->engine) sqlite3_interrupt(s->dbc->engine->db());
  return SQL_SUCCESS;
}

JIRASQL_ODBC_API SQLRETURN SQL_API SQLNumParams(SQLHSTMT h, SQLSMALLINT* n) {
  STMT_ENTRY(h)
  if (!s->st) return s->Error("HY010", "jirasql: no statement prepared");
  sqlite3_stmt* p = ParamStmt(s);
  if (n) *n = static_cast<SQLSMALLINT>(p ? sqlite3_bind_parameter_count(p) : 0);
  return SQL_SUCCESS;
}

JIRASQL_ODBC_API SQLRETURN SQL_API SQLDescribeParam(SQLHSTMT h, SQLUSMALLINT, SQLSMALLINT* type, SQLULEN* size,
                                                    SQLSMALLINT* decimals, SQLSMALLINT* nullable) {
  STMT_ENTRY(h)
  // SQLite's parameters have no type: text of any length fits every column.
  if (type) *type = SQL_WVARCHAR;
  if (size) *size = kTextLength;
  if (decimals) *decimals = 0;
  if (nullable) *nullable = SQL_NULLABLE;
  return SQL_SUCCESS;
}

JIRASQL_ODBC_API SQLRETURN SQL_API SQLBindParameter(SQLHSTMT h, SQLUSMALLINT n, SQLSMALLINT io, SQLSMALLINT ctype,
                                                    SQLSMALLINT sql_type, SQLULEN, SQLSMALLINT, SQLPOINTER value,
                                                    SQLLEN cap, SQLLEN* ind) {
  STMT_ENTRY(h)
  if (n == 0) return s->Error("07009", "jirasql: parameters are numbered from 1");
  if (io != SQL_PARAM_INPUT) return s->Error("HYC00", "jirasql: only input parameters are supported");
  s->params[n] = Param{ctype, sql_type, value, cap, ind};
  return SQL_SUCCESS;
}

namespace {

SQLRETURN SetStmtAttr(Stmt* s, SQLINTEGER attr, SQLPOINTER value) {
  const auto n = static_cast<SQLULEN>(reinterpret_cast<uintptr_t>(value));
  switch (attr) {
    case SQL_ATTR_MAX_ROWS:
      s->max_rows = n;
      return SQL_SUCCESS;
    case SQL_ATTR_QUERY_TIMEOUT:
      s->query_timeout = n;
      return SQL_SUCCESS;
    case SQL_ATTR_ROW_ARRAY_SIZE:
    case SQL_ROWSET_SIZE:
      if (n == 0) return s->Error("HY024", "jirasql: the row array size must be at least 1");
      s->row_array_size = n;
      return SQL_SUCCESS;
    case SQL_ATTR_ROW_BIND_TYPE:
      s->bind_type = n;
      return SQL_SUCCESS;
    case SQL_ATTR_ROWS_FETCHED_PTR:
      s->rows_fetched = value;
      return SQL_SUCCESS;
    case SQL_ATTR_ROW_STATUS_PTR:
      s->row_status = static_cast<SQLUSMALLINT*>(value);
      return SQL_SUCCESS;
    case SQL_ATTR_ROW_BIND_OFFSET_PTR:
      s->bind_offset = static_cast<SQLLEN*>(value);
      return SQL_SUCCESS;
    case SQL_ATTR_CURSOR_TYPE:
      if (n != SQL_CURSOR_FORWARD_ONLY) {
        s->Warn("01S02", "jirasql: the cursor is forward-only");
        return SQL_SUCCESS_WITH_INFO;
      }
      return SQL_SUCCESS;
    case SQL_ATTR_NOSCAN:
      s->noscan = n == SQL_NOSCAN_ON;
      return SQL_SUCCESS;
    case SQL_ATTR_CONCURRENCY:
    case SQL_ATTR_MAX_LENGTH:
    case SQL_ATTR_RETRIEVE_DATA:
    case SQL_ATTR_USE_BOOKMARKS:
    case SQL_ATTR_CURSOR_SCROLLABLE:
    case SQL_ATTR_CURSOR_SENSITIVITY:
    case SQL_ATTR_PARAMSET_SIZE:
    case SQL_ATTR_PARAM_BIND_TYPE:
    case SQL_ATTR_PARAMS_PROCESSED_PTR:
    case SQL_ATTR_PARAM_STATUS_PTR:
    case SQL_ATTR_ASYNC_ENABLE:
      return SQL_SUCCESS;
    default:
      return s->Error("HY092", "jirasql: statement attribute " + std::to_string(attr) + " is not known");
  }
}

SQLRETURN GetStmtAttr(Stmt* s, SQLINTEGER attr, SQLPOINTER value, SQLINTEGER* len) {
  SQLULEN v = 0;
  switch (attr) {
    case SQL_ATTR_MAX_ROWS:
      v = s->max_rows;
      break;
    case SQL_ATTR_QUERY_TIMEOUT:
      v = s->query_timeout;
      break;
    case SQL_ATTR_ROW_ARRAY_SIZE:
    case SQL_ROWSET_SIZE:
      v = s->row_array_size;
      break;
    case SQL_ATTR_ROW_BIND_TYPE:
      v = s->bind_type;
      break;
    case SQL_ATTR_CURSOR_TYPE:
      v = SQL_CURSOR_FORWARD_ONLY;
      break;
    case SQL_ATTR_CONCURRENCY:
      v = SQL_CONCUR_READ_ONLY;
      break;
    case SQL_ATTR_CURSOR_SCROLLABLE:
      v = SQL_NONSCROLLABLE;
      break;
    case SQL_ATTR_ROW_NUMBER:
      v = s->fetched;
      break;
    case SQL_ATTR_APP_ROW_DESC:
    case SQL_ATTR_APP_PARAM_DESC:
    case SQL_ATTR_IMP_ROW_DESC:
    case SQL_ATTR_IMP_PARAM_DESC:
      // Descriptors are not separate objects here: the statement stands
      // for them (applications that only pass them back work).
      v = reinterpret_cast<SQLULEN>(s);
      break;
    default:
      return s->Error("HY092", "jirasql: statement attribute " + std::to_string(attr) + " is not known");
  }
  if (value) std::memcpy(value, &v, sizeof v);
  if (len) *len = sizeof v;
  return SQL_SUCCESS;
}

}  // namespace

JIRASQL_ODBC_API SQLRETURN SQL_API SQLSetStmtAttr(SQLHSTMT h, SQLINTEGER attr, SQLPOINTER value, SQLINTEGER) {
  STMT_ENTRY(h)
  return Guard(s, [&] { return SetStmtAttr(s, attr, value); });
}
JIRASQL_ODBC_API SQLRETURN SQL_API SQLSetStmtAttrW(SQLHSTMT h, SQLINTEGER attr, SQLPOINTER value, SQLINTEGER) {
  STMT_ENTRY(h)
  return Guard(s, [&] { return SetStmtAttr(s, attr, value); });
}
JIRASQL_ODBC_API SQLRETURN SQL_API SQLGetStmtAttr(SQLHSTMT h, SQLINTEGER attr, SQLPOINTER value, SQLINTEGER,
                                                  SQLINTEGER* len) {
  STMT_ENTRY(h)
  return Guard(s, [&] { return GetStmtAttr(s, attr, value, len); });
}
JIRASQL_ODBC_API SQLRETURN SQL_API SQLGetStmtAttrW(SQLHSTMT h, SQLINTEGER attr, SQLPOINTER value, SQLINTEGER,
                                                   SQLINTEGER* len) {
  STMT_ENTRY(h)
  return Guard(s, [&] { return GetStmtAttr(s, attr, value, len); });
}

// ---- diagnostics -------------------------------------------------------------------

JIRASQL_ODBC_API SQLRETURN SQL_API SQLGetDiagRec(SQLSMALLINT kind, SQLHANDLE h, SQLSMALLINT rec, SQLCHAR* state,
                                                 SQLINTEGER* native, SQLCHAR* message, SQLSMALLINT cap,
                                                 SQLSMALLINT* len) {
  std::string st, msg;
  SQLRETURN rc = DiagRecOf(kind, h, rec, &st, &msg);
  if (rc != SQL_SUCCESS) return rc;
  if (state) std::memcpy(state, st.c_str(), 6);
  if (native) *native = 0;
  Handle scratch(kind);
  return Out(&scratch, msg, message, cap, len);
}

JIRASQL_ODBC_API SQLRETURN SQL_API SQLGetDiagRecW(SQLSMALLINT kind, SQLHANDLE h, SQLSMALLINT rec, SQLWCHAR* state,
                                                  SQLINTEGER* native, SQLWCHAR* message, SQLSMALLINT cap,
                                                  SQLSMALLINT* len) {
  std::string st, msg;
  SQLRETURN rc = DiagRecOf(kind, h, rec, &st, &msg);
  if (rc != SQL_SUCCESS) return rc;
  if (state) {
    for (int i = 0; i < 5; ++i) state[i] = static_cast<SQLWCHAR>(st[static_cast<std::size_t>(i)]);
    state[5] = 0;
  }
  if (native) *native = 0;
  Handle scratch(kind);
  return OutW(&scratch, msg, message, cap, len, false);
}

namespace {

SQLRETURN DiagField(SQLSMALLINT kind, SQLHANDLE h, SQLSMALLINT rec, SQLSMALLINT field, SQLPOINTER info, SQLSMALLINT cap,
                    SQLSMALLINT* len, bool wide) {
  auto* handle = static_cast<Handle*>(h);
  if (!handle || handle->kind != kind) return SQL_INVALID_HANDLE;
  if (field == SQL_DIAG_NUMBER) {
    const SQLINTEGER n = static_cast<SQLINTEGER>(handle->diags.size());
    if (info) std::memcpy(info, &n, sizeof n);
    return SQL_SUCCESS;
  }
  if (field == SQL_DIAG_RETURNCODE) return SQL_SUCCESS;
  if (field == SQL_DIAG_ROW_COUNT && kind == SQL_HANDLE_STMT) {
    const SQLLEN n = static_cast<Stmt*>(handle)->row_count;
    if (info) std::memcpy(info, &n, sizeof n);
    return SQL_SUCCESS;
  }
  if (rec < 1 || static_cast<std::size_t>(rec) > handle->diags.size()) return SQL_NO_DATA;
  const DiagRec& d = handle->diags[static_cast<std::size_t>(rec - 1)];
  std::string text;
  switch (field) {
    case SQL_DIAG_SQLSTATE:
      text = d.state;
      break;
    case SQL_DIAG_MESSAGE_TEXT:
      text = d.message;
      break;
    case SQL_DIAG_CLASS_ORIGIN:
    case SQL_DIAG_SUBCLASS_ORIGIN:
      text = d.state.rfind("IM", 0) == 0 ? "ODBC 3.0" : "ISO 9075";
      break;
    case SQL_DIAG_CONNECTION_NAME:
    case SQL_DIAG_SERVER_NAME:
      text = "";
      break;
    case SQL_DIAG_NATIVE: {
      const SQLINTEGER n = 0;
      if (info) std::memcpy(info, &n, sizeof n);
      return SQL_SUCCESS;
    }
    default:
      return SQL_ERROR;
  }
  Handle scratch(kind);
  if (wide) return OutW(&scratch, text, static_cast<SQLWCHAR*>(info), cap, len, /*cap_in_bytes=*/true);
  return Out(&scratch, text, static_cast<SQLCHAR*>(info), cap, len);
}

}  // namespace

JIRASQL_ODBC_API SQLRETURN SQL_API SQLGetDiagField(SQLSMALLINT kind, SQLHANDLE h, SQLSMALLINT rec, SQLSMALLINT field,
                                                   SQLPOINTER info, SQLSMALLINT cap, SQLSMALLINT* len) {
  return DiagField(kind, h, rec, field, info, cap, len, false);
}
JIRASQL_ODBC_API SQLRETURN SQL_API SQLGetDiagFieldW(SQLSMALLINT kind, SQLHANDLE h, SQLSMALLINT rec, SQLSMALLINT field,
                                                    SQLPOINTER info, SQLSMALLINT cap, SQLSMALLINT* len) {
  return DiagField(kind, h, rec, field, info, cap, len, true);
}

// ---- catalogue entry points -------------------------------------------------

namespace {

// A catalogue function's name argument: NULL is "any" (an empty pattern).
template <class Char>
std::string Arg(Char* text, SQLSMALLINT len) {
  return text ? In(text, len) : std::string();
}

}  // namespace

JIRASQL_ODBC_API SQLRETURN SQL_API SQLTables(SQLHSTMT h, SQLCHAR* cat, SQLSMALLINT cat_len, SQLCHAR* schema,
                                             SQLSMALLINT schema_len, SQLCHAR* table, SQLSMALLINT table_len,
                                             SQLCHAR* types, SQLSMALLINT types_len) {
  STMT_ENTRY(h)
  return Guard(s, [&] {
    return Tables(s, Arg(cat, cat_len), Arg(schema, schema_len), Arg(table, table_len), Arg(types, types_len));
  });
}
JIRASQL_ODBC_API SQLRETURN SQL_API SQLTablesW(SQLHSTMT h, SQLWCHAR* cat, SQLSMALLINT cat_len, SQLWCHAR* schema,
                                              SQLSMALLINT schema_len, SQLWCHAR* table, SQLSMALLINT table_len,
                                              SQLWCHAR* types, SQLSMALLINT types_len) {
  STMT_ENTRY(h)
  return Guard(s, [&] {
    return Tables(s, Arg(cat, cat_len), Arg(schema, schema_len), Arg(table, table_len), Arg(types, types_len));
  });
}

JIRASQL_ODBC_API SQLRETURN SQL_API SQLColumns(SQLHSTMT h, SQLCHAR*, SQLSMALLINT, SQLCHAR*, SQLSMALLINT, SQLCHAR* table,
                                              SQLSMALLINT table_len, SQLCHAR* column, SQLSMALLINT column_len) {
  STMT_ENTRY(h)
  return Guard(s, [&] { return Columns(s, Arg(table, table_len), Arg(column, column_len)); });
}
JIRASQL_ODBC_API SQLRETURN SQL_API SQLColumnsW(SQLHSTMT h, SQLWCHAR*, SQLSMALLINT, SQLWCHAR*, SQLSMALLINT,
                                               SQLWCHAR* table, SQLSMALLINT table_len, SQLWCHAR* column,
                                               SQLSMALLINT column_len) {
  STMT_ENTRY(h)
  return Guard(s, [&] { return Columns(s, Arg(table, table_len), Arg(column, column_len)); });
}

JIRASQL_ODBC_API SQLRETURN SQL_API SQLGetTypeInfo(SQLHSTMT h, SQLSMALLINT type) {
  STMT_ENTRY(h)
  return Guard(s, [&] { return TypeInfo(s, type); });
}
JIRASQL_ODBC_API SQLRETURN SQL_API SQLGetTypeInfoW(SQLHSTMT h, SQLSMALLINT type) {
  STMT_ENTRY(h)
  return Guard(s, [&] { return TypeInfo(s, type); });
}

JIRASQL_ODBC_API SQLRETURN SQL_API SQLPrimaryKeys(SQLHSTMT h, SQLCHAR*, SQLSMALLINT, SQLCHAR*, SQLSMALLINT,
                                                  SQLCHAR* table, SQLSMALLINT table_len) {
  STMT_ENTRY(h)
  return Guard(s, [&] { return PrimaryKeys(s, Arg(table, table_len)); });
}
JIRASQL_ODBC_API SQLRETURN SQL_API SQLPrimaryKeysW(SQLHSTMT h, SQLWCHAR*, SQLSMALLINT, SQLWCHAR*, SQLSMALLINT,
                                                   SQLWCHAR* table, SQLSMALLINT table_len) {
  STMT_ENTRY(h)
  return Guard(s, [&] { return PrimaryKeys(s, Arg(table, table_len)); });
}

JIRASQL_ODBC_API SQLRETURN SQL_API SQLForeignKeys(SQLHSTMT h, SQLCHAR*, SQLSMALLINT, SQLCHAR*, SQLSMALLINT,
                                                  SQLCHAR* pk_table, SQLSMALLINT pk_len, SQLCHAR*, SQLSMALLINT,
                                                  SQLCHAR*, SQLSMALLINT, SQLCHAR* fk_table, SQLSMALLINT fk_len) {
  STMT_ENTRY(h)
  return Guard(s, [&] { return ForeignKeys(s, Arg(pk_table, pk_len), Arg(fk_table, fk_len)); });
}
JIRASQL_ODBC_API SQLRETURN SQL_API SQLForeignKeysW(SQLHSTMT h, SQLWCHAR*, SQLSMALLINT, SQLWCHAR*, SQLSMALLINT,
                                                   SQLWCHAR* pk_table, SQLSMALLINT pk_len, SQLWCHAR*, SQLSMALLINT,
                                                   SQLWCHAR*, SQLSMALLINT, SQLWCHAR* fk_table, SQLSMALLINT fk_len) {
  STMT_ENTRY(h)
  return Guard(s, [&] { return ForeignKeys(s, Arg(pk_table, pk_len), Arg(fk_table, fk_len)); });
}

// ---- SQLNativeSql ------------------------------------------------------------------

JIRASQL_ODBC_API SQLRETURN SQL_API SQLNativeSql(SQLHDBC h, SQLCHAR* in, SQLINTEGER in_len, SQLCHAR* out, SQLINTEGER cap,
                                                SQLINTEGER* out_len) {
  Dbc* c = As<Dbc>(h, SQL_HANDLE_DBC);
  return Guard(c, [&]() -> SQLRETURN {
    c->diags.clear();
    auto sql = RewriteEscapes(In(in, in_len));
    if (!sql) return c->Error("42000", "jirasql: " + sql.error().message);
    return Out(c, *sql, out, cap, out_len);
  });
}
JIRASQL_ODBC_API SQLRETURN SQL_API SQLNativeSqlW(SQLHDBC h, SQLWCHAR* in, SQLINTEGER in_len, SQLWCHAR* out,
                                                 SQLINTEGER cap, SQLINTEGER* out_len) {
  Dbc* c = As<Dbc>(h, SQL_HANDLE_DBC);
  return Guard(c, [&]() -> SQLRETURN {
    c->diags.clear();
    auto sql = RewriteEscapes(In(in, in_len));
    if (!sql) return c->Error("42000", "jirasql: " + sql.error().message);
    return OutW(c, *sql, out, cap, out_len, false);
  });
}

JIRASQL_ODBC_API SQLRETURN SQL_API SQLStatistics(SQLHSTMT h, SQLCHAR*, SQLSMALLINT, SQLCHAR*, SQLSMALLINT,
                                                 SQLCHAR* table, SQLSMALLINT table_len, SQLUSMALLINT unique,
                                                 SQLUSMALLINT) {
  STMT_ENTRY(h)
  return Guard(s, [&] { return Statistics(s, Arg(table, table_len), unique); });
}
JIRASQL_ODBC_API SQLRETURN SQL_API SQLStatisticsW(SQLHSTMT h, SQLWCHAR*, SQLSMALLINT, SQLWCHAR*, SQLSMALLINT,
                                                  SQLWCHAR* table, SQLSMALLINT table_len, SQLUSMALLINT unique,
                                                  SQLUSMALLINT) {
  STMT_ENTRY(h)
  return Guard(s, [&] { return Statistics(s, Arg(table, table_len), unique); });
}

JIRASQL_ODBC_API SQLRETURN SQL_API SQLSpecialColumns(SQLHSTMT h, SQLUSMALLINT type, SQLCHAR*, SQLSMALLINT, SQLCHAR*,
                                                     SQLSMALLINT, SQLCHAR* table, SQLSMALLINT table_len, SQLUSMALLINT,
                                                     SQLUSMALLINT) {
  STMT_ENTRY(h)
  return Guard(s, [&] { return SpecialColumns(s, type, Arg(table, table_len)); });
}
JIRASQL_ODBC_API SQLRETURN SQL_API SQLSpecialColumnsW(SQLHSTMT h, SQLUSMALLINT type, SQLWCHAR*, SQLSMALLINT, SQLWCHAR*,
                                                      SQLSMALLINT, SQLWCHAR* table, SQLSMALLINT table_len, SQLUSMALLINT,
                                                      SQLUSMALLINT) {
  STMT_ENTRY(h)
  return Guard(s, [&] { return SpecialColumns(s, type, Arg(table, table_len)); });
}

JIRASQL_ODBC_API SQLRETURN SQL_API SQLProcedures(SQLHSTMT h, SQLCHAR*, SQLSMALLINT, SQLCHAR*, SQLSMALLINT,
                                                 SQLCHAR* proc, SQLSMALLINT proc_len) {
  STMT_ENTRY(h)
  return Guard(s, [&] { return Procedures(s, Arg(proc, proc_len)); });
}
JIRASQL_ODBC_API SQLRETURN SQL_API SQLProceduresW(SQLHSTMT h, SQLWCHAR*, SQLSMALLINT, SQLWCHAR*, SQLSMALLINT,
                                                  SQLWCHAR* proc, SQLSMALLINT proc_len) {
  STMT_ENTRY(h)
  return Guard(s, [&] { return Procedures(s, Arg(proc, proc_len)); });
}

JIRASQL_ODBC_API SQLRETURN SQL_API SQLProcedureColumns(SQLHSTMT h, SQLCHAR*, SQLSMALLINT, SQLCHAR*, SQLSMALLINT,
                                                       SQLCHAR* proc, SQLSMALLINT proc_len, SQLCHAR* column,
                                                       SQLSMALLINT column_len) {
  STMT_ENTRY(h)
  return Guard(s, [&] { return ProcedureColumns(s, Arg(proc, proc_len), Arg(column, column_len)); });
}
JIRASQL_ODBC_API SQLRETURN SQL_API SQLProcedureColumnsW(SQLHSTMT h, SQLWCHAR*, SQLSMALLINT, SQLWCHAR*, SQLSMALLINT,
                                                        SQLWCHAR* proc, SQLSMALLINT proc_len, SQLWCHAR* column,
                                                        SQLSMALLINT column_len) {
  STMT_ENTRY(h)
  return Guard(s, [&] { return ProcedureColumns(s, Arg(proc, proc_len), Arg(column, column_len)); });
}
