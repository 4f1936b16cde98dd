#include "sql/sync.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <set>

#include "common/json_writer.h"
#include "common/strings.h"
#include "common/time.h"
#include "jira/connection.h"
#include "jira/jql.h"
#include "sql/engine.h"
#include "sql/pg_mirror.h"
#include "sql/schema.h"

namespace jirasql {

namespace {

constexpr int kMirrorFormat = 1;
const std::vector<std::string> kDefaultTables = {"Issues", "Comments", "Worklogs", "IssueChangelogs"};

std::string Quote(const std::string& name) { return "\"" + name + "\""; }

// The sync's own tables in a mirror.
const std::map<std::string, std::string> kOwnTables = {
    {"jirasql_sync_meta", "(Key TEXT PRIMARY KEY, Value TEXT)"},
    {"jirasql_sync_state", "(ProjectKey TEXT PRIMARY KEY, WatermarkMs INTEGER, SyncedAt TEXT, Issues INTEGER)"},
    {"jirasql_sync_runs", "(Run INTEGER PRIMARY KEY, FinishedAt TEXT, Ok INTEGER, Report TEXT)"}};

// `ids` in lists of at most 500, as "1, 2, 3": what one `id in (…)` takes.
std::vector<std::string> IdLists(const std::vector<std::string>& ids) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < ids.size(); i += 500) {
    out.push_back(Join(std::vector<std::string>(ids.begin() + static_cast<long>(i),
                                                ids.begin() + static_cast<long>(std::min(i + 500, ids.size()))),
                       ", "));
  }
  return out;
}

// A table's batch: what one read brought, in the engine's temp schema.
std::string Batch(const TableDef& t) { return "temp." + Quote("sync_" + ToLower(t.name)); }

std::string JqlString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// The columns a mirror keeps of a table: the visible ones.
std::vector<const ColumnDef*> MirroredColumns(const TableDef& t) {
  std::vector<const ColumnDef*> out;
  for (const auto& c : t.columns) {
    if (!c.hidden) out.push_back(&c);
  }
  return out;
}

std::string ColumnList(const TableDef& t, const std::string& prefix = "") {
  std::string out;
  for (const auto* c : MirroredColumns(t)) out += (out.empty() ? "" : ", ") + prefix + Quote(c->name);
  return out;
}

bool HasColumn(const TableDef& t, const std::string& name) {
  return std::any_of(t.columns.begin(), t.columns.end(), [&](const ColumnDef& c) { return c.name == name; });
}

bool IsIssueChild(const TableDef& t) {
  return t.name != "Issues" && HasColumn(t, "IssueId") && HasColumn(t, "Jql") && !t.primary_key.empty();
}

// One run's statements on the engine's connection.
class Runner {
 public:
  explicit Runner(SqlEngine& engine) : engine_(engine), db_(engine.db()) {}

  Result<sqlite3_stmt*> Prepare(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      return Fail(ErrorCode::kInternal, std::string(sqlite3_errmsg(db_)) + " in: " + sql);
    }
    return st;
  }

  // Steps `st` to its end (rows to `row` if given); the statement's error
  // as the engine words it (a Jira failure, not "SQL logic error").
  Result<void> Step(sqlite3_stmt* st, const std::string& sql, const std::function<void(sqlite3_stmt*)>& row = nullptr) {
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      if (row) row(st);
    }
    engine_.session().reports.clear();  // (a sync's scans are many; what they cost the governor counts)
    if (rc != SQLITE_DONE) return Fail(engine_.StepError(sql));
    return {};
  }

  // Runs `sql` with text parameters; rows (as text) to `row` if given.
  Result<void> Exec(const std::string& sql, const std::vector<std::string>& params = {},
                    const std::function<void(sqlite3_stmt*)>& row = nullptr) {
    auto st = Prepare(sql);
    if (!st) return Fail(st.error());
    for (std::size_t i = 0; i < params.size(); ++i) {
      sqlite3_bind_text(*st, static_cast<int>(i + 1), params[i].c_str(), -1, SQLITE_TRANSIENT);
    }
    auto r = Step(*st, sql, row);
    sqlite3_finalize(*st);
    return r;
  }

  Result<int64_t> Int(const std::string& sql, const std::vector<std::string>& params = {}) {
    int64_t v = 0;
    auto r = Exec(sql, params, [&](sqlite3_stmt* st) { v = sqlite3_column_int64(st, 0); });
    if (!r) return Fail(r.error());
    return v;
  }

  Result<std::vector<std::string>> Column(const std::string& sql, const std::vector<std::string>& params = {}) {
    std::vector<std::string> out;
    auto r = Exec(sql, params, [&](sqlite3_stmt* st) {
      const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
      out.push_back(t ? t : "");
    });
    if (!r) return Fail(r.error());
    return out;
  }

 private:
  SqlEngine& engine_;
  sqlite3* db_;
};

// Statements prepared once and finalized with the holder.
class Statements {
 public:
  ~Statements() {
    for (auto* st : list_) sqlite3_finalize(st);
  }
  sqlite3_stmt* Keep(sqlite3_stmt* st) {
    list_.push_back(st);
    return st;
  }

 private:
  std::vector<sqlite3_stmt*> list_;
};

Result<void> CreateTable(Runner& run, const TableDef& t) {
  std::string cols;
  for (const auto* c : MirroredColumns(t)) {
    cols += (cols.empty() ? "" : ", ") + Quote(c->name) + " " + std::string(SqlDeclaredType(c->type));
  }
  std::string pk;
  for (const auto& k : t.primary_key) pk += (pk.empty() ? "" : ", ") + Quote(k);
  if (auto r =
          run.Exec("CREATE TABLE IF NOT EXISTS mirror." + Quote(t.name) + " (" + cols + ", PRIMARY KEY (" + pk + "))");
      !r)
    return r;
  // A mirror made by an older jirasql gains the columns added since.
  std::set<std::string> have;
  auto info = run.Column("SELECT name FROM pragma_table_info(?, 'mirror')", {t.name});
  if (!info) return Fail(info.error());
  have.insert(info->begin(), info->end());
  for (const auto* c : MirroredColumns(t)) {
    if (have.count(c->name)) continue;
    if (auto r = run.Exec("ALTER TABLE mirror." + Quote(t.name) + " ADD COLUMN " + Quote(c->name) + " " +
                          std::string(SqlDeclaredType(c->type)));
        !r)
      return r;
  }
  std::vector<std::string> index_on;
  if (t.name == "Issues") {
    index_on = {"ProjectKey", "Key"};
  } else if (HasColumn(t, "IssueId")) {
    index_on = {"IssueId"};
  }
  for (const auto& col : index_on) {
    if (auto r = run.Exec("CREATE INDEX IF NOT EXISTS mirror." + Quote(t.name + "_" + col) + " ON " + Quote(t.name) +
                          " (" + Quote(col) + ")");
        !r)
      return r;
  }
  return {};
}

