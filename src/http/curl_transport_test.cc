#include "http/curl_transport.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <set>
#include <thread>

#include "testing/loopback_server.h"
#include "testing/temp_dir.h"

namespace jirasql {
namespace {

using testing::LoopbackServer;
using testing::TempDir;

std::unique_ptr<CurlTransport> MakeTransport(CurlOptions o = {}, std::shared_ptr<Logger> logger = nullptr) {
  auto t = CurlTransport::Create(std::move(o), std::move(logger));
  EXPECT_TRUE(t) << t.error().message;
  return std::move(*t);
}

HttpRequest Get(const std::string& url) { return HttpRequest{"GET", url, {}, "", std::nullopt}; }

TEST(CurlTransportTest, StatusHeadersAndBody) {
  LoopbackServer s;
  s.server().Get("/ok", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("X-Thing", "42");
    res.set_content("hello", "text/plain");
  });
  s.server().Get("/missing", [](const httplib::Request&, httplib::Response& res) {
    res.status = 404;
    res.set_content(R"({"errorMessages":["Issue does not exist"]})", "application/json");
  });
  s.Start();
  auto t = MakeTransport();
  auto r = t->Send(Get(s.url() + "/ok"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello");
  EXPECT_EQ(r->Header("x-thing"), "42");
  // An error status is data, not a transport failure.
  r = t->Send(Get(s.url() + "/missing"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(r->body.find("Issue does not exist"), std::string::npos);
}

TEST(CurlTransportTest, SendsMethodHeadersAndBody) {
  LoopbackServer s;
  std::string seen_method, seen_body, seen_ct, seen_expect, seen_ua;
  auto handler = [&](const httplib::Request& req, httplib::Response& res) {
    seen_method = req.method;
    seen_body = req.body;
    seen_ct = req.get_header_value("Content-Type");
    seen_expect = req.get_header_value("Expect");
    seen_ua = req.get_header_value("User-Agent");
    res.status = 201;
  };
  s.server().Post("/p", handler);
  s.server().Put("/p", handler);
  s.server().Delete("/p", handler);
  s.Start();
  auto t = MakeTransport();
  std::string big(100000, 'x');  // large enough that curl would ask for 100-continue
  auto r = t->Send({"POST", s.url() + "/p", {{"Content-Type", "application/json"}}, big, std::nullopt});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(seen_method, "POST");
  EXPECT_EQ(seen_body, big);
  EXPECT_EQ(seen_ct, "application/json");
  EXPECT_EQ(seen_expect, "");
  EXPECT_EQ(seen_ua.rfind("jirasql/", 0), 0u);
  ASSERT_TRUE(t->Send({"PUT", s.url() + "/p", {}, "{\"a\":1}", std::nullopt}));
  EXPECT_EQ(seen_method, "PUT");
  EXPECT_EQ(seen_body, "{\"a\":1}");
  ASSERT_TRUE(t->Send({"DELETE", s.url() + "/p", {}, "", std::nullopt}));
  EXPECT_EQ(seen_method, "DELETE");
}

TEST(CurlTransportTest, DecodesCompressedAnswers) {
  LoopbackServer s;
  std::string accept;
  std::string payload(20000, 'a');
  s.server().Get("/big", [&](const httplib::Request& req, httplib::Response& res) {
    accept = req.get_header_value("Accept-Encoding");
    res.set_content(payload, "text/plain");  // cpp-httplib compresses when the client accepts gzip
  });
  s.Start();
  auto r = MakeTransport()->Send(Get(s.url() + "/big"));
  ASSERT_TRUE(r);
  EXPECT_NE(accept.find("gzip"), std::string::npos);
  // cpp-httplib picks brotli or gzip, whichever curl offers first; either way
  // the body must arrive compressed and be decoded.
  auto enc = r->Header("Content-Encoding").value_or("none");
  EXPECT_TRUE(enc == "gzip" || enc == "br") << enc;
  EXPECT_EQ(r->body, payload);
}

TEST(CurlTransportTest, ReusesConnections) {
  LoopbackServer s;
  std::mutex mu;
  std::set<int> ports;
  s.server().Get("/n", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    ports.insert(req.remote_port);
    res.set_content("x", "text/plain");
  });
  s.Start();
  auto t = MakeTransport();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(t->Send(Get(s.url() + "/n")));
  EXPECT_EQ(ports.size(), 1u) << "each request opened a new connection";
}

TEST(CurlTransportTest, ConcurrentSendsAreSafe) {
  LoopbackServer s;
  s.server().Get(R"(/echo/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(req.matches[1].str(), "text/plain");
  });
  s.Start();
  auto t = MakeTransport();
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int th = 0; th < 4; ++th) {
    threads.emplace_back([&, th] {
      for (int i = 0; i < 20; ++i) {
        std::string n = std::to_string(th * 100 + i);
        auto r = t->Send(Get(s.url() + "/echo/" + n));
        if (r && r->body == n) ++good;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(good.load(), 80);
}

TEST(CurlTransportTest, TimeoutIsATimeoutError) {
  LoopbackServer s;
  s.server().Get("/slow", [](const httplib::Request&, httplib::Response& res) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    res.set_content("late", "text/plain");
  });
  s.Start();
  CurlOptions o;
  o.timeout_seconds = 1;
  auto r = MakeTransport(o)->Send(Get(s.url() + "/slow?secret=should-not-appear"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kTimeout);
  EXPECT_NE(r.error().message.find("raise Timeout"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("should-not-appear"), std::string::npos) << "query leaked into the error";
}

// An abort signal ends a read under way (and fails new reads before they
// are sent) with kCancelled; a write is never cut off mid-flight.
TEST(CurlTransportTest, AFiredAbortSignalEndsReadsNotWrites) {
  LoopbackServer s;
  std::atomic<int> reached{0};
  auto slow = [&](const httplib::Request&, httplib::Response& res) {
    ++reached;
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    res.set_content("late", "text/plain");
  };
  s.server().Get("/slow", slow);
  s.server().Post("/slow", slow);
  s.Start();
  auto signal = std::make_shared<AbortSignal>();
  CurlOptions o;
  o.abort = signal;
  auto t = MakeTransport(o);
  std::thread firer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    signal->cancelled = true;
  });
  auto r = t->Send(Get(s.url() + "/slow?secret=should-not-appear"));
  firer.join();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kCancelled);
  EXPECT_NE(r.error().message.find("stopped by the application"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("should-not-appear"), std::string::npos);
  EXPECT_EQ(reached, 1);
  // Fired already: a read fails before anything is sent.
  r = t->Send(Get(s.url() + "/slow"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kCancelled);
  EXPECT_EQ(reached, 1);
  // A POST is carried through (it might otherwise be half done).
  r = t->Send(HttpRequest{"POST", s.url() + "/slow", {}, "{}", std::nullopt});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->body, "late");
  // Armed afresh, with a deadline already past: stopped as well.
  signal->Arm(AbortSignal::NowMs() - 1);
  r = t->Send(Get(s.url() + "/slow"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kCancelled);
  signal->Arm(0);
  EXPECT_FALSE(signal->Fired());
}

TEST(CurlTransportTest, RefusedConnectionIsConnectFailed) {
  auto r = MakeTransport()->Send(Get("http://127.0.0.1:" + std::to_string(testing::UnusedLoopbackPort()) + "/x"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kConnectFailed);
  EXPECT_NE(r.error().message.find("cannot connect"), std::string::npos) << r.error().message;
}

TEST(CurlTransportTest, OnlyHttpAndHttps) {
  auto r = MakeTransport()->Send(Get("file:///etc/passwd"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

TEST(CurlTransportTest, RedirectToAnotherOriginDropsAuthorization) {
  LoopbackServer target;
  std::string auth_at_target = "unset";
  target.server().Get("/landing", [&](const httplib::Request& req, httplib::Response& res) {
    auth_at_target = req.get_header_value("Authorization");
    res.set_content("landed", "text/plain");
  });
  target.Start();
  LoopbackServer origin;
  origin.server().Get(
      "/start", [&](const httplib::Request&, httplib::Response& res) { res.set_redirect(target.url() + "/landing"); });
  origin.Start();
  auto r = MakeTransport()->Send(
      {"GET", origin.url() + "/start", {{"Authorization", "Bearer must-not-travel"}}, "", std::nullopt});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->body, "landed");
  EXPECT_EQ(auth_at_target, "");
}

TEST(CurlTransportTest, ResponseSizeIsBounded) {
  LoopbackServer s;
  s.server().Get("/huge", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(1 << 20, 'z'), "application/octet-stream");
  });
  s.Start();
  CurlOptions o;
  o.max_response_bytes = 1000;
  auto r = MakeTransport(o)->Send(Get(s.url() + "/huge"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kBadResponse);
  EXPECT_NE(r.error().message.find("larger than 1000 bytes"), std::string::npos);
}

TEST(CurlTransportTest, UsesTheConfiguredProxy) {
  LoopbackServer proxy;
  std::string target, proxy_auth;
  proxy.server().Get(".*", [&](const httplib::Request& req, httplib::Response& res) {
    target = req.target;
    proxy_auth = req.get_header_value("Proxy-Authorization");
    res.set_content("via proxy", "text/plain");
  });
  proxy.Start();
  CurlOptions o;
  o.proxy_server = "127.0.0.1";
  o.proxy_port = proxy.port();
  o.proxy_user = "pu";
  o.proxy_password = "pp";
  // The proxy answers; nothing is sent to the (unresolvable) target host.
  auto r = MakeTransport(o)->Send(Get("http://jira.example.invalid/rest/api/2/myself"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->body, "via proxy");
  EXPECT_EQ(target, "http://jira.example.invalid/rest/api/2/myself");
  EXPECT_EQ(proxy_auth, "Basic cHU6cHA=");  // pu:pp
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::MakeSelfSignedCert(dir_.path(), &cert_, &key_)) GTEST_SKIP() << "openssl not available";
    server_ = std::make_unique<LoopbackServer>(cert_, key_);
    server_->server().Get(
        "/tls", [](const httplib::Request&, httplib::Response& res) { res.set_content("secure", "text/plain"); });
    server_->Start();
  }
  TempDir dir_;
  std::string cert_, key_;
  std::unique_ptr<LoopbackServer> server_;
};

TEST_F(TlsTest, VerificationIsOnByDefault) {
  auto r = MakeTransport()->Send(Get(server_->url() + "/tls"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kTransport);
  EXPECT_NE(r.error().message.find("SSLServerCert"), std::string::npos) << r.error().message;
}

TEST_F(TlsTest, SSLServerCertFileIsTrusted) {
  CurlOptions o;
  o.ssl_server_cert = cert_;
  auto r = MakeTransport(o)->Send(Get(server_->url() + "/tls"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->body, "secure");
}

TEST_F(TlsTest, SSLServerCertPemTextIsTrusted) {
  CurlOptions o;
  o.ssl_server_cert = testing::ReadFile(cert_);
  auto r = MakeTransport(o)->Send(Get(server_->url() + "/tls"));
  ASSERT_TRUE(r) << r.error().message;
}

TEST_F(TlsTest, AnotherCertificateIsNotTrusted) {
  TempDir other;
  std::string other_cert, other_key;
  ASSERT_TRUE(testing::MakeSelfSignedCert(other.path(), &other_cert, &other_key));
  CurlOptions o;
  o.ssl_server_cert = other_cert;
  auto r = MakeTransport(o)->Send(Get(server_->url() + "/tls"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kTransport);
}

TEST_F(TlsTest, StarTrustsAnyAndWarns) {
  TempDir logs;
  auto logger = Logger::Open(logs.path() + "/log", 1);
  ASSERT_TRUE(logger);
  CurlOptions o;
  o.ssl_server_cert = "*";
  auto r = MakeTransport(o, *logger)->Send(Get(server_->url() + "/tls"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_NE(testing::ReadFile(logs.path() + "/log").find("WARNING: SSLServerCert=*"), std::string::npos);
}

TEST(CurlTransportCreateTest, MissingCertFileIsAClearError) {
  CurlOptions o;
  o.ssl_server_cert = "/nonexistent/ca.pem";
  auto t = CurlTransport::Create(o, nullptr);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(t.error().message.find("SSLServerCert: no such file /nonexistent/ca.pem"), std::string::npos);
}

}  // namespace
}  // namespace jirasql
