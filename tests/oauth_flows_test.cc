// jirasql's OAuth flows against jirasim: desktop (with a stand-in browser),
// headless, implicit, several sites, refresh and rotation, expiry, scopes.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>
#include <vector>

#include "auth/authorization.h"
#include "auth/desktop_flow.h"
#include "auth/procedures.h"
#include "auth/sites.h"
#include "auth/token_endpoint.h"
#include "common/strings.h"
#include "http/curl_transport.h"
#include "jira/connection.h"
#include "sim/approve.h"
#include "sim/server.h"
#include "testing/fakes.h"
#include "testing/loopback_server.h"
#include "testing/postgres_server.h"
#include "testing/temp_dir.h"

extern char** environ;

namespace jirasql {
namespace {

using nlohmann::json;

class OAuthFlowsTest : public ::testing::Test {
 protected:
  /// `port`: the callback port when the test already holds one (else a free one).
  void StartSim(int64_t ttl = 3600, bool implicit = false, int sites = 2, int port = 0) {
    port_ = port ? port : testing::UnusedLoopbackPort();
    callback_ = "http://localhost:" + std::to_string(port_) + "/cb";
    jirasim::SimOptions o;
    o.data.issues = 60;
    o.data.sites = sites;
    o.access_token_ttl_s = ttl;
    o.allow_implicit = implicit;
    o.callbacks = {callback_};
    sim_ = std::make_unique<jirasim::Simulator>(o);
    ASSERT_TRUE(sim_->Start());
    info_ = sim_->Describe();
    setenv("JIRASIM", JIRASIM_PATH, 1);
    setenv("SIM_USER", info_["users"][0]["email"].get<std::string>().c_str(), 1);
    setenv("SIM_PASSWORD", info_["users"][0]["password"].get<std::string>().c_str(), 1);
    setenv("SIM_SITE", info_["sites"][0]["name"].get<std::string>().c_str(), 1);
    unsetenv("SIM_DENY");
    unsetenv("SIM_WRONG_STATE_FIRST");
  }
  std::string Base() const { return info_["baseUrl"]; }
  std::string Props() const {
    return "AuthScheme=OAuth;OAuthClientId=" + info_["app"]["clientId"].get<std::string>() +
           ";OAuthClientSecret=" + info_["app"]["clientSecret"].get<std::string>() + ";CallbackURL=" + callback_ +
           ";OAuthAuthorizationURL=" + Base() + "/authorize;OAuthAccessTokenURL=" + Base() +
           "/oauth/token;OAuthRefreshTokenURL=" + Base() + "/oauth/token;OAuthAccessibleResourcesURL=" + Base() +
           "/oauth/token/accessible-resources;OAuthApiGatewayURL=" + Base() +
           "/ex/jira;OAuthSettingsLocation=" + dir_.path() + "/login.json;BrowserCommand=" + BROWSER_SCRIPT +
           ";OAuthListenerTimeout=30";
  }
  // The test's properties, then `extra` over them (as --connect over a profile).
  ConnectionProperties P(const std::string& extra) const {
    ConnectionProperties p;
    auto r = p.Apply(Props(), PropSource::kProfile);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    r = p.Apply(extra, PropSource::kConnectString);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return p;
  }
  Result<std::unique_ptr<Connection>> Open(const std::string& extra, Clock* clock = nullptr) {
    ConnectOptions o;
    o.clock = clock;
    return Connection::Open(P(extra), nullptr, o);
  }
  json Counters() {
    auto t = CurlTransport::Create({}, nullptr);
    auto r = (*t)->Send({"GET", Base() + "/__jirasim/counters", {}, "", std::nullopt});
    return json::parse(r->body);
  }
  void AdvanceSim(int64_t seconds) { sim_->AdvanceClock(seconds * 1000); }
  void AddFault(const json& fault) {
    auto t = CurlTransport::Create({}, nullptr);
    auto r = (*t)->Send(
        {"POST", Base() + "/__jirasim/faults", {{"Content-Type", "application/json"}}, fault.dump(), std::nullopt});
    ASSERT_TRUE(r && r->ok());
  }
  void ClearFaults() {
    auto t = CurlTransport::Create({}, nullptr);
    (void)(*t)->Send({"DELETE", Base() + "/__jirasim/faults", {}, "", std::nullopt});
  }
  // The saved login as the file holds it now (an error when torn or empty).
  Result<SavedLogin> SavedNow() {
    const std::string path = dir_.path() + "/login.json";
    return SavedLogin::FromJson(testing::ReadFile(path), path);
  }
  std::string MyAccount(Connection& c) {
    auto r = c.Send({"GET", "/myself", {}, "", std::nullopt});
    if (!r) return "error: " + r.error().message;
    if (r->status != 200) return "HTTP " + std::to_string(r->status) + ": " + r->body;
    return json::parse(r->body)["accountId"];
  }

  // `n` soak workers of 8 threads each, calling for `seconds` (their
  // connection from JIRASQL_CONNECT).
  static std::vector<FILE*> StartSoakWorkers(int n, int seconds) {
    std::vector<FILE*> workers;
    for (int p = 0; p < n; ++p) {
      workers.push_back(::popen((std::string(SOAK_WORKER) + " 8 " + std::to_string(seconds)).c_str(), "r"));
      EXPECT_NE(workers.back(), nullptr);
    }
    return workers;
  }
  // Their calls, once they end; each must have had no failed call.
  static long SoakCalls(const std::vector<FILE*>& workers) {
    long calls = 0;
    for (FILE* f : workers) {
      if (!f) continue;
      long c = 0, failed = -1;
      EXPECT_EQ(std::fscanf(f, "%ld %ld", &c, &failed), 2);
      EXPECT_EQ(::pclose(f), 0) << "a worker had failed calls";
      EXPECT_EQ(failed, 0);
      calls += c;
    }
    return calls;
  }