// The latest Updated of the batch, in epoch milliseconds (-1: none).
int64_t LatestUpdate(Runner& run) {
  int64_t latest = -1;
  (void)run.Exec("SELECT Updated FROM temp.sync_issues", {}, [&](sqlite3_stmt* st) {
    const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    if (!t) return;
    if (auto ms = ParseIso8601Ms(t)) latest = std::max(latest, *ms);
  });
  return latest;
}

class Sync {
 public:
  Sync(SqlEngine& engine, const SyncOptions& o, const SyncProgress& progress)
      : engine_(engine), o_(o), progress_(progress), run_(engine) {}

  Result<SyncReport> Run() {
    started_ = std::chrono::steady_clock::now();
    // Through an OAuth app, whose points are metered, one thread: a
    // parallel issue scan reads each id twice (the ids, then the issues).
    auto conn = engine_.session().Conn();
    if (!conn) return Fail(conn.error());
    // What the run spent: what the connection's requests cost, counted as
    // they are answered (RateGovernor), whatever read them.
    RateGovernor& spent = (*conn)->governor();
    struct Restore {
      Session& s;
      RateGovernor& g;
      bool metered;
      ~Restore() {
        s.CapThreads(0);
        g.MeterPoints(metered);
      }
    } restore{engine_.session(), spent, spent.points_metered()};
    spent.MeterPoints(true);
    metered_ = (*conn)->tokens() != nullptr;
    if (metered_) engine_.session().CapThreads(1);
    const int64_t requests_before = spent.requests(), points_before = spent.points();
    if (auto r = Prepare(); !r) {
      (void)run_.Exec("ROLLBACK");
      Detach();
      return Fail(r.error());
    }
    auto visible = run_.Column("SELECT Key FROM main.Projects ORDER BY Key");
    if (!visible) return Fail(visible.error());
    auto mirrored = run_.Column("SELECT DISTINCT ProjectKey FROM mirror.Issues WHERE ProjectKey IS NOT NULL");
    if (!mirrored) return Fail(mirrored.error());
    const std::set<std::string> seen(visible->begin(), visible->end());
    for (const auto& p : *mirrored) {
      if (!seen.count(p)) report_.hidden_projects.push_back(p);
    }
    // Projects read for the first time (no watermark yet), each in a
    // transaction of its own; then the changes of all the others at once:
    // one search, one census, one transaction — a site of fifty projects
    // costs what one costs, not fifty times the pages and counts.
    std::vector<std::string> first, again;
    for (const auto& project : *visible) {
      auto wm = run_.Column("SELECT WatermarkMs FROM mirror.jirasql_sync_state WHERE ProjectKey = ?", {project});
      if (!wm) return Fail(wm.error());
      (wm->empty() || (*wm)[0].empty() ? first : again).push_back(project);
    }
    std::vector<std::string> unread;  // after the points budget stopped the run
    projects_ = static_cast<int64_t>(first.size()) + (again.empty() ? 0 : 1);
    for (const auto& project : first) {
      if (!unread.empty()) {
        unread.push_back(project);
        continue;
      }
      ++report_.projects;
      if (auto r = SyncProject(project); !r) {
        (void)run_.Exec("ROLLBACK");
        report_.problems.push_back(project + ": " + r.error().message);
        // The budget (MaxPoints, --max-points) is spent: the rest wait for
        // the next run, which starts where the last commit left off.
        if (spent.BudgetSpent()) unread.push_back(project);
      }
      ++done_;
    }
    if (!again.empty()) {
      if (!unread.empty()) {
        unread.insert(unread.end(), again.begin(), again.end());
      } else {
        report_.projects += static_cast<int64_t>(again.size());
        if (auto r = SyncChanges(again); !r) {
          (void)run_.Exec("ROLLBACK");
          report_.problems.push_back("the changes of " + Join(again, ", ") + ": " + r.error().message);
          if (spent.BudgetSpent()) unread = {"", Join(again, ", ")};
        }
      }
    }
    if (unread.size() > 1) {
      report_.problems.push_back("not read this run (the points budget was spent): " +
                                 Join(std::vector<std::string>(unread.begin() + 1, unread.end()), ", "));
    }
    if (unread.empty() && HasTable("Worklogs")) {
      if (auto r = WorklogChanges(); !r) {
        (void)run_.Exec("ROLLBACK");
        report_.problems.push_back("worklogs edited or deleted on unchanged issues: " + r.error().message);
      }
    }
    report_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    report_.requests = spent.requests() - requests_before;
    report_.points = spent.points() - points_before;
    // The run's record; for PostgreSQL a failure to send it is the run's too.
    auto noted = run_.Exec("BEGIN");
    if (noted) {
      noted = run_.Exec("INSERT INTO mirror.jirasql_sync_runs (FinishedAt, Ok, Report) VALUES (?, ?, ?)",
                        {FormatUtcTimestamp(EpochMs(SystemClock().Now())), report_.ok() ? "1" : "0", report_.ToJson()});
    }
    if (noted) noted = Commit();
    if (!noted) {
      (void)run_.Exec("ROLLBACK");
      if (pg_) report_.problems.push_back("the run's record: " + noted.error().message);
    }
    Detach();
    return report_;
  }

