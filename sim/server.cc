#include "server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>

#include "api.h"
#include "common/base64.h"
#include "common/json_objects.h"
#include "common/json_writer.h"
#include "common/strings.h"
#include "jql.h"
#include "render.h"
#include "respond.h"

namespace jirasim {

using jirasql::Base64Decode;
using jirasql::Base64UrlEncode;
using jirasql::EqualsIgnoreCase;
using jirasql::Join;
using jirasql::JsonWriter;
using jirasql::Split;
using jirasql::ToLower;
using nlohmann::json;

namespace {

int64_t RealNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string HtmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Page(const std::string& title, const std::string& body) {
  return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + HtmlEscape(title) +
         "</title></head><body><h1>" + HtmlEscape(title) + "</h1>" + body + "</body></html>";
}

// Paths with ids and keys folded, for the request counters.
std::string NormalisePath(const std::string& path) {
  std::string p = path;
  std::smatch m;
  static const std::regex kSite(R"(^/site/[^/]+)");
  static const std::regex kGateway(R"(^/ex/jira/[^/]+)");
  p = std::regex_replace(p, kSite, "");
  p = std::regex_replace(p, kGateway, "");
  std::string out;
  for (const auto& seg : Split(p, '/')) {
    if (seg.empty()) continue;
    bool has_digit = std::any_of(seg.begin(), seg.end(), ::isdigit);
    bool version = seg == "2" || seg == "3" || seg == "1.0" || seg == "latest";
    out += "/" + ((has_digit && !version) ? std::string("{id}") : seg);
  }
  return out.empty() ? "/" : out;
}

// A request's body fields, JSON or form-encoded.
std::map<std::string, std::string> BodyParams(const httplib::Request& req, bool* malformed) {
  std::map<std::string, std::string> out;
  *malformed = false;
  const std::string ct = req.get_header_value("Content-Type");
  if (ct.find("json") != std::string::npos || (!req.body.empty() && req.body[0] == '{')) {
    auto j = json::parse(req.body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      *malformed = true;
      return out;
    }
    for (auto it = j.begin(); it != j.end(); ++it) {
      out[it.key()] = it->is_string() ? it->get<std::string>() : it->dump();
    }
    return out;
  }
  for (const auto& pair : Split(req.body, '&')) {
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    out[jirasql::UrlDecode(pair.substr(0, eq))] =
        eq == std::string::npos ? "" : jirasql::UrlDecode(pair.substr(eq + 1));
  }
  for (const auto& [k, v] : req.params) out.emplace(k, v);
  return out;
}

}  // namespace

Simulator::Simulator(SimOptions options) : options_(std::move(options)), limits_(options_.limits) {
  start_ms_ = RealNowMs();
  options_.data.now_ms = start_ms_;
  if (options_.datacenter) options_.data.team_managed_project = false;  // a Cloud thing
  world_ = Generate(options_.data);
  if (options_.callbacks.empty()) options_.callbacks.push_back("http://localhost:33333");
  Rng rng(options_.data.seed ^ 0xA99);
  char id[40], secret[80];
  std::snprintf(id, sizeof id, "jirasim-%016llx", static_cast<unsigned long long>(rng.Next()));
  std::snprintf(secret, sizeof secret, "ATOAsim%016llx%016llx", static_cast<unsigned long long>(rng.Next()),
                static_cast<unsigned long long>(rng.Next()));
  auth_ = std::make_unique<AuthState>(id, secret, options_.callbacks, options_.access_token_ttl_s, options_.data.seed);
  Routes();
}

Simulator::~Simulator() { Stop(); }

int64_t Simulator::NowMs() const { return RealNowMs() + clock_offset_ms_.load(); }

std::string Simulator::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::string Simulator::site_url(int site) const { return base_url() + "/site/" + world_.sites[site].name; }

jirasql::Result<void> Simulator::Start() {
  // No SO_REUSEPORT (cpp-httplib's default): a second jirasim on the same
  // port must fail to start, not share it.
  server_.set_socket_options([this](socket_t sock) {
    listen_fd_ = static_cast<int>(sock);
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    // Answers go out in several writes (headers, body); without this, Nagle
    // holds the body until the client's delayed ACK: 40 ms per request on
    // a kept-alive connection. Accepted sockets inherit it.
    ::setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
  });
  server_.set_keep_alive_max_count(100000);
  // cpp-httplib serves a connection per thread for as long as it is kept
  // alive (5 s idle). With its default 8 threads, a client holding 8 idle
  // connections made the 9th wait 5 s; real Jira has no such limit.
  server_.new_task_queue = [] { return new httplib::ThreadPool(64); };
  server_.set_payload_max_length(64 * 1024 * 1024);
  port_ = options_.port ? (server_.bind_to_port("127.0.0.1", options_.port) ? options_.port : -1)
                        : server_.bind_to_any_port("127.0.0.1");
  if (port_ <= 0) {
    return jirasql::Fail(jirasql::ErrorCode::kIo, "cannot listen on 127.0.0.1:" + std::to_string(options_.port) +
                                                      " (in use?); use --port 0 for a free port");
  }
  // cpp-httplib listens with a backlog of 5 (fixed in Debian's compiled
  // library): 8 workers connecting at once overflowed it, and the kernel
  // dropped the handshake, which the client retried after a second (a
  // 100,000-issue parallel scan then took 1.8 s instead of 0.8 s, and
  // TcpExtListenOverflows counted it). Listening again sets a larger one.
  if (listen_fd_ >= 0) ::listen(listen_fd_, SOMAXCONN);
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return {};
}

void Simulator::WakeLatencies(bool stopping) {
  {
    std::lock_guard<std::mutex> lock(stop_mu_);
    stopping_ = stopping_ || stopping;
    ++faults_cleared_;
  }
  stop_cv_.notify_all();
}

void Simulator::Stop() {
  WakeLatencies(true);
  server_.stop();
  if (thread_.joinable()) thread_.join();
}

void Simulator::Wait() {
  if (thread_.joinable()) thread_.join();
}

json Simulator::Describe() const {
  const std::string base = base_url();
  json users = json::array();
  for (const auto& u : world_.users) {
    json sites = json::array();
    for (int s : u.sites) sites.push_back(world_.sites[s].name);
    users.push_back({{"email", u.email},
                     {"name", u.name},
                     {"displayName", u.display_name},
                     {"password", u.password},
                     {"apiToken", u.api_token},
                     {"pat", u.pat},
                     {"accountId", u.account_id},
                     {"timeZone", u.tz.name},
                     {"sites", sites}});
  }
  json sites = json::array();
  for (std::size_t s = 0; s < world_.sites.size(); ++s) {
    const Site& site = world_.sites[s];
    json projects = json::array();
    for (const auto& p : site.projects) {
      int64_t live = 0;
      for (int64_t idx : p.issues_by_number) live += idx >= 0 && !site.issues[idx].deleted;
      projects.push_back({{"key", p.key}, {"name", p.name}, {"issues", live}});
    }
    sites.push_back({{"cloudId", site.cloud_id},
                     {"name", site.name},
                     {"url", site_url(static_cast<int>(s))},
                     {"gatewayUrl", base + "/ex/jira/" + site.cloud_id},
                     {"issues", site.issues.size()},
                     {"projects", projects}});
  }
  return {{"mode", options_.datacenter ? "datacenter" : "cloud"},
          {"baseUrl", base},
          {"authorizationUrl", base + "/authorize"},
          {"tokenUrl", base + "/oauth/token"},
          {"accessibleResourcesUrl", base + "/oauth/token/accessible-resources"},
          {"apiGatewayUrl", base + "/ex/jira"},
          {"adminUrl", base + "/__jirasim"},
          {"app",
           {{"clientId", auth_->client_id()},
            {"clientSecret", auth_->client_secret()},
            {"callbacks", auth_->callbacks()},
            {"allowImplicit", options_.allow_implicit}}},
          {"accessTokenTtl", options_.access_token_ttl_s},
          {"limits", limits_.ToJson(NowMs())},
          {"users", users},
          {"sites", sites}};
}

// ---- plumbing --------------------------------------------------------------

void Simulator::Routes() {
  server_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    return ApplyFaults(req, res) ? httplib::Server::HandlerResponse::Handled
                                 : httplib::Server::HandlerResponse::Unhandled;
  });
  server_.set_post_routing_handler([this](const httplib::Request&, httplib::Response& res) { ApplyFaultAfter(res); });
  server_.set_logger([this](const httplib::Request& req, const httplib::Response& res) { Count(req, res); });

  server_.Get("/", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(
        Page("jirasim", "<p>A local stand-in for Atlassian. <a href=\"/__jirasim/describe\">describe</a></p>"),
        "text/html");
  });
  server_.Get("/authorize", [this](const httplib::Request& q, httplib::Response& r) { HandleAuthorize(q, r); });
  server_.Post("/login", [this](const httplib::Request& q, httplib::Response& r) { HandleLogin(q, r); });
  server_.Post("/consent", [this](const httplib::Request& q, httplib::Response& r) { HandleConsent(q, r); });
  server_.Post("/oauth/token", [this](const httplib::Request& q, httplib::Response& r) { HandleToken(q, r); });
  server_.Get("/oauth/token/accessible-resources",
              [this](const httplib::Request& q, httplib::Response& r) { HandleAccessibleResources(q, r); });

  auto site = [this](const httplib::Request& q, httplib::Response& r) { HandleSite(q, r); };
  auto gateway = [this](const httplib::Request& q, httplib::Response& r) { HandleGateway(q, r); };
  auto admin = [this](const httplib::Request& q, httplib::Response& r) { HandleAdmin(q, r); };
  for (const char* pattern : {R"(/site/([^/]+)(/.*))"}) {
    server_.Get(pattern, site);
    server_.Post(pattern, site);
    server_.Put(pattern, site);
    server_.Delete(pattern, site);
  }
  for (const char* pattern : {R"(/ex/jira/([^/]+)(/.*))"}) {
    server_.Get(pattern, gateway);
    server_.Post(pattern, gateway);
    server_.Put(pattern, gateway);
    server_.Delete(pattern, gateway);
  }
  server_.Get(R"(/__jirasim/(.*))", admin);
  server_.Post(R"(/__jirasim/(.*))", admin);
  server_.Delete(R"(/__jirasim/(.*))", admin);
}

