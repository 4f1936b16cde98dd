#include "jql.h"

#include <gtest/gtest.h>

#include <set>

namespace jirasim {
namespace {

constexpr int64_t kNow = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

class JqlTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    GenerateOptions o;
    o.issues = 600;
    o.projects = 3;
    o.users = 6;
    o.sites = 1;
    o.seed = 7;
    o.now_ms = kNow;
    world_ = new World(Generate(o));
  }
  static void TearDownTestSuite() { delete world_; }

  JqlContext Ctx(int user = 0) const {
    const Site& s = world_->sites[0];
    return JqlContext{*world_, s, user, world_->users[user].tz.offset_minutes, kNow};
  }
  // Runs the query; fails the test on a parse error.
  std::vector<int64_t> Run(const std::string& jql, int user = 0) {
    auto ctx = Ctx(user);
    auto q = ParseJql(jql, ctx);
    EXPECT_TRUE(q) << jql << ": " << (q ? "" : q.error().message);
    return q ? Execute(*q, ctx) : std::vector<int64_t>{};
  }
  // Indexes of issues for which `pred` holds, in id order.
  template <class Pred>
  std::vector<int64_t> Where(Pred pred) {
    std::vector<int64_t> out;
    const auto& issues = world_->sites[0].issues;
    for (std::size_t i = 0; i < issues.size(); ++i) {
      if (!issues[i].deleted && pred(issues[i])) out.push_back(static_cast<int64_t>(i));
    }
    return out;
  }
  std::string ErrorOf(const std::string& jql) {
    auto q = ParseJql(jql, Ctx());
    EXPECT_FALSE(q) << jql;
    return q ? "" : q.error().message;
  }
  static World* world_;
};
World* JqlTest::world_ = nullptr;

TEST_F(JqlTest, CascadingSelectMatchesItsParentWithAnyChildOrOneChild) {
  constexpr int kLocation = 10;
  ASSERT_EQ(world_->catalogs.custom_fields[kLocation].name, "Location");
  auto emea =
      Where([](const Issue& i) { return i.custom[kLocation] != kNone && CascadeOption(i.custom[kLocation]) == 0; });
  ASSERT_FALSE(emea.empty());
  EXPECT_EQ(Run("Location = EMEA"), emea);
  EXPECT_EQ(Run("cf[10038] = Berlin"), Where([](const Issue& i) {
              return i.custom[kLocation] != kNone && i.custom[kLocation] == CascadeValue(0, 0);
            }));
  EXPECT_EQ(Run("Location is EMPTY"), Where([](const Issue& i) { return i.custom[kLocation] == kNone; }));
  EXPECT_NE(ErrorOf("Location = Mars").find("does not exist for the field"), std::string::npos);
  // Each child among its own parent's: Sydney is APAC's.
  EXPECT_TRUE(Run("Location = EMEA AND Location = Sydney").empty());
}

TEST_F(JqlTest, EqualityAndInOnNamedFields) {
  EXPECT_EQ(Run("project = ALPHA"), Where([](const Issue& i) { return i.project == 0; }));
  EXPECT_EQ(Run("project in (alpha, \"Gamma Mobile\")"),
            Where([](const Issue& i) { return i.project == 0 || i.project == 2; }));
  EXPECT_EQ(Run("status = \"In Progress\""), Where([](const Issue& i) { return i.status == 1; }));
  EXPECT_EQ(Run("statusCategory = Done"), Where([](const Issue& i) { return i.status == 3; }));
  EXPECT_EQ(Run("issuetype = Bug AND priority = High"),
            Where([](const Issue& i) { return i.type == 3 && i.priority == 1; }));
  EXPECT_EQ(Run("labels = backend"), Where([](const Issue& i) { return (i.labels & 1u) != 0; }));
  EXPECT_EQ(Run("labels = \"ünïcode\""), Where([](const Issue& i) { return (i.labels & (1u << 9)) != 0; }));
}

TEST_F(JqlTest, NotEqualsNeverMatchesEmptyButNotDoes) {
  const std::string acct = world_->users[1].account_id;
  auto ne = Run("assignee != " + acct);
  EXPECT_EQ(ne, Where([](const Issue& i) { return i.assignee >= 0 && i.assignee != 1; }));
  auto negated = Run("NOT assignee = " + acct);
  EXPECT_EQ(negated, Where([](const Issue& i) { return i.assignee != 1; }));
  EXPECT_GT(negated.size(), ne.size());  // the unassigned ones
  EXPECT_EQ(Run("assignee is EMPTY"), Where([](const Issue& i) { return i.assignee < 0; }));
  EXPECT_EQ(Run("assignee = currentUser()", 2), Where([](const Issue& i) { return i.assignee == 2; }));
  EXPECT_EQ(Run("labels not in (backend, frontend)"),
            Where([](const Issue& i) { return i.labels != 0 && (i.labels & 3u) == 0; }));
}