 private:
  void Step(const std::string& project, const std::string& step) {
    if (!progress_) return;
    SyncStatus status;
    status.project = project;
    status.step = step;
    status.done = done_;
    status.projects = projects_;
    status.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    progress_(status);
  }

  bool HasTable(const std::string& name) const {
    return std::any_of(tables_.begin(), tables_.end(), [&](const TableDef* t) { return t->name == name; });
  }

  // Worklogs edited or deleted on issues that did not change otherwise
  // (Jira need not move an issue's `updated` for them): Jira lists them
  // site-wide since a time (GET /worklog/deleted, /worklog/updated). A
  // deleted one leaves the mirror; an edited one the mirror holds older
  // has its issue read again. The time (Jira's clock) is kept in
  // jirasql_sync_meta; the first run only notes where to start.
  Result<void> WorklogChanges() {
    Step("site", "worklog changes");
    auto stored = run_.Column("SELECT Value FROM mirror.jirasql_sync_meta WHERE Key = 'worklogs_since'");
    if (!stored) return Fail(stored.error());
    auto latest_issue = run_.Int("SELECT coalesce(max(WatermarkMs), -1) FROM mirror.jirasql_sync_state");
    if (!latest_issue) return Fail(latest_issue.error());
    int64_t next = *latest_issue;  // what the next run asks since: the latest change seen
    if (auto r = run_.Exec("BEGIN IMMEDIATE"); !r) return r;
    if (!stored->empty()) {
      const int64_t since_ms = std::max<int64_t>(0, ParseInt((*stored)[0]).value_or(0) - o_.overlap_ms);
      next = std::max(next, static_cast<int64_t>(ParseInt((*stored)[0]).value_or(0)));
      const std::string since = FormatUtcTimestamp(since_ms);
      // Deleted: their issues are read again (the issue's time spent
      // changed too), which drops them.
      std::set<std::string> issues;
      std::vector<std::string> deleted;
      if (auto r = run_.Exec("SELECT WorklogId, Deleted FROM main.WorklogsDeleted WHERE Deleted >= ?", {since},
                             [&](sqlite3_stmt* st) {
                               deleted.push_back(std::to_string(sqlite3_column_int64(st, 0)));
                               const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
                               if (auto ms = t ? ParseIso8601Ms(t) : std::nullopt) next = std::max(next, *ms);
                             });
          !r)
        return r;
      for (const auto& list : IdLists(deleted)) {
        auto of = run_.Column("SELECT DISTINCT IssueId FROM mirror.Worklogs WHERE Id IN (" + list + ")");
        if (!of) return Fail(of.error());
        issues.insert(of->begin(), of->end());
      }
      // Added or edited: the issues of those the mirror holds older.
      if (auto r = run_.Exec(
              "SELECT u.Updated, m.Updated, m.IssueId FROM main.WorklogsUpdated u JOIN mirror.Worklogs m ON m.Id = "
              "u.WorklogId WHERE u.Updated >= ?",
              {since},
              [&](sqlite3_stmt* st) {
                const auto* at_jira = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
                const auto* mirrored = reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
                const auto jira_ms = at_jira ? ParseIso8601Ms(at_jira) : std::nullopt;
                const auto mirror_ms = mirrored ? ParseIso8601Ms(mirrored) : std::nullopt;
                if (jira_ms) next = std::max(next, *jira_ms);
                if (!jira_ms || !mirror_ms || *mirror_ms < *jira_ms) {
                  issues.insert(std::to_string(sqlite3_column_int64(st, 2)));
                }
              });
          !r)
        return r;
      for (const auto& list : IdLists(std::vector<std::string>(issues.begin(), issues.end()))) {
        std::string jql = "id in (" + list + ")";
        if (!jql_.empty()) jql += " AND (" + jql_ + ")";
        if (auto r = Apply(jql, "site"); !r) return r;
      }
    }
    if (next >= 0) {
      if (auto r = run_.Exec("INSERT OR REPLACE INTO mirror.jirasql_sync_meta VALUES ('worklogs_since', ?)",
                             {std::to_string(next)});
          !r)
        return r;
    }
    return Commit();
  }

  void Detach() {
    if (pg_) (void)pg_->Close();
    if (attached_) (void)run_.Exec("DETACH DATABASE mirror");
    attached_ = false;
  }

  // Commits the mirror's transaction: for PostgreSQL its changes are sent
  // (committed there) first; a failure leaves it for the caller to roll back.
  Result<void> Commit() {
    if (pg_) {
      if (auto r = pg_->Flush(); !r) return r;
    }
    return run_.Exec("COMMIT");
  }

  // Drops a table of the mirror (in the caller's transaction).
  Result<void> DropTable(const std::string& name) {
    if (auto r = run_.Exec("DROP TABLE IF EXISTS mirror." + Quote(name)); !r) return r;
    if (pg_) return pg_->Dropped(name);
    return {};
  }

  // Makes a table of the mirror by its name (any case): one of the sync's
  // own or a mirrored one. Its name, or "" when it is neither.
  Result<std::string> CreateMirrorTable(const std::string& name) {
    for (const auto& [own, columns] : kOwnTables) {
      if (!EqualsIgnoreCase(own, name)) continue;
      if (auto r = run_.Exec("CREATE TABLE IF NOT EXISTS mirror." + own + " " + columns); !r) return Fail(r.error());
      return own;
    }
    const auto allowed = MirrorableTables();
    const TableDef* t = FindBaseTable(name);
    if (!t || std::find(allowed.begin(), allowed.end(), t->name) == allowed.end()) return std::string();
    if (auto r = CreateTable(run_, *t); !r) return Fail(r.error());
    return t->name;
  }

