// A saved login in PostgreSQL (OAuthSettingsLocation=postgresql://…), shared
// by the workers of a fleet: docs/oauth.md "A fleet of hosts".
//
// The row: jirasql_oauth_logins (app, site, name) → the login as JSON and a
// generation that each save moves on. The lock: a session advisory lock on
// a connection of its own, taken by Acquire and given back when the Lock
// goes (or when the connection does: a worker that dies holding it frees it
// with its connection, and the server ends a session left idle longer than
// a token call may take). A save is one statement, committed before it
// returns, that only lands on the generation this worker read under the
// lock (compare and swap): a worker whose lock was lost mid-refresh (its
// backend terminated) cannot overwrite a newer login.

#include "auth/pg_settings_store.h"

#include <atomic>
#include <mutex>

#include "common/strings.h"
#include "pg/pg.h"

namespace jirasql {

namespace {

constexpr int kSchemaVersion = 1;
constexpr const char* kTable = "jirasql_oauth_logins";

class PgStore final : public SettingsStore {
 public:
  PgStore(pg::Location where, StoreScope scope, std::string name, bool access_only)
      : where_(std::move(where)), scope_(std::move(scope)), name_(std::move(name)), access_only_(access_only) {}

  bool ReadsAccessTokenOnly() const override { return access_only_; }

  Result<std::optional<SavedLogin>> Load() override {
    std::lock_guard<std::mutex> g(data_mu_);
    if (access_only_) {
      // The view: the access token and where it serves, never the refresh
      // token (a role with SELECT on the view alone can run this).
      auto r =
          Run("SELECT generation, app, access_token, (extract(epoch FROM expires_at) * 1000)::bigint, "
              "expires_in_s, cloud_id, site_url, server_url, scope FROM jirasql_oauth_access_tokens WHERE "
              "app = $1 AND site = $2 AND name = $3",
              Key());
      if (!r) return Fail(r.error());
      if (r->rows.empty()) return std::optional<SavedLogin>();
      const auto& row = r->rows[0];
      generation_ = ParseInt(row[0].value_or("0")).value_or(0);
      SavedLogin l;
      l.client_id = row[1].value_or("");
      l.access_token = row[2].value_or("");
      l.expires_at_ms = ParseInt(row[3].value_or("0")).value_or(0);
      l.expires_in_s = ParseInt(row[4].value_or("0")).value_or(0);
      l.cloud_id = row[5].value_or("");
      l.site_url = row[6].value_or("");
      l.server_url = row[7].value_or("");
      l.scope = row[8].value_or("");
      return std::optional<SavedLogin>(std::move(l));
    }
    auto r = Run(
        std::string("SELECT generation, login::text FROM ") + kTable + " WHERE app = $1 AND site = $2 AND name = $3",
        Key());
    if (!r) return Fail(r.error());
    if (r->rows.empty()) {
      generation_ = 0;
      return std::optional<SavedLogin>();
    }
    generation_ = ParseInt(r->rows[0][0].value_or("0")).value_or(0);
    auto login = SavedLogin::FromJson(r->rows[0][1].value_or(""), Describe());
    if (!login) return Fail(login.error());
    return std::optional<SavedLogin>(std::move(*login));
  }

  Result<void> Save(const SavedLogin& login) override {
    if (access_only_) return ReadOnly("save a login");
    std::lock_guard<std::mutex> g(data_mu_);
    std::vector<std::optional<std::string>> p = Key();
    p.push_back(login.ToJson());
    p.push_back(login.access_token);
    p.push_back(std::to_string(login.expires_at_ms));
    p.push_back(std::to_string(generation_));
    // Lands only on the generation read under the lock (0: no row yet).
    const std::string cas = std::string("INSERT INTO ") + kTable +
                            " AS t (app, site, name, generation, login, access_token, expires_at, updated_at) "
                            "VALUES ($1, $2, $3, 1, $4::jsonb, $5, to_timestamp($6::bigint / 1000.0), now()) "
                            "ON CONFLICT (app, site, name) DO UPDATE SET generation = t.generation + 1, "
                            "login = EXCLUDED.login, access_token = EXCLUDED.access_token, "
                            "expires_at = EXCLUDED.expires_at, updated_at = now() WHERE t.generation = $7::bigint "
                            "RETURNING generation";
    auto r = Connected();
    Result<pg::Rows> done = r ? (*r)->Exec(cas, p) : Result<pg::Rows>(Fail(r.error()));
    if (!done && done.error().code == ErrorCode::kTransport) {
      // The connection went with the statement: committed or not? The row
      // says — ours (this very login) or not yet written.
      data_conn_.reset();
      auto now = Run(std::string("SELECT generation, login->>'refreshToken', access_token FROM ") + kTable +
                         " WHERE app = $1 AND site = $2 AND name = $3",
                     Key());
      if (!now) return Fail(now.error());
      if (!now->rows.empty() && now->rows[0][1] == login.refresh_token && now->rows[0][2] == login.access_token) {
        generation_ = ParseInt(now->rows[0][0].value_or("0")).value_or(0);
        return {};
      }
      done = Run(cas, p);
    }
    if (!done) return Fail(done.error());
    if (done->rows.empty()) {
      return Fail(ErrorCode::kIo, "the login in " + Describe() +
                                      " was saved by another worker meanwhile (its generation moved past " +
                                      std::to_string(generation_) + "); this worker's copy was not written");
    }
    generation_ = ParseInt(done->rows[0][0].value_or("0")).value_or(0);
    return {};
  }

