#include "odbc/odbc_connstr.h"

#include <algorithm>
#include <cctype>

#include "common/strings.h"
#include "connstr/parser.h"

namespace jirasql {

namespace {

bool Same(std::string_view a, std::string_view b) { return ToLower(std::string(a)) == ToLower(std::string(b)); }

// A key jirasql's parser reads as one name: no white space, no quote.
bool OneWord(std::string_view key) {
  return std::none_of(key.begin(), key.end(),
                      [](char c) { return c == '"' || c == '\'' || std::isspace(static_cast<unsigned char>(c)); });
}

}  // namespace

Result<std::vector<OdbcPair>> ParseOdbcConnectionString(std::string_view text) {
  std::vector<OdbcPair> out;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t start = i;
    const std::size_t eq = text.find('=', i);
    const std::size_t semi = text.find(';', i);
    if (eq == std::string_view::npos || (semi != std::string_view::npos && semi < eq)) {
      std::string_view rest = Trim(text.substr(i, semi == std::string_view::npos ? std::string_view::npos : semi - i));
      if (!rest.empty()) {
        return Fail(ErrorCode::kInvalidArgument, "the ODBC connection string has a key without '=' at character " +
                                                     std::to_string(start + 1) + "; write Key=Value;Key=Value");
      }
      i = semi == std::string_view::npos ? text.size() : semi + 1;
      continue;
    }
    OdbcPair p;
    p.key = std::string(Trim(text.substr(i, eq - i)));
    if (p.key.empty()) {
      return Fail(ErrorCode::kInvalidArgument,
                  "the ODBC connection string has '=' without a key at character " + std::to_string(eq + 1));
    }
    i = eq + 1;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    if (i < text.size() && text[i] == '{') {  // {value}: ';' allowed, '}}' is '}'
      ++i;
      bool closed = false;
      while (i < text.size()) {
        if (text[i] == '}') {
          if (i + 1 < text.size() && text[i + 1] == '}') {
            p.value += '}';
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        p.value += text[i++];
      }
      if (!closed) {
        return Fail(ErrorCode::kInvalidArgument, "the value of " + p.key +
                                                     " opens a '{' that is never closed; write '}}' for a '}' "
                                                     "inside braces");
      }
      while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
      if (i < text.size() && text[i] != ';') {
        return Fail(ErrorCode::kInvalidArgument, "the value of " + p.key + " goes on after its closing '}'");
      }
    } else {
      const std::size_t end = text.find(';', i);
      p.value = std::string(Trim(text.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i)));
      i = end == std::string_view::npos ? text.size() : end;
    }
    if (i < text.size() && text[i] == ';') ++i;
    for (const auto& q : out) {
      if (Same(q.key, p.key)) {
        return Fail(ErrorCode::kInvalidArgument, "the ODBC connection string gives " + p.key + " twice; give it once");
      }
    }
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::string> JirasqlConnectionString(std::string_view odbc, const DsnReader& dsn) {
  auto given = ParseOdbcConnectionString(odbc);
  if (!given) return Fail(given.error());
  std::vector<OdbcPair> from_dsn;
  for (const auto& p : *given) {
    if (!Same(p.key, "DSN") || p.value.empty()) continue;
    auto keys = dsn ? dsn(p.value) : std::nullopt;
    if (!keys) {
      return Fail(ErrorCode::kInvalidArgument, "there is no ODBC data source named '" + p.value +
                                                   "' in odbc.ini (odbcinst -q -s lists them); or connect without "
                                                   "a DSN: DRIVER=…;Url=…");
    }
    from_dsn = std::move(*keys);
  }
  std::string scheme;
  for (const auto* list : {&from_dsn, &*given}) {
    for (const auto& p : *list) {
      if (Same(p.key, "AuthScheme")) scheme = ToLower(p.value);
    }
  }
  // Each ODBC key's jirasql property ("" for the driver manager's own keys).
  auto name_of = [&](const OdbcPair& p) -> Result<std::string> {
    for (const char* odbc_key : {"DRIVER", "DSN", "FILEDSN", "SAVEFILE", "Description", "Trace", "TraceFile"}) {
      if (Same(p.key, odbc_key)) return std::string();
    }
    if (Same(p.key, "UID")) return std::string("User");
    if (!Same(p.key, "PWD")) return p.key;
    if (scheme == "apitoken") return std::string("APIToken");
    if (scheme == "basic") return std::string("Password");
    if (scheme == "pat") return std::string("PersonalAccessToken");
    return Fail(ErrorCode::kInvalidArgument,
                "PWD is the secret of AuthScheme=APIToken (an API token), Basic (a password) or PAT (a personal "
                "access token); give AuthScheme, or the secret by its own name (APIToken=…)");
  };
  std::vector<std::pair<std::string, std::string>> mapped_given;
  for (const auto& p : *given) {
    auto name = name_of(p);
    if (!name) return Fail(name.error());
    // An empty UID or PWD is ODBC's "not given" (isql sends both), not a
    // property cleared.
    const bool empty_login = (Same(p.key, "UID") || Same(p.key, "PWD")) && p.value.empty();
    if (name->empty() || empty_login) continue;
    if (!OneWord(*name)) {
      return Fail(ErrorCode::kInvalidArgument, "the ODBC connection string has the key '" + p.key +
                                                   "', which holds a space or a quote; keys are single words "
                                                   "such as Url or AuthScheme");
    }
    for (const auto& [earlier, unused] : mapped_given) {
      if (Same(earlier, *name)) {
        return Fail(ErrorCode::kInvalidArgument,
                    "the ODBC connection string gives " + *name + " twice (as " + p.key + " and as " +
                        (Same(*name, "User") ? "User or UID" : "its own name or PWD") + "); give it once");
      }
    }
    mapped_given.emplace_back(*name, p.value);
  }
  std::string out;
  auto add = [&](const std::string& key, const std::string& value) { out += key + "=" + QuoteValue(value) + ";"; };
  // The DSN's keys first, each replaced by the string's own (UID replaces User).
  for (const auto& p : from_dsn) {
    auto name = name_of(p);
    if (!name) return Fail(name.error());
    if (name->empty() || !OneWord(*name)) continue;
    const bool replaced =
        std::any_of(mapped_given.begin(), mapped_given.end(), [&](const auto& g) { return Same(g.first, *name); });
    if (!replaced) add(*name, p.value);
  }
  for (const auto& [name, value] : mapped_given) add(name, value);
  return out;
}

}  // namespace jirasql