  Result<void> Prepare() {
    // The site: a mirror holds one.
    auto conn = engine_.session().Conn();
    if (!conn) return Fail(conn.error());
    site_ = (*conn)->endpoint().base_url;

    shown_ = o_.to;
    if (pg::IsLocation(o_.to)) {
      // PostgreSQL: the sync works on a private SQLite database holding what
      // it reads of the mirror; each commit sends its changes (PgMirror).
      auto m = PgMirror::Open(o_.to, site_);
      if (!m) return Fail(m.error());
      pg_ = std::move(*m);
      shown_ = pg_->Describe();
      if (auto r = run_.Exec("ATTACH DATABASE '' AS mirror"); !r) return Fail(r.error());
      attached_ = true;
      if (auto r = pg_->Load(engine_.db(), [&](const std::string& name) { return CreateMirrorTable(name); }); !r) {
        return Fail(r.error().WithContext("reading the mirror " + shown_));
      }
    } else {
      if (auto r = run_.Exec("ATTACH DATABASE ? AS mirror", {o_.to}); !r) {
        return Fail(ErrorCode::kIo, "cannot open the mirror " + o_.to + ": " + r.error().message);
      }
      attached_ = true;
      // WAL: readers of the mirror (a dashboard) go on while a sync writes.
      (void)run_.Exec("PRAGMA mirror.journal_mode = WAL");
    }
    if (auto r = CreateMirrorTable("jirasql_sync_meta"); !r) {
      return Fail(ErrorCode::kIo, "cannot write the mirror " + shown_ + ": " + r.error().message);
    }
    if (pg_) {
      if (auto r = pg_->Track(); !r) return Fail(r.error());
    }
    std::map<std::string, std::string> meta;
    if (auto r = run_.Exec("SELECT Key, Value FROM mirror.jirasql_sync_meta", {},
                           [&](sqlite3_stmt* st) {
                             const auto* k = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
                             const auto* v = reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
                             if (k) meta[k] = v ? v : "";
                           });
        !r)
      return Fail(ErrorCode::kIo, "cannot read the mirror " + shown_ + ": " + r.error().message);
    if (meta.count("format") && ParseInt(meta["format"]).value_or(0) > kMirrorFormat) {
      return Fail(ErrorCode::kInvalidArgument, shown_ + " was written by a newer jirasql (mirror format " +
                                                   meta["format"] + "); update jirasql or sync into a new " +
                                                   (pg_ ? "schema" : "file"));
    }
    if (meta.count("site") && meta["site"] != site_) {
      return Fail(ErrorCode::kInvalidArgument,
                  shown_ + " mirrors " + meta["site"] + ", not " + site_ + ": sync each site into a " +
                      (pg_ ? "schema of its own (jirasql_schema=NAME)" : "file of its own"));
    }

    // The tables and the JQL: as asked, else as the mirror was made.
    std::vector<std::string> names = o_.tables;
    std::vector<std::string> stored;
    if (meta.count("tables")) {
      for (const auto& n : Split(meta["tables"], ',')) stored.push_back(std::string(n));
    }
    if (names.empty()) names = stored.empty() ? kDefaultTables : stored;
    if (std::find(names.begin(), names.end(), "Issues") == names.end()) names.insert(names.begin(), "Issues");
    const auto allowed = MirrorableTables();
    for (const auto& n : names) {
      const TableDef* t = FindBaseTable(n);
      if (!t || std::find(allowed.begin(), allowed.end(), t->name) == allowed.end()) {
        std::string msg = "sync: '" + n + "' cannot be mirrored";
        if (auto best = ClosestMatch(n, allowed); best && !t)
          msg = "sync: no table '" + n + "'; did you mean '" + *best + "'?";
        msg += " (the tables a mirror can hold: " + Join(allowed, ", ") + ")";
        return Fail(ErrorCode::kInvalidArgument, msg);
      }
      if (std::find(tables_.begin(), tables_.end(), t) == tables_.end()) tables_.push_back(t);
    }
    std::vector<std::string> table_names;
    for (const TableDef* t : tables_) table_names.push_back(t->name);
    jql_ = o_.jql ? *o_.jql : meta.count("jql") ? meta["jql"] : std::string();

    // What changed since the mirror was made: a table added is read from
    // the start (so is everything, the issues carrying it); a table left
    // out is dropped (it would go stale unseen); another JQL starts over.
    std::vector<std::string> added, removed;
    if (!stored.empty()) {
      for (const auto& n : table_names) {
        if (std::find(stored.begin(), stored.end(), n) == stored.end()) added.push_back(n);
      }
      for (const auto& n : stored) {
        if (std::find(table_names.begin(), table_names.end(), n) == table_names.end()) removed.push_back(n);
      }
    }
    const bool jql_changed = meta.count("jql") && meta["jql"] != jql_;
    // A new JQL is asked of Jira first (one count): a typo must not empty
    // the mirror that another JQL would start over.
    if (!jql_.empty() && (jql_changed || !meta.count("jql"))) {
      IssueQuery q;
      q.user_where = jql_;
      if (auto n = engine_.session().jira().CountIssues(q); !n) {
        return Fail(ErrorCode::kInvalidArgument,
                    "--jql " + jql_ + ": " + n.error().message + " (the mirror is left as it was)");
      }
    }

    if (auto r = run_.Exec("BEGIN"); !r) return Fail(r.error());
    auto state =
        run_.Int("SELECT count(*) FROM mirror.sqlite_master WHERE type = 'table' AND name = 'jirasql_sync_state'");
    if (!state) return Fail(state.error());
    if (jql_changed) {
      for (const auto& n : stored) {
        if (auto r = DropTable(n); !r) return Fail(r.error());
      }
      if (*state) {
        if (auto r = run_.Exec("DELETE FROM mirror.jirasql_sync_state"); !r) return Fail(r.error());
      }
      report_.notes.push_back("The JQL changed (was: " + (meta["jql"].empty() ? "none" : meta["jql"]) +
                              "): the mirror is read again from the start");
    } else {
      for (const auto& n : removed) {
        if (auto r = DropTable(n); !r) return Fail(r.error());
        report_.notes.push_back(n + " is no longer mirrored (not in --tables): dropped from the mirror");
      }
      if (!added.empty() && *state) {
        if (auto r = run_.Exec("DELETE FROM mirror.jirasql_sync_state"); !r) return Fail(r.error());
        report_.notes.push_back(Join(added, ", ") + " added to the mirror: every project is read again from the start");
      }
    }
    if (auto r = run_.Exec("INSERT OR REPLACE INTO mirror.jirasql_sync_meta VALUES ('tables', ?), ('jql', ?)",
                           {Join(table_names, ","), jql_});
        !r)
      return Fail(r.error());
    if (auto r = run_.Exec("INSERT OR REPLACE INTO mirror.jirasql_sync_meta VALUES ('format', '" +
                           std::to_string(kMirrorFormat) + "')");
        !r)
      return Fail(r.error());
    for (const char* own : {"jirasql_sync_state", "jirasql_sync_runs"}) {
      if (auto r = CreateMirrorTable(own); !r) return Fail(r.error());
    }
    if (auto r = run_.Exec("INSERT OR REPLACE INTO mirror.jirasql_sync_meta VALUES ('site', ?)", {site_}); !r)
      return Fail(r.error());
    for (const TableDef* t : tables_) {
      if (auto r = CreateTable(run_, *t); !r) return Fail(r.error());
      report_.tables[t->name];
    }
    if (pg_) {
      if (auto r = pg_->Track(); !r) return Fail(r.error());
    }
    if (auto r = Commit(); !r) return Fail(r.error());
    // The batch tables, in the engine's temporary schema.
    for (const TableDef* t : tables_) {
      const std::string batch = Batch(*t);
      if (auto r = run_.Exec("DROP TABLE IF EXISTS " + batch); !r) return Fail(r.error());
      if (auto r = run_.Exec("CREATE TABLE " + batch + " AS SELECT " + ColumnList(*t) + " FROM mirror." +
                             Quote(t->name) + " WHERE 0");
          !r)
        return Fail(r.error());
    }
    // The issues of a batch new to the mirror or changed since it read them.
    if (auto r = run_.Exec("DROP TABLE IF EXISTS temp.sync_fresh"); !r) return Fail(r.error());
    if (auto r = run_.Exec("CREATE TABLE temp.sync_fresh (Id INTEGER PRIMARY KEY)"); !r) return Fail(r.error());
    return {};
  }

