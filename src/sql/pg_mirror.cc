#include "sql/pg_mirror.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <vector>

#include "common/strings.h"
#include "sql/schema.h"

namespace jirasql {

namespace {

// What the sync reads of a mirrored table besides its keys (the sync's own
// tables are loaded whole).
const std::set<std::string> kReadColumns = {"Id", "Key", "Updated", "ProjectKey", "IssueId"};

std::string Quote(const std::string& name) { return "\"" + name + "\""; }
std::string Literal(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// The text of a SQLite statement's error.
Error SqliteError(sqlite3* db, const std::string& what) {
  return Error{ErrorCode::kInternal, what + ": " + sqlite3_errmsg(db)};
}

// Runs `sql` on `db`, rows to `row`.
Result<void> Each(sqlite3* db, const std::string& sql, const std::vector<std::string>& params,
                  const std::function<void(sqlite3_stmt*)>& row = nullptr) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) return Fail(SqliteError(db, sql));
  for (std::size_t i = 0; i < params.size(); ++i) {
    sqlite3_bind_text(st, static_cast<int>(i + 1), params[i].c_str(), -1, SQLITE_TRANSIENT);
  }
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (row) row(st);
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return Fail(SqliteError(db, sql));
  return {};
}

std::string Text(sqlite3_stmt* st, int i) {
  const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
  return t ? t : "";
}

struct Column {
  std::string name;      ///< as in SQLite
  std::string declared;  ///< SQLite's declared type
  int pk = 0;            ///< position in the primary key, 0: none
};

Result<std::vector<Column>> Columns(sqlite3* db, const std::string& table) {
  std::vector<Column> out;
  auto r = Each(db, "SELECT name, type, pk FROM pragma_table_info(?, 'mirror') ORDER BY cid", {table},
                [&](sqlite3_stmt* st) {
                  out.push_back({Text(st, 0), Text(st, 1), sqlite3_column_int(st, 2)});
                });
  if (!r) return Fail(r.error());
  return out;
}

// The tables of the database attached as `mirror`.
Result<std::vector<std::string>> MirrorTables(sqlite3* db) {
  std::vector<std::string> out;
  auto r = Each(db, "SELECT name FROM mirror.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'", {},
                [&](sqlite3_stmt* st) { out.push_back(Text(st, 0)); });
  if (!r) return Fail(r.error());
  return out;
}

std::vector<std::string> KeyColumns(const std::vector<Column>& cols) {
  std::vector<std::pair<int, std::string>> keyed;
  for (const auto& c : cols) {
    if (c.pk) keyed.emplace_back(c.pk, c.name);
  }
  std::sort(keyed.begin(), keyed.end());
  std::vector<std::string> out;
  for (auto& k : keyed) out.push_back(k.second);
  return out;
}

// The PostgreSQL type of a column: the table's own column type for the
// mirrored tables, else from SQLite's declared type.
std::string PgType(const std::string& table, const Column& c) {
  if (const TableDef* t = FindBaseTable(table)) {
    for (const auto& def : t->columns) {
      if (def.name != c.name) continue;
      switch (def.type) {
        case SqlType::kInteger:
          return "bigint";
        case SqlType::kReal:
          return "double precision";
        case SqlType::kBoolean:
          return "boolean";
        case SqlType::kTimestamp:
          return "timestamptz";
        case SqlType::kDate:
          return "date";
        case SqlType::kJson:
          return "jsonb";
        case SqlType::kText:
          return "text";
      }
    }
  }
  const std::string d = ToLower(c.declared);
  if (d == "integer") return "bigint";
  if (d == "real") return "double precision";
  return "text";
}

// A PostgreSQL name: the mirror's in lower case, quoted.
std::string PgName(const std::string& name) { return Quote(ToLower(name)); }

}  // namespace

