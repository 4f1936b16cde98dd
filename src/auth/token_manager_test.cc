#include "auth/token_manager.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "testing/fakes.h"
#include "testing/temp_dir.h"

namespace jirasql {
namespace {

using ::testing::_;
using testing::FakeClock;
using testing::MockTransport;
using testing::Response;
using testing::TempDir;

int64_t Ms(SystemTime t) { return EpochMs(t); }

class TokenManagerTest : public ::testing::Test {
 protected:
  OAuthConfig Config(const std::string& location) {
    OAuthConfig c;
    c.client_id = "cid";
    c.client_secret = "secret";
    c.refresh_token_url = "https://auth.example/oauth/token";
    c.settings_location = location;
    return c;
  }
  std::unique_ptr<TokenManager> Make(const std::string& location) {
    return std::make_unique<TokenManager>(mock_, Config(location), std::move(*OpenSettingsStore(location)), clock_,
                                          nullptr);
  }
  SavedLogin Login(int64_t expires_in_s = 3600) {
    SavedLogin s;
    s.client_id = "cid";
    s.access_token = "at-0";
    s.refresh_token = "rt-0";
    s.expires_in_s = expires_in_s;
    s.expires_at_ms = Ms(clock_.Now()) + expires_in_s * 1000;
    return s;
  }
  // Each refresh answers with the next numbered pair.
  void AnswerRefreshes(bool with_refresh_token = true) {
    ON_CALL(*mock_, Send(_)).WillByDefault([this, with_refresh_token](const HttpRequest& r) {
      int n = ++refreshes_;
      last_body_ = r.body;
      std::string body = R"({"access_token":"at-)" + std::to_string(n) + R"(","expires_in":3600)";
      if (with_refresh_token) body += R"(,"refresh_token":"rt-)" + std::to_string(n) + R"(")";
      return Response(200, body + "}");
    });
  }

