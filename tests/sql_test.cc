// SQL over Jira end to end: the jirasql tables in SQLite, reading jirasim
// over loopback HTTP, in Cloud (v3, nextPageToken) and Data Center (v2,
// startAt) modes. Expected answers come from jirasim's generated data.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "http/curl_transport.h"
#include "http/logger.h"
#include "sim/model.h"
#include "sim/server.h"
#include "sql/engine.h"
#include "sql/schema.h"
#include "sql_db.h"

namespace jirasql {
namespace {

using json = nlohmann::json;
using namespace testing_sql;

class SqlTest : public SimModesTest<SqlTest> {
 public:
  static jirasim::GenerateOptions Data() {
    jirasim::GenerateOptions d;
    d.issues = 300;
    d.projects = 3;
    d.users = 6;
    d.sites = 2;
    d.seed = 11;
    return d;
  }

 protected:
  // (Connect: user 0 lives at UTC+10 (Australia/Brisbane), user 1 at UTC-8
  // (Pacific/Pitcairn, site 1 only).)
  Db Open(const std::string& connect, const std::string& extra = "") { return OpenDb(connect, extra); }

  // The generated issues of a site that still exist.
  std::vector<const jirasim::Issue*> Issues(int s) {
    std::vector<const jirasim::Issue*> out;
    for (const auto& is : site(s).issues) {
      if (!is.deleted) out.push_back(&is);
    }
    return out;
  }

  // Copies Issues into a local table `local` with one unpushed scan: SQLite
  // then evaluates each predicate over the same rows without Jira.
  static void Snapshot(Db& db) {
    std::string cols;
    for (const auto& c : FindBaseTable("Issues")->columns) {
      if (!c.hidden) cols += (cols.empty() ? "" : ", ") + ("\"" + c.name + "\"");
    }
    db.Query("CREATE TEMP TABLE local AS SELECT " + cols + " FROM Issues");
  }

  void AddFault(const json& fault) { testing_sql::AddFault(sim().base_url(), fault); }
  void ClearFaults() { testing_sql::ClearFaults(sim().base_url()); }
};

TEST_P(SqlTest, CountsPerProjectEqualTheGeneratedData) {
  std::map<std::string, int> want;
  for (const auto* is : Issues(0)) ++want[site(0).projects[static_cast<std::size_t>(is->project)].key];
  auto db = Open(Connect());
  auto rows = db.Query("SELECT ProjectKey, COUNT(*) FROM Issues GROUP BY ProjectKey ORDER BY ProjectKey");
  std::map<std::string, int> got;
  for (const auto& r : rows) got[r[0]] = std::stoi(r[1]);
  EXPECT_EQ(got, want);
  // One project, pushed down as JQL, counts the same.
  const std::string first = want.begin()->first;
  EXPECT_EQ(db.One("SELECT COUNT(*) FROM Issues WHERE ProjectKey = '" + first + "'"),
            std::to_string(want.begin()->second));
  EXPECT_EQ(db.LastScan().jql, "project = \"" + first + "\"");
}

TEST_P(SqlTest, JoinsAggregatesOrderAndLimit) {
  auto db = Open(Connect());
  auto joined = db.Query(
      "SELECT p.Name, COUNT(*) FROM Issues i JOIN Projects p ON p.Key = i.ProjectKey "
      "GROUP BY p.Name ORDER BY p.Name");
  ASSERT_EQ(joined.size(), site(0).projects.size());
  int total = 0;
  for (const auto& r : joined) total += std::stoi(r[1]);
  auto issues = Issues(0);
  EXPECT_EQ(total, static_cast<int>(issues.size()));

  int64_t spent = 0;
  for (const auto* is : issues) spent += is->time_spent == jirasim::kNone ? 0 : is->time_spent;
  EXPECT_EQ(db.One("SELECT SUM(TimeSpentSeconds) FROM Issues"), std::to_string(spent));

  // ORDER BY and LIMIT: the five newest issues.
  auto sorted = issues;
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) {
    return a->created_ms != b->created_ms ? a->created_ms > b->created_ms : a->id < b->id;
  });
  auto newest = db.Query("SELECT Id, Created FROM Issues ORDER BY Created DESC, Id LIMIT 5");
  ASSERT_EQ(newest.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(newest[i][0], std::to_string(sorted[i]->id));
    EXPECT_EQ(newest[i][1], FormatUtcTimestamp(sorted[i]->created_ms));
  }
}