  // The mirror's issues in `projects`, as JQL.
  std::string ScopeJql(const std::vector<std::string>& projects) const {
    std::string jql;
    for (const auto& p : projects) jql += (jql.empty() ? "" : ", ") + JqlString(p);
    jql = projects.size() == 1 ? "project = " + jql : "project in (" + jql + ")";
    if (!jql_.empty()) jql += " AND (" + jql_ + ")";
    return jql;
  }

  // Reads what `jql` matches into the batch tables, then replaces the
  // mirror's rows of those issues. Within the caller's transaction.
  //
  // One issue search serves every table whose rows are fields of the issue
  // (comments, worklogs, links, …): as each issue of the scan is written to
  // the batch, its children are looked up by IssueId while the scan is
  // open, and such a lookup takes them from the issues the scan carries
  // (Session::JoinCarry: the scan's requests ask for those fields too),
  // with no request of its own. The tables read otherwise (changelogs,
  // transitions) follow with their own search.
  // `whole`: read every table of every issue (a first read, or a table new
  // to the mirror), else the tables read apart only for what changed.
  Result<void> Apply(const std::string& jql, const std::string& project, bool whole = false) {
    for (const TableDef* t : tables_) {
      if (auto r = run_.Exec("DELETE FROM " + Batch(*t)); !r) return r;
    }
    const TableDef& issues_def = *tables_[0];
    const auto issue_columns = MirroredColumns(issues_def);
    const std::size_t ncols = issue_columns.size();
    std::size_t id_col = 0;
    for (std::size_t i = 0; i < ncols; ++i) {
      if (issue_columns[i]->name == "Id") id_col = i;
    }
    Statements keep;
    const std::string scan_sql = "SELECT " + ColumnList(issues_def) + " FROM main.Issues WHERE Jql = ?";
    std::string marks;
    for (std::size_t i = 0; i < ncols; ++i) marks += i ? ", ?" : "?";
    auto scan = run_.Prepare(scan_sql);
    if (!scan) return Fail(scan.error());
    keep.Keep(*scan);
    auto put = run_.Prepare("INSERT INTO temp.sync_issues (" + ColumnList(issues_def) + ") VALUES (" + marks + ")");
    if (!put) return Fail(put.error());
    keep.Keep(*put);
    std::vector<std::pair<sqlite3_stmt*, std::string>> children;  // carried: looked up per issue
    auto& carry = engine_.session().carry;
    for (const TableDef* t : tables_) {
      if (t->name == "Issues" || t->carried.empty()) continue;
      const std::string sql = "INSERT INTO " + Batch(*t) + " SELECT " + ColumnList(*t) + " FROM main." +
                              Quote(t->name) + " WHERE IssueId = ?";
      auto st = run_.Prepare(sql);
      if (!st) return Fail(st.error());
      children.emplace_back(keep.Keep(*st), sql);
      carry.fields->Add(t->carried);  // from the scan's first request on
    }
    Step(project, "Issues");
    sqlite3_bind_text(*scan, 1, jql.c_str(), -1, SQLITE_TRANSIENT);
    Result<void> inner;
    int rc;
    while (inner && (rc = sqlite3_step(*scan)) == SQLITE_ROW) {
      for (std::size_t i = 0; i < ncols; ++i) {
        sqlite3_bind_value(*put, static_cast<int>(i + 1), sqlite3_column_value(*scan, static_cast<int>(i)));
      }
      const int put_rc = sqlite3_step(*put);
      sqlite3_reset(*put);
      if (put_rc != SQLITE_DONE) {
        inner = Fail(ErrorCode::kInternal, std::string("writing the batch: ") + sqlite3_errmsg(engine_.db()));
        break;
      }
      const int64_t id = sqlite3_column_int64(*scan, static_cast<int>(id_col));
      for (auto& [st, sql] : children) {
        sqlite3_bind_int64(st, 1, id);
        inner = run_.Step(st, sql);
        sqlite3_reset(st);
        if (!inner) break;
      }
    }
    engine_.session().reports.clear();
    if (!inner) return inner;
    if (rc != SQLITE_DONE) return Fail(engine_.StepError(scan_sql));
    // The tables read apart (change histories, …): for the issues new to the
    // mirror or changed since it read them (another Updated or key). An issue
    // listed again unchanged (the overlap re-reads the watermark's last
    // minutes) has the same history: not read again (one object a point).
    if (auto r = run_.Exec("DELETE FROM temp.sync_fresh"); !r) return r;
    if (auto r = run_.Exec(
            "INSERT INTO temp.sync_fresh SELECT b.Id FROM temp.sync_issues b WHERE ? OR NOT EXISTS (SELECT 1 FROM "
            "mirror.Issues m WHERE m.Id = b.Id AND m.Updated IS b.Updated AND m.Key IS b.Key)",
            {whole ? "1" : "0"});
        !r)
      return r;
    std::vector<std::string> fresh_jqls = {jql};
    if (!whole) {
      auto fresh = run_.Column("SELECT Id FROM temp.sync_fresh ORDER BY Id");
      if (!fresh) return Fail(fresh.error());
      fresh_jqls.clear();
      for (const auto& list : IdLists(*fresh)) fresh_jqls.push_back("id in (" + list + ")");
    }
    for (const TableDef* t : tables_) {
      if (t->name == "Issues" || !t->carried.empty()) continue;
      Step(project, t->name);
      for (const auto& q : fresh_jqls) {
        if (auto r = run_.Exec("INSERT INTO " + Batch(*t) + " SELECT " + ColumnList(*t) + " FROM main." +
                                   Quote(t->name) + " WHERE Jql = ?",
                               {q});
            !r)
          return r;
      }
    }
    // Issues: added, changed (a newer Updated), then written.
    SyncCounts& issues = report_.tables["Issues"];
    auto added = run_.Int(
        "SELECT count(*) FROM temp.sync_issues b WHERE NOT EXISTS (SELECT 1 FROM mirror.Issues m "
        "WHERE m.Id = b.Id)");
    auto changed = run_.Int(
        "SELECT count(*) FROM temp.sync_issues b JOIN mirror.Issues m ON m.Id = b.Id WHERE "
        "m.Updated IS NOT b.Updated");
    // Moved: the same id under another key (numeric ids are what a mirror
    // keys on; a key changes when an issue moves to another project).
    auto moved = run_.Int(
        "SELECT count(*) FROM temp.sync_issues b JOIN mirror.Issues m ON m.Id = b.Id WHERE "
        "m.Key IS NOT b.Key");
    if (!added || !changed || !moved) return Fail(!added ? added.error() : !changed ? changed.error() : moved.error());
    issues.added += *added;
    issues.changed += *changed - *moved;
    report_.moved += *moved;
    if (auto r = run_.Exec("INSERT OR REPLACE INTO mirror.Issues (" + ColumnList(*tables_[0]) + ") SELECT " +
                           ColumnList(*tables_[0]) + " FROM temp.sync_issues");
        !r)
      return r;
    for (const TableDef* t : tables_) {
      if (t->name == "Issues") continue;
      const std::string batch = Batch(*t);
      const std::string mirror = "mirror." + Quote(t->name);
      // The issues whose children were read: those of the issue batch, and
      // any the child search saw besides (updated between the two reads).
      const std::string of = std::string("(SELECT Id FROM ") +
                             (t->carried.empty() ? "temp.sync_fresh" : "temp.sync_issues") +
                             " UNION SELECT IssueId FROM " + batch + ")";
      std::string key_match;
      for (const auto& k : t->primary_key) {
        key_match += (key_match.empty() ? "" : " AND ") + ("m." + Quote(k) + " IS b." + Quote(k));
      }
      SyncCounts& counts = report_.tables[t->name];
      auto gone = run_.Int("SELECT count(*) FROM " + mirror + " m WHERE m.IssueId IN " + of +
                           " AND NOT EXISTS (SELECT 1 FROM " + batch + " b WHERE " + key_match + ")");
      auto fresh = run_.Int("SELECT count(*) FROM " + batch + " b WHERE NOT EXISTS (SELECT 1 FROM " + mirror +
                            " m WHERE " + key_match + ")");
      if (!gone || !fresh) return Fail(!gone ? gone.error() : fresh.error());
      counts.deleted += *gone;
      counts.added += *fresh;
      if (HasColumn(*t, "Updated")) {
        auto edited = run_.Int("SELECT count(*) FROM " + batch + " b JOIN " + mirror + " m ON " + key_match +
                               " WHERE m.Updated IS NOT b.Updated");
        if (!edited) return Fail(edited.error());
        counts.changed += *edited;
      }
      if (auto r = run_.Exec("DELETE FROM " + mirror + " WHERE IssueId IN " + of); !r) return r;
      if (auto r = run_.Exec("INSERT OR REPLACE INTO " + mirror + " (" + ColumnList(*t) + ") SELECT " + ColumnList(*t) +
                             " FROM " + batch);
          !r)
        return r;
    }
    return {};
  }

