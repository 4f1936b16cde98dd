#pragma once
/// Keeps an OAuth login usable: hands out a valid access token, refreshing
/// it ahead of expiry, with one refresh in flight at a time across the
/// threads of a process (a condition variable) and across processes sharing
/// the settings location (its lock). Under the lock the saved login is read
/// again: when another process has already rotated the tokens, its result is
/// used and no second refresh is made. A rotated refresh token is saved
/// before the new access token is handed out; a token answer without a
/// refresh token keeps the old one. No mutex is held across an HTTP call
/// except the cross-process lock, which exists to be held across it.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "auth/oauth_config.h"
#include "auth/settings_store.h"
#include "auth/token_endpoint.h"
#include "common/time.h"
#include "http/http.h"
#include "http/logger.h"

namespace jirasql {

class TokenManager {
 public:
  TokenManager(std::shared_ptr<HttpTransport> http, OAuthConfig config, std::unique_ptr<SettingsStore> store,
               Clock& clock, std::shared_ptr<Logger> logger);

  /// The login with an access token that will not expire within the
  /// refresh margin; refreshes first when it would. When that early refresh
  /// fails (the token endpoint is down, say) and the access token still has
  /// more than kStillUsableMs to live, it is used and the refresh is tried
  /// again after kRetryRefreshMs: an outage of the authorization server
  /// costs nothing until the access token really expires.
  Result<SavedLogin> Current();
  static constexpr int64_t kStillUsableMs = 10 * 1000;
  static constexpr int64_t kRetryRefreshMs = 15 * 1000;

  /// The API refused `rejected` (HTTP 401): refresh once, unless another
  /// thread or process already replaced that token.
  Result<SavedLogin> RefreshAfterRejection(const std::string& rejected);

  /// Refreshes now, whatever the expiry (`jirasql auth refresh`).
  Result<SavedLogin> ForceRefresh();

  /// Saves a login from a code exchange (replacing any other).
  Result<void> Save(const SavedLogin& login);

  /// The saved login as it is, without refreshing (nullopt: none).
  Result<std::optional<SavedLogin>> Peek();

  SettingsStore& store() { return *store_; }
  const OAuthConfig& config() const { return config_; }

  /// How long before expiry a token is refreshed: a quarter of its
  /// lifetime, at most 5 minutes.
  static int64_t MarginMs(const SavedLogin& login);

 private:
  enum class Why { kExpiring, kRejected, kForced };
  Result<SavedLogin> Refresh(Why why, const std::string& rejected);
  Result<SavedLogin> RefreshUnderLock(Why why, const std::string& rejected);
  Result<SavedLogin> Check(std::optional<SavedLogin> login) const;
  bool Fresh(const SavedLogin& login) const;
  bool StillUsable(const SavedLogin& login) const;

  std::shared_ptr<HttpTransport> http_;
  OAuthConfig config_;
  std::unique_ptr<SettingsStore> store_;
  Clock& clock_;
  std::shared_ptr<Logger> logger_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool refreshing_ = false;
  std::optional<SavedLogin> cached_;
  int64_t early_refresh_failed_at_ms_ = -1;  ///< when an early refresh last failed
};

}  // namespace jirasql
