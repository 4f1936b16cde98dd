#include "jira/sprint_report.h"

#include <gtest/gtest.h>

#include "common/time.h"

namespace jirasql {
namespace {

using json = nlohmann::json;

// A change history at `ms` (epoch ms written as Jira writes times) of the
// Sprint field from `from` to `to`.
json SprintChange(int64_t id, const char* created, const char* from, const char* to) {
  return json{{"id", std::to_string(id)},
              {"created", created},
              {"items", {{{"field", "Sprint"}, {"fieldId", "customfield_10020"}, {"from", from}, {"to", to}}}}};
}

bool IsSprint(const json& item) { return item.value("fieldId", "") == "customfield_10020"; }

int64_t Ms(const char* iso) { return EpochMs(*ParseIso8601(iso)); }

TEST(FieldTimelineTest, ValueBeforeTheFirstChangeIsItsFromAndChangesApplyInTimeOrder) {
  // Out of order on purpose, and a change of another field in between.
  std::vector<json> h = {SprintChange(3, "2025-01-10T00:00:00.000+0000", "1", "1, 2"),
                         SprintChange(2, "2025-01-01T00:00:00.000+0000", "", "1"),
                         json{{"id", "9"},
                              {"created", "2025-01-05T00:00:00.000+0000"},
                              {"items", {{{"field", "status"}, {"fieldId", "status"}, {"from", "1"}, {"to", "3"}}}}}};
  auto t = FieldTimeline::Build(h, IsSprint, false, "1, 2");
  EXPECT_EQ(t.At(Ms("2024-12-31T00:00Z")), "");
  EXPECT_EQ(t.At(Ms("2025-01-01T00:00Z")), "1");  // a change at the instant is applied
  EXPECT_EQ(t.At(Ms("2025-01-09T00:00Z")), "1");
  EXPECT_EQ(t.At(Ms("2025-02-01T00:00Z")), "1, 2");
  ASSERT_EQ(t.changes().size(), 2u);
  // No change of the field: its value now, always.
  auto none = FieldTimeline::Build({}, IsSprint, false, "7");
  EXPECT_EQ(none.At(0), "7");
  // Numbers' text from fromString/toString.
  std::vector<json> points = {
      json{{"id", "4"},
           {"created", "2025-01-03T00:00:00.000Z"},
           {"items", {{{"fieldId", "customfield_10016"}, {"fromString", "3"}, {"toString", "5.5"}}}}}};
  auto p = FieldTimeline::Build(
      points, [](const json& i) { return i.value("fieldId", "") == "customfield_10016"; }, true, "5.5");
  EXPECT_EQ(p.At(Ms("2025-01-02T00:00Z")), "3");
  EXPECT_EQ(p.At(Ms("2025-01-04T00:00Z")), "5.5");
}

TEST(SprintReportTest, SprintIdsOfCloudObjectsAndDataCenterStrings) {
  EXPECT_EQ(SprintIdsOf(json::parse(R"([{"id":12,"name":"A"},{"id":13}])")), "12, 13");
  EXPECT_EQ(
      SprintIdsOf(json::parse(
          R"(["com.atlassian.greenhopper.service.sprint.Sprint@1a2b[rapidViewId=3,state=CLOSED,name=S 1,id=42]"])")),
      "42");
  EXPECT_EQ(SprintIdsOf(json()), "");
  EXPECT_TRUE(HoldsSprint("12, 13", 13));
  EXPECT_FALSE(HoldsSprint("112, 13", 12));
  EXPECT_FALSE(HoldsSprint("", 1));
}

// Sprint 5 runs from Jan 10 to Jan 24.
const SprintWindow kSprint{5, Ms("2025-01-10T00:00Z"), Ms("2025-01-24T00:00Z")};
const int64_t kOld = Ms("2024-12-01T00:00Z");

SprintPart Place(int64_t created, std::vector<json> h, const char* now) {
  return PlaceInSprint(kSprint, created, FieldTimeline::Build(h, IsSprint, false, now));
}

TEST(SprintReportTest, CommittedAtTheStartCarriedOrNot) {
  auto p = Place(kOld, {SprintChange(1, "2025-01-08T00:00:00.000Z", "", "5")}, "5");
  EXPECT_TRUE(p.committed && p.in_window && p.in_at_end);
  EXPECT_FALSE(p.added || p.removed);
  // Joined at the very instant of the start: committed.
  EXPECT_TRUE(Place(kOld, {SprintChange(1, "2025-01-10T00:00:00.000Z", "4", "4, 5")}, "4, 5").committed);
  // In it since its creation, before the start, with no change at all.
  EXPECT_TRUE(Place(kOld, {}, "5").committed);
}

TEST(SprintReportTest, AddedAfterTheStartOrCreatedIntoIt) {
  auto p = Place(kOld, {SprintChange(1, "2025-01-12T00:00:00.000Z", "", "5")}, "5");
  EXPECT_TRUE(p.added && p.in_at_end);
  EXPECT_FALSE(p.committed || p.removed);
  EXPECT_EQ(p.added_ms, Ms("2025-01-12T00:00Z"));
  auto made = Place(Ms("2025-01-15T00:00Z"), {}, "5");
  EXPECT_TRUE(made.added);
  EXPECT_EQ(made.added_ms, Ms("2025-01-15T00:00Z"));
  // Added after the end: not in this sprint's report at all.
  EXPECT_FALSE(Place(kOld, {SprintChange(1, "2025-01-25T00:00:00.000Z", "", "5")}, "5").in_window);
  // Created after the end: likewise.
  EXPECT_FALSE(Place(Ms("2025-01-30T00:00Z"), {}, "5").in_window);
}

TEST(SprintReportTest, RemovedBeforeTheEndAndBackAgain) {
  auto p = Place(
      kOld,
      {SprintChange(1, "2025-01-08T00:00:00.000Z", "", "5"), SprintChange(2, "2025-01-15T00:00:00.000Z", "5", "")}, "");
  EXPECT_TRUE(p.committed && p.removed);
  EXPECT_FALSE(p.in_at_end || p.added);
  EXPECT_EQ(p.removed_ms, Ms("2025-01-15T00:00Z"));
  // Removed and added back: in at the end, not removed.
  auto back =
      Place(kOld,
            {SprintChange(1, "2025-01-08T00:00:00.000Z", "", "5"), SprintChange(2, "2025-01-15T00:00:00.000Z", "5", ""),
             SprintChange(3, "2025-01-16T00:00:00.000Z", "", "5")},
            "5");
  EXPECT_TRUE(back.committed && back.in_at_end);
  EXPECT_FALSE(back.removed || back.added);
  EXPECT_EQ(back.removed_ms, -1);
  // Removed before the start: never in its window.
  EXPECT_FALSE(Place(kOld,
                     {SprintChange(1, "2025-01-02T00:00:00.000Z", "", "5"),
                      SprintChange(2, "2025-01-05T00:00:00.000Z", "5", "")},
                     "")
                   .in_window);
  // Added, then removed, both during the sprint.
  auto brief = Place(
      kOld,
      {SprintChange(1, "2025-01-12T00:00:00.000Z", "", "5"), SprintChange(2, "2025-01-13T00:00:00.000Z", "5", "6")},
      "6");
  EXPECT_TRUE(brief.added && brief.removed);
  EXPECT_FALSE(brief.committed);
}

}  // namespace
}  // namespace jirasql