  // Removes issues (and their children) from the mirror.
  Result<void> Forget(const std::string& ids_sql) {
    for (const TableDef* t : tables_) {
      const std::string col = t->name == "Issues" ? "Id" : "IssueId";
      auto n = run_.Int("SELECT count(*) FROM mirror." + Quote(t->name) + " WHERE " + col + " IN (" + ids_sql + ")");
      if (!n) return Fail(n.error());
      report_.tables[t->name].deleted += *n;
      if (auto r = run_.Exec("DELETE FROM mirror." + Quote(t->name) + " WHERE " + col + " IN (" + ids_sql + ")"); !r)
        return r;
    }
    return {};
  }

  // Deletions and moves, in `projects`. One count of their mirrored id range
  // at Jira says how many mirrored issues Jira no longer lists; when some are
  // gone, the range is halved and one count of the first half says how many
  // of them are there (the rest are in the second), down to blocks that one
  // call checks — or straight to the blocks when most would hold one. A
  // block is checked through an OAuth app, whose points are metered, by
  // POST /jql/match (1,000 ids a call, charged as one object); else by an
  // id-only search of its id range (5,000 ids a page), fewer requests.
  Result<void> Census(const std::vector<std::string>& projects, const std::string& label) {
    Step(label, "count");
    const std::string scope = ScopeJql(projects);
    std::string in;
    for (std::size_t i = 0; i < projects.size(); ++i) in += i ? ", ?" : "?";
    auto mirrored_ids =
        run_.Column("SELECT Id FROM mirror.Issues WHERE ProjectKey IN (" + in + ") ORDER BY Id", projects);
    if (!mirrored_ids) return Fail(mirrored_ids.error());
    std::vector<int64_t> ids;
    for (const auto& id : *mirrored_ids) {
      if (auto v = ParseInt(id)) ids.push_back(*v);
    }
    if (ids.empty()) return {};
    // Data Center has no /jql/match, and meters no points.
    const bool metered = metered_ && engine_.session().jira().cloud();
    const std::size_t block = metered ? JiraClient::kMatchIdsPerCall
                                      : static_cast<std::size_t>(engine_.session().jira().IssuesPerPage(5000, true));
    std::vector<std::string> missing;
    auto range_jql = [&](std::size_t lo, std::size_t hi) {
      return scope + " AND id >= " + std::to_string(ids[lo]) + " AND id <= " + std::to_string(ids[hi - 1]);
    };
    // Jira's count of [lo, hi): how many of its mirrored issues are gone (-1: Jira lists more there than the mirror
    // holds, so the count says nothing).
    auto gone_in = [&](std::size_t lo, std::size_t hi) -> Result<int64_t> {
      IssueQuery q;
      q.user_where = range_jql(lo, hi);
      auto at_jira = engine_.session().jira().CountIssues(q);
      if (!at_jira) return Fail(at_jira.error());
      const int64_t gone = static_cast<int64_t>(hi - lo) - *at_jira;
      return gone >= 0 ? gone : -1;
    };
    auto check = [&](std::size_t lo, std::size_t hi) -> Result<void> {
      Step(label, "census");
      std::vector<int64_t> asked(ids.begin() + static_cast<long>(lo), ids.begin() + static_cast<long>(hi));
      std::set<int64_t> present;
      if (metered) {
        auto matched = engine_.session().jira().MatchIssues(asked, scope);
        if (!matched) return Fail(matched.error());
        present.insert(matched->begin(), matched->end());
      } else {
        auto listed = run_.Column("SELECT Id FROM main.Issues WHERE Jql = ?", {range_jql(lo, hi)});
        if (!listed) return Fail(listed.error());
        for (const auto& id : *listed) {
          if (auto v = ParseInt(id)) present.insert(*v);
        }
      }
      for (int64_t id : asked) {
        if (!present.count(id)) missing.push_back(std::to_string(id));
      }
      return {};
    };
    std::function<Result<void>(std::size_t, std::size_t, int64_t)> find = [&](std::size_t lo, std::size_t hi,
                                                                              int64_t gone) -> Result<void> {
      const std::size_t blocks = (hi - lo + block - 1) / block;
      if (blocks <= 1 || gone < 0 || static_cast<std::size_t>(gone) * 2 > blocks) {
        for (std::size_t b = lo; b < hi; b += block) {
          if (auto r = check(b, std::min(hi, b + block)); !r) return r;
        }
        return {};
      }
      const std::size_t mid = lo + (blocks + 1) / 2 * block;
      auto left = gone_in(lo, mid);
      if (!left) return Fail(left.error());
      const int64_t right = *left < 0 || *left > gone ? -1 : gone - *left;
      if (*left != 0) {
        if (auto r = find(lo, mid, *left > gone ? -1 : *left); !r) return r;
      }
      if (right != 0) return find(mid, hi, right);
      return {};
    };
    auto gone = gone_in(0, ids.size());
    if (!gone) return Fail(gone.error());
    if (*gone == 0) return {};
    if (auto r = find(0, ids.size(), *gone); !r) return r;
    if (missing.empty()) return {};
    // Where did they go? Looked up by id: found, they moved.
    std::vector<std::string> moved;
    for (const auto& list : IdLists(missing)) {
      auto found = run_.Column("SELECT Id FROM main.Issues WHERE Jql = ?", {"id in (" + list + ")"});
      if (!found) return Fail(found.error());
      moved.insert(moved.end(), found->begin(), found->end());
    }
    const std::set<std::string> moved_set(moved.begin(), moved.end());
    std::vector<std::string> deleted;
    for (const auto& id : missing) {
      if (!moved_set.count(id)) deleted.push_back(id);
    }
    // A project losing half its mirrored issues (10 or more) at once: held
    // back, its issues kept (a permission change or a wrong --jql looks the
    // same as a mass deletion).
    if (!deleted.empty() && !o_.accept_mass_delete) {
      std::set<std::string> held;
      for (const auto& list : IdLists(deleted)) {
        if (auto r = run_.Exec(
                "SELECT g.ProjectKey, g.n, (SELECT count(*) FROM mirror.Issues a WHERE a.ProjectKey = g.ProjectKey) "
                "FROM (SELECT ProjectKey, count(*) AS n FROM mirror.Issues WHERE Id IN (" +
                    list + ") GROUP BY ProjectKey) g",
                {},
                [&](sqlite3_stmt* st) {
                  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
                  const int64_t n = sqlite3_column_int64(st, 1), of = sqlite3_column_int64(st, 2);
                  if (p && n * 2 >= of && of >= 10) {
                    held.insert(p);
                    report_.held_back.push_back(std::string(p) + ": " + std::to_string(n) + " of its " +
                                                std::to_string(of) +
                                                " mirrored issues are gone at Jira; not applied (run with "
                                                "--accept-mass-delete if they were deleted)");
                  }
                });
            !r)
          return r;
      }
      if (!held.empty()) {
        auto keep = run_.Column("SELECT Id FROM mirror.Issues WHERE ProjectKey IN (" + in + ")",
                                std::vector<std::string>(held.begin(), held.end()));
        if (!keep) return Fail(keep.error());
        const std::set<std::string> kept(keep->begin(), keep->end());
        std::erase_if(deleted, [&](const std::string& id) { return kept.count(id) > 0; });
      }
    }
    for (const auto& list : IdLists(moved)) {
      if (auto r = Apply("id in (" + list + ")", label); !r) return r;
    }
    if (!deleted.empty()) {
      if (auto r = Forget(Join(deleted, ", ")); !r) return r;
    }
    return {};
  }

