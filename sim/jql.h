#pragma once
/// The JQL subset jirasim understands: enough for jirasql's pushdown and for
/// the third-party clients in the fidelity tests.
///
/// Fields: project, key (issuekey), id, issuetype (type), status,
/// statusCategory, priority, resolution, assignee, reporter, labels,
/// component, fixVersion, parent, sprint, created (createdDate), updated
/// (updatedDate), resolutiondate (resolved), duedate (due), summary,
/// description, text, and number/select custom fields as cf[NNNNN] or
/// customfield_NNNNN. Operators: = != > >= < <= ~ !~ IN, NOT IN, IS [NOT]
/// EMPTY|NULL; AND OR NOT (also && || !) and parentheses; ORDER BY with
/// ASC/DESC. Functions: currentUser(), now(), startOfDay(), endOfDay(),
/// openSprints(), closedSprints(), futureSprints().
///
/// Dates are read in the requesting user's time zone, as Jira does:
/// "yyyy/MM/dd HH:mm", "yyyy-MM-dd HH:mm", "yyyy/MM/dd", "yyyy-MM-dd", and
/// periods such as "-7d", "-1w 2d", "4h", "-30m" relative to now.
/// As in Jira, `!=` and `NOT IN` never match an empty field, while `NOT (…)`
/// is plain negation. Without ORDER BY, results are in id order.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "model.h"

namespace jirasim {

struct JqlContext {
  const World& world;
  const Site& site;
  int user = -1;              ///< requesting user index; -1 anonymous
  int tz_offset_minutes = 0;  ///< the user's zone
  int64_t now_ms = 0;
  bool datacenter = false;  ///< Data Center's JQL: Epic Link, and parent for sub-tasks only
};

struct JqlNode;

struct JqlSortKey {
  std::string field;
  bool descending = false;
  int custom = -1;
};

struct JqlQuery {
  std::shared_ptr<const JqlNode> where;  ///< null: every issue
  std::vector<JqlSortKey> order;
  bool bounded() const { return where != nullptr; }
};

/// Parses and resolves names (statuses, users, projects, dates) against the
/// site. Errors carry Jira's wording, for a 400 `errorMessages` body.
jirasql::Result<JqlQuery> ParseJql(std::string_view text, const JqlContext& ctx);

bool Matches(const JqlQuery& q, const Issue& issue, const JqlContext& ctx);

/// Issue indexes matching `q`, in its order (deleted issues left out).
std::vector<int64_t> Execute(const JqlQuery& q, const JqlContext& ctx);

/// Parses a JQL date literal in the given zone; false when malformed.
bool ParseJqlDate(std::string_view text, int tz_offset_minutes, int64_t now_ms, int64_t* out_ms);

}  // namespace jirasim
