#include "cli/progress.h"

#include <gtest/gtest.h>

namespace jirasql {
namespace {

TEST(ProgressLineTest, SaysRowsCallsAndJirasTotalWhenKnown) {
  EXPECT_EQ(ProgressLine::Text("Issues", 1, 1, -1), "Issues: 1 row, 1 API call");
  EXPECT_EQ(ProgressLine::Text("Issues", 1200, 13, 5000), "Issues: 1,200 rows of about 5,000 (24%), 13 API calls");
  // Jira's total is an estimate: never more than 100%.
  EXPECT_EQ(ProgressLine::Text("Issues", 1234567, 2000, 1000000),
            "Issues: 1,234,567 rows of about 1,000,000 (100%), 2,000 API calls");
}

}  // namespace
}  // namespace jirasql
