#include "sql/output.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <ostream>
#include <set>

#include "common/base64.h"
#include "common/json_writer.h"
#include "common/strings.h"

namespace jirasql {

Result<OutputFormat> ParseOutputFormat(const std::string& name) {
  const std::string n = ToLower(name);
  if (n == "table") return OutputFormat::kTable;
  if (n == "csv") return OutputFormat::kCsv;
  if (n == "tsv") return OutputFormat::kTsv;
  if (n == "json") return OutputFormat::kJson;
  if (n == "ndjson") return OutputFormat::kNdjson;
  if (n == "markdown" || n == "md") return OutputFormat::kMarkdown;
  return Fail(ErrorCode::kInvalidArgument,
              "unknown output format '" + name + "'; use " + std::string(OutputFormatNames()));
}

const char* OutputFormatNames() { return "table, csv, tsv, json, ndjson or markdown"; }

std::vector<std::string> UniqueKeys(const std::vector<std::string>& columns) {
  // A suffix never takes the name of another column.
  std::set<std::string> taken(columns.begin(), columns.end()), given;
  std::vector<std::string> out;
  for (const auto& c : columns) {
    std::string k = c;
    if (given.count(k)) {
      for (int i = 2;; ++i) {
        k = c + "_" + std::to_string(i);
        if (!taken.count(k)) break;
      }
      taken.insert(k);
    }
    given.insert(k);
    out.push_back(std::move(k));
  }
  return out;
}

namespace {

std::string Hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out = "X'";
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out + "'";
}

// A value as text for the text formats; BLOBs as an SQL literal X'0a1b'.
// A value as text: a view of the value's own text, or of `scratch`
// holding a number or a blob's hex (reused: no allocation per value).
std::string_view CellView(const SqlValue& v, std::string* scratch) {
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* i = std::get_if<int64_t>(&v)) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *i);
    scratch->assign(buf, end);
    return *scratch;
  }
  if (auto* d = std::get_if<double>(&v)) {
    char buf[32];
    const int n = std::snprintf(buf, sizeof buf, "%.15g", *d);
    scratch->assign(buf, static_cast<std::size_t>(std::max(n, 0)));
    return *scratch;
  }
  if (auto* b = std::get_if<SqlBlob>(&v)) {
    *scratch = Hex(b->bytes);
    return *scratch;
  }
  return {};
}

std::string CellText(const SqlValue& v) {
  std::string scratch;
  return std::string(CellView(v, &scratch));
}

std::string IncompleteNote(int64_t rows) {
  return "incomplete: error after " + std::to_string(rows) + (rows == 1 ? " row" : " rows");
}

// A last line no CSV, TSV or NDJSON reader takes for data: a quote that is
// never closed (RFC 4180 readers fail with "EOF inside string"), no line
// break after it. NDJSON readers fail on it as not JSON.
std::string BrokenLastLine(int64_t rows) {
  return "\"jirasql: " + IncompleteNote(rows) + "; the result is not whole (the error is on standard error)";
}

// ---- CSV and TSV -------------------------------------------------------------

class DelimitedWriter final : public ResultWriter {
 public:
  DelimitedWriter(std::ostream& out, bool tab, OutputOptions o) : out_(out), tab_(tab), options_(o) {}
  void Begin(const std::vector<std::string>& columns) override {
    if (sets_++ > 0) out_ << EndOfLine();  // an empty line between result sets
    if (!options_.header) return;
    line_.clear();
    for (std::size_t i = 0; i < columns.size(); ++i) Field(i, columns[i]);
    line_ += EndOfLine();
    out_.write(line_.data(), static_cast<std::streamsize>(line_.size()));
  }
  // One line built in one reused buffer, written with one call.
  void Row(const SqlRow& row) override {
    line_.clear();
    for (std::size_t i = 0; i < row.size(); ++i) Field(i, CellView(row[i], &scratch_));
    line_ += EndOfLine();
    out_.write(line_.data(), static_cast<std::streamsize>(line_.size()));
  }
  void End() override {}
  void Incomplete(int64_t rows) override { out_ << BrokenLastLine(rows); }