TEST_P(SqlTest, CommentsWorklogsAndChangesOfOneIssue) {
  auto issues = Issues(0);
  const jirasim::Issue* pick = nullptr;
  int64_t index = -1;
  for (std::size_t i = 0; i < site(0).issues.size(); ++i) {
    const auto& is = site(0).issues[i];
    if (!is.deleted && is.comment_count >= 2 && is.worklog_count >= 1) {
      pick = &is;
      index = static_cast<int64_t>(i);
      break;
    }
  }
  ASSERT_NE(pick, nullptr);
  const std::string key = site(0).Key(*pick);
  auto db = Open(Connect());
  auto comments = jirasim::Comments(sim().world(), site(0), index);
  auto rows = db.Query("SELECT Id, IssueId, IssueKey, Body FROM Comments WHERE IssueKey = '" + key + "' ORDER BY Id");
  ASSERT_EQ(rows.size(), comments.size());
  EXPECT_EQ(rows[0][0], std::to_string(comments[0].id));
  EXPECT_EQ(rows[0][1], std::to_string(pick->id));
  EXPECT_EQ(rows[0][2], key);
  EXPECT_FALSE(rows[0][3].empty());
  EXPECT_EQ(db.One("SELECT COUNT(*) FROM Worklogs WHERE IssueId = " + std::to_string(pick->id)),
            std::to_string(jirasim::Worklogs(sim().world(), site(0), index).size()));
  EXPECT_EQ(db.One("SELECT SUM(TimeSpentSeconds) FROM Worklogs WHERE IssueKey = '" + key + "'"),
            std::to_string(pick->time_spent));
  // Changelog rows are field changes; every one names its field.
  auto changes = db.Query("SELECT Field, ToString FROM IssueChangelogs WHERE IssueKey = '" + key + "'");
  for (const auto& c : changes) EXPECT_NE(c[0], "NULL");
  // A join reads the comments of the joined issues only.
  auto joined =
      db.Query("SELECT COUNT(*) FROM Issues i JOIN Comments c ON c.IssueKey = i.Key WHERE i.Key = '" + key + "'");
  EXPECT_EQ(joined[0][0], std::to_string(comments.size()));
}

TEST_P(SqlTest, InListsAndKeysThatDoNotExist) {
  auto db = Open(Connect());
  const auto& p0 = site(0).projects[0];
  const std::string k1 = p0.key + "-1", k2 = p0.key + "-2";
  auto rows =
      db.Query("SELECT Key FROM Issues WHERE Key IN ('" + k1 + "', '" + k2 + "', 'NOPE-1', 'garbage') ORDER BY Id");
  ASSERT_EQ(rows.size(), 2u);
  // Values Jira says do not exist are dropped and the search asked again.
  EXPECT_EQ(db.One("SELECT COUNT(*) FROM Issues WHERE StatusName IN ('No Such Status')"), "0");
  auto counts = db.One("SELECT COUNT(*) FROM Issues WHERE ProjectKey IN ('" + p0.key + "', 'NOSUCH')");
  EXPECT_EQ(counts, db.One("SELECT COUNT(*) FROM Issues WHERE ProjectKey = '" + p0.key + "'"));
  EXPECT_EQ(db.One("SELECT COUNT(*) FROM Comments WHERE IssueKey = 'NOPE-7'"), "0");
}

TEST_P(SqlTest, WritesToReadOnlyTablesAreRefusedWithAClearError) {
  auto db = Open(Connect());
  std::string error;
  db.Query("DELETE FROM Priorities", &error);
  EXPECT_NE(error.find("DELETE on Priorities: Priorities is read-only in jirasql; the tables that write to Jira are "
                       "Issues, Comments, Worklogs"),
            std::string::npos)
      << error;
  db.Query("UPDATE sys_tables SET Description = 'x'", &error);
  EXPECT_NE(error.find("UPDATE on sys_tables: the sys_* tables are read-only"), std::string::npos) << error;
  auto readonly = Open(Connect(), "Readonly=true");
  readonly.Query("INSERT INTO Comments (IssueKey, Body) VALUES ('ALPHA-1', 'x')", &error);
  EXPECT_NE(error.find("INSERT on Comments: Readonly=true refuses writes; set Readonly=false"), std::string::npos)
      << error;
}

TEST_P(SqlTest, HiddenJqlColumn) {
  auto db = Open(Connect());
  const auto& p1 = site(0).projects[1];
  auto rows = db.Query("SELECT Key, Jql FROM Issues WHERE Jql = 'project = " + p1.key + " ORDER BY key DESC' LIMIT 3");
  ASSERT_EQ(rows.size(), 3u);
  int n = static_cast<int>(
      std::count_if(p1.issues_by_number.begin(), p1.issues_by_number.end(), [](int64_t i) { return i >= 0; }));
  (void)n;
  EXPECT_EQ(rows[0][1], "project = " + p1.key + " ORDER BY key DESC");
  EXPECT_EQ(db.One("SELECT Jql FROM Issues LIMIT 1"), "NULL");  // no JQL given
  EXPECT_GT(std::stoi(rows[0][0].substr(p1.key.size() + 1)), std::stoi(rows[1][0].substr(p1.key.size() + 1)));
  // Combined with pushed filters: both apply.
  const std::string both =
      db.One("SELECT COUNT(*) FROM Issues WHERE Jql = 'project = " + p1.key + "' AND StatusName = 'Done'");
  EXPECT_EQ(db.LastScan().jql, "(project = " + p1.key + ") AND status = \"Done\"");
  EXPECT_EQ(both, db.One("SELECT COUNT(*) FROM Issues WHERE ProjectKey = '" + p1.key + "' AND StatusName = 'Done'"));
}

