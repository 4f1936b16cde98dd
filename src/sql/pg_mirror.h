#pragma once
/// The mirror in PostgreSQL (`jirasql sync --to postgresql://…`).
///
/// The sync works on a SQLite database attached as `mirror`, as it does for
/// a mirror file; for PostgreSQL that database is a private temporary one
/// holding what the sync reads of the mirror — the keys, `Key`, `Updated`,
/// `ProjectKey`, `IssueId` of every row and the whole of the sync's own
/// tables — loaded from PostgreSQL when the run starts. Triggers note every
/// row the sync writes or deletes there; at each of the sync's commits,
/// Flush sends those rows in one PostgreSQL transaction (the changed keys
/// deleted, the rows written with COPY) before SQLite commits: a run killed
/// at any instant leaves PostgreSQL at the last commit, as a file would be.
///
/// In PostgreSQL a site's mirror is a schema of its own (`jirasql_schema=`,
/// else named after the site), its tables and columns the mirror's names in
/// lower case, typed: bigint ids, timestamptz, date, boolean, jsonb for JSON
/// columns, text. One sync writes a schema at a time (an advisory lock).
#include <sqlite3.h>

#include <functional>
#include <memory>
#include <set>
#include <string>

#include "common/error.h"
#include "pg/pg.h"

namespace jirasql {

class PgMirror {
 public:
  /// Connects to `location` (a postgresql:// URI; `jirasql_schema=NAME`
  /// names the schema, else it is named after `site`) and takes the
  /// schema's sync lock.
  static Result<std::unique_ptr<PgMirror>> Open(const std::string& location, const std::string& site);

  /// Fills the empty SQLite database attached as `mirror` on `db`: each
  /// table the schema holds is made there by `create` (given its SQLite
  /// name, or its PostgreSQL one when the sync knows no other) and loaded
  /// with what the sync reads of it.
  Result<void> Load(sqlite3* db, const std::function<Result<std::string>(const std::string&)>& create);

  /// Notes the changes to every table of `mirror` from now on (call after
  /// creating tables there).
  Result<void> Track();
  /// A table of `mirror` dropped (in the open transaction): dropped in
  /// PostgreSQL at the next Flush; the changes noted of it are forgotten.
  Result<void> Dropped(const std::string& table);

  /// Removes the triggers and the notes of changes from `db` (before the
  /// mirror is detached).
  Result<void> Close();

  /// Sends the changes since the last Flush in one PostgreSQL transaction:
  /// new tables and columns, deleted rows, written rows. Call inside the
  /// SQLite transaction that made them, before its COMMIT; on failure
  /// nothing was written (roll the SQLite transaction back).
  Result<void> Flush();

  /// The location as shown in messages, with the schema.
  std::string Describe() const;
  const std::string& schema() const { return schema_; }

 private:
  PgMirror(pg::Location where, std::string schema, std::unique_ptr<pg::Connection> conn)
      : where_(std::move(where)), schema_(std::move(schema)), conn_(std::move(conn)) {}
  Result<void> SendSchema();
  Result<void> SendTable(const std::string& table);

  pg::Location where_;
  std::string schema_;
  std::unique_ptr<pg::Connection> conn_;
  sqlite3* db_ = nullptr;
  std::set<std::string> dropped_;
  int64_t schema_version_ = -1;  ///< of `mirror` as last sent
};

/// The schema a site's mirror gets by default: "jira_" and the site's host
/// (or cloud id, for an OAuth gateway URL) in lower-case letters, digits and
/// underscores, at most 63 characters.
std::string PgMirrorSchema(const std::string& site);

}  // namespace jirasql
