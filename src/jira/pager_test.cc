#include "jira/pager.h"

#include <gtest/gtest.h>

namespace jirasql {
namespace {

std::vector<std::string> Keys(int from, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(std::to_string(from + i));
  return out;
}

// Feeds pages until the pager is done or fails; returns the error ("" when
// it ended) and counts the fresh items.
struct Run {
  std::string error;
  int pages = 0, rows = 0;
};
template <class Answer>
Run Drive(OffsetPager& p, Answer answer, int max_pages = 1000) {
  Run r;
  while (!p.done() && r.pages < max_pages) {
    std::vector<std::string> keys;
    OffsetPage page = answer(p.next_start(), &keys);
    std::vector<bool> fresh;
    auto ok = p.Accept(page, keys, &fresh);
    ++r.pages;
    if (!ok) {
      r.error = ok.error().message;
      return r;
    }
    for (bool f : fresh) r.rows += f;
  }
  return r;
}

TEST(OffsetPagerTest, AWellBehavedListEndsEachWay) {
  // By total, by isLast, by an empty page, by a short page.
  for (int mode = 0; mode < 4; ++mode) {
    OffsetPager p("GET /x", "things", 10, mode == 3);
    auto run = Drive(p, [&](int64_t at, std::vector<std::string>* keys) {
      const int n = static_cast<int>(std::min<int64_t>(10, 25 - at));
      *keys = Keys(static_cast<int>(at), n);
      OffsetPage page{at, std::nullopt, std::nullopt};
      if (mode == 0) page.total = 25;
      if (mode == 1) page.is_last = at + n >= 25;
      return page;
    });
    EXPECT_EQ(run.error, "") << mode;
    EXPECT_EQ(run.rows, 25) << mode;
    EXPECT_EQ(run.pages, mode == 2 ? 4 : 3) << mode;  // mode 2 needs the empty page
  }
}

TEST(OffsetPagerTest, AServerThatIgnoresStartAtIsStoppedAtOnce) {
  // The same two projects, isLast=false, total 7, startAt echoed as asked:
  // the second page holds only items sent before.
  OffsetPager p("GET /project/search", "projects", 50, false);
  auto run = Drive(p, [](int64_t at, std::vector<std::string>* keys) {
    *keys = {"10000", "10001"};
    return OffsetPage{at, 7, false};
  });
  EXPECT_EQ(run.pages, 2);
  EXPECT_EQ(run.rows, 2);
  EXPECT_NE(run.error.find("the same page of projects twice"), std::string::npos) << run.error;
  EXPECT_NE(run.error.find("GET /project/search"), std::string::npos) << run.error;

  // The same page, its own startAt (0) echoed: the repeat is named first.
  OffsetPager q("GET /board", "boards", 50, false);
  run = Drive(q, [](int64_t, std::vector<std::string>* keys) {
    *keys = {"1", "2"};
    return OffsetPage{0, std::nullopt, false};
  });
  EXPECT_NE(run.error.find("the same page of boards twice"), std::string::npos) << run.error;
}

TEST(OffsetPagerTest, AWrongStartAtIsAnError) {
  OffsetPager p("GET /board", "boards", 2, false);
  auto run = Drive(p, [](int64_t at, std::vector<std::string>* keys) {
    *keys = Keys(static_cast<int>(at) + 100, 2);  // new ids, but the wrong startAt
    return OffsetPage{at == 0 ? 0 : at + 5, 10, std::nullopt};
  });
  EXPECT_NE(run.error.find("answered the request for startAt=2 with the page at startAt=7"), std::string::npos)
      << run.error;
}

TEST(OffsetPagerTest, PassingTheTotalOrAnEmptyPageBeforeItIsAnError) {
  OffsetPager p("GET /x", "things", 50, false);
  auto run = Drive(p, [](int64_t at, std::vector<std::string>* keys) {
    *keys = Keys(static_cast<int>(at), 50);
    return OffsetPage{at, 7, std::nullopt};
  });
  EXPECT_EQ(run.pages, 1);
  EXPECT_NE(run.error.find("reported 7 things in all but sent 50"), std::string::npos) << run.error;

  OffsetPager q("GET /x", "things", 50, false);
  run = Drive(q, [](int64_t at, std::vector<std::string>* keys) {
    if (at == 0) *keys = Keys(0, 50);
    return OffsetPage{at, 500, std::nullopt};
  });
  EXPECT_NE(run.error.find("reported 500 things in all but sent an empty page at startAt=50"), std::string::npos)
      << run.error;

  OffsetPager r("GET /x", "things", 50, false);
  run = Drive(r, [](int64_t at, std::vector<std::string>* keys) {
    if (at == 0) *keys = Keys(0, 50);
    return OffsetPage{at, std::nullopt, false};
  });
  EXPECT_NE(run.error.find("isLast=false) but sent an empty page"), std::string::npos) << run.error;
}

TEST(OffsetPagerTest, AnItemMovedByAnEditIsEmittedOnce) {
  // Page 2 starts with the last item of page 1 (something was inserted
  // before it while the list was read): that item is not emitted again.
  OffsetPager p("GET /x", "things", 3, false);
  std::vector<bool> fresh;
  ASSERT_TRUE(p.Accept(OffsetPage{0, 9, std::nullopt}, {"a", "b", "c"}, &fresh));
  ASSERT_TRUE(p.Accept(OffsetPage{3, 9, std::nullopt}, {"c", "d", "e"}, &fresh));
  EXPECT_EQ(fresh, (std::vector<bool>{false, true, true}));
  EXPECT_FALSE(p.done());
  // A duplicate within one page, too.
  ASSERT_TRUE(p.Accept(OffsetPage{6, 9, std::nullopt}, {"f", "f", "a"}, &fresh));
  EXPECT_EQ(fresh, (std::vector<bool>{true, false, false}));
  EXPECT_TRUE(p.done());
}

TEST(OffsetPagerTest, WithoutRememberAllOnlyThePageBeforeIsChecked) {
  OffsetPager p("POST /search", "issues", 2, false, /*remember_all=*/false);
  std::vector<bool> fresh;
  ASSERT_TRUE(p.Accept(OffsetPage{0, 6, std::nullopt}, {"1", "2"}, &fresh));
  ASSERT_TRUE(p.Accept(OffsetPage{2, 6, std::nullopt}, {"3", "4"}, &fresh));
  ASSERT_TRUE(p.Accept(OffsetPage{4, 6, std::nullopt}, {"1", "5"}, &fresh));  // "1" is two pages back
  EXPECT_EQ(fresh, (std::vector<bool>{true, true}));
  EXPECT_TRUE(p.done());
}

TEST(TokenPagerTest, TheRulesOfNextPageToken) {
  TokenPager p("POST /search/jql");
  ASSERT_TRUE(p.Accept(std::string("t1"), false, {"1", "2"}));
  EXPECT_EQ(p.token(), "t1");
  ASSERT_TRUE(p.Accept(std::string("t2"), std::nullopt, {"3"}));  // no isLast: a token means more
  EXPECT_FALSE(p.done());
  ASSERT_TRUE(p.Accept(std::nullopt, true, {"4"}));
  EXPECT_TRUE(p.done());

  TokenPager again("POST /search/jql");
  ASSERT_TRUE(again.Accept(std::string("t1"), false, {"1"}));
  auto r = again.Accept(std::string("t1"), false, {"2"});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("a nextPageToken it had sent before"), std::string::npos);

  TokenPager none("POST /search/jql");
  r = none.Accept(std::nullopt, false, {"1"});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("sent no nextPageToken"), std::string::npos);

  TokenPager same("POST /search/jql");
  ASSERT_TRUE(same.Accept(std::string("a"), false, {"1", "2"}));
  r = same.Accept(std::string("b"), false, {"1", "2"});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("the same page of issues twice"), std::string::npos);
}

}  // namespace
}  // namespace jirasql