  std::shared_ptr<MockTransport> mock_ = std::make_shared<::testing::NiceMock<MockTransport>>();
  FakeClock clock_;
  std::atomic<int> refreshes_{0};
  std::string last_body_;
  TempDir dir_;
};

TEST_F(TokenManagerTest, AFreshTokenNeedsNoRequest) {
  auto tm = Make(dir_.path() + "/a.json");
  ASSERT_TRUE(tm->Save(Login()));
  EXPECT_CALL(*mock_, Send(_)).Times(0);
  auto l = tm->Current();
  ASSERT_TRUE(l);
  EXPECT_EQ(l->access_token, "at-0");
}

TEST_F(TokenManagerTest, RefreshesAheadOfExpiryAndSavesTheRotatedTokenFirst) {
  const std::string path = dir_.path() + "/b.json";
  auto tm = Make(path);
  ASSERT_TRUE(tm->Save(Login()));
  AnswerRefreshes();
  clock_.Advance(std::chrono::minutes(56));  // 4 minutes left: inside the 5-minute margin
  auto l = tm->Current();
  ASSERT_TRUE(l) << l.error().message;
  EXPECT_EQ(l->access_token, "at-1");
  EXPECT_EQ(refreshes_, 1);
  EXPECT_NE(last_body_.find("refresh_token=rt-0"), std::string::npos);
  auto saved = (*OpenSettingsStore(path))->Load();
  EXPECT_EQ((*saved)->refresh_token, "rt-1");
  EXPECT_EQ((*saved)->access_token, "at-1");
  EXPECT_EQ((*saved)->refreshed_at_ms, Ms(clock_.Now()));
}

// The token endpoint is down when the early refresh comes due: the access
// token, still valid, stays in use; the refresh is tried again after a
// pause (not on every call), and once the token is about to expire the
// failure is the caller's error. The saved login is never touched.
TEST_F(TokenManagerTest, AFailedEarlyRefreshKeepsTheValidTokenInUse) {
  const std::string path = dir_.path() + "/down.json";
  auto tm = Make(path);
  ASSERT_TRUE(tm->Save(Login()));
  std::atomic<bool> up{false};
  ON_CALL(*mock_, Send(_)).WillByDefault([&](const HttpRequest&) {
    ++refreshes_;
    if (!up) return Response(503, "<html>down</html>");
    return Response(200, R"({"access_token":"at-1","refresh_token":"rt-1","expires_in":3600})");
  });
  clock_.Advance(std::chrono::minutes(56));
  auto l = tm->Current();
  ASSERT_TRUE(l) << l.error().message;
  EXPECT_EQ(l->access_token, "at-0");
  EXPECT_EQ(refreshes_, 1);
  ASSERT_TRUE(tm->Current());
  EXPECT_EQ(refreshes_, 1) << "retried on every call";
  clock_.Advance(std::chrono::milliseconds(TokenManager::kRetryRefreshMs));
  EXPECT_EQ(tm->Current()->access_token, "at-0");
  EXPECT_EQ(refreshes_, 2);
  EXPECT_EQ((*(*OpenSettingsStore(path))->Load())->refresh_token, "rt-0");
  // Ten seconds before expiry it is no longer good enough.
  clock_.Advance(std::chrono::seconds(3 * 60 + 50) - std::chrono::milliseconds(TokenManager::kRetryRefreshMs));
  auto late = tm->Current();
  ASSERT_FALSE(late);
  EXPECT_NE(late.error().message.find("HTTP 503"), std::string::npos) << late.error().message;
  EXPECT_EQ((*(*OpenSettingsStore(path))->Load())->refresh_token, "rt-0");
  // The server is back: the saved refresh token still works.
  up = true;
  EXPECT_EQ(tm->Current()->access_token, "at-1");
  EXPECT_EQ((*(*OpenSettingsStore(path))->Load())->refresh_token, "rt-1");
}

TEST_F(TokenManagerTest, ShortLivedTokensUseAProportionalMargin) {
  SavedLogin l = Login(8);
  EXPECT_EQ(TokenManager::MarginMs(l), 2000);
  l.expires_in_s = 7200;
  EXPECT_EQ(TokenManager::MarginMs(l), 300000);
}

TEST_F(TokenManagerTest, KeepsTheOldRefreshTokenWhenNoneComesBack) {
  auto tm = Make("memory://keep-old");
  ASSERT_TRUE(tm->Save(Login()));
  AnswerRefreshes(/*with_refresh_token=*/false);
  auto l = tm->ForceRefresh();
  ASSERT_TRUE(l);
  EXPECT_EQ(l->access_token, "at-1");
  EXPECT_EQ(l->refresh_token, "rt-0");
}

TEST_F(TokenManagerTest, ManyThreadsOneRefresh) {
  auto tm = Make(dir_.path() + "/c.json");
  ASSERT_TRUE(tm->Save(Login()));
  AnswerRefreshes();
  clock_.Advance(std::chrono::minutes(59));
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto l = tm->Current();
      if (l && l->access_token == "at-1") ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, 8);
  EXPECT_EQ(refreshes_, 1);
}

TEST_F(TokenManagerTest, AnotherProcessesRotationIsUsedNotRepeated) {
  const std::string path = dir_.path() + "/d.json";
  auto first = Make(path);
  auto second = Make(path);  // as if in another process: its own cache, the same file
  ASSERT_TRUE(first->Save(Login()));
  ASSERT_TRUE(second->Current());  // caches at-0
  AnswerRefreshes();
  clock_.Advance(std::chrono::minutes(58));
  ASSERT_EQ(first->Current()->access_token, "at-1");
  auto l = second->Current();  // re-reads under the lock and finds at-1
  ASSERT_TRUE(l);
  EXPECT_EQ(l->access_token, "at-1");
  EXPECT_EQ(refreshes_, 1);
}

// A shared store (PostgreSQL) whose lock was lost mid-refresh: another
// worker rotated and saved first, so this worker's save is refused. The
// login the other saved is the one in force, and it serves the call.
TEST_F(TokenManagerTest, ALoginSavedFirstByAnotherWorkerIsUsedWhenOursIsRefused) {
  struct Raced : SettingsStore {
    std::unique_ptr<SettingsStore> inner;
    SavedLogin theirs;
    bool raced = false;
    Result<std::optional<SavedLogin>> Load() override { return inner->Load(); }
    Result<void> Save(const SavedLogin& l) override {
      if (raced || l.refresh_token == "rt-0") return inner->Save(l);
      raced = true;
      (void)inner->Save(theirs);
      return Fail(ErrorCode::kIo, "saved by another worker meanwhile");
    }
    Result<void> Remove() override { return inner->Remove(); }
    Result<std::unique_ptr<Lock>> Acquire() override { return inner->Acquire(); }
    std::string Describe() const override { return "raced"; }
  };
  auto store = std::make_unique<Raced>();
  store->inner = std::move(*OpenSettingsStore("memory://raced"));
  store->theirs = Login();
  store->theirs.access_token = "at-theirs";
  store->theirs.refresh_token = "rt-theirs";
  store->theirs.expires_at_ms = Ms(clock_.Now()) + 3600 * 1000 + 60 * 60 * 1000;
  Raced* raced = store.get();
  TokenManager tm(mock_, Config("memory://raced"), std::move(store), clock_, nullptr);
  ASSERT_TRUE(tm.Save(Login()));
  AnswerRefreshes();
  clock_.Advance(std::chrono::minutes(56));
  auto l = tm.Current();
  ASSERT_TRUE(l) << l.error().message;
  EXPECT_TRUE(raced->raced);
  EXPECT_EQ(l->access_token, "at-theirs");
  EXPECT_EQ(refreshes_, 1);
  // Refused and nothing newer saved: the error, as before.
  raced->raced = false;
  raced->theirs = *raced->inner->Load().value();  // the same login: no one rotated
  clock_.Advance(std::chrono::minutes(120));
  auto failed = tm.Current();
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find("could not save the rotated refresh token"), std::string::npos)
      << failed.error().message;
}

