#pragma once
/// jirasim's authorization server state: the registered app, consent
/// transactions, authorization codes, grants, rotating refresh tokens and
/// access tokens — with Atlassian's rules (SPEC §3): codes single use for 10
/// minutes; every refresh rotates the refresh token; reusing a rotated one
/// within 10 minutes is tolerated, later it revokes the whole grant; a
/// refresh token unused for 90 days expires; a grant lives at most 365 days.
/// Pure logic: time comes in as `now_ms`, no I/O.

#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace jirasim {

inline constexpr int64_t kCodeLifetimeMs = 10 * 60 * 1000;
inline constexpr int64_t kReuseLeewayMs = 10 * 60 * 1000;
inline constexpr int64_t kInactivityMs = 90LL * 86400 * 1000;
inline constexpr int64_t kAbsoluteMs = 365LL * 86400 * 1000;

/// Scopes jirasim knows (classic Jira scopes and offline_access).
const std::set<std::string>& KnownScopes();

struct AuthorizeRequest {
  std::string client_id, redirect_uri, scope, state, response_type, prompt, audience;
  std::string code_challenge, code_challenge_method;
};

struct TokenResult {
  int status = 200;
  nlohmann::json body;
};

struct AccessInfo {
  int user = -1;
  std::set<std::string> scopes;
  std::vector<int> sites;
};

struct OAuthCounters {
  int64_t grants = 0, codes_issued = 0, codes_exchanged = 0, refreshes = 0, reuse_within_leeway = 0,
          reuse_detections = 0, revocations = 0, token_errors = 0;
  nlohmann::json ToJson() const;
};

class AuthState {
 public:
  AuthState(std::string client_id, std::string client_secret, std::vector<std::string> callbacks, int64_t access_ttl_s,
            uint64_t seed);

  const std::string& client_id() const { return client_id_; }
  const std::string& client_secret() const { return client_secret_; }
  const std::vector<std::string>& callbacks() const { return callbacks_; }
  bool IsRegisteredCallback(const std::string& uri) const;

  /// Starts a consent transaction for a checked /authorize request.
  std::string BeginTransaction(const AuthorizeRequest& req, int64_t now_ms);
  std::optional<AuthorizeRequest> Transaction(const std::string& tx) const;
  /// The user approved `site`: an authorization code (or, for
  /// response_type=token, an access token) bound to the request.
  std::string Approve(const std::string& tx, int user, int site, int64_t now_ms, int64_t* expires_in);
  void EndTransaction(const std::string& tx);

  /// The token endpoint. `params` holds the body's fields (JSON or form).
  TokenResult Token(const std::map<std::string, std::string>& params, int64_t now_ms);

  /// Checks a Bearer token: nullopt when unknown, expired or revoked.
  std::optional<AccessInfo> CheckAccess(const std::string& token, int64_t now_ms) const;

  /// Revokes every grant (tests: "the user removed the app").
  void RevokeAll();
  OAuthCounters counters() const;
  void ResetCounters();

 private:
  struct Code {
    int user, site;
    AuthorizeRequest req;
    int64_t expires_ms;
    bool used = false;
  };
  struct Grant {
    int user;
    std::string scope;
    int64_t created_ms;
    bool revoked = false;
  };
  struct Refresh {
    int64_t grant;
    int64_t issued_ms;
    int64_t rotated_ms = -1;  ///< -1 while it is the current one
  };
  struct Access {
    int64_t grant;
    int64_t expires_ms;
  };

  std::string NewToken(const char* prefix);
  nlohmann::json Issue(int64_t grant_id, int64_t now_ms);
  std::vector<int> GrantSites(const Grant& g) const;

  mutable std::mutex mu_;
  std::string client_id_, client_secret_;
  std::vector<std::string> callbacks_;
  int64_t access_ttl_s_;
  uint64_t rng_;
  std::map<std::string, AuthorizeRequest> transactions_;
  std::map<std::string, Code> codes_;
  std::map<int64_t, Grant> grants_;
  std::map<std::pair<int, std::string>, int64_t> grant_by_user_client_;  // one grant per user and app
  std::map<std::pair<int, std::string>, std::set<int>> consented_sites_;
  std::map<std::string, Refresh> refresh_;
  std::map<std::string, Access> access_;
  int64_t next_grant_ = 1;
  OAuthCounters counters_;
};

/// base64url(SHA-256(verifier)), for PKCE S256.
std::string PkceChallenge(const std::string& verifier);

}  // namespace jirasim
