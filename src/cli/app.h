#pragma once
/// The `jirasql` command line: parses arguments, merges connection property
/// sources, and runs one subcommand.
///
/// Exit codes: 0 success; 1 the command failed (network, server, files);
/// 2 usage error (unknown flag or subcommand, bad connection string or
/// property value, missing required property).

namespace jirasql {

inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitUsage = 2;

int RunCli(int argc, char** argv);

}  // namespace jirasql
