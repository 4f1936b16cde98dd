#pragma once
/// Where connection properties come from, and in which order they override
/// each other (lowest first):
///
///   defaults < JIRASQL_CONNECT < --profile NAME < --connect < single flags
///
/// A profile is a file `$XDG_CONFIG_HOME/jirasql/profiles/NAME.conn` holding
/// a connection string; line breaks separate properties like `;`, and lines
/// starting with `#` are comments. A profile holding a secret must not be
/// readable by other users.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "connstr/properties.h"

namespace jirasql {

struct ConnectionSources {
  std::optional<std::string> environment;  ///< JIRASQL_CONNECT
  std::optional<std::string> profile;      ///< --profile NAME
  std::optional<std::string> connect;      ///< --connect
  std::vector<std::pair<std::string, std::string>> flags;  ///< --Name=Value
  std::string config_home;                 ///< see ConfigHome()
};

/// `$XDG_CONFIG_HOME`, else `$HOME/.config`.
std::string ConfigHome();

/// The path of profile `name` under `config_home`, or an error when the name
/// is not a plain word (letters, digits, `.`, `_`, `-`).
Result<std::string> ProfilePath(const std::string& config_home, const std::string& name);

/// Reads a profile into a one-line connection string.
Result<std::string> ReadProfile(const std::string& path);

/// Merges every source into validated properties. Errors say which source
/// held the bad text ("in JIRASQL_CONNECT: ...").
Result<ConnectionProperties> ResolveConnection(const ConnectionSources& sources);

}  // namespace jirasql
