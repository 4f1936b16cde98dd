// jirasim end to end over loopback HTTP, with jirasql's own curl transport.

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "common/base64.h"
#include "common/strings.h"
#include "http/curl_transport.h"
#include "http/retry.h"
#include "jira/endpoint.h"
#include "sim/approve.h"
#include "sim/oauth.h"
#include "sim/server.h"

namespace jirasim {
namespace {

using jirasql::HttpRequest;
using jirasql::HttpResponse;
using nlohmann::json;

class Client {
 public:
  explicit Client(bool follow = true) {
    jirasql::CurlOptions o;
    o.timeout_seconds = 30;
    o.follow_redirects = follow;
    http_ = std::move(*jirasql::CurlTransport::Create(o, nullptr));
  }
  HttpResponse Send(const std::string& method, const std::string& url, const std::string& auth = "",
                    const std::string& body = "", const std::string& content_type = "application/json") {
    HttpRequest r{method, url, {}, body, std::nullopt};
    if (!auth.empty()) r.headers.emplace_back("Authorization", auth);
    if (!body.empty()) r.headers.emplace_back("Content-Type", content_type);
    auto res = http_->Send(r);
    EXPECT_TRUE(res) << method << " " << url << ": " << (res ? "" : res.error().message);
    return res ? *res : HttpResponse{};
  }
  json Json(const std::string& method, const std::string& url, const std::string& auth = "",
            const std::string& body = "", int want = 200) {
    auto r = Send(method, url, auth, body);
    EXPECT_EQ(r.status, want) << method << " " << url << " -> " << r.body.substr(0, 400);
    auto j = json::parse(r.body, nullptr, false);
    return j.is_discarded() ? json() : j;
  }
  jirasql::HttpTransport& http() { return *http_; }

 private:
  std::unique_ptr<jirasql::CurlTransport> http_;
};

std::string Basic(const std::string& user, const std::string& secret) {
  return "Basic " + jirasql::Base64Encode(user + ":" + secret);
}

std::map<std::string, std::string> QueryOf(const std::string& url) {
  std::map<std::string, std::string> out;
  auto q = url.find_first_of("?#");
  if (q == std::string::npos) return out;
  for (const auto& kv : jirasql::Split(url.substr(q + 1), '&')) {
    auto eq = kv.find('=');
    if (eq != std::string::npos) out[kv.substr(0, eq)] = jirasql::UrlDecode(kv.substr(eq + 1));
  }
  return out;
}

class JirasimTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    SimOptions o;
    o.data.issues = 500;
    o.data.projects = 3;
    o.data.users = 6;
    o.data.sites = 2;
    o.data.seed = 3;
    o.allow_implicit = true;
    sim_ = new Simulator(o);
    ASSERT_TRUE(sim_->Start());
    info_ = sim_->Describe();
  }
  static void TearDownTestSuite() {
    delete sim_;
    sim_ = nullptr;
  }
  void SetUp() override { client_.Send("POST", sim_->base_url() + "/__jirasim/reset"); }

  static std::string Site(int s = 0) { return info_["sites"][s]["url"]; }
  static std::string UserAuth(int u = 0) { return Basic(info_["users"][u]["email"], info_["users"][u]["apiToken"]); }
  static std::string AuthorizeUrl(const std::string& scope, const std::string& state, const std::string& challenge = "",
                                  const std::string& response_type = "code",
                                  const std::string& redirect = "http://localhost:33333") {
    std::string url = info_["authorizationUrl"].get<std::string>() +
                      "?audience=api.atlassian.com&client_id=" + info_["app"]["clientId"].get<std::string>() +
                      "&scope=" + jirasql::UrlEncode(scope) + "&redirect_uri=" + jirasql::UrlEncode(redirect) +
                      "&state=" + state + "&response_type=" + response_type + "&prompt=consent";
    if (!challenge.empty()) url += "&code_challenge=" + challenge + "&code_challenge_method=S256";
    return url;
  }
  // Logs user `u` in through the pages and exchanges the code: the token answer.
  json Login(const std::string& scope, int u = 0, const std::string& site = "") {
    const std::string verifier = "verifier-0123456789-0123456789-0123456789-abcdef";
    auto redirect = Approve(AuthorizeUrl(scope, "s1", PkceChallenge(verifier)), info_["users"][u]["email"],
                            info_["users"][u]["password"], site, false);
    EXPECT_TRUE(redirect) << (redirect ? "" : redirect.error().message);
    auto q = QueryOf(*redirect);
    EXPECT_EQ(q["state"], "s1");
    json body = {{"grant_type", "authorization_code"},
                 {"client_id", info_["app"]["clientId"]},
                 {"client_secret", info_["app"]["clientSecret"]},
                 {"code", q["code"]},
                 {"redirect_uri", "http://localhost:33333"},
                 {"code_verifier", verifier}};
    return client_.Json("POST", info_["tokenUrl"], "", body.dump());
  }