namespace {
// A fault drawn with `after`, applied once the handler has answered: httplib
// runs a request's pre-routing, handler and post-routing on one thread.
thread_local std::optional<Fault> t_fault_after;
}  // namespace

bool Simulator::ApplyFaults(const httplib::Request& req, httplib::Response& res) {
  t_fault_after.reset();
  if (req.path.rfind("/__jirasim/", 0) == 0) return false;
  Fault hit;
  bool found = false;
  {
    std::lock_guard<std::mutex> lock(faults_mu_);
    for (auto& f : faults_) {
      if (f.count == 0 || !std::regex_search(req.path, f.re)) continue;
      if (!f.method.empty() && !EqualsIgnoreCase(f.method, req.method)) continue;
      fault_rng_ ^= fault_rng_ << 13;
      fault_rng_ ^= fault_rng_ >> 7;
      fault_rng_ ^= fault_rng_ << 17;
      double roll = static_cast<double>(fault_rng_ % 1000000) / 1000000.0;
      if (roll >= f.probability) continue;
      if (f.count > 0) --f.count;
      ++f.hits;
      hit = f;
      found = true;
      break;
    }
  }
  if (!found) return false;
  if (hit.after) {  // the request is carried out; ApplyFaultAfter spoils its answer
    t_fault_after = std::move(hit);
    return false;
  }
  return FailAnswer(hit, res);
}