TEST_F(JqlTest, ResolutionUnresolved) {
  EXPECT_EQ(Run("resolution = Unresolved"), Where([](const Issue& i) { return i.resolution < 0; }));
  EXPECT_EQ(Run("resolution is not EMPTY"), Where([](const Issue& i) { return i.resolution >= 0; }));
}

TEST_F(JqlTest, KeyAndIdRanges) {
  const Site& s = world_->sites[0];
  EXPECT_EQ(Run("key > ALPHA-10 AND key <= ALPHA-20"),
            Where([](const Issue& i) { return i.project == 0 && i.number > 10 && i.number <= 20; }));
  EXPECT_EQ(Run("key in (ALPHA-1, BETA-2)").size(), 2u);
  EXPECT_EQ(Run("id >= 10100 and id < 10110").size(), 10u);
  EXPECT_EQ(s.Key(s.issues[Run("key = beta-3")[0]]), "BETA-3");
}

TEST_F(JqlTest, DatesAreReadInTheUsersZone) {
  // user 0 is at UTC+10 (Australia/Brisbane), user 1 at UTC-8 (Pacific/Pitcairn).
  ASSERT_EQ(world_->users[0].tz.offset_minutes, 600);
  ASSERT_EQ(world_->users[1].tz.offset_minutes, -480);
  const int64_t midnight_utc = 1'735'689'600'000;  // 2025-01-01T00:00Z
  auto plus10 = Run("created >= \"2025-01-01\"", 0);
  auto minus8 = Run("created >= \"2025-01-01\"", 1);
  EXPECT_EQ(plus10, Where([&](const Issue& i) { return i.created_ms >= midnight_utc - 10 * 3600000LL; }));
  EXPECT_EQ(minus8, Where([&](const Issue& i) { return i.created_ms >= midnight_utc + 8 * 3600000LL; }));
  EXPECT_GT(plus10.size(), minus8.size());
  EXPECT_EQ(Run("created < \"2025/01/01 10:30\"", 0),
            Where([&](const Issue& i) { return i.created_ms < midnight_utc + 30 * 60000LL; }));
}

TEST_F(JqlTest, RelativeDatesAndFunctions) {
  EXPECT_EQ(Run("updated >= -7d"), Where([](const Issue& i) { return i.updated_ms >= kNow - 7 * 86400000LL; }));
  EXPECT_EQ(Run("updated >= \"-1w 2d\""), Where([](const Issue& i) { return i.updated_ms >= kNow - 9 * 86400000LL; }));
  EXPECT_EQ(Run("created <= now()"), Where([](const Issue&) { return true; }));
  int64_t ms = 0;
  EXPECT_TRUE(ParseJqlDate("4h", 0, kNow, &ms));
  EXPECT_EQ(ms, kNow + 4 * 3600000LL);
  EXPECT_FALSE(ParseJqlDate("2025-02-30", 0, kNow, &ms));
  EXPECT_FALSE(ParseJqlDate("2025-1-1x", 0, kNow, &ms));
  EXPECT_FALSE(ParseJqlDate("7x", 0, kNow, &ms));
}

// A bare number is milliseconds since the epoch, whatever the user's zone.
TEST_F(JqlTest, EpochMillisecondsInADateClause) {
  const int64_t t = kNow - 3 * 86400000LL + 12345;
  const auto want = Where([&](const Issue& i) { return i.updated_ms >= t; });
  EXPECT_FALSE(want.empty());
  EXPECT_EQ(Run("updated >= " + std::to_string(t), 1), want);  // UTC+10
  EXPECT_EQ(Run("updated >= " + std::to_string(t), 2), want);  // UTC-8
}

TEST_F(JqlTest, TextSearch) {
  auto hits = Run("summary ~ \"release notes\"");
  EXPECT_EQ(hits, Where([](const Issue& i) { return i.summary.find("release notes") != std::string::npos; }));
  EXPECT_FALSE(hits.empty());
  EXPECT_EQ(Run("summary !~ \"release\"").size() + hits.size() +
                Where([](const Issue& i) {
                  return i.summary.find("release") != std::string::npos &&
                         i.summary.find("release notes") == std::string::npos;
                }).size(),
            world_->sites[0].issues.size());
  EXPECT_FALSE(Run("text ~ \"please take a look\"").empty());
  EXPECT_EQ(Run("summary ~ \"O'Brien\""),
            Where([](const Issue& i) { return i.summary.find("O'Brien") != std::string::npos; }));
}

