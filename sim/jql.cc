#include "jql.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <functional>

#include "adf_text.h"
#include "common/strings.h"

namespace jirasim {

using jirasql::EqualsIgnoreCase;
using jirasql::ErrorCode;
using jirasql::Fail;
using jirasql::Result;
using jirasql::ToLower;

namespace {

// ---- lexer -----------------------------------------------------------------

enum class Tok { kWord, kString, kLParen, kRParen, kComma, kOp, kEnd };

struct Token {
  Tok type;
  std::string text;
  std::size_t pos;  // 1-based character
};

bool WordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' || c == '@' || c == ':' ||
         c == '[' || c == ']' || c == '*' || c == '/' || c == '+' || static_cast<unsigned char>(c) >= 0x80;
}

Result<std::vector<Token>> Lex(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    std::size_t pos = i + 1;
    if (c == '(') {
      out.push_back({Tok::kLParen, "(", pos});
      ++i;
      continue;
    }
    if (c == ')') {
      out.push_back({Tok::kRParen, ")", pos});
      ++i;
      continue;
    }
    if (c == ',') {
      out.push_back({Tok::kComma, ",", pos});
      ++i;
      continue;
    }
    if (c == '"' || c == '\'') {
      std::string v;
      ++i;
      bool closed = false;
      while (i < s.size()) {
        if (s[i] == '\\' && i + 1 < s.size()) {
          v += s[i + 1];
          i += 2;
          continue;
        }
        if (s[i] == c) {
          closed = true;
          ++i;
          break;
        }
        v += s[i++];
      }
      if (!closed) {
        return Fail(ErrorCode::kInvalidArgument, "Error in the JQL Query: The quoted string '" + v +
                                                     "' has not been completed. (line 1, character " +
                                                     std::to_string(pos) + ")");
      }
      out.push_back({Tok::kString, v, pos});
      continue;
    }
    if (c == '!' && i + 1 < s.size() && (s[i + 1] == '=' || s[i + 1] == '~')) {
      out.push_back({Tok::kOp, std::string(s.substr(i, 2)), pos});
      i += 2;
      continue;
    }
    if ((c == '>' || c == '<') && i + 1 < s.size() && s[i + 1] == '=') {
      out.push_back({Tok::kOp, std::string(s.substr(i, 2)), pos});
      i += 2;
      continue;
    }
    if (c == '=' || c == '~' || c == '>' || c == '<') {
      out.push_back({Tok::kOp, std::string(1, c), pos});
      ++i;
      continue;
    }
    if (c == '&' && i + 1 < s.size() && s[i + 1] == '&') {
      out.push_back({Tok::kWord, "AND", pos});
      i += 2;
      continue;
    }
    if (c == '|' && i + 1 < s.size() && s[i + 1] == '|') {
      out.push_back({Tok::kWord, "OR", pos});
      i += 2;
      continue;
    }
    if (c == '!') {
      out.push_back({Tok::kWord, "NOT", pos});
      ++i;
      continue;
    }
    if (WordChar(c)) {
      std::size_t start = i;
      while (i < s.size() && WordChar(s[i])) ++i;
      out.push_back({Tok::kWord, std::string(s.substr(start, i - start)), pos});
      continue;
    }
    return Fail(ErrorCode::kInvalidArgument, std::string("Error in the JQL Query: The character '") + c +
                                                 "' is a reserved JQL character. You must enclose it in a string "
                                                 "or use the escape '\\u" +
                                                 "' instead. (line 1, character " + std::to_string(pos) + ")");
  }
  out.push_back({Tok::kEnd, "", s.size() + 1});
  return out;
}

// ---- the tree --------------------------------------------------------------

enum class Field {
  kProject,
  kKey,
  kId,
  kType,
  kStatus,
  kCategory,
  kPriority,
  kResolution,
  kAssignee,
  kReporter,
  kLabels,
  kComponent,
  kFixVersion,
  kParent,
  kEpicLink,  ///< Data Center's Epic Link (cf[10014])
  kSprint,
  kCreated,
  kUpdated,
  kResolved,
  kDue,
  kSummary,
  kDescription,
  kText,
  kCustom
};

enum class Op { kEq, kNe, kGt, kGe, kLt, kLe, kLike, kNotLike, kIn, kNotIn, kIsEmpty, kIsNotEmpty };

}  // namespace

struct JqlNode {
  enum Kind { kAnd, kOr, kNot, kClause } kind = kClause;
  std::vector<std::shared_ptr<const JqlNode>> kids;
  Field field = Field::kId;
  Op op = Op::kEq;
  int custom = -1;
  std::vector<int64_t> values;     // resolved: indexes, ms, days, ids
  std::vector<std::string> terms;  // ~ terms, lowercased
};

