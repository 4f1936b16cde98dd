#include "auth/desktop_flow.h"

#include <gtest/gtest.h>

#include <thread>

#include "http/curl_transport.h"
#include <sys/stat.h>

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
    statuses.push_back(Get("/favicon.ico").status);                                       // not the callback path
    statuses.push_back(Get("/callback?code=x&state=forged").status);                      // wrong state
    statuses.push_back(Get("/callback?state=the-state").status);                          // no code
    statuses.push_back(Get("/callback?code=x&state=the-state", {{"Host", "evil.example:80"}}).status);  // rebinding
    statuses.push_back(Get("/callback?code=" + std::string(20000, 'a') + "&state=the-state").status);   // huge
    statuses.push_back(Get("/callback?code=the-code&state=the-state").status);           // the one
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

TEST_F(ListenerTest, AccessDeniedEndsTheWait) {
  auto result = WaitForCallback(Options([&] {
    Get("/callback?error=access_denied&error_description=User%20declined&state=the-state");
  }));
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
