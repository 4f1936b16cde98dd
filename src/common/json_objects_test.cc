#include "common/json_objects.h"

#include <gtest/gtest.h>

#include <string>

namespace jirasql {
namespace {

TEST(CountJsonObjects, CountsATopLevelListOrTheLongestListMember) {
  EXPECT_EQ(CountJsonObjects(R"([{"id":"1"},{"id":"2"},3])"), 3);
  EXPECT_EQ(CountJsonObjects(R"( [ "a,]" , "b\"]" ] )"), 2);  // commas and brackets in strings are text
  EXPECT_EQ(
      CountJsonObjects(R"({"issues":[{"id":"1","fields":{"labels":["a","b","c","d"]}},{"id":"2"}],"isLast":true})"), 2);
  EXPECT_EQ(CountJsonObjects(R"({"warningMessages":["x"],"values":[1,2,3,4],"names":{"a":[1,2,3,4,5,6]}})"), 4);
  EXPECT_EQ(CountJsonObjects(R"({"values":[[1,2],[3],[]],"other":[true,false]})"), 3);
  EXPECT_EQ(CountJsonObjects(R"({"issues":[],"isLast":true})"), 0);
  EXPECT_EQ(CountJsonObjects(R"({"id":"10001","key":"A-1","fields":{"labels":["x","y"]}})"), 1);
  EXPECT_EQ(CountJsonObjects(R"({"count":12345})"), 1);
  EXPECT_EQ(CountJsonObjects("{}"), 1);
  EXPECT_EQ(CountJsonObjects("[]"), 0);
  EXPECT_EQ(CountJsonObjects("42"), 1);
}

TEST(CountJsonObjects, AMalformedOrEmptyBodyCountsNothing) {
  EXPECT_EQ(CountJsonObjects(""), 0);
  EXPECT_EQ(CountJsonObjects("  \n"), 0);
  EXPECT_EQ(CountJsonObjects("{\"issues\":[1,2"), 0);  // cut short
  EXPECT_EQ(CountJsonObjects("{\"a\":\"unterminated"), 0);
  EXPECT_EQ(CountJsonObjects("[1,2]]"), 0);
  EXPECT_EQ(CountJsonObjects("{\"a\":[1,2}"), 0);
}

TEST(CountJsonObjects, ALargePageIsCountedWhole) {
  std::string page = "{\"issues\":[";
  for (int i = 0; i < 5000; ++i) page += (i ? "," : "") + std::string("{\"id\":\"") + std::to_string(10000 + i) + "\"}";
  page += "],\"nextPageToken\":\"x\"}";
  EXPECT_EQ(CountJsonObjects(page), 5000);
}

}  // namespace
}  // namespace jirasql