namespace {

struct FieldInfo {
  Field field;
  const char* name;  // Jira's name, for messages
};

std::optional<FieldInfo> LookupField(const std::string& raw, const Catalogs& cat, int* custom) {
  const std::string f = ToLower(raw);
  static const std::pair<const char*, FieldInfo> kFields[] = {
      {"project", {Field::kProject, "project"}},
      {"key", {Field::kKey, "key"}},
      {"issuekey", {Field::kKey, "key"}},
      {"id", {Field::kId, "id"}},
      {"issue", {Field::kKey, "key"}},
      {"issuetype", {Field::kType, "issuetype"}},
      {"type", {Field::kType, "issuetype"}},
      {"status", {Field::kStatus, "status"}},
      {"statuscategory", {Field::kCategory, "statusCategory"}},
      {"priority", {Field::kPriority, "priority"}},
      {"resolution", {Field::kResolution, "resolution"}},
      {"assignee", {Field::kAssignee, "assignee"}},
      {"reporter", {Field::kReporter, "reporter"}},
      {"creator", {Field::kReporter, "creator"}},  // jirasim's creator is the reporter
      {"labels", {Field::kLabels, "labels"}},
      {"label", {Field::kLabels, "labels"}},
      {"component", {Field::kComponent, "component"}},
      {"fixversion", {Field::kFixVersion, "fixVersion"}},
      {"parent", {Field::kParent, "parent"}},
      {"sprint", {Field::kSprint, "sprint"}},
      {"created", {Field::kCreated, "created"}},
      {"createddate", {Field::kCreated, "created"}},
      {"updated", {Field::kUpdated, "updated"}},
      {"updateddate", {Field::kUpdated, "updated"}},
      {"resolutiondate", {Field::kResolved, "resolutiondate"}},
      {"resolved", {Field::kResolved, "resolutiondate"}},
      {"duedate", {Field::kDue, "duedate"}},
      {"due", {Field::kDue, "duedate"}},
      {"summary", {Field::kSummary, "summary"}},
      {"description", {Field::kDescription, "description"}},
      {"text", {Field::kText, "text"}},
  };
  for (const auto& [name, info] : kFields) {
    if (f == name) return info;
  }
  if (f == "epic link" || f == "cf[10014]" || f == kEpicLinkField) return FieldInfo{Field::kEpicLink, "Epic Link"};
  std::string id;
  if (f.rfind("cf[", 0) == 0 && f.back() == ']') id = "customfield_" + f.substr(3, f.size() - 4);
  if (f.rfind("customfield_", 0) == 0) id = f;
  for (std::size_t i = 0; i < cat.custom_fields.size(); ++i) {
    if (cat.custom_fields[i].id == id || (id.empty() && ToLower(cat.custom_fields[i].name) == f)) {
      *custom = static_cast<int>(i);
      return FieldInfo{Field::kCustom, "custom"};
    }
  }
  return std::nullopt;
}

bool IsKeyword(const Token& t, const char* kw) { return t.type == Tok::kWord && EqualsIgnoreCase(t.text, kw); }

int64_t DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<int64_t>(era) * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

bool ParseJqlDate(std::string_view text, int tz, int64_t now_ms, int64_t* out) {
  std::string s(jirasql::Trim(text));
  if (s.empty()) return false;
  // A bare number: milliseconds since the epoch (Jira takes a long operand
  // of a date clause as such; no time zone enters).
  if (s.size() <= 15 && std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
    *out = std::stoll(s);
    return true;
  }
  // Periods: "-7d", "-1w 2d", "4h", "-30m".
  if (s[0] == '-' || s[0] == '+' || std::isdigit(static_cast<unsigned char>(s[0]))) {
    int64_t total = 0;
    int sign = 1;
    std::size_t i = 0;
    bool any = false, ok = true;
    if (s[0] == '-' || s[0] == '+') {
      sign = s[0] == '-' ? -1 : 1;
      i = 1;
    }
    while (i < s.size()) {
      while (i < s.size() && s[i] == ' ') ++i;
      if (i >= s.size()) break;
      std::size_t start = i;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
      if (start == i || i >= s.size() || i - start > 9) {
        ok = false;
        break;
      }
      int64_t n = std::stoll(s.substr(start, i - start));
      char unit = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i++])));
      int64_t ms = unit == 'w' ? 7 * kDayMs : unit == 'd' ? kDayMs : unit == 'h' ? 3600000 : unit == 'm' ? 60000 : -1;
      if (ms < 0) {
        ok = false;
        break;
      }
      total += n * ms;
      any = true;
    }
    if (ok && any) {
      *out = now_ms + sign * total;
      return true;
    }
  }
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, n = 0;
  char sep1 = 0, sep2 = 0;
  bool parsed = false;
  if (std::sscanf(s.c_str(), "%4d%c%2d%c%2d %2d:%2d%n", &y, &sep1, &mo, &sep2, &d, &h, &mi, &n) == 7 &&
      n == static_cast<int>(s.size())) {
    parsed = true;
  } else if (std::sscanf(s.c_str(), "%4d%c%2d%c%2d%n", &y, &sep1, &mo, &sep2, &d, &n) == 5 &&
             n == static_cast<int>(s.size())) {
    h = mi = 0;
    parsed = true;
  }
  if (!parsed || sep1 != sep2 || (sep1 != '-' && sep1 != '/')) return false;
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || h < 0 || mi < 0) return false;
  int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  // Check the day exists in that month (no 2023-02-30).
  if (DaysFromCivil(y, static_cast<unsigned>(mo), 1) + d - 1 != days ||
      (mo < 12 && days >= DaysFromCivil(y, mo + 1, 1)))
    return false;
  *out = days * kDayMs + (h * 60 + mi) * 60000LL - tz * 60000LL;
  return true;
}

namespace {

class Parser {
 public:
  Parser(std::vector<Token> toks, const JqlContext& ctx) : toks_(std::move(toks)), ctx_(ctx) {}

  Result<JqlQuery> Parse() {
    JqlQuery q;
    if (!IsKeyword(Peek(), "ORDER") && Peek().type != Tok::kEnd) {
      auto where = ParseOr();
      if (!where) return Fail(where.error());
      q.where = *where;
    }
    if (IsKeyword(Peek(), "ORDER")) {
      Next();
      if (!IsKeyword(Peek(), "BY")) return Expecting("'by'");
      Next();
      while (true) {
        Token f = Next();
        if (f.type != Tok::kWord && f.type != Tok::kString) return Unexpected(f, "a field name");
        JqlSortKey k;
        int custom = -1;
        if (EqualsIgnoreCase(f.text, "rank")) {
          // Jira's Rank (a LexoRank field), for ORDER BY only: boards' order.
          k.field = "rank";
        } else {
          auto info = LookupField(f.text, ctx_.world.catalogs, &custom);
          if (!info) return FieldMissing(f.text);
          k.field = info->name;
          k.custom = custom;
        }
        if (IsKeyword(Peek(), "ASC"))
          Next();
        else if (IsKeyword(Peek(), "DESC")) {
          Next();
          k.descending = true;
        }
        q.order.push_back(k);
        if (Peek().type != Tok::kComma) break;
        Next();
      }
      if (q.order.size() > 7) {
        return Fail(ErrorCode::kInvalidArgument, "The ORDER BY clause can contain a maximum of 7 fields.");
      }
    }
    if (Peek().type != Tok::kEnd) return Unexpected(Peek(), "either 'AND' or 'OR' or 'ORDER BY'");
    return q;
  }