  // A project's watermark and issue count, after its rows (in the caller's
  // transaction).
  Result<void> WriteState(const std::string& project, int64_t watermark) {
    auto n = run_.Int("SELECT count(*) FROM mirror.Issues WHERE ProjectKey = ?", {project});
    if (!n) return Fail(n.error());
    if (auto r = run_.Exec("INSERT OR REPLACE INTO mirror.jirasql_sync_state VALUES (?, ?, ?, ?)",
                           {project, watermark >= 0 ? std::to_string(watermark) : std::string(),
                            FormatUtcTimestamp(EpochMs(SystemClock().Now())), std::to_string(*n)});
        !r)
      return r;
    // An empty project has no watermark yet: NULL, read from the start.
    return run_.Exec("UPDATE mirror.jirasql_sync_state SET WatermarkMs = NULL WHERE WatermarkMs = ''");
  }

  // A project read whole (its first run, or after a reset), in one
  // transaction.
  Result<void> SyncProject(const std::string& project) {
    report_.full = true;
    if (auto r = run_.Exec("BEGIN IMMEDIATE"); !r) return r;
    if (auto r = Apply(ScopeJql({project}), project, true); !r) return r;
    if (auto r = WriteState(project, LatestUpdate(run_)); !r) return r;
    return Commit();
  }

