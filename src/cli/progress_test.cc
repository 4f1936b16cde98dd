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

TEST(ProgressLineTest, ASyncSaysTheProjectTheRequestsThePointsAndTheTimeLeft) {
  // Project 2 of 4 half read after 30 s: 1.5 of 4 done, 50 s to go.
  EXPECT_EQ(ProgressLine::SyncText("BETA Issues", 1, 4, 2500, 5000, 230, 54321, 30),
            "[2/4] BETA Issues: 2,500 rows of about 5,000 (50%); 230 requests, about 54,321 points; about 50 s left");
  // Between scans, and too early to say how long.
  EXPECT_EQ(ProgressLine::SyncText("ALPHA census", 0, 3, -1, -1, 1, 2, 0.5),
            "[1/3] ALPHA census; 1 request, about 2 points");
  EXPECT_EQ(ProgressLine::SyncText("GAMMA Comments", 2, 3, 10, -1, 900, 1000, 600),
            "[3/3] GAMMA Comments: 10 rows; 900 requests, about 1,000 points; about 5 min left");
}

}  // namespace
}  // namespace jirasql
