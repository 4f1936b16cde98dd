#include "sql/engine.h"

#include <sqlite3.h>

#include <cctype>
#include <cmath>
#include <cstring>
#include <map>
#include <ostream>

#include "common/json_writer.h"
#include "common/strings.h"
#include "sql/sqlite_module.h"

namespace jirasql {

Result<OutputFormat> ParseOutputFormat(const std::string& name) {
  if (name == "table") return OutputFormat::kTable;
  if (name == "csv") return OutputFormat::kCsv;
  if (name == "json") return OutputFormat::kJson;
  if (name == "ndjson") return OutputFormat::kNdjson;
  return Fail(ErrorCode::kInvalidArgument, "unknown output format '" + name + "'; use table, csv, json or ndjson");
}

namespace {

// ---- writers ----------------------------------------------------------------

std::string CellText(const SqlValue& v) {
  if (auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (auto* d = std::get_if<double>(&v)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.15g", *d);
    return buf;
  }
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  return "";
}

class CsvWriter final : public ResultWriter {
 public:
  explicit CsvWriter(std::ostream& out) : out_(out) {}
  void Begin(const std::vector<std::string>& columns) override {
    for (std::size_t i = 0; i < columns.size(); ++i) Field(i, columns[i]);
    out_ << "\r\n";
  }
  void Row(const SqlRow& row) override {
    for (std::size_t i = 0; i < row.size(); ++i) Field(i, CellText(row[i]));
    out_ << "\r\n";
  }
  void End() override { out_.flush(); }

 private:
  void Field(std::size_t i, const std::string& s) {
    if (i) out_ << ',';
    if (s.find_first_of(",\"\r\n") == std::string::npos) {
      out_ << s;
      return;
    }
    out_ << '"';
    for (char c : s) {
      if (c == '"') out_ << '"';
      out_ << c;
    }
    out_ << '"';
  }
  std::ostream& out_;
};

class JsonRowsWriter final : public ResultWriter {
 public:
  JsonRowsWriter(std::ostream& out, bool lines) : out_(out), lines_(lines) {}
  void Begin(const std::vector<std::string>& columns) override {
    columns_ = columns;
    first_ = true;
    if (!lines_) out_ << "[";
  }
  void Row(const SqlRow& row) override {
    buf_.clear();
    JsonWriter w(buf_);
    w.BeginObject();
    for (std::size_t i = 0; i < row.size() && i < columns_.size(); ++i) {
      w.Key(columns_[i]);
      const auto& v = row[i];
      if (auto* n = std::get_if<int64_t>(&v)) w.Int(*n);
      else if (auto* d = std::get_if<double>(&v)) std::isfinite(*d) ? w.Double(*d) : w.Null();
      else if (auto* s = std::get_if<std::string>(&v)) w.String(*s);
      else w.Null();
    }
    w.EndObject();
    if (lines_) {
      out_ << buf_ << "\n";
    } else {
      out_ << (first_ ? "\n" : ",\n") << buf_;
    }
    first_ = false;
  }
  void End() override {
    if (!lines_) out_ << (first_ ? "]\n" : "\n]\n");
    out_.flush();
  }

 private:
  std::ostream& out_;
  bool lines_;
  bool first_ = true;
  std::vector<std::string> columns_;
  std::string buf_;
};

// Aligned columns for people (line breaks shown as spaces). The widths come from the first rows; later
// rows that are wider simply run over, so memory stays bounded.
class TableWriter final : public ResultWriter {
 public:
  explicit TableWriter(std::ostream& out) : out_(out) {}
  void Begin(const std::vector<std::string>& columns) override {
    columns_ = columns;
    held_.clear();
    printed_header_ = false;
    count_ = 0;
  }
  void Row(const SqlRow& row) override {
    std::vector<std::string> cells;
    for (const auto& v : row) cells.push_back(IsNull(v) ? "NULL" : Clean(CellText(v)));
    ++count_;
    if (!printed_header_) {
      held_.push_back(std::move(cells));
      if (held_.size() >= kHeld) Flush();
      return;
    }
    Line(cells);
  }
  void End() override {
    Flush();
    out_ << "(" << count_ << (count_ == 1 ? " row)\n" : " rows)\n");
    out_.flush();
  }

 private:
  static constexpr std::size_t kHeld = 500;

  static std::size_t Width(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;  // code points, near enough
    return n;
  }
  static std::string Clean(std::string s) {
    for (auto& c : s) {
      if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    }
    return s;
  }
  void Flush() {
    if (printed_header_) return;
    printed_header_ = true;
    widths_.assign(columns_.size(), 0);
    for (std::size_t i = 0; i < columns_.size(); ++i) widths_[i] = Width(columns_[i]);
    for (const auto& r : held_) {
      for (std::size_t i = 0; i < r.size() && i < widths_.size(); ++i) widths_[i] = std::max(widths_[i], Width(r[i]));
    }
    Line(columns_);
    std::vector<std::string> rule;
    for (auto w : widths_) rule.push_back(std::string(w, '-'));
    Line(rule);
    for (const auto& r : held_) Line(r);
    held_.clear();
  }
  void Line(const std::vector<std::string>& cells) {
    std::string line;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i) line += "  ";
      line += cells[i];
      if (i + 1 < cells.size() && i < widths_.size()) {
        std::size_t w = Width(cells[i]);
        if (w < widths_[i]) line += std::string(widths_[i] - w, ' ');
      }
    }
    out_ << line << "\n";
  }

