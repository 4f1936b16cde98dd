// The route table: the most specific pattern wins whatever the order,
// editions are kept apart, and only writes take the world alone.

#include "api.h"

#include <gtest/gtest.h>

#include <set>

#include "common/strings.h"

namespace jirasim {
namespace {

std::vector<std::string> Segs(const std::string& tail) {
  std::vector<std::string> out = {"rest", "api", "3"};
  for (const auto& s : jirasql::Split(tail, '/')) {
    if (!s.empty()) out.push_back(s);
  }
  return out;
}

TEST(ApiRoutes, ALiteralSegmentBeatsACapture) {
  std::vector<std::string> c;
  const Route* r = FindRoute("GET", false, false, Segs("project/search"), &c);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->handle, &ApiCall::SearchProjects);
  EXPECT_TRUE(c.empty());
  r = FindRoute("GET", false, false, Segs("project/ABC"), &c);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->handle, &ApiCall::GetProject);
  EXPECT_EQ(c, std::vector<std::string>{"ABC"});
  r = FindRoute("POST", false, false, Segs("issue/bulkfetch"), &c);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->handle, &ApiCall::BulkFetch);
  r = FindRoute("GET", false, false, Segs("issue/ABC-1/comment"), &c);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->handle, &ApiCall::IssueComments);
  EXPECT_EQ(c, std::vector<std::string>{"ABC-1"});
}

TEST(ApiRoutes, EditionsMethodsAndFamiliesAreKeptApart) {
  std::vector<std::string> c;
  EXPECT_EQ(FindRoute("POST", false, true, Segs("issue/bulkfetch"), &c), nullptr);  // Cloud only
  EXPECT_EQ(FindRoute("POST", false, true, Segs("search/jql"), &c), nullptr);
  EXPECT_NE(FindRoute("POST", false, true, Segs("search"), &c), nullptr);
  EXPECT_EQ(FindRoute("PATCH", false, false, Segs("issue/ABC-1"), &c), nullptr);
  EXPECT_EQ(FindRoute("GET", true, false, Segs("myself"), &c), nullptr);  // not an agile resource
  EXPECT_EQ(FindRoute("GET", false, false, Segs("nothing/here"), &c), nullptr);
}

TEST(ApiRoutes, OnlyWritesTakeTheWorldAloneAndEachRouteIsDeclaredOnce) {
  std::set<std::string> seen;
  for (const auto& r : ApiRoutes()) {
    std::string key = std::string(r.method) + (r.agile ? " agile " : " api ") + jirasql::Join(r.pattern, "/");
    EXPECT_TRUE(seen.insert(key).second) << key << " is declared twice";
    if (std::string(r.method) == "GET") {
      EXPECT_FALSE(r.writes) << key;
    }
    EXPECT_NE(r.handle, nullptr) << key;
  }
  // The searches parallel scans send together are read-only.
  std::vector<std::string> c;
  for (const char* tail : {"search/jql", "search/approximate-count", "issue/bulkfetch"}) {
    const Route* r = FindRoute("POST", false, false, Segs(tail), &c);
    ASSERT_NE(r, nullptr) << tail;
    EXPECT_FALSE(r->writes) << tail;
  }
  EXPECT_TRUE(FindRoute("POST", false, false, Segs("issue"), &c)->writes);
}

}  // namespace
}  // namespace jirasim
