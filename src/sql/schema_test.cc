#include "sql/schema.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "common/strings.h"
#include "jira/page_decoder.h"
#include "sql/scan.h"

namespace jirasql {
namespace {

using json = nlohmann::json;

SqlValue Get(const TableDef& t, const char* column, const json& item) {
  int i = t.ColumnIndex(column);
  EXPECT_GE(i, 0) << column;
  return t.columns[static_cast<std::size_t>(i)].get(RowContext{item, nullptr, 3});
}

TEST(Schema, EverySpecTableExistsWithUniqueColumns) {
  for (const char* name :
       {"Issues", "Projects", "Users", "Comments", "Worklogs", "IssueChangelogs", "Fields", "IssueTypes", "Statuses",
        "Priorities", "Resolutions", "Boards", "Sprints", "SprintIssues", "sys_tables", "sys_tablecolumns",
        "sys_procedures", "sys_procedureparameters", "sys_connection_props"}) {
    const TableDef* t = FindBaseTable(name);
    ASSERT_NE(t, nullptr) << name;
    std::set<std::string> seen;
    for (const auto& c : t->columns) {
      EXPECT_TRUE(seen.insert(ToLower(c.name)).second) << name << "." << c.name;
      EXPECT_TRUE(c.get) << name << "." << c.name;
      EXPECT_FALSE(c.description.empty()) << name << "." << c.name;
    }
  }
  const TableDef* issues = FindBaseTable("issues");
  for (const char* c : {"Id",
                        "Key",
                        "Summary",
                        "Description",
                        "IssueTypeName",
                        "ProjectId",
                        "ProjectKey",
                        "StatusName",
                        "StatusCategory",
                        "PriorityName",
                        "ResolutionName",
                        "AssigneeAccountId",
                        "AssigneeDisplayName",
                        "ReporterAccountId",
                        "Created",
                        "Updated",
                        "ResolutionDate",
                        "DueDate",
                        "Labels",
                        "ParentKey",
                        "OriginalEstimateSeconds",
                        "TimeSpentSeconds",
                        "Jql"}) {
    EXPECT_GE(issues->ColumnIndex(c), 0) << c;
  }
  EXPECT_TRUE(issues->columns[static_cast<std::size_t>(issues->ColumnIndex("Jql"))].hidden);
  EXPECT_TRUE(issues->columns[static_cast<std::size_t>(issues->ColumnIndex("DescriptionAdf"))].hidden);
}

TEST(Schema, IssueValuesAreTyped) {
  const TableDef& t = *FindBaseTable("Issues");
  json issue = json::parse(R"({"id":"10042","key":"ABC-7","fields":{
    "summary":"Fix it","created":"2024-05-01T18:30:15.250+1000","duedate":"2024-06-01",
    "labels":["backend","urgent"],"components":[{"name":"API"},{"name":"Web"}],
    "issuetype":{"name":"Bug","subtask":false},"status":{"name":"Done","statusCategory":{"name":"Done"}},
    "assignee":{"accountId":"abc","displayName":"Ann"},"reporter":{"name":"dcuser","displayName":"Dee"},
    "resolution":null,"timespent":3600,
    "description":{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"Hello"}]}]}}})");
  EXPECT_EQ(Get(t, "Id", issue), SqlValue(int64_t{10042}));
  EXPECT_EQ(Get(t, "Key", issue), SqlValue(std::string("ABC-7")));
  EXPECT_EQ(Get(t, "Created", issue), SqlValue(std::string("2024-05-01T08:30:15.250Z")));
  EXPECT_EQ(Get(t, "DueDate", issue), SqlValue(std::string("2024-06-01")));
  EXPECT_EQ(Get(t, "Labels", issue), SqlValue(std::string("[\"backend\",\"urgent\"]")));
  EXPECT_EQ(Get(t, "Components", issue), SqlValue(std::string("[\"API\",\"Web\"]")));
  EXPECT_EQ(Get(t, "IsSubtask", issue), SqlValue(int64_t{0}));
  EXPECT_EQ(Get(t, "AssigneeAccountId", issue), SqlValue(std::string("abc")));
  EXPECT_EQ(Get(t, "ReporterAccountId", issue), SqlValue(std::string("dcuser")));  // Data Center: user name
  EXPECT_TRUE(IsNull(Get(t, "ResolutionName", issue)));
  EXPECT_TRUE(IsNull(Get(t, "ParentKey", issue)));
  EXPECT_EQ(Get(t, "TimeSpentSeconds", issue), SqlValue(int64_t{3600}));
  EXPECT_EQ(Get(t, "Description", issue), SqlValue(std::string("Hello")));
  auto raw = Get(t, "DescriptionAdf", issue);
  ASSERT_TRUE(std::holds_alternative<std::string>(raw));
  EXPECT_EQ(json::parse(std::get<std::string>(raw))["type"], "doc");
  // Data Center's plain-text description is kept as it is; there is no ADF.
  json dc = {{"fields", {{"description", "plain *wiki*"}}}};
  EXPECT_EQ(Get(t, "Description", dc), SqlValue(std::string("plain *wiki*")));
  EXPECT_TRUE(IsNull(Get(t, "DescriptionAdf", dc)));
}