  Result<void> Remove() override {
    if (access_only_) return ReadOnly("delete the login");
    std::lock_guard<std::mutex> g(data_mu_);
    auto r = Run(std::string("DELETE FROM ") + kTable + " WHERE app = $1 AND site = $2 AND name = $3", Key());
    if (!r) return Fail(r.error());
    generation_ = 0;
    return {};
  }

  Result<std::unique_ptr<Lock>> Acquire() override {
    if (access_only_) return Fail(ReadOnly("refresh the login").error());
    // The threads of this process that share the store take turns first:
    // an advisory lock is re-entrant within its session.
    std::unique_lock<std::mutex> turn(lock_mu_);
    // The lock's connection may have ended while no lock was held: the
    // server idled it out (LockOnce sets idle_session_timeout; refreshes are an
    // hour apart) or its backend was terminated just after an unlock. Nothing
    // was held on it, so a new one is opened and the lock asked for again.
    for (int attempt = 0;; ++attempt) {
      auto r = LockOnce();
      if (r) break;
      lock_conn_.reset();
      if (r.error().code == ErrorCode::kTransport && attempt == 0) continue;
      if (pg::SqlState(r.error()) == "55P03") {
        return Fail(ErrorCode::kTimeout, "another worker has held the lock of the login in " + Describe() +
                                             " for more than " + std::to_string(kWaitSeconds) +
                                             " s; it is released when that worker ends or its session idles out");
      }
      return Fail(r.error());
    }
    struct Held : Lock {
      Held(PgStore& s, std::unique_lock<std::mutex> t) : store(s), turn(std::move(t)) {}
      ~Held() override {
        // A lost connection has freed the lock already.
        if (store.lock_conn_ && store.lock_conn_->Ok()) {
          if (!store.lock_conn_->Exec("SELECT pg_advisory_unlock(hashtextextended($1, 0))", {store.LockName()})) {
            store.lock_conn_.reset();
          }
        }
      }
      PgStore& store;
      std::unique_lock<std::mutex> turn;
    };
    return std::unique_ptr<Lock>(new Held(*this, std::move(turn)));
  }

  std::string Describe() const override { return where_.shown + " (login " + name_ + ")"; }

  Result<void> CheckWritable() override {
    if (access_only_) return ReadOnly("keep a new login");
    std::lock_guard<std::mutex> g(data_mu_);
    // Can this role write the table? A statement that writes nothing says.
    auto r = Run(std::string("UPDATE ") + kTable + " SET name = name WHERE false");
    if (!r) return Fail(r.error().WithContext("OAuthSettingsLocation cannot hold a login"));
    return {};
  }

 private:
  static constexpr int kWaitSeconds = 120;

  Result<void> ReadOnly(const std::string& what) const {
    return Fail(ErrorCode::kPermissionDenied,
                "this host reads only the access token of the login in " + Describe() +
                    " (jirasql_read=access-token) and may not " + what +
                    "; a host that may read the refresh token refreshes it (a worker, or `jirasql auth refresh`)");
  }

  std::vector<std::optional<std::string>> Key() const { return {scope_.app, scope_.site, name_}; }
  std::string LockName() const {
    return std::string("jirasql login\x1f") + scope_.app + "\x1f" + scope_.site + "\x1f" + name_;
  }

  // Opens the lock's connection if there is none and takes the lock on it.
  // Called holding lock_mu_.
  Result<void> LockOnce() {
    if (!lock_conn_ || !lock_conn_->Ok()) {
      auto c = pg::Connection::Open(where_, scope_.timeout_s, "the saved login's lock");
      if (!c) return Fail(c.error());
      lock_conn_ = std::move(*c);
      // A holder that hangs is ended by the server once its session has
      // been idle longer than a token call may take: the lock is freed.
      const int idle_ms = (scope_.timeout_s + 30) * 1000;
      if (auto r = lock_conn_->Exec("SELECT set_config('idle_session_timeout', $1, false), "
                                    "set_config('lock_timeout', $2, false)",
                                    {std::to_string(idle_ms), std::to_string(kWaitSeconds * 1000)});
          !r) {
        return Fail(r.error());
      }
    }
    if (auto s = Schema(*lock_conn_); !s) return s;
    auto r = lock_conn_->Exec("SELECT pg_advisory_lock(hashtextextended($1, 0))", {LockName()});
    if (!r) return Fail(r.error());
    return {};
  }

  // The data connection, opened (and the schema checked) on first use;
  // reopened after a loss. Called holding data_mu_.
  Result<pg::Connection*> Connected() {
    if (data_conn_ && data_conn_->Ok()) return data_conn_.get();
    auto c = pg::Connection::Open(where_, scope_.timeout_s, "the saved login");
    if (!c) return Fail(c.error());
    if (auto s = Schema(**c); !s) return Fail(s.error());
    data_conn_ = std::move(*c);
    return data_conn_.get();
  }

