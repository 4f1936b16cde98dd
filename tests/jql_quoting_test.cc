// The quoting rules, checked against jirasim's JQL parser: whatever we
// quote must come back as the same value, whatever it holds.

#include <gtest/gtest.h>

#include "jira/jql.h"
#include "sim/jql.h"
#include "sim/model.h"

namespace jirasql {
namespace {

TEST(JqlBuilderTest, Quoting) {
  EXPECT_EQ(JqlString("plain"), "\"plain\"");
  EXPECT_EQ(JqlString("say \"hi\""), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(JqlString("back\\slash"), "\"back\\\\slash\"");
  EXPECT_EQ(JqlString("line\nbreak\ttab"), "\"line break tab\"");
  EXPECT_EQ(JqlString("ünïcode 🙂"), "\"ünïcode 🙂\"");
  EXPECT_EQ(JqlField("summary"), "summary");
  EXPECT_EQ(JqlField("cf[10016]"), "cf[10016]");
  EXPECT_EQ(JqlField("Story Points"), "\"Story Points\"");
  EXPECT_EQ(JqlField("cf[1x]"), "\"cf[1x]\"");
  EXPECT_EQ(JqlIn("project", {"ALPHA", "and"}), "project in (\"ALPHA\", \"and\")");
  EXPECT_EQ(JqlIn("status", {"Done"}, true), "status not in (\"Done\")");
  EXPECT_EQ(JqlIn("status", {}), "");
}

TEST(JqlBuilderTest, JoinParenthesisesOrs) {
  EXPECT_EQ(JqlJoin({"a = \"1\"", "b = \"2\" OR c = \"3\""}), "a = \"1\" AND (b = \"2\" OR c = \"3\")");
  EXPECT_EQ(JqlJoin({"a = \" or \"", "b = \"x\""}), "a = \" or \" AND b = \"x\"");  // OR inside quotes
  EXPECT_EQ(JqlJoin({"x OR y"}), "x OR y");
  EXPECT_EQ(JqlJoin({"", "a = \"1\""}), "a = \"1\"");
}

class JqlRoundTripTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    jirasim::GenerateOptions o;
    o.issues = 50;
    o.sites = 1;
    o.now_ms = 1'767'225'600'000;
    world_ = new jirasim::World(jirasim::Generate(o));
  }
  static void TearDownTestSuite() { delete world_; }
  static jirasim::World* world_;
};
jirasim::World* JqlRoundTripTest::world_ = nullptr;

TEST_F(JqlRoundTripTest, AnyValueSurvivesTheParser) {
  jirasim::JqlContext ctx{*world_, world_->sites[0], 0, 0, 1'767'225'600'000};
  const std::vector<std::string> values = {"plain",         "AND",        "order by", "EMPTY", "null",
                                           "currentUser()", "say \"hi\"", "it's",     "a\\b",  "(x)",
                                           "ü ß 🙂",    "100%",       "a,b",      "~!=<>", "-7d"};
  for (const auto& v : values) {
    // A text search takes any string; the parser must accept the quoting.
    auto q = jirasim::ParseJql(JqlCompare("summary", "~", v), ctx);
    EXPECT_TRUE(q) << v << ": " << (q ? "" : q.error().message);
    // Joined clauses keep their meaning.
    auto joined = jirasim::ParseJql(JqlJoin({JqlIn("project", {"ALPHA", "BETA"}),
                                             JqlCompare("summary", "~", v) + " OR " + JqlCompare("text", "~", v)}),
                                    ctx);
    EXPECT_TRUE(joined) << v << ": " << (joined ? "" : joined.error().message);
  }
  // The value arrives intact: summaries with a quoted word or an apostrophe.
  for (const std::string needle : {"\"quoted\"", "O'Brien's"}) {
    auto found = jirasim::ParseJql(JqlCompare("summary", "~", needle), ctx);
    ASSERT_TRUE(found) << found.error().message;
    std::size_t expected = 0;
    std::string lower_needle = needle;
    for (char& c : lower_needle) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const auto& is : world_->sites[0].issues) {
      std::string lower = is.summary;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      expected += lower.find(lower_needle) != std::string::npos;
    }
    EXPECT_GT(expected, 0u) << needle;
    EXPECT_EQ(jirasim::Execute(*found, ctx).size(), expected) << needle;
  }
  // Names with reserved words resolve as values, not keywords.
  auto q =
      jirasim::ParseJql(JqlIn("status", {"To Do", "In Progress"}) + " AND " + JqlCompare("priority", "=", "High"), ctx);
  ASSERT_TRUE(q) << q.error().message;
  auto ids = jirasim::Execute(*q, ctx);
  for (auto i : ids) {
    EXPECT_LT(world_->sites[0].issues[i].status, 2);
    EXPECT_EQ(world_->sites[0].issues[i].priority, 1);
  }
}

}  // namespace
}  // namespace jirasql