void Simulator::ApplyFaultAfter(httplib::Response& res) {
  if (!t_fault_after) return;
  Fault hit = std::move(*t_fault_after);
  t_fault_after.reset();
  const bool replaced = hit.drop || hit.body || hit.status != 0;
  if (replaced) {
    res.body.clear();
    res.headers.clear();
  }
  FailAnswer(hit, res);
  // httplib set Content-Length before this hook runs: say it again for the
  // new answer (for a drop, the length promised and never delivered).
  if (replaced) res.set_header("Content-Length", hit.drop ? "4096" : std::to_string(res.body.size()));
}

bool Simulator::FailAnswer(const Fault& hit, httplib::Response& res) {
  if (hit.latency_ms > 0) {
    std::unique_lock<std::mutex> lock(stop_mu_);
    const uint64_t cleared = faults_cleared_;
    stop_cv_.wait_for(lock, std::chrono::milliseconds(hit.latency_ms),
                      [&] { return stopping_ || faults_cleared_ != cleared; });
  }
  if (hit.drop) {
    // Promise a body, then fail to produce it: the client sees the
    // connection close mid-answer.
    res.status = 200;
    res.set_content_provider(4096, "application/json", [](size_t, size_t, httplib::DataSink&) { return false; });
    return true;
  }
  if (hit.body) {
    // A malformed or surprising answer in place of the real one.
    res.status = hit.status ? hit.status : 200;
    res.set_content(*hit.body, "application/json");
    return true;
  }
  if (hit.status == 0) return false;  // latency only
  res.status = hit.status;
  if (hit.retry_after >= 0) res.set_header("Retry-After", std::to_string(hit.retry_after));
  if (!hit.reason.empty()) res.set_header("RateLimit-Reason", hit.reason);
  if (hit.status == 429) {
    res.set_header("X-RateLimit-Limit", "100");
    res.set_header("X-RateLimit-Remaining", "0");
    JiraError(res, 429, "Rate limit exceeded.");
  } else {
    JiraError(res, hit.status, "jirasim: injected fault");
  }
  return true;
}

void Simulator::Count(const httplib::Request& req, const httplib::Response& res) {
  if (req.path.rfind("/__jirasim/", 0) == 0) return;
  std::string key = req.method + " " + NormalisePath(req.path) + " " + std::to_string(res.status);
  std::lock_guard<std::mutex> lock(counters_mu_);
  ++requests_[key];
}

// ---- OAuth -----------------------------------------------------------------

