#include "odbc/escapes.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <vector>

#include "common/strings.h"
#include "sql/engine.h"
#include "sql/jira_procedures.h"

namespace jirasql::odbc {

namespace {

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool IsWord(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Copies a quoted run (a literal, a quoted identifier) from s[i], its
// closing quote doubled inside standing for itself.
void CopyQuoted(std::string_view s, std::size_t& i, char close, std::string& out) {
  out += s[i++];
  while (i < s.size()) {
    const char c = s[i++];
    out += c;
    if (c != close) continue;
    if (close != ']' && i < s.size() && s[i] == close) {
      out += s[i++];
      continue;
    }
    return;
  }
}

// The comma-separated arguments of a call, each trimmed (quotes and
// parentheses respected).
std::vector<std::string> Arguments(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '\'' || c == '"') {
      CopyQuoted(text, i, c, cur);
      continue;
    }
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      out.emplace_back(Trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
    ++i;
  }
  if (!Trim(cur).empty() || !out.empty()) out.emplace_back(Trim(cur));
  return out;
}

Result<std::string> Unsupported(const std::string& what) {
  return Fail(ErrorCode::kInvalidArgument,
              what + " is not supported by jirasql's ODBC driver; write it in SQLite's SQL (docs/sql.md)");
}

// {ts 'yyyy-mm-dd hh:mm:ss[.f…]'} as jirasql's UTC text.
Result<std::string> TimestampLiteral(std::string_view body) {
  std::string_view t = Trim(body);
  if (t.size() < 2 || t.front() != '\'' || t.back() != '\'') {
    return Fail(ErrorCode::kInvalidArgument, "{ts …} takes a quoted literal: {ts 'yyyy-mm-dd hh:mm:ss'}");
  }
  std::string v(t.substr(1, t.size() - 2));
  auto digits = [&](std::size_t at, std::size_t n) {
    if (at + n > v.size()) return false;
    for (std::size_t k = at; k < at + n; ++k) {
      if (!std::isdigit(static_cast<unsigned char>(v[k]))) return false;
    }
    return true;
  };
  if (!(digits(0, 4) && v.size() >= 19 && v[4] == '-' && digits(5, 2) && v[7] == '-' && digits(8, 2) &&
        (v[10] == ' ' || v[10] == 'T') && digits(11, 2) && v[13] == ':' && digits(14, 2) && v[16] == ':' &&
        digits(17, 2))) {
    return Fail(ErrorCode::kInvalidArgument,
                "{ts '" + v.substr(0, 40) + "'} is not a timestamp: write {ts " + "'yyyy-mm-dd hh:mm:ss[.fff]'}");
  }
  std::string millis = "000";
  std::size_t i = 19;
  if (i < v.size() && v[i] == '.') {
    std::size_t k = 0;
    for (++i; i < v.size() && std::isdigit(static_cast<unsigned char>(v[i])); ++i, ++k) {
      if (k < 3) millis[k] = v[i];
    }
  }
  if (i != v.size() && !(i + 1 == v.size() && v[i] == 'Z')) {
    return Fail(ErrorCode::kInvalidArgument, "{ts '" + v.substr(0, 40) + "'} has text after its time");
  }
  return "'" + v.substr(0, 10) + "T" + v.substr(11, 8) + "." + millis + "Z'";
}

// SQLite's timestamp text for a computed instant.
std::string Iso(const std::string& expr, const std::string& modifier = "") {
  return "strftime('%Y-%m-%dT%H:%M:%fZ', " + expr + (modifier.empty() ? "" : ", " + modifier) + ")";
}

std::string Part(const char* format, const std::string& x) {
  return "CAST(strftime('" + std::string(format) + "', " + x + ") AS INTEGER)";
}

// {fn NAME(args)} in SQLite.
Result<std::string> Function(std::string_view text) {
  text = Trim(text);
  std::size_t n = 0;
  while (n < text.size() && IsWord(text[n])) ++n;
  const std::string name = Upper(text.substr(0, n));
  std::string_view rest = Trim(text.substr(n));
  std::vector<std::string> a;
  if (!rest.empty()) {
    if (rest.front() != '(' || rest.back() != ')') {
      return Fail(ErrorCode::kInvalidArgument,
                  "{fn " + std::string(text.substr(0, 40)) + "} is not a function call: write {fn NAME(arguments)}");
    }
    a = Arguments(rest.substr(1, rest.size() - 2));
  }
  auto need = [&](std::size_t lo, std::size_t hi) -> Result<void> {
    if (a.size() >= lo && a.size() <= hi) return Ok();
    return Fail(ErrorCode::kInvalidArgument, "{fn " + name + "} takes " + std::to_string(lo) +
                                                 (hi != lo ? " to " + std::to_string(hi) : "") + " argument(s), not " +
                                                 std::to_string(a.size()));
  };
  static const std::map<std::string, std::string> kRenamed = {{"UCASE", "upper"},
                                                              {"LCASE", "lower"},
                                                              {"LENGTH", "length"},
                                                              {"CHAR_LENGTH", "length"},
                                                              {"CHARACTER_LENGTH", "length"},
                                                              {"LTRIM", "ltrim"},
                                                              {"RTRIM", "rtrim"},
                                                              {"REPLACE", "replace"},
                                                              {"SUBSTRING", "substr"},
                                                              {"ABS", "abs"},
                                                              {"ROUND", "round"},
                                                              {"SQRT", "sqrt"},
                                                              {"FLOOR", "floor"},
                                                              {"CEILING", "ceiling"},
                                                              {"POWER", "power"},
                                                              {"EXP", "exp"},
                                                              {"LOG", "ln"},
                                                              {"LOG10", "log10"},
                                                              {"SIGN", "sign"},
                                                              {"PI", "pi"},
                                                              {"IFNULL", "ifnull"},
                                                              {"ASCII", "unicode"},
                                                              {"CHAR", "char"},
                                                              {"SIN", "sin"},
                                                              {"COS", "cos"},
                                                              {"TAN", "tan"},
                                                              {"DEGREES", "degrees"},
                                                              {"RADIANS", "radians"}};
  if (auto it = kRenamed.find(name); it != kRenamed.end()) return it->second + "(" + Join(a, ", ") + ")";
  if (name == "CONCAT") {
    if (auto r = need(2, 2); !r) return Fail(r.error());
    return "(" + a[0] + " || " + a[1] + ")";
  }
  if (name == "MOD") {
    if (auto r = need(2, 2); !r) return Fail(r.error());
    return "(" + a[0] + " % " + a[1] + ")";
  }
  if (name == "LEFT") {
    if (auto r = need(2, 2); !r) return Fail(r.error());
    return "substr(" + a[0] + ", 1, " + a[1] + ")";
  }
  if (name == "RIGHT") {
    if (auto r = need(2, 2); !r) return Fail(r.error());
    return "(CASE WHEN (" + a[1] + ") > 0 THEN substr(" + a[0] + ", -(" + a[1] + ")) ELSE '' END)";
  }
  if (name == "LOCATE") {
    if (auto r = need(2, 3); !r) return Fail(r.error());
    if (a.size() == 2) return "instr(" + a[1] + ", " + a[0] + ")";
    const std::string found = "instr(substr(" + a[1] + ", " + a[2] + "), " + a[0] + ")";
    return "(CASE WHEN " + found + " > 0 THEN " + found + " + (" + a[2] + ") - 1 ELSE 0 END)";
  }
  if (name == "SPACE") {
    if (auto r = need(1, 1); !r) return Fail(r.error());
    return "printf('%*s', " + a[0] + ", '')";
  }
  if (name == "NOW" || name == "CURRENT_TIMESTAMP") return Iso("'now'");
  if (name == "CURDATE" || name == "CURRENT_DATE") return std::string("date('now')");
  if (name == "CURTIME" || name == "CURRENT_TIME") return std::string("time('now')");
  if (name == "DATABASE") return std::string("'main'");
  static const std::map<std::string, const char*> kParts = {{"YEAR", "%Y"},     {"MONTH", "%m"},  {"DAYOFMONTH", "%d"},
                                                            {"HOUR", "%H"},     {"MINUTE", "%M"}, {"SECOND", "%S"},
                                                            {"DAYOFYEAR", "%j"}};
  if (auto it = kParts.find(name); it != kParts.end()) {
    if (auto r = need(1, 1); !r) return Fail(r.error());
    return Part(it->second, a[0]);
  }
  if (name == "DAYOFWEEK") {  // ODBC: 1 = Sunday
    if (auto r = need(1, 1); !r) return Fail(r.error());
    return "(" + Part("%w", a[0]) + " + 1)";
  }
  if (name == "WEEK") {
    if (auto r = need(1, 1); !r) return Fail(r.error());
    return "(" + Part("%W", a[0]) + " + 1)";
  }
  if (name == "QUARTER") {
    if (auto r = need(1, 1); !r) return Fail(r.error());
    return "((" + Part("%m", a[0]) + " + 2) / 3)";
  }
  if (name == "CONVERT") {
    if (auto r = need(2, 2); !r) return Fail(r.error());
    const std::string to = Upper(a[1]);
    if (to == "SQL_INTEGER" || to == "SQL_BIGINT" || to == "SQL_SMALLINT" || to == "SQL_TINYINT" || to == "SQL_BIT")
      return "CAST(" + a[0] + " AS INTEGER)";
    if (to == "SQL_DOUBLE" || to == "SQL_FLOAT" || to == "SQL_REAL" || to == "SQL_NUMERIC" || to == "SQL_DECIMAL")
      return "CAST(" + a[0] + " AS REAL)";
    if (to == "SQL_CHAR" || to == "SQL_VARCHAR" || to == "SQL_LONGVARCHAR" || to == "SQL_WCHAR" ||
        to == "SQL_WVARCHAR" || to == "SQL_WLONGVARCHAR")
      return "CAST(" + a[0] + " AS TEXT)";
    if (to == "SQL_DATE" || to == "SQL_TYPE_DATE") return "date(" + a[0] + ")";
    if (to == "SQL_TIMESTAMP" || to == "SQL_TYPE_TIMESTAMP") return Iso(a[0]);
    return Unsupported("{fn CONVERT(…, " + a[1] + ")}");
  }
  static const std::map<std::string, std::pair<const char*, int>> kUnits = {
      {"SQL_TSI_SECOND", {"seconds", 1}}, {"SQL_TSI_MINUTE", {"minutes", 1}}, {"SQL_TSI_HOUR", {"hours", 1}},
      {"SQL_TSI_DAY", {"days", 1}},       {"SQL_TSI_WEEK", {"days", 7}},      {"SQL_TSI_MONTH", {"months", 1}},
      {"SQL_TSI_QUARTER", {"months", 3}}, {"SQL_TSI_YEAR", {"years", 1}}};
  if (name == "TIMESTAMPADD") {
    if (auto r = need(3, 3); !r) return Fail(r.error());
    auto it = kUnits.find(Upper(a[0]));
    if (it == kUnits.end()) return Unsupported("{fn TIMESTAMPADD(" + a[0] + ", …)}");
    return Iso(a[2], "((" + a[1] + ") * " + std::to_string(it->second.second) + ") || ' " + it->second.first + "'");
  }
  if (name == "TIMESTAMPDIFF") {  // whole units from the first instant to the second, truncated
    if (auto r = need(3, 3); !r) return Fail(r.error());
    const std::string unit = Upper(a[0]);
    const std::string days = "(julianday(" + a[2] + ") - julianday(" + a[1] + "))";
    static const std::map<std::string, std::string> kPerDay = {{"SQL_TSI_SECOND", "86400"},
                                                               {"SQL_TSI_MINUTE", "1440"},
                                                               {"SQL_TSI_HOUR", "24"},
                                                               {"SQL_TSI_DAY", "1"},
                                                               {"SQL_TSI_WEEK", "1.0 / 7"}};
    if (auto it = kPerDay.find(unit); it != kPerDay.end()) return "CAST(" + days + " * " + it->second + " AS INTEGER)";
    const std::string months = "((" + Part("%Y", a[2]) + " - " + Part("%Y", a[1]) + ") * 12 + " + Part("%m", a[2]) +
                               " - " + Part("%m", a[1]) + ")";
    if (unit == "SQL_TSI_MONTH") return months;
    if (unit == "SQL_TSI_QUARTER") return "(" + months + " / 3)";
    if (unit == "SQL_TSI_YEAR") return "(" + Part("%Y", a[2]) + " - " + Part("%Y", a[1]) + ")";
    return Unsupported("{fn TIMESTAMPDIFF(" + a[0] + ", …)}");
  }
  return Unsupported("the ODBC function {fn " + name + "}");
}

Result<std::string> Scan(std::string_view s, std::size_t& i, bool in_escape);

// An escape, from s[i] == '{' to its '}'.
Result<std::string> Escape(std::string_view s, std::size_t& i) {
  const std::size_t start = i++;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  if (i < s.size() && s[i] == '?') {
    return Fail(ErrorCode::kInvalidArgument,
                "{? = call …} is not supported: jirasql's procedures return a row, not a value; write {call "
                "Name(…)} and fetch its row");
  }
  std::size_t n = i;
  while (n < s.size() && std::isalpha(static_cast<unsigned char>(s[n]))) ++n;
  const std::string keyword = ToLower(std::string(s.substr(i, n - i)));
  i = n;
  auto body = Scan(s, i, true);
  if (!body) return body;
  if (keyword == "d" || keyword == "t" || keyword == "guid") {
    std::string_view lit = Trim(*body);
    if (lit.size() < 2 || lit.front() != '\'' || lit.back() != '\'') {
      return Fail(ErrorCode::kInvalidArgument, "{" + keyword + " …} takes a quoted literal, as {d '2025-01-31'}");
    }
    return std::string(lit);
  }
  if (keyword == "ts") return TimestampLiteral(*body);
  if (keyword == "fn") return Function(*body);
  if (keyword == "oj") return std::string(Trim(*body));
  if (keyword == "escape") return "ESCAPE " + std::string(Trim(*body));
  if (keyword == "call") {
    const std::string_view call = Trim(*body);
    if (call.empty()) return Fail(ErrorCode::kInvalidArgument, "{call} needs a procedure: {call Name(arguments)}");
    return "CALL " + std::string(call);
  }
  return Fail(ErrorCode::kInvalidArgument, "'" + std::string(s.substr(start, std::min<std::size_t>(20, i - start))) +
                                               "…' is not an ODBC escape: {d …}, {t …}, {ts …}, {fn …}, {oj …} or "
                                               "{escape …}");
}

Result<std::string> Scan(std::string_view s, std::size_t& i, bool in_escape) {
  std::string out;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '\'' || c == '"' || c == '`') {
      CopyQuoted(s, i, c, out);
    } else if (c == '[') {
      CopyQuoted(s, i, ']', out);
    } else if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
      const std::size_t end = s.find('\n', i);
      const std::size_t stop = end == std::string_view::npos ? s.size() : end;
      out.append(s.substr(i, stop - i));
      i = stop;
    } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      const std::size_t end = s.find("*/", i + 2);
      const std::size_t stop = end == std::string_view::npos ? s.size() : end + 2;
      out.append(s.substr(i, stop - i));
      i = stop;
    } else if (c == '{') {
      auto e = Escape(s, i);
      if (!e) return e;
      out += *e;
    } else if (c == '}' && in_escape) {
      ++i;
      return out;
    } else {
      out += c;
      ++i;
    }
  }
  if (in_escape) {
    return Fail(ErrorCode::kInvalidArgument, "an ODBC escape opened with '{' is never closed with '}'");
  }
  return out;
}

