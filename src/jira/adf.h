#pragma once
/// Atlassian Document Format (ADF, Jira Cloud's rich text) rendered as
/// readable plain text, for the SQL columns that hold descriptions and
/// comments. Block nodes end with a line break; lists are indented with
/// "- " or "1. "; code blocks keep their lines; tables become rows of cells
/// joined by " | "; mentions, emoji, dates, status lozenges and cards keep
/// the text a reader sees. Unknown nodes contribute their children's text,
/// so newer ADF still renders. Malformed input is an error, never a crash.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/error.h"

namespace jirasql {

/// Renders an ADF document given as JSON text. "null" or "" give "".
Result<std::string> AdfToText(std::string_view adf_json);

/// Plain text as an ADF document, for what is written to Jira Cloud's rich
/// text fields: blocks are separated by blank lines; a block whose every
/// line starts with "- " or "* " is a bullet list, one whose lines are
/// numbered "1. ", "2. ", … in order an ordered list; lines between ``` fences
/// a code block (the fence's word its language); any other block a paragraph
/// whose lines are joined by hard breaks. Text that is not valid UTF-8 is an
/// error. Rendering the result with AdfToText gives the text back (up to
/// trailing blanks and blank-line runs).
Result<nlohmann::json> TextToAdf(std::string_view text);

/// Whether `text` is an ADF document given as JSON ({"type":"doc", …}): such
/// a value is written as it is.
bool LooksLikeAdfDocument(std::string_view text);

}  // namespace jirasql
