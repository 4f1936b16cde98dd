#pragma once
// What the SQL tests and the fault tests share: a SQLite engine over a
// jirasql Session, queried as text rows, and jirasim's fault admin calls.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "http/curl_transport.h"
#include "http/logger.h"
#include "sim/server.h"
#include "sql/engine.h"

namespace jirasql::testing_sql {

using json = nlohmann::json;
using Rows = std::vector<std::vector<std::string>>;

struct Db {
  std::unique_ptr<SqlEngine> engine;
  std::vector<std::string> notices;

  // Runs one query; rows as text ("NULL" for NULL). Fails the test on error
  // unless `error` is given.
  Rows Query(const std::string& sql, std::string* error = nullptr) {
    Rows out;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(engine->db(), sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      if (error)
        *error = sqlite3_errmsg(engine->db());
      else
        ADD_FAILURE() << sql << ": " << sqlite3_errmsg(engine->db());
      return out;
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(st); ++i) {
        const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
        row.push_back(sqlite3_column_type(st, i) == SQLITE_NULL ? "NULL" : t);
      }
      out.push_back(std::move(row));
    }
    if (rc != SQLITE_DONE) {
      if (error)
        *error = sqlite3_errmsg(engine->db());
      else
        ADD_FAILURE() << sql << ": " << sqlite3_errmsg(engine->db());
    } else if (error) {
      error->clear();
    }
    sqlite3_finalize(st);
    return out;
  }
  std::string One(const std::string& sql) {
    auto r = Query(sql);
    return r.size() == 1 && r[0].size() == 1 ? r[0][0] : "<" + std::to_string(r.size()) + " rows>";
  }
  const ScanReport& LastScan() { return *engine->session().reports.back(); }
};

struct Mode {
  const char* name;
  bool datacenter;
};
inline void PrintTo(const Mode& m, std::ostream* os) { *os << m.name; }

// A test suite over two jirasims generated from `Fixture::Data()`, one in
// Cloud mode and one in Data Center mode, run once per mode.
template <class Fixture>
class SimModesTest : public ::testing::TestWithParam<Mode> {
 protected:
  static void SetUpTestSuite() {
    for (bool dc : {false, true}) {
      jirasim::SimOptions o;
      o.data = Fixture::Data();
      o.datacenter = dc;
      sims_[dc] = new jirasim::Simulator(o);
      ASSERT_TRUE(sims_[dc]->Start());
      info_[dc] = sims_[dc]->Describe();
    }
  }
  static void TearDownTestSuite() {
    for (auto*& s : sims_) {
      delete s;
      s = nullptr;
    }
  }

  bool dc() const { return GetParam().datacenter; }
  jirasim::Simulator& sim() { return *sims_[dc()]; }
  const json& info() { return info_[dc()]; }
  const jirasim::Site& site(int s) { return sim().world().sites[static_cast<std::size_t>(s)]; }

  // A connection as user `u` to site `s`: an API token in Cloud mode, a PAT
  // in Data Center mode.
  std::string Connect(int s = 0, int u = 0) {
    const json& user = info()["users"][u];
    const std::string url = info()["sites"][s]["url"], pat = user["pat"], email = user["email"],
                      token = user["apiToken"];
    if (dc()) return "AuthScheme=PAT;Url=" + url + ";PersonalAccessToken=" + pat;
    return "AuthScheme=APIToken;Url=" + url + ";User=" + email + ";APIToken=" + token;
  }

  // A connection through the API gateway with an OAuth 2.0 (3LO) access
  // token for user `u` on site `s` (Cloud only), minted by jirasim's
  // authorization server as the consent and code exchange would.
  std::string OAuthConnect(int s = 0, int u = 0) {
    auto& auth = sim().auth();
    jirasim::AuthorizeRequest a;
    a.client_id = auth.client_id();
    a.redirect_uri = auth.callbacks().front();
    a.scope = "read:jira-work read:jira-user write:jira-work offline_access";
    a.response_type = "code";
    a.audience = "api.atlassian.com";
    int64_t expires_in = 0;
    const std::string code = auth.Approve(auth.BeginTransaction(a, sim().NowMs()), u, s, sim().NowMs(), &expires_in);
    auto t = auth.Token({{"grant_type", "authorization_code"},
                         {"client_id", auth.client_id()},
                         {"client_secret", auth.client_secret()},
                         {"code", code},
                         {"redirect_uri", a.redirect_uri}},
                        sim().NowMs());
    EXPECT_EQ(t.status, 200) << t.body.dump();
    return "AuthScheme=OAuth;InitiateOAuth=OFF;OAuthAccessToken=" + t.body.value("access_token", "") +
           ";CloudId=" + info()["sites"][s]["cloudId"].template get<std::string>() +
           ";OAuthApiGatewayURL=" + info()["apiGatewayUrl"].template get<std::string>();
  }