  static Simulator* sim_;
  static json info_;
  Client client_;
};
Simulator* JirasimTest::sim_ = nullptr;
json JirasimTest::info_;

TEST_F(JirasimTest, DescribesEverythingAClientNeeds) {
  for (const char* k : {"authorizationUrl", "tokenUrl", "accessibleResourcesUrl", "apiGatewayUrl", "adminUrl"}) {
    EXPECT_TRUE(info_[k].is_string()) << k;
  }
  EXPECT_EQ(info_["sites"].size(), 2u);
  EXPECT_EQ(info_["sites"][0]["issues"], 500);
  EXPECT_EQ(info_["users"].size(), 6u);
  for (const auto& u : info_["users"]) {
    for (const char* k : {"email", "password", "apiToken", "pat", "accountId", "timeZone"})
      EXPECT_TRUE(u[k].is_string()) << k;
  }
  EXPECT_EQ(info_["app"]["callbacks"][0], "http://localhost:33333");
}

TEST_F(JirasimTest, ApiTokenOnTheSiteUrl) {
  auto me = client_.Json("GET", Site() + "/rest/api/3/myself", UserAuth());
  EXPECT_EQ(me["accountId"], info_["users"][0]["accountId"]);
  EXPECT_EQ(me["timeZone"], "Australia/Brisbane");
  auto bad = client_.Send("GET", Site() + "/rest/api/3/myself", Basic(info_["users"][0]["email"], "wrong"));
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(client_.Send("GET", Site() + "/rest/api/3/myself").status, 401);
  // A user without access to the second site is refused there.
  for (std::size_t u = 1; u < info_["users"].size(); ++u) {
    auto sites = info_["users"][u]["sites"];
    if (std::find(sites.begin(), sites.end(), info_["sites"][1]["name"]) == sites.end()) {
      EXPECT_EQ(client_.Send("GET", Site(1) + "/rest/api/3/myself", UserAuth(static_cast<int>(u))).status, 403);
      break;
    }
  }
}

TEST_F(JirasimTest, ProjectListsExpandLeadAndDescription) {
  auto plain = client_.Json("GET", Site() + "/rest/api/3/project/search", UserAuth());
  ASSERT_FALSE(plain["values"].empty());
  EXPECT_FALSE(plain["values"][0].contains("lead"));
  auto expanded = client_.Json("GET", Site() + "/rest/api/3/project/search?expand=description,lead", UserAuth());
  ASSERT_FALSE(expanded["values"].empty());
  EXPECT_TRUE(expanded["values"][0]["lead"].contains("accountId"));
  EXPECT_TRUE(expanded["values"][0]["description"].is_string());
  auto listed = client_.Json("GET", Site() + "/rest/api/2/project?expand=lead", UserAuth());
  ASSERT_TRUE(listed.is_array());
  EXPECT_TRUE(listed[0]["lead"].contains("displayName"));
  EXPECT_FALSE(listed[0].contains("description"));
}

TEST_F(JirasimTest, IssueLinksAreMadeSeenFromBothIssuesAndDeleted) {
  const std::string api = Site() + "/rest/api/3";
  auto links_of = [&](const std::string& key) {
    return client_.Json("GET", api + "/issue/" + key + "?fields=issuelinks", UserAuth())["fields"]["issuelinks"];
  };
  // "ALPHA-1 blocks BETA-1": the inward issue is the one that blocks.
  client_.Json("POST", api + "/issueLink", UserAuth(),
               R"({"type":{"name":"Blocks"},"inwardIssue":{"key":"ALPHA-1"},"outwardIssue":{"key":"BETA-1"}})", 201);
  std::string id;
  for (const auto& l : links_of("ALPHA-1")) {
    if (l.contains("outwardIssue") && l["outwardIssue"]["key"] == "BETA-1" && l["type"]["name"] == "Blocks" &&
        (id.empty() || std::stoll(l["id"].get<std::string>()) > std::stoll(id))) {
      id = l["id"];
    }
  }
  ASSERT_FALSE(id.empty());
  bool inward_seen = false;
  for (const auto& l : links_of("BETA-1")) {
    if (l["id"] == id) {
      inward_seen = true;
      EXPECT_EQ(l["inwardIssue"]["key"], "ALPHA-1");
      EXPECT_FALSE(l.contains("outwardIssue"));
    }
  }
  EXPECT_TRUE(inward_seen);
  auto link = client_.Json("GET", api + "/issueLink/" + id, UserAuth());
  EXPECT_EQ(link["inwardIssue"]["key"], "ALPHA-1");
  EXPECT_EQ(link["outwardIssue"]["key"], "BETA-1");
  EXPECT_EQ(link["type"]["outward"], "blocks");

  // Refusals, as Jira words them.
  client_.Json("POST", api + "/issueLink", UserAuth(),
               R"({"type":{"name":"Nope"},"inwardIssue":{"key":"ALPHA-1"},"outwardIssue":{"key":"BETA-1"}})", 404);
  client_.Json("POST", api + "/issueLink", UserAuth(),
               R"({"type":{"name":"Relates"},"inwardIssue":{"key":"ALPHA-1"},"outwardIssue":{"key":"ALPHA-1"}})", 400);
  client_.Json("POST", api + "/issueLink", UserAuth(), R"({"type":{"name":"Relates"}})", 400);

  // Deleted: gone from both issues and from /issueLink.
  EXPECT_EQ(client_.Send("DELETE", api + "/issueLink/" + id, UserAuth()).status, 204);
  client_.Json("GET", api + "/issueLink/" + id, UserAuth(), "", 404);
  for (const char* key : {"ALPHA-1", "BETA-1"}) {
    for (const auto& l : links_of(key)) EXPECT_NE(l["id"], id) << key;
  }
}

