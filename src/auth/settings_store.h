#pragma once
/// Where a login lives between connections (OAuthSettingsLocation).
///
/// A file store writes the whole login to a temporary file in the same
/// folder (mode 0600), fsyncs it, renames it over the old one and fsyncs the
/// folder: a reader sees the old login or the new one, never a torn mix,
/// whatever happens to the process or the machine. The folder is created
/// 0700. A file that other users can read is repaired to 0600 with a
/// warning; one owned by another user is refused. A lock file beside it
/// (`<file>.lock`, flock) serialises refreshes across processes.
///
/// `memory://NAME` keeps the login in this process only; `postgresql://…`
/// in a PostgreSQL table shared by a fleet of hosts (pg_settings_store.h).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/error.h"

namespace jirasql {

/// What a login is, as saved. Versioned JSON on disk.
struct SavedLogin {
  static constexpr int kVersion = 1;
  std::string client_id;  ///< tokens saved for another app are never used
  std::string access_token, refresh_token, scope;
  int64_t expires_at_ms = 0;
  int64_t expires_in_s = 0;  ///< lifetime of the access token when issued
  std::string cloud_id, site_url, server_url;
  int64_t login_at_ms = 0;       ///< consent: the 365-day limit counts from here
  int64_t refreshed_at_ms = 0;   ///< last rotation: the 90-day limit counts from here
  std::string verifier_hash;     ///< SHA-256 of an OAuthVerifier already exchanged
  std::string pending_verifier;  ///< PKCE verifier of a URL made by `auth url`, for the headless exchange
  std::string pending_state;     ///< the state of that URL, to tell an older URL's redirect apart

  std::string ToJson() const;
  static Result<SavedLogin> FromJson(const std::string& text, const std::string& where);
};

/// Every store is safe to call from several threads at once: a
/// connection's workers share one through their TokenManager.
class SettingsStore {
 public:
  /// An exclusive hold on the store; released when destroyed.
  class Lock {
   public:
    virtual ~Lock() = default;
  };

  virtual ~SettingsStore() = default;
  /// The saved login, or nullopt when there is none.
  virtual Result<std::optional<SavedLogin>> Load() = 0;
  /// Replaces the saved login; called while holding the lock (Acquire), so
  /// that a temporary file left by a process that died mid-save is known to
  /// be stale and removed.
  virtual Result<void> Save(const SavedLogin& login) = 0;
  virtual Result<void> Remove() = 0;
  /// Blocks until this process holds the store (across threads and processes).
  virtual Result<std::unique_ptr<Lock>> Acquire() = 0;
  virtual std::string Describe() const = 0;
  /// Proves that a login can be saved here — the folder exists or can be
  /// made, the lock taken, a file written — before a login is asked for,
  /// so that no consent is thrown away for want of a place to keep it.
  virtual Result<void> CheckWritable() { return Ok(); }
  /// A store that hands out the access token alone (a fleet's host that
  /// must not hold the refresh token): it cannot be saved to or locked, and
  /// a login in it is refreshed elsewhere.
  virtual bool ReadsAccessTokenOnly() const { return false; }
  /// A warning to show the user once (a repaired file mode), or "".
  virtual std::string TakeWarning() { return ""; }
};

/// What a shared store keys a login by, and how long a token call may take
/// (a store's lock is not held much longer). A file holds one login
/// whatever its app; PostgreSQL keeps one row per app, site and name.
struct StoreScope {
  std::string app;     ///< OAuthClientId
  std::string site;    ///< CloudId, else Url, else "" (the site picked at login)
  int timeout_s = 60;  ///< Timeout
};

/// A file path, file:///path, memory://NAME or postgresql://… (a fleet's
/// shared login, auth/pg_settings_store.h).
Result<std::unique_ptr<SettingsStore>> OpenSettingsStore(const std::string& location, const StoreScope& scope = {});

/// A store in memory that belongs to one connection (a supplied access
/// token): freed with it, never shared, so nothing piles up.
std::unique_ptr<SettingsStore> PrivateMemoryStore();

}  // namespace jirasql