TEST_P(SqlTest, JiraErrorsAreSqlErrorsWithJirasMessage) {
  auto db = Open(Connect());
  std::string error;
  auto rows = db.Query("SELECT Key FROM Issues WHERE Jql = 'project = = X'", &error);
  EXPECT_TRUE(rows.empty());
  EXPECT_NE(error.find("JQL"), std::string::npos) << error;
  EXPECT_NE(error.find("HTTP 400"), std::string::npos) << error;

  db.Query("SELECT * FROM Sprints WHERE BoardId = 987654", &error);
  EXPECT_NE(error.find("Board does not exist"), std::string::npos) << error;

  auto other = Open(Connect(0, 1));  // user 1 cannot use site 0
  other.Query("SELECT Key FROM Issues LIMIT 1", &error);
  EXPECT_NE(error.find("You do not have access to this Jira site"), std::string::npos) << error;
}

TEST_P(SqlTest, FailureMidScanIsAnErrorNotAShorterResult) {
  auto db = Open(Connect(), "Pagesize=50;MaxThreads=1");
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db.engine->db(), "SELECT Key FROM Issues", -1, &st, nullptr), SQLITE_OK);
  int rows = 0, rc = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (++rows == 10) AddFault({{"path", "/search"}, {"status", 403}});
  }
  std::string error = sqlite3_errmsg(db.engine->db());
  sqlite3_finalize(st);
  ClearFaults();
  EXPECT_EQ(rc, SQLITE_ERROR);
  EXPECT_EQ(rows, 50);  // the first page, then the error
  EXPECT_NE(error.find("injected fault"), std::string::npos) << error;
}

TEST_P(SqlTest, PagesAreReadLazilyAndProjectionBecomesFields) {
  auto db = Open(Connect(), "Pagesize=50;MaxThreads=1");
  auto all = db.Query("SELECT Key FROM Issues");
  EXPECT_EQ(all.size(), Issues(0).size());
  EXPECT_EQ(db.LastScan().calls, static_cast<int64_t>((all.size() + 49) / 50));
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db.engine->db(), "SELECT Key FROM Issues WHERE Summary IS NOT NULL", -1, &st, nullptr),
            SQLITE_OK);
  for (int i = 0; i < 60; ++i) ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(db.LastScan().calls, 2);  // 60 rows read: two pages, not six
  sqlite3_finalize(st);
  db.Query("SELECT Summary, StatusName FROM Issues WHERE Id = 1");
  EXPECT_EQ(db.LastScan().fields, "summary,status");
  EXPECT_EQ(db.LastScan().jql, "id = \"1\"");
}

// Parallel scans (MaxThreads > 1) return exactly the rows of a sequential
// scan, in the same order.
TEST_P(SqlTest, ParallelScansMatchSequentialScans) {
  auto seq = Open(Connect(), "MaxThreads=1;Pagesize=40");
  auto par = Open(Connect(), "MaxThreads=4;Pagesize=40");
  const char* cols = "SELECT Id, Key, Summary, StatusName, AssigneeAccountId, Created, Labels FROM Issues";
  for (std::string where :
       {"", " WHERE ProjectKey IN ('ALPHA', 'BETA', 'NOPE')", " WHERE Created >= '2025-06-01'",
        " WHERE Jql = 'project is not EMPTY ORDER BY created DESC'", " WHERE Jql = 'ORDER BY key'"}) {
    auto want = seq.Query(cols + where);
    auto got = par.Query(cols + where);
    EXPECT_GT(want.size(), 40u) << where;
    EXPECT_EQ(got, want) << where;  // same rows, same order
  }
  // Ids alone: Cloud's id-only pages one after another (in parallel they
  // would be read twice, once more by bulkfetch).
  EXPECT_EQ(par.Query("SELECT Id FROM Issues").size(), Issues(0).size());
  const int64_t pages = (static_cast<int64_t>(Issues(0).size()) + 39) / 40;
  if (!dc()) {
    EXPECT_EQ(par.LastScan().calls, pages);
  }
  EXPECT_EQ(par.Query("SELECT Id, Summary FROM Issues").size(), Issues(0).size());
  const auto& scan = par.LastScan();
  if (dc()) {
    EXPECT_EQ(scan.calls, pages);  // the same pages, several at a time
  } else {
    // The first page, one id-only page, then bulk fetches of 100.
    EXPECT_EQ(scan.calls, 1 + 1 + (static_cast<int64_t>(Issues(0).size()) - 40 + 99) / 100);
  }
  // A failure in any worker is the query's error.
  AddFault({{"path", dc() ? "/search" : "/bulkfetch"}, {"status", 403}, {"count", 1}});
  std::string error;
  par.Query(cols, &error);
  ClearFaults();
  EXPECT_NE(error.find("injected fault"), std::string::npos) << error;
}