 private:
  const char* EndOfLine() const { return tab_ ? "\n" : "\r\n"; }
  void Field(std::size_t i, std::string_view s) {
    if (i) line_ += tab_ ? '\t' : ',';
    if (tab_) {
      // Tab-separated text: backslash escapes for what would break a line
      // or a field (as PostgreSQL's COPY text format).
      for (char c : s) {
        switch (c) {
          case '\\':
            line_ += "\\\\";
            break;
          case '\t':
            line_ += "\\t";
            break;
          case '\n':
            line_ += "\\n";
            break;
          case '\r':
            line_ += "\\r";
            break;
          default:
            line_ += c;
        }
      }
      return;
    }
    if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
      line_ += s;
      return;
    }
    line_ += '"';
    for (char c : s) {
      if (c == '"') line_ += '"';
      line_ += c;
    }
    line_ += '"';
  }
  std::ostream& out_;
  bool tab_;
  OutputOptions options_;
  std::string line_;
  std::string scratch_;  ///< a number's text (CellView)
  int sets_ = 0;
};

// ---- JSON and NDJSON ---------------------------------------------------------

class JsonRowsWriter final : public ResultWriter {
 public:
  JsonRowsWriter(std::ostream& out, bool lines, OutputOptions o) : out_(out), lines_(lines), options_(o) {}
  void Begin(const std::vector<std::string>& columns) override {
    keys_.clear();
    for (const auto& k : UniqueKeys(columns)) {  // quoted once, not on every row
      keys_.emplace_back();
      JsonWriter::AppendQuoted(keys_.back(), k);
    }
    first_ = true;
    if (lines_) return;
    if (options_.several) out_ << (sets_ == 0 ? "[\n" : ",\n");
    ++sets_;
    out_ << "[";
  }
  // One object built in one reused buffer, written with one call.
  void Row(const SqlRow& row) override {
    buf_.clear();
    if (!lines_) buf_ += first_ ? "\n" : ",\n";
    JsonWriter w(buf_);
    w.BeginObject();
    for (std::size_t i = 0; i < row.size() && i < keys_.size(); ++i) {
      w.QuotedKey(keys_[i]);
      const auto& v = row[i];
      if (auto* n = std::get_if<int64_t>(&v))
        w.Int(*n);
      else if (auto* d = std::get_if<double>(&v))
        std::isfinite(*d) ? w.Double(*d) : w.Null();
      else if (auto* s = std::get_if<std::string>(&v))
        w.String(*s);
      else if (auto* b = std::get_if<SqlBlob>(&v))
        w.String(Base64Encode(b->bytes));
      else
        w.Null();
    }
    w.EndObject();
    if (lines_) buf_ += '\n';
    out_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    first_ = false;
  }
  void End() override {
    if (!lines_) out_ << (first_ ? "]" : "\n]") << (options_.several ? "" : "\n");
  }
  void Incomplete(int64_t rows) override {
    // JSON: the array (and the document) stay open, so no parser takes it
    // for a whole result. NDJSON: a last line that is not JSON.
    if (lines_)
      out_ << BrokenLastLine(rows);
    else
      out_ << "\n";
  }
  void Finish() override {
    if (!lines_ && options_.several) out_ << (sets_ == 0 ? "[]\n" : "\n]\n");
  }

 private:
  std::ostream& out_;
  bool lines_;
  OutputOptions options_;
  bool first_ = true;
  int sets_ = 0;
  std::vector<std::string> keys_;  ///< quoted
  std::string buf_;
};

// ---- tables for people ---------------------------------------------------------

// Aligned columns (line breaks and tabs shown as spaces), or a Markdown
// table. Every row is held until the result set ends, so that the columns
// line up however many rows there are: the first 8 MiB in memory, the rest
// in a temporary file, so memory stays bounded.
class TableWriter final : public ResultWriter {
 public:
  TableWriter(std::ostream& out, bool markdown, OutputOptions o) : out_(out), markdown_(markdown), options_(o) {}
  ~TableWriter() override {
    if (spill_) std::fclose(spill_);
  }

  void Begin(const std::vector<std::string>& columns) override {
    if (sets_++ > 0) out_ << "\n";
    columns_.clear();
    for (const auto& c : columns) columns_.push_back(Clean(c));
    widths_.assign(columns_.size(), markdown_ ? 3 : 0);
    if (options_.header) Measure(columns_);
    held_.clear();
    held_bytes_ = 0;
    count_ = 0;
    if (spill_) {
      std::fclose(spill_);
      spill_ = nullptr;
    }
    spilled_ = 0;
  }
  void Row(const SqlRow& row) override {
    std::vector<std::string> cells;
    cells.reserve(row.size());
    for (const auto& v : row) cells.push_back(Cell(v));
    Measure(cells);
    ++count_;
    if (held_bytes_ < kHeldBytes || !Spill(cells)) {
      for (const auto& c : cells) held_bytes_ += c.size() + sizeof(std::string);
      held_.push_back(std::move(cells));
    }
  }
  void End() override {
    Print();
    if (options_.header) out_ << "(" << count_ << (count_ == 1 ? " row)\n" : " rows)\n");
  }
  void Incomplete(int64_t rows) override {
    Print();
    out_ << "(" << IncompleteNote(rows) << ")\n";
  }

