#include "auth/token_manager.h"

#include <algorithm>

namespace jirasql {

TokenManager::TokenManager(std::shared_ptr<HttpTransport> http, OAuthConfig config,
                           std::unique_ptr<SettingsStore> store, Clock& clock, std::shared_ptr<Logger> logger)
    : http_(std::move(http)),
      config_(std::move(config)),
      store_(std::move(store)),
      clock_(clock),
      logger_(logger ? std::move(logger) : std::make_shared<Logger>()) {}

int64_t TokenManager::MarginMs(const SavedLogin& login) {
  const int64_t lifetime_ms = login.expires_in_s > 0 ? login.expires_in_s * 1000 : 3600 * 1000;
  return std::min<int64_t>(5 * 60 * 1000, lifetime_ms / 4);
}

bool TokenManager::Fresh(const SavedLogin& login) const {
  if (login.access_token.empty()) return false;
  if (login.expires_at_ms <= 0) return true;  // lifetime unknown: use it until the API refuses it
  return EpochMs(clock_.Now()) < login.expires_at_ms - MarginMs(login);
}

bool TokenManager::StillUsable(const SavedLogin& login) const {
  if (login.access_token.empty()) return false;
  return login.expires_at_ms <= 0 || EpochMs(clock_.Now()) < login.expires_at_ms - kStillUsableMs;
}

Result<SavedLogin> TokenManager::Check(std::optional<SavedLogin> login) const {
  if (!login || (login->access_token.empty() && login->refresh_token.empty())) {
    return Fail(ErrorCode::kUnauthenticated,
                "no saved login in " + store_->Describe() +
                    "; run `jirasql auth login` (or connect with InitiateOAuth=GETANDREFRESH)");
  }
  if (login->client_id != config_.client_id) {
    return Fail(ErrorCode::kUnauthenticated, "the login saved in " + store_->Describe() +
                                                 " belongs to another app (client id " + login->client_id +
                                                 "); log in again with OAuthClientId=" + config_.client_id);
  }
  return *login;
}

Result<std::optional<SavedLogin>> TokenManager::Peek() { return store_->Load(); }

Result<void> TokenManager::Save(const SavedLogin& login) {
  auto lock = store_->Acquire();
  if (!lock) return Fail(lock.error());
  if (auto r = store_->Save(login); !r) return r;
  std::lock_guard<std::mutex> g(mu_);
  cached_.reset();  // the next Current() reads it back and checks it
  return {};
}

Result<SavedLogin> TokenManager::Current() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    if (!cached_) {
      lock.unlock();
      auto loaded = store_->Load();
      if (!loaded) return Fail(loaded.error());
      if (auto w = store_->TakeWarning(); !w.empty()) logger_->Warn(w);
      auto checked = Check(std::move(*loaded));
      if (!checked) return checked;
      lock.lock();
      if (!cached_) cached_ = *checked;
    }
    if (Fresh(*cached_)) return *cached_;
    if (!refreshing_) break;
    cv_.wait(lock);
  }
  lock.unlock();
  return Refresh(Why::kExpiring, "");
}

Result<SavedLogin> TokenManager::RefreshAfterRejection(const std::string& rejected) {
  {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !refreshing_; });
    if (cached_ && cached_->access_token != rejected && Fresh(*cached_)) return *cached_;
  }
  return Refresh(Why::kRejected, rejected);
}

Result<SavedLogin> TokenManager::ForceRefresh() { return Refresh(Why::kForced, ""); }