// Jira refuses some requests of a parallel scan with 429 and Retry-After:
// the scan waits (every worker, through the connection's rate governor) and
// still returns every issue exactly once.
TEST_P(SqlTest, ParallelScanThroughRateLimits) {
  auto seq = Open(Connect(), "MaxThreads=1;Pagesize=40");
  auto want = seq.Query("SELECT Id FROM Issues ORDER BY Id");
  auto par = Open(Connect(), "MaxThreads=4;Pagesize=40");
  AddFault({{"path", dc() ? "/search" : "/bulkfetch"},
            {"status", 429},
            {"retryAfter", 1},
            {"count", 3},
            {"reason", "jira-burst-based"}});
  auto got = par.Query("SELECT Id FROM Issues ORDER BY Id");
  ClearFaults();
  EXPECT_EQ(got.size(), Issues(0).size());
  EXPECT_EQ(got, want);
}

// sys_rate_limit: nothing before the connection has talked to Jira (reading
// it sends nothing), then the site, and the times Jira asked it to wait and why.
TEST_P(SqlTest, SysRateLimitSaysWhatJiraSaidOfTheLimits) {
  auto db = Open(Connect(), "MaxThreads=1");
  EXPECT_EQ(db.One("SELECT count(*) FROM sys_rate_limit"), "0");
  AddFault({{"path", "/search"}, {"status", 429}, {"retryAfter", 1}, {"count", 1}, {"reason", "jira-burst-based"}});
  const auto issues = Issues(0);
  const std::string project = site(0).projects[0].key;
  EXPECT_EQ(db.One("SELECT count(*) FROM Issues WHERE ProjectKey = '" + project + "'"),
            std::to_string(std::count_if(issues.begin(), issues.end(), [&](const jirasim::Issue* is) {
              return site(0).Key(*is).rfind(project + "-", 0) == 0;
            })));
  ClearFaults();
  auto rows = db.Query("SELECT SiteUrl, Pauses, Reason, Quota, Remaining FROM sys_rate_limit");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_NE(rows[0][0].find(info()["sites"][0]["url"].get<std::string>()), std::string::npos) << rows[0][0];
  EXPECT_EQ(rows[0][1], "1");
  EXPECT_EQ(rows[0][2], "jira-burst-based");
  EXPECT_EQ(rows[0][3], "NULL");  // API tokens and PATs are not metered by points
  EXPECT_EQ(rows[0][4], "NULL");
}

// Through an OAuth app, Jira meters points: sys_rate_limit shows the quota
// as the last answer stated it, and the burst limiter's counts.
TEST_P(SqlTest, SysRateLimitShowsTheOAuthAppsPointsQuota) {
  if (dc()) GTEST_SKIP() << "Data Center has no points quota";
  const std::string query = "SELECT count(*) FROM Issues WHERE ProjectKey = '" + site(0).projects[0].key + "'";
  // What the query costs, on a quota it cannot exhaust.
  SetLimits(sim().base_url(), {{"pointsQuota", 1000000}, {"pointsWindow", 3600}, {"burstPerSecond", 10000}});
  {
    auto db = Open(OAuthConnect());
    db.Query(query);
  }
  const int64_t cost = Limits(sim().base_url())["pointsSpent"];
  ASSERT_GT(cost, 10);
  // Then a quota that the same query leaves under 20% of.
  const int64_t quota = cost + cost / 10;
  SetLimits(sim().base_url(), {{"pointsQuota", quota}, {"pointsWindow", 3600}});
  auto db = Open(OAuthConnect());
  EXPECT_EQ(db.One("SELECT count(*) FROM sys_rate_limit"), "0");  // nothing said yet
  db.Query(query);
  const int64_t spent = Limits(sim().base_url())["pointsSpent"];
  EXPECT_EQ(spent, cost);
  auto rows = db.Query(
      "SELECT Policy, Quota, WindowSeconds, Remaining, ResetSeconds, ResetAt, Reason, NearLimit, BurstLimit, "
      "BurstRemaining, SeenAt, Pauses, PointsPerRequest FROM sys_rate_limit");
  SetLimits(sim().base_url(), {{"pointsQuota", 0}, {"burstPerSecond", 0}});
  ASSERT_EQ(rows.size(), 1u);
  const auto& r = rows[0];
  EXPECT_EQ(r[0], "global-app-quota");
  EXPECT_EQ(r[1], std::to_string(quota));
  EXPECT_EQ(r[2], "3600");
  EXPECT_EQ(r[3], std::to_string(quota - spent));  // the last answer's
  EXPECT_GT(std::stoll(r[4]), 3500);
  EXPECT_LE(std::stoll(r[4]), 3600);
  EXPECT_NE(r[5], "NULL");
  EXPECT_EQ(r[6], "jira-quota-global-based");
  EXPECT_EQ(r[7], "1");
  EXPECT_EQ(r[8], "10000");
  EXPECT_NE(r[9], "NULL");
  EXPECT_NE(r[10], "NULL");
  EXPECT_EQ(r[11], "0");  // paced, never refused
  EXPECT_GT(std::stod(r[12]), 1.0);
}

