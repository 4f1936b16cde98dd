#pragma once
/// The SQLite side: every jirasql table as an eponymous virtual table
/// ("SELECT * FROM Issues" needs no CREATE), the OAuth procedures as
/// table-valued functions, and jirasql_connect('…') to set the connection
/// string. The same code runs inside the `jirasql` command and inside the
/// loadable extension (compiled a second time against sqlite3ext.h).

#include <memory>

#include "sql/session.h"

struct sqlite3;
struct sqlite3_context;

namespace jirasql {

/// Registers the modules on `db`; they share `session`. Returns an SQLite
/// result code; on failure `*error` says why.
int RegisterJirasqlModules(sqlite3* db, std::shared_ptr<Session> session, std::string* error);

/// A text result, copied by SQLite (SQLITE_TRANSIENT), whole even with
/// NUL bytes inside, and NUL-terminated in SQLite's copy when it has none
/// (so that reading it as text needs no second allocation).
void ResultText(sqlite3_context* ctx, const std::string& s);

}  // namespace jirasql