void Simulator::HandleAuthorize(const httplib::Request& req, httplib::Response& res) {
  AuthorizeRequest a;
  a.client_id = req.get_param_value("client_id");
  a.redirect_uri = req.get_param_value("redirect_uri");
  a.scope = req.get_param_value("scope");
  a.state = req.get_param_value("state");
  a.response_type = req.get_param_value("response_type");
  a.prompt = req.get_param_value("prompt");
  a.audience = req.get_param_value("audience");
  a.code_challenge = req.get_param_value("code_challenge");
  a.code_challenge_method = req.get_param_value("code_challenge_method");

  auto error_page = [&](int status, const std::string& error, const std::string& text) {
    res.status = status;
    res.set_content(
        Page("Something went wrong", "<p id=\"error\">" + HtmlEscape(error) + "</p><p>" + HtmlEscape(text) + "</p>"),
        "text/html");
  };
  if (a.client_id != auth_->client_id()) {
    return error_page(400, "invalid_client", "The app's client_id is not registered.");
  }
  if (!auth_->IsRegisteredCallback(a.redirect_uri)) {
    // Never redirect to an unregistered URI.
    return error_page(400, "unauthorized_client",
                      "The redirect_uri does not match any callback URL registered for this app.");
  }
  auto redirect_error = [&](const std::string& error, const std::string& desc) {
    std::string sep = a.redirect_uri.find('?') == std::string::npos ? "?" : "&";
    std::string loc =
        a.redirect_uri + sep + "error=" + jirasql::UrlEncode(error) + "&error_description=" + jirasql::UrlEncode(desc);
    if (!a.state.empty()) loc += "&state=" + jirasql::UrlEncode(a.state);
    res.set_redirect(loc, 302);
  };
  if (a.audience != "api.atlassian.com") return redirect_error("invalid_request", "audience must be api.atlassian.com");
  if (a.response_type == "token" && !options_.allow_implicit) {
    return redirect_error("unsupported_response_type", "The implicit grant is not enabled for this app.");
  }
  if (a.response_type != "code" && a.response_type != "token") {
    return redirect_error("unsupported_response_type", "response_type must be code");
  }
  if (a.scope.empty()) return redirect_error("invalid_scope", "scope is required");
  for (const auto& s : Split(a.scope, ' ')) {
    if (!s.empty() && !KnownScopes().count(s)) return redirect_error("invalid_scope", "Unknown scope: " + s);
  }
  if (!a.code_challenge.empty() && a.code_challenge_method != "S256") {
    return redirect_error("invalid_request", "code_challenge_method must be S256");
  }
  std::string tx = auth_->BeginTransaction(a, NowMs());
  res.set_content(Page("Log in to continue",
                       "<form method=\"post\" action=\"/login\">"
                       "<input type=\"hidden\" name=\"tx\" value=\"" +
                           tx +
                           "\">"
                           "<label>Email <input type=\"email\" name=\"email\" id=\"email\"></label>"
                           "<label>Password <input type=\"password\" name=\"password\" id=\"password\"></label>"
                           "<button type=\"submit\" id=\"login-submit\">Log in</button></form>"),
                  "text/html");
}

void Simulator::HandleLogin(const httplib::Request& req, httplib::Response& res) {
  const std::string tx = req.get_param_value("tx");
  auto t = auth_->Transaction(tx);
  if (!t) {
    res.status = 400;
    res.set_content(Page("Something went wrong", "<p id=\"error\">This login has expired; start again.</p>"),
                    "text/html");
    return;
  }
  int user = -1;
  for (std::size_t u = 0; u < world_.users.size(); ++u) {
    if (EqualsIgnoreCase(world_.users[u].email, req.get_param_value("email")) &&
        world_.users[u].password == req.get_param_value("password")) {
      user = static_cast<int>(u);
    }
  }
  if (user < 0) {
    res.status = 401;
    res.set_content(Page("Log in to continue",
                         "<p id=\"error\">Incorrect email address and / or password.</p>"
                         "<form method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"tx\" value=\"" +
                             tx +
                             "\"><label>Email <input type=\"email\" name=\"email\" id=\"email\"></label>"
                             "<label>Password <input type=\"password\" name=\"password\" id=\"password\"></label>"
                             "<button type=\"submit\" id=\"login-submit\">Log in</button></form>"),
                    "text/html");
    return;
  }
  const User& u = world_.users[user];
  std::string sites = "<label>Use app on <select name=\"site\" id=\"site\">";
  for (int s : u.sites) {
    sites += "<option value=\"" + world_.sites[s].name + "\">" + HtmlEscape(world_.sites[s].name) + "</option>";
  }
  sites += "</select></label>";
  std::string scopes = "<ul id=\"scopes\">";
  for (const auto& s : Split(t->scope, ' ')) {
    if (!s.empty()) scopes += "<li>" + HtmlEscape(s) + "</li>";
  }
  scopes += "</ul>";
  res.set_content(Page("jirasim app is requesting access to your Atlassian account",
                       "<p>Signed in as " + HtmlEscape(u.email) + "</p>" + scopes +
                           "<form method=\"post\" action=\"/consent\"><input type=\"hidden\" name=\"tx\" value=\"" +
                           tx + "\"><input type=\"hidden\" name=\"user\" value=\"" + u.account_id + "\">" + sites +
                           "<button type=\"submit\" name=\"decision\" value=\"accept\" id=\"accept\">Accept</button>"
                           "<button type=\"submit\" name=\"decision\" value=\"deny\" id=\"deny\">Deny</button></form>"),
                  "text/html");
}

