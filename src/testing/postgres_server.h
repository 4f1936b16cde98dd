#pragma once
/// A throwaway PostgreSQL for tests: Debian's server binaries
/// (/usr/lib/postgresql/N/bin), `initdb` into a temporary folder, the
/// server on a free loopback port with its socket in that folder. As root
/// (CI) the server runs as `nobody` — PostgreSQL refuses root. The
/// superuser `jirasql` has a random password, found through passfile()
/// (PGPASSFILE), never in a URI. The server stops with the object, and on
/// its own if the test process dies (SIGQUIT on the parent's death).

#include <sys/types.h>

#include <memory>
#include <string>

#include "common/error.h"
#include "pg/pg.h"

namespace jirasql::testing {

class PostgresServer {
 public:
  /// Starts one; an error says why not (no server installed, initdb failed
  /// — with the end of its log).
  static Result<std::unique_ptr<PostgresServer>> Start();
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  int port() const { return port_; }
  /// postgresql://jirasql@127.0.0.1:PORT/DB — the password comes from
  /// passfile().
  std::string Uri(const std::string& db = "postgres") const;
  /// A .pgpass for PGPASSFILE (mode 0600).
  const std::string& passfile() const { return passfile_; }
  /// Runs SQL as the superuser in `db`.
  Result<pg::Rows> Sql(const std::string& sql, const std::string& db = "postgres");
  /// The server process.
  pid_t pid() const { return pid_; }

 private:
  PostgresServer() = default;
  std::string dir_, passfile_, bin_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace jirasql::testing
