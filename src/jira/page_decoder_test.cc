#include "jira/page_decoder.h"

#include <gtest/gtest.h>

namespace jirasql {
namespace {

const char* kPage = R"({"issues":[
  {"id":"10001","key":"ABC-1","self":"https://x/rest/api/3/issue/10001","expand":"names",
   "fields":{"summary":"Hi","status":{"name":"Done","iconUrl":"https://x/i.png","statusCategory":{"name":"Done"}},
             "assignee":{"accountId":"a1","displayName":"Ann","avatarUrls":{"48x48":"https://x/a.png"}},
             "labels":["x","y"],"timespent":null,"customfield_1":3.5}}],
  "nextPageToken":"tok","isLast":false,"total":7})";

TEST(PageDecoder, ReadsAPageAndDropsWhatNoColumnReads) {
  auto p = DecodeIssuePage(kPage, "POST /search/jql");
  ASSERT_TRUE(p) << p.error().message;
  ASSERT_EQ(p->issues.size(), 1u);
  EXPECT_EQ(p->next_page_token, "tok");
  EXPECT_EQ(p->is_last, false);
  EXPECT_EQ(p->total, 7);
  const auto& i = p->issues[0];
  EXPECT_EQ(i["key"], "ABC-1");
  EXPECT_FALSE(i.contains("self"));
  EXPECT_FALSE(i.contains("expand"));
  EXPECT_FALSE(i["fields"]["assignee"].contains("avatarUrls"));
  EXPECT_FALSE(i["fields"]["status"].contains("iconUrl"));
  EXPECT_EQ(i["fields"]["status"]["statusCategory"]["name"], "Done");
  EXPECT_TRUE(i["fields"]["timespent"].is_null());
  EXPECT_EQ(i["fields"]["customfield_1"], 3.5);
}

// A body in a std::string is parsed in place: with room for the parser's
// padding as it is, without it after the string grows; either way the
// page reads as from a copy, and the text is unchanged.
TEST(PageDecoder, ABodyIsParsedInPlaceWithOrWithoutRoomForPadding) {
  const auto copy = DecodeIssuePage(std::string_view(kPage), "x");
  ASSERT_TRUE(copy);
  std::string roomy(kPage);
  roomy.reserve(roomy.size() + 64);
  std::string tight(kPage);
  tight.shrink_to_fit();
  for (std::string* body : {&roomy, &tight}) {
    auto p = DecodeIssuePage(*body, "x");
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(p->issues, copy->issues);
    EXPECT_EQ(p->next_page_token, copy->next_page_token);
    EXPECT_EQ(*body, kPage);
    EXPECT_GE(body->capacity() - body->size(), 64u);
  }
  std::string bad = "{\"issues\":[";
  auto p = DecodeIssuePage(bad, "x");
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find("not JSON"), std::string::npos);
}

TEST(PageDecoder, KeepsOnlyTheKeptPaths) {
  KeepTree keep;
  keep.Add({"id"});
  keep.Add({"fields", "status", "name"});
  keep.Add({"fields", "assignee"});
  keep.Add({"fields", "assignee", "displayName"});  // inside a whole subtree: no change
  auto p = DecodeIssuePage(kPage, "x", &keep);
  ASSERT_TRUE(p);
  const auto& i = p->issues[0];
  EXPECT_EQ(i["id"], "10001");
  EXPECT_FALSE(i.contains("key"));
  EXPECT_EQ(i["fields"]["status"].size(), 1u);
  EXPECT_EQ(i["fields"]["status"]["name"], "Done");
  EXPECT_EQ(i["fields"]["assignee"]["accountId"], "a1");
  EXPECT_FALSE(i["fields"].contains("summary"));
  EXPECT_FALSE(i["fields"].contains("labels"));
}

