// OAuthSettingsLocation=postgresql://…: a login shared by a fleet through a
// real PostgreSQL server that the suite starts (testing/postgres_server):
// locations, rows, the generation's compare and swap, the lock across
// stores and across a lost connection, a newer schema, an unreachable
// server.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "auth/settings_store.h"
#include "auth/token_manager.h"
#include "common/time.h"
#include "pg/pg.h"
#include "testing/loopback_server.h"
#include "testing/postgres_server.h"
#include "testing/temp_dir.h"

namespace jirasql {
namespace {

using testing::PostgresServer;

class PgStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto s = PostgresServer::Start();
    ASSERT_TRUE(s) << s.error().message;
    server_ = s->release();
    ::setenv("PGPASSFILE", server_->passfile().c_str(), 1);
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    for (const char* sql : {"DROP TABLE IF EXISTS jirasql_oauth_logins CASCADE", "DROP TABLE IF EXISTS jirasql_schema",
                            "DROP ROLE IF EXISTS jira_reader"}) {
      auto r = server_->Sql(sql);
      ASSERT_TRUE(r) << r.error().message;
    }
  }

  static std::unique_ptr<SettingsStore> Open(const std::string& app = "app-1", const std::string& site = "",
                                             const std::string& extra = "") {
    StoreScope scope{app, site, 10};
    auto s = OpenSettingsStore(server_->Uri() + extra, scope);
    EXPECT_TRUE(s) << s.error().message;
    return s ? std::move(*s) : nullptr;
  }

  static SavedLogin Login(const std::string& refresh) {
    SavedLogin l;
    l.client_id = "app-1";
    l.access_token = "access-" + refresh;
    l.refresh_token = refresh;
    l.expires_at_ms = 1800000000000;
    l.cloud_id = "cloud-1";
    return l;
  }

  static std::string One(const std::string& sql) {
    auto r = server_->Sql(sql);
    EXPECT_TRUE(r) << r.error().message;
    if (!r || r->rows.size() != 1 || r->rows[0].size() != 1) return "<none>";
    return r->rows[0][0].value_or("NULL");
  }

  static inline PostgresServer* server_ = nullptr;
};

TEST(PgLocationTest, APasswordInTheLocationIsRefusedAndJirasqlsOwnParametersAreTakenOut) {
  for (const char* bad :
       {"postgresql://me:secret@db.example/jira", "postgresql://me@db.example/jira?password=secret"}) {
    auto r = pg::ParseLocation(bad, {"login"});
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message.find("PGPASSFILE"), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().message.find("secret"), std::string::npos) << r.error().message;
  }
  auto ok = pg::ParseLocation("postgres://me@db.example:5433/jira?sslmode=require&jirasql_login=reports", {"login"});
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->conninfo, "postgres://me@db.example:5433/jira?sslmode=require");
  EXPECT_EQ(ok->jirasql.at("login"), "reports");
  auto unknown = pg::ParseLocation("postgresql://db.example/jira?jirasql_logni=x", {"login"});
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("jirasql_logni"), std::string::npos);
  EXPECT_NE(unknown.error().message.find("jirasql_login"), std::string::npos) << unknown.error().message;
}

TEST_F(PgStoreTest, ALoginSavedByOneHostIsReadByAnotherOneRowPerAppSiteAndName) {
  auto a = Open(), b = Open();
  {
    auto held = a->Acquire();
    ASSERT_TRUE(held) << held.error().message;
    auto none = a->Load();
    ASSERT_TRUE(none) << none.error().message;
    EXPECT_FALSE(*none);
    ASSERT_TRUE(a->Save(Login("r1")));
  }
  auto seen = b->Load();
  ASSERT_TRUE(seen && *seen) << (seen ? "no login" : seen.error().message);
  EXPECT_EQ((*seen)->refresh_token, "r1");
  EXPECT_EQ((*seen)->cloud_id, "cloud-1");
  EXPECT_EQ(One("SELECT generation FROM jirasql_oauth_logins"), "1");
  {
    auto held = b->Acquire();
    ASSERT_TRUE(held);
    ASSERT_TRUE(b->Load());
    ASSERT_TRUE(b->Save(Login("r2")));
  }
  EXPECT_EQ(One("SELECT generation FROM jirasql_oauth_logins"), "2");
  // The access token alone, in the view a worker that only calls Jira may read.
  EXPECT_EQ(One("SELECT access_token FROM jirasql_oauth_access_tokens"), "access-r2");
  // Another app, another site, another name: rows of their own.
  auto other_app = Open("app-2"), other_site = Open("app-1", "cloud-9"),
       other_name = Open("app-1", "", "?jirasql_login=reports");
  for (auto* s : {other_app.get(), other_site.get(), other_name.get()}) {
    auto l = s->Load();
    ASSERT_TRUE(l) << l.error().message;
    EXPECT_FALSE(*l) << s->Describe();
    auto held = s->Acquire();
    ASSERT_TRUE(held);
    ASSERT_TRUE(s->Save(Login("x")));
  }
  EXPECT_EQ(One("SELECT count(*) FROM jirasql_oauth_logins"), "4");
  EXPECT_NE(other_name->Describe().find("login reports"), std::string::npos) << other_name->Describe();
  ASSERT_TRUE(other_name->Remove());
  EXPECT_EQ(One("SELECT count(*) FROM jirasql_oauth_logins"), "3");
}