  testing::TempDir dir_;
  std::unique_ptr<jirasim::Simulator> sim_;
  json info_;
  int port_ = 0;
  std::string callback_;
};

TEST_F(OAuthFlowsTest, DesktopFlowThenTheSavedLoginIsReused) {
  StartSim();
  auto c = Open("InitiateOAuth=GETANDREFRESH");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(MyAccount(**c), info_["users"][0]["accountId"]);
  EXPECT_EQ((*c)->endpoint().base_url, info_["sites"][0]["gatewayUrl"]);
  struct stat st {};
  ASSERT_EQ(::stat((dir_.path() + "/login.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // A second connection uses the saved login: no browser (a failing one here).
  // (The first printed the URL although BrowserCommand opened it: see below.)
  auto again = Connection::Open(P("InitiateOAuth=GETANDREFRESH;BrowserCommand=false"), nullptr, {});
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(MyAccount(**again), info_["users"][0]["accountId"]);
  EXPECT_EQ(Counters()["oauth"]["codes_exchanged"], 1);
}

// With BrowserCommand set and working, the URL is still shown, to open by
// hand if the browser does not come up.
TEST_F(OAuthFlowsTest, TheLoginUrlIsShownEvenWhenTheBrowserOpens) {
  StartSim();
  std::vector<std::string> notices;
  ConnectOptions o;
  o.notice = [&](const std::string& n) { notices.push_back(n); };
  auto c = Connection::Open(P("InitiateOAuth=GETANDREFRESH"), nullptr, o);
  ASSERT_TRUE(c) << c.error().message;
  std::string all;
  for (const auto& n : notices) all += n + "\n";
  EXPECT_NE(all.find("Opened the browser"), std::string::npos) << all;
  EXPECT_NE(all.find("open this URL:\n\n  " + Base() + "/authorize?audience=api.atlassian.com"), std::string::npos)
      << all;
}

// The same flows in a real browser: headless Chromium on jirasim's pages.
std::string ChromiumCommand() { return std::string("node ") + CHROMIUM_SCRIPT; }

TEST_F(OAuthFlowsTest, DesktopFlowInHeadlessChromium) {
  StartSim();
  auto c = Open("InitiateOAuth=GETANDREFRESH;BrowserCommand=" + ChromiumCommand());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(MyAccount(**c), info_["users"][0]["accountId"]);
}

TEST_F(OAuthFlowsTest, DenyInHeadlessChromium) {
  StartSim();
  setenv("SIM_DENY", "1", 1);
  auto c = Open("InitiateOAuth=GETANDREFRESH;BrowserCommand=" + ChromiumCommand());
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("authorization was declined"), std::string::npos) << c.error().message;
}

TEST_F(OAuthFlowsTest, ImplicitGrantInHeadlessChromium) {
  // The callback page's script hands the fragment to the listener.
  StartSim(3600, /*implicit=*/true);
  auto c = Open("InitiateOAuth=GETANDREFRESH;GrantType=IMPLICIT;BrowserCommand=" + ChromiumCommand());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(MyAccount(**c), info_["users"][0]["accountId"]);
}

TEST_F(OAuthFlowsTest, SecondSiteChosenInHeadlessChromium) {
  StartSim();
  setenv("SIM_SITE", info_["sites"][1]["name"].get<std::string>().c_str(), 1);
  auto c = Open("InitiateOAuth=GETANDREFRESH;BrowserCommand=" + ChromiumCommand());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ((*c)->endpoint().base_url, info_["sites"][1]["gatewayUrl"]);
}

TEST_F(OAuthFlowsTest, DeclinedConsentIsAClearError) {
  StartSim();
  setenv("SIM_DENY", "1", 1);
  auto c = Open("InitiateOAuth=GETANDREFRESH");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("authorization was declined"), std::string::npos) << c.error().message;
}

TEST_F(OAuthFlowsTest, AForgedCallbackWithTheWrongStateIsIgnored) {
  StartSim();
  setenv("SIM_WRONG_STATE_FIRST", "1", 1);
  auto c = Open("InitiateOAuth=GETANDREFRESH");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(MyAccount(**c), info_["users"][0]["accountId"]);
}

TEST_F(OAuthFlowsTest, NoAnswerFromTheBrowserTimesOut) {
  StartSim();
  auto c = Open("InitiateOAuth=GETANDREFRESH;BrowserCommand=true;OAuthListenerTimeout=1");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::kTimeout);
  EXPECT_NE(c.error().message.find("OAuthListenerTimeout"), std::string::npos);
}

TEST_F(OAuthFlowsTest, WithoutABrowserTheUrlIsPrintedAndTheListenerWaits) {
  StartSim();
  std::thread elsewhere;  // the user opening the printed URL on another machine
  ConnectOptions o;
  o.notice = [&](const std::string& text) {
    auto at = text.find("\n\n  http");
    if (at == std::string::npos) return;
    std::string url = text.substr(at + 4, text.find('\n', at + 4) - (at + 4));
    elsewhere = std::thread([this, url] {
      auto redirect = jirasim::Approve(url, info_["users"][0]["email"], info_["users"][0]["password"], "", false);
      if (!redirect) return;
      auto http = CurlTransport::Create({}, nullptr);
      (void)(*http)->Send({"GET", *redirect, {}, "", std::nullopt});
    });
  };
  auto c = Connection::Open(P("InitiateOAuth=GETANDREFRESH;BrowserCommand=false"), nullptr, o);
  if (elsewhere.joinable()) elsewhere.join();
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(MyAccount(**c), info_["users"][0]["accountId"]);
}

TEST_F(OAuthFlowsTest, ACallbackPortInUseIsAClearError) {
  // Something else listens on the callback port (without SO_REUSEPORT). The
  // port is the one the OS gave that listener, so no other test can take it
  // between choosing and binding it.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int yes = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(fd, 4), 0);
  socklen_t len = sizeof a;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
  StartSim(3600, false, 2, ntohs(a.sin_port));
  auto c = Open("InitiateOAuth=GETANDREFRESH");
  ::close(fd);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("cannot listen on 127.0.0.1:" + std::to_string(port_)), std::string::npos)
      << c.error().message;
}

TEST_F(OAuthFlowsTest, ANonLoopbackCallbackIsRefused) {
  StartSim();
  auto c = Open("InitiateOAuth=GETANDREFRESH;CallbackURL=http://jira-client.example.com:8080/cb");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("only listens on this machine's loopback"), std::string::npos);
}