// A path through a list keeps its members of each element (the comments of
// an issue, each with only what the columns read); Graft puts a tree under
// a path.
TEST(PageDecoder, APathThroughAListKeepsItsMembersOfEachElement) {
  const char* page = R"({"issues":[{"id":"1","key":"A-1","fields":{"comment":{"total":2,"maxResults":20,
    "comments":[{"id":"7","body":{"type":"doc"},"author":{"accountId":"a","avatarUrls":{}}},
                {"id":"8","body":"x","author":null}]},"summary":"s"}}]})";
  KeepTree item;
  item.Add({"id"});
  item.Add({"author"});
  KeepTree keep;
  keep.Add({"id"});
  keep.Add({"fields", "comment", "total"});
  keep.Graft({"fields", "comment", "comments"}, item);
  auto p = DecodeIssuePage(page, "x", &keep);
  ASSERT_TRUE(p) << p.error().message;
  const auto& c = p->issues[0]["fields"]["comment"];
  EXPECT_EQ(c["total"], 2);
  EXPECT_FALSE(c.contains("maxResults"));
  ASSERT_EQ(c["comments"].size(), 2u);
  EXPECT_EQ(c["comments"][0], (nlohmann::json{{"id", "7"}, {"author", {{"accountId", "a"}}}}));
  EXPECT_EQ(c["comments"][1], (nlohmann::json{{"id", "8"}, {"author", nullptr}}));
  EXPECT_FALSE(p->issues[0]["fields"].contains("summary"));
  // A whole tree grafted keeps everything below.
  KeepTree all;
  all.Add({});
  KeepTree whole;
  whole.Graft({"fields", "comment"}, all);
  auto q = DecodeIssuePage(page, "x", &whole);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->issues[0]["fields"]["comment"]["comments"][0]["body"]["type"], "doc");
}

TEST(PageDecoder, BadAnswersAreErrors) {
  auto truncated = DecodeIssuePage(std::string(kPage).substr(0, 60), "POST /search/jql");
  ASSERT_FALSE(truncated);
  EXPECT_NE(truncated.error().message.find("POST /search/jql: the answer is not JSON"), std::string::npos);
  auto no_issues = DecodeIssuePage(R"({"values":[]})", "GET x");
  ASSERT_FALSE(no_issues);
  EXPECT_NE(no_issues.error().message.find("no \"issues\" array"), std::string::npos);
  EXPECT_FALSE(DecodeIssuePage(R"({"issues":{}})", "x"));
  EXPECT_FALSE(DecodeIssuePage("", "x"));
  // Wrong types for the paging members are ignored, not trusted.
  auto odd = DecodeIssuePage(R"({"issues":[],"isLast":"yes","nextPageToken":5})", "x");
  ASSERT_TRUE(odd);
  EXPECT_FALSE(odd->is_last.has_value());
  EXPECT_FALSE(odd->next_page_token.has_value());
}

// An issue whose row would mean nothing is the page's error, naming it.
TEST(PageDecoder, IssuesMustHaveAnIdAKeyAndFields) {
  auto problem = [](const std::string& issue) -> std::string {
    auto p = DecodeIssuePage(R"({"issues":[{"id":"1","key":"A-1"},)" + issue + "]}", "POST /search/jql");
    return p ? "" : p.error().message;
  };
  EXPECT_EQ(problem(R"({"id":"10002","key":"A-2","fields":{}})"), "");
  EXPECT_EQ(problem(R"({"id":10002})"), "");  // a number is an id too
  EXPECT_NE(problem("17").find("POST /search/jql: issue 2 of the page is not a JSON object"), std::string::npos);
  EXPECT_NE(problem(R"({"key":"A-2"})").find("issue 2 of the page has no \"id\""), std::string::npos);
  for (const char* bad : {R"("")", R"("ten")", R"("-5")", R"("0")", R"("1e5")", R"("99999999999999999999")", "[1]",
                          "{}", "null", "-3", "0", "18446744073709551615", "1.5"}) {
    EXPECT_NE(problem(std::string(R"({"id":)") + bad + "}").find("\"id\""), std::string::npos) << bad;
  }
  EXPECT_NE(problem(std::string(R"({"id":")") + std::string(5000, '7') + "\"}").size(), 0u);
  EXPECT_LT(problem(std::string(R"({"id":"x)") + std::string(5000, 'y') + "\"}").size(), 300u);  // quotes a little
  EXPECT_NE(problem(R"({"id":"3","key":7})").find("\"key\" that is not text"), std::string::npos);
  EXPECT_NE(problem(R"({"id":"3","fields":[]})").find("\"fields\" that are not a JSON object"), std::string::npos);
}

}  // namespace
}  // namespace jirasql
