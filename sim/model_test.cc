#include "model.h"

#include <gtest/gtest.h>

#include <set>

#include "adf_text.h"

namespace jirasim {
namespace {

TEST(ModelTest, TimestampsInAnyZone) {
  // 2024-02-29T23:59:59.123Z, a leap day.
  const int64_t ms = 1709251199123;
  EXPECT_EQ(FormatTimestamp(ms, 0), "2024-02-29T23:59:59.123+0000");
  EXPECT_EQ(FormatTimestamp(ms, 600), "2024-03-01T09:59:59.123+1000");
  EXPECT_EQ(FormatTimestamp(ms, -480), "2024-02-29T15:59:59.123-0800");
  EXPECT_EQ(FormatTimestamp(ms, 330), "2024-03-01T05:29:59.123+0530");
  EXPECT_EQ(FormatTimestamp(0, 0), "1970-01-01T00:00:00.000+0000");
  EXPECT_EQ(FormatTimestamp(-1, 0), "1969-12-31T23:59:59.999+0000");
  EXPECT_EQ(FormatDay(19782), "2024-02-29");
  EXPECT_EQ(FormatDay(0), "1970-01-01");
}

TEST(ModelTest, SameSeedSameData) {
  GenerateOptions o;
  o.issues = 300;
  o.now_ms = 1'767'225'600'000;
  World a = Generate(o), b = Generate(o);
  o.seed = 2;
  World c = Generate(o);
  ASSERT_EQ(a.sites[0].issues.size(), 300u);
  int differ = 0;
  for (std::size_t i = 0; i < 300; ++i) {
    const Issue &x = a.sites[0].issues[i], &y = b.sites[0].issues[i], &z = c.sites[0].issues[i];
    EXPECT_EQ(x.summary, y.summary);
    EXPECT_EQ(x.created_ms, y.created_ms);
    EXPECT_EQ(DescriptionAdf(a, a.sites[0], x), DescriptionAdf(b, b.sites[0], y));
    differ += x.summary != z.summary;
  }
  EXPECT_GT(differ, 100);
  EXPECT_EQ(a.users[0].api_token, b.users[0].api_token);
  EXPECT_NE(a.users[0].api_token, c.users[0].api_token);
}

TEST(ModelTest, TheDataHasWhatTestsNeed) {
  GenerateOptions o;
  o.issues = 2000;
  o.users = 8;
  o.sites = 2;
  o.now_ms = 1'767'225'600'000;
  World w = Generate(o);
  std::set<int> offsets;
  for (const auto& u : w.users) offsets.insert(u.tz.offset_minutes);
  EXPECT_TRUE(offsets.count(600) && offsets.count(-480)) << "need UTC+10 and UTC-8 users";
  EXPECT_EQ(w.users[0].sites.size(), 2u);
  std::set<std::string> names;
  bool collision = false;
  for (const auto& cf : w.catalogs.custom_fields) collision |= !names.insert(cf.name).second;
  EXPECT_TRUE(collision) << "two custom fields must share a display name";
  EXPECT_EQ(w.catalogs.custom_fields.size(), static_cast<std::size_t>(kCustomFieldCount));
  int subtasks = 0, with_parent = 0, unassigned = 0, resolved = 0, commented = 0;
  for (std::size_t i = 0; i < w.sites[0].issues.size(); ++i) {
    const Issue& is = w.sites[0].issues[i];
    subtasks += is.type == 4;
    with_parent += is.parent >= 0;
    unassigned += is.assignee < 0;
    resolved += is.resolution >= 0;
    commented += !Comments(w, w.sites[0], static_cast<int64_t>(i)).empty();
    if (is.type == 4) {
      ASSERT_GE(is.parent, 0);
      EXPECT_NE(w.sites[0].issues[is.parent].type, 4);
      EXPECT_LT(is.parent, static_cast<int64_t>(i));
    }
    if (is.resolution >= 0) {
      EXPECT_EQ(is.status, 3);
    }
  }
  EXPECT_GT(subtasks, 50);
  EXPECT_GT(with_parent, subtasks);
  EXPECT_GT(unassigned, 100);
  EXPECT_GT(resolved, 100);
  EXPECT_GT(commented, 500);
  EXPECT_EQ(w.sites[1].issues.size(), 200u);
  EXPECT_NE(w.sites[0].cloud_id, w.sites[1].cloud_id);
}

TEST(ModelTest, AdfToPlainText) {
  EXPECT_EQ(AdfToPlainText(R"({"type":"doc","version":1,"content":[
      {"type":"paragraph","content":[{"type":"text","text":"Hi "},{"type":"mention","attrs":{"text":"@Mia"}}]},
      {"type":"bulletList","content":[{"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"one"}]}]}]},
      {"type":"codeBlock","content":[{"type":"text","text":"x = 1"}]}]})"),
            "Hi @Mia\n- one\nx = 1");
  EXPECT_EQ(AdfToPlainText("null"), "");
  EXPECT_EQ(AdfToPlainText("not json"), "");
}

}  // namespace
}  // namespace jirasim
