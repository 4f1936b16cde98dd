#include "auth/authorization.h"

#include <gtest/gtest.h>

#include "auth/desktop_flow.h"
#include "auth/pkce.h"

namespace jirasql {
namespace {

OAuthConfig Config() {
  ConnectionProperties p;
  EXPECT_TRUE(
      p.Apply("AuthScheme=OAuth;OAuthClientId=my-client;OAuthClientSecret=s;CallbackURL=http://localhost:8085/cb",
              PropSource::kConnectString));
  return *OAuthConfigFrom(p);
}

TEST(AuthorizationTest, HasEveryParameterAtlassianExpects) {
  auto req = BuildAuthorizationUrl(Config());
  ASSERT_TRUE(req);
  EXPECT_EQ(req->url.rfind("https://auth.atlassian.com/authorize?", 0), 0u);
  auto q = UrlParams(req->url);
  EXPECT_EQ(q["audience"], "api.atlassian.com");
  EXPECT_EQ(q["client_id"], "my-client");
  EXPECT_EQ(q["scope"], "read:jira-work read:jira-user offline_access");
  EXPECT_EQ(q["redirect_uri"], "http://localhost:8085/cb");
  EXPECT_EQ(q["response_type"], "code");
  EXPECT_EQ(q["prompt"], "consent");
  EXPECT_EQ(q["state"], req->state);
  EXPECT_GE(req->state.size(), 22u);  // at least 128 random bits
  EXPECT_EQ(q["code_challenge_method"], "S256");
  EXPECT_EQ(q["code_challenge"], PkceS256(req->code_verifier));
  EXPECT_GE(req->code_verifier.size(), 43u);
  // The scope's spaces are encoded, not sent raw.
  EXPECT_NE(req->url.find("scope=read%3Ajira-work%20read%3Ajira-user%20offline_access"), std::string::npos);
}

TEST(AuthorizationTest, FreshStateAndVerifierEachTime) {
  auto a = BuildAuthorizationUrl(Config()), b = BuildAuthorizationUrl(Config());
  EXPECT_NE(a->state, b->state);
  EXPECT_NE(a->code_verifier, b->code_verifier);
}

TEST(AuthorizationTest, OverridesAndNoPkceAndImplicit) {
  OAuthConfig c = Config();
  c.use_pkce = false;
  AuthorizationOverrides o;
  o.state = "given-state";
  o.scope = "read:jira-work";
  o.callback_url = "https://app.example.com/oauth";
  auto req = BuildAuthorizationUrl(c, o);
  auto q = UrlParams(req->url);
  EXPECT_EQ(q["state"], "given-state");
  EXPECT_EQ(q["scope"], "read:jira-work");
  EXPECT_EQ(q["redirect_uri"], "https://app.example.com/oauth");
  EXPECT_EQ(q.count("code_challenge"), 0u);
  EXPECT_TRUE(req->code_verifier.empty());
  o.implicit = true;
  EXPECT_EQ(UrlParams(BuildAuthorizationUrl(Config(), o)->url)["response_type"], "token");
}

TEST(AuthorizationTest, NeedsAClientId) {
  ConnectionProperties p;
  ASSERT_TRUE(p.Apply("AuthScheme=OAuth", PropSource::kConnectString));
  auto c = OAuthConfigFrom(p);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("OAuthClientId"), std::string::npos);
}

TEST(CallbackUrlTest, OnlyLoopbackHosts) {
  auto a = ParseCallbackUrl("http://localhost:33333");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->port, 33333);
  EXPECT_EQ(a->path, "/");
  a = ParseCallbackUrl("http://127.0.0.1:9000/oauth/callback?x=1");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->path, "/oauth/callback");
  EXPECT_TRUE(ParseCallbackUrl("http://[::1]:8080/cb"));
  auto bad = ParseCallbackUrl("http://myhost.example.com:8080/cb");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("only listens on this machine's loopback"), std::string::npos);
  EXPECT_FALSE(ParseCallbackUrl("https://localhost:8080/cb"));
  EXPECT_FALSE(ParseCallbackUrl("http://localhost:99999/cb"));
}

TEST(CallbackUrlTest, ParamsFromQueryAndFragment) {
  auto p = UrlParams("http://localhost:1/cb?code=a%2Fb&state=s#access_token=t&expires_in=5");
  EXPECT_EQ(p["code"], "a/b");
  EXPECT_EQ(p["state"], "s");
  EXPECT_EQ(p["access_token"], "t");
  EXPECT_EQ(p["expires_in"], "5");
}

TEST(SettingsLocationTest, Expansion) {
  setenv("XDG_CONFIG_HOME", "/tmp/xdg", 1);
  EXPECT_EQ(ExpandSettingsLocation("$XDG_CONFIG_HOME/jirasql/OAuthSettings.json"),
            "/tmp/xdg/jirasql/OAuthSettings.json");
  setenv("HOME", "/home/u", 1);
  EXPECT_EQ(ExpandSettingsLocation("~/x.json"), "/home/u/x.json");
  EXPECT_EQ(ExpandSettingsLocation("memory://a"), "memory://a");
}

}  // namespace
}  // namespace jirasql