 private:
  using NodePtr = std::shared_ptr<const JqlNode>;

  const Token& Peek() const { return toks_[i_]; }
  Token Next() { return toks_[i_ < toks_.size() - 1 ? i_++ : i_]; }

  static jirasql::Error Err(std::string msg) { return {ErrorCode::kInvalidArgument, std::move(msg), 400}; }
  tl::unexpected<jirasql::Error> Expecting(const std::string& what) {
    const Token& t = Peek();
    if (t.type == Tok::kEnd)
      return Fail(Err("Error in the JQL Query: Expecting " + what + " before the end of the query."));
    return Fail(Err("Error in the JQL Query: Expecting " + what + " but got '" + t.text + "'. (line 1, character " +
                    std::to_string(t.pos) + ")"));
  }
  tl::unexpected<jirasql::Error> Unexpected(const Token& t, const std::string& what) {
    if (t.type == Tok::kEnd)
      return Fail(Err("Error in the JQL Query: Expecting " + what + " before the end of the query."));
    return Fail(Err("Error in the JQL Query: Expecting " + what + " but got '" + t.text + "'. (line 1, character " +
                    std::to_string(t.pos) + ")"));
  }
  static tl::unexpected<jirasql::Error> FieldMissing(const std::string& f) {
    return Fail(Err("Field '" + f + "' does not exist or you do not have permission to view it."));
  }
  static tl::unexpected<jirasql::Error> NoValue(const std::string& v, const std::string& field) {
    return Fail(Err("The value '" + v + "' does not exist for the field '" + field + "'."));
  }

  Result<NodePtr> ParseOr() {
    auto left = ParseAnd();
    if (!left) return left;
    if (!IsKeyword(Peek(), "OR")) return left;
    auto node = std::make_shared<JqlNode>();
    node->kind = JqlNode::kOr;
    node->kids.push_back(*left);
    while (IsKeyword(Peek(), "OR")) {
      Next();
      auto right = ParseAnd();
      if (!right) return right;
      node->kids.push_back(*right);
    }
    return NodePtr(node);
  }

  Result<NodePtr> ParseAnd() {
    auto left = ParseNot();
    if (!left) return left;
    if (!IsKeyword(Peek(), "AND")) return left;
    auto node = std::make_shared<JqlNode>();
    node->kind = JqlNode::kAnd;
    node->kids.push_back(*left);
    while (IsKeyword(Peek(), "AND")) {
      Next();
      auto right = ParseNot();
      if (!right) return right;
      node->kids.push_back(*right);
    }
    return NodePtr(node);
  }

  Result<NodePtr> ParseNot() {
    if (IsKeyword(Peek(), "NOT")) {
      Next();
      auto inner = ParseNot();
      if (!inner) return inner;
      auto node = std::make_shared<JqlNode>();
      node->kind = JqlNode::kNot;
      node->kids.push_back(*inner);
      return NodePtr(node);
    }
    if (Peek().type == Tok::kLParen) {
      Next();
      auto inner = ParseOr();
      if (!inner) return inner;
      if (Peek().type != Tok::kRParen) return Expecting("')'");
      Next();
      return inner;
    }
    return ParseClause();
  }

  // A value: a word, a string, or a function call.
  struct Value {
    std::string text;
    bool function = false;
    bool quoted = false;
    std::vector<std::string> args;
  };

  Result<Value> ParseValue() {
    Token t = Next();
    if (t.type == Tok::kString) return Value{t.text, false, true, {}};
    if (t.type != Tok::kWord || IsKeyword(t, "AND") || IsKeyword(t, "OR") || IsKeyword(t, "ORDER")) {
      --i_;
      if (t.type == Tok::kEnd) return Expecting("either a value, list or function");
      return Fail(Err("Error in the JQL Query: Expecting either a value, list or function but got '" + t.text +
                      "'. You must surround '" + t.text +
                      "' in quotation marks to use it as a value. (line 1, "
                      "character " +
                      std::to_string(t.pos) + ")"));
    }
    Value v{t.text, false, false, {}};
    if (Peek().type == Tok::kLParen) {
      Next();
      v.function = true;
      while (Peek().type != Tok::kRParen) {
        Token a = Next();
        if (a.type == Tok::kEnd) return Expecting("')'");
        if (a.type != Tok::kComma) v.args.push_back(a.text);
      }
      Next();
    }
    return v;
  }

  Result<std::vector<Value>> ParseList() {
    std::vector<Value> out;
    if (Peek().type != Tok::kLParen) {
      auto v = ParseValue();  // `IN currentUser()` style single function
      if (!v) return Fail(v.error());
      out.push_back(*v);
      return out;
    }
    Next();
    while (true) {
      auto v = ParseValue();
      if (!v) return Fail(v.error());
      out.push_back(*v);
      if (Peek().type == Tok::kComma) {
        Next();
        continue;
      }
      if (Peek().type == Tok::kRParen) {
        Next();
        break;
      }
      return Expecting("',' or ')'");
    }
    return out;
  }