TEST_F(JirasimTest, AMalformedBodyIsA400AsJiraSays) {
  for (const char* body : {R"({"jql": 5})", R"({"jql": "project = ALPHA", "maxResults": "ten"})",
                           R"({"jql": "project = ALPHA", "fields": {"a": 1}})"}) {
    auto r = client_.Send("POST", Site() + "/rest/api/3/search/jql", UserAuth(), body);
    EXPECT_EQ(r.status, 400) << body << " -> " << r.body;
    auto j = json::parse(r.body, nullptr, false);
    ASSERT_TRUE(j.is_object()) << r.body;
    EXPECT_EQ(j["errorMessages"][0], "Invalid request payload. Refer to the REST API documentation and try again.");
    EXPECT_FALSE(r.Header("EXCEPTION_WHAT").has_value());
  }
}

TEST_F(JirasimTest, FullOAuthFlowThroughThePages) {
  json t = Login("read:jira-work read:jira-user offline_access");
  ASSERT_TRUE(t.contains("access_token"));
  EXPECT_TRUE(t.contains("refresh_token"));
  const std::string bearer = "Bearer " + t["access_token"].get<std::string>();

  // Accessible resources: the granted site plus a non-Jira resource, order varies.
  std::set<std::string> firsts;
  for (int i = 0; i < 3; ++i) {
    auto res = client_.Json("GET", info_["accessibleResourcesUrl"], bearer);
    ASSERT_EQ(res.size(), 2u);
    firsts.insert(res[0]["id"]);
    bool jira = false, other = false;
    for (const auto& r : res) {
      if (r["id"] == info_["sites"][0]["cloudId"]) {
        jira = true;
        EXPECT_EQ(r["url"], Site());
      } else {
        other = true;
        EXPECT_EQ(r["scopes"][0], "read:confluence-content.all");
      }
    }
    EXPECT_TRUE(jira && other);
  }
  EXPECT_EQ(firsts.size(), 2u) << "the order never changed";

  const std::string gw = info_["sites"][0]["gatewayUrl"];
  auto me = client_.Json("GET", gw + "/rest/api/3/myself", bearer);
  EXPECT_EQ(me["accountId"], info_["users"][0]["accountId"]);
  // Not granted on the other site.
  EXPECT_EQ(
      client_.Send("GET", info_["sites"][1]["gatewayUrl"].get<std::string>() + "/rest/api/3/myself", bearer).status,
      404);
  // Refresh with a form body rotates the token.
  std::string form = "grant_type=refresh_token&client_id=" + info_["app"]["clientId"].get<std::string>() +
                     "&client_secret=" + info_["app"]["clientSecret"].get<std::string>() +
                     "&refresh_token=" + jirasql::UrlEncode(t["refresh_token"].get<std::string>());
  auto r = client_.Send("POST", info_["tokenUrl"], "", form, "application/x-www-form-urlencoded");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(json::parse(r.body)["refresh_token"], t["refresh_token"]);
  auto counters = client_.Json("GET", sim_->base_url() + "/__jirasim/counters");
  EXPECT_EQ(counters["oauth"]["refreshes"], 1);
}

TEST_F(JirasimTest, ScopeMismatchIsTheGatewaysMessage) {
  json t = Login("read:jira-work");
  const std::string bearer = "Bearer " + t["access_token"].get<std::string>();
  const std::string gw = info_["sites"][0]["gatewayUrl"];
  auto r = client_.Send("GET", gw + "/rest/api/3/myself", bearer);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(json::parse(r.body), (json{{"code", 401}, {"message", "Unauthorized; scope does not match"}}));
  EXPECT_EQ(client_.Send("GET", gw + "/rest/api/3/project/search", bearer).status, 200);
  EXPECT_EQ(client_.Send("POST", gw + "/rest/api/3/issue", bearer, "{}").status, 401);
}

TEST_F(JirasimTest, ExpiredAndRevokedTokensAre401) {
  json t = Login("read:jira-work offline_access");
  const std::string bearer = "Bearer " + t["access_token"].get<std::string>();
  const std::string gw = info_["sites"][0]["gatewayUrl"];
  EXPECT_EQ(client_.Send("GET", gw + "/rest/api/3/project/search", bearer).status, 200);
  client_.Json("POST", sim_->base_url() + "/__jirasim/clock/advance", "", R"({"seconds": 3601})");
  auto r = client_.Send("GET", gw + "/rest/api/3/project/search", bearer);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(json::parse(r.body)["message"], "Unauthorized");
}

