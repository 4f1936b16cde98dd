#include "jira/jql.h"

#include <cctype>
#include <regex>

#include "common/strings.h"

namespace jirasql {

std::string JqlString(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      out += ' ';
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::string JqlField(std::string_view name) {
  bool plain = !name.empty() && std::isalpha(static_cast<unsigned char>(name[0]));
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.')) plain = false;
  }
  if (name.size() > 4 && name.substr(0, 3) == "cf[" && name.back() == ']') {
    std::string_view digits = name.substr(3, name.size() - 4);
    bool all = !digits.empty();
    for (char c : digits) all = all && std::isdigit(static_cast<unsigned char>(c));
    if (all) return std::string(name);
  }
  return plain ? std::string(name) : JqlString(name);
}

std::string JqlCompare(std::string_view field, std::string_view op, std::string_view value) {
  return JqlField(field) + " " + std::string(op) + " " + JqlString(value);
}

std::string JqlIn(std::string_view field, const std::vector<std::string>& values, bool negated) {
  if (values.empty()) return "";
  std::vector<std::string> quoted;
  for (const auto& v : values) quoted.push_back(JqlString(v));
  return JqlField(field) + (negated ? " not in (" : " in (") + Join(quoted, ", ") + ")";
}

namespace {
// Whether `clause` has an OR outside any quotes or parentheses.
bool HasTopLevelOr(std::string_view clause) {
  int depth = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < clause.size(); ++i) {
    char c = clause[i];
    if (quoted) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        quoted = false;
      continue;
    }
    if (c == '"')
      quoted = true;
    else if (c == '(')
      ++depth;
    else if (c == ')')
      --depth;
    else if (depth == 0 && i + 4 <= clause.size() && EqualsIgnoreCase(clause.substr(i, 4), " or "))
      return true;
  }
  return false;
}
}  // namespace

std::string JqlJoin(const std::vector<std::string>& clauses, std::string_view with) {
  std::vector<std::string> parts;
  for (const auto& c : clauses) {
    if (c.empty()) continue;
    parts.push_back(clauses.size() > 1 && HasTopLevelOr(c) ? "(" + c + ")" : c);
  }
  return Join(parts, " " + std::string(with) + " ");
}

std::string JqlTerm::Render() const {
  if (!clause.empty()) return clause;
  if (values.size() == 1) return JqlCompare(field, "=", values[0]);
  return JqlIn(field, values);
}

std::string IssueQuery::Jql(const std::string& bound) const {
  std::vector<std::string> clauses;
  if (!user_where.empty()) clauses.push_back("(" + user_where + ")");
  for (const auto& t : terms) clauses.push_back(t.Render());
  std::string where = clauses.size() == 1 ? clauses[0] : JqlJoin(clauses);
  if (where.empty()) where = bound;
  if (user_order.empty()) return where;
  return where.empty() ? user_order : where + " " + user_order;
}

bool IssueQuery::DropMissingValue(const std::string& message) {
  static const std::regex kValue(R"(^The value '(.*)' does not exist for the field '([^']+)'\.?$)");
  static const std::regex kKey(R"(^An issue with key '(.*)' does not exist for field '([^']+)'\.?$)");
  static const std::regex kInvalidKey(R"(^The issue key '(.*)' for field '([^']+)' is invalid\.?$)");
  std::smatch m;
  if (!std::regex_match(message, m, kValue) && !std::regex_match(message, m, kKey) &&
      !std::regex_match(message, m, kInvalidKey)) {
    return false;
  }
  const std::string value = m[1], field = m[2];
  for (auto& t : terms) {
    if (!t.clause.empty()) continue;
    const bool same_field = EqualsIgnoreCase(t.field, field) ||
                            (EqualsIgnoreCase(field, "issuekey") && EqualsIgnoreCase(t.field, "key")) ||
                            (EqualsIgnoreCase(field, "type") && EqualsIgnoreCase(t.field, "issuetype"));
    if (!same_field) continue;
    for (auto it = t.values.begin(); it != t.values.end(); ++it) {
      if (EqualsIgnoreCase(*it, value)) {
        t.values.erase(it);
        if (t.values.empty()) matches_nothing = true;
        return true;
      }
    }
  }
  return false;
}

}  // namespace jirasql
