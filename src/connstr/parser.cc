#include "connstr/parser.h"

#include <cctype>

#include "common/strings.h"

namespace jirasql {

namespace {

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string Pos(std::size_t zero_based) { return std::to_string(zero_based + 1); }

}  // namespace

Result<std::vector<RawProperty>> ParseConnectionString(std::string_view text) {
  std::vector<RawProperty> out;
  std::size_t i = 0;
  const std::size_t n = text.size();
  auto skip_space = [&] {
    while (i < n && IsSpace(text[i])) ++i;
  };

  while (i < n) {
    skip_space();
    if (i >= n) break;
    if (text[i] == ';') {  // empty segment
      ++i;
      continue;
    }
    // Name: up to '='.
    std::size_t name_start = i;
    while (i < n && text[i] != '=' && text[i] != ';') ++i;
    std::string_view name = Trim(text.substr(name_start, i - name_start));
    if (i >= n || text[i] == ';') {
      return Fail(ErrorCode::kInvalidArgument, "expected '=' after '" + std::string(name) + "' at position " +
                                                   Pos(name_start) + "; write properties as Name=Value;Name=Value");
    }
    if (name.empty()) {
      return Fail(ErrorCode::kInvalidArgument, "missing property name before '=' at position " + Pos(i) +
                                                   "; write properties as Name=Value;Name=Value");
    }
    for (char c : name) {
      if (c == '"' || c == '\'' || IsSpace(c)) {
        return Fail(ErrorCode::kInvalidArgument,
                    "property name '" + std::string(name) + "' at position " + Pos(name_start) +
                        " contains a quote or a space; names are single words such as OAuthClientId");
      }
    }
    ++i;  // '='
    skip_space();

    RawProperty prop;
    prop.name = std::string(name);
    prop.name_pos = name_start + 1;  // spaces before it were skipped
    prop.value_pos = i + 1;

    if (i < n && (text[i] == '"' || text[i] == '\'')) {
      const char quote = text[i];
      const std::size_t open = i;
      ++i;
      bool closed = false;
      while (i < n) {
        if (text[i] == quote) {
          if (i + 1 < n && text[i + 1] == quote) {
            prop.value += quote;
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        prop.value += text[i++];
      }
      if (!closed) {
        return Fail(ErrorCode::kInvalidArgument, std::string("unterminated ") + quote + " quote in the value of '" +
                                                     prop.name + "', opened at position " + Pos(open) +
                                                     "; close it, and double any " + quote + " inside the value");
      }
      skip_space();
      if (i < n && text[i] != ';') {
        return Fail(ErrorCode::kInvalidArgument, "unexpected text at position " + Pos(i) +
                                                     " after the quoted value of '" + prop.name +
                                                     "'; put the whole value inside the quotes, or end it with ';'");
      }
    } else {
      std::size_t start = i;
      while (i < n && text[i] != ';') ++i;
      prop.value = std::string(Trim(text.substr(start, i - start)));
    }
    if (i < n && text[i] == ';') ++i;

    for (const auto& earlier : out) {
      if (EqualsIgnoreCase(earlier.name, prop.name)) {
        return Fail(ErrorCode::kInvalidArgument, "property '" + prop.name + "' is given twice (positions " +
                                                     std::to_string(earlier.name_pos) + " and " +
                                                     std::to_string(prop.name_pos) + "); remove one");
      }
    }
    out.push_back(std::move(prop));
  }
  return out;
}

std::string QuoteValue(std::string_view value) {
  bool bare = !value.empty();
  for (char c : value) {
    if (c == ';' || c == '"' || c == '\'') bare = false;
  }
  if (bare && !IsSpace(value.front()) && !IsSpace(value.back())) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace jirasql