TEST_F(OAuthFlowsTest, RefreshNeverOpensABrowser) {
  StartSim();
  auto c = Open("InitiateOAuth=REFRESH");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("jirasql auth login"), std::string::npos);
}

TEST_F(OAuthFlowsTest, HeadlessVerifierIsExchangedOnce) {
  StartSim();
  // On the headless box: make the URL (the PKCE verifier is kept in the store).
  auto http = std::shared_ptr<HttpTransport>(std::move(*CurlTransport::Create({}, nullptr)));
  auto tokens = MakeTokenManager(P("InitiateOAuth=REFRESH"), http, nullptr, SystemClock());
  ASSERT_TRUE(tokens);
  auto req = BuildAuthorizationUrl((*tokens)->config());
  ASSERT_TRUE(req);
  SavedLogin pending;
  pending.client_id = (*tokens)->config().client_id;
  pending.pending_verifier = req->code_verifier;
  ASSERT_TRUE((*tokens)->Save(pending));
  // Anywhere else: the user consents; the code comes back by hand.
  auto redirect = jirasim::Approve(req->url, info_["users"][0]["email"], info_["users"][0]["password"], "", false);
  ASSERT_TRUE(redirect);
  const std::string code = UrlParams(*redirect)["code"];
  auto c = Open("InitiateOAuth=REFRESH;OAuthVerifier=" + code);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(MyAccount(**c), info_["users"][0]["accountId"]);
  // Connecting again with the same verifier does not send the used code again.
  auto again = Open("InitiateOAuth=REFRESH;OAuthVerifier=" + code);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(Counters()["oauth"]["codes_exchanged"], 1);
  EXPECT_EQ(Counters()["oauth"]["token_errors"], 0);
}

TEST_F(OAuthFlowsTest, ImplicitGrant) {
  StartSim(3600, /*implicit=*/true);
  auto c = Open("InitiateOAuth=GETANDREFRESH;GrantType=IMPLICIT");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(MyAccount(**c), info_["users"][0]["accountId"]);
  EXPECT_EQ(Counters()["oauth"]["codes_exchanged"], 0);
}

// A settings location that cannot hold a login is found before the browser
// opens and before a code is exchanged: no consent is thrown away.
TEST_F(OAuthFlowsTest, AnUnusableSettingsLocationIsFoundBeforeTheLogin) {
  StartSim();
  testing::WriteFile(dir_.path() + "/afile", "x");
  // A file where a folder belongs; a folder nobody can create (even root).
  std::vector<std::string> bad = {dir_.path() + "/afile/login.json", "/proc/jirasql-no-such-folder/login.json"};
  if (::geteuid() != 0) {  // root writes anywhere else
    ::mkdir((dir_.path() + "/ro").c_str(), 0500);
    bad.push_back(dir_.path() + "/ro/login.json");
  }
  for (const auto& where : bad) {
    auto c = Open("InitiateOAuth=GETANDREFRESH;OAuthSettingsLocation=" + where);
    ASSERT_FALSE(c) << where;
    EXPECT_NE(c.error().message.find("OAuthSettingsLocation"), std::string::npos) << c.error().message;
    // The headless exchange, too: the code is not spent.
    auto h = Open("InitiateOAuth=REFRESH;OAuthVerifier=some-code;OAuthSettingsLocation=" + where);
    ASSERT_FALSE(h) << where;
    EXPECT_NE(h.error().message.find("OAuthSettingsLocation"), std::string::npos) << h.error().message;
    // `jirasql auth login` goes straight to the desktop flow.
    std::shared_ptr<HttpTransport> http(std::move(*CurlTransport::Create({}, nullptr)));
    auto tokens =
        MakeTokenManager(P("InitiateOAuth=GETANDREFRESH;OAuthSettingsLocation=" + where), http, nullptr, SystemClock());
    ASSERT_TRUE(tokens);
    auto d = DesktopLogin(*http, **tokens, SystemClock(), [](const std::string&) {});
    ASSERT_FALSE(d) << where;
    EXPECT_NE(d.error().message.find("OAuthSettingsLocation"), std::string::npos) << d.error().message;
  }
  auto counters = Counters();
  EXPECT_EQ(counters["oauth"]["codes_exchanged"], 0);
  int authorize = 0, token = 0;
  for (const auto& [path, n] : counters["requests"].items()) {
    if (path.find("/authorize") != std::string::npos) authorize += n.get<int>();
    if (path.find("/oauth/token") != std::string::npos && path.find("accessible") == std::string::npos)
      token += n.get<int>();
  }
  EXPECT_EQ(authorize, 0) << "the browser was opened";
  EXPECT_EQ(token, 0) << "a code was sent";
}

// A login for a grant that reaches two sites: saved with the first by URL
// and a notice that says so (no second consent needed).
TEST_F(OAuthFlowsTest, SeveralSitesTheLoginKeepsOneAndSaysHowToChoose) {
  StartSim();
  // Grant both sites (two consents), then log in without saying which.
  ASSERT_TRUE(Open("InitiateOAuth=GETANDREFRESH"));
  setenv("SIM_SITE", info_["sites"][1]["name"].get<std::string>().c_str(), 1);
  std::remove((dir_.path() + "/login.json").c_str());
  std::vector<std::string> notices;
  ConnectOptions o;
  o.notice = [&](const std::string& n) { notices.push_back(n); };
  auto c = Connection::Open(P("InitiateOAuth=GETANDREFRESH"), nullptr, o);
  ASSERT_TRUE(c) << c.error().message;
  std::string first = info_["sites"][0]["url"], second = info_["sites"][1]["url"];
  const int firstIdx = NormaliseSiteUrl(first) < NormaliseSiteUrl(second) ? 0 : 1;
  EXPECT_EQ((*c)->endpoint().base_url, info_["sites"][firstIdx]["gatewayUrl"]);
  std::string all;
  for (const auto& n : notices) all += n + "\n";
  EXPECT_NE(all.find("this login reaches 2 Jira sites; it uses " + info_["sites"][firstIdx]["url"].get<std::string>()),
            std::string::npos)
      << all;
  EXPECT_NE(all.find(info_["sites"][1 - firstIdx]["cloudId"].get<std::string>()), std::string::npos) << all;
  EXPECT_EQ(SavedNow()->cloud_id, info_["sites"][firstIdx]["cloudId"]);
  EXPECT_EQ(Counters()["oauth"]["codes_exchanged"], 2);
}