std::string PgMirrorSchema(const std::string& site) {
  std::string rest = site;
  if (auto at = rest.find("://"); at != std::string::npos) rest = rest.substr(at + 3);
  // The host and path (a Data Center context path, jirasim's site), no port.
  std::string name = rest.substr(0, rest.find_first_of("?#"));
  if (auto colon = name.find(':'); colon != std::string::npos) {
    const auto slash = name.find('/');
    name = name.substr(0, colon) + (slash == std::string::npos ? "" : name.substr(slash));
  }
  while (!name.empty() && name.back() == '/') name.pop_back();
  // Through an OAuth app: https://api.atlassian.com/ex/jira/<cloud id>.
  if (auto ex = rest.find("/ex/jira/"); ex != std::string::npos) {
    name = rest.substr(ex + 9);
    name = name.substr(0, name.find_first_of("/?"));
  }
  std::string out = "jira_";
  for (char c : ToLower(name)) out += (std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return out.substr(0, 63);
}

Result<std::unique_ptr<PgMirror>> PgMirror::Open(const std::string& location, const std::string& site) {
  auto where = pg::ParseLocation(location, {"schema"});
  if (!where) return Fail(where.error().WithContext("sync --to"));
  std::string schema = PgMirrorSchema(site);
  if (auto s = where->jirasql.find("schema"); s != where->jirasql.end()) schema = s->second;
  bool plain = !schema.empty() && schema.size() <= 63 && !std::isdigit(static_cast<unsigned char>(schema[0]));
  for (char c : schema) {
    plain = plain &&
            (std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_');
  }
  if (!plain) {
    return Fail(ErrorCode::kInvalidArgument,
                "sync --to: jirasql_schema=" + schema +
                    " is not a plain PostgreSQL name: use lower-case letters, digits and underscores (at most 63)");
  }
  auto conn = pg::Connection::Open(*where, 30, "the mirror");
  if (!conn) return Fail(conn.error());
  // One sync writes a schema at a time; the lock goes with the connection.
  auto lock = (*conn)->Exec("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", {"jirasql mirror\x1f" + schema});
  if (!lock) return Fail(lock.error());
  if (lock->rows.empty() || lock->rows[0][0] != "t") {
    return Fail(ErrorCode::kIo, "another jirasql sync is writing the mirror " + where->shown + " (schema " + schema +
                                    "); this one did nothing — run it again once that one ends");
  }
  return std::unique_ptr<PgMirror>(new PgMirror(std::move(*where), std::move(schema), std::move(*conn)));
}

std::string PgMirror::Describe() const { return where_.shown + " (schema " + schema_ + ")"; }

Result<void> PgMirror::Close() {
  if (!db_) return {};
  // Triggers outlive the database they watch (they are the connection's):
  // a later run on this connection makes its own.
  std::vector<std::string> triggers;
  if (auto r = Each(db_, "SELECT name FROM sqlite_temp_master WHERE type = 'trigger' AND name LIKE 'jirasql_pg_%'", {},
                    [&](sqlite3_stmt* st) { triggers.push_back(Text(st, 0)); });
      !r)
    return r;
  for (const auto& t : triggers) {
    if (auto r = Each(db_, "DROP TRIGGER IF EXISTS temp." + Quote(t), {}); !r) return r;
  }
  return Each(db_, "DROP TABLE IF EXISTS temp.jirasql_pg_changes", {});
}

Result<void> PgMirror::Load(sqlite3* db, const std::function<Result<std::string>(const std::string&)>& create) {
  db_ = db;
  if (auto r = Close(); !r) return r;
  auto tables = conn_->Exec(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' "
      "ORDER BY table_name",
      {schema_});
  if (!tables) return Fail(tables.error().WithContext("reading the mirror's tables"));
  if (auto r = Each(db_, "BEGIN", {}); !r) return r;
  struct Rollback {
    sqlite3* db;
    bool done = false;
    ~Rollback() {
      if (!done) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    }
  } rollback{db_};
  for (const auto& row : tables->rows) {
    const std::string pg_name = row[0].value_or("");
    auto name = create(pg_name);
    if (!name) return Fail(name.error());
    if (name->empty()) continue;  // not the mirror's: left alone
    auto cols = Columns(db_, *name);
    if (!cols) return Fail(cols.error());
    auto pg_cols = conn_->Exec(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2",
        {schema_, pg_name});
    if (!pg_cols) return Fail(pg_cols.error());
    std::map<std::string, std::string> pg_types;
    for (const auto& c : pg_cols->rows) pg_types[c[0].value_or("")] = c[1].value_or("");
    const bool own = name->rfind("jirasql_", 0) == 0;
    std::vector<std::string> names, exprs;
    for (const auto& c : *cols) {
      auto type = pg_types.find(ToLower(c.name));
      if (type == pg_types.end() || (!own && !c.pk && !kReadColumns.count(c.name))) continue;
      const std::string col = PgName(c.name);
      names.push_back(Quote(c.name));
      // As the sync wrote them: Jira's UTC form, 0 and 1.
      if (type->second == "timestamp with time zone") {
        exprs.push_back("to_char(" + col + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')");
      } else if (type->second == "boolean") {
        exprs.push_back(col + "::int");
      } else {
        exprs.push_back(col);
      }
    }
    if (names.empty()) continue;
    std::string select = "SELECT " + Join(exprs, ", ") + " FROM " + Quote(schema_) + "." + PgName(pg_name);
    // The runs' history stays in PostgreSQL; the next run's number follows the last.
    if (*name == "jirasql_sync_runs") select += " ORDER BY run DESC LIMIT 1";
    std::string marks;
    for (std::size_t i = 0; i < names.size(); ++i) marks += i ? ", ?" : "?";
    sqlite3_stmt* put = nullptr;
    const std::string insert =
        "INSERT INTO mirror." + Quote(*name) + " (" + Join(names, ", ") + ") VALUES (" + marks + ")";
    if (sqlite3_prepare_v2(db_, insert.c_str(), -1, &put, nullptr) != SQLITE_OK) return Fail(SqliteError(db_, insert));
    bool ok = true;
    auto n = conn_->Each(select, [&](const pg::Connection::Row& values) {
      for (std::size_t i = 0; i < values.size(); ++i) {
        if (values[i].data()) {
          sqlite3_bind_text(put, static_cast<int>(i + 1), values[i].data(), static_cast<int>(values[i].size()),
                            SQLITE_TRANSIENT);
        } else {
          sqlite3_bind_null(put, static_cast<int>(i + 1));
        }
      }
      ok = ok && sqlite3_step(put) == SQLITE_DONE;
      sqlite3_reset(put);
    });
    sqlite3_finalize(put);
    if (!n) return Fail(n.error().WithContext("reading the mirror's " + pg_name));
    if (!ok) return Fail(SqliteError(db_, "loading the mirror's " + pg_name));
  }
  if (auto r = Each(db_, "COMMIT", {}); !r) return r;
  rollback.done = true;
  return {};
}

Result<void> PgMirror::Track() {
  if (auto r = Each(db_,
                    "CREATE TEMP TABLE IF NOT EXISTS jirasql_pg_changes (tbl TEXT NOT NULL, pk TEXT NOT NULL, rid "
                    "INTEGER, PRIMARY KEY (tbl, pk))",
                    {});
      !r)
    return r;
  auto tables = MirrorTables(db_);
  if (!tables) return Fail(tables.error());
  for (const auto& t : *tables) {
    auto cols = Columns(db_, t);
    if (!cols) return Fail(cols.error());
    auto key = [&](const char* row) {
      std::string k;
      for (const auto& c : KeyColumns(*cols)) k += (k.empty() ? "" : ", ") + std::string(row) + "." + Quote(c);
      return "json_array(" + k + ")";
    };
    // Last one wins: a row deleted then written again is written.
    const std::string note = "INSERT OR REPLACE INTO jirasql_pg_changes VALUES (" + Literal(t) + ", ";
    const std::string on = " ON mirror." + Quote(t) + " BEGIN ";
    const std::vector<std::string> triggers = {
        "CREATE TEMP TRIGGER IF NOT EXISTS " + Quote("jirasql_pg_" + t + "_insert") + " AFTER INSERT" + on + note +
            key("NEW") + ", NEW.rowid); END",
        "CREATE TEMP TRIGGER IF NOT EXISTS " + Quote("jirasql_pg_" + t + "_update") + " AFTER UPDATE" + on + note +
            key("OLD") + ", NULL); " + note + key("NEW") + ", NEW.rowid); END",
        "CREATE TEMP TRIGGER IF NOT EXISTS " + Quote("jirasql_pg_" + t + "_delete") + " AFTER DELETE" + on + note +
            key("OLD") + ", NULL); END"};
    for (const auto& s : triggers) {
      if (auto r = Each(db_, s, {}); !r) return r;
    }
  }
  return {};
}

Result<void> PgMirror::Dropped(const std::string& table) {
  dropped_.insert(table);
  return Each(db_, "DELETE FROM jirasql_pg_changes WHERE tbl = ?", {table});
}

Result<void> PgMirror::Flush() {
  std::vector<std::string> changed;
  if (auto r = Each(db_, "SELECT DISTINCT tbl FROM jirasql_pg_changes ORDER BY tbl", {},
                    [&](sqlite3_stmt* st) { changed.push_back(Text(st, 0)); });
      !r)
    return r;
  int64_t version = 0;
  if (auto r = Each(db_, "PRAGMA mirror.schema_version", {},
                    [&](sqlite3_stmt* st) { version = sqlite3_column_int64(st, 0); });
      !r)
    return r;
  const bool schema = version != schema_version_ || !dropped_.empty();
  if (changed.empty() && !schema) return {};
  const std::set<std::string> dropped = std::move(dropped_);
  dropped_.clear();
  auto failed = [&](const Error& e) -> Result<void> {
    if (conn_->Ok()) (void)conn_->Exec("ROLLBACK");
    return Fail(e.WithContext("writing the mirror " + Describe()));
  };
  if (auto r = conn_->Exec("BEGIN"); !r) return failed(r.error());
  if (schema) {
    // Made when missing (a role that may not create schemas syncs into one
    // made for it: CREATE SCHEMA asks for the right first, IF NOT EXISTS or not).
    auto exists = conn_->Exec("SELECT count(*) FROM pg_namespace WHERE nspname = $1", {schema_});
    if (!exists) return failed(exists.error());
    if (exists->rows[0][0] == "0") {
      if (auto r = conn_->Exec("CREATE SCHEMA " + Quote(schema_)); !r) return failed(r.error());
    }
    for (const auto& t : dropped) {
      if (auto r = conn_->Exec("DROP TABLE IF EXISTS " + Quote(schema_) + "." + PgName(t)); !r)
        return failed(r.error());
    }
    if (auto r = SendSchema(); !r) return failed(r.error());
  }
  for (const auto& t : changed) {
    if (auto r = SendTable(t); !r) return failed(r.error());
  }
  if (auto r = conn_->Exec("COMMIT"); !r) return failed(r.error());
  schema_version_ = version;
  return Each(db_, "DELETE FROM jirasql_pg_changes", {});
}

Result<void> PgMirror::SendSchema() {
  auto tables = MirrorTables(db_);
  if (!tables) return Fail(tables.error());
  // What PostgreSQL has already: only what it lacks is made.
  std::set<std::string> have;  // "table", "table.column", "index name"
  auto listed = conn_->Exec(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 UNION ALL SELECT table_name || '.' "
      "|| column_name FROM information_schema.columns WHERE table_schema = $1 UNION ALL SELECT '#' || indexname "
      "FROM pg_indexes WHERE schemaname = $1",
      {schema_});
  if (!listed) return Fail(listed.error());
  for (const auto& row : listed->rows) have.insert(row[0].value_or(""));
  for (const auto& t : *tables) {
    auto cols = Columns(db_, t);
    if (!cols) return Fail(cols.error());
    const std::string pg_table = ToLower(t), table = Quote(schema_) + "." + PgName(t);
    std::vector<std::string> ddl;
    if (!have.count(pg_table)) {
      std::string defs;
      for (const auto& c : *cols) defs += (defs.empty() ? "" : ", ") + PgName(c.name) + " " + PgType(t, c);
      std::string key;
      for (const auto& k : KeyColumns(*cols)) key += (key.empty() ? "" : ", ") + PgName(k);
      ddl.push_back("CREATE TABLE " + table + " (" + defs + (key.empty() ? "" : ", PRIMARY KEY (" + key + ")") + ")");
    } else {
      // A mirror made by an older jirasql gains the columns added since.
      for (const auto& c : *cols) {
        if (have.count(pg_table + "." + ToLower(c.name))) continue;
        ddl.push_back("ALTER TABLE " + table + " ADD COLUMN " + PgName(c.name) + " " + PgType(t, c));
      }
    }
    // The indexes the SQLite mirror has, on the join columns.
    std::vector<std::string> indexes;
    if (auto r = Each(db_, "SELECT name FROM pragma_index_list(?, 'mirror') WHERE origin = 'c'", {t},
                      [&](sqlite3_stmt* st) { indexes.push_back(Text(st, 0)); });
        !r)
      return r;
    for (const auto& i : indexes) {
      if (have.count("#" + ToLower(i))) continue;
      std::vector<std::string> on;
      if (auto r = Each(db_, "SELECT name FROM pragma_index_info(?, 'mirror') ORDER BY seqno", {i},
                        [&](sqlite3_stmt* st) { on.push_back(PgName(Text(st, 0))); });
          !r)
        return r;
      ddl.push_back("CREATE INDEX " + PgName(i) + " ON " + table + " (" + Join(on, ", ") + ")");
    }
    for (const auto& s : ddl) {
      if (auto r = conn_->Exec(s); !r) return Fail(r.error());
    }
  }
  return {};
}

Result<void> PgMirror::SendTable(const std::string& t) {
  auto cols = Columns(db_, t);
  if (!cols) return Fail(cols.error());
  if (cols->empty()) return {};  // dropped since (its changes went with it)
  const std::string table = Quote(schema_) + "." + PgName(t);
  const std::vector<std::string> key = KeyColumns(*cols);
  std::vector<std::string> pg_key, key_match, extract;
  for (std::size_t i = 0; i < key.size(); ++i) {
    pg_key.push_back(PgName(key[i]));
    key_match.push_back("m." + PgName(key[i]) + " = g." + PgName(key[i]));
    extract.push_back("json_extract(pk, '$[" + std::to_string(i) + "]')");
  }
  // Rows out of SQLite, into COPY's text format, a megabyte at a time.
  auto copy = [&](const std::string& into, const std::string& select, const std::vector<bool>& empty_is_null) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, select.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      return Result<int64_t>(Fail(SqliteError(db_, select)));
    }
    sqlite3_bind_text(st, 1, t.c_str(), -1, SQLITE_TRANSIENT);
    int rc = SQLITE_ROW;
    char number[32];
    auto sent = conn_->CopyIn("COPY " + into + " FROM STDIN", [&](std::string& out) {
      while (out.size() < (1u << 20) && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const int n = sqlite3_column_count(st);
        for (int i = 0; i < n; ++i) {
          if (i) out += '\t';
          switch (sqlite3_column_type(st, i)) {
            case SQLITE_NULL:
              pg::AppendCopyValue(out, nullptr, 0);
              break;
            case SQLITE_INTEGER:
              out += std::to_string(sqlite3_column_int64(st, i));
              break;
            case SQLITE_FLOAT:
              std::snprintf(number, sizeof number, "%.17g", sqlite3_column_double(st, i));
              out += number;
              break;
            default: {
              const auto* v = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
              const auto len = static_cast<std::size_t>(sqlite3_column_bytes(st, i));
              const bool null = len == 0 && empty_is_null[static_cast<std::size_t>(i)];
              pg::AppendCopyValue(out, null ? nullptr : v, len);
            }
          }
        }
        out += '\n';
      }
      return rc == SQLITE_ROW;
    });
    sqlite3_finalize(st);
    if (sent && rc != SQLITE_DONE) return Result<int64_t>(Fail(SqliteError(db_, select)));
    return sent;
  };
  // The changed keys leave PostgreSQL; the rows written come back whole.
  const std::string gone = Quote("jirasql_gone_" + ToLower(t));
  const std::vector<std::string> steps = {"CREATE TEMP TABLE " + gone + " ON COMMIT DROP AS SELECT " +
                                          Join(pg_key, ", ") + " FROM " + table + " WITH NO DATA"};
  for (const auto& s : steps) {
    if (auto r = conn_->Exec(s); !r) return Fail(r.error());
  }
  if (auto r = copy(gone + " (" + Join(pg_key, ", ") + ")",
                    "SELECT " + Join(extract, ", ") + " FROM jirasql_pg_changes WHERE tbl = ?",
                    std::vector<bool>(key.size(), false));
      !r)
    return Fail(r.error());
  if (auto r = conn_->Exec("DELETE FROM " + table + " m USING " + gone + " g WHERE " + Join(key_match, " AND ")); !r)
    return Fail(r.error());
  std::vector<std::string> names, pg_names;
  std::vector<bool> empty_is_null;
  for (const auto& c : *cols) {
    names.push_back(Quote(c.name));
    pg_names.push_back(PgName(c.name));
    const std::string type = PgType(t, c);
    empty_is_null.push_back(type != "text");  // "" is no timestamp, date, number or JSON
  }
  if (auto r = copy(table + " (" + Join(pg_names, ", ") + ")",
                    "SELECT " + Join(names, ", ") + " FROM mirror." + Quote(t) +
                        " WHERE rowid IN (SELECT rid FROM jirasql_pg_changes WHERE tbl = ?1 AND rid IS NOT NULL)",
                    empty_is_null);
      !r)
    return Fail(r.error());
  return {};
}

}  // namespace jirasql