// A save lands only on the generation the worker read: one whose copy is
// older (another saved meanwhile) is refused and the newer row stays.
TEST_F(PgStoreTest, AStaleWorkerCannotOverwriteANewerLogin) {
  auto a = Open(), b = Open();
  {
    auto held = a->Acquire();
    ASSERT_TRUE(a->Load());
    ASSERT_TRUE(a->Save(Login("r1")));
  }
  ASSERT_TRUE(a->Load());  // a read generation 1
  {
    auto held = b->Acquire();
    ASSERT_TRUE(b->Load());
    ASSERT_TRUE(b->Save(Login("r2")));  // generation 2
  }
  auto stale = a->Save(Login("r-stale"));
  ASSERT_FALSE(stale);
  EXPECT_NE(stale.error().message.find("saved by another worker meanwhile"), std::string::npos)
      << stale.error().message;
  auto now = b->Load();
  ASSERT_TRUE(now && *now);
  EXPECT_EQ((*now)->refresh_token, "r2");
}

// The lock is one across hosts (stores of their own, connections of their
// own), and a holder whose connection dies frees it.
TEST_F(PgStoreTest, TheLockExcludesOtherHostsAndIsFreedWithTheHoldersConnection) {
  auto a = Open(), b = Open();
  auto held = a->Acquire();
  ASSERT_TRUE(held) << held.error().message;
  std::atomic<bool> got{false};
  std::thread other([&] {
    auto h = b->Acquire();
    EXPECT_TRUE(h) << (h ? "" : h.error().message);
    got = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_FALSE(got.load()) << "two hosts held the lock at once";
  held->reset();
  other.join();
  EXPECT_TRUE(got.load());

  // The holder's connection is ended by the server (a host dying, a
  // terminated backend): the lock goes with it.
  auto c = Open();
  auto again = a->Acquire();
  ASSERT_TRUE(again);
  const std::string holder = One("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted");
  ASSERT_NE(holder, "<none>");
  EXPECT_EQ(One("SELECT pg_terminate_backend(" + holder + ")"), "t");
  auto taken = c->Acquire();
  EXPECT_TRUE(taken) << taken.error().message;
  taken->reset();

  // A lock connection that ended while it held nothing (the server idles it
  // out between refreshes an hour apart; a backend terminated just after its
  // unlock) is replaced: the next refresh takes the lock, no error.
  again->reset();
  EXPECT_EQ(One("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'jirasql' "
                "AND pid <> pg_backend_pid()"),
            "2");  // b's and c's lock connections (a's went above)
  auto after = c->Acquire();
  EXPECT_TRUE(after) << after.error().message;
  EXPECT_EQ(One("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"), "1");
}

// A host that must not hold the refresh token reads the access token
// through the view, as a role granted nothing else: it never sees the
// refresh token, cannot save or lock, and when the token has expired says
// who should have renewed it; once another host has, it goes on.
TEST_F(PgStoreTest, AHostThatReadsOnlyTheAccessTokenNeverSeesTheRefreshToken) {
  auto writer = Open();
  auto save = [&](const std::string& refresh, int64_t expires_at_ms) {
    auto held = writer->Acquire();
    ASSERT_TRUE(held);
    ASSERT_TRUE(writer->Load());
    SavedLogin l = Login(refresh);
    l.expires_at_ms = expires_at_ms;
    l.expires_in_s = 3600;
    ASSERT_TRUE(writer->Save(l));
  };
  const int64_t now = EpochMs(SystemClock().Now());
  save("r1", now + 3600 * 1000);
  // The least-privilege role of docs/oauth.md.
  for (const char* sql : {"CREATE ROLE jira_reader LOGIN PASSWORD 'reader-pw'",
                          "GRANT SELECT ON jirasql_schema, jirasql_oauth_access_tokens TO jira_reader"}) {
    auto r = server_->Sql(sql);
    ASSERT_TRUE(r) << r.error().message;
  }
  testing::TempDir dir;
  const std::string passfile = dir.path() + "/pgpass";
  testing::WriteFile(passfile, testing::ReadFile(server_->passfile()) + "127.0.0.1:" + std::to_string(server_->port()) +
                                   ":*:jira_reader:reader-pw\n");
  ::setenv("PGPASSFILE", passfile.c_str(), 1);
  const std::string base = "postgresql://jira_reader@127.0.0.1:" + std::to_string(server_->port()) + "/postgres";
  StoreScope scope{"app-1", "", 10};
  auto reader = OpenSettingsStore(base + "?jirasql_read=access-token", scope);
  ASSERT_TRUE(reader) << reader.error().message;
  EXPECT_TRUE((*reader)->ReadsAccessTokenOnly());
  auto seen = (*reader)->Load();
  ASSERT_TRUE(seen && *seen) << (seen ? "no login" : seen.error().message);
  EXPECT_EQ((*seen)->access_token, "access-r1");
  EXPECT_EQ((*seen)->refresh_token, "");
  EXPECT_EQ((*seen)->cloud_id, "cloud-1");
  EXPECT_EQ((*seen)->client_id, "app-1");
  for (auto r : {(*reader)->Save(Login("x")), (*reader)->CheckWritable()}) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied);
    EXPECT_NE(r.error().message.find("reads only the access token"), std::string::npos) << r.error().message;
  }
  EXPECT_FALSE((*reader)->Acquire());
  // The role itself cannot read the table (the refresh token): the view is all it has.
  auto whole = OpenSettingsStore(base, scope);
  ASSERT_TRUE(whole);
  auto denied = (*whole)->Load();
  ASSERT_FALSE(denied);
  EXPECT_NE(denied.error().message.find("permission denied"), std::string::npos) << denied.error().message;

  // Its connection's token manager: the token while it is good; expired
  // and not renewed, an error that says who renews it; renewed, the new one.
  OAuthConfig config;
  config.client_id = "app-1";
  TokenManager tm(nullptr, config, std::move(*reader), SystemClock(), nullptr);
  auto current = tm.Current();
  ASSERT_TRUE(current) << current.error().message;
  EXPECT_EQ(current->access_token, "access-r1");
  ::setenv("PGPASSFILE", server_->passfile().c_str(), 1);
  save("r2", now - 1000);
  ::setenv("PGPASSFILE", passfile.c_str(), 1);
  TokenManager later(nullptr, config, std::move(*OpenSettingsStore(base + "?jirasql_read=access-token", scope)),
                     SystemClock(), nullptr);
  auto expired = later.Current();
  ASSERT_FALSE(expired);
  EXPECT_NE(expired.error().message.find("this host reads only the access token"), std::string::npos)
      << expired.error().message;
  ::setenv("PGPASSFILE", server_->passfile().c_str(), 1);
  save("r3", now + 3600 * 1000);
  ::setenv("PGPASSFILE", passfile.c_str(), 1);
  auto renewed = later.Current();
  ASSERT_TRUE(renewed) << renewed.error().message;
  EXPECT_EQ(renewed->access_token, "access-r3");
  ::setenv("PGPASSFILE", server_->passfile().c_str(), 1);
}