// A read that needs more points than a window holds slows down to the
// quota instead of hitting its hard limit: held until each window turns,
// never refused, every row there.
TEST_P(SqlTest, AReadBiggerThanTheQuotaWaitsForTheWindowInsteadOfA429) {
  if (dc()) GTEST_SKIP() << "Data Center has no points quota";
  const std::string project = site(0).projects[0].key;
  const auto issues = Issues(0);
  const auto want = std::count_if(issues.begin(), issues.end(), [&](const jirasim::Issue* is) {
    return site(0).Key(*is).rfind(project + "-", 0) == 0;
  });
  ASSERT_GT(want, 60);
  // Pages of 20 issues cost 21 points: a 1-second window of 50 points pays
  // for two of them.
  SetLimits(sim().base_url(), {{"pointsQuota", 50}, {"pointsWindow", 1}});
  auto db = Open(OAuthConnect(), "Pagesize=20");
  EXPECT_EQ(db.One("SELECT count(Summary) FROM Issues WHERE ProjectKey = '" + project + "'"), std::to_string(want));
  const json limits = Limits(sim().base_url());
  SetLimits(sim().base_url(), {{"pointsQuota", 0}});
  EXPECT_FALSE(limits["refused"].contains("jira-quota-global-based")) << limits.dump();
  auto rows = db.Query("SELECT Pauses, QuotaWaits FROM sys_rate_limit");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], "0");
  EXPECT_GE(std::stoi(rows[0][1]), 1);
}

TEST_P(SqlTest, MaxRowsStopsAScanAndSaysSo) {
  auto db = Open(Connect(), "MaxRows=7");
  EXPECT_EQ(db.Query("SELECT Key FROM Issues").size(), 7u);
  ASSERT_FALSE(db.notices.empty());
  EXPECT_NE(db.notices.back().find("MaxRows=7"), std::string::npos);
}

// "My open issues" needs no account id: the Myself table is the login's
// user, and its AccountId is pushed to Jira as the assignee.
TEST_P(SqlTest, MyselfIsTheLoginsUser) {
  auto db = Open(Connect(0, 0));
  auto me = db.Query("SELECT AccountId, DisplayName, TimeZone FROM Myself");
  ASSERT_EQ(me.size(), 1u);
  const auto& user = sim().world().users[0];
  EXPECT_EQ(me[0][0], dc() ? user.name : user.account_id);
  EXPECT_EQ(me[0][1], user.display_name);
  int want = 0;
  for (const auto* is : Issues(0)) want += is->assignee == 0;
  EXPECT_EQ(db.One("SELECT COUNT(*) FROM Issues WHERE AssigneeAccountId = (SELECT AccountId FROM Myself)"),
            std::to_string(want));
  EXPECT_EQ(db.LastScan().jql, "assignee = \"" + me[0][0] + "\"");
}

