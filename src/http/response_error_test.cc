#include "http/response_error.h"

#include <gtest/gtest.h>

#include "testing/fakes.h"

namespace jirasql {
namespace {

using testing::Response;

TEST(ResponseErrorTest, JiraErrorMessagesAndFieldErrors) {
  auto e = ErrorFromResponse(
      Response(
          400,
          R"({"errorMessages":["Error in the JQL Query: 'x' is a reserved word."],"errors":{"summary":"Summary is required."}})"),
      "POST /rest/api/3/search/jql");
  EXPECT_EQ(e.code, ErrorCode::kHttp);
  EXPECT_EQ(e.http_status, 400);
  EXPECT_EQ(e.message,
            "POST /rest/api/3/search/jql: HTTP 400 Bad Request: Error in the JQL Query: 'x' is a reserved word.; "
            "summary: Summary is required.");
}

TEST(ResponseErrorTest, OAuthErrorBody) {
  auto e = ErrorFromResponse(
      Response(403, R"({"error":"invalid_grant","error_description":"Unknown or invalid refresh token."})"),
      "refreshing the token");
  EXPECT_EQ(e.code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(e.message, "refreshing the token: HTTP 403 Forbidden: invalid_grant: Unknown or invalid refresh token.");
}

TEST(ResponseErrorTest, GatewayMessage) {
  auto e = ErrorFromResponse(Response(401, R"({"code":401,"message":"Unauthorized; scope does not match"})"), "GET /x");
  EXPECT_EQ(e.code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(e.message, "GET /x: HTTP 401 Unauthorized: Unauthorized; scope does not match");
}

TEST(ResponseErrorTest, ProblemDetailsAndOtherShapesAreShown) {
  EXPECT_EQ(
      ErrorFromResponse(Response(422, R"({"type":"about:blank","title":"Unprocessable","detail":"bad sprint state"})"),
                        "POST /x")
          .message,
      "POST /x: HTTP 422 Unprocessable Entity: Unprocessable: bad sprint state");
  EXPECT_EQ(ErrorFromResponse(Response(400, R"({"errorMessage":"Board does not support sprints"})"), "GET /x").message,
            "GET /x: HTTP 400 Bad Request: Board does not support sprints");
}

TEST(ResponseErrorTest, HtmlAndEmptyBodiesSayOnlyTheStatus) {
  EXPECT_EQ(ErrorFromResponse(Response(404, "<!DOCTYPE html><html>...</html>"), "GET /x").message,
            "GET /x: HTTP 404 Not Found");
  EXPECT_EQ(ErrorFromResponse(Response(502, "", {}), "GET /x").message, "GET /x: HTTP 502 Bad Gateway");
  EXPECT_EQ(ErrorFromResponse(Response(502), "GET /x").code, ErrorCode::kUnavailable);
}

TEST(ResponseErrorTest, PlainTextIsClippedToOneLine) {
  auto e = ErrorFromResponse(Response(500, "line one\nline two " + std::string(2000, 'x')), "GET /x");
  EXPECT_EQ(e.message.find('\n'), std::string::npos);
  EXPECT_LT(e.message.size(), 600u);
  EXPECT_NE(e.message.find("line one line two"), std::string::npos);
}

TEST(ResponseErrorTest, RateLimitSaysHowLongAndWhy) {
  auto e =
      ErrorFromResponse(Response(429, "", {{"Retry-After", "5"}, {"RateLimit-Reason", "jira-burst-based"}}), "GET /x");
  EXPECT_EQ(e.code, ErrorCode::kRateLimited);
  EXPECT_EQ(e.message,
            "GET /x: HTTP 429 Too Many Requests (Jira asks to wait 5 s, reason: jira-burst-based); lower MaxThreads "
            "or try again later");
}

TEST(ResponseErrorTest, ExpectSuccessPassesTwoHundreds) {
  EXPECT_TRUE(ExpectSuccess(Response(204), "x"));
  auto r = ExpectSuccess(Response(410, R"({"errorMessages":["The requested API has been removed."]})"), "GET /search");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "GET /search: HTTP 410 Gone: The requested API has been removed.");
  auto t = ExpectSuccess(Fail(ErrorCode::kTimeout, "slow"), "x");
  EXPECT_EQ(t.error().code, ErrorCode::kTimeout);
}

}  // namespace
}  // namespace jirasql
