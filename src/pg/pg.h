#pragma once
/// PostgreSQL through libpq, for what a fleet shares: the saved OAuth login
/// (auth/pg_settings_store) and, later, the mirror.
///
/// A location is a libpq connection URI, `postgresql://user@host:port/db?…`,
/// with jirasql's own parameters (`jirasql_*`) taken out before libpq sees
/// it. The password never travels in it: libpq reads it from PGPASSFILE,
/// ~/.pgpass or PGPASSWORD, and a URI that carries one is refused (it would
/// be logged, shown in errors and kept in shell histories).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

struct pg_conn;
struct pg_result;

namespace jirasql::pg {

/// A postgresql:// location, split: what libpq gets, jirasql's parameters,
/// and a form to show (no password ever; the URI as given otherwise).
struct Location {
  std::string conninfo;                        ///< for libpq
  std::map<std::string, std::string> jirasql;  ///< jirasql_NAME=VALUE, by NAME
  std::string shown;                           ///< for messages and logs
};

/// True for postgresql:// and postgres:// locations.
bool IsLocation(const std::string& text);
/// Splits `text`; refuses a password in it and a jirasql_ parameter of an
/// unknown `allowed` name, saying what to do instead.
Result<Location> ParseLocation(const std::string& text, const std::vector<std::string>& allowed);

/// One result of a statement: rows of text values (nullopt: NULL).
struct Rows {
  std::vector<std::vector<std::optional<std::string>>> rows;
  int64_t affected = 0;  ///< rows an INSERT / UPDATE / DELETE touched
};

/// A connection. Not thread-safe: one thread at a time (the callers hold a
/// mutex).
class Connection {
 public:
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Connects (libpq's connect_timeout applies; `timeout_s` is used when the
  /// location sets none). `what`: what the connection is for, in errors.
  static Result<std::unique_ptr<Connection>> Open(const Location& where, int timeout_s, const std::string& what);

  /// Runs one statement with text parameters ($1, $2, …).
  Result<Rows> Exec(const std::string& sql, const std::vector<std::optional<std::string>>& params = {});
  /// One row of Each: its values (data() null: NULL), valid during the call.
  using Row = std::vector<std::string_view>;
  /// Runs one statement (no parameters), its rows one at a time to `row`
  /// (libpq's single-row mode: a big table is never held whole). The rows.
  Result<int64_t> Each(const std::string& sql, const std::function<void(const Row&)>& row);
  /// COPY … FROM STDIN: `next` appends the next rows (COPY's text format,
  /// AppendCopyValue) to its argument and returns false after the last.
  /// The rows COPY wrote.
  Result<int64_t> CopyIn(const std::string& sql, const std::function<bool(std::string&)>& next);
  /// True while the server connection is usable.
  bool Ok() const;
  /// The server process serving this connection (pg_backend_pid).
  int BackendPid() const;

 private:
  Connection(pg_conn* c, std::string shown, std::string what);
  /// The error of a failed statement (`r`, or the connection's when null).
  Error Failure(pg_result* r) const;
  pg_conn* conn_;
  std::string shown_, what_;
};

/// Appends one value to a row of COPY's text format (`v` null: NULL):
/// backslash, tab, newline and carriage return escaped.
void AppendCopyValue(std::string& out, const char* v, std::size_t n);

/// The SQLSTATE of the latest failed Exec's error, when the message ends in
/// " [SQLSTATE xxxxx]" (as Exec writes it); "" otherwise.
std::string SqlState(const Error& e);

}  // namespace jirasql::pg