// SELECT [DISTINCT | ALL] TOP n … as SELECT … LIMIT n.
std::string TopToLimit(const std::string& sql) {
  std::size_t i = 0;
  auto spaces = [&] {
    while (i < sql.size() && std::isspace(static_cast<unsigned char>(sql[i]))) ++i;
  };
  auto word = [&](const char* w) {
    const std::size_t n = std::char_traits<char>::length(w);
    if (i + n <= sql.size() && Upper(sql.substr(i, n)) == w && (i + n == sql.size() || !IsWord(sql[i + n]))) {
      i += n;
      return true;
    }
    return false;
  };
  spaces();
  if (!word("SELECT")) return sql;
  spaces();
  if (!word("DISTINCT")) (void)word("ALL");
  spaces();
  const std::size_t top = i;
  if (!word("TOP")) return sql;
  spaces();
  const bool paren = i < sql.size() && sql[i] == '(';
  if (paren) ++i;
  const std::size_t digits = i;
  while (i < sql.size() && std::isdigit(static_cast<unsigned char>(sql[i]))) ++i;
  if (i == digits) return sql;
  const std::string n = sql.substr(digits, i - digits);
  if (paren) {
    if (i >= sql.size() || sql[i] != ')') return sql;
    ++i;
  }
  std::string rest = sql.substr(i);
  std::string head = sql.substr(0, top);
  // Before a trailing semicolon and white space.
  std::size_t end = rest.size();
  while (end > 0 && (std::isspace(static_cast<unsigned char>(rest[end - 1])) || rest[end - 1] == ';')) --end;
  const std::string_view body = Trim(std::string_view(rest).substr(0, end));
  return head + std::string(body) + " LIMIT " + n + rest.substr(end);
}

}  // namespace

