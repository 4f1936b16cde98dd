#pragma once
/// Syntax of the connection string, `Name=Value;Name=Value`, shared by every
/// front end (CLI, environment, SQLite module arguments, later ODBC).
///
/// Rules:
/// - names are case-insensitive; white space around names and unquoted values
///   is dropped; empty segments (`;;`, a trailing `;`) are ignored;
/// - a value may be quoted with `"` or `'`; inside, the same quote doubled
///   stands for itself (`'it''s'`); a quoted value may hold `;` and `=`;
/// - an unquoted value runs to the next `;` and may hold `=`;
/// - an empty value (`Name=` or `Name=""`) clears the property back to its
///   default, whatever a lower-precedence source said;
/// - a name given twice in one string is an error (the two values may
///   disagree, and silently picking one hides a mistake).
///
/// This layer knows nothing of which names exist; `ConnectionProperties`
/// validates names and values against the catalog.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace jirasql {

/// One `Name=Value` pair as written, with 1-based character positions for
/// error messages.
struct RawProperty {
  std::string name;
  std::string value;
  std::size_t name_pos = 0;
  std::size_t value_pos = 0;
};

/// Splits a connection string into pairs. Errors name the position and say
/// what to fix; they never quote a value (it may be a secret).
Result<std::vector<RawProperty>> ParseConnectionString(std::string_view text);

/// Writes one value so that `ParseConnectionString` reads it back unchanged:
/// bare when it can be, otherwise in double quotes with `"` doubled.
std::string QuoteValue(std::string_view value);

}  // namespace jirasql
