#pragma once
/// Writing JQL safely, and the JQL of one issue search. The quoting rules
/// that the SQL -> JQL translator (sql/pushdown) builds on. Every value is written as a double-quoted string
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

/// One JQL clause. Clauses over a list of values keep the values apart so that
/// a value Jira says does not exist can be dropped and the query re-sent.
struct JqlTerm {
  std::string field;
  std::vector<std::string> values;  ///< `field in (…)` when `clause` is empty
  std::string clause;               ///< a clause written out (ranges, EMPTY)
  std::string Render() const;
};

/// The JQL of one Issues scan.
struct IssueQuery {
  std::vector<JqlTerm> terms;    ///< ANDed
  std::string user_where;        ///< from the Jql column, without ORDER BY
  std::string user_order;        ///< "ORDER BY …" from the Jql column
  bool matches_nothing = false;  ///< a pushed IN list lost all its values

  /// The JQL to send. With nothing to filter on, `bound` (Jira Cloud refuses
  /// unbounded queries) stands in: a clause every issue satisfies.
  std::string Jql(const std::string& bound = "") const;

  /// Jira answered 400 saying a value of ours does not exist ("The value 'X'
  /// does not exist for the field 'status'.", "An issue with key 'X' does not
  /// exist for field 'key'."): no row can match that value, so drop it.
  /// False when the message is not about one of our values.
  bool DropMissingValue(const std::string& jira_message);
};

}  // namespace jirasql