// The data connection ends between a worker's read and its save (a
// backend terminated, a server restarted): the save goes through on a new
// connection, once, on the generation it read.
TEST_F(PgStoreTest, ASaveOutlivesItsConnection) {
  auto a = Open();
  auto held = a->Acquire();
  ASSERT_TRUE(held);
  ASSERT_TRUE(a->Load());
  ASSERT_TRUE(a->Save(Login("r1")));
  ASSERT_TRUE(a->Load());
  EXPECT_EQ(One("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'jirasql' "
                "AND pid <> pg_backend_pid() AND pid NOT IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory')"),
            "1");
  auto saved = a->Save(Login("r2"));
  ASSERT_TRUE(saved) << saved.error().message;
  EXPECT_EQ(One("SELECT generation || ' ' || (login->>'refreshToken') FROM jirasql_oauth_logins"), "2 r2");
}

TEST_F(PgStoreTest, ATableFromANewerJirasqlIsRefused) {
  auto a = Open();
  ASSERT_TRUE(a->Load());  // makes the tables
  ASSERT_TRUE(server_->Sql("UPDATE jirasql_schema SET version = 2 WHERE component = 'oauth_logins'"));
  auto fresh = Open();
  auto r = fresh->Load();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("made by a newer jirasql (schema 2; this one knows 1)"), std::string::npos)
      << r.error().message;
}

TEST_F(PgStoreTest, AnUnreachableServerIsAClearErrorAndNothingIsLocked) {
  StoreScope scope{"app-1", "", 2};
  const int port = testing::UnusedLoopbackPort();  // nothing listens there
  auto s = OpenSettingsStore("postgresql://jirasql@127.0.0.1:" + std::to_string(port) + "/postgres", scope);
  ASSERT_TRUE(s);
  auto loaded = (*s)->Load();
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, ErrorCode::kConnectFailed);
  EXPECT_NE(loaded.error().message.find("cannot connect to PostgreSQL at postgresql://jirasql@127.0.0.1:"),
            std::string::npos)
      << loaded.error().message;
  auto held = (*s)->Acquire();
  ASSERT_FALSE(held);
  EXPECT_EQ(held.error().code, ErrorCode::kConnectFailed);
}

}  // namespace
}  // namespace jirasql
