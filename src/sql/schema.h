#pragma once
/// The SQL tables over Jira (SPEC §4): every table, column, type, the Jira
/// field behind each column, how a column may be pushed down as JQL, and how
/// its value is read from Jira's JSON. One definition drives the virtual
/// tables, sys_tables / sys_tablecolumns and docs/sql.md.

#include <functional>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/value.h"
#include "jira/page_decoder.h"

namespace jirasql {

enum class SqlType { kInteger, kReal, kText, kBoolean, kTimestamp, kDate, kJson };

/// The declared type in the table's schema: INTEGER, REAL or TEXT.
std::string_view SqlDeclaredType(SqlType t);
/// What the value looks like, for docs and sys_tablecolumns ("TEXT, ISO 8601 UTC").
std::string_view SqlTypeLabel(SqlType t);

/// How a column's constraints may become JQL. See sql/pushdown.h.
enum class Push {
  kNone,
  kId,           ///< numeric issue id: =, IN, <, <=, >, >=
  kIssueKey,     ///< issue key: =, IN
  kName,         ///< a named thing (project key, status, type, priority, resolution, category): =, IN, IS NULL
  kUser,         ///< account id (Cloud) or user name (Data Center): =, IN, IS NULL
  kTimestamp,    ///< instant: ranges and = (sent in the Jira user's zone)
  kDate,         ///< calendar date: ranges and =
  kJql,          ///< the hidden Jql column
  kParentIssue,  ///< child tables (Comments, ...): the issue key or id they belong to
  kParentId,     ///< Sprints: BoardId; SprintIssues: SprintId; ProjectVersions: ProjectId
  kParentKey,    ///< ProjectVersions, ProjectComponents: ProjectKey (=, IN)
  kSince,        ///< WorklogsDeleted.Deleted: its lower bound becomes Jira's since (>, >=, =)
};

struct RowContext {
  const nlohmann::json& item;
  const nlohmann::json* issue = nullptr;  ///< child tables: {"id","key"} of the issue
  int api_version = 3;
  int64_t ordinal = 0;  ///< IssueChangelogs: the change's place in its group
};

struct ColumnDef {
  std::string name;
  SqlType type = SqlType::kText;
  std::string description;
  std::string jira_field;  ///< the field id behind the column (for `fields=`); "" when always present
  Push push = Push::kNone;
  std::string jql_field;  ///< the JQL name used when pushed
  bool hidden = false;
  std::function<SqlValue(const RowContext&)> get;
  /// The part of the row's JSON the getter reads (kept whole by the page
  /// decoder), when `reads_item`; otherwise the getter says nothing of it.
  std::vector<std::string> json_path;
  bool reads_item = false;
  /// The getter's read straight from a search page (jira/page_decoder.h),
  /// where it has one: the Issues scan reads the column with no JSON object
  /// per issue. Null: the getter reads the kept JSON.
  StraightRead straight;
  /// INSERT and UPDATE may set it (the table's writer says how).
  bool writable = false;
  /// Text that may run long (rich text rendered, raw ADF, JSON): the ODBC
  /// driver reports it as SQL_WLONGVARCHAR, other text as SQL_WVARCHAR.
  bool long_text = false;
  /// Custom fields: how a value is written, from the field's schema
  /// (number, string, textarea, option, options, cascading, user, users,
  /// date, datetime, labels, versions, components, sprint); "" = not writable.
  std::string write_as;
};

class Session;
class JiraClient;
class ItemStream;
struct ScanRequest;
struct ScanReport;
struct TableDef;

/// What a table's reader is given: the session (its properties, tables and
/// time zone), Jira, the scan SQLite asked for, and the report to fill (what
/// was asked of Jira, for explain and the progress line).
struct TableRead {
  Session& session;
  JiraClient& jira;
  const ScanRequest& request;
  ScanReport& report;
};

/// Opens the stream of JSON items a scan of the table reads (sql/readers.h
/// has one for each kind of table).
using TableReader = std::function<Result<std::unique_ptr<ItemStream>>(TableRead&)>;
/// explain: fills the report with what the reader would ask of Jira.
using TableExplainer = std::function<void(TableRead&)>;
/// One item of the stream -> several rows (IssueChangelogs: one per changed field).
using RowSplitter = std::function<void(const nlohmann::json& item, std::vector<nlohmann::json>* rows)>;

/// One row of an INSERT, UPDATE or DELETE, as SQLite hands it over.
struct RowWrite {
  enum class Kind { kInsert, kUpdate, kDelete };
  Kind kind = Kind::kInsert;
  int64_t rowid = 0;  ///< UPDATE, DELETE: the row's rowid
  /// One per column: INSERT the values given (NULL elsewhere); UPDATE the
  /// new values of the columns set; UPDATE and DELETE also the table's
  /// `write_keys` as the scan read them.
  std::vector<SqlValue> values;
  /// One per column: INSERT given and not NULL; UPDATE set by the statement.
  std::vector<bool> set;
};

/// What a writer did.
struct WriteDone {
  int64_t rowid = 0;  ///< INSERT: the new row's rowid (last_insert_rowid())
  std::string key;    ///< INSERT on Issues: the new issue's key (jirasql_last_insert_key())
  std::string what;   ///< in words, for ROLLBACK's warning: "created ALPHA-12"
};

/// Why a write failed, and whether Jira certainly holds what it held before
/// (checked before any request, or refused by Jira: a constraint error that
/// INSERT OR IGNORE skips) or may have changed (the message says what was done).
struct WriteFailure {
  WriteFailure(Error e, bool jira_unchanged, std::string written = "")
      : error(std::move(e)), unchanged(jira_unchanged), done(std::move(written)) {}
  Error error;
  bool unchanged = true;
  std::string done;   ///< what was written before the failure ("created ALPHA-12"), for ROLLBACK's warning
  int64_t rowid = 0;  ///< INSERT: the row that was made nonetheless (0: none)
  std::string key;    ///< INSERT on Issues: its key
};
using WriteResult = tl::expected<WriteDone, WriteFailure>;

/// What a writer is given. With `explain`, it checks the row and describes
/// the calls in `WriteDone::what` instead of making them.
struct TableWrite {
  Session& session;
  JiraClient& jira;
  const TableDef& table;
  bool explain = false;
};
using TableWriter = std::function<WriteResult(TableWrite&, const RowWrite&)>;
/// Sends what the writer held back (BulkInserts), when the statement or
/// transaction ends; an error says which rows were made and which not.
using TableFlusher = std::function<Result<void>(TableWrite&)>;

/// One table: everything about it in one place, registered in one list
/// (BaseTables in schema.cc). See docs/contributing.md, "A new table".
struct TableDef {
  TableDef(std::string n, std::string d, std::vector<ColumnDef> c, std::string_view a)
      : name(std::move(n)), description(std::move(d)), columns(std::move(c)), api(a) {}

