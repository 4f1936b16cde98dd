#include "server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>

#include "common/base64.h"
#include "common/json_writer.h"
#include "common/strings.h"
#include "jql.h"
#include "render.h"

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

constexpr const char* kJson = "application/json;charset=UTF-8";

int64_t RealNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void SendJson(httplib::Response& res, int status, std::string body) {
  res.status = status;
  res.body = std::move(body);  // pages run to megabytes: no copy
  res.set_header("Content-Type", kJson);
}

void JiraError(httplib::Response& res, int status, const std::string& message) {
  json j = {{"errorMessages", json::array({message})}, {"errors", json::object()}};
  SendJson(res, status, j.dump());
}

void GatewayError(httplib::Response& res, int status, const std::string& message) {
  SendJson(res, status, json{{"code", status}, {"message", message}}.dump());
}

std::string HtmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
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
    out[jirasql::UrlDecode(pair.substr(0, eq))] = eq == std::string::npos ? "" : jirasql::UrlDecode(pair.substr(eq + 1));
  }
  for (const auto& [k, v] : req.params) out.emplace(k, v);
  return out;
}

std::string PlainToAdf(const std::string& text) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Field("type", "doc").Field("version", 1).Key("content").BeginArray();
  for (const auto& line : Split(text, '\n')) {
    w.BeginObject().Field("type", "paragraph").Key("content").BeginArray();
    if (!line.empty()) w.BeginObject().Field("type", "text").Field("text", line).EndObject();
    w.EndArray().EndObject();
  }
  w.EndArray().EndObject();
  return out;
}

}  // namespace

Simulator::Simulator(SimOptions options) : options_(std::move(options)) {
  start_ms_ = RealNowMs();
  options_.data.now_ms = start_ms_;
  world_ = Generate(options_.data);
  if (options_.callbacks.empty()) options_.callbacks.push_back("http://localhost:33333");
  Rng rng(options_.data.seed ^ 0xA99);
  char id[40], secret[80];
  std::snprintf(id, sizeof id, "jirasim-%016llx", static_cast<unsigned long long>(rng.Next()));
  std::snprintf(secret, sizeof secret, "ATOAsim%016llx%016llx", static_cast<unsigned long long>(rng.Next()),
                static_cast<unsigned long long>(rng.Next()));
  auth_ = std::make_unique<AuthState>(id, secret, options_.callbacks, options_.access_token_ttl_s,
                                      options_.data.seed);
  Routes();
}

Simulator::~Simulator() { Stop(); }

int64_t Simulator::NowMs() const { return RealNowMs() + clock_offset_ms_.load(); }

std::string Simulator::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::string Simulator::site_url(int site) const { return base_url() + "/site/" + world_.sites[site].name; }