  Result<NodePtr> ParseClause() {
    Token ft = Next();
    if (ft.type != Tok::kWord && ft.type != Tok::kString) return Unexpected(ft, "a field name");
    int custom = -1;
    auto info = LookupField(ft.text, ctx_.world.catalogs, &custom);
    if (!info || (info->field == Field::kEpicLink && !ctx_.datacenter)) return FieldMissing(ft.text);
    auto node = std::make_shared<JqlNode>();
    node->field = info->field;
    node->custom = custom;

    Token ot = Next();
    std::vector<Value> values;
    if (ot.type == Tok::kOp) {
      static const std::pair<const char*, Op> kOps[] = {{"=", Op::kEq},   {"!=", Op::kNe},     {">", Op::kGt},
                                                        {">=", Op::kGe},  {"<", Op::kLt},      {"<=", Op::kLe},
                                                        {"~", Op::kLike}, {"!~", Op::kNotLike}};
      for (auto [s, o] : kOps) {
        if (ot.text == s) node->op = o;
      }
      auto v = ParseValue();
      if (!v) return Fail(v.error());
      if (!v->quoted && !v->function && (EqualsIgnoreCase(v->text, "EMPTY") || EqualsIgnoreCase(v->text, "NULL"))) {
        if (node->op == Op::kEq) {
          node->op = Op::kIsEmpty;
          return NodePtr(node);
        }
        if (node->op == Op::kNe) {
          node->op = Op::kIsNotEmpty;
          return NodePtr(node);
        }
      }
      values.push_back(*v);
    } else if (IsKeyword(ot, "IN")) {
      node->op = Op::kIn;
      auto l = ParseList();
      if (!l) return Fail(l.error());
      values = *l;
    } else if (IsKeyword(ot, "NOT") && IsKeyword(Peek(), "IN")) {
      Next();
      node->op = Op::kNotIn;
      auto l = ParseList();
      if (!l) return Fail(l.error());
      values = *l;
    } else if (IsKeyword(ot, "IS")) {
      bool negated = false;
      if (IsKeyword(Peek(), "NOT")) {
        Next();
        negated = true;
      }
      Token e = Next();
      if (!IsKeyword(e, "EMPTY") && !IsKeyword(e, "NULL")) {
        --i_;
        return Expecting("'EMPTY' or 'NULL'");
      }
      node->op = negated ? Op::kIsNotEmpty : Op::kIsEmpty;
      return NodePtr(node);
    } else {
      --i_;
      return Unexpected(ot, "operator");
    }
    if (auto r = Resolve(*node, ft.text, values); !r) return Fail(r.error());
    return NodePtr(node);
  }

