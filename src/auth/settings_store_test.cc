#include "auth/settings_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <set>
#include <thread>
#include <vector>

#include "testing/temp_dir.h"

namespace jirasql {
namespace {

using testing::ReadFile;
using testing::TempDir;

SavedLogin Sample() {
  SavedLogin s;
  s.client_id = "cid";
  s.access_token = "at";
  s.refresh_token = "rt";
  s.scope = "read:jira-work offline_access";
  s.expires_at_ms = 1700000000000;
  s.expires_in_s = 3600;
  s.cloud_id = "c1";
  s.site_url = "https://acme.atlassian.net";
  s.server_url = "https://api.atlassian.com/ex/jira/c1";
  s.login_at_ms = 1;
  s.refreshed_at_ms = 2;
  return s;
}

std::vector<std::string> Files(const std::string& dir) {
  std::vector<std::string> out;
  for (auto& e : std::filesystem::directory_iterator(dir)) out.push_back(e.path().filename());
  return out;
}

mode_t Mode(const std::string& path) {
  struct stat st {};
  ::stat(path.c_str(), &st);
  return st.st_mode & 0777;
}

TEST(SettingsStoreTest, RoundTripWithPrivateModes) {
  TempDir dir;
  const std::string path = dir.path() + "/new/folder/login.json";
  auto store = OpenSettingsStore(path);
  ASSERT_TRUE(store);
  auto none = (*store)->Load();
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  ASSERT_TRUE((*store)->Save(Sample()));
  EXPECT_EQ(Mode(path), 0600u);
  EXPECT_EQ(Mode(dir.path() + "/new/folder"), 0700u);
  auto back = (*store)->Load();
  ASSERT_TRUE(back && *back);
  EXPECT_EQ((*back)->refresh_token, "rt");
  EXPECT_EQ((*back)->expires_at_ms, 1700000000000);
  EXPECT_EQ((*back)->server_url, "https://api.atlassian.com/ex/jira/c1");
  EXPECT_NE(ReadFile(path).find("\"version\": 1"), std::string::npos);
  // No temporary file is left behind.
  int files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir.path() + "/new/folder"))
    files += e.path().filename() != "login.json.lock";
  EXPECT_EQ(files, 1);
  ASSERT_TRUE((*store)->Remove());
  EXPECT_FALSE(*(*store)->Load());
}

TEST(SettingsStoreTest, AFileOthersCanReadIsRepairedLoudly) {
  TempDir dir;
  const std::string path = dir.path() + "/login.json";
  auto store = OpenSettingsStore(path);
  ASSERT_TRUE((*store)->Save(Sample()));
  ::chmod(path.c_str(), 0644);
  auto loaded = (*store)->Load();
  ASSERT_TRUE(loaded && *loaded);
  EXPECT_EQ(Mode(path), 0600u);
  std::string warning = (*store)->TakeWarning();
  EXPECT_NE(warning.find("was readable by other users"), std::string::npos);
  EXPECT_EQ((*store)->TakeWarning(), "");
}

// A connection's threads share one store (TSan checks this test: the
// repair warning used to be written and taken unguarded).
TEST(SettingsStoreTest, ThreadsShareAStoreSafely) {
  TempDir dir;
  const std::string path = dir.path() + "/login.json";
  auto store = OpenSettingsStore(path);
  ASSERT_TRUE((*store)->Save(Sample()));
  std::atomic<int> warnings{0}, loaded{0};
  for (int round = 0; round < 20; ++round) {
    ::chmod(path.c_str(), 0644);
    std::vector<std::thread> threads;
    for (int t = 0; t < 6; ++t) {
      threads.emplace_back([&, t] {
        if (t == 0 && round % 2 == 1) {  // even rounds only read: someone sees 0644
          SavedLogin s = Sample();
          s.access_token = "at-" + std::to_string(round);
          EXPECT_TRUE((*store)->Save(s));
        }
        auto l = (*store)->Load();
        if (l && *l) ++loaded;
        if (!(*store)->TakeWarning().empty()) ++warnings;
      });
    }
    for (auto& t : threads) t.join();
    (void)(*store)->TakeWarning();
  }
  EXPECT_EQ(loaded.load(), 20 * 6);
  EXPECT_GE(warnings.load(), 1);
  EXPECT_EQ(Mode(path), 0600u);
}