void Simulator::HandleConsent(const httplib::Request& req, httplib::Response& res) {
  const std::string tx = req.get_param_value("tx");
  auto t = auth_->Transaction(tx);
  int user = -1;
  for (std::size_t u = 0; u < world_.users.size(); ++u) {
    if (world_.users[u].account_id == req.get_param_value("user")) user = static_cast<int>(u);
  }
  if (!t || user < 0) {
    res.status = 400;
    res.set_content(Page("Something went wrong", "<p id=\"error\">This consent has expired; start again.</p>"),
                    "text/html");
    return;
  }
  const std::string sep = t->redirect_uri.find('?') == std::string::npos ? "?" : "&";
  const std::string state = t->state.empty() ? "" : "&state=" + jirasql::UrlEncode(t->state);
  if (req.get_param_value("decision") != "accept") {
    auth_->EndTransaction(tx);
    res.set_redirect(t->redirect_uri + sep + "error=access_denied&error_description=" +
                         jirasql::UrlEncode("The user declined the request") + state,
                     302);
    return;
  }
  int site = -1;
  for (int s : world_.users[user].sites) {
    if (world_.sites[s].name == req.get_param_value("site")) site = s;
  }
  if (site < 0) site = world_.users[user].sites.front();
  int64_t expires_in = 0;
  std::string result = auth_->Approve(tx, user, site, NowMs(), &expires_in);
  if (t->response_type == "token") {
    // Implicit: the token travels in the fragment, never to the server.
    res.set_redirect(t->redirect_uri + "#access_token=" + result + "&token_type=Bearer&expires_in=" +
                         std::to_string(expires_in) + "&scope=" + jirasql::UrlEncode(t->scope) + state +
                         "&server_url=" + jirasql::UrlEncode(base_url() + "/ex/jira/" + world_.sites[site].cloud_id),
                     302);
    return;
  }
  res.set_redirect(t->redirect_uri + sep + "code=" + result + state, 302);
}

void Simulator::HandleToken(const httplib::Request& req, httplib::Response& res) {
  bool malformed = false;
  auto params = BodyParams(req, &malformed);
  if (malformed) {
    SendJson(res, 400, json{{"error", "invalid_request"}, {"error_description", "The body is not valid JSON."}}.dump());
    return;
  }
  TokenResult r = auth_->Token(params, NowMs());
  res.set_header("Cache-Control", "no-store");
  SendJson(res, r.status, r.body.dump());
}

void Simulator::HandleAccessibleResources(const httplib::Request& req, httplib::Response& res) {
  std::string h = req.get_header_value("Authorization");
  if (h.rfind("Bearer ", 0) != 0) return GatewayError(res, 401, "Unauthorized");
  auto info = auth_->CheckAccess(h.substr(7), NowMs());
  if (!info) return GatewayError(res, 401, "Unauthorized");
  json out = json::array();
  std::vector<std::string> jira_scopes;
  for (const auto& s : info->scopes) {
    if (s != "offline_access") jira_scopes.push_back(s);
  }
  for (int s : info->sites) {
    const Site& site = world_.sites[s];
    out.push_back({{"id", site.cloud_id},
                   {"url", site_url(s)},
                   {"name", site.name},
                   {"scopes", jira_scopes},
                   {"avatarUrl", base_url() + "/avatars/site.png"}});
  }
  // Another product's site among them, as Atlassian returns for a Confluence grant.
  out.push_back({{"id", "c0ffee00-0000-4000-a000-000000000001"},
                 {"url", base_url() + "/wiki-site"},
                 {"name", "acme-wiki"},
                 {"scopes", json::array({"read:confluence-content.all"})},
                 {"avatarUrl", base_url() + "/avatars/site.png"}});
  // No fixed order: rotate it on every call.
  uint64_t k = resource_order_++ % out.size();
  std::rotate(out.begin(), out.begin() + static_cast<long>(k), out.end());
  SendJson(res, 200, out.dump());
}

// ---- Jira REST: authentication ---------------------------------------------

void Simulator::HandleSite(const httplib::Request& req, httplib::Response& res) {
  const std::string name = req.matches[1];
  const std::string path = req.matches[2];
  int site = -1;
  for (std::size_t s = 0; s < world_.sites.size(); ++s) {
    if (world_.sites[s].name == name) site = static_cast<int>(s);
  }
  if (site < 0) return JiraError(res, 404, "Site not found: " + name);

  Caller caller;
  const std::string auth = req.get_header_value("Authorization");
  if (auth.rfind("Basic ", 0) == 0) {
    auto decoded = Base64Decode(auth.substr(6));
    auto colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon != std::string::npos) {
      std::string who = decoded->substr(0, colon), secret = decoded->substr(colon + 1);
      for (std::size_t u = 0; u < world_.users.size(); ++u) {
        const User& us = world_.users[u];
        bool name_ok = EqualsIgnoreCase(us.email, who) || (options_.datacenter && us.name == who);
        bool secret_ok = options_.datacenter ? (secret == us.password) : (secret == us.api_token);
        if (name_ok && secret_ok) caller.user = static_cast<int>(u);
      }
    }
    if (caller.user < 0) {
      res.set_header("WWW-Authenticate", "Basic realm=\"protected-area\"");
      return JiraError(res, 401, "Client must be authenticated to access this resource.");
    }
  } else if (auth.rfind("Bearer ", 0) == 0) {
    const std::string token = auth.substr(7);
    if (options_.datacenter) {
      for (std::size_t u = 0; u < world_.users.size(); ++u) {
        if (world_.users[u].pat == token) caller.user = static_cast<int>(u);
      }
    }
    if (caller.user < 0) return JiraError(res, 401, "Client must be authenticated to access this resource.");
  } else if (!auth.empty()) {
    return JiraError(res, 401, "Client must be authenticated to access this resource.");
  }
  if (caller.user >= 0) {
    const auto& sites = world_.users[caller.user].sites;
    if (std::find(sites.begin(), sites.end(), site) == sites.end()) {
      return JiraError(res, 403, "You do not have access to this Jira site.");
    }
  }
  HandleApi(req, res, site, caller, site_url(site), path);
}