TEST_F(JirasimTest, RefreshTokenLifecycleOverHttpWithTheAdminClock) {
  json t = Login("read:jira-work offline_access");
  auto refresh = [&](const std::string& rt) {
    json body = {{"grant_type", "refresh_token"},
                 {"client_id", info_["app"]["clientId"]},
                 {"client_secret", info_["app"]["clientSecret"]},
                 {"refresh_token", rt}};
    return client_.Send("POST", info_["tokenUrl"], "", body.dump());
  };
  auto advance = [&](int64_t seconds) {
    client_.Json("POST", sim_->base_url() + "/__jirasim/clock/advance", "", json{{"seconds", seconds}}.dump());
  };
  const std::string rt1 = t["refresh_token"];
  auto r = refresh(rt1);
  ASSERT_EQ(r.status, 200);
  const std::string rt2 = json::parse(r.body)["refresh_token"];
  advance(5 * 60);
  EXPECT_EQ(refresh(rt1).status, 200);  // reuse inside the 10-minute leeway
  advance(30 * 86400);
  r = refresh(rt2);  // a month later, still active
  ASSERT_EQ(r.status, 200);
  const std::string rt3 = json::parse(r.body)["refresh_token"];
  advance(91 * 86400);  // unused for 91 days
  r = refresh(rt3);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(json::parse(r.body)["error"], "invalid_grant");
  EXPECT_EQ(refresh(rt2).status, 403);  // late reuse of a rotated token: the grant is revoked
  auto counters = client_.Json("GET", sim_->base_url() + "/__jirasim/counters")["oauth"];
  EXPECT_EQ(counters["refreshes"], 3);
  EXPECT_EQ(counters["reuse_within_leeway"], 1);
  EXPECT_EQ(counters["reuse_detections"], 1);
  EXPECT_EQ(counters["revocations"], 1);
  // Bad client secret and malformed bodies get Atlassian's statuses.
  json bad = {{"grant_type", "refresh_token"},
              {"client_id", info_["app"]["clientId"]},
              {"client_secret", "nope"},
              {"refresh_token", rt3}};
  r = client_.Send("POST", info_["tokenUrl"], "", bad.dump());
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(json::parse(r.body)["error"], "access_denied");
  EXPECT_EQ(client_.Send("POST", info_["tokenUrl"], "", "{not json").status, 400);
}

TEST_F(JirasimTest, AuthorizeRefusesUnregisteredRedirectWithoutRedirecting) {
  Client raw(false);
  auto r = raw.Send("GET", AuthorizeUrl("read:jira-work", "s", "", "code", "http://evil.example/cb"));
  EXPECT_EQ(r.status, 400);
  EXPECT_FALSE(r.Header("Location"));
  EXPECT_NE(r.body.find("unauthorized_client"), std::string::npos);
  // Known redirect, unknown scope: redirected with the error and the state.
  r = raw.Send("GET", AuthorizeUrl("read:jira-work fly:to-the-moon", "s9"));
  ASSERT_EQ(r.status, 302);
  auto q = QueryOf(*r.Header("Location"));
  EXPECT_EQ(q["error"], "invalid_scope");
  EXPECT_EQ(q["state"], "s9");
}

TEST_F(JirasimTest, AuthorizeChecksAudienceResponseTypeAndClient) {
  Client raw(false);
  std::string url = AuthorizeUrl("read:jira-work", "s2");
  auto r = raw.Send("GET", std::regex_replace(url, std::regex("audience=api.atlassian.com"), "audience=example.com"));
  ASSERT_EQ(r.status, 302);
  EXPECT_EQ(QueryOf(*r.Header("Location"))["error"], "invalid_request");
  r = raw.Send("GET", AuthorizeUrl("read:jira-work", "s3", "", "id_token"));
  ASSERT_EQ(r.status, 302);
  EXPECT_EQ(QueryOf(*r.Header("Location"))["error"], "unsupported_response_type");
  r = raw.Send("GET", std::regex_replace(url, std::regex("client_id=[^&]*"), "client_id=someone-else"));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("invalid_client"), std::string::npos);
  // A plain HTML login form comes back for a good request.
  r = raw.Send("GET", url);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("<form method=\"post\" action=\"/login\">"), std::string::npos);
}

TEST(JirasimImplicitTest, ImplicitGrantNeedsAllowImplicit) {
  SimOptions o;
  o.data.issues = 10;
  o.data.sites = 1;
  Simulator sim(o);
  ASSERT_TRUE(sim.Start());
  json info = sim.Describe();
  Client raw(false);
  auto r = raw.Send("GET", info["authorizationUrl"].get<std::string>() +
                               "?audience=api.atlassian.com&client_id=" + info["app"]["clientId"].get<std::string>() +
                               "&scope=read%3Ajira-work&redirect_uri=http%3A%2F%2Flocalhost%3A33333&state=i"
                               "&response_type=token&prompt=consent");
  ASSERT_EQ(r.status, 302);
  EXPECT_EQ(QueryOf(*r.Header("Location"))["error"], "unsupported_response_type");
}