jirasql::Result<void> Simulator::Start() {
  // No SO_REUSEPORT (cpp-httplib's default): a second jirasim on the same
  // port must fail to start, not share it.
  server_.set_socket_options([](socket_t sock) {
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
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return {};
}

void Simulator::Stop() {
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
          {"users", users},
          {"sites", sites}};
}

// ---- plumbing --------------------------------------------------------------

void Simulator::Routes() {
  server_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    return ApplyFaults(req, res) ? httplib::Server::HandlerResponse::Handled
                                 : httplib::Server::HandlerResponse::Unhandled;
  });
  server_.set_logger([this](const httplib::Request& req, const httplib::Response& res) { Count(req, res); });

  server_.Get("/", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(Page("jirasim", "<p>A local stand-in for Atlassian. <a href=\"/__jirasim/describe\">describe</a></p>"),
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

bool Simulator::ApplyFaults(const httplib::Request& req, httplib::Response& res) {
  if (req.path.rfind("/__jirasim/", 0) == 0) return false;
  Fault hit;
  bool found = false;
  {
    std::lock_guard<std::mutex> lock(faults_mu_);
    for (auto& f : faults_) {
      if (f.count == 0 || !std::regex_search(req.path, f.re)) continue;
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
  if (hit.latency_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(hit.latency_ms));
  if (hit.drop) {
    // Promise a body, then fail to produce it: the client sees the
    // connection close mid-answer.
    res.status = 200;
    res.set_content_provider(
        4096, "application/json", [](size_t, size_t, httplib::DataSink&) { return false; });
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
    res.set_content(Page("Something went wrong", "<p id=\"error\">" + HtmlEscape(error) + "</p><p>" +
                                                     HtmlEscape(text) + "</p>"),
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
    std::string loc = a.redirect_uri + sep + "error=" + jirasql::UrlEncode(error) +
                      "&error_description=" + jirasql::UrlEncode(desc);
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
                       "<input type=\"hidden\" name=\"tx\" value=\"" + tx + "\">"
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
    res.set_content(Page("Something went wrong", "<p id=\"error\">This login has expired; start again.</p>"), "text/html");
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
                         "<form method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"tx\" value=\"" + tx +
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
                           "<form method=\"post\" action=\"/consent\"><input type=\"hidden\" name=\"tx\" value=\"" + tx +
                           "\"><input type=\"hidden\" name=\"user\" value=\"" + u.account_id + "\">" + sites +
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
    res.set_content(Page("Something went wrong", "<p id=\"error\">This consent has expired; start again.</p>"), "text/html");
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
  HandleApi(req, res, site, caller, base_url() + "/ex/jira/" + cloud_id, path);
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

bool Match(const std::vector<std::string>& segs, std::size_t from, std::initializer_list<const char*> pattern,
           std::vector<std::string>* captures) {
  if (segs.size() - from != pattern.size()) return false;
  captures->clear();
  std::size_t i = from;
  for (const char* p : pattern) {
    if (std::string(p) == "{}") captures->push_back(segs[i]);
    else if (segs[i] != p) return false;
    ++i;
  }
  return true;
}

int64_t IntParam(const httplib::Request& req, const char* name, int64_t def) {
  if (!req.has_param(name)) return def;
  auto v = jirasql::ParseInt(req.get_param_value(name));
  return v ? *v : def;
}

std::vector<std::string> ListParam(const httplib::Request& req, const char* name) {
  std::vector<std::string> out;
  for (std::size_t i = 0, n = req.get_param_value_count(name); i < n; ++i) out.push_back(req.get_param_value(name, i));
  return out;
}

// A body member that holds a list of strings (or one string). Anything else
// is a malformed payload: get<std::string>() throws, and HandleApi answers
// Jira's 400.
std::vector<std::string> JsonList(const json& j) {
  std::vector<std::string> out;
  if (j.is_array()) {
    for (const auto& e : j) out.push_back(e.get<std::string>());
  } else {
    out.push_back(j.get<std::string>());
  }
  return out;
}

std::string Hash(const std::string& s) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016zx", std::hash<std::string>{}(s));
  return buf;
}

// Sets the editable fields of an issue from a request's "fields" object.
// Returns the name of the first field it cannot set.
std::optional<std::string> ApplyFields(const World& world, Site& site, int64_t idx, const json& fields,
                                       std::vector<ChangeItem>* changes) {
  Issue& x = site.issues[idx];
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    const std::string& k = it.key();
    const json& v = it.value();
    if (k == "summary" && v.is_string()) {
      changes->push_back({"summary", "jira", "", x.summary, "", v.get<std::string>()});
      x.summary = v.get<std::string>();
    } else if (k == "description") {
      site.description_override[idx] = v.is_null() ? "null" : v.is_string() ? PlainToAdf(v.get<std::string>()) : v.dump();
    } else if (k == "priority" && v.is_object()) {
      for (std::size_t pr = 0; pr < world.catalogs.priorities.size(); ++pr) {
        if (v.value("name", "") == world.catalogs.priorities[pr].name ||
            v.value("id", "") == std::to_string(world.catalogs.priorities[pr].id))
          x.priority = static_cast<int>(pr);
      }
    } else if (k == "assignee") {
      x.assignee = -1;
      if (v.is_object()) {
        for (std::size_t u = 0; u < world.users.size(); ++u) {
          if (v.value("accountId", "") == world.users[u].account_id || v.value("name", "") == world.users[u].name)
            x.assignee = static_cast<int>(u);
        }
      }
    } else if (k == "labels" && v.is_array()) {
      x.labels = 0;
      for (const auto& l : v) {
        for (std::size_t li = 0; li < world.catalogs.labels.size(); ++li) {
          if (l.is_string() && l.get<std::string>() == world.catalogs.labels[li]) x.labels |= 1u << li;
        }
      }
    } else if (k == "duedate") {
      x.due_day = kNone;
      int64_t ms = 0;
      if (v.is_string() && ParseJqlDate(v.get<std::string>(), 0, 0, &ms)) x.due_day = ms / 86400000;
    } else if (k == "parent" && v.is_object()) {
      int64_t pi = site.FindIssue(v.value("key", v.value("id", "")));
      if (pi < 0) return std::string("parent");
      x.parent = pi;
    } else {
      return k;
    }
  }
  return std::nullopt;
}

void FieldError(httplib::Response& res, const std::string& field) {
  SendJson(res, 400, json{{"errorMessages", json::array()},
                          {"errors", {{field, "Field '" + field +
                                                  "' cannot be set. It is not on the appropriate screen, or unknown."}}}}
                         .dump());
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
  const bool write = req.method != "GET";
  std::vector<std::string> c;  // captures

  // Which REST family and version.
  int version = 0;
  bool agile = false;
  if (segs.size() >= 3 && segs[0] == "rest" && segs[1] == "api") {
    if (segs[2] == "2") version = 2;
    else if (segs[2] == "3") version = 3;
    else if (segs[2] == "latest") version = options_.datacenter ? 2 : 3;
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

  // OAuth scope checks (API tokens and PATs carry the user's full rights).
  if (caller.oauth) {
    bool user_endpoint = segs.size() >= 4 && (segs[3] == "myself" || segs[3] == "users" || segs[3] == "user");
    // Searches and bulk fetches are POSTs that only read (read:jira-work).
    const bool read_post = segs.size() >= 4 && (segs[3] == "search" || (segs.size() >= 5 && segs[3] == "issue" &&
                                                                        segs[4] == "bulkfetch"));
    const char* need = write && !read_post ? "write:jira-work"
                                           : (user_endpoint ? "read:jira-user" : "read:jira-work");
    if (!caller.scopes.count(need)) return GatewayError(res, 401, "Unauthorized; scope does not match");
  }

  std::unique_lock<std::shared_mutex> wlock(data_mu_, std::defer_lock);
  std::shared_lock<std::shared_mutex> rlock(data_mu_, std::defer_lock);
  if (write) wlock.lock();
  else rlock.lock();
  Site& site = world_.sites[site_index];
  const int tz = caller.user >= 0 ? world_.users[caller.user].tz.offset_minutes : 0;
  RenderContext rc{world_, site, base, version, options_.datacenter, tz, {}};
  const int64_t now = NowMs();
  JqlContext jctx{world_, site, caller.user, tz, now};

  std::string out;
  out.reserve(64 * 1024);
  JsonWriter w(out);
  auto ok = [&](int status = 200) { SendJson(res, status, std::move(out)); };
  auto body = [&]() -> std::optional<json> {
    auto j = json::parse(req.body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      JiraError(res, 400, "The request body is not a valid JSON object.");
      return std::nullopt;
    }
    return j;
  };
  auto find_issue = [&](const std::string& id_or_key) -> int64_t {
    int64_t idx = site.FindIssue(id_or_key);
    if (idx < 0) JiraError(res, 404, "Issue does not exist or you do not have permission to see it.");
    return idx;
  };

  // Runs a JQL query through the cache.
  auto run_query = [&](const std::string& jql, std::string* cache_key) -> std::shared_ptr<const std::vector<int64_t>> {
    *cache_key = site.name + "\x1f" + std::to_string(caller.user) + "\x1f" + jql;
    {
      std::lock_guard<std::mutex> lock(cache_mu_);
      for (auto& e : cache_) {
        if (e.key == *cache_key && e.version == site.version) return e.ids;
      }
    }
    auto q = ParseJql(jql, jctx);
    if (!q) {
      JiraError(res, 400, q.error().message);
      return nullptr;
    }
    auto ids = std::make_shared<const std::vector<int64_t>>(Execute(*q, jctx));
    std::lock_guard<std::mutex> lock(cache_mu_);
    cache_.push_back({*cache_key, site.version, ids});
    if (cache_.size() > 32) cache_.erase(cache_.begin());
    return ids;
  };
  auto bounded = [&](const std::string& jql) {
    auto q = ParseJql(jql, jctx);
    if (q && !q->bounded()) {
      JiraError(res, 400, "Unbounded JQL queries are not allowed here. Please add a search restriction to your query.");
      return false;
    }
    return true;
  };

  constexpr std::size_t from = 3;  // segments after rest/api/N or rest/agile/1.0
  // ---- simple reads
  if (!agile && req.method == "GET" && Match(segs, from, {"myself"}, &c)) {
    WriteUser(w, rc, caller.user);
    // Add the fields /myself has beyond a user reference.
    out.pop_back();
    out += ",\"locale\":\"en_US\",\"groups\":{\"size\":1,\"items\":[]},\"applicationRoles\":{\"size\":1,\"items\":[]},"
           "\"expand\":\"groups,applicationRoles\"}";
    return ok();
  }
  if (!agile && req.method == "GET" && Match(segs, from, {"serverInfo"}, &c)) {
    w.BeginObject().Field("baseUrl", base).Field("version", options_.datacenter ? "9.12.0" : "1001.0.0-SNAPSHOT")
        .Key("versionNumbers").BeginArray().Int(options_.datacenter ? 9 : 1001).Int(options_.datacenter ? 12 : 0).Int(0).EndArray()
        .Field("deploymentType", options_.datacenter ? "Server" : "Cloud").Field("buildNumber", 100280)
        .Field("buildDate", FormatTimestamp(start_ms_ - 86400000, 0)).Field("serverTime", FormatTimestamp(now, tz))
        .Field("scmInfo", "0000000000000000000000000000000000000000").Field("serverTitle", "jirasim " + site.name)
        .EndObject();
    return ok();
  }
  if (!agile && req.method == "GET" && Match(segs, from, {"field"}, &c)) {
    WriteFieldList(w, rc);
    return ok();
  }
  if (!agile && req.method == "GET" && Match(segs, from, {"project"}, &c)) {
    w.BeginArray();
    const std::string expand = req.get_param_value("expand");
    for (std::size_t p = 0; p < site.projects.size(); ++p) WriteListedProject(w, rc, static_cast<int>(p), expand);
    w.EndArray();
    return ok();
  }
  if (!agile && req.method == "GET" && Match(segs, from, {"project", "search"}, &c)) {
    int64_t start = std::max<int64_t>(0, IntParam(req, "startAt", 0));
    int64_t max = std::clamp<int64_t>(IntParam(req, "maxResults", 50), 1, 100);
    std::vector<int> picked;
    auto keys = ListParam(req, "keys");
    std::string query = ToLower(req.get_param_value("query"));
    for (std::size_t p = 0; p < site.projects.size(); ++p) {
      const auto& pr = site.projects[p];
      bool key_ok = keys.empty() || std::find(keys.begin(), keys.end(), pr.key) != keys.end();
      bool q_ok = query.empty() || ToLower(pr.key).find(query) != std::string::npos ||
                  ToLower(pr.name).find(query) != std::string::npos;
      if (key_ok && q_ok) picked.push_back(static_cast<int>(p));
    }
    int64_t total = static_cast<int64_t>(picked.size());
    int64_t end = std::min(total, start + max);
    w.BeginObject().Field("self", base + path + "?startAt=" + std::to_string(start) + "&maxResults=" + std::to_string(max));
    if (end < total) w.Field("nextPage", base + path + "?startAt=" + std::to_string(end) + "&maxResults=" + std::to_string(max));
    w.Field("maxResults", max).Field("startAt", start).Field("total", total).Field("isLast", end >= total)
        .Key("values").BeginArray();
    const std::string expand = req.get_param_value("expand");
    for (int64_t i = start; i < end; ++i) WriteListedProject(w, rc, picked[i], expand);
    w.EndArray().EndObject();
    return ok();
  }
  if (!agile && req.method == "GET" && Match(segs, from, {"project", "{}"}, &c)) {
    int p = site.FindProject(c[0]);
    if (p < 0) return JiraError(res, 404, "No project could be found with key '" + c[0] + "'.");
    WriteProject(w, rc, p, true);
    return ok();
  }
  if (!agile && req.method == "GET" &&
      (Match(segs, from, {"users", "search"}, &c) || Match(segs, from, {"users"}, &c) ||
       Match(segs, from, {"user", "search"}, &c))) {
    int64_t start = std::max<int64_t>(0, IntParam(req, "startAt", 0));
    int64_t max = std::clamp<int64_t>(IntParam(req, "maxResults", 50), 1, 1000);
    std::string q = ToLower(req.get_param_value(req.has_param("username") ? "username" : "query"));
    w.BeginArray();
    int64_t seen = 0, written = 0;
    for (std::size_t u = 0; u < world_.users.size() && written < max; ++u) {
      const User& us = world_.users[u];
      if (!q.empty() && q != "." && ToLower(us.display_name).find(q) == std::string::npos &&
          ToLower(us.email).find(q) == std::string::npos && ToLower(us.name).find(q) == std::string::npos)
        continue;
      if (seen++ < start) continue;
      WriteUser(w, rc, static_cast<int>(u));
      ++written;
    }
    w.EndArray();
    return ok();
  }
  if (!agile && req.method == "GET" && Match(segs, from, {"user"}, &c)) {
    std::string id = req.get_param_value(req.has_param("accountId") ? "accountId" : "username");
    for (std::size_t u = 0; u < world_.users.size(); ++u) {
      if (world_.users[u].account_id == id || world_.users[u].name == id) {
        WriteUser(w, rc, static_cast<int>(u));
        return ok();
      }
    }
    return JiraError(res, 404, "Specified user does not exist or you do not have required permissions");
  }
  if (!agile && req.method == "GET" && segs.size() == from + 1 &&
      (segs[from] == "issuetype" || segs[from] == "status" || segs[from] == "priority" ||
       segs[from] == "resolution" || segs[from] == "statuscategory")) {
    const std::string& what = segs[from];
    const auto& cat = world_.catalogs;
    w.BeginArray();
    std::size_t n = what == "issuetype" ? cat.types.size() : what == "status" ? cat.statuses.size()
                    : what == "priority" ? cat.priorities.size() : what == "resolution" ? cat.resolutions.size()
                                                                                         : cat.categories.size();
    for (std::size_t i = 0; i < n; ++i) {
      int k = static_cast<int>(i);
      if (what == "issuetype") WriteIssueType(w, rc, k);
      else if (what == "status") WriteStatus(w, rc, k);
      else if (what == "priority") WriteListedPriority(w, rc, k);
      else if (what == "resolution") WriteResolution(w, rc, k);
      else WriteStatusCategory(w, rc, k);
    }
    w.EndArray();
    return ok();
  }

  // ---- search
  if (!agile && Match(segs, from, {"search"}, &c)) {
    if (!options_.datacenter) {
      return JiraError(res, 410,
                       "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full "
                       "migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046");
    }
    // Data Center: startAt / maxResults / total.
    std::string jql;
    int64_t start = 0, max = 50;
    std::vector<std::string> fields;
    std::string expand;
    if (req.method == "POST") {
      auto b = body();
      if (!b) return;
      jql = b->value("jql", "");
      start = b->value("startAt", 0);
      max = b->value("maxResults", 50);
      if (b->contains("fields")) fields = JsonList((*b)["fields"]);
      if (b->contains("expand")) expand = Join(JsonList((*b)["expand"]), ",");
    } else {
      jql = req.get_param_value("jql");
      start = IntParam(req, "startAt", 0);
      max = IntParam(req, "maxResults", 50);
      fields = ListParam(req, "fields");
      expand = req.get_param_value("expand");
    }
    start = std::max<int64_t>(0, start);
    max = std::clamp<int64_t>(max, 0, 1000);
    std::string key;
    auto ids = run_query(jql, &key);
    if (!ids) return;
    auto fs = FieldSelection::Parse(fields, "*navigable", world_.catalogs);
    bool changelog = expand.find("changelog") != std::string::npos;
    int64_t total = static_cast<int64_t>(ids->size());
    int64_t end = std::min(total, start + max);
    w.BeginObject().Field("expand", "schema,names").Field("startAt", start).Field("maxResults", max)
        .Field("total", total).Key("issues").BeginArray();
    for (int64_t i = start; i < end; ++i) WriteIssue(w, rc, (*ids)[i], fs, changelog);
    w.EndArray().EndObject();
    return ok();
  }
  if (!agile && !options_.datacenter && Match(segs, from, {"search", "jql"}, &c) &&
      (req.method == "GET" || req.method == "POST")) {
    std::string jql, token, expand;
    int64_t max = 50;
    std::vector<std::string> fields;
    if (req.method == "POST") {
      auto b = body();
      if (!b) return;
      jql = b->value("jql", "");
      if (b->contains("nextPageToken") && (*b)["nextPageToken"].is_string()) token = (*b)["nextPageToken"];
      max = b->value("maxResults", 50);
      if (b->contains("fields")) fields = JsonList((*b)["fields"]);
      if (b->contains("expand")) expand = Join(JsonList((*b)["expand"]), ",");
    } else {
      jql = req.get_param_value("jql");
      token = req.get_param_value("nextPageToken");
      max = IntParam(req, "maxResults", 50);
      fields = ListParam(req, "fields");
      expand = req.get_param_value("expand");
    }
    if (!bounded(jql)) return;
    auto fs = FieldSelection::Parse(fields, "id", world_.catalogs);
    // Atlassian: up to 5000 per page for id/key-only requests; we cap full pages at 100.
    max = std::clamp<int64_t>(max, 1, fs.IdOnly() ? 5000 : 100);
    std::string key;
    auto ids = run_query(jql, &key);
    if (!ids) return;
    int64_t start = 0;
    if (!token.empty()) {
      auto decoded = Base64Decode(token);
      auto parts = decoded ? Split(*decoded, ':') : std::vector<std::string>{};
      auto off = parts.size() == 3 ? jirasql::ParseInt(parts[1]) : std::nullopt;
      if (!off || parts[0] != "v1" || parts[2] != Hash(jql) || *off < 0) {
        return JiraError(res, 400, "The provided nextPageToken is invalid or does not belong to this query.");
      }
      start = *off;
    }
    bool changelog = expand.find("changelog") != std::string::npos;
    int64_t total = static_cast<int64_t>(ids->size());
    int64_t end = std::min(total, start + max);
    w.BeginObject().Key("issues").BeginArray();
    for (int64_t i = start; i < end; ++i) WriteIssue(w, rc, (*ids)[i], fs, changelog);
    w.EndArray();
    if (end < total) w.Field("nextPageToken", Base64UrlEncode("v1:" + std::to_string(end) + ":" + Hash(jql)));
    w.Field("isLast", end >= total).EndObject();
    return ok();
  }
  if (!agile && !options_.datacenter && req.method == "POST" && Match(segs, from, {"search", "approximate-count"}, &c)) {
    auto b = body();
    if (!b) return;
    std::string jql = b->value("jql", "");
    if (!bounded(jql)) return;
    std::string key;
    auto ids = run_query(jql, &key);
    if (!ids) return;
    w.BeginObject().Field("count", static_cast<int64_t>(ids->size())).EndObject();
    return ok();
  }
  if (!agile && !options_.datacenter && req.method == "POST" && Match(segs, from, {"issue", "bulkfetch"}, &c)) {
    auto b = body();
    if (!b) return;
    auto wanted = JsonList(b->value("issueIdsOrKeys", json::array()));
    if (wanted.empty()) return JiraError(res, 400, "issueIdsOrKeys must hold at least one issue id or key.");
    if (wanted.size() > 100) return JiraError(res, 400, "You can request up to 100 issues at a time.");
    std::vector<std::string> fields = b->contains("fields") ? JsonList((*b)["fields"]) : std::vector<std::string>{};
    auto fs = FieldSelection::Parse(fields, "*navigable", world_.catalogs);
    bool changelog = false;
    for (const auto& e : JsonList(b->value("expand", json::array()))) changelog |= e == "changelog";
    std::vector<int64_t> found;
    for (const auto& k : wanted) {
      int64_t idx = site.FindIssue(k);
      if (idx >= 0) found.push_back(idx);
    }
    std::sort(found.begin(), found.end());
    found.erase(std::unique(found.begin(), found.end()), found.end());
    w.BeginObject().Key("issues").BeginArray();
    for (int64_t idx : found) WriteIssue(w, rc, idx, fs, changelog);
    w.EndArray().Key("issueErrors").BeginArray().EndArray().EndObject();
    return ok();
  }

  // ---- issues
  if (!agile && req.method == "POST" && Match(segs, from, {"issue"}, &c)) {
    auto b = body();
    if (!b) return;
    json f = b->value("fields", json::object());
    std::map<std::string, std::string> errors;
    int p = -1;
    if (f.contains("project") && f["project"].is_object()) {
      p = site.FindProject(f["project"].value("key", f["project"].value("id", "")));
    }
    if (p < 0) errors["project"] = "Specify a valid project ID or key";
    int type = -1;
    if (f.contains("issuetype") && f["issuetype"].is_object()) {
      for (std::size_t t = 0; t < world_.catalogs.types.size(); ++t) {
        const auto& it = world_.catalogs.types[t];
        if (f["issuetype"].value("name", "") == it.name || f["issuetype"].value("id", "") == std::to_string(it.id))
          type = static_cast<int>(t);
      }
    }
    if (type < 0) errors["issuetype"] = "Specify an issue type";
    std::string summary = f.value("summary", "");
    if (summary.empty()) errors["summary"] = "You must specify a summary of the issue.";
    if (!errors.empty()) return SendJson(res, 400, json{{"errorMessages", json::array()}, {"errors", errors}}.dump());
    Issue is;
    is.id = 10000 + static_cast<int64_t>(site.issues.size());
    is.project = p;
    is.number = static_cast<int>(site.projects[p].issues_by_number.size()) + 1;
    is.type = type;
    is.status = 0;
    is.priority = 2;
    is.reporter = caller.user;
    is.created_ms = is.updated_ms = now - now % 1000;
    is.summary = summary;
    is.custom.fill(kNone);
    is.seed = static_cast<uint64_t>(is.id) * 7919;
    int64_t idx = static_cast<int64_t>(site.issues.size());
    site.issues.push_back(is);
    site.projects[p].issues_by_number.push_back(idx);
    site.description_override[idx] = "null";
    // The remaining fields are set as an edit would set them.
    json rest = f;
    rest.erase("project");
    rest.erase("issuetype");
    rest.erase("summary");
    std::vector<ChangeItem> ignored;
    if (auto bad = ApplyFields(world_, site, idx, rest, &ignored)) {
      // Undo the half-made issue.
      site.projects[p].issues_by_number.pop_back();
      site.issues.pop_back();
      site.description_override.erase(idx);
      return FieldError(res, *bad);
    }
    ++site.version;
    const Issue& made = site.issues[idx];
    w.BeginObject().Field("id", std::to_string(made.id)).Field("key", site.Key(made))
        .Field("self", base + "/rest/api/" + std::to_string(version) + "/issue/" + std::to_string(made.id)).EndObject();
    return ok(201);
  }
  if (!agile && Match(segs, from, {"issue", "{}"}, &c)) {
    int64_t idx = find_issue(c[0]);
    if (idx < 0) return;
    if (req.method == "GET") {
      auto fs = FieldSelection::Parse(ListParam(req, "fields"), "*all", world_.catalogs);
      WriteIssue(w, rc, idx, fs, req.get_param_value("expand").find("changelog") != std::string::npos);
      return ok();
    }
    if (req.method == "DELETE") {
      Issue& x = site.issues[idx];
      bool has_subtasks = false;
      for (int64_t j = idx + 1; j < static_cast<int64_t>(site.issues.size()); ++j) {
        if (site.issues[j].parent == idx && site.issues[j].type == 4 && !site.issues[j].deleted) has_subtasks = true;
      }
      if (has_subtasks && req.get_param_value("deleteSubtasks") != "true") {
        return JiraError(res, 400, "The issue has subtasks. Set deleteSubtasks=true to delete them too.");
      }
      x.deleted = true;
      site.projects[x.project].issues_by_number[x.number - 1] = -1;
      for (auto& other : site.issues) {
        if (other.parent == idx && other.type == 4) other.deleted = true;
      }
      ++site.version;
      res.status = 204;
      return;
    }
    if (req.method == "PUT") {
      auto b = body();
      if (!b) return;
      Issue& x = site.issues[idx];
      json fields = b->value("fields", json::object());
      json update = b->value("update", json::object());
      // "update": {"labels": [{"add": "x"}, {"remove": "y"}], "summary": [{"set": "..."}]}
      for (auto it = update.begin(); it != update.end(); ++it) {
        if (!it->is_array()) continue;
        for (const auto& opj : *it) {
          if (opj.contains("set")) fields[it.key()] = opj["set"];
          if (it.key() == "labels") {
            for (std::size_t li = 0; li < world_.catalogs.labels.size(); ++li) {
              if (opj.value("add", "") == world_.catalogs.labels[li]) x.labels |= 1u << li;
              if (opj.value("remove", "") == world_.catalogs.labels[li]) x.labels &= ~(1u << li);
            }
          }
        }
      }
      std::vector<ChangeItem> changes;
      if (auto bad = ApplyFields(world_, site, idx, fields, &changes)) return FieldError(res, *bad);
      x.updated_ms = now - now % 1000;
      if (!changes.empty()) {
        site.added_history[idx].push_back({site.next_history_id++, caller.user, x.updated_ms, changes});
      }
      ++site.version;
      res.status = 204;
      return;
    }
  }
  if (!agile && Match(segs, from, {"issue", "{}", "comment"}, &c)) {
    int64_t idx = find_issue(c[0]);
    if (idx < 0) return;
    if (req.method == "POST") {
      auto b = body();
      if (!b) return;
      if (!b->contains("body")) return SendJson(res, 400, json{{"errorMessages", json::array()}, {"errors", {{"comment", "Comment body can not be empty!"}}}}.dump());
      const json& bj = (*b)["body"];
      Comment cm{site.next_comment_id++, caller.user, now - now % 1000, now - now % 1000,
                 bj.is_string() ? PlainToAdf(bj.get<std::string>()) : bj.dump()};
      site.added_comments[idx].push_back(cm);
      site.issues[idx].updated_ms = cm.created_ms;
      ++site.version;
      WriteComment(w, rc, idx, cm);
      return ok(201);
    }
    auto comments = Comments(world_, site, idx);
    int64_t start = std::max<int64_t>(0, IntParam(req, "startAt", 0));
    int64_t max = std::clamp<int64_t>(IntParam(req, "maxResults", 5000), 1, 5000);
    int64_t total = static_cast<int64_t>(comments.size()), end = std::min(total, start + max);
    w.BeginObject().Field("startAt", start).Field("maxResults", max).Field("total", total).Key("comments").BeginArray();
    for (int64_t i = start; i < end; ++i) WriteComment(w, rc, idx, comments[i]);
    w.EndArray().EndObject();
    return ok();
  }
  if (!agile && Match(segs, from, {"issue", "{}", "worklog"}, &c)) {
    int64_t idx = find_issue(c[0]);
    if (idx < 0) return;
    if (req.method == "POST") {
      auto b = body();
      if (!b) return;
      int64_t seconds = b->value("timeSpentSeconds", int64_t{0});
      if (seconds <= 0 && b->contains("timeSpent")) {
        int64_t ms = 0;
        std::string spent = (*b)["timeSpent"].get<std::string>();
        if (ParseJqlDate("+" + spent, 0, 0, &ms)) seconds = ms / 1000;
      }
      if (seconds <= 0) {
        return SendJson(res, 400, json{{"errorMessages", json::array()}, {"errors", {{"timeLogged", "You must indicate the time spent working."}}}}.dump());
      }
      Worklog wl{site.next_worklog_id++, caller.user, now - now % 1000, now - now % 1000, seconds,
                 b->contains("comment") ? ((*b)["comment"].is_string() ? PlainToAdf((*b)["comment"].get<std::string>()) : (*b)["comment"].dump())
                                        : std::string("null")};
      site.added_worklogs[idx].push_back(wl);
      Issue& x = site.issues[idx];
      x.time_spent = (x.time_spent == kNone ? 0 : x.time_spent) + seconds;
      ++site.version;
      WriteWorklog(w, rc, idx, wl);
      return ok(201);
    }
    auto logs = Worklogs(world_, site, idx);
    w.BeginObject().Field("startAt", 0).Field("maxResults", static_cast<int64_t>(logs.size()))
        .Field("total", static_cast<int64_t>(logs.size())).Key("worklogs").BeginArray();
    for (const auto& wl : logs) WriteWorklog(w, rc, idx, wl);
    w.EndArray().EndObject();
    return ok();
  }
  if (!agile && req.method == "GET" && Match(segs, from, {"issue", "{}", "changelog"}, &c)) {
    int64_t idx = find_issue(c[0]);
    if (idx < 0) return;
    auto hist = Changelog(world_, site, idx);
    int64_t start = std::max<int64_t>(0, IntParam(req, "startAt", 0));
    int64_t max = std::clamp<int64_t>(IntParam(req, "maxResults", 100), 1, 100);
    int64_t total = static_cast<int64_t>(hist.size()), end = std::min(total, start + max);
    w.BeginObject().Field("self", base + path).Field("maxResults", max).Field("startAt", start).Field("total", total)
        .Field("isLast", end >= total).Key("values").BeginArray();
    for (int64_t i = start; i < end; ++i) WriteHistory(w, rc, hist[i]);
    w.EndArray().EndObject();
    return ok();
  }

  // ---- agile
  if (agile && req.method == "GET" && Match(segs, from, {"board"}, &c)) {
    int64_t start = std::max<int64_t>(0, IntParam(req, "startAt", 0));
    int64_t max = std::clamp<int64_t>(IntParam(req, "maxResults", 50), 1, 50);
    int64_t total = static_cast<int64_t>(site.boards.size()), end = std::min(total, start + max);
    w.BeginObject().Field("maxResults", max).Field("startAt", start).Field("total", total).Field("isLast", end >= total)
        .Key("values").BeginArray();
    for (int64_t b = start; b < end; ++b) {
      const Board& bd = site.boards[b];
      const Project& pr = site.projects[bd.project];
      w.BeginObject().Field("id", bd.id).Field("self", base + "/rest/agile/1.0/board/" + std::to_string(bd.id))
          .Field("name", bd.name).Field("type", "scrum").Key("location").BeginObject()
          .Field("projectId", pr.id).Field("displayName", pr.name + " (" + pr.key + ")").Field("projectName", pr.name)
          .Field("projectKey", pr.key).Field("projectTypeKey", "software").Field("name", pr.name + " (" + pr.key + ")")
          .EndObject().EndObject();
    }
    w.EndArray().EndObject();
    return ok();
  }
  if (agile && req.method == "GET" && Match(segs, from, {"board", "{}", "sprint"}, &c)) {
    auto bid = jirasql::ParseInt(c[0]);
    int board = -1;
    for (std::size_t b = 0; b < site.boards.size(); ++b) {
      if (bid && site.boards[b].id == *bid) board = static_cast<int>(b);
    }
    if (board < 0) return JiraError(res, 404, "Board does not exist or you do not have permission to see it.");
    std::vector<std::string> states;
    for (auto& s : Split(req.get_param_value("state"), ',')) {
      if (!s.empty()) states.push_back(s);
    }
    std::vector<int> picked;
    for (std::size_t s = 0; s < site.sprints.size(); ++s) {
      if (site.sprints[s].board != board) continue;
      if (!states.empty() && std::find(states.begin(), states.end(), site.sprints[s].state) == states.end()) continue;
      picked.push_back(static_cast<int>(s));
    }
    int64_t start = std::max<int64_t>(0, IntParam(req, "startAt", 0));
    int64_t max = std::clamp<int64_t>(IntParam(req, "maxResults", 50), 1, 50);
    int64_t total = static_cast<int64_t>(picked.size()), end = std::min(total, start + max);
    w.BeginObject().Field("maxResults", max).Field("startAt", start).Field("isLast", end >= total).Key("values").BeginArray();
    for (int64_t i = start; i < end; ++i) WriteSprint(w, rc, picked[i]);
    w.EndArray().EndObject();
    return ok();
  }
  if (agile && req.method == "GET" && Match(segs, from, {"sprint", "{}", "issue"}, &c)) {
    auto sid = jirasql::ParseInt(c[0]);
    int sprint = -1;
    for (std::size_t s = 0; s < site.sprints.size(); ++s) {
      if (sid && site.sprints[s].id == *sid) sprint = static_cast<int>(s);
    }
    if (sprint < 0) return JiraError(res, 404, "Sprint does not exist or you do not have permission to see it.");
    std::string jql = "sprint = " + std::to_string(site.sprints[sprint].id);
    if (!req.get_param_value("jql").empty()) jql = "(" + jql + ") AND (" + req.get_param_value("jql") + ")";
    std::string key;
    auto ids = run_query(jql, &key);
    if (!ids) return;
    auto fs = FieldSelection::Parse(ListParam(req, "fields"), "*navigable", world_.catalogs);
    int64_t start = std::max<int64_t>(0, IntParam(req, "startAt", 0));
    int64_t max = std::clamp<int64_t>(IntParam(req, "maxResults", 50), 1, 100);
    int64_t total = static_cast<int64_t>(ids->size()), end = std::min(total, start + max);
    w.BeginObject().Field("expand", "schema,names").Field("startAt", start).Field("maxResults", max)
        .Field("total", total).Key("issues").BeginArray();
    for (int64_t i = start; i < end; ++i) WriteIssue(w, rc, (*ids)[i], fs);
    w.EndArray().EndObject();
    return ok();
  }
  return JiraError(res, 404, "No REST resource at " + req.method + " " + path);
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
    out = {{"requests", requests_}, {"oauth", auth_->counters().ToJson()}, {"faults", json::array()}};
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
    std::lock_guard<std::mutex> lock(faults_mu_);
    faults_.clear();
    out = {{"faults", 0}};
  } else if (what == "reset" && req.method == "POST") {
    {
      std::lock_guard<std::mutex> lock(faults_mu_);
      faults_.clear();
    }
    {
      std::lock_guard<std::mutex> lock(counters_mu_);
      requests_.clear();
    }
    auth_->ResetCounters();
    out = {{"reset", true}};
  } else if (what == "revoke" && req.method == "POST") {
    auth_->RevokeAll();
    out = {{"revoked", true}};
  } else {
    return JiraError(res, 404, "Unknown admin call: " + req.method + " /__jirasim/" + what);
  }
  SendJson(res, 200, out.dump());
}

}  // namespace jirasim
