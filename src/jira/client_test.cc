// JiraClient's streams that need no server: the elements of an issue field.

#include "jira/client.h"

#include <gtest/gtest.h>

namespace jirasql {
namespace {

using json = nlohmann::json;

JiraClient Offline() {
  return JiraClient([]() -> Result<Connection*> { return Fail(ErrorCode::kInternal, "no connection in this test"); });
}

std::vector<Item> ReadAll(ItemStream& s, Error* error = nullptr) {
  std::vector<Item> out;
  for (;;) {
    auto more = s.Next(&out);
    if (!more) {
      if (error) *error = more.error();
      return out;
    }
    if (!*more) return out;
  }
}

TEST(ElementsOfIssues, EachElementWithItsIssueAndProject) {
  auto c = Offline();
  auto issues = FixedItems({
      json::parse(R"({"id":"10","key":"A-1","fields":{"project":{"id":"7","key":"A"},"labels":["x","y"]}})"),
      json::parse(R"({"id":"11","key":"A-2","fields":{"labels":[]}})"),
      json::parse(R"({"id":"12","key":"A-3","fields":{"labels":null}})"),
      json::parse(R"({"id":"13","key":"A-4","fields":{}})"),
      json::parse(R"({"id":14,"key":"B-1","fields":{"project":{"id":8,"key":"B"},"labels":["z"]}})"),
  });
  auto s = c.ElementsOfIssues("labels", std::move(issues));
  auto items = ReadAll(*s);
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].value, "x");
  EXPECT_EQ(*items[0].parent, json::parse(R"({"id":10,"key":"A-1","projectId":7,"projectKey":"A"})"));
  EXPECT_EQ(items[1].value, "y");
  EXPECT_EQ(items[1].parent, items[0].parent);  // one parent object per issue
  EXPECT_EQ(*items[2].parent, json::parse(R"({"id":14,"key":"B-1","projectId":8,"projectKey":"B"})"));
}

TEST(ElementsOfIssues, AFieldThatIsNotAListIsAnErrorNamingTheIssue) {
  auto c = Offline();
  auto issues = FixedItems({json::parse(R"({"id":"10","key":"A-1","fields":{"issuelinks":{"id":"1"}}})")});
  auto s = c.ElementsOfIssues("issuelinks", std::move(issues));
  Error e;
  auto items = ReadAll(*s, &e);
  EXPECT_TRUE(items.empty());
  EXPECT_EQ(e.code, ErrorCode::kBadResponse);
  EXPECT_NE(e.message.find("issue 10"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("issuelinks"), std::string::npos) << e.message;
}

}  // namespace
}  // namespace jirasql
