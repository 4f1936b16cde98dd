#pragma once
/// Shell completion for `jirasql`: `jirasql completion bash|zsh|fish`
/// prints a script that completes the commands, their options, the output
/// formats, the connection-property flags (never secret ones: they have
/// none) and, after `schema`, the table names. The model is read off the
/// command line's own definition (CLI11), so the two cannot drift apart.

#include <string>
#include <vector>

#include "common/error.h"

namespace jirasql {

struct CompletionCommand {
  std::string path;                  ///< "query", "auth status"
  std::vector<std::string> options;  ///< "--format", "-o", …
  std::vector<std::string> words;    ///< what may follow as an argument (tables, shells)
  std::vector<std::string> subcommands;
};

struct CompletionModel {
  std::vector<std::string> global_options;  ///< --connect, --profile, --Url, …
  std::vector<CompletionCommand> commands;  ///< top-level first
  std::vector<std::string> formats;         ///< values of --format
};

/// The completion script for `shell` ("bash", "zsh" or "fish").
Result<std::string> CompletionScript(const CompletionModel& model, const std::string& shell);

}  // namespace jirasql