  std::ostream& out_;
  std::vector<std::string> columns_;
  std::vector<std::vector<std::string>> held_;
  std::vector<std::size_t> widths_;
  bool printed_header_ = false;
  int64_t count_ = 0;
};

SqlValue ColumnValue(sqlite3_stmt* st, int i) {
  switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER: return static_cast<int64_t>(sqlite3_column_int64(st, i));
    case SQLITE_FLOAT: return sqlite3_column_double(st, i);
    case SQLITE_NULL: return SqlValue{};
    default: {
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
      return std::string(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(st, i)));
    }
  }
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

std::unique_ptr<ResultWriter> MakeResultWriter(OutputFormat format, std::ostream& out) {
  switch (format) {
    case OutputFormat::kCsv: return std::make_unique<CsvWriter>(out);
    case OutputFormat::kJson: return std::make_unique<JsonRowsWriter>(out, false);
    case OutputFormat::kNdjson: return std::make_unique<JsonRowsWriter>(out, true);
    default: return std::make_unique<TableWriter>(out);
  }
}

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
      return Fail(ErrorCode::kInvalidArgument,
                  "EXEC " + e.procedure + ": expected Param='value' at character " + std::to_string(at + 1) + "; " + usage);
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
      if (!closed) return Fail(ErrorCode::kInvalidArgument, "EXEC " + e.procedure + ": the value of " + name + " has no closing quote");
    } else {
      std::size_t start = i;
      while (i < s.size() && s[i] != ',' && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
      value = s.substr(start, i - start);
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

Result<std::unique_ptr<SqlEngine>> SqlEngine::Open(std::shared_ptr<Session> session) {
  std::unique_ptr<SqlEngine> e(new SqlEngine());
  e->session_ = std::move(session);
  if (sqlite3_open_v2(":memory:", &e->db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    return Fail(ErrorCode::kInternal, "cannot open an in-memory SQLite database");
  }
  std::string error;
  if (RegisterJirasqlModules(e->db_, e->session_, &error) != SQLITE_OK) return Fail(ErrorCode::kInternal, error);
  return e;
}

SqlEngine::~SqlEngine() {
  if (db_) sqlite3_close_v2(db_);
}

Result<void> SqlEngine::Run(const std::string& sql, const RunOptions& options, std::ostream& out,
                            std::ostream& notes) {
  auto writer = MakeResultWriter(options.format, out);
  auto statements = SplitStatements(sql);
  if (statements.empty()) return Fail(ErrorCode::kInvalidArgument, "no SQL statement given");
  for (const auto& stmt : statements) {
    if (IsExec(stmt)) {
      auto e = ParseExec(stmt);
      if (!e) return Fail(e.error());
      auto row = session_->Procedure(e->procedure, {e->params.begin(), e->params.end()});
      if (!row) return Fail(row.error());
      std::vector<std::string> cols;
      SqlRow values;
      for (const auto& [k, v] : *row) {
        cols.push_back(k);
        values.push_back(v);
      }
      writer->Begin(cols);
      writer->Row(values);
      writer->End();
      continue;
    }
    sqlite3_stmt* st = nullptr;
    const char* tail = nullptr;
    if (sqlite3_prepare_v2(db_, stmt.c_str(), static_cast<int>(stmt.size()), &st, &tail) != SQLITE_OK) {
      return Fail(ErrorCode::kInvalidArgument, std::string(sqlite3_errmsg(db_)) + " (in: " + Abbrev(stmt) + ")");
    }
    const int n = sqlite3_column_count(st);
    std::vector<std::string> cols;
    for (int i = 0; i < n; ++i) cols.push_back(sqlite3_column_name(st, i));
    int64_t rows = 0;
    int rc;
    bool cut = false, begun = false;
    // The header goes out with the first row (or at the end): a statement
    // that fails before its first row prints only the error.
    auto begin = [&] {
      if (!begun && n > 0) writer->Begin(cols);
      begun = true;
    };
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      if (options.max_rows >= 0 && rows >= options.max_rows) {
        cut = true;
        break;
      }
      begin();
      SqlRow row;
      row.reserve(static_cast<std::size_t>(n));
      for (int i = 0; i < n; ++i) row.push_back(ColumnValue(st, i));
      writer->Row(row);
      ++rows;
    }
    if (cut || rc == SQLITE_DONE) begin();
    if (begun && n > 0) writer->End();
    if (!cut && rc != SQLITE_DONE) {
      std::string msg = sqlite3_errmsg(db_);
      sqlite3_finalize(st);
      return Fail(ErrorCode::kHttp, msg + " (in: " + Abbrev(stmt) + ")");
    }
    sqlite3_finalize(st);
    if (cut) notes << "jirasql: stopped after --max-rows=" << options.max_rows << " rows; more rows exist\n";
  }
  return Ok();
}

Result<void> SqlEngine::Explain(const std::string& sql, std::ostream& out) {
  auto statements = SplitStatements(sql);
  if (statements.empty()) return Fail(ErrorCode::kInvalidArgument, "no SQL statement given");
  for (const auto& stmt : statements) {
    out << "Statement: " << Abbrev(stmt) << "\n";
    if (IsExec(stmt)) {
      auto e = ParseExec(stmt);
      if (!e) return Fail(e.error());
      out << "  runs procedure " << e->procedure << " (calls the OAuth token endpoint or opens a browser)\n";
      continue;
    }
    sqlite3_stmt* st = nullptr;
    const std::string eqp = "EXPLAIN QUERY PLAN " + stmt;
    if (sqlite3_prepare_v2(db_, eqp.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      return Fail(ErrorCode::kInvalidArgument, std::string(sqlite3_errmsg(db_)) + " (in: " + Abbrev(stmt) + ")");
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
    if (sqlite3_prepare_v2(db_, stmt.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      session_->explain = false;
      return Fail(ErrorCode::kInvalidArgument, std::string(sqlite3_errmsg(db_)) + " (in: " + Abbrev(stmt) + ")");
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    }
    std::string err = rc == SQLITE_DONE ? "" : sqlite3_errmsg(db_);
    sqlite3_finalize(st);
    session_->explain = false;
    if (!err.empty()) return Fail(ErrorCode::kHttp, err + " (in: " + Abbrev(stmt) + ")");
    if (session_->reports.empty()) out << "  No Jira table is read with values known before the run\n";
    for (const auto& r : session_->reports) {
      out << "  Jira scan of " << r->table << ":\n";
      if (!r->jql.empty()) out << "    JQL:        " << r->jql << "\n";
      if (!r->fields.empty()) out << "    fields:     " << r->fields << "\n";
      if (r->page_size > 0) out << "    page size:  " << r->page_size << "\n";
      if (r->rows >= 0) out << "    issues:     about " << r->rows << " (Jira's estimate)\n";
      out << "    API calls:  " << (r->calls >= 0 ? std::to_string(r->calls) : std::string("one per page"));
      if (!r->calls_note.empty()) out << " (" << r->calls_note << ")";
      out << "\n";
    }
    out << "  Tables joined on values from other rows are read once per outer row, with those values as JQL.\n";
  }
  return Ok();
}

}  // namespace jirasql