  // Turns the written values into what evaluation compares.
  Result<void> Resolve(JqlNode& n, const std::string& fname, const std::vector<Value>& values) {
    const Catalogs& cat = ctx_.world.catalogs;
    const Site& site = ctx_.site;
    bool like = n.op == Op::kLike || n.op == Op::kNotLike;
    bool range = n.op == Op::kGt || n.op == Op::kGe || n.op == Op::kLt || n.op == Op::kLe;
    bool text_field = n.field == Field::kSummary || n.field == Field::kDescription || n.field == Field::kText ||
                      (n.field == Field::kCustom && (cat.custom_fields[n.custom].type == CustomType::kTextArea ||
                                                     cat.custom_fields[n.custom].type == CustomType::kString));
    if (like != text_field) {
      if (like) {
        return Fail(Err("The operator '" + std::string(n.op == Op::kLike ? "~" : "!~") + "' is not supported by the '" +
                        fname + "' field."));
      }
      return Fail(Err("The operator '" + OpText(n.op) + "' is not supported by the '" + fname + "' field."));
    }
    for (const Value& v : values) {
      if (like) {
        std::string term = ToLower(v.text);
        while (!term.empty() && (term.back() == '*' || term.back() == '?')) term.pop_back();
        for (auto& w : jirasql::Split(term, ' ')) {
          if (!w.empty()) n.terms.push_back(w);
        }
        continue;
      }
      if (v.function) {
        auto r = ResolveFunction(n, fname, v);
        if (!r) return r;
        continue;
      }
      auto find = [&](auto& list, auto name_of, auto id_of) -> int64_t {
        for (std::size_t i = 0; i < list.size(); ++i) {
          if (EqualsIgnoreCase(name_of(list[i]), v.text) || std::to_string(id_of(list[i])) == v.text)
            return static_cast<int64_t>(i);
        }
        return -1;
      };
      int64_t idx = -1;
      switch (n.field) {
        case Field::kProject:
          for (std::size_t p = 0; p < site.projects.size(); ++p) {
            const auto& pr = site.projects[p];
            if (EqualsIgnoreCase(pr.key, v.text) || EqualsIgnoreCase(pr.name, v.text) ||
                std::to_string(pr.id) == v.text)
              idx = static_cast<int64_t>(p);
          }
          if (idx < 0) return NoValue(v.text, "project");
          break;
        case Field::kKey: {
          idx = site.FindIssue(v.text);
          if (idx < 0 && !range) {
            // Jira: an unknown key in = / IN is an error; so is a malformed one.
            return Fail(Err("An issue with key '" + v.text + "' does not exist for field 'key'."));
          }
          if (idx < 0) {
            // A range bound need not exist: KEY-0 or beyond the last number.
            auto dash = v.text.rfind('-');
            std::string pkey = dash == std::string::npos ? "" : v.text.substr(0, dash);
            for (char& c : pkey) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            int p = pkey.empty() ? -1 : site.FindProject(pkey);
            auto num = dash == std::string::npos ? std::nullopt : jirasql::ParseInt(v.text.substr(dash + 1));
            if (p < 0 || !num) return Fail(Err("The issue key '" + v.text + "' for field 'key' is invalid."));
            n.values.push_back((static_cast<int64_t>(p) << 32) | (*num & 0xffffffff));
            continue;
          }
          const Issue& is = site.issues[idx];
          n.values.push_back((static_cast<int64_t>(is.project) << 32) | is.number);
          continue;
        }
        case Field::kId: {
          auto num = jirasql::ParseInt(v.text);
          if (!num) return Fail(Err("The issue id '" + v.text + "' for field 'id' is invalid."));
          n.values.push_back(*num);
          continue;
        }
        case Field::kType: {
          // A name may be several types' (a team-managed project's Epic and the site's).
          bool any = false;
          for (std::size_t t = 0; t < cat.types.size(); ++t) {
            if (EqualsIgnoreCase(cat.types[t].name, v.text) || std::to_string(cat.types[t].id) == v.text) {
              n.values.push_back(static_cast<int64_t>(t));
              any = true;
            }
          }
          if (!any) return NoValue(v.text, "issuetype");
          if (n.op == Op::kEq) n.op = Op::kIn;
          if (n.op == Op::kNe) n.op = Op::kNotIn;
          continue;
        }
        case Field::kStatus:
          idx = find(
              cat.statuses, [](auto& t) { return t.name; }, [](auto& t) { return t.id; });
          if (idx < 0) return NoValue(v.text, "status");
          break;
        case Field::kCategory:
          for (std::size_t c = 0; c < cat.categories.size(); ++c) {
            const auto& sc = cat.categories[c];
            if (EqualsIgnoreCase(sc.key, v.text) || EqualsIgnoreCase(sc.name, v.text) ||
                std::to_string(sc.id) == v.text)
              idx = static_cast<int64_t>(c);
          }
          if (idx < 0) return NoValue(v.text, "statusCategory");
          break;
        case Field::kPriority:
          idx = find(
              cat.priorities, [](auto& t) { return t.name; }, [](auto& t) { return t.id; });
          if (idx < 0) return NoValue(v.text, "priority");
          break;
        case Field::kResolution:
          if (EqualsIgnoreCase(v.text, "Unresolved")) {
            idx = -1;
            n.values.push_back(-1);
            continue;
          }
          idx = find(
              cat.resolutions, [](auto& t) { return t.name; }, [](auto& t) { return t.id; });
          if (idx < 0) return NoValue(v.text, "resolution");
          break;
        case Field::kAssignee:
        case Field::kReporter:
          for (std::size_t u = 0; u < ctx_.world.users.size(); ++u) {
            const User& us = ctx_.world.users[u];
            if (us.account_id == v.text || EqualsIgnoreCase(us.email, v.text) || EqualsIgnoreCase(us.name, v.text) ||
                EqualsIgnoreCase(us.display_name, v.text))
              idx = static_cast<int64_t>(u);
          }
          if (idx < 0) {
            return Fail(Err("The value '" + v.text + "' does not exist for the field '" + fname + "'."));
          }
          break;
        case Field::kLabels:
          for (std::size_t l = 0; l < cat.labels.size(); ++l) {
            if (cat.labels[l] == v.text) idx = static_cast<int64_t>(l);
          }
          // An unknown label matches nothing (Jira does not complain).
          if (idx < 0) idx = 63;
          break;
        case Field::kComponent:
        case Field::kFixVersion: {
          // By name across the site's projects: keep (project, bit) pairs.
          bool any = false;
          for (std::size_t p = 0; p < site.projects.size(); ++p) {
            const auto& pr = site.projects[p];
            if (n.field == Field::kComponent) {
              for (std::size_t c = 0; c < pr.components.size(); ++c) {
                if (pr.components[c].deleted) continue;
                if (EqualsIgnoreCase(pr.components[c].name, v.text) || std::to_string(pr.components[c].id) == v.text) {
                  n.values.push_back((static_cast<int64_t>(p) << 32) | c);
                  any = true;
                }
              }
            } else {
              for (std::size_t c = 0; c < pr.versions.size(); ++c) {
                if (pr.versions[c].deleted) continue;
                if (EqualsIgnoreCase(pr.versions[c].name, v.text) || std::to_string(pr.versions[c].id) == v.text) {
                  n.values.push_back((static_cast<int64_t>(p) << 32) | c);
                  any = true;
                }
              }
            }
          }
          if (!any) return NoValue(v.text, n.field == Field::kComponent ? "component" : "fixVersion");
          continue;
        }
        case Field::kParent:
          idx = site.FindIssue(v.text);
          if (idx < 0) return Fail(Err("An issue with key '" + v.text + "' does not exist for field 'parent'."));
          break;
        case Field::kEpicLink:
          idx = site.FindIssue(v.text);
          if (idx < 0 || cat.types[static_cast<std::size_t>(site.issues[idx].type)].hierarchy != 1) {
            return Fail(Err("The value '" + v.text + "' does not exist for the field 'Epic Link'."));
          }
          break;
        case Field::kSprint:
          for (std::size_t s = 0; s < site.sprints.size(); ++s) {
            if (EqualsIgnoreCase(site.sprints[s].name, v.text) || std::to_string(site.sprints[s].id) == v.text)
              idx = static_cast<int64_t>(s);
          }
          if (idx < 0) return NoValue(v.text, "sprint");
          break;
        case Field::kCreated:
        case Field::kUpdated:
        case Field::kResolved:
        case Field::kDue: {
          int64_t ms = 0;
          if (!ParseJqlDate(v.text, ctx_.tz_offset_minutes, ctx_.now_ms, &ms)) {
            return Fail(Err("Date value '" + v.text + "' for field '" + fname +
                            "' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', "
                            "'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'."));
          }
          n.values.push_back(ms);
          continue;
        }
        case Field::kCustom: {
          const CustomField& cf = cat.custom_fields[n.custom];
          if (cf.type == CustomType::kNumber) {
            char* end = nullptr;
            double d = std::strtod(v.text.c_str(), &end);
            if (end == v.text.c_str() || *end != '\0') return NoValue(v.text, cf.name);
            n.values.push_back(static_cast<int64_t>(d * 10 + (d >= 0 ? 0.5 : -0.5)));
            continue;
          }
          if (cf.type == CustomType::kCascading) {  // a parent matches it with any child; a child exactly
            for (std::size_t o = 0; o < cf.options.size() && idx < 0; ++o) {
              if (EqualsIgnoreCase(cf.options[o], v.text)) idx = CascadeValue(static_cast<int>(o), -1);
              for (std::size_t c = 0; c < cf.children[o].size() && idx < 0; ++c) {
                if (EqualsIgnoreCase(cf.children[o][c], v.text))
                  idx = CascadeValue(static_cast<int>(o), static_cast<int>(c));
              }
            }
            if (idx < 0) return NoValue(v.text, cf.name);
            break;
          }
          if (cf.type == CustomType::kSelect || cf.type == CustomType::kMultiSelect) {
            for (std::size_t o = 0; o < cf.options.size(); ++o) {
              if (EqualsIgnoreCase(cf.options[o], v.text)) idx = static_cast<int64_t>(o);
            }
            if (idx < 0) return NoValue(v.text, cf.name);
            break;
          }
          if (cf.type == CustomType::kDate) {
            int64_t ms = 0;
            if (!ParseJqlDate(v.text, ctx_.tz_offset_minutes, ctx_.now_ms, &ms)) return NoValue(v.text, cf.name);
            n.values.push_back(ms);
            continue;
          }
          if (cf.type == CustomType::kUser) {
            for (std::size_t u = 0; u < ctx_.world.users.size(); ++u) {
              if (ctx_.world.users[u].account_id == v.text) idx = static_cast<int64_t>(u);
            }
            if (idx < 0) return NoValue(v.text, cf.name);
            break;
          }
          if (cf.type == CustomType::kSprint) {
            for (std::size_t s = 0; s < site.sprints.size(); ++s) {
              if (EqualsIgnoreCase(site.sprints[s].name, v.text) || std::to_string(site.sprints[s].id) == v.text)
                idx = static_cast<int64_t>(s);
            }
            if (idx < 0) return NoValue(v.text, cf.name);
            break;
          }
          return NoValue(v.text, cf.name);
        }
        default:
          return Fail(Err("The operator '" + OpText(n.op) + "' is not supported by the '" + fname + "' field."));
      }
      n.values.push_back(idx);
    }
    if (range && !SupportsRange(n)) {
      return Fail(Err("The operator '" + OpText(n.op) + "' is not supported by the '" + fname + "' field."));
    }
    return {};
  }