  // A statement that only reads or is safe to repeat: once more on a new
  // connection when the first went (a backend ended, a server restarted).
  Result<pg::Rows> Run(const std::string& sql, const std::vector<std::optional<std::string>>& params = {}) {
    for (int attempt = 0;; ++attempt) {
      auto c = Connected();
      if (!c) return Fail(c.error());
      auto r = (*c)->Exec(sql, params);
      if (r || r.error().code != ErrorCode::kTransport || attempt == 1) return r;
      data_conn_.reset();
    }
  }

  // Creates the table on first use (one creator at a time, across hosts);
  // refuses one made by a newer jirasql.
  Result<void> Schema(pg::Connection& c) {
    if (schema_checked_) return {};
    auto have = c.Exec("SELECT to_regclass('jirasql_schema') IS NOT NULL");
    if (!have) return Fail(have.error());
    std::optional<int64_t> version;
    auto read = [&]() -> Result<void> {
      auto v = c.Exec("SELECT version FROM jirasql_schema WHERE component = 'oauth_logins'");
      if (!v) return Fail(v.error());
      if (!v->rows.empty()) version = ParseInt(v->rows[0][0].value_or("0"));
      return {};
    };
    if (have->rows[0][0] == "t") {
      if (auto r = read(); !r) return r;
    }
    if (!version) {
      const char* steps[] = {
          "BEGIN", "SELECT pg_advisory_xact_lock(hashtextextended('jirasql schema', 0))",
          "CREATE TABLE IF NOT EXISTS jirasql_schema (component text PRIMARY KEY, version integer NOT NULL)",
          "CREATE TABLE IF NOT EXISTS jirasql_oauth_logins (app text NOT NULL, site text NOT NULL, name text NOT "
          "NULL, generation bigint NOT NULL, login jsonb NOT NULL, access_token text, expires_at timestamptz, "
          "updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (app, site, name))",
          // What a worker that only calls Jira needs: the access token, never the refresh token.
          "CREATE OR REPLACE VIEW jirasql_oauth_access_tokens AS SELECT app, site, name, generation, access_token, "
          "expires_at, (login->>'expiresIn')::bigint AS expires_in_s, login->>'cloudId' AS cloud_id, "
          "login->>'siteUrl' AS site_url, login->>'serverUrl' AS server_url, login->>'scope' AS scope, updated_at "
          "FROM jirasql_oauth_logins",
          "INSERT INTO jirasql_schema VALUES ('oauth_logins', 1) ON CONFLICT (component) DO NOTHING", "COMMIT"};
      for (const char* s : steps) {
        if (auto r = c.Exec(s); !r) {
          (void)c.Exec("ROLLBACK");
          return Fail(r.error().WithContext("creating the table " + std::string(kTable) +
                                            " (a role that may not create it needs it made by one that may: "
                                            "docs/oauth.md)"));
        }
      }
      if (auto r = read(); !r) return r;
    }
    if (version && *version > kSchemaVersion) {
      return Fail(ErrorCode::kInvalidArgument, "the table " + std::string(kTable) + " in " + where_.shown +
                                                   " was made by a newer jirasql (schema " + std::to_string(*version) +
                                                   "; this one knows " + std::to_string(kSchemaVersion) +
                                                   "): upgrade jirasql on this host");
    }
    schema_checked_ = true;
    return {};
  }

  const pg::Location where_;
  const StoreScope scope_;
  const std::string name_;
  const bool access_only_;
  std::mutex data_mu_;  ///< the data connection and generation_
  std::unique_ptr<pg::Connection> data_conn_;
  int64_t generation_ = 0;  ///< of the row as last read
  std::mutex lock_mu_;      ///< the lock connection, held with the Lock
  std::unique_ptr<pg::Connection> lock_conn_;
  std::atomic<bool> schema_checked_{false};
};

}  // namespace

Result<std::unique_ptr<SettingsStore>> OpenPgSettingsStore(const std::string& location, const StoreScope& scope) {
  auto where = pg::ParseLocation(location, {"login", "read"});
  if (!where) return Fail(where.error().WithContext("OAuthSettingsLocation"));
  std::string name = where->jirasql.count("login") ? where->jirasql["login"] : "default";
  if (name.empty()) return Fail(ErrorCode::kInvalidArgument, "OAuthSettingsLocation: jirasql_login= needs a name");
  bool access_only = false;
  if (auto r = where->jirasql.find("read"); r != where->jirasql.end()) {
    if (r->second != "access-token") {
      return Fail(ErrorCode::kInvalidArgument,
                  "OAuthSettingsLocation: jirasql_read=" + r->second +
                      " is not known; jirasql_read=access-token reads only the access token (no refresh)");
    }
    access_only = true;
  }
  return std::unique_ptr<SettingsStore>(new PgStore(std::move(*where), scope, std::move(name), access_only));
}

}  // namespace jirasql
