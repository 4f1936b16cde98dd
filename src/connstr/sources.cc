#include "connstr/sources.h"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
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

Result<std::string> ReadProfile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return Fail(ErrorCode::kInvalidArgument,
                "cannot read profile " + path + ": it does not exist or is not readable; create it "
                "with one Name=Value per line");
  }
  std::string joined, line;
  while (std::getline(in, line)) {
    std::string_view t = Trim(line);
    if (t.empty() || t.front() == '#') continue;
    if (!joined.empty()) joined += ';';
    joined += t;
  }
  auto pairs = ParseConnectionString(joined);
  if (!pairs) return Fail(pairs.error().WithContext("in profile " + path));
  bool has_secret = false;
  for (const auto& p : *pairs) {
    const PropertySpec* spec = FindProperty(p.name);
    if (spec && spec->secret && !p.value.empty()) has_secret = true;
  }
  struct stat st {};
  if (has_secret && ::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    return Fail(ErrorCode::kInvalidArgument,
                "profile " + path + " holds a secret and other users can read it; run: chmod 600 " + path);
  }
  return joined;
}

Result<ConnectionProperties> ResolveConnection(const ConnectionSources& sources) {
  ConnectionProperties props;
  if (sources.environment) {
    if (auto r = props.Apply(*sources.environment, PropSource::kEnvironment); !r) {
      return Fail(r.error().WithContext("in JIRASQL_CONNECT"));
    }
  }
  if (sources.profile) {
    auto path = ProfilePath(sources.config_home, *sources.profile);
    if (!path) return Fail(path.error());
    auto text = ReadProfile(*path);
    if (!text) return Fail(text.error());
    if (auto r = props.Apply(*text, PropSource::kProfile); !r) {
      return Fail(r.error().WithContext("in profile " + *path));
    }
  }
  if (sources.connect) {
    if (auto r = props.Apply(*sources.connect, PropSource::kConnectString); !r) {
      return Fail(r.error().WithContext("in --connect"));
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