Result<SavedLogin> TokenManager::Refresh(Why why, const std::string& rejected) {
  {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !refreshing_; });
    // Another thread may have refreshed while we waited.
    if (why == Why::kExpiring && cached_ && Fresh(*cached_)) return *cached_;
    // An early refresh failed a moment ago: keep using the token it would
    // have replaced while it lasts, rather than asking again on every call.
    if (why == Why::kExpiring && cached_ && StillUsable(*cached_) && early_refresh_failed_at_ms_ >= 0 &&
        EpochMs(clock_.Now()) < early_refresh_failed_at_ms_ + kRetryRefreshMs) {
      return *cached_;
    }
    if (why == Why::kRejected && cached_ && cached_->access_token != rejected && Fresh(*cached_)) return *cached_;
    refreshing_ = true;
  }
  auto result = RefreshUnderLock(why, rejected);
  std::lock_guard<std::mutex> g(mu_);
  refreshing_ = false;
  cv_.notify_all();
  if (result) {
    cached_ = *result;
    early_refresh_failed_at_ms_ = -1;
    return result;
  }
  if (why == Why::kExpiring && cached_ && StillUsable(*cached_)) {
    // The saved login is untouched (nothing is written before the token
    // endpoint answers), so this is safe to retry later.
    early_refresh_failed_at_ms_ = EpochMs(clock_.Now());
    logger_->Log(1, "could not refresh the OAuth access token ahead of its expiry (" + result.error().message +
                        "); the current one stays in use for " +
                        std::to_string((cached_->expires_at_ms - early_refresh_failed_at_ms_) / 1000) +
                        " s more and the refresh is tried again");
    return *cached_;
  }
  return result;
}

Result<SavedLogin> TokenManager::RefreshUnderLock(Why why, const std::string& rejected) {
  if (store_->ReadsAccessTokenOnly()) {
    // Refreshed by another host: read what it saved last.
    auto loaded = store_->Load();
    if (!loaded) return Fail(loaded.error());
    auto current = Check(std::move(*loaded));
    if (!current) return current;
    if (current->access_token != rejected && (Fresh(*current) || (why != Why::kForced && StillUsable(*current)))) {
      return current;
    }
    return Fail(ErrorCode::kUnauthenticated,
                "the access token in " + store_->Describe() +
                    " has expired (or was refused) and this host reads only the access token: the host that "
                    "refreshes the login (a worker that may read the refresh token, or `jirasql auth refresh` on a "
                    "timer) has not renewed it");
  }
  auto held = store_->Acquire();
  if (!held) return Fail(held.error());
  // Read again under the lock: another process may have rotated already.
  auto loaded = store_->Load();
  if (!loaded) return Fail(loaded.error());
  auto current = Check(std::move(*loaded));
  if (!current) return current;
  if (why == Why::kExpiring && Fresh(*current)) return current;
  if (why == Why::kRejected && current->access_token != rejected && Fresh(*current)) return current;
  if (current->refresh_token.empty()) {
    return Fail(ErrorCode::kUnauthenticated,
                "the access token has expired and there is no refresh token to renew it: add offline_access to "
                "Scope and log in again");
  }
  logger_->Log(2, "refreshing the OAuth access token (" +
                      std::string(why == Why::kRejected ? "the API refused it"
                                  : why == Why::kForced ? "asked to"
                                                        : "it expires soon") +
                      ")");
  auto tokens = RefreshTokens(*http_, config_, current->refresh_token);
  if (!tokens) return Fail(tokens.error());
  const int64_t now = EpochMs(clock_.Now());
  SavedLogin next = *current;
  next.access_token = tokens->access_token;
  if (!tokens->refresh_token.empty()) next.refresh_token = tokens->refresh_token;
  if (!tokens->scope.empty()) next.scope = tokens->scope;
  next.expires_in_s = tokens->expires_in;
  next.expires_at_ms = now + tokens->expires_in * 1000;
  next.refreshed_at_ms = now;
  // Persist the rotated refresh token before anyone uses the new access
  // token: losing it would end the login once the old one is retired.
  if (auto saved = store_->Save(next); !saved) {
    // A shared store whose lock was lost mid-refresh (its connection ended)
    // may hold a login another worker rotated meanwhile, from the same
    // refresh token (Atlassian accepts it again within 10 minutes): that one
    // is the saved login now, and it serves.
    if (auto now = store_->Load(); now && *now && (*now)->refresh_token != current->refresh_token &&
                                   (*now)->client_id == config_.client_id && Fresh(**now)) {
      logger_->Log(2, "another worker saved a refreshed login first; using it (" + saved.error().message + ")");
      return **now;
    }
    return Fail(saved.error().WithContext(
        "could not save the rotated refresh token (the previous one stays usable for 10 minutes; fix the problem "
        "and try again)"));
  }
  return next;
}

}  // namespace jirasql
