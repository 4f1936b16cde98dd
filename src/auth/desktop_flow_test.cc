#include "auth/desktop_flow.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <thread>

#include "http/curl_transport.h"
#include "testing/loopback_server.h"
#include "testing/temp_dir.h"

namespace jirasql {
namespace {

class ListenerTest : public ::testing::Test {
 protected:
  int port_ = testing::UnusedLoopbackPort();
  std::string base_ = "http://127.0.0.1:" + std::to_string(port_);
  std::unique_ptr<CurlTransport> http_ = std::move(*CurlTransport::Create({}, nullptr));

  HttpResponse Get(const std::string& path, Headers headers = {}) {
    auto r = http_->Send({"GET", base_ + path, std::move(headers), "", std::nullopt});
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? *r : HttpResponse{};
  }
  ListenerOptions Options(std::function<void()> client) {
    ListenerOptions o;
    o.callback_url = "http://localhost:" + std::to_string(port_) + "/callback";
    o.expected_state = "the-state";
    o.timeout = std::chrono::seconds(20);
    o.on_listening = [this, client] { thread_ = std::thread(client); };
    return o;
  }
  void TearDown() override {
    if (thread_.joinable()) thread_.join();
  }
  std::thread thread_;
};

TEST_F(ListenerTest, IgnoresEverythingButTheRightCallback) {
  std::vector<int> statuses;
  auto result = WaitForCallback(Options([&] {
    statuses.push_back(Get("/favicon.ico").status);                   // not the callback path
    statuses.push_back(Get("/callback?code=x&state=forged").status);  // wrong state
    statuses.push_back(Get("/callback?state=the-state").status);      // no code
    statuses.push_back(Get("/callback?code=x&state=the-state", {{"Host", "evil.example:80"}}).status);  // rebinding
    statuses.push_back(Get("/callback?code=" + std::string(20000, 'a') + "&state=the-state").status);   // huge
    statuses.push_back(Get("/callback?code=the-code&state=the-state").status);                          // the one
  }));
  thread_.join();  // the client writes `statuses` until its last answer arrives (TSan found the race)
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->params["code"], "the-code");
  ASSERT_EQ(statuses.size(), 6u);
  EXPECT_EQ(statuses[0], 404);
  EXPECT_EQ(statuses[1], 400);
  EXPECT_EQ(statuses[2], 400);
  EXPECT_EQ(statuses[3], 421);
  EXPECT_GE(statuses[4], 400);
  EXPECT_EQ(statuses[5], 200);
}

// A crowd at the door: idle connections, huge headers, junk, a request
// line of 100 KB, missing state or code — the listener refuses each without
// a crash and still takes the right callback.
TEST_F(ListenerTest, SurvivesACrowdOfHostileConnections) {
  auto raw = [this](const std::string& bytes) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port_));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && !bytes.empty()) {
      (void)!::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    }
    return fd;
  };
  std::vector<int> statuses;
  std::vector<int> fds;
  auto result = WaitForCallback(Options([&] {
    for (int i = 0; i < 40; ++i) fds.push_back(raw(""));  // connect, say nothing
    for (int i = 0; i < 20; ++i) {
      fds.push_back(raw("GET /callback?state=the-state&code=x HTTP/1.1\r\nHost: localhost\r\nX-Big: " +
                        std::string(200000, 'h') + "\r\n\r\n"));
      fds.push_back(raw(std::string(5000, '\0') + "\r\n\r\n"));
      fds.push_back(raw("GET /callback?" + std::string(100000, 'q') + " HTTP/1.1\r\n\r\n"));
    }
    statuses.push_back(Get("/callback?code=x").status);                                           // no state
    statuses.push_back(Get("/callback?code=x&state=").status);                                    // empty state
    statuses.push_back(Get("/callback?state=the-state&code=").status);                            // empty code
    statuses.push_back(Get("/callback?code=x&state=the-state", {{"Host", "localhost"}}).status);  // no port
    statuses.push_back(Get("/callback?code=the-code&state=the-state").status);
  }));
  thread_.join();
  for (int fd : fds) ::close(fd);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->params["code"], "the-code");
  EXPECT_EQ(statuses, (std::vector<int>{400, 400, 400, 421, 200}));
}

