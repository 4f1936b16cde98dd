// Faults and hostile answers, end to end: SQL scans of a 20,000-issue
// jirasim site while jirasim refuses, fails, drops and delays requests at
// random, and answers that are not what Jira sends. A scan returns every
// issue exactly once or fails with an error that says what went wrong;
// never a shorter result presented as complete, never an endless loop.

#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "common/base64.h"
#include "http/curl_transport.h"
#include "sim/model.h"
#include "sim/server.h"
#include "sql_db.h"

namespace jirasql {
namespace {

using json = nlohmann::json;
using namespace testing_sql;

class FaultTest : public SimModesTest<FaultTest> {
 public:
  static jirasim::GenerateOptions Data() {
    jirasim::GenerateOptions d;
    d.issues = 20000;
    d.projects = 4;
    d.users = 6;
    d.seed = 29;
    return d;
  }

 protected:
  void TearDown() override { ClearFaults(sim().base_url()); }

  std::string base() { return sim().base_url(); }
  // The search path of this mode: the first page and Data Center's pages,
  // Cloud's id pages; Cloud's other pages come from bulkfetch.
  std::string search() { return dc() ? "/rest/api/2/search$" : "/rest/api/3/search/jql$"; }

  // The ids of the generated issues that exist, sorted.
  std::vector<int64_t> GeneratedIds() {
    std::vector<int64_t> ids;
    for (const auto& is : sim().world().sites[0].issues) {
      if (!is.deleted) ids.push_back(is.id);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }
};

// Adds faults so that, of all API requests, about `p` of them meet each: the
// first fault that matches and wins its roll applies, so each later
// probability is conditional on the earlier ones missing.
void AddMix(const std::string& base, const std::vector<std::pair<double, json>>& mix) {
  double left = 1.0;
  for (const auto& [p, fault] : mix) {
    json f = fault;
    f["path"] = "/rest/";
    f["probability"] = p / left;
    AddFault(base, f);
    left -= p;
  }
}

// The issue's scan under chaos: 5% 429 with Retry-After 1, 1% 500, 1% 503,
// 1% connections cut mid-answer, 2% 300 ms and 0.5% 1.5 s latency spikes.
TEST_P(FaultTest, ScansUnderChaosReturnEveryIssueExactlyOnce) {
  const auto want = GeneratedIds();
  ASSERT_EQ(want.size(), 20000u - static_cast<std::size_t>(std::count_if(
                                      sim().world().sites[0].issues.begin(), sim().world().sites[0].issues.end(),
                                      [](const jirasim::Issue& i) { return i.deleted; })));
#ifdef JIRASQL_SANITIZED_BUILD
  // Its time is Retry-After waits, not code: the sanitizers see the parallel
  // scan's (the sequential one runs in the Release build).
  const std::vector<int> thread_counts = {4};
#else
  const std::vector<int> thread_counts = {1, 4};
#endif
  for (int threads : thread_counts) {
    ResetSim(base());
    AddMix(base(), {{0.05, {{"status", 429}, {"retryAfter", 1}, {"reason", "jira-quota-global-based"}}},
                    {0.01, {{"status", 500}}},
                    {0.01, {{"status", 503}}},
                    {0.01, {{"drop", true}}},
                    {0.02, {{"latencyMs", 300}}},
                    {0.005, {{"latencyMs", 1500}}}});
    auto db = OpenDb(Connect(), "MaxThreads=" + std::to_string(threads) + ";Timeout=30");
    std::string error;
    auto rows = db.Query("SELECT Id, Key, Summary FROM Issues", &error);
    EXPECT_EQ(error, "") << "MaxThreads=" << threads;
    std::vector<int64_t> got;
    for (const auto& r : rows) got.push_back(std::stoll(r[0]));
    std::sort(got.begin(), got.end());
    EXPECT_EQ(std::adjacent_find(got.begin(), got.end()), got.end()) << "an issue came twice";
    EXPECT_EQ(got, want) << "MaxThreads=" << threads;

    // Every kind of fault happened (jirasim counts its hits).
    auto counters = Counters(base());
    std::vector<int64_t> hits;
    int64_t total = 0;
    for (const auto& f : counters["faults"]) hits.push_back(f["hits"].get<int64_t>());
    for (const auto& [k, v] : counters["requests"].items()) {
      if (k.find("/rest/") != std::string::npos) total += v.get<int64_t>();
    }
    ASSERT_EQ(hits.size(), 6u);
    EXPECT_GT(hits[0], 0) << "no 429";
    EXPECT_GT(hits[1] + hits[2] + hits[3], 0) << "no 5xx or dropped connection";
    // Figures for docs/security.md.
    std::cout << "[chaos] " << GetParam().name << " MaxThreads=" << threads << ": " << got.size() << " issues, "
              << total << " requests, " << hits[0] << " x 429, " << hits[1] << " x 500, " << hits[2] << " x 503, "
              << hits[3] << " dropped, " << hits[4] + hits[5] << " latency spikes\n";
  }
}

// A page that fails every time: an SQL error naming the request and what
// Jira said, after the retries; never the rows before it as a whole result.
TEST_P(FaultTest, APageThatAlwaysFailsIsAnError) {
  for (int threads : {1, 4}) {
    for (const json& fault : {json{{"status", 500}}, json{{"drop", true}}, json{{"status", 503}}}) {
      auto db = OpenDb(Connect(), "MaxThreads=" + std::to_string(threads));
      sqlite3_stmt* st = nullptr;
      ASSERT_EQ(sqlite3_prepare_v2(db.engine->db(), "SELECT Id, Summary FROM Issues", -1, &st, nullptr), SQLITE_OK);
      int rows = 0, rc;
      while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        // After the first page, every further page fails.
        if (++rows == 1) {
          json f = fault;
          f["path"] = dc() ? "/search$" : (threads > 1 ? "/bulkfetch$" : "/search/jql$");
          AddFault(base(), f);
        }
      }
      const std::string error = sqlite3_errmsg(db.engine->db());
      sqlite3_finalize(st);
      ClearFaults(base());
      EXPECT_EQ(rc, SQLITE_ERROR) << fault.dump() << " rows=" << rows;
      EXPECT_LT(rows, 20000);
      EXPECT_NE(error.find("POST "), std::string::npos) << error;
      if (fault.contains("status")) {
        EXPECT_NE(error.find("HTTP " + std::to_string(fault["status"].get<int>())), std::string::npos) << error;
      }
    }
  }
}

// Answers that are not what Jira sends, each in place of the first search
// page: a clear error, no crash, no loop.
TEST_P(FaultTest, HostileAnswersAreClearErrors) {
  const std::string big(8 << 20, 'x');  // an 8 MiB summary
  struct Case {
    const char* name;
    std::string body;
    const char* expect;  // a phrase of the error
  };
  const std::vector<Case> cases = {
      {"truncated", R"({"issues":[{"id":"10001","key":"ALPHA-1","fields":{"summary":"a)", "not JSON"},
      {"not an object", R"(["issues"])", "no \"issues\" array"},
      {"html", "<html><body>Service unavailable</body></html>", "not JSON"},
      {"empty", "", "not JSON"},
      {"issues not an array", R"({"issues":"none","isLast":true,"total":1})", "no \"issues\" array"},
      {"no issues member", R"({"isLast":true,"total":0,"startAt":0})", "no \"issues\" array"},
      {"id of the wrong type", R"({"issues":[{"id":{"n":1},"key":"ALPHA-1","fields":{}}],"isLast":true,"total":1})",
       "neither text nor a number"},
      {"id not a number", R"({"issues":[{"id":"ten","key":"ALPHA-1","fields":{}}],"isLast":true,"total":1})",
       "not a Jira issue id"},
      {"id too large",
       R"({"issues":[{"id":"99999999999999999999999","key":"A-1","fields":{}}],"isLast":true,"total":1})",
       "not a Jira issue id"},
      {"issue not an object", R"({"issues":[17],"isLast":true,"total":1})", "issue 1 of the page is not a JSON object"},
      {"fields of the wrong type", R"({"issues":[{"id":"1","key":"A-1","fields":[]}],"isLast":true,"total":1})",
       "\"fields\" that are not a JSON object"},
      {"deeply nested", std::string(100000, '['), "JSON"},
      {"a field of the wrong type",
       R"({"issues":[{"id":"10001","key":"ALPHA-1","fields":{"summary":{"text":"x"}}}],"isLast":true,"total":1})",
       "Issues.Summary of row ALPHA-1: Jira sent {\"text\":\"x\"} where text belongs"},
  };
  for (const auto& c : cases) {
    ClearFaults(base());
    AddFault(base(), {{"path", search()}, {"body", c.body}});
    auto db = OpenDb(Connect(), "MaxThreads=1");
    std::string error;
    db.Query("SELECT Id, Key, Summary FROM Issues", &error);
    EXPECT_NE(error, "") << c.name;
    EXPECT_NE(error.find(c.expect), std::string::npos) << c.name << ": " << error;
    EXPECT_LT(error.size(), 2000u) << c.name << ": the error quotes too much";
  }

  // An enormous but valid value is read whole.
  ClearFaults(base());
  json page{{"issues", {{{"id", "10001"}, {"key", "ALPHA-1"}, {"fields", {{"summary", big}}}}}},
            {"isLast", true},
            {"total", 1},
            {"startAt", 0},
            {"maxResults", 50}};
  AddFault(base(), {{"path", search()}, {"body", page.dump()}});
  auto db = OpenDb(Connect(), "MaxThreads=1");
  EXPECT_EQ(db.One("SELECT length(Summary) FROM Issues"), std::to_string(big.size()));
}

// GET /worklog/deleted pages that would loop forever or hide the end.
TEST_P(FaultTest, DeletedWorklogPagesThatDoNotMoveOnOrHideTheirEndAreErrors) {
  const std::string path = std::string("/rest/api/") + (dc() ? "2" : "3") + "/worklog/deleted";
  const json item{{"worklogId", 1}, {"updatedTime", 5000}, {"properties", json::array()}};
  const std::vector<std::pair<json, std::string>> cases = {
      {json{{"values", {item}},
            {"since", 5000},
            {"until", 5000},
            {"lastPage", false},
            {"nextPage", "http://127.0.0.1/rest/api/3/worklog/deleted?since=5000"}},
       "does not start after this one"},
      {json{{"values", {item}}, {"since", 0}, {"until", 5000}}, "lastPage"},
      {json{{"values", "none"}, {"lastPage", true}}, "expected a JSON array in \"values\""},
  };
  for (const auto& [body, expect] : cases) {
    ClearFaults(base());
    AddFault(base(), {{"path", path}, {"body", body.dump()}});
    auto db = OpenDb(Connect());
    std::string error;
    auto rows = db.Query("SELECT * FROM WorklogsDeleted WHERE Deleted >= '1970-01-01T00:00:06'", &error);
    EXPECT_TRUE(rows.empty());
    EXPECT_NE(error.find(expect), std::string::npos) << error;
  }
  ClearFaults(base());
}

// Answers of issue 15's tables that Jira would never give: each an error
// naming what is wrong, never a shorter table.
TEST_P(FaultTest, MalformedBoardSprintEpicRoleAndGroupAnswersAreErrors) {
  const std::string api = dc() ? "/rest/api/2" : "/rest/api/3";
  struct Case {
    std::string path, body, sql, expect;
  };
  std::vector<Case> cases = {
      // A board configuration without columns.
      {"/rest/agile/1.0/board/1/configuration$", json{{"id", 1}, {"name", "x"}}.dump(),
       "SELECT * FROM BoardConfiguration WHERE BoardId = 1", "expected the board's columns in columnConfig.columns"},
      // A sprint said to be active, without its start.
      {"/rest/agile/1.0/sprint/3$", json{{"id", 3}, {"state", "active"}, {"name", "S"}, {"originBoardId", 1}}.dump(),
       "SELECT * FROM SprintReport WHERE SprintId = 3", "sprint 3 is active but Jira gave no startDate"},
      // The children of the epics, without the field they were found by.
      {api + (dc() ? "/search$" : "/search/jql$"),
       json{{"issues", {json{{"id", "10001"}, {"key", "ALPHA-1"}, {"fields", json::object()}}}},
            {"total", 1},
            {"startAt", 0},
            {"maxResults", 100},
            {"isLast", true}}
           .dump(),
       "SELECT Key, ChildCount FROM Epics", "of the search for the epics' children came without its"},
  };
  if (dc()) {
    // Data Center's role map: names to URLs; a role without one, or no map at all.
    cases.push_back({"/rest/api/2/project/[^/]+/role$", json{{"Developers", 5}}.dump(),
                     "SELECT * FROM ProjectRoles WHERE ProjectKey = 'ALPHA'", "the role Developers has no URL"});
    cases.push_back({"/rest/api/2/project/[^/]+/role$", json::array({"a"}).dump(),
                     "SELECT * FROM ProjectRoles WHERE ProjectKey = 'ALPHA'", "expected a JSON object of role URLs"});
    // A group picker that ignores exclude= and always says more match: it
    // ends, when asking past the groups seen would need too long a URL.
    cases.push_back({"/rest/api/2/groups/picker",
                     json{{"groups", {json{{"name", std::string(900, 'g')}}}}, {"total", 100000}}.dump(),
                     "SELECT count(*) FROM Groups", "needs a URL longer than"});
  }
  for (const auto& c : cases) {
    ClearFaults(base());
    AddFault(base(), {{"path", c.path}, {"body", c.body}});
    auto db = OpenDb(Connect());
    std::string error;
    auto rows = db.Query(c.sql, &error);
    EXPECT_NE(error.find(c.expect), std::string::npos) << c.sql << ": " << error;
  }
  ClearFaults(base());
}

// Pages that would make a naive client loop forever or stop early.
TEST_P(FaultTest, PagingThatNeverEndsIsAnError) {
  json issue{{"id", "10001"}, {"key", "ALPHA-1"}, {"fields", json::object()}};
  if (dc()) {
    // Data Center: a total that is never reached, pages that come back
    // empty.
    AddFault(base(),
             {{"path", search()},
              {"body", json{{"issues", json::array()}, {"total", 500}, {"startAt", 0}, {"maxResults", 50}}.dump()}});
  } else {
    // Cloud: empty pages with the same nextPageToken again and again.
    AddFault(base(), {{"path", search()},
                      {"body", json{{"issues", json::array()}, {"nextPageToken", "same"}, {"isLast", false}}.dump()}});
  }
  auto db = OpenDb(Connect(), "MaxThreads=1");
  std::string error;
  db.Query("SELECT Id FROM Issues", &error);
  EXPECT_NE(error.find(dc() ? "reported 500" : "nextPageToken it had sent before"), std::string::npos) << error;

  // Full pages that never change, whatever the paging says: Data Center
  // with a total it never reaches, Cloud with a new token each time
  // (jirasim sends the same body, so here: no isLast, the same token — read
  // as "more pages follow", never as the end).
  ClearFaults(base());
  json same = dc() ? json{{"issues", {issue}}, {"total", int64_t{1} << 60}, {"startAt", 0}, {"maxResults", 1}}
                   : json{{"issues", {issue}}, {"nextPageToken", "t1"}};
  AddFault(base(), {{"path", search()}, {"body", same.dump()}});
  for (const char* threads : {"MaxThreads=1", "MaxThreads=4"}) {
    auto db3 = OpenDb(Connect(), threads);
    db3.Query("SELECT Id FROM Issues", &error);
    EXPECT_NE(error.find("the same page of issues twice"), std::string::npos) << threads << ": " << error;
  }

  if (dc()) {
    // A page for another startAt than the one asked.
    ClearFaults(base());
    AddFault(base(), {{"path", search()},
                      {"body", json{{"issues", {issue}}, {"total", 5}, {"startAt", 3}, {"maxResults", 1}}.dump()}});
    for (const char* threads : {"MaxThreads=1", "MaxThreads=4"}) {
      auto db4 = OpenDb(Connect(), threads);
      db4.Query("SELECT Id FROM Issues", &error);
      EXPECT_NE(error.find("answered the request for startAt=0 with the page at startAt=3"), std::string::npos)
          << threads << ": " << error;
    }
  }
  if (!dc()) {
    // isLast=false with no token.
    ClearFaults(base());
    AddFault(base(), {{"path", search()}, {"body", json{{"issues", {issue}}, {"isLast", false}}.dump()}});
    auto db2 = OpenDb(Connect(), "MaxThreads=1");
    db2.Query("SELECT Id FROM Issues", &error);
    EXPECT_NE(error.find("sent no nextPageToken"), std::string::npos) << error;
  }
}

// Every list Jira pages by startAt, answered by a server that ignores
// paging: the same page again and again with isLast=false and a total it
// has long passed. Each scan stops at the second page with an error that
// says so — no loop, no row twice, whatever LIMIT or MaxRows say.
TEST_P(FaultTest, EveryStartAtListStopsWhenTheServerIgnoresPaging) {
  const std::string api = dc() ? "/rest/api/2" : "/rest/api/3";
  std::string key;  // an issue with at least two comments and worklogs
  for (const auto& is : sim().world().sites[0].issues) {
    if (!is.deleted && is.comment_count >= 2 && is.worklog_count >= 2 && key.empty()) {
      key = sim().world().sites[0].projects[static_cast<std::size_t>(is.project)].key + "-" + std::to_string(is.number);
    }
  }
  ASSERT_FALSE(key.empty());
  // A real answer of jirasim for `path`, to copy items from.
  auto real = [&](const std::string& path) {
    auto http = CurlTransport::Create(CurlOptions{}, nullptr);
    const json& user = info()["users"][0];
    const std::string auth =
        dc() ? "Bearer " + user["pat"].get<std::string>()
             : "Basic " + Base64Encode(user["email"].get<std::string>() + ":" + user["apiToken"].get<std::string>());
    auto r = (*http)->Send(HttpRequest{"GET", sim().site_url(0) + path, {{"Authorization", auth}}, "", std::nullopt});
    EXPECT_TRUE(r && r->ok()) << path << ": " << (r ? r->body : r.error().message);
    return r && r->ok() ? json::parse(r->body) : json();
  };
  // The same page for ever: two items of the real answer under `member`.
  auto endless = [&](const std::string& path, const std::string& member) {
    json page = real(path);
    json items = page[member];
    if (items.size() > 2) items.erase(items.begin() + 2, items.end());
    EXPECT_FALSE(items.empty()) << path;
    return json{{member, items}, {"startAt", 0}, {"maxResults", 50}, {"total", 7}, {"isLast", false}}.dump();
  };
  struct Case {
    std::string name, fault_path, body, sql, noun;
    std::string search_body = "";  ///< the issue search's answer instead of jirasim's (the lists it embeds)
  };
  // The issue search's answer for `key` alone, its `field` embedding one of 7 `list` items: the rest is
  // read from the issue's own list.
  auto embedding_one = [&](const std::string& field, const std::string& list) {
    json page = real(api + "/issue/" + key + "/" + field);
    json issue{
        {"id", std::to_string(
                   sim().world().sites[0].issues[static_cast<std::size_t>(sim().world().sites[0].FindIssue(key))].id)},
        {"key", key},
        {"fields", {{field, {{list, json::array({page[list][0]})}, {"startAt", 0}, {"maxResults", 1}, {"total", 7}}}}}};
    return dc() ? json{{"issues", {issue}}, {"startAt", 0}, {"maxResults", 50}, {"total", 1}}.dump()
                : json{{"issues", {issue}}, {"isLast", true}}.dump();
  };
  std::vector<Case> cases = {
      {"Boards", "/agile/1.0/board$", endless("/rest/agile/1.0/board", "values"), "SELECT * FROM Boards", "boards"},
      {"Sprints", "/board/[0-9]+/sprint$", endless("/rest/agile/1.0/board/1/sprint", "values"), "SELECT * FROM Sprints",
       "sprints"},
      {"Sprints of a board", "/board/[0-9]+/sprint$", endless("/rest/agile/1.0/board/1/sprint", "values"),
       "SELECT * FROM Sprints WHERE BoardId = 1", "sprints"},
      {"Sprints of boards", "/board/[0-9]+/sprint$", endless("/rest/agile/1.0/board/1/sprint", "values"),
       "SELECT * FROM Sprints WHERE BoardId IN (1, 2)", "sprints"},
      {"Sprints joined", "/board/[0-9]+/sprint$", endless("/rest/agile/1.0/board/1/sprint", "values"),
       "SELECT b.Name, s.Name FROM Boards b JOIN Sprints s ON s.BoardId = b.Id", "sprints"},
      {"SprintIssues", "/sprint/[0-9]+/issue$", endless("/rest/agile/1.0/sprint/1/issue", "issues"),
       "SELECT * FROM SprintIssues WHERE SprintId = 1", "issues"},
      {"Comments", "/comment$", endless(api + "/issue/" + key + "/comment", "comments"),
       "SELECT * FROM Comments WHERE IssueKey = '" + key + "'", "comments", embedding_one("comment", "comments")},
      {"Worklogs", "/worklog$", endless(api + "/issue/" + key + "/worklog", "worklogs"),
       "SELECT * FROM Worklogs WHERE IssueKey = '" + key + "'", "worklogs", embedding_one("worklog", "worklogs")},
  };
  if (!dc()) {  // Data Center serves these in one answer, unpaged
    cases.push_back({"Projects", "/project/search$", endless(api + "/project/search", "values"),
                     "SELECT * FROM Projects", "projects"});
    // The changelogs in bulk: the same page, with a new token each time.
    json histories = real(api + "/issue/" + key + "/changelog")["values"];
    const json same{
        {"issueChangeLogs",
         {{{"issueId",
            std::to_string(
                sim().world().sites[0].issues[static_cast<std::size_t>(sim().world().sites[0].FindIssue(key))].id)},
           {"changeHistories", histories}}}},
        {"nextPageToken", "again"}};
    cases.push_back({"IssueChangelogs", "/changelog/bulkfetch$", same.dump(),
                     "SELECT * FROM IssueChangelogs WHERE IssueKey = '" + key + "'", "issues"});
  }
  // Users: a bare array, which ends at a short page; a full page for ever.
  {
    json users = real(dc() ? api + "/user/search?username=." : api + "/users/search");
    json page = json::array();
    for (int i = 0; i < 100; ++i) {
      json u = users[static_cast<std::size_t>(i) % users.size()];
      for (const char* k : {"accountId", "key", "name", "displayName"}) {
        if (u.contains(k)) u[k] = "u-" + std::to_string(i);
      }
      page.push_back(u);
    }
    cases.push_back({"Users", dc() ? "/user/search$" : "/users/search$", page.dump(), "SELECT * FROM Users", "users"});
  }
  for (const auto& c : cases) {
    for (const std::string tail : {"", " LIMIT 20"}) {
      for (const std::string extra : {"", "MaxRows=100"}) {
        // (A first page of 100 users answers LIMIT 20 and MaxRows=100 whole.)
        if (c.name == "Users" && (!tail.empty() || !extra.empty())) continue;
        ResetSim(base());
        AddFault(base(), {{"path", c.fault_path}, {"body", c.body}});
        if (!c.search_body.empty()) AddFault(base(), {{"path", search()}, {"body", c.search_body}});
        auto db = OpenDb(Connect(), extra);
        std::string error;
        auto rows = db.Query(c.sql + tail, &error);
        const std::string what = c.name + tail + " " + extra;
        EXPECT_NE(error.find("the same page of " + c.noun + " twice"), std::string::npos) << what << ": " << error;
        // The first page's rows came before the error, each once.
        std::set<std::vector<std::string>> distinct(rows.begin(), rows.end());
        EXPECT_EQ(distinct.size(), rows.size()) << what << ": a row came twice";
        EXPECT_LE(rows.size(), c.name == "Users" ? 100u : 4u) << what;
        // It stopped at once: the fault answered two requests (per parent
        // at most, for Sprints of two boards).
        auto counters = Counters(base());
        ASSERT_FALSE(counters["faults"].empty());
        EXPECT_LE(counters["faults"][0]["hits"].get<int64_t>(), 2) << what;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, FaultTest, ::testing::Values(Mode{"Cloud", false}, Mode{"DataCenter", true}),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace jirasql