TEST_F(JirasimTest, DenyRedirectsWithAccessDenied) {
  auto redirect = Approve(AuthorizeUrl("read:jira-work", "st-deny"), info_["users"][0]["email"],
                          info_["users"][0]["password"], "", true);
  ASSERT_TRUE(redirect);
  auto q = QueryOf(*redirect);
  EXPECT_EQ(q["error"], "access_denied");
  EXPECT_EQ(q["state"], "st-deny");
  EXPECT_EQ(q.count("code"), 0u);
  auto wrong = Approve(AuthorizeUrl("read:jira-work", "x"), info_["users"][0]["email"], "bad-password", "", false);
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("wrong email or password"), std::string::npos);
}

TEST_F(JirasimTest, ImplicitGrantCarriesTokenAndServerUrlInTheFragment) {
  auto redirect = Approve(AuthorizeUrl("read:jira-work", "imp", "", "token"), info_["users"][0]["email"],
                          info_["users"][0]["password"], "", false);
  ASSERT_TRUE(redirect);
  ASSERT_NE(redirect->find('#'), std::string::npos);
  auto q = QueryOf(*redirect);
  EXPECT_EQ(q["state"], "imp");
  EXPECT_EQ(q["server_url"], info_["sites"][0]["gatewayUrl"]);
  EXPECT_EQ(client_.Send("GET", q["server_url"] + "/rest/api/3/project/search", "Bearer " + q["access_token"]).status,
            200);
}

TEST_F(JirasimTest, SearchPagesWithNextPageTokenThroughEveryIssue) {
  const std::string url = Site() + "/rest/api/3/search/jql";
  auto count =
      client_.Json("POST", Site() + "/rest/api/3/search/approximate-count", UserAuth(), R"({"jql":"project = ALPHA"})");
  int64_t expected = count["count"];
  ASSERT_GT(expected, 100);
  std::set<std::string> keys;
  std::string token;
  int pages = 0;
  while (true) {
    json body = {{"jql", "project = ALPHA ORDER BY key"}, {"maxResults", 37}, {"fields", {"summary", "status"}}};
    if (!token.empty()) body["nextPageToken"] = token;
    auto page = client_.Json("POST", url, UserAuth(), body.dump());
    ++pages;
    for (const auto& is : page["issues"]) {
      EXPECT_TRUE(is["fields"]["summary"].is_string());
      EXPECT_FALSE(is["fields"].contains("description"));
      EXPECT_TRUE(keys.insert(is["key"]).second) << "repeated " << is["key"];
    }
    if (page["isLast"]) {
      EXPECT_FALSE(page.contains("nextPageToken"));
      break;
    }
    token = page["nextPageToken"];
    ASSERT_LT(pages, 100);
  }
  EXPECT_EQ(static_cast<int64_t>(keys.size()), expected);
  EXPECT_EQ(pages, (expected + 36) / 37);
}

TEST_F(JirasimTest, SearchDefaultsAndCaps) {
  const std::string url = Site() + "/rest/api/3/search/jql";
  auto ids = client_.Json("GET", url + "?jql=project%3DALPHA", UserAuth());
  ASSERT_EQ(ids["issues"].size(), 50u);               // default page
  EXPECT_FALSE(ids["issues"][0].contains("fields"));  // fields default to id
  auto big = client_.Json("GET", url + "?jql=project%3DALPHA&maxResults=5000&fields=summary", UserAuth());
  EXPECT_EQ(big["issues"].size(), 100u);  // full pages are capped
  auto idonly = client_.Json("GET", url + "?jql=project%20is%20not%20empty&maxResults=5000&fields=id", UserAuth());
  EXPECT_EQ(idonly["issues"].size(), 500u);
  auto all = client_.Json("GET", url + "?jql=key%3DALPHA-1&fields=*all", UserAuth());
  EXPECT_TRUE(all["issues"][0]["fields"].contains("comment"));
  auto nav = client_.Json("GET", url + "?jql=key%3DALPHA-1&fields=*navigable,-description", UserAuth());
  EXPECT_FALSE(nav["issues"][0]["fields"].contains("comment"));
  EXPECT_FALSE(nav["issues"][0]["fields"].contains("description"));
  EXPECT_TRUE(nav["issues"][0]["fields"].contains("customfield_10016"));
}