  std::string name;
  std::string description;
  std::vector<ColumnDef> columns;
  std::string api;  ///< the REST calls behind the table, for docs and explain (jira/client.h's api::)
  /// A stable rowid for a row: the same row gets the same rowid in every
  /// scan (SQLite unions the branches of an OR by rowid). Null: a counter,
  /// for tables whose constraints are never pushed.
  std::function<int64_t(const RowContext&)> rowid;
  /// Where the rows come from: which jira/ call fills the table.
  TableReader read;
  /// explain: null means "one call per page of `api`", rows unknown.
  TableExplainer explain;
  /// Null: one row per item.
  RowSplitter split;
  /// The rows come from an issue search (Issues, and the child tables
  /// through their issues): a pushed constraint that matches no issue still
  /// makes a (silent) scan, so that explain reports it.
  bool issue_search = false;
  /// Issue fields the rows come from, when SQLite looks the table up by
  /// IssueId or IssueKey once per row of a running Issues scan (a join):
  /// that scan's requests carry them, and the lookups read no page of
  /// their own (Session::JoinCarry). Empty: each lookup reads as a scan.
  std::vector<std::string> carried;
  /// The table grows one column per custom field (IncludeCustomFields).
  bool custom_fields = false;
  /// Answered by this process (sys_*): no Jira call, no report, no MaxRows.
  bool system = false;
  /// The planner's cost of reading the whole table (constraints that are
  /// pushed divide it).
  double scan_cost = 1e3;
  /// INSERT, UPDATE and DELETE (sql/writers.h); null: the table is read-only.
  TableWriter write;
  TableFlusher flush;  ///< null: nothing is ever held back
  /// The REST calls a write makes, for docs and explain.
  std::string write_api;
  /// Columns the writer needs from the row to update or delete it (a
  /// comment's issue): read by the scan of an UPDATE or DELETE.
  std::vector<std::string> write_keys;
  /// The columns that identify a row (sys_primarykeys), in order.
  std::vector<std::string> primary_key;
  /// Columns that hold another table's key (sys_foreignkeys): what a BI
  /// tool draws the joins from.
  struct ForeignKey {
    std::string column, table, table_column;
  };
  std::vector<ForeignKey> foreign_keys;