// A value Jira would never send for a column is an error, not a NULL or a
// JSON dump in its place (the scan names table, column and row).
TEST(Schema, ValuesOfTheWrongTypeAreErrors) {
  const TableDef& t = *FindBaseTable("Issues");
  auto bad = [&](const char* col, json fields) -> std::string {
    try {
      Get(t, col, json{{"id", "1"}, {"fields", fields}});
    } catch (const BadValue& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_EQ(bad("Created", {{"created", "yesterday"}}), "Jira sent \"yesterday\" where a timestamp belongs");
  EXPECT_NE(bad("Created", {{"created", 5}}), "");
  EXPECT_NE(bad("Summary", {{"summary", json::array({1})}}).find("where text belongs"), std::string::npos);
  EXPECT_NE(bad("StatusName", {{"status", "Open"}}).find("where a JSON object belongs"), std::string::npos);
  EXPECT_NE(bad("AssigneeAccountId", {{"assignee", 7}}).find("a user"), std::string::npos);
  EXPECT_NE(bad("Labels", {{"labels", "a,b"}}).find("a JSON array"), std::string::npos);
  EXPECT_LT(bad("Summary", {{"summary", {{"x", std::string(5000, 'y')}}}}).size(), 120u);  // quotes a little
  // Missing and null are NULL, not errors; numbers as text are read.
  EXPECT_TRUE(IsNull(Get(t, "Created", json{{"fields", {{"created", nullptr}}}})));
  EXPECT_TRUE(IsNull(Get(t, "StatusName", json{{"fields", json::object()}})));
  EXPECT_EQ(Get(t, "Id", json{{"id", "10001"}}), SqlValue(int64_t{10001}));
}

TEST(Schema, CustomFieldsNamedTypedAndMadeUnique) {
  json fields = json::parse(R"([
    {"id":"summary","name":"Summary","custom":false},
    {"id":"customfield_1","name":"Story Points","custom":true,"schema":{"type":"number"}},
    {"id":"customfield_2","name":"Team","custom":true,"schema":{"type":"option"}},
    {"id":"customfield_3","name":"Team","custom":true,"schema":{"type":"string"}},
    {"id":"customfield_4","name":"Summary","custom":true,"schema":{"type":"string"}},
    {"id":"customfield_5","name":"Areas","custom":true,"schema":{"type":"array","items":"option"}},
    {"id":"customfield_6","name":"Kickoff","custom":true,"schema":{"type":"datetime"}}])");
  auto custom = CustomFieldsFromFieldList(fields);
  ASSERT_EQ(custom.size(), 6u);
  TableDef t = IssuesWithCustomFields(custom, true);
  EXPECT_GE(t.ColumnIndex("Story Points"), 0);
  EXPECT_EQ(t.ColumnIndex("Team"), -1);
  EXPECT_GE(t.ColumnIndex("Team (customfield_2)"), 0);
  EXPECT_GE(t.ColumnIndex("Team (customfield_3)"), 0);
  EXPECT_GE(t.ColumnIndex("Summary (customfield_4)"), 0);
  EXPECT_EQ(t.columns[static_cast<std::size_t>(t.ColumnIndex("Story Points"))].type, SqlType::kReal);
  EXPECT_EQ(t.columns[static_cast<std::size_t>(t.ColumnIndex("Story Points"))].jira_field, "customfield_1");
  json issue = json::parse(R"({"fields":{"customfield_1":3.5,"customfield_2":{"value":"Platform"},
      "customfield_5":[{"value":"API"},{"value":"UI"}],"customfield_6":"2024-05-01T00:00:00.000-0800"}})");
  EXPECT_EQ(Get(t, "Story Points", issue), SqlValue(3.5));
  EXPECT_EQ(Get(t, "Team (customfield_2)", issue), SqlValue(std::string("Platform")));
  EXPECT_EQ(Get(t, "Areas", issue), SqlValue(std::string("[\"API\",\"UI\"]")));
  EXPECT_EQ(Get(t, "Kickoff", issue), SqlValue(std::string("2024-05-01T08:00:00.000Z")));
  EXPECT_TRUE(IsNull(Get(t, "Team (customfield_3)", issue)));
  TableDef by_id = IssuesWithCustomFields(custom, false);
  EXPECT_GE(by_id.ColumnIndex("customfield_2"), 0);
}