TEST_F(JirasimTest, SearchErrors) {
  const std::string url = Site() + "/rest/api/3/search/jql";
  auto r = client_.Json("GET", url + "?jql=order%20by%20key", UserAuth(), "", 400);
  EXPECT_EQ(r["errorMessages"][0],
            "Unbounded JQL queries are not allowed here. Please add a search restriction to your query.");
  r = client_.Json("GET", url + "?jql=project%20%3D", UserAuth(), "", 400);
  EXPECT_NE(r["errorMessages"][0].get<std::string>().find("Error in the JQL Query"), std::string::npos);
  r = client_.Json("GET", url + "?jql=project%3DALPHA&nextPageToken=bogus", UserAuth(), "", 400);
  // A token from another query.
  auto page = client_.Json("GET", url + "?jql=project%3DALPHA&maxResults=5", UserAuth());
  client_.Json("GET", url + "?jql=project%3DBETA&nextPageToken=" + page["nextPageToken"].get<std::string>(), UserAuth(),
               "", 400);
  r = client_.Json("GET", Site() + "/rest/api/3/search?jql=project%3DALPHA", UserAuth(), "", 410);
  EXPECT_NE(r["errorMessages"][0].get<std::string>().find("/rest/api/3/search/jql"), std::string::npos);
}

TEST_F(JirasimTest, BulkFetchReturnsFoundIssuesInIdOrder) {
  json body = {{"issueIdsOrKeys", {"BETA-3", "ALPHA-2", "10003", "NOPE-1", "ALPHA-2"}}, {"fields", {"summary"}}};
  auto r = client_.Json("POST", Site() + "/rest/api/3/issue/bulkfetch", UserAuth(), body.dump());
  ASSERT_EQ(r["issues"].size(), 3u);
  EXPECT_LT(std::stoll(r["issues"][0]["id"].get<std::string>()), std::stoll(r["issues"][1]["id"].get<std::string>()));
  EXPECT_TRUE(r["issueErrors"].empty());
  json many = {{"issueIdsOrKeys", json::array()}};
  for (int i = 0; i < 101; ++i) many["issueIdsOrKeys"].push_back(std::to_string(10000 + i));
  client_.Json("POST", Site() + "/rest/api/3/issue/bulkfetch", UserAuth(), many.dump(), 400);
}

TEST_F(JirasimTest, WritesAreVisibleToReads) {
  const std::string api = Site() + "/rest/api/3";
  auto created = client_.Json(
      "POST", api + "/issue", UserAuth(),
      R"({"fields":{"project":{"key":"GAMMA"},"issuetype":{"name":"Task"},"summary":"Written by a test","labels":["docs"],
                                  "description":{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"hello"}]}]}}})",
      201);
  const std::string key = created["key"];
  ASSERT_EQ(key.rfind("GAMMA-", 0), 0u);
  auto found = client_.Json(
      "GET",
      api + "/search/jql?jql=" + jirasql::UrlEncode("summary ~ \"Written by a test\"") + "&fields=labels,description",
      UserAuth());
  ASSERT_EQ(found["issues"].size(), 1u);
  EXPECT_EQ(found["issues"][0]["fields"]["labels"][0], "docs");
  EXPECT_EQ(found["issues"][0]["fields"]["description"]["content"][0]["content"][0]["text"], "hello");

  EXPECT_EQ(client_
                .Send("PUT", api + "/issue/" + key, UserAuth(),
                      R"({"fields":{"summary":"Renamed"},"update":{"labels":[{"add":"perf"}]}})")
                .status,
            204);
  auto is = client_.Json("GET", api + "/issue/" + key + "?fields=summary,labels&expand=changelog", UserAuth());
  EXPECT_EQ(is["fields"]["summary"], "Renamed");
  EXPECT_EQ(is["fields"]["labels"].size(), 2u);
  EXPECT_EQ(is["changelog"]["histories"][0]["items"][0]["toString"], "Renamed");

  client_.Json("POST", api + "/issue/" + key + "/comment", UserAuth(),
               R"({"body":{"type":"doc","version":1,"content":[]}})", 201);
  client_.Json("POST", api + "/issue/" + key + "/worklog", UserAuth(), R"({"timeSpentSeconds":5400})", 201);
  EXPECT_EQ(client_.Json("GET", api + "/issue/" + key + "/comment", UserAuth())["total"], 1);
  auto logs = client_.Json("GET", api + "/issue/" + key + "/worklog", UserAuth());
  EXPECT_EQ(logs["worklogs"][0]["timeSpent"], "1h 30m");

  auto bad = client_.Json("PUT", api + "/issue/" + key, UserAuth(), R"({"fields":{"nonsense":1}})", 400);
  EXPECT_TRUE(bad["errors"].contains("nonsense"));
  client_.Json("POST", api + "/issue", UserAuth(), R"({"fields":{"project":{"key":"GAMMA"}}})", 400);

  EXPECT_EQ(client_.Send("DELETE", api + "/issue/" + key, UserAuth()).status, 204);
  EXPECT_EQ(client_.Send("GET", api + "/issue/" + key, UserAuth()).status, 404);
}