namespace {

std::string QuoteLiteral(const std::string& v) {
  std::string out = "'";
  for (char c : v) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

}  // namespace

Result<std::optional<ProcedureCall>> ParseProcedureCall(std::string_view text) {
  std::string sql(Trim(text));
  while (!sql.empty() && sql.back() == ';') sql = std::string(Trim(sql.substr(0, sql.size() - 1)));
  std::size_t w = 0;
  while (w < sql.size() && IsWord(sql[w])) ++w;
  const std::string verb = Upper(sql.substr(0, w));
  if (verb != "CALL" && verb != "EXEC" && verb != "EXECUTE") return std::optional<ProcedureCall>();
  ProcedureCall call;
  std::vector<std::string> args;   // SQL expressions
  std::vector<std::string> names;  // EXEC's input names, as written
  if (verb == "CALL") {
    std::size_t i = w;
    while (i < sql.size() && std::isspace(static_cast<unsigned char>(sql[i]))) ++i;
    const std::size_t start = i;
    while (i < sql.size() && IsWord(sql[i])) ++i;
    call.procedure = sql.substr(start, i - start);
    const std::string_view rest = Trim(std::string_view(sql).substr(i));
    if (call.procedure.empty() || !(rest.empty() || (rest.front() == '(' && rest.back() == ')'))) {
      return Fail(ErrorCode::kInvalidArgument, "write a procedure call as {call Name(argument, …)}");
    }
    if (!rest.empty()) args = Arguments(rest.substr(1, rest.size() - 2));
  } else {
    auto e = ParseExec(sql);
    if (!e) return Fail(e.error());
    call.procedure = e->procedure;
    for (std::size_t k = 0; k < e->params.size(); ++k) {
      const bool marker = std::find(e->markers.begin(), e->markers.end(), k) != e->markers.end();
      names.push_back(e->params[k].first);
      args.push_back(marker ? "?" : QuoteLiteral(e->params[k].second));
    }
  }
  const ProcedureSpec* spec = FindProcedure(call.procedure);
  if (!spec) return Fail(UnknownProcedure(call.procedure));
  call.procedure = spec->name;
  call.outputs = spec->outputs;
  std::vector<std::string> known;
  for (const auto& in : spec->inputs) known.push_back(in.name);
  if (names.empty()) {
    if (args.size() > known.size()) {
      return Fail(ErrorCode::kInvalidArgument, spec->name + " takes " + std::to_string(known.size()) +
                                                   " arguments at most (" + Join(known, ", ") + "); the call gives " +
                                                   std::to_string(args.size()));
    }
    call.inputs.assign(known.begin(), known.begin() + static_cast<std::ptrdiff_t>(args.size()));
  } else {
    for (const auto& n : names) {
      auto it = std::find_if(known.begin(), known.end(), [&](const std::string& k) { return EqualsIgnoreCase(k, n); });
      if (it == known.end()) {
        std::string msg = spec->name + " has no input '" + n + "'";
        if (auto best = ClosestMatch(n, known)) msg += "; did you mean '" + *best + "'?";
        return Fail(ErrorCode::kInvalidArgument, msg + " (inputs: " + Join(known, ", ") + ")");
      }
      call.inputs.push_back(*it);
    }
  }
  for (const auto& a : args) {
    if (a.empty())
      return Fail(ErrorCode::kInvalidArgument, spec->name + ": an argument is empty (write NULL to skip one)");
    call.arguments += (call.arguments.empty() ? "SELECT " : ", ") + a;
  }
  return std::optional<ProcedureCall>(std::move(call));
}

Result<std::string> RewriteEscapes(std::string_view sql) {
  std::size_t i = 0;
  auto out = Scan(sql, i, false);
  if (!out) return out;
  return TopToLimit(*out);
}

}  // namespace jirasql::odbc
