#include "sql/engine.h"

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <map>
#include <ostream>
#include <set>

#include "common/json_writer.h"
#include "common/strings.h"
#include "common/time.h"
#include "pg/pg.h"
#include "sql/schema.h"
#include "sql/sqlite_module.h"
#include "sql/sync.h"

namespace jirasql {

namespace {

SqlValue ColumnValue(sqlite3_stmt* st, int i) {
  switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER:
      return static_cast<int64_t>(sqlite3_column_int64(st, i));
    case SQLITE_FLOAT:
      return sqlite3_column_double(st, i);
    case SQLITE_NULL:
      return SqlValue{};
    case SQLITE_BLOB: {
      const auto* p = static_cast<const char*>(sqlite3_column_blob(st, i));
      return SqlBlob{std::string(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(st, i)))};
    }
    default: {
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
      return std::string(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(st, i)));
    }
  }
}

// ColumnValue into `into`, reusing the string it holds for a text value.
void AssignColumnValue(sqlite3_stmt* st, int i, SqlValue* into) {
  if (sqlite3_column_type(st, i) == SQLITE_TEXT) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
    const auto len = static_cast<std::size_t>(sqlite3_column_bytes(st, i));
    if (auto* s = std::get_if<std::string>(into)) {
      s->assign(p ? p : "", len);
      return;
    }
    *into = std::string(p ? p : "", len);
    return;
  }
  *into = ColumnValue(st, i);
}

bool StartsWithWord(const std::string& s, const char* word) {
  std::size_t n = std::strlen(word);
  return s.size() >= n && EqualsIgnoreCase(std::string_view(s).substr(0, n), word) &&
         (s.size() == n || std::isspace(static_cast<unsigned char>(s[n])));
}

bool IsExec(const std::string& stmt) { return StartsWithWord(stmt, "EXEC") || StartsWithWord(stmt, "EXECUTE"); }

std::string Abbrev(const std::string& stmt) {
  std::string s(Trim(stmt));
  for (auto& c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return s.size() > 80 ? s.substr(0, 77) + "..." : s;
}

}  // namespace

std::vector<std::string> SplitStatements(const std::string& sql) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!Trim(cur).empty()) out.emplace_back(Trim(cur));
    cur.clear();
  };
  for (std::size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (c == '\'' || c == '"' || c == '`' || c == '[') {
      char close = c == '[' ? ']' : c;
      cur += c;
      for (++i; i < sql.size(); ++i) {
        cur += sql[i];
        if (sql[i] == close) {
          if (close != ']' && i + 1 < sql.size() && sql[i + 1] == close) {  // doubled quote
            cur += sql[++i];
            continue;
          }
          break;
        }
      }
      continue;
    }
    if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      while (i < sql.size() && sql[i] != '\n') ++i;
      cur += '\n';
      continue;
    }
    if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      auto end = sql.find("*/", i + 2);
      i = end == std::string::npos ? sql.size() : end + 1;
      cur += ' ';
      continue;
    }
    if (c == ';') {
      flush();
      continue;
    }
    cur += c;
  }
  flush();
  return out;
}