void Simulator::HandleGateway(const httplib::Request& req, httplib::Response& res) {
  if (options_.datacenter) return GatewayError(res, 404, "Not Found");
  const std::string cloud_id = req.matches[1];
  const std::string path = req.matches[2];
  int site = -1;
  for (std::size_t s = 0; s < world_.sites.size(); ++s) {
    if (world_.sites[s].cloud_id == cloud_id) site = static_cast<int>(s);
  }
  const std::string auth = req.get_header_value("Authorization");
  if (auth.rfind("Bearer ", 0) != 0) return GatewayError(res, 401, "Unauthorized");
  auto info = auth_->CheckAccess(auth.substr(7), NowMs());
  if (!info) return GatewayError(res, 401, "Unauthorized");
  if (site < 0 || std::find(info->sites.begin(), info->sites.end(), site) == info->sites.end()) {
    return GatewayError(res, 404, "Not Found");
  }
  Caller caller;
  caller.user = info->user;
  caller.oauth = true;
  caller.scopes = info->scopes;
  // The app's points quota: refused once spent; else charged after the
  // answer, 1 point plus (for a read) 1 per object returned.
  if (auto refusal = limits_.AdmitPoints(NowMs())) {
    Headers headers;
    limits_.ChargePoints(0, NowMs(), &headers);
    for (auto& [k, v] : headers) res.set_header(k, v);
    res.set_header("Retry-After", std::to_string(refusal->retry_after_s));
    res.set_header("RateLimit-Reason", refusal->reason);
    return JiraError(res, 429, "Rate limit exceeded.");
  }
  HandleApi(req, res, site, caller, base_url() + "/ex/jira/" + cloud_id, path);
  if (limits_.options().points_quota > 0) {
    const bool ok = res.status >= 200 && res.status < 300;
    const int64_t objects = ok && !caller.write_route ? jirasql::CountJsonObjects(res.body) : 0;
    Headers headers;
    limits_.ChargePoints(1 + objects, NowMs(), &headers);
    for (auto& [k, v] : headers) res.set_header(k, v);
  }
}

// ---- Jira REST: endpoints --------------------------------------------------

namespace {

// Splits "/rest/api/3/issue/ABC-1/comment" into {"rest","api","3","issue","ABC-1","comment"}.
std::vector<std::string> Segments(const std::string& path) {
  std::vector<std::string> out;
  for (auto& s : Split(path, '/')) {
    if (!s.empty()) out.push_back(s);
  }
  return out;
}

}  // namespace

void Simulator::HandleApi(const httplib::Request& req, httplib::Response& res, int site_index, const Caller& caller,
                          const std::string& base, const std::string& path) {
  try {
    HandleApiRoutes(req, res, site_index, caller, base, path);
  } catch (const json::exception&) {
    // A body member of the wrong type ({"jql": 5}): Jira's 400, not a 500.
    res.headers.clear();
    JiraError(res, 400, "Invalid request payload. Refer to the REST API documentation and try again.");
  }
}

