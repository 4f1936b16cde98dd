// jirasql sync: a mirror in a SQLite file that equals Jira's data row by row
// after a full run and after each incremental one, in Cloud and Data Center
// modes; changes, deletions and mass deletions; one site per mirror.

#include "sql/sync.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "common/strings.h"
#include "sql/pg_mirror.h"
#include "sql/schema.h"
#include "sql_db.h"
#include "testing/postgres_server.h"
#include "testing/temp_dir.h"

namespace jirasql {
namespace {

using namespace testing_sql;

// What the sync suites share: a mirror file, a sync, the comparison of the
// mirror with Jira.
template <class Fixture>
class SyncBase : public SimModesTest<Fixture> {
 protected:
  void SetUp() override { ResetSim(this->sim().base_url()); }

  std::string File() const { return dir_.path() + "/mirror.db"; }

  SyncReport Sync(Db& db, SyncOptions o = {}) {
    if (o.to.empty()) o.to = File();
    auto r = RunSync(*db.engine, o);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? *r : SyncReport{};
  }

  // The rows of `table` in the mirror and at Jira (through the virtual
  // table, with the same JQL filter), ordered by the primary key, as text.
  void ExpectMirrorEqualsJira(Db& live, const std::string& table, const std::string& jql = "") {
    const TableDef* t = FindBaseTable(table);
    ASSERT_NE(t, nullptr);
    std::string cols, order;
    for (const auto& c : t->columns) {
      if (!c.hidden) cols += (cols.empty() ? "" : ", ") + ("\"" + c.name + "\"");
    }
    for (const auto& k : t->primary_key) order += (order.empty() ? "" : ", ") + ("\"" + k + "\"");
    Db mirror;
    sqlite3* m = nullptr;
    ASSERT_EQ(sqlite3_open_v2(File().c_str(), &m, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    Rows want = live.Query("SELECT " + cols + " FROM " + table + (jql.empty() ? "" : " WHERE Jql = '" + jql + "'") +
                           " ORDER BY " + order);
    Rows got;
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(
        sqlite3_prepare_v2(m, ("SELECT " + cols + " FROM " + table + " ORDER BY " + order).c_str(), -1, &st, nullptr),
        SQLITE_OK)
        << sqlite3_errmsg(m);
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(st); ++i) {
        const auto* v = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
        row.push_back(sqlite3_column_type(st, i) == SQLITE_NULL ? "NULL" : v);
      }
      got.push_back(std::move(row));
    }
    sqlite3_finalize(st);
    sqlite3_close(m);
    ASSERT_FALSE(want.empty()) << table;
    ASSERT_EQ(got.size(), want.size()) << table;
    for (std::size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], want[i]) << table << " row " << i;
  }

  void ExpectAllEqual(Db& live, const std::string& jql = "") {
    for (const char* t : {"Issues", "Comments", "Worklogs", "IssueChangelogs"}) {
      SCOPED_TRACE(t);
      ExpectMirrorEqualsJira(live, t, jql);
    }
  }

  // An issue without sub-tasks (deleting one with them needs DeleteSubtasks).
  std::vector<std::string> LeafKeys(Db& db, const std::string& project, int n) {
    std::vector<std::string> out;
    for (const auto& r : db.Query("SELECT Key FROM Issues i WHERE ProjectKey = '" + project +
                                  "' AND NOT EXISTS (SELECT 1 FROM Issues s WHERE s.ParentKey = i.Key) "
                                  "ORDER BY Id LIMIT " +
                                  std::to_string(n))) {
      out.push_back(r[0]);
    }
    return out;
  }

  int64_t Requests(const std::string& path) {
    return CountRequests(this->sim().base_url(),
                         [&](const std::string& k) { return k.find(path) != std::string::npos; });
  }

