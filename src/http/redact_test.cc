#include "http/redact.h"

#include <gtest/gtest.h>

namespace jirasql {
namespace {

TEST(RedactTest, SecretKeys) {
  for (auto k : {"access_token", "refresh_token", "client_secret", "code", "code_verifier", "password",
                 "OAuthAccessToken", "APIToken", "id_token", "ProxyPassword"}) {
    EXPECT_TRUE(IsSecretKey(k)) << k;
  }
  for (auto k : {"nextPageToken", "token_type", "expires_in", "scope", "state", "jql", "cloudid"}) {
    EXPECT_FALSE(IsSecretKey(k)) << k;
  }
}

TEST(RedactTest, HeadersKeepOnlyTheScheme) {
  Redactor r;
  EXPECT_EQ(r.HeaderValue("Authorization", "Bearer eyJhbGciOi.abc.def"), "Bearer [REDACTED]");
  EXPECT_EQ(r.HeaderValue("authorization", "Basic dXNlcjpwYXNz"), "Basic [REDACTED]");
  EXPECT_EQ(r.HeaderValue("Cookie", "a=b; c=d"), "[REDACTED]");
  EXPECT_EQ(r.HeaderValue("Content-Type", "application/json"), "application/json");
  EXPECT_EQ(r.HeaderValue("Location", "http://localhost:33333/?code=abc123&state=s"),
            "http://localhost:33333/?code=[REDACTED]&state=s");
}

TEST(RedactTest, Urls) {
  Redactor r;
  EXPECT_EQ(r.Url("https://auth/authorize?client_id=cid&code_challenge=xx&state=s"),
            "https://auth/authorize?client_id=cid&code_challenge=xx&state=s");
  EXPECT_EQ(r.Url("http://localhost:1/cb?code=SECRETCODE&state=st"), "http://localhost:1/cb?code=[REDACTED]&state=st");
  EXPECT_EQ(r.Url("http://localhost:1/cb#access_token=AT&expires_in=3600"),
            "http://localhost:1/cb#access_token=[REDACTED]&expires_in=3600");
  EXPECT_EQ(r.Url("https://u:pa55word@proxy:3128/x?token=t1"), "https://u:[REDACTED]@proxy:3128/x?token=[REDACTED]");
  EXPECT_EQ(r.Url("https://j/rest/api/3/search/jql?nextPageToken=abc"),
            "https://j/rest/api/3/search/jql?nextPageToken=abc");
}

TEST(RedactTest, JsonBodies) {
  Redactor r;
  std::string out = r.Body(
      R"({"grant_type":"refresh_token","client_id":"cid","client_secret":"CS-123","refresh_token":"RT-456","nested":[{"access_token":"AT-789"}]})");
  EXPECT_EQ(out.find("CS-123"), std::string::npos) << out;
  EXPECT_EQ(out.find("RT-456"), std::string::npos) << out;
  EXPECT_EQ(out.find("AT-789"), std::string::npos) << out;
  EXPECT_NE(out.find("\"client_id\":\"cid\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"grant_type\":\"refresh_token\""), std::string::npos) << out;  // a value, not a key
}

TEST(RedactTest, FormBodies) {
  Redactor r;
  EXPECT_EQ(r.Body("grant_type=authorization_code&code=C0DE&client_secret=S%2B1&redirect_uri=http%3A%2F%2Fx"),
            "grant_type=authorization_code&code=[REDACTED]&client_secret=[REDACTED]&redirect_uri=http%3A%2F%2Fx");
}

TEST(RedactTest, TruncatedOrLooseText) {
  Redactor r;
  std::string out = r.Body(R"({"access_token": "eyJraWQ.partial", "refresh_token":"abc)");
  EXPECT_EQ(out.find("eyJraWQ"), std::string::npos) << out;
  EXPECT_EQ(out.find("abc"), std::string::npos) << out;
  out = r.Body("Authorization: Bearer zzzTOKENzzz\nnext line");
  EXPECT_EQ(out.find("zzzTOKENzzz"), std::string::npos) << out;
  EXPECT_NE(out.find("next line"), std::string::npos) << out;
}

TEST(RedactTest, KnownSecretsAreMaskedAnywhere) {
  Redactor r;
  r.AddSecret("my-very-secret");
  r.AddSecret("a b/c+d");
  r.AddSecret("abc");  // too short to mask
  EXPECT_EQ(r.Text("prefix my-very-secretsuffix"), "prefix [REDACTED]suffix");
  EXPECT_EQ(r.Text("q=a%20b%2Fc%2Bd"), "q=[REDACTED]");
  EXPECT_EQ(r.Text("abc"), "abc");
  EXPECT_EQ(r.Body(R"({"note":"my-very-secret"})"), R"({"note":"[REDACTED]"})");
}

}  // namespace
}  // namespace jirasql