TEST_F(JirasimTest, FaultsAndTheRetryLoop) {
  // Two 429s with Retry-After, then normal answers: jirasql's retry loop rides through.
  client_.Json("POST", sim_->base_url() + "/__jirasim/faults", "",
               R"({"path":"/myself$","status":429,"retryAfter":0,"reason":"jira-burst-based","count":2})");
  std::shared_ptr<jirasql::HttpTransport> inner(&client_.http(), [](auto*) {});
  auto retrying = jirasql::RetryingTransport::WithDefaults(inner, nullptr);
  auto r = retrying->Send({"GET", Site() + "/rest/api/3/myself", {{"Authorization", UserAuth()}}, "", std::nullopt});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  auto counters = client_.Json("GET", sim_->base_url() + "/__jirasim/counters");
  EXPECT_EQ(counters["requests"]["GET /rest/api/3/myself 429"], 2);
  EXPECT_EQ(counters["requests"]["GET /rest/api/3/myself 200"], 1);

  // A dropped connection is a transport error, not an answer.
  client_.Json("POST", sim_->base_url() + "/__jirasim/faults", "", R"({"path":"/serverInfo$","drop":true,"count":1})");
  auto dropped = client_.http().Send({"GET", Site() + "/rest/api/3/serverInfo", {}, "", std::nullopt});
  ASSERT_FALSE(dropped);
  EXPECT_EQ(dropped.error().code, jirasql::ErrorCode::kTransport);
  client_.Json("POST", sim_->base_url() + "/__jirasim/faults", "", R"({"path":"(","status":500})", 400);
}

// A fault `after` the request: Jira acted, the client never hears it. What
// jirasql's writes must survive without creating a duplicate.
// POST /jql/match: which of the given ids each JQL returns — an id of
// another project or of no issue is not matched; a JQL that does not parse
// comes back in its errors; more than 1,000 ids is a 400.
TEST_F(JirasimTest, JqlMatchSaysWhichIssuesEachQueryReturns) {
  const std::string url = Site() + "/rest/api/3/jql/match";
  auto page = client_.Json("POST", Site() + "/rest/api/3/search/jql", UserAuth(),
                           R"({"jql":"project = ALPHA ORDER BY id","maxResults":5000,"fields":["id"]})");
  std::vector<int64_t> alpha;
  for (const auto& is : page["issues"]) alpha.push_back(std::stoll(is["id"].get<std::string>()));
  ASSERT_GT(alpha.size(), 3u);
  auto other = client_.Json("POST", Site() + "/rest/api/3/search/jql", UserAuth(),
                            R"({"jql":"project != ALPHA","maxResults":1,"fields":["id"]})");
  const int64_t not_alpha = std::stoll(other["issues"][0]["id"].get<std::string>());
  json body = {{"issueIds", {alpha[0], alpha[1], not_alpha, 999999999}},
               {"jqls", {"project = ALPHA", "id = " + std::to_string(alpha[1]), "nosuchfield = 1"}}};
  auto m = client_.Json("POST", url, UserAuth(), body.dump());
  ASSERT_EQ(m["matches"].size(), 3u) << m.dump();
  EXPECT_EQ(m["matches"][0]["matchedIssues"], json({alpha[0], alpha[1]}));
  EXPECT_TRUE(m["matches"][0]["errors"].empty());
  EXPECT_EQ(m["matches"][1]["matchedIssues"], json({alpha[1]}));
  EXPECT_TRUE(m["matches"][2]["matchedIssues"].empty());
  ASSERT_EQ(m["matches"][2]["errors"].size(), 1u);
  EXPECT_NE(m["matches"][2]["errors"][0].get<std::string>().find("nosuchfield"), std::string::npos);

  json many = {{"issueIds", json::array()}, {"jqls", {"project = ALPHA"}}};
  for (int i = 0; i < 1001; ++i) many["issueIds"].push_back(10000 + i);
  auto refused = client_.Send("POST", url, UserAuth(), many.dump());
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body.find("at most 1000 issue IDs"), std::string::npos) << refused.body;
  EXPECT_EQ(client_.Send("POST", url, UserAuth(), R"({"jqls":["project = ALPHA"]})").status, 400);
}