TEST(Schema, DocsReferenceIsGeneratedFromTheSchema) {
  std::string md = SchemaReferenceMarkdown();
  for (const auto& t : BaseTables()) {
    EXPECT_NE(md.find("### " + t.name + "\n"), std::string::npos) << t.name;
    for (const auto& c : t.columns) EXPECT_NE(md.find("| `" + c.name + "`"), std::string::npos) << c.name;
  }
#ifdef JIRASQL_SOURCE_DIR
  // docs/sql.md holds the reference verbatim: regenerate it with
  // `jirasql schema --markdown` when this fails.
  std::ifstream in(std::string(JIRASQL_SOURCE_DIR) + "/docs/sql.md");
  std::stringstream doc;
  doc << in.rdbuf();
  EXPECT_NE(doc.str().find(md), std::string::npos)
      << "docs/sql.md is out of date: replace its table reference with the output of `jirasql schema --markdown`";
#endif
}

// The Issues scan reads its columns straight from the page (StraightPlan)
// where the column's reader has a straight read: every value must be the
// one the reader of the kept JSON gives, and where the straight read cannot
// say the same (a number it would print, an unsigned 64-bit number, a value
// the reader refuses) the issue is kept as JSON, so the reader decides —
// its error included. Issues of every shape Jira sends, and some it never
// does.
TEST(Schema, StraightReadsOfIssuesSayWhatTheJsonReadersSay) {
  const std::string page = R"({"issues":[
    {"id":"10001","key":"ABC-1","fields":{"summary":"Hi \"there\"\n\u00e9","status":{"id":"3","name":"Done",
     "statusCategory":{"name":"Done"}},"assignee":{"accountId":"a1","displayName":"Ann"},
     "reporter":{"name":"bob","displayName":"Bob"},"created":"2024-05-01T18:30:00.000+1000",
     "updated":"2024-05-02T00:00:00.000-0130","labels":["x","y"],"components":[{"id":"1","name":"UI"}],
     "issuetype":{"id":"10","name":"Bug","subtask":false},"project":{"id":"100","key":"ABC","name":"A"},
     "timespent":3600,"timeestimate":"42","timeoriginalestimate":3.7,"priority":null,"duedate":"2024-06-01"}},
    {"id":"10002","key":"ABC-2","fields":{}},
    {"id":"10003","key":"ABC-3","fields":{"summary":12,"issuetype":{"subtask":"true"},"timespent":true,
     "labels":[],"resolution":{"name":null},"status":null}},
    {"id":"10004","key":"ABC-4","fields":{"summary":1.5}},
    {"id":"10005","key":"ABC-5","fields":{"timespent":18446744073709551615}},
    {"id":"10006","key":"ABC-6","fields":{"created":"yesterday"}},
    {"id":"10007","key":"ABC-7","fields":{"status":"Done"}},
    {"id":"10008","key":"ABC-8","fields":{"summary":{"text":"x"}}},
    {"id":"10009","key":"ABC-9","fields":{"labels":["a",{"name":"b"},{"id":3},null]}},
    {"id":"10010","key":"ABC-10","fields":{"assignee":"ann"}},
    {"id":"10011","key":"ABC-11","fields":{"timespent":"lots","issuetype":{"subtask":1}}}
  ]})";
  const TableDef* issues = FindBaseTable("Issues");
  ASSERT_NE(issues, nullptr);
  const std::vector<bool> all(issues->columns.size(), true);
  auto straight = KeepStraight(*issues, all);
  auto plain = KeepFor(*issues, all);
  ASSERT_TRUE(straight && plain);
  ASSERT_TRUE(straight->straight);
  const std::vector<int> slots = StraightSlots(*issues, all);
  const std::size_t n_straight = straight->straight->columns.size();
  EXPECT_GE(n_straight, 20u);  // the columns of a usual SELECT are read straight
  auto a = DecodeIssuePage(page, "x", straight.get());
  auto b = DecodeIssuePage(page, "x", plain.get());
  ASSERT_TRUE(a && b);
  ASSERT_EQ(a->issues.size(), b->issues.size());
  ASSERT_EQ(a->values.size(), a->issues.size());
  // What a column says of an item: its value, or its error.
  auto said = [&](std::size_t c, const json& item) -> std::string {
    try {
      SqlValue v = issues->columns[c].get(RowContext{item, nullptr, 3});
      if (IsNull(v)) return "NULL";
      if (auto* i = std::get_if<int64_t>(&v)) return "int " + std::to_string(*i);
      if (auto* d = std::get_if<double>(&v)) return "real " + std::to_string(*d);
      return "text " + std::get<std::string>(v);
    } catch (const BadValue& e) {
      return std::string("error ") + e.what();
    }
  };
  auto shown = [](const SqlValue& v) -> std::string {
    if (IsNull(v)) return "NULL";
    if (auto* i = std::get_if<int64_t>(&v)) return "int " + std::to_string(*i);
    if (auto* d = std::get_if<double>(&v)) return "real " + std::to_string(*d);
    return "text " + std::get<std::string>(v);
  };
  int straight_issues = 0, kept_issues = 0;
  for (std::size_t k = 0; k < a->issues.size(); ++k) {
    const json& want_item = b->issues[k];
    const std::string key = want_item["key"];
    if (a->values[k].empty()) {  // kept as JSON: every column reads it as the plain decode's
      ++kept_issues;
      for (std::size_t c = 0; c < issues->columns.size(); ++c) {
        EXPECT_EQ(said(c, a->issues[k]), said(c, want_item)) << key << "." << issues->columns[c].name;
      }
      continue;
    }
    ++straight_issues;
    ASSERT_EQ(a->values[k].size(), n_straight) << key;
    for (std::size_t c = 0; c < issues->columns.size(); ++c) {
      const std::string want = said(c, want_item);
      EXPECT_EQ(want.rfind("error", 0), std::string::npos)
          << key << "." << issues->columns[c].name << ": read straight, yet the reader refuses: " << want;
      const std::string got =
          slots[c] >= 0 ? shown(a->values[k][static_cast<std::size_t>(slots[c])]) : said(c, a->issues[k]);
      EXPECT_EQ(got, want) << key << "." << issues->columns[c].name;
    }
  }
  EXPECT_EQ(straight_issues, 3);  // ABC-1 to 3: Jira's shapes, text and numbers read as the reader reads them
  EXPECT_EQ(kept_issues, 8);      // ABC-4 to 11: a double or huge number printed, refused values, a list's object
}

