#include "auth/sites.h"

#include <gtest/gtest.h>

namespace jirasql {
namespace {

const char* kResources = R"([
  {"id":"c0ffee","url":"https://wiki.atlassian.net","name":"wiki","scopes":["read:confluence-content.all"]},
  {"id":"aaa-1","url":"https://acme.atlassian.net","name":"acme","scopes":["read:jira-work","read:jira-user"]},
  {"id":"bbb-2","url":"https://acme-labs.atlassian.net","name":"acme-labs","scopes":["read:jira-work"]}
])";

TEST(SitesTest, KeepsJiraSitesOnly) {
  auto sites = ParseAccessibleResources(kResources);
  ASSERT_TRUE(sites);
  ASSERT_EQ(sites->size(), 2u);
  EXPECT_EQ((*sites)[0].cloud_id, "aaa-1");
  EXPECT_FALSE(ParseAccessibleResources("{}"));
}

TEST(SitesTest, ChoosesByUrlThenCloudId) {
  auto sites = *ParseAccessibleResources(kResources);
  EXPECT_EQ(ChooseSite(sites, "ACME-LABS.atlassian.net/", "")->cloud_id, "bbb-2");
  EXPECT_EQ(ChooseSite(sites, "https://acme.atlassian.net", "bbb-2")->cloud_id, "aaa-1");  // Url wins
  EXPECT_EQ(ChooseSite(sites, "", "bbb-2")->cloud_id, "bbb-2");
}

TEST(SitesTest, SeveralSitesAndNoHintListsThem) {
  auto sites = *ParseAccessibleResources(kResources);
  auto r = ChooseSite(sites, "", "");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("several Jira sites"), std::string::npos);
  EXPECT_NE(r.error().message.find("https://acme.atlassian.net  (CloudId=aaa-1)"), std::string::npos);
  EXPECT_NE(r.error().message.find("https://acme-labs.atlassian.net  (CloudId=bbb-2)"), std::string::npos);
  auto wrong = ChooseSite(sites, "https://other.atlassian.net", "");
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("not among the sites"), std::string::npos);
  EXPECT_FALSE(ChooseSite({}, "", ""));
  sites.pop_back();
  EXPECT_EQ(ChooseSite(sites, "", "")->cloud_id, "aaa-1");  // the only one
}

}  // namespace
}  // namespace jirasql
