#include "jira/endpoint.h"

#include <gtest/gtest.h>

#include "testing/fakes.h"

namespace jirasql {
namespace {

using testing::Props;

TEST(EndpointTest, CloudSchemesUseV3AndDataCenterV2) {
  auto ep = ResolveEndpoint(Props("AuthScheme=APIToken;Url=https://x.atlassian.net/"));
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->Rest("/myself"), "https://x.atlassian.net/rest/api/3/myself");
  ep = ResolveEndpoint(Props("AuthScheme=PAT;Url=https://jira.example.com"));
  EXPECT_EQ(ep->Rest("/myself"), "https://jira.example.com/rest/api/2/myself");
  ep = ResolveEndpoint(Props("AuthScheme=OAuth;CloudId=abc-123"));
  EXPECT_EQ(ep->Rest("/myself"), "https://api.atlassian.com/ex/jira/abc-123/rest/api/3/myself");
  ep = ResolveEndpoint(Props("AuthScheme=OAuth;CloudId=abc;OAuthServerUrl=http://127.0.0.1:9/ex/jira/zz"));
  EXPECT_EQ(ep->Rest("/myself"), "http://127.0.0.1:9/ex/jira/zz/rest/api/3/myself");
}

TEST(EndpointTest, ClearErrors) {
  auto ep = ResolveEndpoint(Props("AuthScheme=OAuth"));
  ASSERT_FALSE(ep);
  EXPECT_NE(ep.error().message.find("CloudId"), std::string::npos);
  ep = ResolveEndpoint(Props("AuthScheme=PAT;Url=jira.example.com"));
  ASSERT_FALSE(ep);
  EXPECT_NE(ep.error().message.find("must start with https://"), std::string::npos);
}

}  // namespace
}  // namespace jirasql