// Url (or CloudId) picks exactly that site, whichever site the saved login
// is for: the saved one, another site of the same grant (asked of
// accessible-resources), or an error that names both and the fix — never
// the wrong site's data.
std::string Upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

TEST_F(OAuthFlowsTest, UrlAndCloudIdPickExactlyThatSite) {
  StartSim(3600, false, /*sites=*/3);
  const json sites = info_["sites"];
  // The grant reaches sites 0 and 1, not 2; the login is saved for site 0.
  ASSERT_TRUE(Open("InitiateOAuth=GETANDREFRESH"));
  setenv("SIM_SITE", sites[1]["name"].get<std::string>().c_str(), 1);
  std::remove((dir_.path() + "/login.json").c_str());  // a second consent adds site 1 to the grant
  ASSERT_TRUE(Open("InitiateOAuth=GETANDREFRESH;Url=" + sites[1]["url"].get<std::string>()));
  for (int saved : {0, 1}) {
    // Save the login for `saved`, then ask for each site every way.
    std::remove((dir_.path() + "/login.json").c_str());
    ASSERT_TRUE(Open("InitiateOAuth=GETANDREFRESH;Url=" + sites[saved]["url"].get<std::string>()));
    ASSERT_EQ(SavedNow()->cloud_id, sites[saved]["cloudId"]);
    for (int want : {0, 1}) {
      const std::string gateway = sites[want]["gatewayUrl"];
      for (const std::string& ask :
           {"Url=" + sites[want]["url"].get<std::string>(), "CloudId=" + sites[want]["cloudId"].get<std::string>(),
            "Url=" + gateway, "Url=" + Upper(sites[want]["url"].get<std::string>()) + "/"}) {
        auto c = Open("InitiateOAuth=REFRESH;" + ask);
        ASSERT_TRUE(c) << "saved " << saved << ", " << ask << ": " << c.error().message;
        EXPECT_EQ((*c)->endpoint().base_url, gateway) << "saved " << saved << ", " << ask;
        EXPECT_EQ(MyAccount(**c), info_["users"][0]["accountId"]);
      }
    }
    // Without Url or CloudId: the saved site.
    auto plain = Open("InitiateOAuth=REFRESH");
    ASSERT_TRUE(plain);
    EXPECT_EQ((*plain)->endpoint().base_url, sites[saved]["gatewayUrl"]);
    // A site the grant does not reach: an error naming both, and the fix.
    for (const std::string& ask :
         {"Url=" + sites[2]["url"].get<std::string>(), "CloudId=" + sites[2]["cloudId"].get<std::string>(),
          std::string("Url=https://other.atlassian.net")}) {
      auto c = Open("InitiateOAuth=REFRESH;" + ask);
      ASSERT_FALSE(c) << ask;
      const std::string& m = c.error().message;
      EXPECT_NE(m.find(ask + " is not among the Jira sites this login reaches"), std::string::npos) << m;
      EXPECT_NE(m.find("is for " + sites[saved]["url"].get<std::string>()), std::string::npos) << m;
      EXPECT_NE(m.find("log in again and grant"), std::string::npos) << m;
      EXPECT_NE(m.find("OAuthSettingsLocation"), std::string::npos) << m;
    }
  }
}

// The seed's web flow: GetOAuthAccessToken, then a connection with the
// access token and Url only (no CloudId): the site is found through
// accessible-resources with that token, picked by Url.
TEST_F(OAuthFlowsTest, ASuppliedAccessTokenFindsItsSiteByUrl) {
  StartSim();
  ASSERT_TRUE(Open("InitiateOAuth=GETANDREFRESH"));
  setenv("SIM_SITE", info_["sites"][1]["name"].get<std::string>().c_str(), 1);
  std::remove((dir_.path() + "/login.json").c_str());
  ASSERT_TRUE(Open("InitiateOAuth=GETANDREFRESH;Url=" + info_["sites"][1]["url"].get<std::string>()));
  const std::string token = SavedNow()->access_token;
  const std::string seed = "InitiateOAuth=OFF;OAuthVersion=2.0;OAuthAccessToken=" + token;
  for (int want : {0, 1}) {
    auto c = Open(seed + ";Url=" + info_["sites"][want]["url"].get<std::string>());
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ((*c)->endpoint().base_url, info_["sites"][want]["gatewayUrl"]);
    EXPECT_EQ(MyAccount(**c), info_["users"][0]["accountId"]);
  }
  // Two sites and no Url: an error that lists them.
  auto none = Open(seed);
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("several Jira sites"), std::string::npos) << none.error().message;
}

TEST_F(OAuthFlowsTest, RefreshesBeforeExpiryAndAfterA401) {
  StartSim(/*ttl=*/60);
  testing::FakeClock clock(std::chrono::system_clock::now());
  auto c = Open("InitiateOAuth=GETANDREFRESH", &clock);
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_EQ(MyAccount(**c), info_["users"][0]["accountId"]);
  // Ahead of expiry by our clock: a refresh before the call.
  clock.Advance(std::chrono::seconds(50));
  ASSERT_EQ(MyAccount(**c), info_["users"][0]["accountId"]);
  EXPECT_EQ(Counters()["oauth"]["refreshes"], 1);
  // The server's clock runs ahead: the token is refused, refreshed, retried.
  AdvanceSim(120);
  ASSERT_EQ(MyAccount(**c), info_["users"][0]["accountId"]);
  auto counters = Counters();
  EXPECT_EQ(counters["oauth"]["refreshes"], 2);
  EXPECT_EQ(counters["oauth"]["reuse_detections"], 0);
  EXPECT_EQ(counters["oauth"]["reuse_within_leeway"], 0);
}