TEST(SettingsStoreTest, CheckWritableBeforeALogin) {
  TempDir dir;
  EXPECT_TRUE((*OpenSettingsStore(dir.path() + "/new/login.json"))->CheckWritable());
  testing::WriteFile(dir.path() + "/afile", "x");
  auto r = (*OpenSettingsStore(dir.path() + "/afile/login.json"))->CheckWritable();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("which is a file, not a folder"), std::string::npos) << r.error().message;
  r = (*OpenSettingsStore("/proc/jirasql-no-such-folder/login.json"))->CheckWritable();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("cannot create the folder /proc/jirasql-no-such-folder"), std::string::npos)
      << r.error().message;
  ::mkdir((dir.path() + "/sub").c_str(), 0700);
  r = (*OpenSettingsStore(dir.path() + "/sub"))->CheckWritable();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("is a folder; give a file path"), std::string::npos) << r.error().message;
  // The probe leaves nothing behind but the lock.
  int files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir.path() + "/new"))
    files += e.path().filename() != "login.json.lock";
  EXPECT_EQ(files, 0);
}

TEST(SettingsStoreTest, TemporariesOfADeadSaveDoNotPileUp) {
  TempDir dir;
  const std::string path = dir.path() + "/login.json";
  testing::WriteFile(path + ".tmp.99999.1", "half a login");
  testing::WriteFile(path + ".tmp.99999.2", "");
  testing::WriteFile(dir.path() + "/other.tmp.1", "not ours");
  auto store = OpenSettingsStore(path);
  {
    auto held = (*store)->Acquire();
    ASSERT_TRUE((*store)->Save(Sample()));
  }
  std::set<std::string> names;
  for (auto& e : std::filesystem::directory_iterator(dir.path())) names.insert(e.path().filename());
  EXPECT_EQ(names, (std::set<std::string>{"login.json", "login.json.lock", "other.tmp.1"}));
}

TEST(SettingsStoreTest, UrlsOfOtherKindsAreRefusedNotTakenForFileNames) {
  for (const char* where : {"mysql://user@db/jira", "https://example.com/login.json", "s3://bucket/x"}) {
    auto r = OpenSettingsStore(where);
    ASSERT_FALSE(r) << where;
    EXPECT_NE(r.error().message.find("is not a place this jirasql can keep a login"), std::string::npos)
        << r.error().message;
    EXPECT_EQ(r.error().message.find("user@db"), std::string::npos);  // nothing after the scheme is echoed
  }
  TempDir dir;
  auto f = OpenSettingsStore("file://" + dir.path() + "/login.json");
  ASSERT_TRUE(f);
  EXPECT_EQ((*f)->Describe(), dir.path() + "/login.json");
  EXPECT_TRUE(OpenSettingsStore("memory://x"));
  // PostgreSQL is one (opened lazily: tests/pg_store_test.cc); a password in
  // its location is not.
  EXPECT_TRUE(OpenSettingsStore("postgresql://user@db/jira"));
  auto secret = OpenSettingsStore("postgresql://user:hunter2@db/jira");
  ASSERT_FALSE(secret);
  EXPECT_EQ(secret.error().message.find("hunter2"), std::string::npos) << secret.error().message;
}

TEST(SettingsStoreTest, NothingIsLeftBehindByALogout) {
  TempDir dir;
  const std::string path = dir.path() + "/login.json";
  auto store = OpenSettingsStore(path);
  {
    auto held = (*store)->Acquire();
    ASSERT_TRUE((*store)->Save(Sample()));
    ASSERT_TRUE((*store)->Remove());
  }
  EXPECT_TRUE(Files(dir.path()).empty()) << ::testing::PrintToString(Files(dir.path()));
  // A supplied token's store is the connection's own, freed with it.
  auto a = PrivateMemoryStore(), b = PrivateMemoryStore();
  ASSERT_TRUE(a->Save(Sample()));
  EXPECT_TRUE(*a->Load());
  EXPECT_FALSE(*b->Load());
}