TEST_F(JirasimTest, AFaultAfterTheRequestLetsItActAndLosesTheAnswer) {
  const std::string api = Site() + "/rest/api/3";
  const std::string faults = sim_->base_url() + "/__jirasim/faults";
  auto count = [&](const std::string& summary) {
    return client_
        .Json("POST", api + "/search/approximate-count", UserAuth(),
              nlohmann::json{{"jql", "summary ~ \"" + summary + "\""}}.dump())["count"]
        .get<int>();
  };
  const std::string create =
      R"({"fields":{"project":{"key":"GAMMA"},"issuetype":{"name":"Task"},"summary":"Lost answer one"}})";
  client_.Json("POST", faults, "",
               R"({"path":"/rest/api/3/issue$","method":"POST","after":true,"drop":true,"count":1})");
  // Only POSTs draw it: a GET of the same path is answered as usual.
  EXPECT_EQ(client_.Send("GET", api + "/issue", UserAuth()).status, 404);
  auto lost = client_.http().Send({"POST",
                                   api + "/issue",
                                   {{"Authorization", UserAuth()}, {"Content-Type", "application/json"}},
                                   create,
                                   std::nullopt});
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().code, jirasql::ErrorCode::kTransport);
  EXPECT_EQ(count("Lost answer one"), 1);  // created all the same

  // A 500 after acting: the answer says failure, Jira holds the issue.
  client_.Json("POST", faults, "",
               R"({"path":"/rest/api/3/issue$","method":"POST","after":true,"status":500,"count":1})");
  auto failed =
      client_.Send("POST", api + "/issue", UserAuth(),
                   R"({"fields":{"project":{"key":"GAMMA"},"issuetype":{"name":"Task"},"summary":"Lost answer two"}})");
  EXPECT_EQ(failed.status, 500);
  EXPECT_EQ(count("Lost answer two"), 1);
  // Without `after` the request is refused before it acts.
  client_.Json("POST", faults, "", R"({"path":"/rest/api/3/issue$","method":"POST","status":500,"count":1})");
  EXPECT_EQ(client_
                .Send("POST", api + "/issue", UserAuth(),
                      R"({"fields":{"project":{"key":"GAMMA"},"issuetype":{"name":"Task"},"summary":"Never made"}})")
                .status,
            500);
  EXPECT_EQ(count("Never made"), 0);
}

TEST_F(JirasimTest, AgileBoardsAndSprints) {
  auto boards = client_.Json("GET", Site() + "/rest/agile/1.0/board", UserAuth());
  ASSERT_EQ(boards["values"].size(), 4u);  // a scrum board per project, and a kanban board
  EXPECT_EQ(boards["values"][3]["type"], "kanban");
  int64_t board = boards["values"][0]["id"];
  EXPECT_EQ(client_.Json("GET", Site() + "/rest/agile/1.0/board/" + std::to_string(board), UserAuth()),
            boards["values"][0]);
  // Kanban boards have no sprints: Jira's 400.
  EXPECT_EQ(client_.Send("GET", Site() + "/rest/agile/1.0/board/4/sprint", UserAuth()).status, 400);
  auto sprints = client_.Json("GET", Site() + "/rest/agile/1.0/board/" + std::to_string(board) + "/sprint?state=active",
                              UserAuth());
  ASSERT_EQ(sprints["values"].size(), 1u);
  int64_t sprint = sprints["values"][0]["id"];
  auto issues = client_.Json("GET", Site() + "/rest/agile/1.0/sprint/" + std::to_string(sprint) + "/issue", UserAuth());
  auto jql = client_.Json("POST", Site() + "/rest/api/3/search/approximate-count", UserAuth(),
                          json{{"jql", "sprint = " + std::to_string(sprint)}}.dump());
  EXPECT_EQ(issues["total"], jql["count"]);
}

class JirasimDataCenterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    SimOptions o;
    o.data.issues = 300;
    o.data.sites = 1;
    o.datacenter = true;
    sim_ = new Simulator(o);
    ASSERT_TRUE(sim_->Start());
    info_ = sim_->Describe();
  }
  static void TearDownTestSuite() { delete sim_; }
  static Simulator* sim_;
  static json info_;
  Client client_;
};
Simulator* JirasimDataCenterTest::sim_ = nullptr;
json JirasimDataCenterTest::info_;

TEST_F(JirasimDataCenterTest, StartAtPagingWithTotalAndPlainText) {
  const std::string site = info_["sites"][0]["url"];
  const std::string pat = "Bearer " + info_["users"][0]["pat"].get<std::string>();
  std::set<std::string> keys;
  int64_t total = -1;
  for (int64_t start = 0;; start += 70) {
    auto page = client_.Json(
        "GET", site + "/rest/api/2/search?jql=project%3DALPHA&maxResults=70&startAt=" + std::to_string(start), pat);
    total = page["total"];
    for (const auto& is : page["issues"]) {
      keys.insert(is["key"]);
      auto d = is["fields"]["description"];
      EXPECT_TRUE(d.is_null() || d.is_string()) << "v2 description must be plain text";
      EXPECT_TRUE(is["fields"]["assignee"].is_null() || is["fields"]["assignee"].contains("name"));
    }
    if (start + 70 >= total) break;
  }
  EXPECT_EQ(static_cast<int64_t>(keys.size()), total);
  // Basic with a password works too; v3 and the enhanced search do not exist.
  const std::string basic = Basic(info_["users"][1]["name"], info_["users"][1]["password"]);
  EXPECT_EQ(client_.Send("GET", site + "/rest/api/2/myself", basic).status, 200);
  EXPECT_EQ(client_.Send("GET", site + "/rest/api/3/myself", basic).status, 404);
  EXPECT_EQ(client_.Send("GET", site + "/rest/api/2/search/jql?jql=project%3DALPHA", basic).status, 404);
  EXPECT_EQ(client_.Send("GET", site + "/rest/api/2/myself", Basic(info_["users"][1]["name"], "nope")).status, 401);
}

}  // namespace
}  // namespace jirasim