// A list column is the JSON text nlohmann::json's dump() writes of the
// names, whatever the names hold (quotes, backslashes, control characters,
// non-ASCII), straight or from the kept JSON.
TEST(Schema, ListColumnsAreTheJsonTextOfTheNames) {
  const json names = {
      "plain",  "q\"uote", "back\\slash", "nl\n", "tab\t", std::string("ctl\x01\x1f\x7f", 6), "caf\u00e9 \u65e5",
      "/slash", ""};
  json labels = names;
  labels.push_back(nullptr);  // a null is left out
  json components = json::array();
  for (const auto& n : names) components.push_back({{"id", "1"}, {"name", n}});
  const json page = {
      {"issues", {{{"id", "1"}, {"key", "A-1"}, {"fields", {{"labels", labels}, {"components", components}}}}}}};
  const TableDef* issues = FindBaseTable("Issues");
  ASSERT_NE(issues, nullptr);
  const std::vector<bool> all(issues->columns.size(), true);
  const std::vector<int> slots = StraightSlots(*issues, all);
  auto straight = KeepStraight(*issues, all);
  auto decoded = DecodeIssuePage(page.dump(), "x", straight.get());
  ASSERT_TRUE(decoded);
  ASSERT_EQ(decoded->values.size(), 1u);
  ASSERT_FALSE(decoded->values[0].empty());  // read straight
  for (const char* column : {"Labels", "Components"}) {
    std::size_t c = 0;
    while (c < issues->columns.size() && issues->columns[c].name != column) ++c;
    ASSERT_LT(c, issues->columns.size());
    EXPECT_EQ(std::get<std::string>(issues->columns[c].get(RowContext{page["issues"][0], nullptr, 3})), names.dump())
        << column;
    ASSERT_GE(slots[c], 0) << column;
    EXPECT_EQ(std::get<std::string>(decoded->values[0][static_cast<std::size_t>(slots[c])]), names.dump()) << column;
  }
}

// Timestamps are written digit by digit: the same text as gmtime_r and
// printf, over 1970–9999, each millisecond part, and outside that range.
TEST(Schema, UtcTimestampsAreWhatGmtimeSays) {
  auto libc = [](int64_t ms) {
    int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    const time_t t = static_cast<time_t>(secs);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms - secs * 1000));
    return std::string(buf);
  };
  uint64_t x = 88172645463325252ull;  // xorshift: many instants, the same each run
  for (int i = 0; i < 20000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    const int64_t ms = static_cast<int64_t>(x % 253402300800000ull);
    ASSERT_EQ(FormatUtcTimestamp(ms), libc(ms)) << ms;
  }
  for (int64_t ms : {int64_t{0}, int64_t{999}, int64_t{951782400000}, int64_t{253402300799999},
                     int64_t{253402300800000}, int64_t{-1}, int64_t{-86400001}}) {
    EXPECT_EQ(FormatUtcTimestamp(ms), libc(ms)) << ms;
  }
}

}  // namespace
}  // namespace jirasql