void Simulator::HandleApiRoutes(const httplib::Request& req, httplib::Response& res, int site_index,
                                const Caller& caller, const std::string& base, const std::string& path) {
  const auto segs = Segments(path);

  // Which REST family and version.
  int version = 0;
  bool agile = false;
  if (segs.size() >= 3 && segs[0] == "rest" && segs[1] == "api") {
    if (segs[2] == "2")
      version = 2;
    else if (segs[2] == "3")
      version = 3;
    else if (segs[2] == "latest")
      version = options_.datacenter ? 2 : 3;
  } else if (segs.size() >= 3 && segs[0] == "rest" && segs[1] == "agile" && segs[2] == "1.0") {
    agile = true;
    version = 2;
  }
  if (version == 0 || (options_.datacenter && version == 3)) {
    return JiraError(res, 404, "No REST resource at " + path);
  }
  if (caller.user < 0 && !(segs.size() == 4 && segs[3] == "serverInfo")) {
    return JiraError(res, 401, "Client must be authenticated to access this resource.");
  }
  std::vector<std::string> captures;
  const Route* route = FindRoute(req.method, agile, options_.datacenter, segs, &captures);
  if (!route) return JiraError(res, 404, "No REST resource at " + req.method + " " + path);
  caller.write_route = route->writes;

  // Burst limits (every credential): per site, method and endpoint; writes per issue.
  {
    Headers headers;
    const std::string issue = segs.size() > 4 && segs[3] == "issue" ? segs[4] : "";
    auto refusal = limits_.AdmitBurst(std::to_string(site_index) + " " + req.method + " " + NormalisePath(path),
                                      std::to_string(site_index) + " " + issue, route->writes && !issue.empty(),
                                      NowMs(), &headers);
    for (auto& [k, v] : headers) res.set_header(k, v);
    if (refusal) {
      res.set_header("Retry-After", std::to_string(refusal->retry_after_s));
      res.set_header("RateLimit-Reason", refusal->reason);
      return JiraError(res, 429, "Rate limit exceeded.");
    }
  }

  // OAuth scope checks (API tokens and PATs carry the user's full rights).
  if (caller.oauth) {
    const char* need = route->writes ? "write:jira-work" : (route->user_scope ? "read:jira-user" : "read:jira-work");
    if (!caller.scopes.count(need)) return GatewayError(res, 401, "Unauthorized; scope does not match");
  }

  // Project permissions: a browse-only user reads but may not write.
  if (route->writes && world_.users[static_cast<std::size_t>(caller.user)].browse_only) {
    return JiraError(res, 403,
                     req.method == "POST" && segs.size() == 4 && segs[3] == "issue"
                         ? "You do not have permission to create issues in this project."
                         : "You do not have the permission to edit or delete this issue or its comments, worklogs "
                           "and attachments.");
  }

  // Readers share the world; a write has it alone.
  std::unique_lock<std::shared_mutex> wlock(data_mu_, std::defer_lock);
  std::shared_lock<std::shared_mutex> rlock(data_mu_, std::defer_lock);
  if (route->writes)
    wlock.lock();
  else
    rlock.lock();
  ApiCall call(*this, req, res, world_.sites[site_index], caller, base, path, segs, version, std::move(captures));
  (call.*(route->handle))();
}

// ---- admin -----------------------------------------------------------------

void Simulator::HandleAdmin(const httplib::Request& req, httplib::Response& res) {
  if (req.remote_addr.rfind("127.", 0) != 0 && req.remote_addr != "::1") {
    return JiraError(res, 403, "The admin API answers loopback clients only.");
  }
  const std::string what = req.matches[1];
  json out;
  if (what == "describe" && req.method == "GET") {
    out = Describe();
  } else if (what == "clock" && req.method == "GET") {
    out = {{"now", NowMs()}, {"offsetMs", clock_offset_ms_.load()}};
  } else if (what == "clock/advance" && req.method == "POST") {
    auto b = json::parse(req.body.empty() ? "{}" : req.body, nullptr, false);
    if (b.is_discarded() || !b.is_object()) return JiraError(res, 400, "Send {\"seconds\": N}.");
    int64_t ms = b.value("seconds", int64_t{0}) * 1000 + b.value("ms", int64_t{0});
    AdvanceClock(ms);
    out = {{"now", NowMs()}, {"offsetMs", clock_offset_ms_.load()}};
  } else if (what == "counters" && req.method == "GET") {
    std::lock_guard<std::mutex> lock(counters_mu_);
    out = {{"requests", requests_},
           {"oauth", auth_->counters().ToJson()},
           {"limits", limits_.ToJson(NowMs())},
           {"faults", json::array()}};
    std::lock_guard<std::mutex> flock(faults_mu_);
    for (const auto& f : faults_) out["faults"].push_back({{"path", f.path}, {"hits", f.hits}});
  } else if (what == "faults" && req.method == "POST") {
    auto b = json::parse(req.body, nullptr, false);
    if (b.is_discarded() || !b.is_object()) return JiraError(res, 400, "Send a fault object.");
    Fault f;
    try {
      f.path = b.value("path", ".*");
      f.probability = b.value("probability", 1.0);
      f.count = b.value("count", int64_t{-1});
      f.latency_ms = b.value("latencyMs", 0);
      f.status = b.value("status", 0);
      f.retry_after = b.value("retryAfter", -1);
      f.reason = b.value("reason", "");
      f.drop = b.value("drop", false);
      f.method = b.value("method", "");
      f.after = b.value("after", false);
      if (b.contains("body")) f.body = b["body"].get<std::string>();
    } catch (const json::exception&) {
      return JiraError(res, 400, "A fault's members have the wrong types (see docs/jirasim.md): " + req.body);
    }
    try {
      f.re = std::regex(f.path);
    } catch (const std::regex_error&) {
      return JiraError(res, 400, "path is not a valid regular expression: " + f.path);
    }
    std::lock_guard<std::mutex> lock(faults_mu_);
    faults_.push_back(f);
    out = {{"faults", faults_.size()}};
  } else if (what == "faults" && req.method == "DELETE") {
    {
      std::lock_guard<std::mutex> lock(faults_mu_);
      faults_.clear();
    }
    WakeLatencies(false);
    out = {{"faults", 0}};
  } else if (what == "reset" && req.method == "POST") {
    {
      std::lock_guard<std::mutex> lock(faults_mu_);
      faults_.clear();
    }
    WakeLatencies(false);
    {
      std::lock_guard<std::mutex> lock(counters_mu_);
      requests_.clear();
    }
    auth_->ResetCounters();
    limits_.Reset();
    out = {{"reset", true}};
  } else if (what == "move" && req.method == "POST") {
    out = HandleMove(req, res);
    if (out.is_null()) return;
  } else if (what == "limits" && (req.method == "GET" || req.method == "POST")) {
    out = HandleLimits(req, res);
    if (out.is_null()) return;
  } else if (what == "revoke" && req.method == "POST") {
    auth_->RevokeAll();
    out = {{"revoked", true}};
  } else {
    return JiraError(res, 404, "Unknown admin call: " + req.method + " /__jirasim/" + what);
  }
  SendJson(res, 200, out.dump());
}