  testing::TempDir dir_;
};

class SyncTest : public SyncBase<SyncTest> {
 public:
  static jirasim::GenerateOptions Data() {
    jirasim::GenerateOptions d;
    d.issues = 400;
    d.projects = 3;
    d.users = 5;
    d.sites = 2;
    d.seed = 23;
    return d;
  }
};

TEST_P(SyncTest, TheMirrorEqualsJiraAfterAFullAndAnIncrementalSync) {
  auto db = OpenDb(Connect());
  SyncReport full = Sync(db);
  EXPECT_TRUE(full.ok()) << full.ToText();
  EXPECT_TRUE(full.full);
  EXPECT_EQ(full.tables["Issues"].added,
            static_cast<int64_t>(std::count_if(site(0).issues.begin(), site(0).issues.end(),
                                               [](const jirasim::Issue& i) { return !i.deleted; })));
  EXPECT_GT(full.tables["Comments"].added, 0);
  ExpectAllEqual(db);

  // Nothing changed: only the overlap is read again, nothing is written.
  SyncReport quiet = Sync(db);
  EXPECT_TRUE(quiet.ok()) << quiet.ToText();
  EXPECT_FALSE(quiet.full);
  EXPECT_EQ(quiet.tables["Issues"].added + quiet.tables["Issues"].changed + quiet.tables["Issues"].deleted, 0);
  EXPECT_LT(quiet.requests, full.requests);

  // Changes: an edit, a comment, a new issue, a deletion.
  const std::string project = site(0).projects[1].key;
  const auto leaves = LeafKeys(db, project, 3);
  ASSERT_EQ(leaves.size(), 3u);
  db.Query("UPDATE Issues SET Summary = 'Mirrored edit' WHERE Key = '" + leaves[0] + "'");
  db.Query("INSERT INTO Comments (IssueKey, Body) VALUES ('" + leaves[1] + "', 'A mirrored comment')");
  db.Query("INSERT INTO Issues (ProjectKey, IssueTypeName, Summary) VALUES ('" + project + "', 'Task', 'Brand new')");
  db.Query("DELETE FROM Issues WHERE Key = '" + leaves[2] + "'");
  const int64_t matches = Requests("/jql/match");
  SyncReport inc = Sync(db);
  EXPECT_EQ(Requests("/jql/match"), matches);  // a token's census: id pages (fewer requests; no points to save)
  EXPECT_TRUE(inc.ok()) << inc.ToText();
  EXPECT_EQ(inc.tables["Issues"].added, 1);
  EXPECT_EQ(inc.tables["Issues"].changed, 2);
  EXPECT_EQ(inc.tables["Issues"].deleted, 1);
  EXPECT_EQ(inc.tables["Comments"].added, 1);
  // What it cost: the overlap and the changed issues, one count, the
  // census's id page (a 400-issue site: one page lists every mirrored id —
  // SyncCensusTest measures the census on a bigger one).
  EXPECT_LT(inc.requests, full.requests) << inc.ToText() << full.ToText();
  EXPECT_LT(inc.points, full.points) << inc.ToText() << full.ToText();
  ExpectAllEqual(db);
}

TEST_P(SyncTest, AProjectLosingHalfItsIssuesIsHeldBackUnlessAccepted) {
  auto db = OpenDb(Connect());
  const std::string project = site(0).projects[2].key;
  SyncOptions o;
  o.jql = "key <= " + project + "-24";  // a range: a deleted key in it is no error
  SyncReport first = Sync(db, o);
  ASSERT_TRUE(first.ok()) << first.ToText();
  const int64_t mirrored =
      std::stoll(db.One("SELECT count(*) FROM Issues WHERE Jql = 'project = " + project + " AND " + *o.jql + "'"));
  ASSERT_GE(mirrored, 10);
  EXPECT_GE(first.tables["Issues"].added, mirrored);
  // More than half of them go (leaves only: no sub-task goes with them).
  const int64_t doom = mirrored / 2 + 1;
  const auto rows = db.Query("SELECT Key FROM Issues i WHERE Jql = 'project = " + project + " AND " + *o.jql +
                             "' AND NOT EXISTS (SELECT 1 FROM Issues s WHERE s.ParentKey = i.Key) ORDER BY Id");
  ASSERT_GE(static_cast<int64_t>(rows.size()), doom);
  std::string doomed;
  for (int64_t i = 0; i < doom; ++i)
    doomed += (doomed.empty() ? "'" : ", '") + rows[static_cast<std::size_t>(i)][0] + "'";
  db.Query("DELETE FROM Issues WHERE Key IN (" + doomed + ")");
  SyncReport held = Sync(db, o);
  EXPECT_FALSE(held.ok());
  ASSERT_EQ(held.held_back.size(), 1u) << held.ToText();
  EXPECT_NE(held.held_back[0].find(std::to_string(doom) + " of its " + std::to_string(mirrored)), std::string::npos)
      << held.held_back[0];
  EXPECT_EQ(held.tables["Issues"].deleted, 0) << held.ToText();
  o.accept_mass_delete = true;
  SyncReport applied = Sync(db, o);
  EXPECT_TRUE(applied.ok()) << applied.ToText();
  EXPECT_EQ(applied.tables["Issues"].deleted, doom);
  ExpectAllEqual(db, *o.jql);
}

TEST_P(SyncTest, AMirrorHoldsOneSite) {
  auto db = OpenDb(Connect(0));
  ASSERT_TRUE(Sync(db).ok());
  auto other = OpenDb(Connect(1));
  SyncOptions o;
  o.to = File();
  auto r = RunSync(*other.engine, o);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("sync each site into a file of its own"), std::string::npos) << r.error().message;
  // A table that cannot be mirrored is named with those that can.
  o.tables = {"Comment"};
  r = RunSync(*db.engine, o);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("did you mean 'Comments'"), std::string::npos) << r.error().message;
}

// An issue moved to another project keeps its id and gets a new key: the
// mirror rewrites it there (whichever project is synced first), and counts
// a move, not a deletion and an addition.
TEST_P(SyncTest, AMovedIssueIsRewrittenUnderItsNewKey) {
  auto db = OpenDb(Connect());
  ASSERT_TRUE(Sync(db).ok());
  // One move each way: projects are synced in key order, so one issue is
  // first seen in its new project's changes, the other is missed by its old
  // project's census and found by id.
  auto move = [&](const std::string& from, const std::string& to) {
    for (const auto& row : db.Query("SELECT Key FROM Issues i WHERE ProjectKey = '" + from +
                                    "' AND NOT EXISTS (SELECT 1 FROM Issues s WHERE s.ParentKey = i.Key) "
                                    "ORDER BY Id DESC LIMIT 20")) {
      json moved = AdminPost(sim().base_url(), "move", {{"issue", row[0]}, {"project", to}});
      if (!moved.is_null()) return moved;
    }
    ADD_FAILURE() << "no issue of " << from << " jirasim could move";
    return json();
  };
  const std::string a = site(0).projects[0].key, b = site(0).projects[1].key;
  const json moves[] = {move(a, b), move(b, a)};
  ASSERT_FALSE(moves[0].is_null() || moves[1].is_null());
  SyncReport r = Sync(db);
  EXPECT_TRUE(r.ok()) << r.ToText();
  EXPECT_EQ(r.moved, 2) << r.ToText();
  EXPECT_EQ(r.tables["Issues"].deleted, 0);
  EXPECT_EQ(r.tables["Issues"].added, 0);
  sqlite3* m = nullptr;
  ASSERT_EQ(sqlite3_open_v2(File().c_str(), &m, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  for (const auto& moved : moves) {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(m, ("SELECT Key FROM Issues WHERE Id = " + moved["id"].get<std::string>()).c_str(), -1, &st,
                       nullptr);
    ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))), moved["key"].get<std::string>());
    sqlite3_finalize(st);
  }
  sqlite3_close(m);
  ExpectAllEqual(db);
}

