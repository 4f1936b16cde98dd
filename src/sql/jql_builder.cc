#include "sql/jql_builder.h"

#include <cctype>

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
      if (c == '\\') ++i;
      else if (c == '"') quoted = false;
      continue;
    }
    if (c == '"') quoted = true;
    else if (c == '(') ++depth;
    else if (c == ')') --depth;
    else if (depth == 0 && i + 4 <= clause.size() && EqualsIgnoreCase(clause.substr(i, 4), " or ")) return true;
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

}  // namespace jirasql
