#include "connstr/catalog.h"

#include <gtest/gtest.h>

#include <set>

#include "common/strings.h"
#include "connstr/properties.h"

namespace jirasql {
namespace {

// Every property named in SPEC §2, spelled as the spec spells it.
const char* kSpecProperties[] = {"AuthScheme",
                                 "Url",
                                 "User",
                                 "APIToken",
                                 "Password",
                                 "PersonalAccessToken",
                                 "OAuthVersion",
                                 "OAuthClientId",
                                 "OAuthClientSecret",
                                 "CallbackURL",
                                 "InitiateOAuth",
                                 "OAuthSettingsLocation",
                                 "OAuthAccessToken",
                                 "OAuthRefreshToken",
                                 "OAuthExpiresIn",
                                 "OAuthTokenTimestamp",
                                 "OAuthVerifier",
                                 "Scope",
                                 "GrantType",
                                 "CloudId",
                                 "OAuthServerUrl",
                                 "OAuthAuthorizationURL",
                                 "OAuthAccessTokenURL",
                                 "OAuthRefreshTokenURL",
                                 "OAuthAccessibleResourcesURL",
                                 "OAuthApiGatewayURL",
                                 "UsePKCE",
                                 "Prompt",
                                 "BrowserCommand",
                                 "OAuthListenerTimeout",
                                 "Timeout",
                                 "ProxyServer",
                                 "ProxyPort",
                                 "ProxyUser",
                                 "ProxyPassword",
                                 "SSLServerCert",
                                 "Logfile",
                                 "Verbosity",
                                 "MaxRows",
                                 "Pagesize",
                                 "IncludeCustomFields",
                                 "UseDisplayNames",
                                 "Timezone",
                                 "MaxThreads",
                                 "Readonly",
                                 "PushDown"};

TEST(CatalogTest, HoldsEverySpecProperty) {
  for (const char* name : kSpecProperties) {
    const PropertySpec* spec = FindProperty(name);
    ASSERT_NE(spec, nullptr) << name;
    EXPECT_EQ(spec->name, name) << "canonical spelling differs from SPEC";
    EXPECT_FALSE(spec->description.empty()) << name;
    EXPECT_FALSE(spec->category.empty()) << name;
  }
}

TEST(CatalogTest, NamesAreUniqueIgnoringCase) {
  std::set<std::string> seen;
  for (const auto& p : PropertyCatalog()) EXPECT_TRUE(seen.insert(ToLower(p.name)).second) << p.name;
}

TEST(CatalogTest, LookupIgnoresCase) {
  ASSERT_NE(FindProperty("oauthclientid"), nullptr);
  EXPECT_EQ(FindProperty("OAUTHCLIENTID")->name, "OAuthClientId");
  EXPECT_EQ(FindProperty("NoSuchThing"), nullptr);
}

TEST(CatalogTest, SecretsAreFlaggedBySpecRule) {
  // SPEC §2: *Secret, *Token, Password, APIToken are secrets.
  for (const auto& p : PropertyCatalog()) {
    std::string n(p.name);
    bool by_rule = n.ends_with("Secret") || n.ends_with("Token") || n.ends_with("Password") || n == "APIToken";
    if (by_rule) {
      EXPECT_TRUE(p.secret) << n;
    }
  }
  EXPECT_TRUE(FindProperty("OAuthVerifier")->secret);  // an authorization code is a credential
  EXPECT_FALSE(FindProperty("OAuthClientId")->secret);
  EXPECT_FALSE(FindProperty("OAuthTokenTimestamp")->secret);
}

TEST(CatalogTest, EveryDefaultIsAValidValueOfItsOwnType) {
  for (const auto& p : PropertyCatalog()) {
    if (p.default_value.empty()) continue;
    auto v = ValidatePropertyValue(p, p.default_value);
    ASSERT_TRUE(v) << p.name << ": " << v.error().message;
    EXPECT_EQ(*v, p.default_value) << p.name << " default is not in canonical form";
  }
}

TEST(CatalogTest, SpecDefaults) {
  EXPECT_EQ(FindProperty("AuthScheme")->default_value, "OAuth");
  EXPECT_EQ(FindProperty("CallbackURL")->default_value, "http://localhost:33333");
  EXPECT_EQ(FindProperty("InitiateOAuth")->default_value, "OFF");
  EXPECT_EQ(FindProperty("Scope")->default_value, "read:jira-work read:jira-user offline_access");
  EXPECT_EQ(FindProperty("UsePKCE")->default_value, "true");
  EXPECT_EQ(FindProperty("OAuthListenerTimeout")->default_value, "300");
  EXPECT_EQ(FindProperty("Timeout")->default_value, "60");
  EXPECT_EQ(FindProperty("MaxRows")->default_value, "-1");
  EXPECT_EQ(FindProperty("IncludeCustomFields")->default_value, "false");
  EXPECT_EQ(FindProperty("UseDisplayNames")->default_value, "true");
  EXPECT_EQ(FindProperty("PushDown")->default_value, "true");
  EXPECT_EQ(FindProperty("OAuthAuthorizationURL")->default_value, "https://auth.atlassian.com/authorize");
  EXPECT_EQ(FindProperty("OAuthAccessTokenURL")->default_value, "https://auth.atlassian.com/oauth/token");
}

}  // namespace
}  // namespace jirasql