TEST_F(OAuthFlowsTest, NinetyDaysUnusedGivesTheLogInAgainError) {
  StartSim(/*ttl=*/60);
  auto c = Open("InitiateOAuth=GETANDREFRESH");
  ASSERT_TRUE(c) << c.error().message;
  AdvanceSim(91 * 86400);
  auto r = (*c)->Send({"GET", "/myself", {}, "", std::nullopt});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("Log in again with `jirasql auth login`"), std::string::npos) << r.error().message;
}

TEST_F(OAuthFlowsTest, AMissingScopeIsNamedNotTreatedAsExpiry) {
  StartSim();
  auto c = Open("InitiateOAuth=GETANDREFRESH;Scope=read:jira-work offline_access");
  ASSERT_TRUE(c) << c.error().message;
  auto r = (*c)->Send({"GET", "/myself", {}, "", std::nullopt});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("scopes do not allow this call: it needs read:jira-user"), std::string::npos)
      << r.error().message;
  // A write names write:jira-work.
  auto w = (*c)->Send({"POST", "/issue", {{"Content-Type", "application/json"}}, "{}", false});
  ASSERT_FALSE(w);
  EXPECT_NE(w.error().message.find("it needs write:jira-work"), std::string::npos) << w.error().message;
  EXPECT_NE(w.error().message.find("Add write:jira-work to Scope"), std::string::npos) << w.error().message;
  EXPECT_EQ(Counters()["oauth"]["refreshes"], 0);
}

TEST_F(OAuthFlowsTest, SuppliedAccessTokenWithInitiateOff) {
  StartSim();
  ASSERT_TRUE(Open("InitiateOAuth=GETANDREFRESH"));
  auto saved = (*OpenSettingsStore(dir_.path() + "/login.json"))->Load();
  ASSERT_TRUE(saved && *saved);
  ConnectionProperties p;
  ASSERT_TRUE(p.Apply("AuthScheme=OAuth;InitiateOAuth=OFF;OAuthAccessToken=" + (*saved)->access_token +
                          ";CloudId=" + (*saved)->cloud_id + ";OAuthApiGatewayURL=" + Base() + "/ex/jira",
                      PropSource::kConnectString));
  auto c = Connection::Open(p, nullptr, {});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(MyAccount(**c), info_["users"][0]["accountId"]);
}

// 4 processes x 8 threads share one saved login whose access token lives 5
// seconds: every call succeeds, jirasim sees no refresh-token reuse, there
// is about one refresh per token lifetime (not one per process), and a
// reader finds the settings file whole at every moment.
TEST_F(OAuthFlowsTest, FourProcessesEightThreadsOneLogin) {
  StartSim(/*ttl=*/5);
  ASSERT_TRUE(Open("InitiateOAuth=GETANDREFRESH"));
  const std::string path = dir_.path() + "/login.json";
  const std::string connect = Props() + ";InitiateOAuth=REFRESH";
  setenv("JIRASQL_CONNECT", connect.c_str(), 1);

  std::atomic<bool> done{false};
  std::atomic<long> reads{0}, torn{0};
  std::thread reader([&] {
    while (!done) {
      std::string text = testing::ReadFile(path);
      ++reads;
      if (text.empty() || !SavedLogin::FromJson(text, path)) ++torn;
    }
  });
  const int kSeconds = 24;
  const auto start = std::chrono::steady_clock::now();
  const std::vector<FILE*> workers = StartSoakWorkers(4, kSeconds);
  const long calls = SoakCalls(workers);
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  done = true;
  reader.join();
  unsetenv("JIRASQL_CONNECT");

  auto oauth = Counters()["oauth"];
  EXPECT_GT(calls, 100);
  EXPECT_EQ(torn.load(), 0) << "of " << reads.load() << " reads";
  EXPECT_GT(reads.load(), 10);
  EXPECT_EQ(oauth["reuse_detections"], 0);
  EXPECT_EQ(oauth["reuse_within_leeway"], 0);
  EXPECT_EQ(oauth["token_errors"], 0);
  // A token is refreshed after 3.75 of its 5 seconds: at most one refresh
  // per 3.75 s of the run, and at least one.
  const int64_t refreshes = oauth["refreshes"];
  std::printf("soak: %ld calls in %.1f s by 4x8 threads, %lld refreshes, %ld whole reads of the settings file\n", calls,
              elapsed, static_cast<long long>(refreshes), reads.load());
  EXPECT_GE(refreshes, 1);
  EXPECT_LE(refreshes, static_cast<int64_t>(elapsed / 3.75) + 2) << "elapsed " << elapsed << " s";
}

