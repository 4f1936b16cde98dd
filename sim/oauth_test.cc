#include "oauth.h"

#include <gtest/gtest.h>

namespace jirasim {
namespace {

constexpr int64_t kMin = 60 * 1000;
constexpr int64_t kDay = 86400 * 1000;

class OAuthStateTest : public ::testing::Test {
 protected:
  AuthState auth_{"cid", "secret", {"http://localhost:33333"}, 3600, 1};
  int64_t now_ = 1'700'000'000'000;

  AuthorizeRequest Req(std::string scope = "read:jira-work offline_access") {
    AuthorizeRequest r;
    r.client_id = "cid";
    r.redirect_uri = "http://localhost:33333";
    r.scope = scope;
    r.state = "st";
    r.response_type = "code";
    r.audience = "api.atlassian.com";
    return r;
  }
  std::string Code(AuthorizeRequest r, int user = 0, int site = 0) {
    std::string tx = auth_.BeginTransaction(r, now_);
    int64_t expires = 0;
    return auth_.Approve(tx, user, site, now_, &expires);
  }
  TokenResult Exchange(const std::string& code, std::string verifier = "") {
    std::map<std::string, std::string> p = {{"grant_type", "authorization_code"},
                                            {"client_id", "cid"},
                                            {"client_secret", "secret"},
                                            {"code", code},
                                            {"redirect_uri", "http://localhost:33333"}};
    if (!verifier.empty()) p["code_verifier"] = verifier;
    return auth_.Token(p, now_);
  }
  TokenResult Refresh(const std::string& rt) {
    return auth_.Token(
        {{"grant_type", "refresh_token"}, {"client_id", "cid"}, {"client_secret", "secret"}, {"refresh_token", rt}},
        now_);
  }
  std::string RefreshToken() {
    auto t = Exchange(Code(Req()));
    EXPECT_EQ(t.status, 200);
    return t.body["refresh_token"];
  }
};

TEST_F(OAuthStateTest, CodeExchangeGivesAtlassianShapedTokens) {
  auto t = Exchange(Code(Req()));
  ASSERT_EQ(t.status, 200) << t.body.dump();
  EXPECT_EQ(t.body["token_type"], "Bearer");
  EXPECT_EQ(t.body["expires_in"], 3600);
  EXPECT_EQ(t.body["scope"], "read:jira-work offline_access");
  EXPECT_TRUE(t.body.contains("refresh_token"));
  auto info = auth_.CheckAccess(t.body["access_token"], now_);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->user, 0);
  EXPECT_EQ(info->sites, std::vector<int>{0});
  EXPECT_TRUE(info->scopes.count("read:jira-work"));
}

TEST_F(OAuthStateTest, NoRefreshTokenWithoutOfflineAccess) {
  auto t = Exchange(Code(Req("read:jira-work")));
  ASSERT_EQ(t.status, 200);
  EXPECT_FALSE(t.body.contains("refresh_token"));
}

TEST_F(OAuthStateTest, CodesAreSingleUseAndLiveTenMinutes) {
  std::string code = Code(Req());
  EXPECT_EQ(Exchange(code).status, 200);
  auto again = Exchange(code);
  EXPECT_EQ(again.status, 403);
  EXPECT_EQ(again.body["error"], "invalid_grant");
  std::string late = Code(Req());
  now_ += 10 * kMin + 1;
  EXPECT_EQ(Exchange(late).status, 403);
}

TEST_F(OAuthStateTest, RedirectUriMustMatch) {
  std::string code = Code(Req());
  auto t = auth_.Token({{"grant_type", "authorization_code"},
                        {"client_id", "cid"},
                        {"client_secret", "secret"},
                        {"code", code},
                        {"redirect_uri", "http://localhost:9999"}},
                       now_);
  EXPECT_EQ(t.status, 403);
  EXPECT_EQ(t.body["error"], "invalid_grant");
}

TEST_F(OAuthStateTest, PkceIsVerified) {
  auto r = Req();
  const std::string verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  r.code_challenge = PkceChallenge(verifier);
  r.code_challenge_method = "S256";
  // RFC 7636 appendix B's example pair.
  EXPECT_EQ(r.code_challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  EXPECT_EQ(Exchange(Code(r)).status, 400);  // verifier missing
  EXPECT_EQ(Exchange(Code(r), "wrong-verifier").status, 403);
  EXPECT_EQ(Exchange(Code(r), verifier).status, 200);
}

TEST_F(OAuthStateTest, BadClientCredentialsAreAccessDenied) {
  auto t = auth_.Token(
      {{"grant_type", "refresh_token"}, {"client_id", "cid"}, {"client_secret", "nope"}, {"refresh_token", "x"}}, now_);
  EXPECT_EQ(t.status, 401);
  EXPECT_EQ(t.body["error"], "access_denied");
}

TEST_F(OAuthStateTest, MalformedRequestsAre400) {
  EXPECT_EQ(auth_.Token({}, now_).status, 400);
  EXPECT_EQ(auth_.Token({{"grant_type", "password"}, {"client_id", "cid"}}, now_).body["error"],
            "unsupported_grant_type");
  EXPECT_EQ(
      auth_.Token({{"grant_type", "refresh_token"}, {"client_id", "cid"}, {"client_secret", "secret"}}, now_).status,
      400);
}

TEST_F(OAuthStateTest, RefreshRotates) {
  std::string rt = RefreshToken();
  auto r1 = Refresh(rt);
  ASSERT_EQ(r1.status, 200);
  std::string rt2 = r1.body["refresh_token"];
  EXPECT_NE(rt2, rt);
  EXPECT_TRUE(auth_.CheckAccess(r1.body["access_token"], now_));
  EXPECT_EQ(auth_.counters().refreshes, 1);
  now_ += kDay;
  EXPECT_EQ(Refresh(rt2).status, 200);
}

TEST_F(OAuthStateTest, ReuseWithinLeewayIsTolerated) {
  std::string rt = RefreshToken();
  auto r1 = Refresh(rt);
  now_ += 9 * kMin;
  auto again = Refresh(rt);  // e.g. a second process that had not seen the rotation
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(auth_.counters().reuse_within_leeway, 1);
  EXPECT_EQ(auth_.counters().reuse_detections, 0);
  EXPECT_EQ(Refresh(r1.body["refresh_token"]).status, 200);  // the first successor still works
}

TEST_F(OAuthStateTest, ReuseAfterLeewayRevokesTheGrant) {
  std::string rt = RefreshToken();
  auto r1 = Refresh(rt);
  std::string at = r1.body["access_token"];
  std::string rt2 = r1.body["refresh_token"];
  now_ += 11 * kMin;
  auto late = Refresh(rt);
  EXPECT_EQ(late.status, 403);
  EXPECT_EQ(late.body["error"], "invalid_grant");
  EXPECT_EQ(auth_.counters().reuse_detections, 1);
  EXPECT_EQ(auth_.counters().revocations, 1);
  // The whole grant is gone: the newest refresh token and the access token too.
  EXPECT_EQ(Refresh(rt2).status, 403);
  EXPECT_FALSE(auth_.CheckAccess(at, now_));
}

TEST_F(OAuthStateTest, InactivityExpiryAfterNinetyDays) {
  std::string rt = RefreshToken();
  now_ += 89 * kDay;
  auto r = Refresh(rt);
  ASSERT_EQ(r.status, 200);
  now_ += 90 * kDay + 1;
  auto late = Refresh(r.body["refresh_token"]);
  EXPECT_EQ(late.status, 403);
  EXPECT_EQ(late.body["error"], "invalid_grant");
}

TEST_F(OAuthStateTest, AbsoluteExpiryAfterAYear) {
  std::string rt = RefreshToken();
  for (int i = 0; i < 5; ++i) {
    now_ += 80 * kDay;  // active, but the grant ages
    auto r = Refresh(rt);
    if (i < 4) {
      ASSERT_EQ(r.status, 200) << i;
      rt = r.body["refresh_token"];
    } else {
      EXPECT_EQ(r.status, 403);  // 400 days
    }
  }
}

TEST_F(OAuthStateTest, AccessTokensExpire) {
  auto t = Exchange(Code(Req()));
  std::string at = t.body["access_token"];
  EXPECT_TRUE(auth_.CheckAccess(at, now_ + 3599 * 1000));
  EXPECT_FALSE(auth_.CheckAccess(at, now_ + 3600 * 1000));
  EXPECT_FALSE(auth_.CheckAccess("not-a-token", now_));
}

TEST_F(OAuthStateTest, ConsentedSitesAccumulate) {
  Exchange(Code(Req(), 0, 0));
  auto t = Exchange(Code(Req(), 0, 1));
  auto info = auth_.CheckAccess(t.body["access_token"], now_);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->sites, (std::vector<int>{0, 1}));
}

TEST_F(OAuthStateTest, ImplicitGrantGivesAnAccessTokenOnly) {
  auto r = Req();
  r.response_type = "token";
  std::string tx = auth_.BeginTransaction(r, now_);
  int64_t expires = 0;
  std::string at = auth_.Approve(tx, 0, 0, now_, &expires);
  EXPECT_EQ(expires, 3600);
  EXPECT_TRUE(auth_.CheckAccess(at, now_));
}

}  // namespace
}  // namespace jirasim
