#pragma once
/// `jirasql sync --to FILE.db`: a local SQLite mirror of a Jira site that
/// reads each change once (docs/sync.md).
///
/// The mirror holds plain tables with the columns of the virtual tables
/// (declared types, primary keys, an index on IssueId and on the issues'
/// project and key) and three of its own: jirasql_sync_meta (the site, the
/// mirror's format), jirasql_sync_state (per project: the watermark, in
/// epoch milliseconds, and when it was synced) and jirasql_sync_runs.
///
/// A run reads each project seen for the first time whole, in a transaction
/// of its own; then, for all the projects read before at once, in one
/// transaction:
///  - reads the issues updated since their oldest watermark less an overlap
///    — `updated >= <epoch ms>`, no time zone enters — and, for each issue
///    child table asked for, the children of those issues, replacing what
///    the mirror held for them (the tables read apart, such as change
///    histories, only for issues whose updated or key changed);
///  - counts their mirrored id range at Jira (one approximate-count) and,
///    when some are gone, halves the range by counts down to blocks checked
///    by POST /jql/match (an OAuth app: points metered) or id-only pages (a
///    token): a mirrored issue Jira no longer lists is looked up by id —
///    found elsewhere, it moved (rewritten under its new key and project);
///    not found, it was deleted. A project that would lose half its issues
///    at once is reported and left alone unless accept_mass_delete;
///  - commits: a run killed at any instant leaves the mirror as the last
///    commit left it, and the next run catches up from the watermarks that
///    commit wrote.
/// Projects the login no longer sees (archived, deleted, permission lost)
/// are reported and their issues kept. What could not be read is reported
/// per project; the run is then not ok().

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"

namespace jirasql {

class SqlEngine;

struct SyncOptions {
  std::string to;  ///< the mirror's file
  /// Issues and issue child tables; empty: the mirror's (as its first run
  /// was asked), else Issues, Comments, Worklogs, IssueChangelogs. A table
  /// added later is read from the start; one left out is dropped.
  std::vector<std::string> tables;
  /// Only issues this JQL matches too; unset: the mirror's. Another JQL
  /// than the mirror's starts it over.
  std::optional<std::string> jql;
  bool accept_mass_delete = false;
  int64_t overlap_ms = 120000;  ///< re-read what changed this long before the watermark (search index lag)
};

struct SyncCounts {
  int64_t added = 0, changed = 0, deleted = 0;
};

struct SyncReport {
  bool full = false;                         ///< some project was read from the start
  std::map<std::string, SyncCounts> tables;  ///< by table
  int64_t moved = 0;                         ///< issues found under another key or project
  std::vector<std::string> problems;         ///< what could not be read (those projects are stale)
  std::vector<std::string> held_back;        ///< mass deletions not applied
  std::vector<std::string> hidden_projects;  ///< in the mirror, no longer seen at Jira
  std::vector<std::string> notes;            ///< what changed in the mirror's setup (tables, JQL)
  int64_t projects = 0;
  int64_t requests = 0;  ///< Jira requests the run made
  int64_t points = 0;    ///< what they cost in Atlassian's points (1 a request + 1 an object returned), estimated
  double seconds = 0;

  bool ok() const { return problems.empty() && held_back.empty(); }
  std::string ToText() const;
  std::string ToJson() const;
};

/// What a run is doing, for a progress line.
struct SyncStatus {
  std::string project;   ///< the project being read
  std::string step;      ///< a table, "count" or "census"
  int64_t done = 0;      ///< projects finished before this one
  int64_t projects = 0;  ///< projects this run reads
  double seconds = 0;    ///< since the run began
};
using SyncProgress = std::function<void(const SyncStatus&)>;

/// Runs one sync through `engine`'s session. An error is returned only when
/// the mirror cannot be used at all (file, format, another site); a project
/// that fails is a problem in the report.
Result<SyncReport> RunSync(SqlEngine& engine, const SyncOptions& options, const SyncProgress& progress = nullptr);

/// The tables a mirror can hold: Issues and the tables of issue children
/// read with the issue search (they have IssueId and a Jql column).
std::vector<std::string> MirrorableTables();

}  // namespace jirasql
