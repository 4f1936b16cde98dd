#include "sql/pushdown.h"

#include <gtest/gtest.h>

namespace jirasql {
namespace {

const ColumnDef& Column(const char* name) {
  const TableDef* t = FindBaseTable("Issues");
  return t->columns[static_cast<std::size_t>(t->ColumnIndex(name))];
}

std::string Push1(const char* column, PushOp op, std::vector<SqlValue> values, const TimeZone* zone = nullptr,
                  bool* nothing_out = nullptr) {
  bool nothing = false;
  auto t = TranslateConstraint(Column(column), SqlConstraint{op, std::move(values)}, PushContext{zone}, &nothing);
  if (nothing_out) *nothing_out = nothing;
  return t ? t->Render() : (nothing ? "<nothing>" : "<not pushed>");
}

// One table of rules (PushRuleFor) says what the planner offers, what the
// docs say and what the translator may push: for every kind of column and
// every operator, the translator pushes exactly what the rule accepts.
TEST(Pushdown, TheRuleTableAndTheTranslatorAgree) {
  const TimeZone utc = TimeZone::Fixed(0);
  const std::vector<std::pair<Push, SqlValue>> kinds = {{Push::kId, int64_t{10001}},
                                                        {Push::kIssueKey, std::string("ABC-1")},
                                                        {Push::kName, std::string("Done")},
                                                        {Push::kUser, std::string("5b10ac8d82e05b22cc7d4ef5")},
                                                        {Push::kTimestamp, std::string("2024-05-01T08:30:00.000Z")},
                                                        {Push::kDate, std::string("2024-05-01")}};
  for (const auto& [kind, value] : kinds) {
    ColumnDef col;
    col.name = "C";
    col.push = kind;
    col.jql_field = "f";
    for (PushOp op : {PushOp::kEq, PushOp::kIn, PushOp::kGt, PushOp::kGe, PushOp::kLt, PushOp::kLe, PushOp::kIsNull,
                      PushOp::kIsNotNull}) {
      SqlConstraint c{op, {}};
      if (op == PushOp::kIn)
        c.values = {value, value};
      else if (op != PushOp::kIsNull && op != PushOp::kIsNotNull)
        c.values = {value};
      bool nothing = false;
      const bool pushed = TranslateConstraint(col, c, PushContext{&utc}, &nothing).has_value();
      EXPECT_EQ(pushed, Accepts(kind, op)) << PushdownText(kind) << " op " << static_cast<int>(op);
      EXPECT_FALSE(nothing);
    }
  }
  // Columns no rule covers are never pushed.
  EXPECT_FALSE(Accepts(Push::kNone, PushOp::kEq));
  EXPECT_EQ(PushdownText(Push::kNone), "");
  EXPECT_EQ(PushdownText(Push::kTimestamp), "=, <, <=, >, >=, IS NULL, IS NOT NULL (in the Jira user's time zone)");
}

TEST(Pushdown, EqualityAndInOnNames) {
  EXPECT_EQ(Push1("ProjectKey", PushOp::kEq, {std::string("ABC")}), "project = \"ABC\"");
  EXPECT_EQ(Push1("StatusName", PushOp::kIn, {std::string("To Do"), std::string("Done"), std::string("Done")}),
            "status in (\"To Do\", \"Done\")");
  EXPECT_EQ(Push1("StatusCategory", PushOp::kEq, {std::string("Done")}), "statusCategory = \"Done\"");
  EXPECT_EQ(Push1("ResolutionName", PushOp::kIsNull, {}), "resolution is EMPTY");
  EXPECT_EQ(Push1("AssigneeAccountId", PushOp::kIsNotNull, {}), "assignee is not EMPTY");
  // Integers compared with a TEXT column are its text.
  EXPECT_EQ(Push1("ProjectId", PushOp::kEq, {int64_t{10000}}), "project = \"10000\"");
}

TEST(Pushdown, QuotingOfHostileValues) {
  EXPECT_EQ(Push1("StatusName", PushOp::kEq, {std::string("say \"hi\" \\ or AND order")}),
            "status = \"say \\\"hi\\\" \\\\ or AND order\"");
  EXPECT_EQ(Push1("ProjectKey", PushOp::kEq, {std::string("empty")}), "project = \"empty\"");
  EXPECT_EQ(Push1("StatusName", PushOp::kEq, {std::string("Überprüfung ✓ 進行中")}),
            "status = \"Überprüfung ✓ 進行中\"");
  EXPECT_EQ(Push1("StatusName", PushOp::kEq, {std::string("a')) OR project = X --")}),
            "status = \"a')) OR project = X --\"");
}

TEST(Pushdown, ValuesThatCanNeverMatchAreLeftOut) {
  // Blank and padded names, NULLs: no Jira value equals them.
  bool nothing = false;
  EXPECT_EQ(Push1("StatusName", PushOp::kIn, {std::string(""), std::string(" Done"), SqlValue{}}, nullptr, &nothing),
            "<nothing>");
  EXPECT_TRUE(nothing);
  EXPECT_EQ(Push1("Key", PushOp::kIn, {std::string("ABC-1"), std::string("not a key"), std::string("ABC-x")}),
            "key = \"ABC-1\"");
  EXPECT_EQ(Push1("Id", PushOp::kIn, {int64_t{10001}, 10002.5, std::string("10003"), std::string("x")}),
            "id in (\"10001\", \"10003\")");
  EXPECT_EQ(Push1("ParentKey", PushOp::kEq, {std::string("ABC-7")}), "parent = \"ABC-7\"");
}

TEST(Pushdown, IdRangesRoundOutward) {
  EXPECT_EQ(Push1("Id", PushOp::kGt, {int64_t{10}}), "id > 10");
  EXPECT_EQ(Push1("Id", PushOp::kGt, {4.5}), "id > 4");
  EXPECT_EQ(Push1("Id", PushOp::kGe, {4.5}), "id >= 5");
  EXPECT_EQ(Push1("Id", PushOp::kLt, {4.5}), "id < 5");
  EXPECT_EQ(Push1("Id", PushOp::kLe, {4.5}), "id <= 4");
  EXPECT_EQ(Push1("Id", PushOp::kLe, {std::string("abc")}), "<not pushed>");
}

TEST(Pushdown, NeverPushed) {
  EXPECT_EQ(Push1("Key", PushOp::kGt, {std::string("ABC-10")}), "<not pushed>");  // text vs numeric order
  EXPECT_EQ(Push1("Summary", PushOp::kEq, {std::string("x")}), "<not pushed>");
  EXPECT_EQ(Push1("AssigneeDisplayName", PushOp::kEq, {std::string("x")}), "<not pushed>");
  EXPECT_EQ(Push1("Created", PushOp::kEq, {int64_t{5}}), "<not pushed>");
  EXPECT_EQ(Push1("Created", PushOp::kGe, {std::string("2024")}), "<not pushed>");
  EXPECT_EQ(Push1("Created", PushOp::kGe, {std::string("2024-02-30")}), "<not pushed>");
}

TEST(Pushdown, TimestampsInTheUsersZoneWidenedToTheMinute) {
  auto brisbane = TimeZone::Load("Australia/Brisbane");
  auto pitcairn = TimeZone::Load("Pacific/Pitcairn");
  ASSERT_TRUE(brisbane && pitcairn);
  EXPECT_EQ(Push1("Created", PushOp::kGe, {std::string("2024-05-01T10:30:15.500Z")}, &*brisbane),
            "created >= \"2024-05-01 20:30\"");
  EXPECT_EQ(Push1("Created", PushOp::kGt, {std::string("2024-05-01T10:30:15.500Z")}, &*pitcairn),
            "created >= \"2024-05-01 02:30\"");
  // Upper bounds: every row below the bound's minute ends before the next minute.
  EXPECT_EQ(Push1("Updated", PushOp::kLt, {std::string("2024-05-01T10:30:15Z")}, &*pitcairn),
            "updated <= \"2024-05-01 02:31\"");
  // A bare date bounds whole UTC days.
  EXPECT_EQ(Push1("Created", PushOp::kLe, {std::string("2024-05-01")}, &*brisbane), "created <= \"2024-05-02 10:00\"");
  EXPECT_EQ(Push1("Created", PushOp::kGe, {std::string("2024-05-01 23:59")}, &*brisbane),
            "created >= \"2024-05-01 10:00\"");  // ' ' sorts before 'T': only the date counts
  EXPECT_EQ(Push1("ResolutionDate", PushOp::kEq, {std::string("2024-05-01T10:30:00.000Z")}, &*brisbane),
            "resolutiondate >= \"2024-05-01 20:30\" AND resolutiondate <= \"2024-05-01 20:31\"");
}

TEST(Pushdown, UnknownZoneWidensByTheWidestOffsets) {
  EXPECT_EQ(Push1("Created", PushOp::kGe, {std::string("2024-05-01T10:30Z")}, nullptr),
            "created >= \"2024-04-30 22:30\"");
  EXPECT_EQ(Push1("Created", PushOp::kLe, {std::string("2024-05-01T10:30Z")}, nullptr),
            "created <= \"2024-05-02 00:31\"");
  // What the notice and docs/sql.md say is what the code does.
  EXPECT_EQ(UnknownZoneWidening(), "lower bounds 12 hours earlier and upper bounds 14 hours later");
}

TEST(Pushdown, DaylightSavingChangeTakesTheWiderOffset) {
  auto berlin = TimeZone::Load("Europe/Berlin");
  ASSERT_TRUE(berlin);
  // 2024-10-27 00:30 UTC is 02:30 CEST; an hour later 02:30 comes again (CET).
  EXPECT_EQ(Push1("Created", PushOp::kGe, {std::string("2024-10-27T00:30Z")}, &*berlin),
            "created >= \"2024-10-27 01:30\"");
  EXPECT_EQ(Push1("Created", PushOp::kLe, {std::string("2024-10-27T00:30Z")}, &*berlin),
            "created <= \"2024-10-27 02:31\"");
}

TEST(Pushdown, Dates) {
  EXPECT_EQ(Push1("DueDate", PushOp::kEq, {std::string("2024-05-01")}), "duedate = \"2024-05-01\"");
  EXPECT_EQ(Push1("DueDate", PushOp::kGt, {std::string("2024-05-01")}), "duedate >= \"2024-05-01\"");
  EXPECT_EQ(Push1("DueDate", PushOp::kLt, {std::string("2024-05-01T00:00")}), "duedate <= \"2024-05-01\"");
  EXPECT_EQ(Push1("DueDate", PushOp::kIsNull, {}), "duedate is EMPTY");
}

TEST(Pushdown, OrderByIsSplitOutsideQuotes) {
  std::string where, order;
  SplitOrderBy("project = ABC AND summary ~ \"order by\" ORDER BY created DESC", &where, &order);
  EXPECT_EQ(where, "project = ABC AND summary ~ \"order by\"");
  EXPECT_EQ(order, "ORDER BY created DESC");
  SplitOrderBy("order by key", &where, &order);
  EXPECT_EQ(where, "");
  EXPECT_EQ(order, "order by key");
  SplitOrderBy("reorder = 1", &where, &order);
  EXPECT_EQ(where, "reorder = 1");
  EXPECT_EQ(order, "");
}

TEST(Pushdown, QueryJoinsUserJqlAndTerms) {
  IssueQuery q;
  EXPECT_EQ(q.Jql("project IS NOT EMPTY"), "project IS NOT EMPTY");
  SplitOrderBy("status = Done OR priority = High order by key", &q.user_where, &q.user_order);
  q.terms.push_back(JqlTerm{"project", {"ABC"}, ""});
  EXPECT_EQ(q.Jql("x"), "(status = Done OR priority = High) AND project = \"ABC\" order by key");
}

TEST(Pushdown, ValuesJiraSaysAreMissingAreDropped) {
  IssueQuery q;
  q.terms.push_back(JqlTerm{"status", {"Done", "Nope"}, ""});
  q.terms.push_back(JqlTerm{"key", {"ABC-1"}, ""});
  EXPECT_TRUE(q.DropMissingValue("The value 'nope' does not exist for the field 'status'."));
  EXPECT_EQ(q.terms[0].values, std::vector<std::string>{"Done"});
  EXPECT_FALSE(q.matches_nothing);
  EXPECT_FALSE(q.DropMissingValue("The value 'Done' does not exist for the field 'priority'."));
  EXPECT_FALSE(q.DropMissingValue("Error in the JQL Query: Expecting operator"));
  EXPECT_TRUE(q.DropMissingValue("An issue with key 'ABC-1' does not exist for field 'key'."));
  EXPECT_TRUE(q.matches_nothing);
}

}  // namespace
}  // namespace jirasql