  static bool SupportsRange(const JqlNode& n) {
    switch (n.field) {
      case Field::kKey:
      case Field::kId:
      case Field::kCreated:
      case Field::kUpdated:
      case Field::kResolved:
      case Field::kDue:
      case Field::kPriority:
      case Field::kCustom:
        return true;
      default:
        return false;
    }
  }

  static std::string OpText(Op o) {
    switch (o) {
      case Op::kEq:
        return "=";
      case Op::kNe:
        return "!=";
      case Op::kGt:
        return ">";
      case Op::kGe:
        return ">=";
      case Op::kLt:
        return "<";
      case Op::kLe:
        return "<=";
      case Op::kLike:
        return "~";
      case Op::kNotLike:
        return "!~";
      case Op::kIn:
        return "in";
      case Op::kNotIn:
        return "not in";
      case Op::kIsEmpty:
        return "is";
      case Op::kIsNotEmpty:
        return "is not";
    }
    return "?";
  }

  Result<void> ResolveFunction(JqlNode& n, const std::string& fname, const Value& v) {
    const std::string f = ToLower(v.text);
    const bool date = n.field == Field::kCreated || n.field == Field::kUpdated || n.field == Field::kResolved ||
                      n.field == Field::kDue;
    const int64_t tz_ms = ctx_.tz_offset_minutes * 60000LL;
    if (f == "currentuser" && (n.field == Field::kAssignee || n.field == Field::kReporter)) {
      if (ctx_.user < 0) return Fail(Err("The function 'currentUser' requires a logged-in user."));
      n.values.push_back(ctx_.user);
      return {};
    }
    if (date && f == "now") {
      n.values.push_back(ctx_.now_ms);
      return {};
    }
    if (date && (f == "startofday" || f == "endofday")) {
      int64_t local = ctx_.now_ms + tz_ms;
      int64_t start = local - ((local % kDayMs) + kDayMs) % kDayMs - tz_ms;
      int64_t offset_days = 0;
      if (!v.args.empty()) {
        int64_t ms = 0;
        if (!ParseJqlDate(v.args[0], 0, 0, &ms)) return Fail(Err("Invalid argument to " + v.text + "()."));
        offset_days = ms / kDayMs;
      }
      start += offset_days * kDayMs;
      n.values.push_back(f == "startofday" ? start : start + kDayMs - 1);
      return {};
    }
    if (n.field == Field::kSprint ||
        (n.field == Field::kCustom && ctx_.world.catalogs.custom_fields[n.custom].type == CustomType::kSprint)) {
      std::string state = f == "opensprints"     ? "active"
                          : f == "closedsprints" ? "closed"
                          : f == "futuresprints" ? "future"
                                                 : "";
      if (!state.empty()) {
        for (std::size_t s = 0; s < ctx_.site.sprints.size(); ++s) {
          if (ctx_.site.sprints[s].state == state) n.values.push_back(static_cast<int64_t>(s));
        }
        if (n.op == Op::kEq) n.op = Op::kIn;
        if (n.op == Op::kNe) n.op = Op::kNotIn;
        return {};
      }
    }
    static const char* kKnown[] = {"currentuser", "now",           "startofday",   "endofday",
                                   "opensprints", "closedsprints", "futuresprints"};
    for (const char* k : kKnown) {
      if (f == k) return Fail(Err("The function '" + v.text + "' is not supported by the '" + fname + "' field."));
    }
    return Fail(Err("Unable to find JQL function '" + v.text + "()'."));
  }

