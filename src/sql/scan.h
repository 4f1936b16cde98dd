#pragma once
/// Reading a table's rows from Jira, page by page, as SQLite asks for them:
/// memory holds one page, never the result. A page that cannot be read is an
/// error, never the end of the table.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/value.h"
#include "jira/page_decoder.h"
#include "sql/pushdown.h"
#include "sql/session.h"

namespace jirasql {

struct ScanRequest {
  const TableDef* table = nullptr;
  std::vector<bool> needed;  ///< per column; empty means all
  IssueQuery query;          ///< Issues: the JQL; child tables: which issues
  bool parents_given = false;
  std::vector<int64_t> parent_ids;  ///< Sprints: board ids; SprintIssues: sprint ids
  /// The parent ids given, by the pushing column's kind (its jql_field:
  /// "board", "sprint"), for a table with two such columns (SprintReport);
  /// parents_given / parent_ids hold them when there is one kind.
  std::map<std::string, std::vector<int64_t>> parent_ids_of;
  bool parent_keys_given = false;
  std::vector<std::string> parent_keys;  ///< ProjectVersions, ProjectComponents: project keys
  int64_t limit_hint = -1;               ///< LIMIT (+ OFFSET) when SQLite gave it
  int64_t since_ms = -1;                 ///< WorklogsDeleted: Jira's since (exclusive), -1 none
};

class Scan {
 public:
  virtual ~Scan() = default;
  /// The next batch of rows (one page, usually), each with one value per
  /// column and then its rowid (an integer). False at the end.
  virtual Result<bool> Next(std::vector<SqlRow>* rows) = 0;
};

Result<std::unique_ptr<Scan>> OpenScan(Session& session, ScanRequest request);

/// What of each issue an Issues scan keeps when it decodes a page: the id,
/// the key and the JSON path of each needed column (`needed` empty: all);
/// null when a needed column does not say what it reads (then everything is
/// kept).
std::shared_ptr<const KeepTree> KeepFor(const TableDef& table, const std::vector<bool>& needed);
/// The Issues scan's KeepFor: with the columns that have a straight read
/// read straight from the page (KeepTree::straight), the others kept as
/// JSON. Null when KeepFor is.
std::shared_ptr<const KeepTree> KeepStraight(const TableDef& table, const std::vector<bool>& needed);
/// For each column of `table`, its place among an item's straight values
/// under KeepStraight's plan; -1 for a column that reads the JSON.
std::vector<int> StraightSlots(const TableDef& table, const std::vector<bool>& needed);

}  // namespace jirasql