TEST(SettingsStoreTest, DamagedFilesGiveClearErrors) {
  TempDir dir;
  const std::string path = dir.path() + "/login.json";
  testing::WriteFile(path, "{not json");
  auto r = (*OpenSettingsStore(path))->Load();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("not a jirasql login"), std::string::npos);
  testing::WriteFile(path, R"({"version": 99})");
  r = (*OpenSettingsStore(path))->Load();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("format version 99"), std::string::npos);
  EXPECT_FALSE(OpenSettingsStore(""));
  EXPECT_FALSE(OpenSettingsStore("memory://"));
  EXPECT_FALSE(OpenSettingsStore(dir.path() + "/"));
}

// A login file owned by someone else (planted, or left by another account)
// is refused, and a symbolic link in its place is not followed: jirasql
// never reads tokens it does not own or writes them where a link points.
TEST(SettingsStoreTest, ForeignOwnersAndSymlinksAreRefused) {
  TempDir dir;
  const std::string path = dir.path() + "/login.json";
  ASSERT_TRUE((*OpenSettingsStore(path))->Save(Sample()));
  if (::geteuid() == 0) {  // only root can give a file away
    ASSERT_EQ(::chown(path.c_str(), 4242, 4242), 0);
    auto r = (*OpenSettingsStore(path))->Load();
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("belongs to another user"), std::string::npos) << r.error().message;
    ASSERT_EQ(::chown(path.c_str(), 0, 0), 0);
  }
  const std::string elsewhere = dir.path() + "/elsewhere.json";
  std::filesystem::rename(path, elsewhere);
  std::filesystem::create_symlink(elsewhere, path);
  auto r = (*OpenSettingsStore(path))->Load();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("cannot read " + path), std::string::npos) << r.error().message;
  // A save replaces the link with a file (rename over it); the target is
  // untouched.
  const std::string before = ReadFile(elsewhere);
  SavedLogin next = Sample();
  next.refresh_token = "rt-2";
  ASSERT_TRUE((*OpenSettingsStore(path))->Save(next));
  EXPECT_EQ(ReadFile(elsewhere), before);
  EXPECT_FALSE(std::filesystem::is_symlink(path));
  EXPECT_EQ(Mode(path), 0600u);
}

TEST(SettingsStoreTest, MemoryStoresShareByName) {
  auto a = OpenSettingsStore("memory://shared-test");
  auto b = OpenSettingsStore("memory://shared-test");
  auto c = OpenSettingsStore("memory://other-test");
  ASSERT_TRUE((*a)->Save(Sample()));
  EXPECT_EQ((*(*b)->Load())->access_token, "at");
  EXPECT_FALSE(*(*c)->Load());
}

TEST(SettingsStoreTest, TheLockExcludesOtherProcesses) {
  TempDir dir;
  const std::string path = dir.path() + "/login.json";
  const std::string log = dir.path() + "/order";
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t child = ::fork();
  if (child == 0) {
    auto store = OpenSettingsStore(path);
    auto held = (*store)->Acquire();
    char c = 1;
    (void)!::write(ready[1], &c, 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    FILE* f = std::fopen(log.c_str(), "a");
    std::fputs("child-done\n", f);
    std::fclose(f);
    _exit(0);
  }
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);  // the child holds the lock now
  auto store = OpenSettingsStore(path);
  {
    auto held = (*store)->Acquire();  // blocks until the child lets go
    ASSERT_TRUE(held);
    FILE* f = std::fopen(log.c_str(), "a");
    std::fputs("parent\n", f);
    std::fclose(f);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_EQ(ReadFile(log), "child-done\nparent\n");
}

}  // namespace
}  // namespace jirasql