// Every column of every table holds a value for some generated row: a
// column that is always NULL is a reader that reads nothing, or a jirasim
// that serves nothing there (Projects.LeadAccountId was, until jirasim
// honoured expand=lead).
TEST_P(SqlTest, EveryColumnOfEveryTableHasAValueSomewhere) {
  auto db = Open(Connect(), "IncludeCustomFields=true");
  // Columns Jira fills in one deployment only.
  const std::set<std::string> cloud_only = {"Users.AccountType",
                                            "Myself.AccountType",
                                            "Projects.Simplified",
                                            "IssueTypes.ProjectId",  // team-managed projects
                                            "IssueChangelogs.FieldId",
                                            "Labels.Label",
                                            "ProjectComponents.IssueCount",
                                            "Groups.GroupId",
                                            "GroupMembers.GroupId",
                                            "ProjectRoleActors.GroupId",
                                            "ProjectRoles.Description",
                                            "ProjectRoles.IsAdmin",
                                            "ProjectRoles.IsDefault",
                                            "Dashboards.Description",
                                            "Dashboards.OwnerAccountId",
                                            "Dashboards.OwnerDisplayName",
                                            "Dashboards.IsFavourite",
                                            "Dashboards.Popularity",
                                            "Dashboards.IsSystemDashboard",
                                            "Dashboards.SharedWith"};
  // Tables Data Center cannot serve (their error is tested in tables_tests).
  const std::set<std::string> cloud_only_tables = {"Filters", "Labels", "CustomFieldContexts", "CustomFieldOptions"};
  const std::set<std::string> dc_only = {};
  // NULL by design: jirasql has no catalogs (ODBC's TABLE_CAT is NULL then).
  const std::set<std::string> always_null = {"sys_primarykeys.CatalogName", "sys_foreignkeys.CatalogName",
                                             "sys_keycolumns.CatalogName", "sys_keycolumns.ReferencedCatalogName",
                                             "sys_indexes.CatalogName"};
  const std::set<std::string> not_generated = {};
  // Filled by writes only: this connection has written nothing (sys_identity:
  // write_tests; WorklogsUpdated: jirasim lists the worklogs written through
  // its API, not the generated ones — tables_tests writes some and reads
  // every column).
  const std::set<std::string> written_only = {"sys_identity", "WorklogsUpdated"};
  // Filled only when Jira reports its limits: the points quota is an OAuth
  // app's (this connection is an API token's or a PAT's, which Atlassian
  // does not meter by points). Every one of them is checked filled through
  // an OAuth app in SysRateLimitShowsTheOAuthAppsPointsQuota.
  const std::set<std::string> limits_only = {
      "sys_rate_limit.Policy",    "sys_rate_limit.Quota",           "sys_rate_limit.WindowSeconds",
      "sys_rate_limit.Remaining", "sys_rate_limit.ResetSeconds",    "sys_rate_limit.ResetAt",
      "sys_rate_limit.Reason",    "sys_rate_limit.BurstLimit",      "sys_rate_limit.BurstRemaining",
      "sys_rate_limit.SeenAt",    "sys_rate_limit.PointsPerRequest"};
  // One scan per table counts every column's values (count(col) skips NULL).
  std::map<std::string, std::vector<std::string>> columns_of;
  for (const auto& row : db.Query("SELECT TableName, ColumnName FROM sys_tablecolumns WHERE IsHidden = 0 "
                                  "ORDER BY TableName, Ordinal")) {
    const std::string id = row[0] + "." + row[1];
    if ((dc() && (cloud_only.count(id) || cloud_only_tables.count(row[0]))) || (!dc() && dc_only.count(id)) ||
        always_null.count(id) || not_generated.count(id) || written_only.count(row[0]) || limits_only.count(id))
      continue;
    columns_of[row[0]].push_back(row[1]);
  }
  ASSERT_GT(columns_of.size(), 30u);
  std::vector<std::string> empty;
  for (const auto& [table, columns] : columns_of) {
    std::string sql = "SELECT ";
    for (std::size_t i = 0; i < columns.size(); ++i) sql += (i ? ", count(\"" : "count(\"") + columns[i] + "\")";
    sql += " FROM \"" + table + "\"";
    std::string error;
    auto counts = db.Query(sql, &error);
    ASSERT_EQ(error, "") << table;
    ASSERT_EQ(counts.size(), 1u) << table;
    ASSERT_EQ(counts[0].size(), columns.size()) << table;
    for (std::size_t i = 0; i < columns.size(); ++i)
      if (counts[0][i] == "0") empty.push_back(table + "." + columns[i]);
  }
  EXPECT_TRUE(empty.empty()) << "always NULL: " << ::testing::PrintToString(empty);
}

TEST_P(SqlTest, SystemTablesAndCustomFields) {
  auto db = Open(Connect(), "IncludeCustomFields=true");
  auto cols = db.Query(
      "SELECT ColumnName, DataType, JiraField FROM sys_tablecolumns "
      "WHERE TableName = 'Issues' AND JiraField LIKE 'customfield%' ORDER BY Ordinal");
  // Data Center also has Jira Software's Epic Link (Cloud has the parent field).
  ASSERT_EQ(cols.size(), sim().world().catalogs.custom_fields.size() + (dc() ? 1 : 0));
  std::set<std::string> names;
  for (const auto& c : cols) names.insert(c[0]);
  EXPECT_EQ(names.count("Epic Link"), dc() ? 1u : 0u);
  EXPECT_EQ(names.size(), cols.size());  // the two "Team" fields got distinct names
  const auto& cf = sim().world().catalogs.custom_fields;
  int number = -1;
  for (std::size_t i = 0; i < cf.size(); ++i) {
    if (cf[i].type == jirasim::CustomType::kNumber) {
      number = static_cast<int>(i);
      break;
    }
  }
  ASSERT_GE(number, 0);
  double want = 0;
  int have = 0;
  for (const auto* is : Issues(0)) {
    if (is->custom[static_cast<std::size_t>(number)] != jirasim::kNone) {
      want += static_cast<double>(is->custom[static_cast<std::size_t>(number)]) / 10.0;
      ++have;
    }
  }
  auto got = db.Query("SELECT SUM(\"" + cf[static_cast<std::size_t>(number)].name + "\"), COUNT(\"" +
                      cf[static_cast<std::size_t>(number)].name + "\") FROM Issues");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_NEAR(std::stod(got[0][0]), want, 1e-6);
  EXPECT_EQ(got[0][1], std::to_string(have));
  EXPECT_EQ(db.One("SELECT COUNT(*) FROM sys_tables WHERE TableName IN ('Issues', 'sys_connection_props')"), "2");
  auto secret = db.Query(
      "SELECT Value FROM sys_connection_props WHERE Name IN ('APIToken', 'PersonalAccessToken') "
      "AND Value != ''");
  ASSERT_EQ(secret.size(), 1u);
  EXPECT_EQ(secret[0][0], "********");
  EXPECT_EQ(db.One("SELECT COUNT(*) FROM Statuses"), std::to_string(sim().world().catalogs.statuses.size()));
  EXPECT_EQ(db.One("SELECT COUNT(*) FROM IssueTypes"), std::to_string(sim().world().catalogs.types.size()));
  EXPECT_EQ(db.One("SELECT COUNT(*) FROM Priorities"), std::to_string(sim().world().catalogs.priorities.size()));
  EXPECT_EQ(db.One("SELECT COUNT(*) FROM Resolutions"), std::to_string(sim().world().catalogs.resolutions.size()));
  EXPECT_EQ(db.One("SELECT COUNT(*) FROM Boards"), std::to_string(site(0).boards.size()));
  int sprints = 0;
  for (const auto& sp : site(0).sprints) sprints += sp.board >= 0;
  EXPECT_EQ(db.One("SELECT COUNT(*) FROM Sprints"), std::to_string(sprints));
  EXPECT_EQ(db.One("SELECT COUNT(*) FROM Sprints WHERE BoardId = " + std::to_string(site(0).boards[0].id)),
            std::to_string(std::count_if(site(0).sprints.begin(), site(0).sprints.end(),
                                         [](const auto& sp) { return sp.board == 0; })));
  auto users = db.Query("SELECT AccountId FROM Users");
  EXPECT_GE(users.size(), 2u);
}