TEST_F(TokenManagerTest, RejectionRefreshesOnceUnlessAlreadyReplaced) {
  auto tm = Make("memory://rejected");
  ASSERT_TRUE(tm->Save(Login()));
  AnswerRefreshes();
  auto l = tm->RefreshAfterRejection("at-0");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->access_token, "at-1");
  l = tm->RefreshAfterRejection("at-0");  // a late 401 for the old token
  EXPECT_EQ(l->access_token, "at-1");
  EXPECT_EQ(refreshes_, 1);
}

TEST_F(TokenManagerTest, InvalidGrantIsAnErrorNotALoop) {
  auto tm = Make("memory://invalid-grant");
  ASSERT_TRUE(tm->Save(Login()));
  EXPECT_CALL(*mock_, Send(_)).Times(2).WillRepeatedly([](const HttpRequest&) {
    return Response(403, R"({"error":"invalid_grant","error_description":"Unknown or invalid refresh token."})");
  });
  clock_.Advance(std::chrono::hours(2));
  for (int i = 0; i < 2; ++i) {  // one request per call, no more
    auto l = tm->Current();
    ASSERT_FALSE(l);
    EXPECT_NE(l.error().message.find("Log in again"), std::string::npos);
  }
}

TEST_F(TokenManagerTest, TokensOfAnotherAppAreNeverUsed) {
  auto tm = Make("memory://other-app");
  SavedLogin l = Login();
  l.client_id = "someone-else";
  ASSERT_TRUE(tm->Save(l));
  auto r = tm->Current();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("belongs to another app"), std::string::npos);
}

TEST_F(TokenManagerTest, NoLoginAndNoRefreshTokenSayWhatToDo) {
  auto tm = Make("memory://empty-store");
  auto r = tm->Current();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("jirasql auth login"), std::string::npos);
  SavedLogin l = Login();
  l.refresh_token.clear();
  ASSERT_TRUE(tm->Save(l));
  clock_.Advance(std::chrono::hours(2));
  r = tm->Current();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("offline_access"), std::string::npos);
}

}  // namespace
}  // namespace jirasql