  // The changes of `projects` since their watermarks, in one transaction:
  // the issues updated since the oldest watermark less the overlap (one
  // search over them all: the search covers every project up to the same
  // instant, so each project's watermark moves to the latest update read),
  // then the census of their mirrored ids.
  Result<void> SyncChanges(const std::vector<std::string>& projects) {
    std::map<std::string, int64_t> watermarks;
    int64_t oldest = -1;
    for (const auto& p : projects) {
      auto wm = run_.Column("SELECT WatermarkMs FROM mirror.jirasql_sync_state WHERE ProjectKey = ?", {p});
      if (!wm) return Fail(wm.error());
      const int64_t w = wm->empty() ? 0 : ParseInt((*wm)[0]).value_or(0);
      watermarks[p] = w;
      oldest = oldest < 0 ? w : std::min(oldest, w);
    }
    const std::string label =
        projects.size() == 1 ? projects[0] : std::to_string(projects.size()) + " projects' changes";
    const std::string jql =
        ScopeJql(projects) + " AND updated >= " + std::to_string(std::max<int64_t>(0, oldest - o_.overlap_ms));
    if (auto r = run_.Exec("BEGIN IMMEDIATE"); !r) return r;
    if (auto r = Apply(jql, label); !r) return r;
    const int64_t latest = LatestUpdate(run_);
    if (auto r = Census(projects, label); !r) return r;
    for (const auto& [p, w] : watermarks) {
      if (auto r = WriteState(p, std::max(w, latest)); !r) return r;
    }
    return Commit();
  }

  SqlEngine& engine_;
  const SyncOptions& o_;
  SyncProgress progress_;
  SyncReport report_;
  Runner run_;
  std::vector<const TableDef*> tables_;
  std::string jql_;  ///< the mirror's: as asked, else as it was made
  std::string site_;
  std::string shown_;             ///< the mirror, as messages name it
  std::unique_ptr<PgMirror> pg_;  ///< a mirror in PostgreSQL
  bool attached_ = false;
  bool metered_ = false;  ///< through an OAuth app: Atlassian meters its points
  std::chrono::steady_clock::time_point started_;
  int64_t done_ = 0, projects_ = 0;  // for the progress line
};

}  // namespace

std::vector<std::string> MirrorableTables() {
  std::vector<std::string> out = {"Issues"};
  for (const auto& t : BaseTables()) {
    if (IsIssueChild(t)) out.push_back(t.name);
  }
  return out;
}

Result<SyncReport> RunSync(SqlEngine& engine, const SyncOptions& options, const SyncProgress& progress) {
  if (options.to.empty()) return Fail(ErrorCode::kInvalidArgument, "sync needs --to FILE.db: where the mirror is");
  Sync sync(engine, options, progress);
  return sync.Run();
}

std::string SyncReport::ToText() const {
  std::string out;
  for (const auto& [table, c] : tables) {
    out += table + ": " + std::to_string(c.added) + " added, " + std::to_string(c.changed) + " changed, " +
           std::to_string(c.deleted) + " deleted\n";
  }
  if (moved) out += "Issues moved (new key or project): " + std::to_string(moved) + "\n";
  char tail[160];
  std::snprintf(tail, sizeof tail, "%s sync of %lld projects: %lld requests, about %lld points, %.1f s\n",
                full ? "Full" : "Incremental", static_cast<long long>(projects), static_cast<long long>(requests),
                static_cast<long long>(points), seconds);
  out += tail;
  for (const auto& p : hidden_projects) {
    out += "Project " + p + " is no longer visible (archived, deleted or no permission): its issues are kept\n";
  }
  for (const auto& n : notes) out += n + "\n";
  for (const auto& h : held_back) out += "Held back: " + h + "\n";
  for (const auto& p : problems) out += "Stale: " + p + "\n";
  return out;
}

std::string SyncReport::ToJson() const {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Field("ok", ok()).Field("full", full).Key("tables").BeginObject();
  for (const auto& [table, c] : tables) {
    w.Key(table)
        .BeginObject()
        .Field("added", c.added)
        .Field("changed", c.changed)
        .Field("deleted", c.deleted)
        .EndObject();
  }
  w.EndObject().Field("moved", moved).Field("projects", projects).Field("requests", requests);
  w.Field("points", points).Key("seconds").Double(seconds);
  auto list = [&](const char* name, const std::vector<std::string>& v) {
    w.Key(name).BeginArray();
    for (const auto& s : v) w.String(s);
    w.EndArray();
  };
  list("hiddenProjects", hidden_projects);
  list("notes", notes);
  list("heldBack", held_back);
  list("stale", problems);
  w.EndObject();
  return out;
}

}  // namespace jirasql