// Mirror=FILE reads the tables it holds from it under the same names (the
// others from Jira); MirrorMaxAge syncs it first when it is older.
TEST_P(SyncTest, QueriesReadTheMirrorUnderTheSameNames) {
  {
    std::string error;
    auto missing = OpenDb(Connect(), "Mirror=" + File(), &error);  // no mirror yet: the engine says so
    EXPECT_EQ(missing.engine, nullptr);
    EXPECT_NE(error.find("jirasql sync --to"), std::string::npos) << error;
  }
  auto live = OpenDb(Connect());
  SyncOptions o;
  o.tables = {"Issues", "Comments"};
  ASSERT_TRUE(Sync(live, o).ok());
  const std::string by_status = "SELECT StatusName, count(*) FROM Issues GROUP BY 1 ORDER BY 1";
  const Rows want = live.Query(by_status);
  const std::string comments = live.One("SELECT count(*) FROM Comments");
  auto mirrored = OpenDb(Connect(), "Mirror=" + File());
  ASSERT_NE(mirrored.engine, nullptr);
  const int64_t before = CountRequests(sim().base_url(), [](const std::string&) { return true; });
  EXPECT_EQ(mirrored.Query(by_status), want);
  EXPECT_EQ(mirrored.One("SELECT count(*) FROM Comments"), comments);
  EXPECT_EQ(CountRequests(sim().base_url(), [](const std::string&) { return true; }), before);  // no Jira
  // A table the mirror does not hold is read from Jira.
  EXPECT_EQ(mirrored.One("SELECT count(*) FROM Projects"), std::to_string(site(0).projects.size()));
  auto write = mirrored.engine->Prepare("UPDATE Issues SET Summary = 'x' WHERE Id = 1");
  ASSERT_FALSE(write);
  EXPECT_NE(write.error().message.find("write through a connection without Mirror"), std::string::npos)
      << write.error().message;

  // An edit at Jira; MirrorMaxAge=0 syncs before the query reads.
  const std::string key = live.One("SELECT Key FROM Issues ORDER BY Id LIMIT 1");
  live.Query("UPDATE Issues SET Summary = 'Seen through the mirror' WHERE Key = '" + key + "'");
  auto stale = OpenDb(Connect(), "Mirror=" + File());
  EXPECT_NE(stale.One("SELECT Summary FROM Issues WHERE Key = '" + key + "'"), "Seen through the mirror");
  auto fresh = OpenDb(Connect(), "Mirror=" + File() + ";MirrorMaxAge=0");
  EXPECT_EQ(fresh.One("SELECT Summary FROM Issues WHERE Key = '" + key + "'"), "Seen through the mirror");
}

// The tables whose rows are fields of the issue (comments, worklogs) come
// with the issues' own search: mirroring them costs no request more than
// mirroring Issues alone, but for the worklogs of an issue with more than
// the 20 the search embeds. What the run reports spending is what jirasim
// answered.
TEST_P(SyncTest, OneIssueSearchCarriesTheTablesOfIssueFields) {
  auto db = OpenDb(Connect());
  const int64_t long_worklogs =
      std::stoll(db.One("SELECT count(*) FROM (SELECT IssueId FROM Worklogs GROUP BY 1 HAVING count(*) > 20)"));
  const int64_t before = CountRequests(sim().base_url(), [](const std::string&) { return true; });
  SyncOptions alone;
  alone.to = dir_.path() + "/issues.db";
  alone.tables = {"Issues"};
  SyncReport a = Sync(db, alone);
  ASSERT_TRUE(a.ok()) << a.ToText();
  const int64_t middle = CountRequests(sim().base_url(), [](const std::string&) { return true; });
  EXPECT_EQ(a.requests, middle - before);
  SyncOptions carried;
  carried.tables = {"Issues", "Comments", "Worklogs"};
  SyncReport b = Sync(db, carried);
  ASSERT_TRUE(b.ok()) << b.ToText();
  EXPECT_EQ(b.requests, CountRequests(sim().base_url(), [](const std::string&) { return true; }) - middle);
  EXPECT_EQ(b.requests, a.requests + long_worklogs) << a.ToText() << b.ToText();
  EXPECT_GT(b.tables["Comments"].added, 0);
  for (const char* t : {"Issues", "Comments", "Worklogs"}) {
    SCOPED_TRACE(t);
    ExpectMirrorEqualsJira(db, t);
  }
}