  std::vector<Token> toks_;
  std::size_t i_ = 0;
  const JqlContext& ctx_;
};

// ---- evaluation ------------------------------------------------------------

bool ContainsAllTerms(const std::string& haystack_lower, const std::vector<std::string>& terms) {
  for (const auto& t : terms) {
    if (haystack_lower.find(t) == std::string::npos) return false;
  }
  return true;
}

// The values a field holds for an issue (several for labels and the like);
// `empty` set when it holds none.
void FieldValues(const JqlNode& n, const Issue& is, const JqlContext& ctx, std::vector<int64_t>& out) {
  out.clear();
  auto add_bits = [&](uint32_t bits, bool with_project) {
    for (int b = 0; b < 32; ++b) {
      if (bits & (1u << b)) out.push_back(with_project ? (static_cast<int64_t>(is.project) << 32) | b : b);
    }
  };
  switch (n.field) {
    case Field::kProject:
      out.push_back(is.project);
      break;
    case Field::kKey:
      out.push_back((static_cast<int64_t>(is.project) << 32) | is.number);
      break;
    case Field::kId:
      out.push_back(is.id);
      break;
    case Field::kType:
      out.push_back(is.type);
      break;
    case Field::kStatus:
      out.push_back(is.status);
      break;
    case Field::kCategory:
      out.push_back(ctx.world.catalogs.statuses[is.status].category);
      break;
    // Highest is priority 0: "priority > Low" means more urgent than Low, as in Jira.
    case Field::kPriority:
      out.push_back(-is.priority);
      break;
    case Field::kResolution:
      if (is.resolution >= 0) out.push_back(is.resolution);
      break;
    case Field::kAssignee:
      if (is.assignee >= 0) out.push_back(is.assignee);
      break;
    case Field::kReporter:
      out.push_back(is.reporter);
      break;
    case Field::kLabels:
      add_bits(is.labels, false);
      break;
    case Field::kComponent:
      add_bits(is.components, true);
      break;
    case Field::kFixVersion:
      add_bits(is.fix_versions, true);
      break;
    case Field::kParent:
      // Data Center: sub-tasks only (an issue names its epic in Epic Link).
      if (is.parent >= 0 && !(ctx.datacenter && EpicOf(ctx.world.catalogs, ctx.site, is) >= 0))
        out.push_back(is.parent);
      break;
    case Field::kEpicLink:
      if (int64_t e = EpicOf(ctx.world.catalogs, ctx.site, is); e >= 0) out.push_back(e);
      break;
    case Field::kSprint:
      for (int s : SprintsOf(is)) out.push_back(s);
      break;
    case Field::kCreated:
      out.push_back(is.created_ms);
      break;
    case Field::kUpdated:
      out.push_back(is.updated_ms);
      break;
    case Field::kResolved:
      if (is.resolved_ms != kNone) out.push_back(is.resolved_ms);
      break;
    case Field::kDue:
      if (is.due_day != kNone) out.push_back(is.due_day * kDayMs - ctx.tz_offset_minutes * 60000LL);
      break;
    case Field::kCustom: {
      const CustomField& cf = ctx.world.catalogs.custom_fields[n.custom];
      if (cf.type == CustomType::kSprint) {  // every sprint it is in, closed ones it was carried from too
        for (int s : SprintsOf(is)) out.push_back(s);
        break;
      }
      int64_t v = is.custom[n.custom];
      if (v == kNone) break;
      if (cf.type == CustomType::kCascading) {  // its parent alone, and its parent with its child
        out.push_back(CascadeValue(CascadeOption(v), -1));
        if (CascadeChild(v) >= 0) out.push_back(v);
        break;
      }
      if (cf.type == CustomType::kMultiSelect) {
        add_bits(static_cast<uint32_t>(v), false);
      } else if (cf.type == CustomType::kDate) {
        out.push_back(v * kDayMs - ctx.tz_offset_minutes * 60000LL);
      } else {
        out.push_back(v);
      }
      break;
    }
    default:
      break;
  }
}

bool EvalClause(const JqlNode& n, const Issue& is, const JqlContext& ctx) {
  if (n.op == Op::kLike || n.op == Op::kNotLike ||
      (n.field == Field::kSummary || n.field == Field::kDescription || n.field == Field::kText)) {
    std::string text;
    bool empty = false;
    if (n.field == Field::kSummary || n.field == Field::kText) text += ToLower(is.summary) + "\n";
    if (n.field == Field::kDescription || n.field == Field::kText) {
      std::string adf = DescriptionAdf(ctx.world, ctx.site, is);
      if (adf == "null") {
        if (n.field == Field::kDescription) empty = true;
      } else {
        text += ToLower(AdfToPlainText(adf));
      }
    }
    if (n.field == Field::kCustom) {
      if (is.custom[n.custom] == kNone)
        empty = true;
      else
        text = ToLower(CustomText(ctx.world, ctx.site, is.id - 10000, n.custom));
    }
    if (n.op == Op::kIsEmpty) return empty;
    if (n.op == Op::kIsNotEmpty) return !empty;
    if (empty) return false;
    bool has = ContainsAllTerms(text, n.terms);
    return n.op == Op::kLike ? has : !has;
  }
  thread_local std::vector<int64_t> vals;
  FieldValues(n, is, ctx, vals);
  if (n.op == Op::kIsEmpty) return vals.empty();
  if (n.op == Op::kIsNotEmpty) return !vals.empty();
  if (vals.empty()) {
    // An empty field equals nothing and is "not equal" to nothing either;
    // only "resolution = Unresolved" matches it.
    if (n.field == Field::kResolution) {
      bool unresolved = std::find(n.values.begin(), n.values.end(), -1) != n.values.end();
      if (n.op == Op::kEq || n.op == Op::kIn) return unresolved;
    }
    return false;
  }
  auto in_values = [&](int64_t v) {
    // Priority values are stored negated for ranges; compare indexes for equality.
    int64_t probe = n.field == Field::kPriority ? -v : v;
    return std::find(n.values.begin(), n.values.end(), probe) != n.values.end();
  };
  auto any_in = [&] { return std::any_of(vals.begin(), vals.end(), in_values); };
  switch (n.op) {
    case Op::kEq:
    case Op::kIn:
      return any_in();
    case Op::kNe:
    case Op::kNotIn:
      if (n.field == Field::kResolution && std::find(n.values.begin(), n.values.end(), -1) != n.values.end())
        return true;
      return !any_in();
    default:
      break;
  }
  // Ranges: one value (date, number, key, priority).
  int64_t bound = n.values.empty() ? 0 : n.values[0];
  if (n.field == Field::kPriority) bound = -bound;
  int64_t v = vals[0];
  if (n.field == Field::kKey && (v >> 32) != (bound >> 32)) return false;  // keys compare within a project
  switch (n.op) {
    case Op::kGt:
      return v > bound;
    case Op::kGe:
      return v >= bound;
    case Op::kLt:
      return v < bound;
    case Op::kLe:
      return v <= bound;
    default:
      return false;
  }
}

bool Eval(const JqlNode& n, const Issue& is, const JqlContext& ctx) {
  switch (n.kind) {
    case JqlNode::kAnd:
      for (const auto& k : n.kids) {
        if (!Eval(*k, is, ctx)) return false;
      }
      return true;
    case JqlNode::kOr:
      for (const auto& k : n.kids) {
        if (Eval(*k, is, ctx)) return true;
      }
      return false;
    case JqlNode::kNot:
      return !Eval(*n.kids[0], is, ctx);
    case JqlNode::kClause:
      return EvalClause(n, is, ctx);
  }
  return false;
}

// Compares two issues by one sort key: <0, 0, >0.
int CompareBy(const JqlSortKey& k, const Issue& a, const Issue& b, const JqlContext& ctx) {
  auto cmp = [](auto x, auto y) { return x < y ? -1 : (x > y ? 1 : 0); };
  const auto& users = ctx.world.users;
  const std::string& f = k.field;
  if (f == "key") {
    const std::string& pa = ctx.site.projects[a.project].key;
    const std::string& pb = ctx.site.projects[b.project].key;
    if (int c = pa.compare(pb); c != 0) return c < 0 ? -1 : 1;
    return cmp(a.number, b.number);
  }
  if (f == "id") return cmp(a.id, b.id);
  if (f == "rank") return cmp(a.seed, b.seed);  // a fixed order that is neither id's nor key's
  if (f == "created") return cmp(a.created_ms, b.created_ms);
  if (f == "updated") return cmp(a.updated_ms, b.updated_ms);
  // Empty values sort last in ascending order, as in Jira.
  auto opt = [&](int64_t x, int64_t y) {
    if (x == kNone || y == kNone) return x == y ? 0 : (x == kNone ? 1 : -1);
    return cmp(x, y);
  };
  if (f == "resolutiondate") return opt(a.resolved_ms, b.resolved_ms);
  if (f == "duedate") return opt(a.due_day, b.due_day);
  if (f == "priority") return cmp(a.priority, b.priority);  // Highest first ascending
  if (f == "status") return cmp(a.status, b.status);
  if (f == "issuetype") return cmp(a.type, b.type);
  if (f == "project") return ctx.site.projects[a.project].key.compare(ctx.site.projects[b.project].key);
  if (f == "summary") return a.summary.compare(b.summary);
  if (f == "assignee" || f == "reporter") {
    int ua = f == "assignee" ? a.assignee : a.reporter, ub = f == "assignee" ? b.assignee : b.reporter;
    if (ua < 0 || ub < 0) return ua == ub ? 0 : (ua < 0 ? 1 : -1);
    return users[ua].display_name.compare(users[ub].display_name);
  }
  if (f == "custom" && k.custom >= 0) return opt(a.custom[k.custom], b.custom[k.custom]);
  return 0;
}

}  // namespace

Result<JqlQuery> ParseJql(std::string_view text, const JqlContext& ctx) {
  auto toks = Lex(text);
  if (!toks) return Fail(toks.error());
  Parser p(std::move(*toks), ctx);
  auto q = p.Parse();
  if (!q) {
    q.error().http_status = 400;
  }
  return q;
}

bool Matches(const JqlQuery& q, const Issue& issue, const JqlContext& ctx) {
  if (issue.deleted) return false;
  return !q.where || Eval(*q.where, issue, ctx);
}

std::vector<int64_t> Execute(const JqlQuery& q, const JqlContext& ctx) {
  std::vector<int64_t> out;
  const auto& issues = ctx.site.issues;
  for (std::size_t i = 0; i < issues.size(); ++i) {
    if (Matches(q, issues[i], ctx)) out.push_back(static_cast<int64_t>(i));
  }
  if (!q.order.empty()) {
    std::stable_sort(out.begin(), out.end(), [&](int64_t x, int64_t y) {
      for (const auto& k : q.order) {
        int c = CompareBy(k, issues[x], issues[y], ctx);
        if (c != 0) return k.descending ? c > 0 : c < 0;
      }
      return issues[x].id < issues[y].id;
    });
  }
  return out;
}

}  // namespace jirasim