// A fleet: 4 hosts (processes with no shared file and caches of their own)
// x 8 threads on one login kept in PostgreSQL, whose access token lives 5
// seconds, for 30 seconds. Meanwhile the token endpoint answers slowly (a
// refresh holds the lock a while), the backend holding the lock is
// terminated now and then — mid-refresh — and a fifth worker is SIGKILLed
// while it holds the lock. Every call succeeds; jirasim sees no refresh
// token reused past Atlassian's 10-minute leeway; refreshes stay about one
// per token lifetime (and one more at most per lost lock).
TEST_F(OAuthFlowsTest, FourHostsEightThreadsOneLoginInPostgreSQL) {
  auto pg = testing::PostgresServer::Start();
  ASSERT_TRUE(pg) << pg.error().message;
  setenv("PGPASSFILE", (*pg)->passfile().c_str(), 1);
  StartSim(/*ttl=*/5);
  ASSERT_TRUE(Open("InitiateOAuth=GETANDREFRESH"));
  // The login, made in the file by the browser flow, moved to PostgreSQL.
  const std::string location = (*pg)->Uri() + "?jirasql_login=fleet";
  const StoreScope scope{info_["app"]["clientId"].get<std::string>(), "", 60};
  {
    auto file = (*OpenSettingsStore(dir_.path() + "/login.json"))->Load();
    ASSERT_TRUE(file && *file);
    auto shared = OpenSettingsStore(location, scope);
    ASSERT_TRUE(shared) << shared.error().message;
    auto held = (*shared)->Acquire();
    ASSERT_TRUE(held) << held.error().message;
    ASSERT_TRUE((*shared)->Load());
    ASSERT_TRUE((*shared)->Save(**file));
  }
  std::string connect = Props() + ";InitiateOAuth=REFRESH";
  const std::string file_location = "OAuthSettingsLocation=" + dir_.path() + "/login.json";
  ASSERT_NE(connect.find(file_location), std::string::npos);
  connect.replace(connect.find(file_location), file_location.size(), "OAuthSettingsLocation=" + location);
  setenv("JIRASQL_CONNECT", connect.c_str(), 1);
  AddFault({{"path", "/oauth/token$"}, {"latencyMs", 300}});

  const int kSeconds = 30;
  const auto start = std::chrono::steady_clock::now();
  const std::vector<FILE*> workers = StartSoakWorkers(4, kSeconds);
  std::atomic<bool> done{false}, calm{false};
  std::atomic<int> terminated{0};
  std::thread chaos;
  struct Stop {  // the chaos ends however the test does
    std::atomic<bool>& done;
    std::thread& t;
    ~Stop() {
      done = true;
      if (t.joinable()) t.join();
    }
  } stop{done, chaos};
  chaos = std::thread([&] {
    // Now and then, whichever backend holds a login's lock is ended.
    while (!done) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (calm) continue;  // while the fifth worker holds the lock: it is SIGKILLed, not terminated
      auto r = (*pg)->Sql(
          "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND "
          "random() < 0.2");
      if (r) {
        for (const auto& row : r->rows) terminated += row[0] == "t";
      }
    }
  });
  // A worker killed while it holds the lock.
  std::this_thread::sleep_for(std::chrono::seconds(8));
  calm = true;
  FILE* holder = ::popen((std::string(SOAK_WORKER) + " hold 60").c_str(), "r");
  ASSERT_NE(holder, nullptr);
  int holder_pid = 0;
  ASSERT_EQ(std::fscanf(holder, "held %d", &holder_pid), 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  ASSERT_EQ(::kill(holder_pid, SIGKILL), 0);
  ::pclose(holder);
  calm = false;

  const long calls = SoakCalls(workers);
  done = true;
  chaos.join();
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  unsetenv("JIRASQL_CONNECT");
  ClearFaults();

  auto oauth = Counters()["oauth"];
  EXPECT_GT(calls, 100);
  EXPECT_EQ(oauth["reuse_detections"], 0);
  EXPECT_EQ(oauth["token_errors"], 0);
  const int64_t refreshes = oauth["refreshes"];
  std::printf("fleet soak: %ld calls in %.1f s by 4x8 threads, %lld refreshes, %d lock holders terminated\n", calls,
              elapsed, static_cast<long long>(refreshes), terminated.load());
  EXPECT_GE(terminated.load(), 1) << "no backend was terminated holding the lock";
  EXPECT_GE(refreshes, 1);
  EXPECT_LE(refreshes, static_cast<int64_t>(elapsed / 3.75) + 2 + terminated.load()) << "elapsed " << elapsed << " s";
}

// The token endpoint fails while a refresh is due: the early refresh's
// failure costs nothing (the access token still works), the failure once it
// has expired is a clear error, the saved login is never touched, and once
// the endpoint recovers the same saved login refreshes and works.
struct TokenFault {
  const char* name;
  json fault;
  const char* expect;        // in the error once the access token has expired
  bool answer_lost = false;  // jirasim rotates, the answer never arrives
};
void PrintTo(const TokenFault& f, std::ostream* os) { *os << f.name; }

class TokenEndpointFaultTest : public OAuthFlowsTest, public ::testing::WithParamInterface<TokenFault> {};

TEST_P(TokenEndpointFaultTest, TheSavedLoginStaysValidAndWorksOnceTheServerRecovers) {
  StartSim(/*ttl=*/60);
  testing::FakeClock clock(std::chrono::system_clock::now());
  auto c = Open("InitiateOAuth=GETANDREFRESH;Timeout=1", &clock);
  ASSERT_TRUE(c) << c.error().message;
  const std::string account = info_["users"][0]["accountId"];
  auto before = SavedNow();
  ASSERT_TRUE(before) << before.error().message;

  json fault = GetParam().fault;
  fault["path"] = "/oauth/token$";
  AddFault(fault);
  clock.Advance(std::chrono::seconds(46));  // inside the 15 s refresh margin, 14 s to live
  EXPECT_EQ(MyAccount(**c), account);
  AdvanceSim(120);  // jirasim's clock: the access token has expired
  const std::string failed = MyAccount(**c);
  EXPECT_EQ(failed.rfind("error: ", 0), 0u) << failed;
  EXPECT_NE(failed.find("refreshing the access token"), std::string::npos) << failed;
  EXPECT_NE(failed.find(GetParam().expect), std::string::npos) << failed;
  EXPECT_EQ(failed.find(before->refresh_token), std::string::npos) << "the refresh token is in the error";
  EXPECT_EQ(failed.find(before->access_token), std::string::npos) << "the access token is in the error";
  auto during = SavedNow();
  ASSERT_TRUE(during) << during.error().message;
  EXPECT_EQ(during->refresh_token, before->refresh_token);

  ClearFaults();
  EXPECT_EQ(MyAccount(**c), account);
  auto after = SavedNow();
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_NE(after->refresh_token, before->refresh_token);  // rotated, and saved
  auto oauth = Counters()["oauth"];
  if (GetParam().answer_lost) {
    // jirasim rotated for requests whose answers timed out; the old token,
    // still saved, was used again within the leeway, as Atlassian allows.
    EXPECT_GE(oauth["reuse_within_leeway"], 1);
  } else {
    EXPECT_EQ(oauth["refreshes"], 1);
  }
  EXPECT_EQ(oauth["reuse_detections"], 0);
  EXPECT_EQ(oauth["revocations"], 0);
}