json Simulator::HandleMove(const httplib::Request& req, httplib::Response& res) {
  auto b = json::parse(req.body.empty() ? "{}" : req.body, nullptr, false);
  if (b.is_discarded() || !b.is_object() || !b.contains("issue") || !b.contains("project") || !b["issue"].is_string() ||
      !b["project"].is_string()) {
    JiraError(res, 400, "Send {\"issue\": \"KEY-1\", \"project\": \"KEY\"} (and \"site\": name, default the first).");
    return nullptr;
  }
  std::unique_lock<std::shared_mutex> lock(data_mu_);
  int s = 0;
  for (std::size_t i = 0; i < world_.sites.size(); ++i) {
    if (world_.sites[i].name == b.value("site", world_.sites[0].name)) s = static_cast<int>(i);
  }
  Site& site = world_.sites[static_cast<std::size_t>(s)];
  const int64_t idx = site.FindIssue(b["issue"].get<std::string>());
  const int to = site.FindProject(b["project"].get<std::string>());
  if (idx < 0 || to < 0) {
    JiraError(res, 404, "No such issue or project on " + site.name);
    return nullptr;
  }
  Issue& is = site.issues[static_cast<std::size_t>(idx)];
  Project& from = site.projects[static_cast<std::size_t>(is.project)];
  Project& dest = site.projects[static_cast<std::size_t>(to)];
  if (is.project == to || from.team_managed || dest.team_managed || world_.catalogs.types[is.type].subtask) {
    JiraError(res, 400, "jirasim moves a standard issue between two company-managed projects");
    return nullptr;
  }
  for (const auto& other : site.issues) {
    if (!other.deleted && other.parent == idx) {
      JiraError(res, 400, "jirasim does not move an issue that has sub-tasks");
      return nullptr;
    }
  }
  // As Jira's move: a new key in the new project (the id stays), the
  // project's components and versions dropped, the issue updated.
  from.issues_by_number[static_cast<std::size_t>(is.number - 1)] = -1;
  dest.issues_by_number.push_back(idx);
  is.project = to;
  is.number = static_cast<int>(dest.issues_by_number.size());
  is.components = is.fix_versions = is.affected_versions = 0;
  const int64_t now = NowMs();
  is.updated_ms = now - now % 1000;
  ++site.version;
  return {{"id", std::to_string(is.id)}, {"key", site.Key(is)}};
}

json Simulator::HandleLimits(const httplib::Request& req, httplib::Response& res) {
  if (req.method == "POST") {
    auto b = json::parse(req.body.empty() ? "{}" : req.body, nullptr, false);
    LimitOptions o = limits_.options();
    try {
      if (b.is_discarded() || !b.is_object()) throw json::type_error::create(302, "not an object", nullptr);
      o.points_quota = b.value("pointsQuota", o.points_quota);
      o.points_window_s = b.value("pointsWindow", o.points_window_s);
      o.burst_per_second = b.value("burstPerSecond", o.burst_per_second);
      o.issue_writes_per_second = b.value("issueWritesPerSecond", o.issue_writes_per_second);
    } catch (const json::exception&) {
      JiraError(res, 400,
                "Send {\"pointsQuota\": N, \"pointsWindow\": S, \"burstPerSecond\": N, "
                "\"issueWritesPerSecond\": N} (numbers; 0 turns a limit off).");
      return nullptr;
    }
    if (o.points_quota < 0 || o.points_window_s < 1 || o.burst_per_second < 0 || o.issue_writes_per_second < 0) {
      JiraError(res, 400, "Limits are 0 (off) or more, and pointsWindow at least 1 second.");
      return nullptr;
    }
    limits_.Configure(o, NowMs());
  }
  return limits_.ToJson(NowMs());
}

}  // namespace jirasim
