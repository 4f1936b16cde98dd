#pragma once
/// What the SQL tables of one SQLite connection share: the properties, the
/// Jira connection (opened on first use), the tables' definitions (Issues
/// grows one column per custom field), the Jira user's time zone, and the
/// record of scans that `jirasql explain` prints.

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "auth/procedures.h"
#include "common/tz.h"
#include "connstr/properties.h"
#include "http/logger.h"
#include "jira/client.h"
#include "jira/connection.h"
#include "sql/schema.h"

namespace jirasql {

/// What one table scan asked of Jira (or, for explain, would ask): the
/// calls made (ReadStats) and what they were.
struct ScanReport : ReadStats {
  ScanReport() { calls = -1; }  ///< -1: not known (explain without an estimate)
  std::string table;
  std::string jql;     ///< Issues and the issue search of child tables
  std::string fields;  ///< the fields= list
  int64_t page_size = 0;
  int64_t rows = -1;          ///< explain: Jira's estimate; otherwise rows read
  std::string calls_note;     ///< how the calls were counted
  std::string estimate_note;  ///< explain: why Jira's estimate is unknown
  bool truncated = false;     ///< stopped at MaxRows
};

class Session {
 public:
  Session(ConnectionProperties props, std::shared_ptr<Logger> logger, ConnectOptions options);

  const ConnectionProperties& props() const { return props_; }
  /// Replaces the properties (the extension's jirasql_connect()); only
  /// before the connection was opened.
  Result<void> Reconfigure(ConnectionProperties props, std::shared_ptr<Logger> logger);
  bool connected() const { return conn_ != nullptr; }
  /// The connection when one is open, without opening one (nullptr).
  const Connection* open_connection() const { return conn_.get(); }
  /// The tables were declared in the temp schema with this session's
  /// definitions: Reconfigure may then not change them.
  void MarkDeclared() { declared_ = true; }

  /// The Jira connection, opened on first use.
  Result<Connection*> Conn();
  /// Jira's API over that connection.
  JiraClient& jira() { return jira_; }
  /// Why the connection could not be opened or a table's definition read
  /// (null: nothing failed since ClearFailure()). A statement that failed
  /// for that reason fails with its code: a missing property is a usage
  /// error, an unreachable server is not.
  const Error* failure() const { return failure_ ? &*failure_ : nullptr; }
  void ClearFailure() { failure_.reset(); }
  /// A table's definition for this connection: Issues with the custom fields
  /// when IncludeCustomFields=true. nullptr result for an unknown name.
  Result<const TableDef*> Table(std::string_view name);
  /// Every table name, for sys_tables.
  std::vector<std::string> TableNames() const;

  /// The zone JQL dates are read in: Timezone, else the Jira user's
  /// (/myself). nullptr when it cannot be known (bounds are then widened).
  const TimeZone* UserZone();

  bool pushdown() const { return props_.GetBool("PushDown"); }
  int64_t page_size() const { return props_.GetInt("Pagesize").value_or(100); }
  /// Whether the user chose Pagesize (else id-only searches take Jira's largest page).
  bool page_size_set() const { return props_.IsSet("Pagesize"); }
  int64_t max_rows() const { return props_.GetInt("MaxRows").value_or(-1); }
  /// Requests a large issue scan may have in flight (MaxThreads, at most
  /// the cap when one is set).
  int max_threads() const;
  /// Caps max_threads() (0: no cap). A sync through an OAuth app reads with
  /// one thread: a parallel issue scan reads each issue's id twice (the ids,
  /// then the issues), and under a points quota what counts is points.
  void CapThreads(int n) { threads_cap_ = n; }
  bool cloud();  ///< REST v3 (Cloud) or v2 (Data Center)

  /// explain mode: scans report what they would do and return no rows.
  bool explain = false;
  /// explain mode: the Jira tables whose cursors the statement opened, in
  /// order. A table opened but never scanned is read once per row of the
  /// tables before it (a join), with values known only then.
  std::vector<const TableDef*> explain_opened;
  /// The latest scans (all of them in explain mode), oldest first.
  std::deque<std::shared_ptr<ScanReport>> reports;
  void AddReport(std::shared_ptr<ScanReport> r) {
    reports.push_back(std::move(r));
    if (!explain && reports.size() > 64) reports.pop_front();
  }
  /// Called after each page of a scan: rows and calls so far, and how many
  /// rows Jira said there are (-1 when it did not say).
  std::function<void(const std::string& table, int64_t rows, int64_t calls, int64_t expected)> progress;
  Notice notice = [](const std::string&) {};