INSTANTIATE_TEST_SUITE_P(
    Faults, TokenEndpointFaultTest,
    ::testing::Values(TokenFault{"Http500", {{"status", 500}}, "HTTP 500"},
                      TokenFault{"Http503", {{"status", 503}}, "HTTP 503"},
                      TokenFault{"DroppedConnection", {{"drop", true}}, "refreshing the access token"},
                      TokenFault{"Timeout", {{"latencyMs", 1500}}, "no answer in time", true},
                      TokenFault{
                          "TruncatedJson", {{"body", R"({"access_token":"at-x","refresh_tok)"}}, "not a JSON object"},
                      TokenFault{"WrongTypes", {{"body", R"({"access_token":5,"expires_in":"soon"})"}}, "access_token"},
                      TokenFault{"NoAccessToken", {{"body", R"({"token_type":"Bearer"})"}}, "access_token"}),
    [](const auto& info) { return std::string(info.param.name); });

// Crash safety: `jirasql auth refresh` is killed (SIGKILL) at random moments
// of its run, at least 200 times (runs go on until 220 were killed). After
// every kill the settings file is whole and holds a refresh token; every
// tenth run goes to its end and proves that token live; jirasim sees no
// refresh token used after its leeway (a kill between jirasim's rotation
// and our save leaves the old token, which the next run uses within the
// 10-minute leeway — counted, allowed).
TEST_F(OAuthFlowsTest, KilledDuringRefreshTwoHundredTimesTheLoginSurvives) {
  StartSim(/*ttl=*/3600);
  ASSERT_TRUE(Open("InitiateOAuth=GETANDREFRESH"));
  const std::string connect = Props() + ";InitiateOAuth=REFRESH";
  std::vector<std::string> env_strings{"JIRASQL_CONNECT=" + connect, "PATH=/usr/bin:/bin"};
  if (const char* a = std::getenv("ASAN_OPTIONS")) env_strings.push_back(std::string("ASAN_OPTIONS=") + a);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string devnull = "/dev/null";

  // Runs `jirasql auth refresh`; kills it after `kill_after_us` (< 0: lets
  // it finish). Returns the exit status, or -SIGKILL when killed.
  auto run = [&](long kill_after_us) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, devnull.c_str(), O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, devnull.c_str(), O_WRONLY, 0);
    std::string bin = JIRASQL_CLI;
    std::vector<char*> argv{bin.data(), const_cast<char*>("auth"), const_cast<char*>("refresh"), nullptr};
    pid_t pid = 0;
    EXPECT_EQ(posix_spawn(&pid, bin.c_str(), &fa, nullptr, argv.data(), envp.data()), 0);
    posix_spawn_file_actions_destroy(&fa);
    if (kill_after_us >= 0) {
      std::this_thread::sleep_for(std::chrono::microseconds(kill_after_us));
      ::kill(pid, SIGKILL);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (WIFSIGNALED(status)) return -WTERMSIG(status);
    return WEXITSTATUS(status);
  };

  // Kills land anywhere within a run. How long a run takes changes with
  // the machine's load (other tests run beside this one), so every tenth
  // run goes to its end: it is timed (the next kills are drawn within that
  // time) and it proves the saved refresh token live.
  auto full_run_us = [&] {
    const auto t0 = std::chrono::steady_clock::now();
    const int rc = run(-1);
    const long us =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
    return rc == 0 ? us : -1L;
  };
  long run_us = full_run_us();
  ASSERT_GT(run_us, 0);
  std::mt19937 rng(20261129);
  int kills = 0, finished = 0, checks = 0, runs = 0;
  const int refreshes_before = Counters()["oauth"]["refreshes"];
#ifdef JIRASQL_SANITIZED_BUILD
  // The soak runs once, in the Release build; under ASan (half a second a
  // run) a quarter of it checks the same code for memory errors.
  const int kills_wanted = 60;
#else
  const int kills_wanted = 220;
#endif
  for (int i = 0; kills < kills_wanted && i < 2000; ++i, ++runs) {
    if (i % 10 == 9) {
      const long us = full_run_us();
      ASSERT_GT(us, 0) << "the saved refresh token is not live after run " << i;
      run_us = (run_us + us) / 2;
      ++checks;
      continue;
    }
    const int rc = run(std::uniform_int_distribution<long>(0, run_us)(rng));
    if (rc == -SIGKILL)
      ++kills;
    else if (rc == 0)
      ++finished;
    else
      ADD_FAILURE() << "auth refresh exited " << rc;
    auto saved = SavedNow();
    ASSERT_TRUE(saved) << "after run " << i << ": " << saved.error().message;
    ASSERT_FALSE(saved->refresh_token.empty()) << "after run " << i;
  }
  auto oauth = Counters()["oauth"];
  std::printf(
      "kills: %d killed during `auth refresh` (of %d runs, about %ld us each), %d finished before the kill; "
      "jirasim rotated %d times; %d old tokens used again within the leeway; %d timed liveness runs\n",
      kills, runs, run_us, finished, oauth["refreshes"].get<int>() - refreshes_before,
      oauth["reuse_within_leeway"].get<int>(), checks);
  EXPECT_GE(kills, kills_wanted * 10 / 11);  // 200 in the Release build
  EXPECT_EQ(oauth["reuse_detections"], 0);
  EXPECT_EQ(oauth["revocations"], 0);
  EXPECT_EQ(oauth["token_errors"], 0);
  // The login works for a connection afterwards.
  auto c = Open("InitiateOAuth=REFRESH");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(MyAccount(**c), info_["users"][0]["accountId"]);
}

// ---- an independent OAuth server: npm oidc-provider ------------------------

class IndependentServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = testing::UnusedLoopbackPort();
    callback_ = "http://localhost:" + std::to_string(port_) + "/cb";
    int out[2];
    ASSERT_EQ(::pipe(out), 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    std::string script = std::string(INDEPENDENT_DIR) + "/oauth-server.mjs";
    std::vector<char*> argv = {const_cast<char*>("node"), script.data(), callback_.data(), const_cast<char*>("30"),
                               nullptr};
    ASSERT_EQ(posix_spawnp(&pid_, "node", &fa, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    ::close(out[1]);
    std::string line;
    char c;
    while (::read(out[0], &c, 1) == 1 && c != '\n') line += c;
    ::close(out[0]);
    info_ = json::parse(line, nullptr, false);
    ASSERT_FALSE(info_.is_discarded()) << "oidc-provider did not start: " << line;
    setenv("SIM_USER", "alice", 1);
  }
  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  ConnectionProperties P(int client, const std::string& extra) {
    const std::string base = info_["baseUrl"];
    ConnectionProperties p;
    EXPECT_TRUE(p.Apply("AuthScheme=OAuth;InitiateOAuth=GETANDREFRESH;OAuthClientId=" +
                            info_["clients"][client]["client_id"].get<std::string>() +
                            ";OAuthClientSecret=" + info_["clients"][client]["client_secret"].get<std::string>() +
                            ";CallbackURL=" + callback_ + ";OAuthAuthorizationURL=" + base +
                            "/authorize;OAuthAccessTokenURL=" + base + "/oauth/token;OAuthRefreshTokenURL=" + base +
                            "/oauth/token;OAuthAccessibleResourcesURL=" + base +
                            "/oauth/token/accessible-resources;OAuthApiGatewayURL=" + base +
                            "/ex/jira;OAuthSettingsLocation=" + dir_.path() +
                            "/login.json;OAuthListenerTimeout=60;"
                            "BrowserCommand=node " +
                            INDEPENDENT_DIR + "/oidc-browser.mjs",
                        PropSource::kProfile));
    EXPECT_TRUE(p.Apply(extra, PropSource::kConnectString));
    return p;
  }
  std::string Me(Connection& c) {
    auto r = c.Send({"GET", "/myself", {}, "", std::nullopt});
    if (!r) return "error: " + r.error().message;
    return r->status == 200 ? json::parse(r->body)["accountId"].get<std::string>()
                            : "HTTP " + std::to_string(r->status);
  }

  testing::TempDir dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string callback_;
  json info_;
};

TEST_F(IndependentServerTest, DesktopFlowAndRotatingRefreshWithClientSecretPost) {
  auto c = Connection::Open(P(0, ""), nullptr, {});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(Me(**c), "alice");
  auto first = (*c)->tokens()->Current();
  ASSERT_TRUE(first);
  ASSERT_FALSE(first->refresh_token.empty());
  auto second = (*c)->tokens()->ForceRefresh();
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_NE(second->refresh_token, first->refresh_token);  // rotated
  auto third = (*c)->tokens()->ForceRefresh();
  ASSERT_TRUE(third) << third.error().message;
  EXPECT_EQ(Me(**c), "alice");
  // The first refresh token was retired by the rotation.
  auto http = std::shared_ptr<HttpTransport>(std::move(*CurlTransport::Create({}, nullptr)));
  EXPECT_FALSE(RefreshTokens(*http, (*c)->tokens()->config(), first->refresh_token));
}

TEST_F(IndependentServerTest, ClientSecretBasic) {
  auto c = Connection::Open(P(1, ""), nullptr, {});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(Me(**c), "alice");
  auto refreshed = (*c)->tokens()->ForceRefresh();
  ASSERT_TRUE(refreshed) << refreshed.error().message;
}

TEST_F(IndependentServerTest, WebFlowThroughTheProcedures) {
  auto props = P(0, "");
  auto http = std::shared_ptr<HttpTransport>(std::move(*CurlTransport::Create({}, nullptr)));
  ProcedureContext ctx{http, nullptr, [](const std::string&) {}};
  auto url = RunProcedure("GetOAuthAuthorizationURL", {}, props, ctx);
  ASSERT_TRUE(url) << url.error().message;
  auto get = [](const ProcedureRow& row, const std::string& k) {
    for (const auto& [name, v] : row) {
      if (name == k) return v;
    }
    return std::string();
  };
  // The host application's callback: here, jirasql's own listener.
  ListenerOptions lo;
  lo.callback_url = callback_;
  lo.expected_state = get(*url, "State");
  lo.timeout = std::chrono::seconds(60);
  lo.on_listening = [&] {
    std::string tried;
    OpenBrowser(std::string("node ") + INDEPENDENT_DIR + "/oidc-browser.mjs", get(*url, "URL"), &tried);
  };
  auto cb = WaitForCallback(lo);
  ASSERT_TRUE(cb) << cb.error().message;
  auto tokens = RunProcedure(
      "GetOAuthAccessToken",
      {{"AuthMode", "WEB"}, {"Verifier", cb->params["code"]}, {"CodeVerifier", get(*url, "CodeVerifier")}}, props, ctx);
  ASSERT_TRUE(tokens) << tokens.error().message;
  EXPECT_EQ(get(*tokens, "CloudId"), info_["cloudId"]);
  auto refreshed =
      RunProcedure("RefreshOAuthAccessToken", {{"OAuthRefreshToken", get(*tokens, "OAuthRefreshToken")}}, props, ctx);
  ASSERT_TRUE(refreshed) << refreshed.error().message;
  EXPECT_NE(get(*refreshed, "OAuthRefreshToken"), get(*tokens, "OAuthRefreshToken"));
}

}  // namespace
}  // namespace jirasql
