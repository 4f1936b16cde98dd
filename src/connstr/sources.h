#pragma once
/// Where connection properties come from, and in which order they override
/// each other (lowest first):
///
///   defaults < JIRASQL_CONNECT < a profile < --connect < single flags
///
/// A profile is a file `$XDG_CONFIG_HOME/jirasql/profiles/NAME.conn` holding
/// a connection string; line breaks separate properties like `;`, and a `#`
/// at the start of a line or after white space (outside quotes) starts a
/// comment. A profile holding a secret must not be readable by other users.
/// The profile is the one named by --profile, else by JIRASQL_PROFILE, else
/// the one named `default` when it exists.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "connstr/properties.h"

namespace jirasql {

struct ConnectionSources {
  std::optional<std::string> environment;                  ///< JIRASQL_CONNECT
  std::optional<std::string> profile;                      ///< --profile NAME (or JIRASQL_PROFILE)
  std::optional<std::string> connect;                      ///< --connect
  std::vector<std::pair<std::string, std::string>> flags;  ///< --Name=Value
  std::string config_home;                                 ///< see ConfigHome()
  /// How errors name `connect` ("" for "--connect"). (No initializer: with
  /// one, GCC 12 warns falsely that the optionals above may be uninitialized.)
  std::string connect_label;
  bool default_profile = false;  ///< read profiles/default.conn when no profile is named
};

/// `$XDG_CONFIG_HOME`, else `$HOME/.config`.
std::string ConfigHome();

/// The path of profile `name` under `config_home`, or an error when the name
/// is not a plain word (letters, digits, `.`, `_`, `-`).
Result<std::string> ProfilePath(const std::string& config_home, const std::string& name);

/// Reads a profile into a one-line connection string.
Result<std::string> ReadProfile(const std::string& path);

/// JIRASQL_CONNECT, JIRASQL_PROFILE, the config home and the default profile:
/// what every front end reads before its own sources.
ConnectionSources SourcesFromEnvironment();

/// Merges every source into validated properties. Errors say which source
/// held the bad text ("in JIRASQL_CONNECT: ...").
Result<ConnectionProperties> ResolveConnection(const ConnectionSources& sources);

}  // namespace jirasql
