#pragma once
/// Atlassian Document Format (ADF, Jira Cloud's rich text) rendered as
/// readable plain text, for the SQL columns that hold descriptions and
/// comments. Block nodes end with a line break; lists are indented with
/// "- " or "1. "; code blocks keep their lines; tables become rows of cells
/// joined by " | "; mentions, emoji, dates, status lozenges and cards keep
/// the text a reader sees. Unknown nodes contribute their children's text,
/// so newer ADF still renders. Malformed input is an error, never a crash.

#include <string>
#include <string_view>

#include "common/error.h"

namespace jirasql {

/// Renders an ADF document given as JSON text. "null" or "" give "".
Result<std::string> AdfToText(std::string_view adf_json);

}  // namespace jirasql