  TableDef&& Flushes(TableFlusher f) && {
    flush = std::move(f);
    return std::move(*this);
  }
  TableDef&& Writes(TableWriter w, std::string_view calls, std::vector<std::string> keys = {}) && {
    write = std::move(w);
    write_api = calls;
    write_keys = std::move(keys);
    return std::move(*this);
  }

  TableDef&& Reads(TableReader r, TableExplainer e = nullptr) && {
    read = std::move(r);
    explain = std::move(e);
    return std::move(*this);
  }
  TableDef&& RowId(std::function<int64_t(const RowContext&)> f) && {
    rowid = std::move(f);
    return std::move(*this);
  }
  TableDef&& Split(RowSplitter f) && {
    split = std::move(f);
    return std::move(*this);
  }
  TableDef&& Cost(double c) && {
    scan_cost = c;
    return std::move(*this);
  }
  TableDef&& IssueSearchBacked() && {
    issue_search = true;
    return std::move(*this);
  }
  TableDef&& CarriedOnJoins(std::vector<std::string> fields) && {
    carried = std::move(fields);
    return std::move(*this);
  }
  TableDef&& CustomFields() && {
    custom_fields = true;
    return std::move(*this);
  }
  TableDef&& System() && {
    system = true;
    return std::move(*this);
  }

  int ColumnIndex(std::string_view name) const;  ///< -1 when absent (case-insensitive)
};

/// Every table with its base columns (Issues without custom fields).
const std::vector<TableDef>& BaseTables();
const TableDef* FindBaseTable(std::string_view name);

/// A custom field as `/field` describes it.
struct CustomFieldInfo {
  std::string id;             ///< "customfield_10016"
  std::string name;           ///< display name
  std::string schema_type;    ///< schema.type: number, string, option, array, user, date, datetime, ...
  std::string schema_items;   ///< schema.items for arrays
  std::string schema_custom;  ///< schema.custom: the field type's key (…:textarea, …:cascadingselect)
};

/// How a custom field's values are written (ColumnDef::write_as); "" when
/// jirasql does not write fields of its type.
std::string CustomWriteAs(const CustomFieldInfo& f);

/// Reads the custom fields out of a `/field` answer.
std::vector<CustomFieldInfo> CustomFieldsFromFieldList(const nlohmann::json& fields);

/// The Issues table with one typed column per custom field, named by display
/// name (or by id), names that collide with each other or with a base
/// column made unique by adding the field id: "Team (customfield_10030)".
TableDef IssuesWithCustomFields(const std::vector<CustomFieldInfo>& fields, bool use_display_names);

/// Thrown by a column's reader when the row holds a value Jira would never
/// send for it (an object where a timestamp belongs, text that is not a
/// number in a number column): the scan stops with an error naming the
/// table, column and row rather than show a wrong value. Custom fields,
/// whose shapes vary by app, are read leniently instead.
struct BadValue : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// "2024-05-01T08:30:00.000Z" for epoch milliseconds.
std::string FormatUtcTimestamp(int64_t ms);
/// A Jira timestamp ("2024-05-01T18:30:00.000+1000") as ISO 8601 UTC; NULL
/// when it is not one.
SqlValue TimestampToUtc(const nlohmann::json& v);
SqlValue TimestampToUtc(std::string_view text);

/// Which operators of a column become JQL, in words (docs, sys_tablecolumns).
std::string PushdownText(Push p);

/// docs/sql.md's table reference, generated from the definitions above.
std::string SchemaReferenceMarkdown();

}  // namespace jirasql