  static inline jirasim::Simulator* sims_[2] = {nullptr, nullptr};
  static inline json info_[2];
};

// An engine over `connect`, with `extra` applied as if given as flags. When
// the engine cannot be opened: its error in `error` if given (the engine
// null), else a test failure.
inline Db OpenDb(const std::string& connect, const std::string& extra = "", std::string* error = nullptr) {
  ConnectionProperties props;
  auto r = props.Apply(connect, PropSource::kConnectString);
  EXPECT_TRUE(r) << r.error().message;
  if (!extra.empty()) {
    auto e = props.Apply(extra, PropSource::kFlag);
    EXPECT_TRUE(e) << e.error().message;
  }
  auto logger = Logger::Open("", 0);
  Db db;
  auto session = std::make_shared<Session>(props, *logger, ConnectOptions{false});
  auto* notices = &db.notices;
  session->notice = [notices](const std::string& n) { notices->push_back(n); };
  auto e = SqlEngine::Open(session);
  if (!e) {
    if (error)
      *error = e.error().message;
    else
      ADD_FAILURE() << e.error().message;
    return db;
  }
  db.engine = std::move(*e);
  return db;
}

// jirasim's admin API: add a fault, remove them all, read the counters.
inline void AddFault(const std::string& base_url, const json& fault) {
  auto http = CurlTransport::Create(CurlOptions{}, nullptr);
  auto r = (*http)->Send(HttpRequest{
      "POST", base_url + "/__jirasim/faults", {{"Content-Type", "application/json"}}, fault.dump(), std::nullopt});
  ASSERT_TRUE(r && r->ok()) << (r ? r->body : r.error().message);
}
// Sets jirasim's rate limits ({"pointsQuota": N, "pointsWindow": S,
// "burstPerSecond": N, "issueWritesPerSecond": N}; 0 turns one off) and
// answers them with the points spent.
inline json SetLimits(const std::string& base_url, const json& limits) {
  auto http = CurlTransport::Create(CurlOptions{}, nullptr);
  auto r = (*http)->Send(HttpRequest{
      "POST", base_url + "/__jirasim/limits", {{"Content-Type", "application/json"}}, limits.dump(), std::nullopt});
  EXPECT_TRUE(r && r->ok()) << (r ? r->body : r.error().message);
  return r && r->ok() ? json::parse(r->body, nullptr, false) : json::object();
}
// POST /__jirasim/<call> with a JSON body: the answer (null unless 200).
inline json AdminPost(const std::string& base_url, const std::string& call, const json& body) {
  auto http = CurlTransport::Create(CurlOptions{}, nullptr);
  auto r = (*http)->Send(HttpRequest{
      "POST", base_url + "/__jirasim/" + call, {{"Content-Type", "application/json"}}, body.dump(), std::nullopt});
  return r && r->ok() ? json::parse(r->body, nullptr, false) : json();
}
inline json Limits(const std::string& base_url) {
  auto http = CurlTransport::Create(CurlOptions{}, nullptr);
  auto r = (*http)->Send(HttpRequest{"GET", base_url + "/__jirasim/limits", {}, "", std::nullopt});
  return r && r->ok() ? json::parse(r->body, nullptr, false) : json::object();
}
inline void ClearFaults(const std::string& base_url) {
  auto http = CurlTransport::Create(CurlOptions{}, nullptr);
  (void)(*http)->Send(HttpRequest{"DELETE", base_url + "/__jirasim/faults", {}, "", std::nullopt});
}
// Removes the faults and zeroes the counters.
inline void ResetSim(const std::string& base_url) {
  auto http = CurlTransport::Create(CurlOptions{}, nullptr);
  (void)(*http)->Send(HttpRequest{"POST", base_url + "/__jirasim/reset", {}, "", std::nullopt});
}
inline json Counters(const std::string& base_url) {
  auto http = CurlTransport::Create(CurlOptions{}, nullptr);
  auto r = (*http)->Send(HttpRequest{"GET", base_url + "/__jirasim/counters", {}, "", std::nullopt});
  if (!r || !r->ok()) return json::object();
  return json::parse(r->body, nullptr, false);
}

// How many requests jirasim answered (any status) whose counter key
// ("GET /rest/api/3/issue/{id}/comment 200") `match` accepts. jirasim counts
// a request once its answer is written, which may be just after the client
// has read it: read until two readings agree.
inline int64_t CountRequests(const std::string& base_url, const std::function<bool(const std::string&)>& match) {
  auto count = [&] {
    int64_t n = 0;
    const json counters = Counters(base_url);
    if (!counters.contains("requests")) return n;
    for (const auto& item : counters["requests"].items()) {
      if (match(item.key())) n += item.value().get<int64_t>();
    }
    return n;
  };
  int64_t last = count();
  for (int i = 0; i < 40; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
    const int64_t now = count();
    if (now == last) return now;
    last = now;
  }
  return last;
}

}  // namespace jirasql::testing_sql