// A mirror remembers the tables and the JQL it was made with: a run that
// names none uses them; a table added is read from the start, one left out
// is dropped, another JQL starts the mirror over.
TEST_P(SyncTest, TheMirrorRemembersItsTablesAndItsJql) {
  auto db = OpenDb(Connect());
  const std::string a = site(0).projects[0].key, b = site(0).projects[1].key;
  SyncOptions first;
  first.tables = {"Issues", "Comments"};
  first.jql = "project = " + a;
  ASSERT_TRUE(Sync(db, first).ok());
  ExpectMirrorEqualsJira(db, "Issues", "project = " + a);

  SyncReport again = Sync(db);  // nothing named: as made
  EXPECT_TRUE(again.ok()) << again.ToText();
  EXPECT_EQ(again.tables["Issues"].added, 0);
  EXPECT_EQ(again.tables.size(), 2u) << again.ToText();
  EXPECT_TRUE(again.notes.empty()) << again.ToText();
  ExpectMirrorEqualsJira(db, "Issues", "project = " + a);
  ExpectMirrorEqualsJira(db, "Comments", "project = " + a);

  SyncOptions more;
  more.tables = {"Issues", "Comments", "Worklogs"};
  SyncReport added = Sync(db, more);
  EXPECT_TRUE(added.full) << added.ToText();
  ASSERT_EQ(added.notes.size(), 1u) << added.ToText();
  EXPECT_NE(added.notes[0].find("Worklogs added"), std::string::npos) << added.notes[0];
  ExpectMirrorEqualsJira(db, "Worklogs", "project = " + a);

  SyncOptions fewer;
  fewer.tables = {"Issues", "Worklogs"};
  SyncReport dropped = Sync(db, fewer);
  ASSERT_EQ(dropped.notes.size(), 1u) << dropped.ToText();
  EXPECT_NE(dropped.notes[0].find("Comments is no longer mirrored"), std::string::npos) << dropped.notes[0];
  {
    sqlite3* m = nullptr;
    ASSERT_EQ(sqlite3_open_v2(File().c_str(), &m, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    EXPECT_NE(sqlite3_exec(m, "SELECT 1 FROM Comments", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(m);
  }

  SyncOptions other;
  other.jql = "project = " + b;
  SyncReport over = Sync(db, other);
  EXPECT_TRUE(over.full) << over.ToText();
  ASSERT_EQ(over.notes.size(), 1u) << over.ToText();
  EXPECT_NE(over.notes[0].find("The JQL changed"), std::string::npos) << over.notes[0];
  ExpectMirrorEqualsJira(db, "Issues", "project = " + b);  // A's issues are gone
  ExpectMirrorEqualsJira(db, "Worklogs", "project = " + b);

  // A JQL Jira refuses leaves the mirror as it was (nothing started over).
  SyncOptions typo;
  typo.to = File();
  typo.jql = "project = = " + b;
  auto refused = RunSync(*db.engine, typo);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("the mirror is left as it was"), std::string::npos) << refused.error().message;
  ExpectMirrorEqualsJira(db, "Issues", "project = " + b);

  SyncOptions none;
  none.jql = "";
  ASSERT_TRUE(Sync(db, none).ok());
  ExpectMirrorEqualsJira(db, "Issues");
}

// MaxPoints (--max-points) stops a sync before it spends more: what it
// committed is whole (a project has all its issues or none of this run's),
// it says what it did not read, and the next run completes the mirror.
TEST_P(SyncTest, APointsBudgetStopsASyncBetweenConsistentStates) {
  int64_t full_points = 0;
  {
    auto probe = OpenDb(Connect());
    SyncOptions o;
    o.to = dir_.path() + "/probe.db";
    SyncReport r = Sync(probe, o);
    ASSERT_TRUE(r.ok());
    full_points = r.points;
  }
  const int64_t budget = full_points / 2;
  auto db = OpenDb(Connect(), "MaxPoints=" + std::to_string(budget));
  SyncReport stopped = Sync(db);
  EXPECT_FALSE(stopped.ok()) << stopped.ToText();
  EXPECT_LE(stopped.points, budget) << stopped.ToText();
  EXPECT_NE(stopped.ToText().find("points budget"), std::string::npos) << stopped.ToText();
  auto unlimited = OpenDb(Connect());
  sqlite3* m = nullptr;
  ASSERT_EQ(sqlite3_open_v2(File().c_str(), &m, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  int64_t projects_whole = 0;
  for (const auto& p : site(0).projects) {
    const int64_t at_jira = std::stoll(unlimited.One("SELECT count(*) FROM Issues WHERE ProjectKey = '" + p.key + "'"));
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(m, ("SELECT count(*) FROM Issues WHERE ProjectKey = '" + p.key + "'").c_str(), -1, &st, nullptr);
    ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
    const int64_t mirrored = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    EXPECT_TRUE(mirrored == 0 || mirrored == at_jira) << p.key << ": " << mirrored << " of " << at_jira;
    projects_whole += mirrored == at_jira;
  }
  sqlite3_close(m);
  EXPECT_LT(projects_whole, static_cast<int64_t>(site(0).projects.size()));
  SyncReport rest = Sync(unlimited);
  EXPECT_TRUE(rest.ok()) << rest.ToText();
  ExpectAllEqual(unlimited);
}

// MaxPoints stops a query too, with an error that names the budget; the
// requests it sent stay within it.
TEST_P(SyncTest, APointsBudgetStopsAQuery) {
  auto db = OpenDb(Connect(), "MaxPoints=150");
  const int64_t before = CountRequests(sim().base_url(), [](const std::string&) { return true; });
  std::string error;
  db.Query("SELECT count(*) FROM Comments", &error);
  EXPECT_NE(error.find("stopped at the points budget (MaxPoints=150"), std::string::npos) << error;
  const Connection* conn = db.engine->session().open_connection();
  ASSERT_NE(conn, nullptr);
  EXPECT_LE(conn->governor().points(), 150 + 101);  // the budget, passed by one answer at most (100 issues a page)
  EXPECT_EQ(conn->governor().requests(),
            CountRequests(sim().base_url(), [](const std::string&) { return true; }) - before);
}

// A worklog edited or deleted need not move its issue's `updated` (jirasim
// moves it for neither): the sync finds them through Jira's site-wide lists
// (WorklogsUpdated, WorklogsDeleted) and reads their issues again.
TEST_P(SyncTest, WorklogsEditedOrDeletedOnUnchangedIssuesReachTheMirror) {
  auto db = OpenDb(Connect());
  ASSERT_TRUE(Sync(db).ok());
  const std::string project = site(0).projects[0].key;
  const auto leaves = LeafKeys(db, project, 3);
  ASSERT_EQ(leaves.size(), 3u);
  std::vector<std::string> ids;
  for (int i = 0; i < 2; ++i) {
    db.Query("INSERT INTO Worklogs (IssueKey, TimeSpent) VALUES ('" + leaves[static_cast<std::size_t>(i)] + "', '1h')");
    ids.push_back(db.One("SELECT last_insert_rowid()"));
  }
  // A later change elsewhere: the watermark passes the two issues.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  db.Query("UPDATE Issues SET Summary = 'Later' WHERE Key = '" + leaves[2] + "'");
  SyncReport added = Sync(db);
  ASSERT_TRUE(added.ok()) << added.ToText();
  EXPECT_EQ(added.tables["Worklogs"].added, 2) << added.ToText();

  const std::string updated_before = db.One("SELECT Updated FROM Issues WHERE Key = '" + leaves[0] + "'");
  db.Query("UPDATE Worklogs SET TimeSpentSeconds = 7200 WHERE Id = " + ids[0] + " AND IssueKey = '" + leaves[0] + "'");
  db.Query("DELETE FROM Worklogs WHERE Id = " + ids[1] + " AND IssueKey = '" + leaves[1] + "'");
  ASSERT_EQ(db.One("SELECT Updated FROM Issues WHERE Key = '" + leaves[0] + "'"), updated_before);  // unmoved
  SyncOptions no_overlap;
  no_overlap.overlap_ms = 0;  // the issues' own changes are behind the watermark
  SyncReport edited = Sync(db, no_overlap);
  EXPECT_TRUE(edited.ok()) << edited.ToText();
  EXPECT_EQ(edited.tables["Worklogs"].changed, 1) << edited.ToText();
  EXPECT_EQ(edited.tables["Worklogs"].deleted, 1) << edited.ToText();
  ExpectAllEqual(db);
}

// The projects read before are brought up to date together: one issue
// search and one count for the three of them, each project's watermark
// moved to the same instant.
TEST_P(SyncTest, TheChangesOfAllProjectsAreOneSearchAndOneCount) {
  auto db = OpenDb(Connect());
  ASSERT_TRUE(Sync(db).ok());
  ASSERT_EQ(site(0).projects.size(), 3u);
  db.Query("UPDATE Issues SET Summary = 'One of three' WHERE Key = '" + LeafKeys(db, site(0).projects[2].key, 1).at(0) +
           "'");
  const int64_t searches = Requests("/search");
  SyncReport r = Sync(db);
  EXPECT_TRUE(r.ok()) << r.ToText();
  EXPECT_EQ(r.projects, 3);
  EXPECT_EQ(r.tables["Issues"].changed, 1) << r.ToText();
  // The changed issues (one page; Cloud's parallel scan asks the id page
  // alongside), one count, and the one changed issue's history (Cloud: its
  // id for the bulkfetch; Data Center: its search with expand=changelog) —
  // a search and a count per project would be six or more.
  EXPECT_EQ(Requests("/search") - searches, dc() ? 3 : 4) << r.ToText();
  sqlite3* m = nullptr;
  ASSERT_EQ(sqlite3_open_v2(File().c_str(), &m, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(
      sqlite3_prepare_v2(m, "SELECT count(*), count(DISTINCT WatermarkMs) FROM jirasql_sync_state", -1, &st, nullptr),
      SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int64(st, 0), 3);
  EXPECT_EQ(sqlite3_column_int64(st, 1), 1);
  sqlite3_finalize(st);
  sqlite3_close(m);
  ExpectAllEqual(db);
}

// An issue listed again unchanged (here every issue: an overlap of years)
// costs its place in the search, not its change history again: the tables
// read apart are read for the issues whose Updated or key changed.
TEST_P(SyncTest, AnIssueListedAgainUnchangedIsNotReadAgainApart) {
  auto db = OpenDb(Connect());
  ASSERT_TRUE(Sync(db).ok());
  SyncOptions everything;
  everything.overlap_ms = int64_t{20} * 365 * 24 * 3600 * 1000;
  const int64_t histories_before = Requests("changelog");
  SyncReport quiet = Sync(db, everything);
  EXPECT_TRUE(quiet.ok()) << quiet.ToText();
  EXPECT_EQ(quiet.tables["Issues"].changed, 0) << quiet.ToText();
  EXPECT_EQ(quiet.tables["IssueChangelogs"].added + quiet.tables["IssueChangelogs"].deleted, 0) << quiet.ToText();
  EXPECT_EQ(Requests("changelog"), histories_before);  // Cloud's bulkfetch: not asked

  // One edited: its history alone is read (Cloud: its id, then the
  // bulkfetch; Data Center: a search of it with expand=changelog).
  const auto leaves = LeafKeys(db, site(0).projects[0].key, 1);
  ASSERT_EQ(leaves.size(), 1u);
  db.Query("UPDATE Issues SET Summary = 'Once more' WHERE Key = '" + leaves[0] + "'");
  SyncReport one = Sync(db, everything);
  EXPECT_TRUE(one.ok()) << one.ToText();
  EXPECT_EQ(one.tables["Issues"].changed, 1) << one.ToText();
  EXPECT_EQ(one.tables["IssueChangelogs"].added, 1) << one.ToText();  // the summary's change
  EXPECT_EQ(one.tables["IssueChangelogs"].deleted, 0) << one.ToText();
  EXPECT_EQ(one.requests, quiet.requests + (dc() ? 1 : 2)) << one.ToText() << quiet.ToText();
  ExpectAllEqual(db);
}

INSTANTIATE_TEST_SUITE_P(Modes, SyncTest, ::testing::Values(Mode{"Cloud", false}, Mode{"DataCenter", true}),
                         [](const ::testing::TestParamInfo<Mode>& i) { return std::string(i.param.name); });

// One project big enough for several census blocks (1,000 ids each through
// an OAuth app), in Cloud mode: Data Center has no /jql/match and no points.
class SyncCensusTest : public SyncBase<SyncCensusTest> {
 public:
  static jirasim::GenerateOptions Data() {
    jirasim::GenerateOptions d;
    d.issues = 2100;
    d.projects = 1;
    d.users = 3;
    d.sites = 1;
    d.seed = 29;
    return d;
  }
};

// Through an OAuth app, whose points Atlassian meters, the census does not
// list the project's ids (a point each): one count of the mirrored range
// says how many are gone, a count of one half says where, and the blocks
// that hold them are checked by POST /jql/match, 1,000 ids a call, charged
// as one object. (Through an API token, id pages: SyncTest.)
TEST_P(SyncCensusTest, AnOAuthCensusCountsItsWayToTheGoneIssues) {
  auto live = OpenDb(Connect());
  auto db = OpenDb(OAuthConnect());
  SyncReport full = Sync(db);
  ASSERT_TRUE(full.ok()) << full.ToText();
  const std::string project = site(0).projects[0].key;
  const int64_t mirrored = std::stoll(live.One("SELECT count(*) FROM Issues"));
  ASSERT_GT(mirrored, 2000);
  const int64_t blocks = (mirrored + 999) / 1000;

  // One gone: halved down to its block, one /jql/match.
  const auto leaves = LeafKeys(live, project, static_cast<int>(mirrored));
  ASSERT_GT(leaves.size(), 1500u);
  live.Query("DELETE FROM Issues WHERE Key = '" + leaves[leaves.size() / 2] + "'");
  int64_t matches = Requests("/jql/match"), counts = Requests("approximate-count"), ids = Requests("/search/jql");
  SyncReport one = Sync(db);
  EXPECT_TRUE(one.ok()) << one.ToText();
  EXPECT_EQ(one.tables["Issues"].deleted, 1) << one.ToText();
  EXPECT_EQ(Requests("/jql/match") - matches, 1);
  const int64_t halvings = Requests("approximate-count") - counts - 1;
  EXPECT_GE(halvings, 1);
  EXPECT_LE(halvings, 2);  // 3 blocks: halved twice at most
  EXPECT_EQ(Requests("/search/jql") - ids, 2) << "the changes' search and the gone issue's lookup: no id pages";
  EXPECT_LT(one.points, mirrored / 10) << "an id census costs a point per mirrored issue";
  ExpectAllEqual(live);

  // About one gone per block: every block checked, no halving.
  std::vector<std::string> gone;
  for (std::size_t i = 7; i < leaves.size(); i += leaves.size() / static_cast<std::size_t>(blocks) + 1) {
    if (i != leaves.size() / 2) gone.push_back("'" + leaves[i] + "'");
  }
  live.Query("DELETE FROM Issues WHERE Key IN (" + Join(gone, ", ") + ")");
  matches = Requests("/jql/match");
  counts = Requests("approximate-count");
  SyncReport many = Sync(db);
  EXPECT_TRUE(many.ok()) << many.ToText();
  EXPECT_EQ(many.tables["Issues"].deleted, static_cast<int64_t>(gone.size())) << many.ToText();
  EXPECT_EQ(Requests("/jql/match") - matches, blocks);
  EXPECT_EQ(Requests("approximate-count") - counts, 1);
  ExpectAllEqual(live);
}

INSTANTIATE_TEST_SUITE_P(Cloud, SyncCensusTest, ::testing::Values(Mode{"Cloud", false}),
                         [](const ::testing::TestParamInfo<Mode>& i) { return std::string(i.param.name); });

// The mirror in PostgreSQL: 20,000 issues (4,000 under ASan), then changes, deletions and a
// move, then a second sync — every table equal to Jira's data row by row
// (read back typed: timestamptz, jsonb, boolean, bigint); sites side by
// side in schemas of their own; one sync of a schema at a time. (A sync
// killed mid-run: tests/sync/kill_test.sh with PostgreSQL.)
class SyncPgTest : public SyncBase<SyncPgTest> {
 public:
  static jirasim::GenerateOptions Data() {
    jirasim::GenerateOptions d;
#ifdef JIRASQL_SANITIZED_BUILD
    d.issues = 4000;  // the same paths, five times faster: ASan's run is about memory
#else
    d.issues = 20000;
#endif
    d.projects = 3;
    d.users = 5;
    d.sites = 2;
    d.seed = 31;
    return d;
  }
  static void SetUpTestSuite() {
    SyncBase<SyncPgTest>::SetUpTestSuite();
    auto pg = testing::PostgresServer::Start();
    ASSERT_TRUE(pg) << pg.error().message;
    pg_ = pg->release();
    setenv("PGPASSFILE", pg_->passfile().c_str(), 1);
  }
  static void TearDownTestSuite() {
    delete pg_;
    pg_ = nullptr;
    SyncBase<SyncPgTest>::TearDownTestSuite();
  }

 protected:
  static std::string Uri(const std::string& schema = "") {
    return pg_->Uri() + (schema.empty() ? "" : "?jirasql_schema=" + schema);
  }
  SyncReport SyncPg(Db& db, const std::string& schema) {
    SyncOptions o;
    o.to = Uri(schema);
    return Sync(db, o);
  }
  std::string One(const std::string& sql) {
    auto r = pg_->Sql(sql);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    if (!r || r->rows.empty() || r->rows[0].empty()) return "<none>";
    return r->rows[0][0].value_or("NULL");
  }

  // `table` in the schema equals Jira's rows, column by column as typed:
  // instants to the millisecond, JSON as values, numbers as numbers.
  void ExpectPgEqualsJira(Db& live, const std::string& schema, const std::string& table) {
    const TableDef* t = FindBaseTable(table);
    ASSERT_NE(t, nullptr);
    std::string cols, exprs, order, pg_order;
    std::vector<SqlType> types;
    for (const auto& c : t->columns) {
      if (c.hidden) continue;
      const std::string pg = "\"" + ToLower(c.name) + "\"";
      cols += (cols.empty() ? "" : ", ") + ("\"" + c.name + "\"");
      std::string e = pg + "::text";
      if (c.type == SqlType::kTimestamp)
        e = "to_char(" + pg + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
      if (c.type == SqlType::kBoolean) e = "(" + pg + "::int)::text";
      exprs += (exprs.empty() ? "" : ", ") + e;
      types.push_back(c.type);
    }
    for (const auto& k : t->primary_key) {
      order += (order.empty() ? "" : ", ") + ("\"" + k + "\"");
      pg_order += (pg_order.empty() ? "" : ", ") + ("\"" + ToLower(k) + "\"");
    }
    Rows want = live.Query("SELECT " + cols + " FROM " + table + " ORDER BY " + order);
    auto got = pg_->Sql("SELECT " + exprs + " FROM " + schema + ".\"" + ToLower(table) + "\" ORDER BY " + pg_order);
    ASSERT_TRUE(got) << got.error().message;
    ASSERT_FALSE(want.empty()) << table;
    ASSERT_EQ(got->rows.size(), want.size()) << table;
    for (std::size_t i = 0; i < want.size(); ++i) {
      for (std::size_t j = 0; j < types.size(); ++j) {
        const std::string w = want[i][j], g = got->rows[i][j].value_or("NULL");
        if (w == g) continue;
        if (types[j] == SqlType::kJson && w != "NULL" && g != "NULL") {
          ASSERT_EQ(nlohmann::json::parse(g), nlohmann::json::parse(w)) << table << " row " << i << " column " << j;
        } else if (types[j] == SqlType::kReal && w != "NULL" && g != "NULL") {
          ASSERT_LE(std::fabs(std::stod(g) - std::stod(w)), 1e-9 * std::fabs(std::stod(w)))
              << table << " row " << i << " column " << j;
        } else {
          ASSERT_EQ(g, w) << table << " row " << i << " column " << j;
        }
      }
    }
  }
  void ExpectPgAllEqual(Db& live, const std::string& schema) {
    for (const char* t : {"Issues", "Comments", "Worklogs", "IssueChangelogs"}) {
      SCOPED_TRACE(t);
      ExpectPgEqualsJira(live, schema, t);
    }
  }

  static testing::PostgresServer* pg_;
};
testing::PostgresServer* SyncPgTest::pg_ = nullptr;

TEST_P(SyncPgTest, TwentyThousandIssuesChangedAndDeletedEqualJiraInPostgreSQL) {
  auto db = OpenDb(Connect());
  const int64_t issues = std::stoll(db.One("SELECT count(*) FROM Issues"));
  ASSERT_GE(issues, Data().issues / 2);
  SyncReport full = SyncPg(db, "acme");
  ASSERT_TRUE(full.ok()) << full.ToText();
  EXPECT_EQ(full.tables["Issues"].added, issues);
  ExpectPgAllEqual(db, "acme");
  // Typed as a PostgreSQL user expects, keyed and indexed like the file.
  EXPECT_EQ(One("SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY column_name) FROM "
                "information_schema.columns WHERE table_schema = 'acme' AND table_name = 'issues' AND column_name IN "
                "('id', 'updated', 'labels', 'issubtask', 'duedate')"),
            "duedate date, id bigint, issubtask boolean, labels jsonb, updated timestamp with time zone");
  EXPECT_EQ(One("SELECT count(*) FROM pg_indexes WHERE schemaname = 'acme' AND indexname IN ('issues_projectkey', "
                "'issues_key', 'comments_issueid')"),
            "3");
  EXPECT_EQ(One("SELECT count(*) FROM acme.jirasql_sync_state"), "3");

  // Changes: edits, a comment, a new issue, deletions, a move.
  const std::string a = site(0).projects[0].key, b = site(0).projects[1].key;
  const auto leaves = LeafKeys(db, b, 6);
  ASSERT_EQ(leaves.size(), 6u);
  db.Query("UPDATE Issues SET Summary = 'Edited for PostgreSQL', Labels = '[\"infra\"]' WHERE Key = '" + leaves[0] +
           "'");
  db.Query("INSERT INTO Comments (IssueKey, Body) VALUES ('" + leaves[1] +
           "', 'A comment\twith a tab\\ and a newline\n')");
  db.Query("INSERT INTO Issues (ProjectKey, IssueTypeName, Summary) VALUES ('" + b + "', 'Task', 'Brand new')");
  db.Query("DELETE FROM Issues WHERE Key IN ('" + leaves[2] + "', '" + leaves[3] + "')");
  json moved = AdminPost(sim().base_url(), "move", {{"issue", leaves[4]}, {"project", a}});
  ASSERT_FALSE(moved.is_null());
  SyncReport inc = SyncPg(db, "acme");
  ASSERT_TRUE(inc.ok()) << inc.ToText();
  EXPECT_FALSE(inc.full);
  EXPECT_EQ(inc.tables["Issues"].added, 1) << inc.ToText();
  EXPECT_EQ(inc.tables["Issues"].deleted, 2) << inc.ToText();
  EXPECT_EQ(inc.tables["Comments"].added, 1) << inc.ToText();
  EXPECT_EQ(inc.moved, 1) << inc.ToText();
  EXPECT_LT(inc.requests * 5, full.requests) << inc.ToText() << full.ToText();
  ExpectPgAllEqual(db, "acme");
  EXPECT_EQ(One("SELECT key FROM acme.issues WHERE id = " + moved["id"].get<std::string>()),
            moved["key"].get<std::string>());

  // Nothing changed: only the rows the overlap re-read are written again.
  const std::string xmin = One("SELECT max(xmin::text::bigint) FROM acme.issues");
  SyncReport quiet = SyncPg(db, "acme");
  ASSERT_TRUE(quiet.ok()) << quiet.ToText();
  EXPECT_EQ(quiet.tables["Issues"].changed + quiet.tables["Issues"].added + quiet.tables["Issues"].deleted, 0);
  EXPECT_LT(std::stoll(One("SELECT count(*) FROM acme.issues WHERE xmin::text::bigint > " + xmin)), issues / 100);
  ExpectPgEqualsJira(db, "acme", "Issues");
  EXPECT_EQ(One("SELECT count(*) || ' ' || bool_and(ok = 1) FROM acme.jirasql_sync_runs"), "3 true");
}

// Sites side by side in one database, a schema each (named after the site
// unless jirasql_schema= says); a site's schema refuses another site; a
// second sync of one schema at once is refused, not interleaved.
TEST_P(SyncPgTest, SitesSideBySideInSchemasOfTheirOwn) {
  auto one = OpenDb(Connect(0)), two = OpenDb(Connect(1));
  ASSERT_TRUE(SyncPg(one, "").ok());
  ASSERT_TRUE(SyncPg(two, "").ok());
  const std::string first = PgMirrorSchema(info()["sites"][0]["url"]),
                    second = PgMirrorSchema(info()["sites"][1]["url"]);
  ASSERT_NE(first, second);
  EXPECT_EQ(One("SELECT count(*) FROM " + first + ".issues"), one.One("SELECT count(*) FROM Issues"));
  EXPECT_EQ(One("SELECT count(*) FROM " + second + ".issues"), two.One("SELECT count(*) FROM Issues"));
  EXPECT_EQ(One("SELECT value FROM " + second + ".jirasql_sync_meta WHERE key = 'site'"),
            info()["sites"][1]["url"].get<std::string>());

  SyncOptions o;
  o.to = Uri(first);
  auto wrong = RunSync(*two.engine, o);
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("schema of its own (jirasql_schema=NAME)"), std::string::npos)
      << wrong.error().message;

  // Another sync writes the schema (holds its lock): this one does nothing.
  auto other = pg::Connection::Open(*pg::ParseLocation(Uri(), {}), 10, "test");
  ASSERT_TRUE(other);
  ASSERT_TRUE((*other)->Exec("SELECT pg_advisory_lock(hashtextextended($1, 0))", {"jirasql mirror\x1f" + second}));
  o.to = Uri();
  auto busy = RunSync(*two.engine, o);
  ASSERT_FALSE(busy);
  EXPECT_NE(busy.error().message.find("another jirasql sync is writing the mirror"), std::string::npos)
      << busy.error().message;

  // Mirror= reads a file; a mirror in PostgreSQL is read in PostgreSQL.
  {
    std::string error;
    auto mirrored = OpenDb(Connect(1), "Mirror=" + Uri(), &error);
    EXPECT_EQ(mirrored.engine, nullptr);
    EXPECT_NE(error.find("a mirror in PostgreSQL is read in PostgreSQL"), std::string::npos) << error;
  }

  // A password in the location is refused, and never shown.
  o.to = "postgresql://jirasql:s3cret-pw@127.0.0.1:1/postgres";
  auto pw = RunSync(*two.engine, o);
  ASSERT_FALSE(pw);
  EXPECT_EQ(pw.error().message.find("s3cret-pw"), std::string::npos) << pw.error().message;
}

// The mirror's tables follow --tables and --jql in PostgreSQL as in a file:
// a table left out is dropped there, one added is made and read, another
// JQL starts the schema over; a column PostgreSQL lacks (a schema from an
// older jirasql) is added.
TEST_P(SyncPgTest, TheSchemaFollowsTheTablesAndTheJql) {
  auto db = OpenDb(Connect(1));
  const std::string project = site(1).projects[0].key, other = site(1).projects[1].key;
  SyncOptions o;
  o.to = Uri("follows");
  o.tables = {"Issues", "Comments"};
  o.jql = "project = " + project;
  ASSERT_TRUE(Sync(db, o).ok());
  const std::string tables =
      "SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = "
      "'follows' AND table_name NOT LIKE 'jirasql%'";
  EXPECT_EQ(One(tables), "comments,issues");
  EXPECT_EQ(One("SELECT count(DISTINCT projectkey) || ' ' || min(projectkey) FROM follows.issues"), "1 " + project);

  o.tables = {"Issues", "Worklogs"};
  ASSERT_TRUE((*pg_->Sql("ALTER TABLE follows.issues DROP COLUMN summary")).affected == 0);
  SyncReport r = Sync(db, o);
  ASSERT_TRUE(r.ok()) << r.ToText();
  EXPECT_EQ(One(tables), "issues,worklogs");
  EXPECT_EQ(One("SELECT count(*) FROM follows.worklogs"),
            db.One("SELECT count(*) FROM Worklogs WHERE Jql = 'project = " + project + "'"));
  EXPECT_EQ(One("SELECT data_type FROM information_schema.columns WHERE table_schema = 'follows' AND table_name = "
                "'issues' AND column_name = 'summary'"),
            "text");

  o.jql = "project = " + other;
  r = Sync(db, o);
  ASSERT_TRUE(r.ok()) << r.ToText();
  EXPECT_EQ(One("SELECT count(DISTINCT projectkey) || ' ' || min(projectkey) FROM follows.issues"), "1 " + other);
  EXPECT_EQ(One("SELECT count(*) FROM follows.issues"),
            db.One("SELECT count(*) FROM Issues WHERE ProjectKey = '" + other + "'"));
  EXPECT_EQ(One("SELECT count(*) FROM follows.issues WHERE summary IS NULL"), "0");

  // A schema name that is not a plain PostgreSQL one is refused, saying why.
  o.to = Uri("Bad-Name");
  auto bad = RunSync(*db.engine, o);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("not a plain PostgreSQL name"), std::string::npos) << bad.error().message;
}

// The least-privilege roles of docs/sync.md: the sync's role owns the
// schema made for it (and may create nothing else); the dashboards' role
// reads every table, those the sync makes later too, and writes none.
TEST_P(SyncPgTest, ASyncRoleWritesItsSchemaAndADashboardRoleOnlyReads) {
  for (const char* sql :
       {"CREATE ROLE jira_sync LOGIN PASSWORD 'sync-pw'", "CREATE SCHEMA jira_acme AUTHORIZATION jira_sync",
        "CREATE ROLE jira_dashboard LOGIN PASSWORD 'dash-pw'", "GRANT USAGE ON SCHEMA jira_acme TO jira_dashboard",
        "ALTER DEFAULT PRIVILEGES FOR ROLE jira_sync IN SCHEMA jira_acme GRANT SELECT ON TABLES TO jira_dashboard",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC"}) {
    auto r = pg_->Sql(sql);
    ASSERT_TRUE(r) << sql << ": " << r.error().message;
  }
  const std::string port = std::to_string(pg_->port());
  const std::string passfile = dir_.path() + "/pgpass";
  testing::WriteFile(passfile, testing::ReadFile(pg_->passfile()) + "127.0.0.1:" + port + ":*:jira_sync:sync-pw\n" +
                                   "127.0.0.1:" + port + ":*:jira_dashboard:dash-pw\n");
  ::chmod(passfile.c_str(), 0600);
  setenv("PGPASSFILE", passfile.c_str(), 1);
  struct Restore {
    ~Restore() { setenv("PGPASSFILE", pg_->passfile().c_str(), 1); }
  } restore;
  auto db = OpenDb(Connect(1));
  SyncOptions o;
  o.to = "postgresql://jira_sync@127.0.0.1:" + port + "/postgres?jirasql_schema=jira_acme";
  o.tables = {"Issues", "Comments"};
  o.jql = "project = " + site(1).projects[0].key;
  SyncReport r = Sync(db, o);
  ASSERT_TRUE(r.ok()) << r.ToText();
  // Elsewhere it may create nothing.
  SyncOptions elsewhere = o;
  elsewhere.to = "postgresql://jira_sync@127.0.0.1:" + port + "/postgres?jirasql_schema=jira_other";
  auto refused = RunSync(*db.engine, elsewhere);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("permission denied for database"), std::string::npos)
      << refused.error().message;

  auto where = pg::ParseLocation("postgresql://jira_dashboard@127.0.0.1:" + port + "/postgres", {});
  ASSERT_TRUE(where);
  auto reads = [&](const std::string& sql) {
    auto c = pg::Connection::Open(*where, 10, "a dashboard");
    if (!c) return c.error().message;
    auto rows = (*c)->Exec(sql);
    return rows ? rows->rows[0][0].value_or("NULL") : rows.error().message;
  };
  EXPECT_EQ(reads("SELECT count(*) FROM jira_acme.issues"),
            db.One("SELECT count(*) FROM Issues WHERE ProjectKey = '" + site(1).projects[0].key + "'"));
  EXPECT_NE(reads("DELETE FROM jira_acme.issues RETURNING 1").find("permission denied"), std::string::npos);
  // Tables the sync makes later (another JQL starts over): readable too.
  o.jql = "project = " + site(1).projects[1].key;
  ASSERT_TRUE(Sync(db, o).ok());
  EXPECT_EQ(reads("SELECT count(*) FROM jira_acme.comments"),
            db.One("SELECT count(*) FROM Comments WHERE Jql = 'project = " + site(1).projects[1].key + "'"));
}

TEST(PgMirrorSchemaTest, NamedAfterTheSiteOrItsCloudId) {
  EXPECT_EQ(PgMirrorSchema("https://acme.atlassian.net"), "jira_acme_atlassian_net");
  EXPECT_EQ(PgMirrorSchema("https://api.atlassian.com/ex/jira/1b2c3d4e-aaaa-bbbb-cccc-0123456789ab/"),
            "jira_1b2c3d4e_aaaa_bbbb_cccc_0123456789ab");
  EXPECT_EQ(PgMirrorSchema("https://jira.example.com:8443/jira/"), "jira_jira_example_com_jira");
  EXPECT_EQ(PgMirrorSchema("http://127.0.0.1:8080/site/acme"), "jira_127_0_0_1_site_acme");
  EXPECT_EQ(PgMirrorSchema("https://" + std::string(100, 'x') + ".example.com").size(), 63u);
}

INSTANTIATE_TEST_SUITE_P(Cloud, SyncPgTest, ::testing::Values(Mode{"Cloud", false}),
                         [](const ::testing::TestParamInfo<Mode>& i) { return std::string(i.param.name); });

}  // namespace
}  // namespace jirasql
