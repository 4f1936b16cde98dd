#include "auth/token_endpoint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "auth/desktop_flow.h"
#include "common/base64.h"
#include "testing/fakes.h"

namespace jirasql {
namespace {

using ::testing::_;
using testing::MockTransport;
using testing::Response;
using ::testing::Return;

OAuthConfig Config() {
  OAuthConfig c;
  c.client_id = "cid";
  c.client_secret = "secret with spaces&symbols";
  c.access_token_url = "https://auth.example/oauth/token";
  c.refresh_token_url = "https://auth.example/oauth/refresh";
  return c;
}

TEST(TokenEndpointTest, ExchangeSendsAFormAndIsNotRetriedBlindly) {
  MockTransport http;
  HttpRequest seen;
  EXPECT_CALL(http, Send(_)).WillOnce([&](const HttpRequest& r) {
    seen = r;
    return Response(
        200,
        R"({"access_token":"at","refresh_token":"rt","expires_in":3600,"token_type":"Bearer","scope":"read:jira-work"})");
  });
  auto t = ExchangeCode(http, Config(), "the-code", "the-verifier", "http://localhost:1/cb");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->access_token, "at");
  EXPECT_EQ(t->refresh_token, "rt");
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.url, "https://auth.example/oauth/token");
  EXPECT_EQ(FindHeader(seen.headers, "Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(seen.idempotent, false);
  auto form = UrlParams("?" + seen.body);
  EXPECT_EQ(form["grant_type"], "authorization_code");
  EXPECT_EQ(form["client_secret"], "secret with spaces&symbols");
  EXPECT_EQ(form["code"], "the-code");
  EXPECT_EQ(form["code_verifier"], "the-verifier");
  EXPECT_EQ(form["redirect_uri"], "http://localhost:1/cb");
}

TEST(TokenEndpointTest, RefreshUsesTheRefreshUrlAndMayBeRetried) {
  MockTransport http;
  HttpRequest seen;
  EXPECT_CALL(http, Send(_)).WillOnce([&](const HttpRequest& r) {
    seen = r;
    return Response(200, R"({"access_token":"at2","expires_in":"600"})");
  });
  auto t = RefreshTokens(http, Config(), "rt1");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->expires_in, 600);
  EXPECT_TRUE(t->refresh_token.empty());  // none in the answer: the caller keeps the old one
  EXPECT_EQ(seen.url, "https://auth.example/oauth/refresh");
  EXPECT_EQ(seen.idempotent, true);  // Atlassian's 10-minute reuse leeway makes a retry safe
  EXPECT_EQ(UrlParams("?" + seen.body)["refresh_token"], "rt1");
}

TEST(TokenEndpointTest, FallsBackToHttpBasicWhenTheServerWantsIt) {
  MockTransport http;
  std::vector<HttpRequest> seen;
  EXPECT_CALL(http, Send(_))
      .WillOnce([&](const HttpRequest& r) {
        seen.push_back(r);
        return Response(401, R"({"error":"invalid_client","error_description":"client authentication failed"})");
      })
      .WillOnce([&](const HttpRequest& r) {
        seen.push_back(r);
        return Response(200, R"({"access_token":"at","expires_in":60})");
      });
  ASSERT_TRUE(RefreshTokens(http, Config(), "rt"));
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_NE(seen[0].body.find("client_secret="), std::string::npos);
  EXPECT_EQ(seen[1].body.find("client_secret"), std::string::npos);  // one method per request
  EXPECT_EQ(seen[1].body.find("client_id"), std::string::npos);
  EXPECT_EQ(FindHeader(seen[1].headers, "Authorization"),
            "Basic " + Base64Encode("cid:secret%20with%20spaces%26symbols"));
}

TEST(TokenEndpointTest, InvalidGrantSaysLogInAgain) {
  MockTransport http;
  EXPECT_CALL(http, Send(_))
      .WillOnce(Return(
          Response(403, R"({"error":"invalid_grant","error_description":"Unknown or invalid refresh token."})")));
  auto t = RefreshTokens(http, Config(), "old");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(t.error().message.find("Log in again with `jirasql auth login`"), std::string::npos);
  EXPECT_NE(t.error().message.find("Unknown or invalid refresh token."), std::string::npos);
}

TEST(TokenEndpointTest, BadClientCredentialsNameTheProperties) {
  MockTransport http;
  EXPECT_CALL(http, Send(_))
      .WillOnce(Return(Response(401, R"({"error":"access_denied","error_description":"Unauthorized"})")));
  auto t = RefreshTokens(http, Config(), "rt");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(t.error().message.find("check OAuthClientId and OAuthClientSecret"), std::string::npos);
}

TEST(TokenEndpointTest, MalformedAnswersAreClearErrors) {
  EXPECT_NE(ParseTokenResponse("<html>", "x").error().message.find("not a JSON object"), std::string::npos);
  EXPECT_NE(ParseTokenResponse(R"({"expires_in":3600})", "x").error().message.find("no access_token"),
            std::string::npos);
  EXPECT_NE(ParseTokenResponse(R"({"access_token":"a","expires_in":-5})", "x").error().message.find("expires_in"),
            std::string::npos);
  EXPECT_NE(ParseTokenResponse(R"({"access_token":"a","expires_in":5,"token_type":"mac"})", "x")
                .error()
                .message.find("token_type"),
            std::string::npos);
  auto ok = ParseTokenResponse(R"({"access_token":"a","expires_in":5,"token_type":"bearer"})", "x");
  EXPECT_TRUE(ok);
}

TEST(TokenEndpointTest, NeedsTheClientSecret) {
  MockTransport http;
  OAuthConfig c = Config();
  c.client_secret.clear();
  EXPECT_NE(RefreshTokens(http, c, "rt").error().message.find("OAuthClientSecret"), std::string::npos);
}

}  // namespace
}  // namespace jirasql