TEST_P(SqlTest, ProceduresAsTableValuedFunctions) {
  const std::string oauth = "AuthScheme=OAuth;OAuthClientId=" + info()["app"]["clientId"].get<std::string>() +
                            ";OAuthClientSecret=" + info()["app"]["clientSecret"].get<std::string>() +
                            ";OAuthAuthorizationURL=" + info()["authorizationUrl"].get<std::string>() +
                            ";OAuthAccessTokenURL=" + info()["tokenUrl"].get<std::string>() +
                            ";OAuthRefreshTokenURL=" + info()["tokenUrl"].get<std::string>() +
                            ";OAuthAccessibleResourcesURL=" + info()["accessibleResourcesUrl"].get<std::string>() +
                            ";InitiateOAuth=REFRESH;OAuthSettingsLocation=memory://sqltest";
  auto db = Open(oauth);
  auto rows = db.Query("SELECT URL, State, CodeVerifier FROM GetOAuthAuthorizationURL('http://localhost:45678')");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0].rfind(info()["authorizationUrl"].get<std::string>() + "?", 0), 0u) << rows[0][0];
  EXPECT_NE(rows[0][0].find("redirect_uri=http%3A%2F%2Flocalhost%3A45678"), std::string::npos) << rows[0][0];
  EXPECT_NE(rows[0][0].find("state=" + rows[0][1]), std::string::npos);
  EXPECT_GE(rows[0][2].size(), 43u);
  std::string error;
  db.Query("SELECT * FROM RefreshOAuthAccessToken('not-a-token')", &error);
  EXPECT_NE(error.find("RefreshOAuthAccessToken"), std::string::npos) << error;
  EXPECT_NE(error.find("invalid_grant"), std::string::npos) << error;  // jirasim's answer, not a network error
}

// Date ranges pushed in the user's zone select exactly what an unpushed scan
// selects, for a user at UTC+10 and one at UTC-8.
TEST_P(SqlTest, DateRangesInTheUsersZoneMatchAnUnpushedScan) {
  for (auto [s, u] : {std::pair{0, 0}, std::pair{1, 1}}) {
    auto pushed = Open(Connect(s, u));
    auto plain = Open(Connect(s, u), "PushDown=false");
    Snapshot(plain);
    auto issues = Issues(s);
    ASSERT_GT(issues.size(), 20u);
    std::vector<std::string> bounds;
    for (std::size_t i = 0; i < issues.size(); i += issues.size() / 6) {
      const std::string t = FormatUtcTimestamp(issues[i]->created_ms);
      bounds.push_back(t);                // exactly one issue's instant
      bounds.push_back(t.substr(0, 16));  // its minute
      bounds.push_back(t.substr(0, 10));  // its UTC day
      bounds.push_back(t.substr(0, 10) + " 12:00");
    }
    int pushed_with_dates = 0;
    for (const auto& b : bounds) {
      for (const char* op : {">=", ">", "<", "<=", "="}) {
        const std::string where = " WHERE Created " + std::string(op) + " '" + b + "' ORDER BY Id";
        const std::string sql = "SELECT Id FROM Issues" + where;
        auto want = plain.Query("SELECT Id FROM local" + where);
        auto got = pushed.Query(sql);
        EXPECT_EQ(got, want) << sql << " (site " << s << ", user " << u << ")";
        pushed_with_dates += pushed.LastScan().jql.find("created") != std::string::npos;
      }
    }
    EXPECT_GT(pushed_with_dates, static_cast<int>(bounds.size()));  // most of them were pushed
    EXPECT_TRUE(plain.LastScan().jql.empty() || plain.LastScan().jql == "project IS NOT EMPTY");
    // The local copy is the unpushed scan: spot-check it against one.
    EXPECT_EQ(plain.Query("SELECT Id FROM Issues WHERE Created >= '" + bounds[4] + "' ORDER BY Id"),
              plain.Query("SELECT Id FROM local WHERE Created >= '" + bounds[4] + "' ORDER BY Id"));
  }
}

