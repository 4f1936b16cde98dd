#include "http/logging_transport.h"

#include <gtest/gtest.h>

#include "common/base64.h"
#include "connstr/properties.h"
#include "testing/loopback_server.h"
#include "testing/temp_dir.h"

namespace jirasql {
namespace {

using testing::LoopbackServer;
using testing::ReadFile;
using testing::TempDir;

// The wire log at Verbosity=5 of requests carrying a Bearer token, a Basic
// header and a client secret holds none of them, nor the tokens the server
// sends back.
TEST(LoggingTransportTest, FullWireLogHasNoSecrets) {
  const std::string kBearer = "eyJhbGciOiJIUzI1NiJ9.bearer-token-value.sig";
  const std::string kApiToken = "ATATT3xFfGF0-api-token-value";
  const std::string kClientSecret = "client-secret-value-Xy9";
  const std::string kNewAccess = "new-access-token-from-server";
  const std::string kNewRefresh = "new-refresh-token-from-server";
  const std::string kCode = "authorization-code-value";

  LoopbackServer s;
  s.server().Post("/oauth/token", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"access_token":")" + kNewAccess + R"(","refresh_token":")" + kNewRefresh +
                        R"(","expires_in":3600,"token_type":"Bearer","scope":"read:jira-work"})",
                    "application/json");
  });
  s.server().Get("/rest/api/3/myself", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"accountId":"5b10a2844c20165700ede21g","displayName":"Mia"})", "application/json");
  });
  s.Start();

  TempDir dir;
  const std::string log_path = dir.path() + "/wire.log";
  ConnectionProperties props;
  ASSERT_TRUE(props.Apply("AuthScheme=APIToken;User=mia@example.com;APIToken=" + kApiToken + ";Url=" + s.url() +
                              ";OAuthClientSecret=" + kClientSecret + ";Logfile=" + log_path + ";Verbosity=5",
                          PropSource::kConnectString));
  auto logger = Logger::Open(props.Get("Logfile"), 5);
  ASSERT_TRUE(logger);
  auto transport = MakeHttpTransport(props, *logger);
  ASSERT_TRUE(transport) << transport.error().message;

  // 1. Basic header (API token).
  const Headers headers = {{"Authorization", "Basic " + Base64Encode("mia@example.com:" + kApiToken)}};
  auto r = (*transport)->Send({"GET", s.url() + "/rest/api/3/myself", headers, "", std::nullopt});
  ASSERT_TRUE(r && r->status == 200);
  // 2. Bearer token, also in a query string.
  r = (*transport)
          ->Send({"GET",
                  s.url() + "/rest/api/3/myself?access_token=" + kBearer,
                  {{"Authorization", "Bearer " + kBearer}},
                  "",
                  std::nullopt});
  ASSERT_TRUE(r && r->status == 200);
  // 3. Client secret and code in a JSON body, tokens in the answer.
  r = (*transport)
          ->Send({"POST",
                  s.url() + "/oauth/token",
                  {{"Content-Type", "application/json"}},
                  R"({"grant_type":"authorization_code","client_id":"cid","client_secret":")" + kClientSecret +
                      R"(","code":")" + kCode + R"(","redirect_uri":"http://localhost:33333"})",
                  std::nullopt});
  ASSERT_TRUE(r && r->status == 200);
  // 4. The same as a form body.
  r = (*transport)
          ->Send({"POST",
                  s.url() + "/oauth/token",
                  {{"Content-Type", "application/x-www-form-urlencoded"}},
                  "grant_type=refresh_token&client_secret=" + kClientSecret + "&refresh_token=" + kNewRefresh,
                  std::nullopt});
  ASSERT_TRUE(r && r->status == 200);

  const std::string log = ReadFile(log_path);
  ASSERT_FALSE(log.empty());
  // The log is a real wire log...
  EXPECT_NE(log.find("> GET " + s.url() + "/rest/api/3/myself"), std::string::npos) << log;
  EXPECT_NE(log.find("< 200 POST"), std::string::npos) << log;
  EXPECT_NE(log.find("Authorization: Basic [REDACTED]"), std::string::npos) << log;
  EXPECT_NE(log.find("Authorization: Bearer [REDACTED]"), std::string::npos) << log;
  EXPECT_NE(log.find("\"displayName\":\"Mia\""), std::string::npos) << log;
  EXPECT_NE(log.find("\"client_id\":\"cid\""), std::string::npos) << log;
  // ...with no secret in it.
  const std::string basic = Base64Encode("mia@example.com:" + kApiToken);
  for (const std::string& secret : {kBearer, kApiToken, basic, kClientSecret, kNewAccess, kNewRefresh, kCode}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << "leaked: " << secret << "\n" << log;
  }
}

TEST(LoggingTransportTest, VerbosityLevelsAddDetail) {
  LoopbackServer s;
  s.server().Get("/x", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(5000, 'b'), "text/plain");
  });
  s.Start();
  TempDir dir;
  auto lines_at = [&](int level) {
    std::string path = dir.path() + "/l" + std::to_string(level);
    ConnectionProperties props;
    auto logger = Logger::Open(path, level);
    auto t = MakeHttpTransport(props, *logger);
    (*t)->Send({"GET", s.url() + "/x", {{"Accept", "text/plain"}}, "", std::nullopt});
    return ReadFile(path);
  };
  EXPECT_EQ(lines_at(0), "");
  EXPECT_EQ(lines_at(1), "");  // errors only; there were none
  std::string l2 = lines_at(2), l3 = lines_at(3), l4 = lines_at(4), l5 = lines_at(5);
  EXPECT_NE(l2.find("< 200 GET"), std::string::npos);
  EXPECT_EQ(l2.find("Accept: text/plain"), std::string::npos);
  EXPECT_NE(l3.find("> Accept: text/plain"), std::string::npos);
  EXPECT_EQ(l3.find("bbbb"), std::string::npos);
  EXPECT_NE(l4.find("... (5000 bytes)"), std::string::npos);
  EXPECT_NE(l5.find(std::string(5000, 'b')), std::string::npos);
}

}  // namespace
}  // namespace jirasql
