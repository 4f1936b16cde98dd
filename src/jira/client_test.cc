// JiraClient's streams that need no server: the elements of an issue field,
// the status changes of changelogs that came with the issues (Data Center).

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

// Offline, the client takes the Data Center path: the histories come inside the issue.
TEST(StatusChangesOfIssues, StatusItemsInTimeOrderWithTheTimeSpentInTheStatusLeft) {
  auto c = Offline();
  auto issues = FixedItems({json::parse(R"({"id":"10","key":"A-1",
    "fields":{"created":"2024-01-01T00:00:00.000+0000","project":{"id":"7","key":"A"}},
    "changelog":{"startAt":0,"maxResults":3,"total":3,"histories":[
      {"id":"102","created":"2024-01-03T00:00:00.000+0000","author":{"accountId":"u2"},
       "items":[{"field":"status","fieldtype":"jira","from":"3","fromString":"In Progress","to":"10001","toString":"Done"}]},
      {"id":"101","created":"2024-01-01T01:00:00.000+0100","author":{"accountId":"u1"},
       "items":[{"field":"summary","fieldtype":"jira","fromString":"a","toString":"b"}]},
      {"id":"100","created":"2024-01-02T12:00:00.000+0000","author":{"accountId":"u1"},
       "items":[{"field":"assignee","fieldtype":"jira"},
                {"field":"status","fieldtype":"jira","from":"1","fromString":"To Do","to":"3","toString":"In Progress"}]}
    ]}})")});
  auto s = c.StatusChangesOfIssues(std::move(issues), nullptr);
  auto items = ReadAll(*s);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].value["id"], "100");
  EXPECT_EQ(items[0].value["fromString"], "To Do");
  EXPECT_EQ(items[0].value["enteredFrom"], "2024-01-01T00:00:00.000+0000");  // the issue's creation
  EXPECT_EQ(items[0].value["secondsInFrom"], 36 * 3600);
  EXPECT_EQ(items[1].value["id"], "102");
  EXPECT_EQ(items[1].value["to"], "10001");
  EXPECT_EQ(items[1].value["author"]["accountId"], "u2");
  EXPECT_EQ(items[1].value["enteredFrom"], "2024-01-02T12:00:00.000+0000");  // the change before
  EXPECT_EQ(items[1].value["secondsInFrom"], 12 * 3600);
  EXPECT_EQ(*items[0].parent, json::parse(R"({"id":10,"key":"A-1","projectId":7,"projectKey":"A"})"));
}

TEST(StatusChangesOfIssues, AChangelogCutShortIsReadWholeNeverPassedAsAll) {
  auto c = Offline();  // the read of the whole changelog fails here: its error comes out, no rows
  auto issues = FixedItems({json::parse(R"({"id":"10","key":"A-1","fields":{"created":"2024-01-01T00:00:00.000+0000"},
    "changelog":{"startAt":0,"maxResults":1,"total":2,"histories":[
      {"id":"100","created":"2024-01-02T00:00:00.000+0000",
       "items":[{"field":"status","from":"1","fromString":"To Do","to":"3","toString":"In Progress"}]}]}})")});
  auto s = c.StatusChangesOfIssues(std::move(issues), nullptr);
  Error e;
  auto items = ReadAll(*s, &e);
  EXPECT_TRUE(items.empty());
  EXPECT_NE(e.message.find("no connection in this test"), std::string::npos) << e.message;
}

TEST(StatusChangesOfIssues, AnIssueWithoutItsChangelogIsAnError) {
  auto c = Offline();
  auto s = c.StatusChangesOfIssues(FixedItems({json::parse(R"({"id":"10","fields":{}})")}), nullptr);
  Error e;
  ReadAll(*s, &e);
  EXPECT_EQ(e.code, ErrorCode::kBadResponse);
  EXPECT_NE(e.message.find("issue 10"), std::string::npos) << e.message;
}

}  // namespace
}  // namespace jirasql