// The decisions themselves, without sockets.
TEST(JudgeCallbackRequestTest, OnlyTheRightCallbackEndsTheFlow) {
  CallbackAddress addr{"localhost", 8765, "/cb"};
  auto judge = [&](const std::string& target, const std::string& host = "localhost:8765") {
    return JudgeCallbackRequest(addr, "st", false, host, target);
  };
  EXPECT_EQ(judge("/cb?code=c&state=st").status, 200);
  ASSERT_TRUE(judge("/cb?code=c&state=st").outcome);
  EXPECT_EQ(judge("/cb?code=c%26x&state=st").outcome->value().params.at("code"), "c&x");
  EXPECT_EQ(judge("/c%62?code=c&state=st").status, 200);  // an encoded path is the same path
  EXPECT_EQ(judge("/cb/?code=c&state=st").status, 404);
  EXPECT_EQ(judge("/cb?code=c&state=st", "127.0.0.1:8765").status, 200);
  EXPECT_EQ(judge("/cb?code=c&state=st", "[::1]:8765").status, 200);
  for (const char* host : {"", "evil.example", "localhost:8766", "localhost.evil:8765", "LOCALHOST:8765x"}) {
    EXPECT_EQ(judge("/cb?code=c&state=st", host).status, 421) << host;
  }
  EXPECT_FALSE(judge("/cb?code=c&state=ST").outcome);
  EXPECT_FALSE(judge("/cb?code=c&state=st%00").outcome);
  EXPECT_FALSE(judge("/cb?code=c").outcome);
  EXPECT_FALSE(judge("/cb?state=st").outcome);
  EXPECT_FALSE(judge("/cb?state=st&error=").outcome);
  auto denied = judge("/cb?state=st&error=access_denied");
  ASSERT_TRUE(denied.outcome);
  EXPECT_FALSE(*denied.outcome);
  auto other = judge("/cb?state=st&error=server_error&error_description=%3Cb%3E");
  ASSERT_TRUE(other.outcome);
  EXPECT_NE(other.outcome->error().message.find("server_error: <b>"), std::string::npos);
  EXPECT_EQ(other.body.find("<b>"), std::string::npos);  // nothing of the request is echoed into the page
}

TEST_F(ListenerTest, AccessDeniedEndsTheWait) {
  auto result = WaitForCallback(
      Options([&] { Get("/callback?error=access_denied&error_description=User%20declined&state=the-state"); }));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(result.error().message.find("authorization was declined"), std::string::npos);
}

TEST_F(ListenerTest, AnErrorWithTheWrongStateIsIgnoredToo) {
  auto result = WaitForCallback(Options([&] {
    Get("/callback?error=access_denied&state=forged");  // a third party cannot cancel the login
    Get("/callback?code=c&state=the-state");
  }));
  ASSERT_TRUE(result) << result.error().message;
}

TEST_F(ListenerTest, ImplicitFragmentIsHandedBack) {
  ListenerOptions o = Options([&] {
    auto page = Get("/callback");  // the browser drops the fragment; the page brings it back
    EXPECT_NE(page.body.find("location.hash"), std::string::npos);
    Get("/callback__fragment?access_token=at&expires_in=60&state=the-state");
  });
  o.implicit = true;
  auto result = WaitForCallback(o);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->params["access_token"], "at");
}

TEST(OpenBrowserTest, TriesTheCommandAndReportsFailure) {
  std::string tried;
  EXPECT_FALSE(OpenBrowser("false", "http://localhost:1/x", &tried));
  EXPECT_EQ(tried, "false");
  tried.clear();
  EXPECT_TRUE(OpenBrowser("true", "http://localhost:1/x", &tried));
  // The URL is one argument, never shell text.
  testing::TempDir dir;
  const std::string out = dir.path() + "/arg";
  EXPECT_TRUE(OpenBrowser("printf %s > " + out, "http://x/?a=1&b=$(touch " + dir.path() + "/pwned)", &tried));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(testing::ReadFile(out), "http://x/?a=1&b=$(touch " + dir.path() + "/pwned)");
  EXPECT_EQ(testing::ReadFile(dir.path() + "/pwned"), "");
  struct stat st {};
  EXPECT_NE(::stat((dir.path() + "/pwned").c_str(), &st), 0);
}

}  // namespace
}  // namespace jirasql
