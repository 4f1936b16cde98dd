#pragma once
/// The jirasim server: one loopback port serving
///   /authorize, /login, /consent, /oauth/token          (auth.atlassian.com)
///   /oauth/token/accessible-resources, /ex/jira/{id}/…   (api.atlassian.com)
///   /site/{name}/rest/…                                  (each Jira site)
///   /__jirasim/…                                         (admin, for tests)
/// over a generated World, with a clock that tests can move forward, fault
/// injection and request counters.

#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/error.h"
#include "limits.h"
#include "model.h"
#include "oauth.h"

namespace jirasim {

struct SimOptions {
  GenerateOptions data;
  bool datacenter = false;
  int port = 0;
  int64_t access_token_ttl_s = 3600;
  bool allow_implicit = false;
  std::vector<std::string> callbacks;  ///< registered redirect URIs (default: http://localhost:33333)
  int64_t attachment_limit = 1 << 20;  ///< bytes per uploaded file (Jira's default is 10 MiB; small for tests)
  LimitOptions limits;                 ///< points quota, burst and per-issue write limits (limits.h)
};

/// A fault applied to requests whose path matches `path` (a regex), to
/// `probability` of them (1 = all), at most `count` times (-1 = forever).
struct Fault {
  std::string path = ".*";
  double probability = 1.0;
  int64_t count = -1;
  int latency_ms = 0;
  int status = 0;                   ///< 429, 500, 503, ...; 0 = answer normally
  int retry_after = -1;             ///< seconds, with 429/503
  std::string reason;               ///< RateLimit-Reason
  bool drop = false;                ///< cut the connection mid-answer
  std::optional<std::string> body;  ///< answer with this body instead (status 200 unless given)
  std::string method;               ///< only requests with this method ("" = any)
  bool after = false;               ///< carry the request out first, then fail the answer
  int64_t hits = 0;                 ///< how many requests it hit
  std::regex re;
};

class Simulator {
 public:
  explicit Simulator(SimOptions options);
  ~Simulator();

  /// Binds 127.0.0.1 and serves on a background thread.
  jirasql::Result<void> Start();
  void Stop();
  /// Blocks until Stop() (from a signal handler thread, say).
  void Wait();

  int port() const { return port_; }
  std::string base_url() const;
  std::string site_url(int site) const;
  /// Everything a client needs, as printed on start.
  nlohmann::json Describe() const;

  int64_t NowMs() const;
  void AdvanceClock(int64_t ms) { clock_offset_ms_ += ms; }
  AuthState& auth() { return *auth_; }
  Limits& limits() { return limits_; }
  const World& world() const { return world_; }

 private:
  struct Caller {
    int user = -1;
    bool oauth = false;
    std::set<std::string> scopes;
    mutable bool write_route = false;  ///< set by the router: the request was a write (points: base cost only)
  };

  void Routes();
  bool ApplyFaults(const httplib::Request& req, httplib::Response& res);
  /// After the handler: the fault a request drew with `after`, if any.
  void ApplyFaultAfter(httplib::Response& res);
  /// Replaces the answer as `hit` says (drop, body, status); false when it
  /// only adds latency.
  bool FailAnswer(const Fault& hit, httplib::Response& res);
  void Count(const httplib::Request& req, const httplib::Response& res);

  // OAuth pages and endpoints.
  void HandleAuthorize(const httplib::Request& req, httplib::Response& res);
  void HandleLogin(const httplib::Request& req, httplib::Response& res);
  void HandleConsent(const httplib::Request& req, httplib::Response& res);
  void HandleToken(const httplib::Request& req, httplib::Response& res);
  void HandleAccessibleResources(const httplib::Request& req, httplib::Response& res);

  // Jira REST.
  void HandleSite(const httplib::Request& req, httplib::Response& res);
  void HandleGateway(const httplib::Request& req, httplib::Response& res);
  void HandleApi(const httplib::Request& req, httplib::Response& res, int site, const Caller& caller,
                 const std::string& base, const std::string& path);
  void HandleApiRoutes(const httplib::Request& req, httplib::Response& res, int site, const Caller& caller,
                       const std::string& base, const std::string& path);

  void HandleAdmin(const httplib::Request& req, httplib::Response& res);
  /// Moves an issue to another project (a new key, the same id).
  nlohmann::json HandleMove(const httplib::Request& req, httplib::Response& res);
  /// The limits admin call: GET shows them, POST sets them.
  nlohmann::json HandleLimits(const httplib::Request& req, httplib::Response& res);

  SimOptions options_;
  World world_;
  std::unique_ptr<AuthState> auth_;
  Limits limits_;
  std::shared_mutex data_mu_;  // world_ (readers share, writers exclusive)

  httplib::Server server_;
  std::thread thread_;
  // A fault's latency ends early when the simulator stops or the faults are
  // removed (a test may hold an answer back for longer than it runs).
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  uint64_t faults_cleared_ = 0;
  void WakeLatencies(bool stopping);
  int port_ = 0;
  int listen_fd_ = -1;  ///< the listening socket (its backlog is raised after bind)
  std::atomic<int64_t> clock_offset_ms_{0};
  int64_t start_ms_ = 0;

  std::mutex faults_mu_;
  std::vector<Fault> faults_;
  uint64_t fault_rng_ = 88172645463325252ULL;

  std::mutex counters_mu_;
  std::map<std::string, int64_t> requests_;  // "GET /rest/api/3/search/jql 200" -> n
  std::atomic<uint64_t> resource_order_{0};

  // Search results by (site, jql, zone, data version).
  struct CacheEntry {
    std::string key;
    uint64_t version;
    std::shared_ptr<const std::vector<int64_t>> ids;
  };
  std::mutex cache_mu_;
  std::vector<CacheEntry> cache_;  // most recent last

  friend struct ApiCall;
};

}  // namespace jirasim
