#pragma once
/// SQL constraints -> JQL: the pure part of pushdown, with no SQLite and no
/// network, so that it can be tested exhaustively.
///
/// The rule: a pushed clause selects a superset of the rows the SQL
/// constraint keeps; SQLite re-checks every row. Where JQL's meaning differs
/// from SQL's, we either widen the clause until it is a superset, or do not
/// push:
///  - JQL compares names and keys ignoring case; SQL `=` does not. Pushing
///    `status = "done"` selects more than SQL keeps: a superset, fine.
///  - `!=`, `NOT IN`, `LIKE`, `GLOB` are never pushed (case rules differ).
///  - Timestamp columns hold ISO 8601 UTC text and SQL compares text. A bound
///    `Created >= v` is pushed through the longest prefix of `v` that is a
///    whole date ("2024-05-01") or date and minute ("2024-05-01T08:30"),
///    rounded outward to the minute, converted to the Jira user's zone with
///    the offset that widens the range (both offsets count near a
///    daylight-saving change) and sent as "yyyy-MM-dd HH:mm", which Jira reads
///    in that zone. Strict and non-strict bounds both become >= / <=.
///  - Id bounds are rounded outward; key ranges are not pushed (SQL orders
///    keys as text, Jira by number).
///  - A value that can never equal a Jira value (an id that is not an
///    integer, a key without "-<number>") is left out of an IN list; when
///    nothing is left the query matches no row and Jira is not asked.

#include <optional>
#include <string>
#include <vector>

#include "common/tz.h"
#include "common/value.h"
#include "jira/jql.h"
#include "sql/schema.h"

namespace jirasql {

enum class PushOp { kEq, kIn, kGt, kGe, kLt, kLe, kIsNull, kIsNotNull };

/// Which operators of a kind of column (Push) become JQL: the one table that
/// the planner (xBestIndex), the translator and the docs all read.
struct PushRule {
  bool equals = false;      ///< =
  bool in_lists = false;    ///< IN (a list at once)
  bool ranges = false;      ///< <, <=, >, >=
  bool null_tests = false;  ///< IS NULL, IS NOT NULL
  bool selective = false;   ///< = picks out a few rows (the planner prefers it)
  const char* note = "";    ///< said after the operators in docs
};
const PushRule& PushRuleFor(Push push);
/// Whether `op` on a column of kind `push` is ever pushed.
bool Accepts(Push push, PushOp op);

/// One constraint SQLite offers on a column: `column op value(s)`.
struct SqlConstraint {
  PushOp op = PushOp::kEq;
  std::vector<SqlValue> values;  ///< one value; several for IN; none for IS [NOT] NULL
};

/// The time zone JQL dates are read in: the Jira user's, or unknown (then
/// bounds are widened by the widest offsets there are, -12 h and +14 h).
struct PushContext {
  const TimeZone* zone = nullptr;  ///< null: unknown, bounds widened by UnknownZoneWidening()
};

/// How a bound is widened when the zone is unknown, in words for notices
/// and docs: "12 hours earlier and 14 hours later" (the widest UTC offsets
/// in use, −12:00 and +14:00).
std::string UnknownZoneWidening();

/// The JQL for one constraint on `column`, or nothing when it cannot be
/// pushed as a superset. `*nothing` is set when no row can match.
/// A kSince column's constraint as Jira's `since` (epoch ms, exclusive): a
/// lower bound every matching row is after; nullopt for one that bounds
/// nothing from below (SQLite checks every constraint again).
std::optional<int64_t> SinceOf(const SqlConstraint& c);

std::optional<JqlTerm> TranslateConstraint(const ColumnDef& column, const SqlConstraint& c, const PushContext& ctx,
                                           bool* nothing);

/// Splits a JQL text at a top-level ORDER BY (outside quotes).
void SplitOrderBy(const std::string& jql, std::string* where, std::string* order);

/// "yyyy-MM-dd HH:mm" for `utc_ms` shifted by `offset_seconds`, rounded down
/// (or up) to the minute.
std::string JqlLocalMinute(int64_t utc_ms, int offset_seconds, bool round_up);

}  // namespace jirasql
