#include "auth/credentials.h"

#include <gtest/gtest.h>

#include "testing/fakes.h"

namespace jirasql {
namespace {

using testing::Props;

std::string Incomplete(std::string_view s) {
  ConnectionProperties p;
  EXPECT_TRUE(p.Apply(s, PropSource::kConnectString));
  auto r = CheckComplete(p);
  EXPECT_FALSE(r) << s;
  return r ? "" : r.error().message;
}

TEST(CredentialsTest, CheckCompleteNamesWhatIsMissing) {
  EXPECT_EQ(Incomplete("AuthScheme=APIToken;Url=https://x.atlassian.net;User=me@x.com"),
            "AuthScheme=APIToken needs APIToken; add APIToken=<your API token> to the connection string");
  EXPECT_NE(Incomplete("AuthScheme=PAT;Url=https://jira").find("needs PersonalAccessToken"), std::string::npos);
  EXPECT_NE(Incomplete("AuthScheme=Basic;User=u;Password=p").find("needs Url"), std::string::npos);
  EXPECT_NE(Incomplete("").find("InitiateOAuth=GETANDREFRESH"), std::string::npos);
  EXPECT_NE(Incomplete("InitiateOAuth=REFRESH;OAuthClientId=abc").find("needs OAuthClientSecret"), std::string::npos);
  EXPECT_NE(Incomplete("AuthScheme=Anonymous;Url=http://j;ProxyUser=u").find("ProxyServer"), std::string::npos);

  ConnectionProperties ok;
  ASSERT_TRUE(ok.Apply("AuthScheme=PAT;Url=https://jira;PersonalAccessToken=t", PropSource::kConnectString));
  EXPECT_TRUE(CheckComplete(ok));
}

TEST(CredentialsTest, StaticAuthHeaders) {
  auto h = StaticAuthHeaders(Props("AuthScheme=APIToken;Url=https://x;User=user;APIToken=pass"));
  ASSERT_TRUE(h);
  EXPECT_EQ(FindHeader(*h, "Authorization"), "Basic dXNlcjpwYXNz");
  h = StaticAuthHeaders(Props("AuthScheme=PAT;Url=https://x;PersonalAccessToken=tok"));
  EXPECT_EQ(FindHeader(*h, "Authorization"), "Bearer tok");
  h = StaticAuthHeaders(Props("AuthScheme=OAuth;OAuthAccessToken=at;CloudId=c"));
  EXPECT_EQ(FindHeader(*h, "Authorization"), "Bearer at");
  h = StaticAuthHeaders(Props("AuthScheme=Anonymous;Url=https://x"));
  EXPECT_EQ(FindHeader(*h, "Authorization"), std::nullopt);
  h = StaticAuthHeaders(Props("AuthScheme=PAT;Url=https://x"));
  ASSERT_FALSE(h);
  EXPECT_NE(h.error().message.find("PersonalAccessToken"), std::string::npos);
}

TEST(CredentialsTest, EachSchemeItsSiteAndApiVersion) {
  auto site = SiteFromProperties(Props("AuthScheme=APIToken;Url=https://x.atlassian.net/"));
  ASSERT_TRUE(site);
  EXPECT_EQ(site->base_url, "https://x.atlassian.net");
  EXPECT_EQ(site->api_version, 3);
  for (const char* dc :
       {"AuthScheme=PAT;Url=https://j", "AuthScheme=Basic;Url=https://j", "AuthScheme=Anonymous;Url=https://j"}) {
    EXPECT_EQ(SiteFromProperties(Props(dc))->api_version, 2) << dc;
  }
  auto c = MakeCredentials(Props("AuthScheme=PAT;Url=https://j;PersonalAccessToken=tok"), nullptr, nullptr);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ((*c)->scheme(), "PAT");
  std::string secret;
  auto h = (*c)->AuthHeaders(&secret);
  ASSERT_TRUE(h);
  EXPECT_EQ(FindHeader(*h, "Authorization"), "Bearer tok");
  EXPECT_EQ(secret, "tok");
  EXPECT_FALSE(*(*c)->Rejected(secret));  // nothing to refresh
  EXPECT_NE((*c)->RejectedHint().find("Check PersonalAccessToken"), std::string::npos);
  EXPECT_EQ((*c)->RejectedHint().find("tok"), std::string::npos);
  auto api =
      MakeCredentials(Props("AuthScheme=APIToken;Url=https://x;User=me@x.com;APIToken=sekret"), nullptr, nullptr);
  ASSERT_TRUE(api);
  EXPECT_NE((*api)->RejectedHint().find("as User=me@x.com (the APIToken is not shown)"), std::string::npos);
  EXPECT_EQ((*api)->RejectedHint().find("sekret"), std::string::npos);
  EXPECT_FALSE(MakeCredentials(Props("AuthScheme=PAT;Url=https://j"), nullptr, nullptr));
}

}  // namespace
}  // namespace jirasql
