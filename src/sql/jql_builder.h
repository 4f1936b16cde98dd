#pragma once
/// Writing JQL safely: the quoting rules that the SQL -> JQL translator
/// (SQL issue) builds on. Every value is written as a double-quoted string
/// — reserved words ("AND", "order", "empty"), spaces, quotes and non-ASCII
/// letters included — so no list of reserved words is needed; `"` and `\`
/// are escaped with a backslash. Control characters, which a JQL string
/// cannot hold, become spaces; this only widens a text search (`~`), and
/// SQLite re-checks every row. Field names are quoted the same way when
/// they are not plain words (custom field display names).

#include <string>
#include <string_view>
#include <vector>

namespace jirasql {

/// `value` as a JQL string literal: "…".
std::string JqlString(std::string_view value);

/// A field reference: bare when it is a plain word (letters, digits, `_`,
/// `.`, or `cf[123]`), quoted otherwise.
std::string JqlField(std::string_view name);

/// `field op value`, the value quoted.
std::string JqlCompare(std::string_view field, std::string_view op, std::string_view value);

/// `field in ("a", "b")` (or `not in`); nothing to write for no values.
std::string JqlIn(std::string_view field, const std::vector<std::string>& values, bool negated = false);

/// Clauses joined with AND (or OR), each parenthesised when it holds an OR
/// of its own, so that the result means what it says.
std::string JqlJoin(const std::vector<std::string>& clauses, std::string_view with = "AND");

}  // namespace jirasql