// Many generated predicates: with pushdown on and off the answers agree.
TEST_P(SqlTest, RandomizedPushdownEquivalence) {
  auto pushed = Open(Connect());
  auto plain = Open(Connect(), "PushDown=false");
  Snapshot(plain);
  auto issues = Issues(0);
  const auto& w = sim().world();
  std::mt19937 rng(20261129);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  std::vector<std::string> projects = {"'NOPE'"}, statuses = {"'Nope'", "'done'"}, types, priorities, accounts,
                           keys = {"'NOPE-1'", "'garbage'"}, created, due;
  for (const auto& p : site(0).projects)
    projects.push_back("'" + p.key + "'"), projects.push_back(std::to_string(p.id));
  for (const auto& s : w.catalogs.statuses) statuses.push_back("'" + s.name + "'");
  for (const auto& t : w.catalogs.types) types.push_back("'" + t.name + "'");
  for (const auto& p : w.catalogs.priorities) priorities.push_back("'" + p.name + "'");
  for (const auto& u : info()["users"])
    accounts.push_back("'" + (dc() ? u["name"] : u["accountId"]).get<std::string>() + "'");
  for (std::size_t i = 0; i < issues.size(); i += 7) {
    keys.push_back("'" + site(0).Key(*issues[i]) + "'");
    const std::string t = FormatUtcTimestamp(issues[i]->created_ms);
    created.push_back("'" + t + "'");
    created.push_back("'" + t.substr(0, 10) + "'");
    if (issues[i]->due_day != jirasim::kNone)
      due.push_back("'" + FormatUtcTimestamp(issues[i]->due_day * 86400000).substr(0, 10) + "'");
  }
  auto list = [&](const std::vector<std::string>& v) {
    std::string out;
    for (int n = 1 + static_cast<int>(rng() % 3); n > 0; --n) out += (out.empty() ? "" : ", ") + pick(v);
    return "(" + out + ")";
  };
  const char* ops[] = {"=", "<", "<=", ">", ">="};
  auto atom = [&]() -> std::string {
    switch (rng() % 14) {
      case 0:
        return "ProjectKey = " + pick(projects);
      case 1:
        return "ProjectId IN " + list(projects);
      case 2:
        return "StatusName IN " + list(statuses);
      case 3:
        return "IssueTypeName = " + pick(types);
      case 4:
        return "PriorityName IN " + list(priorities);
      case 5:
        return rng() % 2 ? "ResolutionName IS NULL" : "ResolutionName IS NOT NULL";
      case 6:
        return rng() % 3 ? "AssigneeAccountId = " + pick(accounts) : "AssigneeAccountId IS NULL";
      case 7:
        return "ReporterAccountId IN " + list(accounts);
      case 8:
        return "Id " + std::string(ops[rng() % 5]) + " " + std::to_string(issues[rng() % issues.size()]->id) +
               (rng() % 3 == 0 ? ".5" : "");
      case 9:
        return "Key IN " + list(keys);
      case 10:
        return "Created " + std::string(ops[rng() % 5]) + " " + pick(created);
      case 11:
        return due.empty() ? "1" : "DueDate " + std::string(ops[rng() % 5]) + " " + pick(due);
      case 12:
        return "Updated " + std::string(ops[rng() % 5]) + " " + pick(created);
      default:
        return "StatusCategory = " + pick({"'Done'", "'To Do'", "'In Progress'"});
    }
  };
  int pushed_count = 0;
  const int kPredicates = 400;
  for (int i = 0; i < kPredicates; ++i) {
    std::string where = atom();
    for (int n = static_cast<int>(rng() % 3); n > 0; --n) where += (rng() % 5 == 0 ? " OR " : " AND ") + atom();
    const std::string sql = "SELECT Id FROM Issues WHERE " + where + " ORDER BY Id";
    std::string e1, e2;
    auto want = plain.Query("SELECT Id FROM local WHERE " + where + " ORDER BY Id", &e1);
    auto got = pushed.Query(sql, &e2);
    ASSERT_EQ(e1, "") << sql;
    ASSERT_EQ(e2, "") << sql;
    EXPECT_EQ(got, want) << sql << "\n  JQL: " << pushed.LastScan().jql;
    pushed_count += pushed.LastScan().jql != "project IS NOT EMPTY" && !pushed.LastScan().jql.empty();
  }
  EXPECT_GT(pushed_count, kPredicates / 2);
  // Spot-check the local copy against unpushed scans.
  for (const char* where : {"ProjectKey = 'ALPHA' OR StatusName = 'Done'", "Created >= '2025-06-01'"}) {
    EXPECT_EQ(plain.Query(std::string("SELECT Id FROM Issues WHERE ") + where + " ORDER BY Id"),
              plain.Query(std::string("SELECT Id FROM local WHERE ") + where + " ORDER BY Id"));
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, SqlTest, ::testing::Values(Mode{"Cloud", false}, Mode{"DataCenter", true}),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace jirasql
