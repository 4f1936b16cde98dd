#include "connstr/sources.h"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "common/strings.h"
#include "connstr/parser.h"

namespace jirasql {

std::string ConfigHome() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) return xdg;
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.config";
  return ".config";
}

Result<std::string> ProfilePath(const std::string& config_home, const std::string& name) {
  bool ok = !name.empty() && name[0] != '.';
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) ok = false;
  }
  if (!ok) {
    return Fail(ErrorCode::kInvalidArgument,
                "profile name '" + name + "' must be a plain word (letters, digits, '.', '_', '-')");
  }
  return config_home + "/jirasql/profiles/" + name + ".conn";
}

namespace {

// A line of a profile without its comment: a '#' at the start of the line
// or after white space, outside quotes, starts one (so a URL's or a quoted
// password's '#' stays).
std::string StripComment(std::string_view line) {
  char quote = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote) {
      if (c == quote) quote = 0;  // a doubled quote closes and reopens: same result
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
      return std::string(Trim(line.substr(0, i)));
    }
  }
  return std::string(Trim(line));
}

}  // namespace

Result<std::string> ReadProfile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return Fail(ErrorCode::kInvalidArgument, "cannot read profile " + path +
                                                 ": it does not exist or is not readable; create it "
                                                 "with one Name=Value per line");
  }
  std::string joined, line;
  bool has_secret = false;
  std::map<std::string, int> line_of;  // canonical-ish (lower-case) name -> line
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::string t = StripComment(line);
    if (t.empty()) continue;
    auto pairs = ParseConnectionString(t);
    if (!pairs) return Fail(pairs.error().WithContext("in profile " + path + ", line " + std::to_string(number)));
    for (const auto& p : *pairs) {
      const PropertySpec* spec = FindProperty(p.name);
      if (spec && spec->secret && !p.value.empty()) has_secret = true;
      auto [it, fresh] = line_of.emplace(ToLower(p.name), number);
      if (!fresh) {
        return Fail(ErrorCode::kInvalidArgument, "in profile " + path + ": property '" + p.name +
                                                     "' is given twice (lines " + std::to_string(it->second) + " and " +
                                                     std::to_string(number) + "); remove one");
      }
    }
    if (!joined.empty()) joined += ';';
    joined += t;
  }
  struct stat st {};
  if (has_secret && ::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    return Fail(ErrorCode::kInvalidArgument,
                "profile " + path + " holds a secret and other users can read it; run: chmod 600 " + path);
  }
  return joined;
}

ConnectionSources SourcesFromEnvironment() {
  ConnectionSources s{};
  if (const char* env = std::getenv("JIRASQL_CONNECT")) s.environment = env;
  if (const char* p = std::getenv("JIRASQL_PROFILE"); p && *p) s.profile = p;
  s.config_home = ConfigHome();
  s.default_profile = true;
  return s;
}

Result<ConnectionProperties> ResolveConnection(const ConnectionSources& sources) {
  ConnectionProperties props;
  if (sources.environment) {
    if (auto r = props.Apply(*sources.environment, PropSource::kEnvironment); !r) {
      return Fail(r.error().WithContext("in JIRASQL_CONNECT"));
    }
  }
  std::optional<std::string> profile = sources.profile;
  if (!profile && sources.default_profile) {
    // A profile named "default" is read when no other is named.
    auto path = ProfilePath(sources.config_home, "default");
    struct stat st {};
    if (path && ::stat(path->c_str(), &st) == 0) profile = "default";
  }
  if (profile) {
    auto path = ProfilePath(sources.config_home, *profile);
    if (!path) return Fail(path.error());
    auto text = ReadProfile(*path);
    if (!text) return Fail(text.error());
    if (auto r = props.Apply(*text, PropSource::kProfile); !r) {
      return Fail(r.error().WithContext("in profile " + *path));
    }
  }
  if (sources.connect) {
    if (auto r = props.Apply(*sources.connect, PropSource::kConnectString); !r) {
      return Fail(r.error().WithContext(
          "in " + (sources.connect_label.empty() ? std::string("--connect") : sources.connect_label)));
    }
  }
  for (const auto& [name, value] : sources.flags) {
    if (auto r = props.Set(name, value, PropSource::kFlag); !r) {
      return Fail(r.error().WithContext("in --" + name));
    }
  }
  return props;
}

}  // namespace jirasql
