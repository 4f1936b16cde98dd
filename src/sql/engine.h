#pragma once
/// Running SQL text over Jira: an in-memory SQLite database with the jirasql
/// tables, statements run one after another (`EXEC Proc Param='v', …` runs a
/// procedure), results written in one of the formats of sql/output.h. A
/// result cut short by an error is marked as incomplete in the output, and
/// a failed write of the output is an error.

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "common/value.h"
#include "sql/output.h"
#include "sql/session.h"

struct sqlite3;
struct sqlite3_stmt;

namespace jirasql {

struct RunOptions {
  OutputFormat format = OutputFormat::kTable;
  int64_t max_rows = -1;  ///< stop each statement's output after this many rows
  bool header = true;     ///< --no-header: false
  /// Called before anything is written to the output (the CLI clears its
  /// progress line there).
  std::function<void()> before_output;
};

/// One `EXEC Name Param='value', …` statement, parsed.
struct ExecStatement {
  std::string procedure;
  std::vector<std::pair<std::string, std::string>> params;
  /// Which params are an unquoted ?: a parameter marker, for front ends that
  /// bind values (the ODBC driver); jirasql query refuses them.
  std::vector<std::size_t> markers;
};
Result<ExecStatement> ParseExec(const std::string& text);

/// One SQLite connection with jirasql's tables. Used by one thread at a
/// time (any thread, never two at once), like the Session it reads through.
class SqlEngine {
 public:
  static Result<std::unique_ptr<SqlEngine>> Open(std::shared_ptr<Session> session);
  ~SqlEngine();

  /// Runs every statement of `sql`, writing results to `out`. Stops at the
  /// first error, which names the statement.
  Result<void> Run(const std::string& sql, const RunOptions& options, std::ostream& out, std::ostream& notes);
  /// Prints, for each statement, SQLite's plan and each Jira scan's JQL,
  /// fields, page size and expected API calls — reading no issues.
  Result<void> Explain(const std::string& sql, std::ostream& out);

  /// For front ends that step statements themselves (the ODBC driver): one
  /// statement prepared on db(), its error worded as Run words it (with
  /// "did you mean"). The caller finalizes it.
  Result<sqlite3_stmt*> Prepare(const std::string& stmt);
  /// Why stepping `stmt` failed, as Run says it (the connection's failure
  /// kind when the connection or a table could not be had).
  Error StepError(const std::string& stmt);

  sqlite3* db() { return db_; }
  Session& session() { return *session_; }

 private:
  SqlEngine() = default;
  ErrorCode CodeOf(ErrorCode otherwise) const;
  std::shared_ptr<Session> session_;
  sqlite3* db_ = nullptr;
};

/// Splits SQL text into statements at top-level semicolons (quotes, comments
/// and brackets respected). Empty statements are dropped.
std::vector<std::string> SplitStatements(const std::string& sql);

}  // namespace jirasql