 private:
  static constexpr std::size_t kHeldBytes = 8 << 20;

  static std::size_t Width(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;  // code points, near enough
    return n;
  }
  std::string Clean(std::string s) const {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
      if (c == '\n' || c == '\r' || c == '\t')
        out += ' ';
      else if (markdown_ && c == '|')
        out += "\\|";
      else
        out += c;
    }
    return out;
  }
  // NULL shows as NULL; a text that reads "NULL" is quoted, so the two
  // never look the same.
  std::string Cell(const SqlValue& v) const {
    if (IsNull(v)) return "NULL";
    std::string text = Clean(CellText(v));
    if (std::holds_alternative<std::string>(v) && EqualsIgnoreCase(text, "NULL")) return "'" + text + "'";
    return text;
  }
  void Measure(const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size() && i < widths_.size(); ++i) {
      widths_[i] = std::max(widths_[i], Width(cells[i]));
    }
  }
  // Rows past the memory budget go to a temporary file: each cell as its
  // length and its bytes.
  bool Spill(const std::vector<std::string>& cells) {
    if (!spill_) spill_ = std::tmpfile();
    if (!spill_) return false;
    const uint64_t n = cells.size();
    std::fwrite(&n, sizeof n, 1, spill_);
    for (const auto& c : cells) {
      const uint64_t len = c.size();
      std::fwrite(&len, sizeof len, 1, spill_);
      std::fwrite(c.data(), 1, c.size(), spill_);
    }
    ++spilled_;
    return true;
  }
  void Print() {
    if (options_.header) {
      Line(columns_);
      std::vector<std::string> rule;
      for (auto w : widths_) rule.push_back(std::string(w, '-'));
      Line(rule);
    }
    for (const auto& r : held_) Line(r);
    held_.clear();
    if (spill_) {
      std::rewind(spill_);
      std::vector<std::string> cells;
      for (int64_t i = 0; i < spilled_; ++i) {
        uint64_t n = 0;
        if (std::fread(&n, sizeof n, 1, spill_) != 1) break;
        cells.assign(n, std::string());
        for (auto& c : cells) {
          uint64_t len = 0;
          if (std::fread(&len, sizeof len, 1, spill_) != 1) break;
          c.resize(len);
          if (len && std::fread(c.data(), 1, len, spill_) != len) break;
        }
        Line(cells);
      }
      std::fclose(spill_);
      spill_ = nullptr;
    }
  }
  void Line(const std::vector<std::string>& cells) {
    std::string line = markdown_ ? "| " : "";
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i) line += markdown_ ? " | " : "  ";
      line += cells[i];
      const bool last = i + 1 == cells.size();
      if ((markdown_ || !last) && i < widths_.size()) {
        std::size_t w = Width(cells[i]);
        if (w < widths_[i]) line += std::string(widths_[i] - w, ' ');
      }
    }
    if (markdown_) line += " |";
    out_ << line << "\n";
  }

  std::ostream& out_;
  bool markdown_;
  OutputOptions options_;
  std::vector<std::string> columns_;
  std::vector<std::size_t> widths_;
  std::vector<std::vector<std::string>> held_;
  std::size_t held_bytes_ = 0;
  std::FILE* spill_ = nullptr;
  int64_t spilled_ = 0;
  int64_t count_ = 0;
  int sets_ = 0;
};

}  // namespace

std::unique_ptr<ResultWriter> MakeResultWriter(OutputFormat format, std::ostream& out, OutputOptions options) {
  switch (format) {
    case OutputFormat::kCsv:
      return std::make_unique<DelimitedWriter>(out, false, options);
    case OutputFormat::kTsv:
      return std::make_unique<DelimitedWriter>(out, true, options);
    case OutputFormat::kJson:
      return std::make_unique<JsonRowsWriter>(out, false, options);
    case OutputFormat::kNdjson:
      return std::make_unique<JsonRowsWriter>(out, true, options);
    case OutputFormat::kMarkdown:
      options.header = true;  // a Markdown table cannot do without its header
      return std::make_unique<TableWriter>(out, true, options);
    default:
      return std::make_unique<TableWriter>(out, false, options);
  }
}

}  // namespace jirasql