  /// A join from Issues to a table read per issue (Comments, IssueLinks, …):
  /// SQLite looks such a table up once per row of Issues. The lookups ask
  /// the running Issues scans to carry the fields their rows come from
  /// (`fields`, added to every request those scans still send), and take
  /// the issues of the page the scan handed out last from here, with no
  /// request of their own. Cleared when the last Issues scan ends.
  struct JoinCarry {
    std::shared_ptr<ExtraFields> fields = std::make_shared<ExtraFields>();
    int live = 0;                                            ///< Issues scans running
    std::unordered_map<std::string, nlohmann::json> issues;  ///< the last page's issues, by id
    std::vector<std::string> page;                           ///< their ids, in order
    std::vector<std::string> keys;                           ///< their keys, in the same order
    /// The id of the page's issue with key `key`; null when none has it.
    /// (A look along the page: no map built for every page of every scan.)
    const std::string* IdOfKey(const std::string& key) const {
      for (std::size_t i = 0; !key.empty() && i < keys.size() && i < page.size(); ++i) {
        if (keys[i] == key) return &page[i];
      }
      return nullptr;
    }
  };
  JoinCarry carry;

  /// The key of the issue the latest INSERT INTO Issues created
  /// (jirasql_last_insert_key()).
  std::string last_insert_key;
  /// sys_identity: each row the latest writing statement (or transaction)
  /// wrote or failed to write. `identity_batch` counts those statements.
  struct RowWritten {
    std::string id;  ///< the row's id or key ("" when a failed INSERT made none)
    int64_t batch = 0;
    std::string operation;  ///< INSERT, UPDATE, DELETE
    std::string table;
    std::string message;  ///< SUCCESS, or why not
  };
  std::vector<RowWritten> identity;
  int64_t identity_batch = 0;
  bool identity_open = false;  ///< a writing statement or transaction is under way
  /// Starts a new sys_identity batch unless one is open.
  /// IssueLinks: the links this writing statement deleted (a link is a row
  /// under each of its issues; its second row has nothing left to delete).
  std::set<std::string> links_deleted;
  void BeginWriteBatch() {
    if (identity_open) return;
    identity_open = true;
    identity.clear();
    links_deleted.clear();
    ++identity_batch;
  }
  void RecordWrite(std::string table, std::string operation, std::string id, std::string message) {
    if (identity.size() >= 100000) return;  // the first 100,000 of a huge batch
    identity.push_back({std::move(id), identity_batch, std::move(operation), std::move(table), std::move(message)});
  }
  /// What this transaction wrote to Jira, in words: ROLLBACK cannot undo
  /// it, and says so with this list.
  std::vector<std::string> written;
  /// BulkInserts: the issues INSERT queued, sent 50 at a time and when
  /// the statement (or transaction) ends; each with the row in words.
  struct QueuedCreate {
    nlohmann::json body;
    std::string row;
  };
  std::vector<QueuedCreate> queued_creates;
  /// explain: the writes the statement would make, in words.
  std::vector<std::string> write_plans;
  /// ROLLBACK (or a failed statement): warns that `written` stays written.
  void RolledBack();

  std::shared_ptr<Logger> logger() const { return logger_; }

  /// Runs a procedure with this session's properties: an OAuth one (EXEC
  /// and the table-valued functions both come here) or a JiraProcedures()
  /// one (EXEC).
  Result<ProcedureRow> Procedure(const std::string& name, const std::map<std::string, std::string>& inputs);

 private:
  int threads_cap_ = 0;
  ConnectionProperties props_;
  std::shared_ptr<Logger> logger_;
  ConnectOptions options_;
  std::unique_ptr<Connection> conn_;
  JiraClient jira_{[this] { return Conn(); }};
  std::optional<Error> failure_;
  std::optional<TableDef> issues_;  ///< with custom fields
  bool declared_ = false;
  bool zone_known_ = false;
  std::optional<TimeZone> zone_;
};

}  // namespace jirasql