TEST_F(JqlTest, BooleanStructure) {
  EXPECT_EQ(Run("project = ALPHA and (status = Done or priority in (Highest, High))"),
            Where([](const Issue& i) { return i.project == 0 && (i.status == 3 || i.priority <= 1); }));
  EXPECT_EQ(Run("project = ALPHA && !(status = Done)"),
            Where([](const Issue& i) { return i.project == 0 && i.status != 3; }));
  EXPECT_EQ(Run("priority > Medium"), Where([](const Issue& i) { return i.priority < 2; }));  // more urgent
}

TEST_F(JqlTest, OrderBy) {
  const auto& issues = world_->sites[0].issues;
  auto ids = Run("project = BETA ORDER BY created DESC");
  ASSERT_GT(ids.size(), 10u);
  for (std::size_t k = 1; k < ids.size(); ++k) EXPECT_GE(issues[ids[k - 1]].created_ms, issues[ids[k]].created_ms);
  ids = Run("project in (ALPHA, BETA) order by key asc");
  for (std::size_t k = 1; k < ids.size(); ++k) {
    const auto &a = issues[ids[k - 1]], &b = issues[ids[k]];
    EXPECT_TRUE(a.project < b.project || (a.project == b.project && a.number < b.number));
  }
  auto q = ParseJql("ORDER BY key", Ctx());
  ASSERT_TRUE(q);
  EXPECT_FALSE(q->bounded());
  EXPECT_TRUE(ParseJql("project = ALPHA ORDER BY key", Ctx())->bounded());
  // ORDER BY rank (docs/sql.md's example): the same issues, in a fixed order
  // of their own; rank is not a field for WHERE.
  auto ranked = Run("project = BETA ORDER BY rank");
  auto plain = Run("project = BETA");
  EXPECT_EQ(std::set<int64_t>(ranked.begin(), ranked.end()), std::set<int64_t>(plain.begin(), plain.end()));
  EXPECT_NE(ranked, plain);
  EXPECT_EQ(ranked, Run("project = BETA ORDER BY Rank ASC"));
  EXPECT_FALSE(ParseJql("rank = 1", Ctx()));
}

TEST_F(JqlTest, CustomFields) {
  EXPECT_EQ(Run("cf[10016] >= 5"), Where([](const Issue& i) { return i.custom[0] != kNone && i.custom[0] >= 50; }));
  EXPECT_EQ(Run("\"Severity\" = S1"), Where([](const Issue& i) { return i.custom[7] == 0; }));
  EXPECT_EQ(Run("sprint in openSprints()"), Where([&](const Issue& i) {
              return i.custom[1] != kNone && world_->sites[0].sprints[i.custom[1]].state == "active";
            }));
}

TEST_F(JqlTest, ErrorsUseJirasWording) {
  EXPECT_EQ(ErrorOf("project = NOPE"), "The value 'NOPE' does not exist for the field 'project'.");
  EXPECT_EQ(ErrorOf("colour = red"), "Field 'colour' does not exist or you do not have permission to view it.");
  EXPECT_EQ(ErrorOf("project = ALPHA AND (status = Done"),
            "Error in the JQL Query: Expecting ')' before the end of the query.");
  EXPECT_EQ(ErrorOf("summary ~ \"open"),
            "Error in the JQL Query: The quoted string 'open' has not been completed. (line 1, character 11)");
  EXPECT_EQ(ErrorOf("assignee = bogusFunction()"), "Unable to find JQL function 'bogusFunction()'.");
  EXPECT_NE(ErrorOf("created > \"yesterday\"").find("Date value 'yesterday' for field 'created' is invalid"),
            std::string::npos);
  EXPECT_NE(ErrorOf("project = ALPHA OR").find("before the end of the query"), std::string::npos);
  EXPECT_NE(ErrorOf("status ~ Done").find("The operator '~' is not supported by the 'status' field."),
            std::string::npos);
  EXPECT_NE(ErrorOf("project = ALPHA status = Done").find("but got 'status'"), std::string::npos);
  EXPECT_NE(ErrorOf("summary = OR").find("surround 'OR' in quotation marks"), std::string::npos);
}

}  // namespace
}  // namespace jirasim
