#include "auth/desktop_flow.h"

#include <httplib.h>
#include <spawn.h>
#include <sys/wait.h>

#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "common/strings.h"

extern char** environ;

namespace jirasql {

std::map<std::string, std::string> UrlParams(const std::string& url) {
  std::map<std::string, std::string> out;
  auto start = url.find_first_of("?#");
  if (start == std::string::npos) return out;
  std::string rest = url.substr(start + 1);
  for (char& c : rest) {
    if (c == '#') c = '&';  // query and fragment alike
  }
  for (const auto& kv : Split(rest, '&')) {
    if (kv.empty()) continue;
    auto eq = kv.find('=');
    out[UrlDecode(kv.substr(0, eq))] = eq == std::string::npos ? "" : UrlDecode(kv.substr(eq + 1));
  }
  return out;
}

Result<CallbackAddress> ParseCallbackUrl(const std::string& url) {
  CallbackAddress a;
  const std::string prefix = "http://";
  if (url.rfind(prefix, 0) != 0) {
    return Fail(ErrorCode::kInvalidArgument,
                "CallbackURL " + url +
                    " must start with http:// and name this machine (http://localhost:PORT); "
                    "the desktop flow listens there for the browser");
  }
  std::string rest = url.substr(prefix.size());
  auto slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  a.path = slash == std::string::npos ? "/" : rest.substr(slash);
  if (auto q = a.path.find_first_of("?#"); q != std::string::npos) a.path = a.path.substr(0, q);
  std::string port = "80";
  if (!hostport.empty() && hostport[0] == '[') {
    auto close = hostport.find(']');
    a.host = hostport.substr(0, close + 1);
    if (close + 1 < hostport.size() && hostport[close + 1] == ':') port = hostport.substr(close + 2);
  } else if (auto colon = hostport.rfind(':'); colon != std::string::npos) {
    a.host = hostport.substr(0, colon);
    port = hostport.substr(colon + 1);
  } else {
    a.host = hostport;
  }
  auto p = ParseInt(port);
  if (!p || *p < 1 || *p > 65535) return Fail(ErrorCode::kInvalidArgument, "CallbackURL " + url + " has a bad port");
  a.port = static_cast<int>(*p);
  const std::string h = ToLower(a.host);
  if (h != "localhost" && h != "127.0.0.1" && h != "[::1]") {
    return Fail(ErrorCode::kInvalidArgument,
                "CallbackURL " + url + " names host '" + a.host +
                    "', but the desktop flow only listens on this machine's loopback (localhost, 127.0.0.1). Register "
                    "http://localhost:PORT in your app, or use the headless flow (docs/oauth.md)");
  }
  return a;
}

namespace {

std::string Page(const std::string& title, const std::string& text) {
  return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + title + "</title></head><body><h1>" + title +
         "</h1><p>" + text + "</p></body></html>";
}

}  // namespace

CallbackVerdict JudgeCallbackRequest(const CallbackAddress& addr, const std::string& expected_state, bool implicit,
                                     const std::string& host, const std::string& target) {
  CallbackVerdict v;
  auto page = [&](int status, const std::string& title, const std::string& text) {
    v.status = status;
    v.body = Page(title, text);
  };
  // Only our own names: a page elsewhere that resolves its host to
  // 127.0.0.1 (DNS rebinding) must not reach the listener.
  const std::string port = std::to_string(addr.port);
  const std::string h = ToLower(host);
  if (!(h == "localhost:" + port || h == "127.0.0.1:" + port || h == "[::1]:" + port ||
        (addr.port == 80 && (h == "localhost" || h == "127.0.0.1")))) {
    v.status = 421;
    v.content_type = "text/plain";
    v.body = "Misdirected request";
    return v;
  }
  const std::string path = UrlDecode(target.substr(0, target.find_first_of("?#")));
  if (path != addr.path && !(implicit && path == addr.path + "__fragment")) {
    v.status = 404;
    v.content_type = "text/plain";
    v.body = "Not found";
    return v;
  }
  const auto params = UrlParams(target);
  if (implicit && path == addr.path && params.empty()) {
    // The token is in the fragment: hand it back to us from the page.
    v.body =
        "<!DOCTYPE html><html><body><p>Finishing the login…</p><script>"
        "location.replace(location.pathname.replace(/\\/?$/, '') + '" +
        std::string(addr.path == "/" ? "/" : "") + "__fragment?' + location.hash.substring(1));</script></body></html>";
    return v;
  }
  auto get = [&](const char* k) {
    auto it = params.find(k);
    return it == params.end() ? std::string() : it->second;
  };
  if (get("state") != expected_state) {
    page(400, "Not this login",
         "This answer does not belong to the login jirasql started (the state differs). jirasql is still waiting; "
         "finish the login in the window it opened.");
    return v;  // keep waiting for the right one
  }
  if (!get("error").empty()) {
    const std::string error = get("error");
    page(200, "Login declined", "jirasql was not given access. You can close this window.");
    if (error == "access_denied") {
      v.outcome = Fail(ErrorCode::kPermissionDenied,
                       "authorization was declined in the browser (error=access_denied); run the login again and "
                       "choose Accept to let jirasql read Jira");
    } else {
      v.outcome = Fail(ErrorCode::kPermissionDenied,
                       "the authorization server refused the login: " + error +
                           (get("error_description").empty() ? "" : ": " + get("error_description")));
    }
    return v;
  }
  const bool has = implicit ? !get("access_token").empty() : !get("code").empty();
  if (!has) {
    page(400, "Incomplete answer", "The answer carries no authorization code; jirasql is still waiting.");
    return v;
  }
  page(200, "Logged in", "jirasql is connected to Jira. You can close this window.");
  v.outcome = CallbackResult{params};
  return v;
}

Result<CallbackResult> WaitForCallback(const ListenerOptions& o) {
  auto addr = ParseCallbackUrl(o.callback_url);
  if (!addr) return Fail(addr.error());

  std::mutex mu;
  std::condition_variable cv;
  std::optional<Result<CallbackResult>> outcome;
  auto finish = [&](Result<CallbackResult> r) {
    std::lock_guard<std::mutex> g(mu);
    if (!outcome) outcome = std::move(r);
    cv.notify_all();
  };

  httplib::Server server;
  // cpp-httplib sets SO_REUSEPORT by default, which would let another
  // listener share the port and take the browser's redirect. Address reuse
  // only: if the port is taken, binding fails and we say so.
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  server.set_payload_max_length(16 * 1024);
  // One request per connection: a browser's idle keep-alive connection
  // would otherwise hold the listener open after the login is done.
  server.set_keep_alive_max_count(1);
  // Connections that send nothing (a browser's speculative ones, or
  // someone holding the port's workers) are dropped after 2 s, and 32
  // workers serve, so that a crowd of idle connections delays the browser's
  // redirect by seconds, not minutes.
  server.set_read_timeout(2, 0);
  server.new_task_queue = [] { return new httplib::ThreadPool(32); };
  const std::string port = std::to_string(addr->port);

  server.Get(".*", [&](const httplib::Request& req, httplib::Response& res) {
    auto v = JudgeCallbackRequest(*addr, o.expected_state, o.implicit, req.get_header_value("Host"), req.target);
    res.status = v.status;
    res.set_content(v.body, v.content_type.c_str());
    if (v.outcome) finish(std::move(*v.outcome));
  });

  const std::string bind = addr->host == "[::1]" ? "::1" : "127.0.0.1";
  if (!server.bind_to_port(bind.c_str(), addr->port)) {
    return Fail(ErrorCode::kIo, "cannot listen on " + bind + ":" + port +
                                    " for the browser's redirect (is another login or program using it?); free the "
                                    "port or register another CallbackURL");
  }
  std::thread serving([&] { server.listen_after_bind(); });
  while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (o.on_listening) o.on_listening();

  Result<CallbackResult> result = Fail(ErrorCode::kTimeout, "");
  {
    std::unique_lock<std::mutex> lock(mu);
    if (!cv.wait_for(lock, o.timeout, [&] { return outcome.has_value(); })) {
      result = Fail(ErrorCode::kTimeout, "no answer from the browser within " + std::to_string(o.timeout.count()) +
                                             " s (OAuthListenerTimeout). Finish the login in the browser sooner, raise "
                                             "OAuthListenerTimeout, or use the headless flow (docs/oauth.md)");
    } else {
      result = std::move(*outcome);
    }
  }
  // Let the success page reach the browser before the listener goes away.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  server.stop();
  serving.join();
  return result;
}

bool OpenBrowser(const std::string& command, const std::string& url, std::string* tried) {
  std::vector<std::string> candidates;
  if (!command.empty()) {
    candidates.push_back(command);
  } else {
    if (const char* b = std::getenv("BROWSER"); b && *b) candidates.emplace_back(b);
    candidates.emplace_back("xdg-open");
  }
  for (const auto& cmd : candidates) {
    if (tried) *tried += (tried->empty() ? "" : ", ") + cmd;
    // `sh -c 'CMD "$1"' jirasql URL`: CMD may carry its own arguments, and
    // the URL stays one argument that the shell never interprets.
    std::string script = cmd + " \"$1\"";
    std::vector<char*> argv = {const_cast<char*>("sh"),      const_cast<char*>("-c"),        script.data(),
                               const_cast<char*>("jirasql"), const_cast<char*>(url.c_str()), nullptr};
    pid_t pid = 0;
    if (posix_spawn(&pid, "/bin/sh", nullptr, nullptr, argv.data(), environ) != 0) continue;
    // Browsers fork and return; a launcher that fails fast tells us so.
    int status = 0;
    for (int i = 0; i < 50; ++i) {
      pid_t w = ::waitpid(pid, &status, WNOHANG);
      if (w == pid) {
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return true;
        break;  // failed: try the next one
      }
      if (i == 49) {
        // Still running: a browser window, presumably. Reap it when it ends.
        std::thread([pid] {
          int s = 0;
          ::waitpid(pid, &s, 0);
        }).detach();
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  return false;
}

}  // namespace jirasql