Result<ExecStatement> ParseExec(const std::string& text) {
  std::string s(Trim(text));
  std::size_t i = 0;
  auto skip = [&] {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  };
  auto word = [&] {
    std::size_t start = i;
    while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) ++i;
    return s.substr(start, i - start);
  };
  const std::string usage = "write EXEC ProcedureName Param='value', Param2='value'";
  std::string kw = word();
  if (!EqualsIgnoreCase(kw, "EXEC") && !EqualsIgnoreCase(kw, "EXECUTE")) {
    return Fail(ErrorCode::kInvalidArgument, "not an EXEC statement; " + usage);
  }
  skip();
  ExecStatement e;
  e.procedure = word();
  if (e.procedure.empty()) return Fail(ErrorCode::kInvalidArgument, "EXEC needs a procedure name; " + usage);
  skip();
  while (i < s.size()) {
    std::size_t at = i;
    if (i < s.size() && s[i] == '@') ++i;  // T-SQL habit: @Param
    std::string name = word();
    skip();
    if (name.empty() || i >= s.size() || s[i] != '=') {
      return Fail(ErrorCode::kInvalidArgument, "EXEC " + e.procedure + ": expected Param='value' at character " +
                                                   std::to_string(at + 1) + "; " + usage);
    }
    ++i;
    skip();
    std::string value;
    if (i < s.size() && (s[i] == '\'' || s[i] == '"')) {
      const char q = s[i++];
      bool closed = false;
      while (i < s.size()) {
        if (s[i] == q) {
          if (i + 1 < s.size() && s[i + 1] == q) {
            value += q;
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        value += s[i++];
      }
      if (!closed)
        return Fail(ErrorCode::kInvalidArgument,
                    "EXEC " + e.procedure + ": the value of " + name + " has no closing quote");
    } else {
      std::size_t start = i;
      while (i < s.size() && s[i] != ',' && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
      value = s.substr(start, i - start);
      if (value == "?") e.markers.push_back(e.params.size());
    }
    e.params.emplace_back(name, value);
    skip();
    if (i < s.size()) {
      if (s[i] != ',') {
        return Fail(ErrorCode::kInvalidArgument,
                    "EXEC " + e.procedure + ": expected ',' between parameters at character " + std::to_string(i + 1));
      }
      ++i;
      skip();
    }
  }
  return e;
}

namespace {

// Mirror=FILE: the tables the mirror holds are read from it, through
// temporary views of the same names (SQLite looks in temp first), the
// others from Jira. MirrorMaxAge: sync it first when its last complete sync
// is older, or it is missing.
Result<void> OpenMirror(SqlEngine& e) {
  const ConnectionProperties& props = e.session().props();
  const std::string file = props.Get("Mirror");
  if (file.empty()) return {};
  if (pg::IsLocation(file)) {
    auto where = pg::ParseLocation(file, {"schema"});  // (shown without a password; one is refused anyway)
    return Fail(ErrorCode::kInvalidArgument,
                "Mirror=" + (where ? where->shown : std::string("postgresql://…")) +
                    ": a mirror in PostgreSQL is read in PostgreSQL (psql, a BI tool, its own ODBC driver); Mirror= "
                    "reads a mirror file made by jirasql sync --to FILE (docs/sync.md)");
  }
  const int64_t max_age_s = props.GetInt("MirrorMaxAge").value_or(-1);
  auto last_sync_ms = [&]() -> std::optional<int64_t> {
    sqlite3* m = nullptr;
    std::optional<int64_t> out;
    if (sqlite3_open_v2(file.c_str(), &m, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
      sqlite3_stmt* st = nullptr;
      if (sqlite3_prepare_v2(m, "SELECT max(FinishedAt) FROM jirasql_sync_runs WHERE Ok = 1", -1, &st, nullptr) ==
              SQLITE_OK &&
          sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_TEXT) {
        out = ParseIso8601Ms(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
      }
      sqlite3_finalize(st);
    }
    sqlite3_close(m);
    return out;
  };
  auto last = last_sync_ms();
  if (max_age_s >= 0 && (!last || EpochMs(SystemClock().Now()) - *last > max_age_s * 1000)) {
    SyncOptions o;
    o.to = file;
    auto report = RunSync(e, o);
    if (!report) return Fail(report.error());
    if (!report->ok())
      e.session().notice("Mirror " + file + ": the sync before this query was not complete:\n" + report->ToText());
    last = last_sync_ms();
  }
  if (!last && access(file.c_str(), R_OK) != 0) {
    return Fail(ErrorCode::kInvalidArgument, "Mirror=" + file + ": no such mirror; make it with jirasql sync --to " +
                                                 file + " (or set MirrorMaxAge to sync when it is older than that)");
  }
  sqlite3_stmt* st = nullptr;
  // Read-only, by URI: characters a URI gives meaning to are escaped.
  std::string uri = "file:";
  for (char c : file) {
    if (c == '%' || c == '?' || c == '#') {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(c));
      uri += hex;
    } else {
      uri += c;
    }
  }
  uri += "?mode=ro";
  std::string error;
  if (sqlite3_prepare_v2(e.db(), "ATTACH DATABASE ? AS mirror", -1, &st, nullptr) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, uri.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE) error = sqlite3_errmsg(e.db());
  } else {
    error = sqlite3_errmsg(e.db());
  }
  sqlite3_finalize(st);
  if (!error.empty()) return Fail(ErrorCode::kIo, "Mirror=" + file + ": cannot open it: " + error);
  std::vector<std::string> tables;
  if (sqlite3_prepare_v2(e.db(), "SELECT name FROM mirror.sqlite_schema WHERE type = 'table'", -1, &st, nullptr) ==
      SQLITE_OK) {
    while (sqlite3_step(st) == SQLITE_ROW) tables.push_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
  }
  sqlite3_finalize(st);
  if (std::find(tables.begin(), tables.end(), "jirasql_sync_meta") == tables.end()) {
    return Fail(ErrorCode::kInvalidArgument, "Mirror=" + file + " is not a mirror made by jirasql sync");
  }
  for (const auto& t : tables) {
    if (!FindBaseTable(t)) continue;
    const std::string sql = "CREATE TEMP VIEW \"" + t + "\" AS SELECT * FROM mirror.\"" + t + "\"";
    char* msg = nullptr;
    if (sqlite3_exec(e.db(), sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
      const std::string why = msg ? msg : "?";
      sqlite3_free(msg);
      return Fail(ErrorCode::kInternal, "Mirror=" + file + ": " + why);
    }
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<SqlEngine>> SqlEngine::Open(std::shared_ptr<Session> session) {
  std::unique_ptr<SqlEngine> e(new SqlEngine());
  e->session_ = std::move(session);
  // NOMUTEX: one engine is used by one thread at a time (SqlEngine's
  // contract), so SQLite need not lock its mutex in every call — a lock
  // and an unlock in each sqlite3_column_* call of every value written.
  if (sqlite3_open_v2(":memory:", &e->db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI,
                      nullptr) != SQLITE_OK) {
    return Fail(ErrorCode::kInternal, "cannot open an in-memory SQLite database");
  }
  std::string error;
  if (RegisterJirasqlModules(e->db_, e->session_, &error) != SQLITE_OK) return Fail(ErrorCode::kInternal, error);
  if (auto r = OpenMirror(*e); !r) return Fail(r.error());
  return e;
}

ErrorCode SqlEngine::CodeOf(ErrorCode otherwise) const {
  // The statement failed because the connection or a table's definition
  // could not be had: that failure's kind, whatever SQLite made of it.
  if (const Error* f = session_->failure()) return f->code;
  return otherwise;
}

SqlEngine::~SqlEngine() {
  if (db_) sqlite3_close_v2(db_);
}

namespace {

// "; did you mean 'StatusName', 'StatusId' or 'StatusCategory'?" for
// SQLite's "no such table: X" / "no such column: X", from jirasql's tables
// (and, for columns, those of the tables the statement names).
std::string DidYouMean(const std::string& message, const std::string& stmt) {
  if (message.find("because it is a view") != std::string::npos) {
    return "; a table read from a mirror (Mirror=, --mirror) is read-only: write through a connection without Mirror";
  }
  auto after = [&](const char* prefix) -> std::optional<std::string> {
    auto p = message.find(prefix);
    if (p == std::string::npos) return std::nullopt;
    std::string w = message.substr(p + std::strlen(prefix));
    w = w.substr(0, w.find_first_of(" \t\n("));
    if (auto dot = w.rfind('.'); dot != std::string::npos) w = w.substr(dot + 1);
    return w;
  };
  std::vector<std::string> candidates;
  std::optional<std::string> word;
  if ((word = after("no such table: "))) {
    for (const auto& t : BaseTables()) candidates.push_back(t.name);
  } else if ((word = after("no such column: "))) {
    std::vector<const TableDef*> named;
    const std::string lower = ToLower(stmt);
    auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    for (const auto& t : BaseTables()) {
      const std::string n = ToLower(t.name);
      for (auto p = lower.find(n); p != std::string::npos; p = lower.find(n, p + 1)) {
        const std::size_t e = p + n.size();
        if ((p == 0 || !is_word(lower[p - 1])) && (e >= lower.size() || !is_word(lower[e]))) {
          named.push_back(&t);
          break;
        }
      }
    }
    if (named.empty()) {
      for (const auto& t : BaseTables()) named.push_back(&t);
    }
    for (const auto* t : named) {
      for (const auto& c : t->columns) {
        if (std::find(candidates.begin(), candidates.end(), c.name) == candidates.end()) candidates.push_back(c.name);
      }
    }
  }
  if (!word || word->empty()) return "";
  std::vector<std::string> picks;
  const std::string w = ToLower(*word);
  auto add = [&](const std::string& c) {
    if (std::find(picks.begin(), picks.end(), c) == picks.end() && picks.size() < 3) picks.push_back(c);
  };
  // The start of longer names ("status"): those, the …Name one first (the
  // one people mean by the bare word).
  if (w.size() >= 3) {
    for (bool name_first : {true, false}) {
      for (const auto& c : candidates) {
        const std::string lc = ToLower(c);
        const bool is_name = lc.size() > 4 && lc.compare(lc.size() - 4, 4, "name") == 0;
        if (lc.size() > w.size() && lc.rfind(w, 0) == 0 && is_name == name_first) add(c);
      }
    }
  }
  if (picks.empty()) {
    if (auto best = ClosestMatch(*word, candidates); best && EditDistanceIgnoreCase(*word, *best) <= 2) add(*best);
  }
  if (picks.empty() && w.size() >= 3) {  // a fragment from the middle
    for (const auto& c : candidates) {
      if (ToLower(c).find(w) != std::string::npos) add(c);
    }
  }
  if (picks.empty()) {
    if (auto best = ClosestMatch(*word, candidates)) add(*best);
  }
  if (picks.empty()) return "";
  std::string out = "; did you mean ";
  for (std::size_t i = 0; i < picks.size(); ++i) {
    if (i) out += i + 1 == picks.size() ? " or " : ", ";
    out += "'" + picks[i] + "'";
  }
  return out + "?";
}

// The output stream failed (a full disk, a closed pipe): the error, with
// the system's reason when it left one.
Error WriteFailed(int saved_errno) {
  return Error{ErrorCode::kIo, std::string("cannot write the output") +
                                   (saved_errno ? std::string(": ") + std::strerror(saved_errno) : std::string()) +
                                   "; the result is not whole"};
}

}  // namespace

Result<sqlite3_stmt*> SqlEngine::Prepare(const std::string& stmt) {
  session_->ClearFailure();
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, stmt.c_str(), static_cast<int>(stmt.size()), &st, nullptr) != SQLITE_OK) {
    const std::string msg = sqlite3_errmsg(db_);
    sqlite3_finalize(st);
    return Fail(CodeOf(ErrorCode::kInvalidArgument), msg + DidYouMean(msg, stmt) + " (in: " + Abbrev(stmt) + ")");
  }
  return st;
}

Error SqlEngine::StepError(const std::string& stmt) {
  return Error{CodeOf(ErrorCode::kHttp), std::string(sqlite3_errmsg(db_)) + " (in: " + Abbrev(stmt) + ")"};
}

Result<void> SqlEngine::Run(const std::string& sql, const RunOptions& options, std::ostream& out, std::ostream& notes) {
  auto statements = SplitStatements(sql);
  if (statements.empty()) return Fail(ErrorCode::kInvalidArgument, "no SQL statement given");
  OutputOptions oo;
  oo.header = options.header;
  oo.several = statements.size() > 1;
  auto writer = MakeResultWriter(options.format, out, oo);
  // Every write is checked: a failed one ends the run with an error.
  auto written = [&]() -> Result<void> {
    if (out.good()) return Ok();
    return Fail(WriteFailed(errno));
  };
  auto before_output = [&] {
    if (options.before_output) options.before_output();
  };
  for (const auto& stmt : statements) {
    errno = 0;
    session_->ClearFailure();
    if (IsExec(stmt)) {
      auto e = ParseExec(stmt);
      if (!e) return Fail(e.error());
      if (!e->markers.empty()) {
        return Fail(ErrorCode::kInvalidArgument,
                    "EXEC " + e->procedure + ": " + e->params[e->markers[0]].first +
                        "=? is a parameter marker, which jirasql query has no value for; write the value, as " +
                        e->params[e->markers[0]].first + "='value'");
      }
      auto row = session_->Procedure(e->procedure, {e->params.begin(), e->params.end()});
      if (!row) return Fail(row.error());
      std::vector<std::string> cols;
      SqlRow values;
      for (const auto& [k, v] : *row) {
        cols.push_back(k);
        values.push_back(v);
      }
      before_output();
      writer->Begin(cols);
      writer->Row(values);
      writer->End();
      if (auto w = written(); !w) return w;
      continue;
    }
    auto prepared = Prepare(stmt);
    if (!prepared) return Fail(prepared.error());
    sqlite3_stmt* st = *prepared;
    const int n = sqlite3_column_count(st);
    std::vector<std::string> cols;
    for (int i = 0; i < n; ++i) cols.push_back(sqlite3_column_name(st, i));
    int64_t rows = 0;
    int rc;
    bool cut = false, begun = false;
    // The header goes out with the first row (or at the end): a statement
    // that fails before its first row prints only the error.
    auto begin = [&] {
      if (!begun && n > 0) {
        before_output();
        writer->Begin(cols);
      }
      begun = true;
    };
    Result<void> ok;
    SqlRow row;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      if (options.max_rows >= 0 && rows >= options.max_rows) {
        cut = true;
        break;
      }
      begin();
      // One row, reused: a text value goes into the string that held the
      // column's value of the row before (no allocation per value).
      row.resize(static_cast<std::size_t>(n));
      for (int i = 0; i < n; ++i) AssignColumnValue(st, i, &row[static_cast<std::size_t>(i)]);
      before_output();
      writer->Row(row);
      ++rows;
      if (ok = written(); !ok) break;
    }
    if (!ok) {
      sqlite3_finalize(st);
      return ok;
    }
    if (!cut && rc != SQLITE_DONE) {
      Error failed = StepError(stmt);
      sqlite3_finalize(st);
      // Rows were written: mark them as a part, never a whole.
      if (begun && n > 0) {
        before_output();
        writer->Incomplete(rows);
        out.flush();
      }
      // A connection that could not be opened for want of a property is a
      // usage error, like any other bad property.
      return Fail(std::move(failed));
    }
    sqlite3_finalize(st);
    begin();
    if (n > 0) {
      before_output();
      writer->End();
    }
    if (auto w = written(); !w) return w;
    if (cut) notes << "jirasql: stopped after --max-rows=" << options.max_rows << " rows; more rows exist\n";
  }
  writer->Finish();
  out.flush();
  return written();
}

namespace {

// The tables a statement opened but explain saw no scan of: SQLite reads
// them once per row of the tables before them (a join, a correlated
// subquery), with values known only then.
void ExplainPerRowReads(const Session& s, std::ostream& out) {
  std::map<std::string, int> scanned;
  for (const auto& r : s.reports) ++scanned[r->table];
  std::set<std::string> told;
  for (const TableDef* def : s.explain_opened) {
    if (scanned[def->name]-- > 0 || !told.insert(def->name).second) continue;
    out << "  Jira reads of " << def->name << " for each row of the tables before it (values known only then):\n";
    if (!def->carried.empty()) {
      out << "    by IssueId or IssueKey of a running Issues scan: no call of their own; that scan's requests carry "
          << Join(def->carried, ", ") << " (the issues of a page it read before the first lookup are read again "
          << "with them, 100 a call)\n"
          << "    on other values: a scan of " << def->name << " per row, with that row's values\n";
    } else {
      out << "    a scan of " << def->name << " per row, with that row's values"
          << (def->issue_search ? " (an issue search, then the table's own calls for the issue it finds)" : "") << "\n";
    }
  }
}

}  // namespace

Result<void> SqlEngine::Explain(const std::string& sql, std::ostream& out) {
  auto statements = SplitStatements(sql);
  if (statements.empty()) return Fail(ErrorCode::kInvalidArgument, "no SQL statement given");
  for (const auto& stmt : statements) {
    out << "Statement: " << Abbrev(stmt) << "\n";
    session_->ClearFailure();
    if (IsExec(stmt)) {
      auto e = ParseExec(stmt);
      if (!e) return Fail(e.error());
      out << "  runs procedure " << e->procedure << " (calls the OAuth token endpoint or opens a browser)\n";
      continue;
    }
    sqlite3_stmt* st = nullptr;
    const std::string eqp = "EXPLAIN QUERY PLAN " + stmt;
    if (sqlite3_prepare_v2(db_, eqp.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      const std::string msg = sqlite3_errmsg(db_);
      return Fail(CodeOf(ErrorCode::kInvalidArgument), msg + DidYouMean(msg, stmt) + " (in: " + Abbrev(stmt) + ")");
    }
    out << "  SQLite plan:\n";
    while (sqlite3_step(st) == SQLITE_ROW) {
      const auto* d = reinterpret_cast<const char*>(sqlite3_column_text(st, 3));
      out << "    " << (d ? d : "") << "\n";
    }
    sqlite3_finalize(st);
    // Run the statement with every scan in explain mode: each records what
    // it would ask Jira and returns no rows.
    session_->explain = true;
    session_->reports.clear();
    session_->explain_opened.clear();
    session_->write_plans.clear();
    // Which tables the statement writes (the authorizer sees them at prepare).
    struct Writes {
      std::set<std::pair<std::string, std::string>> tables;  ///< (verb, table)
      std::set<std::string> status_updates;                  ///< tables whose StatusName/StatusId an UPDATE sets
    } seen;
    auto& writes = seen.tables;
    sqlite3_set_authorizer(
        db_,
        [](void* p, int action, const char* table, const char* column, const char*, const char*) {
          auto* w = static_cast<Writes*>(p);
          const char* verb = action == SQLITE_INSERT   ? "INSERT"
                             : action == SQLITE_UPDATE ? "UPDATE"
                             : action == SQLITE_DELETE ? "DELETE"
                                                       : nullptr;
          if (verb && table) w->tables.insert({verb, table});
          if (action == SQLITE_UPDATE && table && column &&
              (EqualsIgnoreCase(column, "StatusName") || EqualsIgnoreCase(column, "StatusId")))
            w->status_updates.insert(table);
          return SQLITE_OK;
        },
        &seen);
    const int prepared = sqlite3_prepare_v2(db_, stmt.c_str(), -1, &st, nullptr);
    sqlite3_set_authorizer(db_, nullptr, nullptr);
    if (prepared != SQLITE_OK) {
      session_->explain = false;
      return Fail(ErrorCode::kInvalidArgument, std::string(sqlite3_errmsg(db_)) + " (in: " + Abbrev(stmt) + ")");
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    }
    std::string err = rc == SQLITE_DONE ? "" : sqlite3_errmsg(db_);
    sqlite3_finalize(st);
    session_->explain = false;
    if (!err.empty()) {
      return Fail(CodeOf(ErrorCode::kHttp), err + " (in: " + Abbrev(stmt) + ")");
    }
    if (session_->reports.empty() && writes.empty()) {
      out << "  No Jira table is read with values known before the run\n";
    }
    for (const auto& r : session_->reports) {
      out << "  Jira scan of " << r->table << ":\n";
      if (!r->jql.empty()) out << "    JQL:        " << r->jql << "\n";
      if (!r->fields.empty()) out << "    fields:     " << r->fields << "\n";
      if (r->page_size > 0) out << "    page size:  " << r->page_size << "\n";
      if (r->rows >= 0) out << "    issues:     about " << r->rows << " (Jira's estimate)\n";
      if (r->rows < 0 && !r->estimate_note.empty()) {
        out << "    issues:     unknown: Jira's count could not be had (" << r->estimate_note << ")\n";
      }
      // A count not known before the run is described by its note alone.
      if (r->calls >= 0) {
        out << "    API calls:  " << r->calls;
        if (!r->calls_note.empty()) out << " (" << r->calls_note << ")";
      } else {
        out << "    API calls:  " << (r->calls_note.empty() ? std::string("one per page") : r->calls_note);
      }
      out << "\n";
      // What an OAuth app's points quota would be charged (a point a
      // request, one per object returned: docs/sql.md, Rate limits).
      if (r->calls >= 0 && r->rows >= 0) {
        // A parallel scan reads the ids after its first page, then the
        // issues: those objects come twice.
        const bool ids_then_issues = r->calls_note.find("id-only") != std::string::npos;
        const int64_t objects = r->rows + (ids_then_issues ? std::max<int64_t>(0, r->rows - r->page_size) : 0);
        out << "    points:     " << (r->table == "Issues" ? "about " : "at least ") << r->calls + objects
            << (r->table == "Issues" ? "" : " (and one per " + r->table + " row)")
            << " for an OAuth app (API tokens are not metered by points)\n";
      }
    }
    if (!session_->write_plans.empty()) out << "  Writes to Jira (one call per row; none made by explain):\n";
    for (const auto& w : session_->write_plans) out << "    " << w << "\n";
    for (const auto& [verb, table] : writes) {
      const TableDef* def = FindBaseTable(table);
      if (!def || !def->write) continue;
      const std::string prefix = verb + " on " + def->name + ":";
      if (std::any_of(session_->write_plans.begin(), session_->write_plans.end(),
                      [&](const std::string& w) { return w.rfind(prefix, 0) == 0; }))
        continue;
      // UPDATE and DELETE: the rows come from the scan, which explain does not read.
      const std::string method = verb == "INSERT" ? "POST " : verb == "UPDATE" ? "PUT " : "DELETE ";
      std::string call;
      for (const auto& part : Split(def->write_api, ';')) {
        const std::string p(Trim(part));
        if (p.rfind(method, 0) == 0) call = p;
      }
      out << "  " << prefix << " " << call << ", once for each row the statement selects";
      if (verb == "UPDATE" && seen.status_updates.count(table)) {
        out << "; for the status, GET …/issue/{id}/transitions then POST …/issue/{id}/transitions";
      }
      out << "\n";
    }
    ExplainPerRowReads(*session_, out);
  }
  return Ok();
}

}  // namespace jirasql
