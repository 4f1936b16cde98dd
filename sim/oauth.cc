#include "oauth.h"

#include <openssl/evp.h>

#include "common/base64.h"
#include "common/strings.h"

namespace jirasim {

namespace {

nlohmann::json OAuthError(const std::string& error, const std::string& description) {
  return {{"error", error}, {"error_description", description}};
}

}  // namespace

// RFC 7636 S256: BASE64URL(SHA-256(verifier)), computed here with OpenSSL's
// EVP digest (not the product's PKCE code, so that jirasim checks it).
std::string PkceChallenge(const std::string& verifier) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(verifier.data(), verifier.size(), digest, &len, EVP_sha256(), nullptr) != 1) return "";
  return jirasql::Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(digest), len));
}

const std::set<std::string>& KnownScopes() {
  static const std::set<std::string> scopes = {"read:jira-work",
                                               "write:jira-work",
                                               "read:jira-user",
                                               "manage:jira-project",
                                               "manage:jira-configuration",
                                               "manage:jira-webhook",
                                               "manage:jira-data-provider",
                                               "offline_access",
                                               "read:me",
                                               "read:account",
                                               "read:board-scope:jira-software",
                                               "read:sprint:jira-software",
                                               "read:issue-details:jira"};
  return scopes;
}

nlohmann::json OAuthCounters::ToJson() const {
  return {{"grants", grants},
          {"codes_issued", codes_issued},
          {"codes_exchanged", codes_exchanged},
          {"refreshes", refreshes},
          {"reuse_within_leeway", reuse_within_leeway},
          {"reuse_detections", reuse_detections},
          {"revocations", revocations},
          {"token_errors", token_errors}};
}

AuthState::AuthState(std::string client_id, std::string client_secret, std::vector<std::string> callbacks,
                     int64_t access_ttl_s, uint64_t seed)
    : client_id_(std::move(client_id)),
      client_secret_(std::move(client_secret)),
      callbacks_(std::move(callbacks)),
      access_ttl_s_(access_ttl_s),
      rng_(seed * 0x9E3779B97F4A7C15ULL + 12345) {}

bool AuthState::IsRegisteredCallback(const std::string& uri) const {
  for (const auto& c : callbacks_) {
    if (c == uri) return true;
  }
  return false;
}

std::string AuthState::NewToken(const char* prefix) {
  // Not cryptographic: jirasim is a test double on loopback.
  std::string out = prefix;
  for (int i = 0; i < 4; ++i) {
    uint64_t z = (rng_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    char bytes[8];
    for (int b = 0; b < 8; ++b) bytes[b] = static_cast<char>(z >> (8 * b));
    out += jirasql::Base64UrlEncode(std::string_view(bytes, 8));
  }
  return out;
}

std::string AuthState::BeginTransaction(const AuthorizeRequest& req, int64_t) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string tx = NewToken("tx-");
  transactions_[tx] = req;
  return tx;
}

std::optional<AuthorizeRequest> AuthState::Transaction(const std::string& tx) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = transactions_.find(tx);
  if (it == transactions_.end()) return std::nullopt;
  return it->second;
}

void AuthState::EndTransaction(const std::string& tx) {
  std::lock_guard<std::mutex> lock(mu_);
  transactions_.erase(tx);
}

std::vector<int> AuthState::GrantSites(const Grant& g) const {
  auto it = consented_sites_.find({g.user, client_id_});
  if (it == consented_sites_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

std::string AuthState::Approve(const std::string& tx, int user, int site, int64_t now_ms, int64_t* expires_in) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = transactions_.find(tx);
  if (it == transactions_.end()) return "";
  AuthorizeRequest req = it->second;
  transactions_.erase(it);
  consented_sites_[{user, client_id_}].insert(site);
  if (req.response_type == "token") {
    // Implicit grant: straight to an access token, no refresh token.
    int64_t gid = next_grant_++;
    grants_[gid] = Grant{user, req.scope, now_ms};
    ++counters_.grants;
    std::string at = NewToken("eyJhbGciOiJIUzI1NiJ9.");
    access_[at] = Access{gid, now_ms + access_ttl_s_ * 1000};
    *expires_in = access_ttl_s_;
    return at;
  }
  std::string code = NewToken("code-");
  codes_[code] = Code{user, site, req, now_ms + kCodeLifetimeMs};
  ++counters_.codes_issued;
  return code;
}

nlohmann::json AuthState::Issue(int64_t grant_id, int64_t now_ms) {
  const Grant& g = grants_.at(grant_id);
  std::string at = NewToken("eyJhbGciOiJIUzI1NiJ9.");
  access_[at] = Access{grant_id, now_ms + access_ttl_s_ * 1000};
  nlohmann::json out = {
      {"access_token", at}, {"expires_in", access_ttl_s_}, {"token_type", "Bearer"}, {"scope", g.scope}};
  std::set<std::string> scopes;
  for (auto& s : jirasql::Split(g.scope, ' ')) scopes.insert(s);
  if (scopes.count("offline_access")) {
    std::string rt = NewToken("rt-");
    refresh_[rt] = Refresh{grant_id, now_ms};
    out["refresh_token"] = rt;
  }
  return out;
}

TokenResult AuthState::Token(const std::map<std::string, std::string>& p, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  auto get = [&](const char* k) -> std::string {
    auto it = p.find(k);
    return it == p.end() ? "" : it->second;
  };
  auto fail = [&](int status, const std::string& e, const std::string& d) {
    ++counters_.token_errors;
    return TokenResult{status, OAuthError(e, d)};
  };
  const std::string grant_type = get("grant_type");
  if (grant_type.empty()) return fail(400, "invalid_request", "Missing grant_type");
  if (grant_type != "authorization_code" && grant_type != "refresh_token") {
    return fail(400, "unsupported_grant_type", "Unsupported grant type: " + grant_type);
  }
  if (get("client_id").empty()) return fail(400, "invalid_request", "Missing client_id");
  if (get("client_id") != client_id_ || get("client_secret") != client_secret_) {
    return fail(401, "access_denied", "Unauthorized");
  }

  if (grant_type == "authorization_code") {
    const std::string code = get("code");
    if (code.empty()) return fail(400, "invalid_request", "Missing code");
    auto it = codes_.find(code);
    if (it == codes_.end() || it->second.used || it->second.expires_ms < now_ms) {
      return fail(403, "invalid_grant", "Invalid authorization code");
    }
    Code& c = it->second;
    if (get("redirect_uri") != c.req.redirect_uri) {
      return fail(403, "invalid_grant", "redirect_uri does not match the authorization request");
    }
    if (!c.req.code_challenge.empty()) {
      const std::string verifier = get("code_verifier");
      if (verifier.empty()) return fail(400, "invalid_request", "Missing code_verifier");
      if (PkceChallenge(verifier) != c.req.code_challenge) return fail(403, "invalid_grant", "Invalid code_verifier");
    }
    c.used = true;
    ++counters_.codes_exchanged;
    auto key = std::make_pair(c.user, client_id_);
    int64_t gid;
    auto existing = grant_by_user_client_.find(key);
    if (existing != grant_by_user_client_.end() && !grants_[existing->second].revoked) {
      gid = existing->second;
      grants_[gid].scope = c.req.scope;  // a new consent replaces the scopes
    } else {
      gid = next_grant_++;
      grants_[gid] = Grant{c.user, c.req.scope, now_ms};
      grant_by_user_client_[key] = gid;
      ++counters_.grants;
    }
    return {200, Issue(gid, now_ms)};
  }

  // refresh_token
  const std::string rt = get("refresh_token");
  if (rt.empty()) return fail(400, "invalid_request", "Missing refresh_token");
  auto it = refresh_.find(rt);
  if (it == refresh_.end()) return fail(403, "invalid_grant", "Unknown or invalid refresh token.");
  Refresh r = it->second;
  Grant& g = grants_[r.grant];
  if (g.revoked) return fail(403, "invalid_grant", "Unknown or invalid refresh token.");
  if (now_ms - g.created_ms > kAbsoluteMs) return fail(403, "invalid_grant", "Refresh token expired.");
  if (r.rotated_ms >= 0) {
    if (now_ms - r.rotated_ms > kReuseLeewayMs) {
      // A rotated token coming back late: assume it leaked, end the grant.
      g.revoked = true;
      ++counters_.reuse_detections;
      ++counters_.revocations;
      return fail(403, "invalid_grant", "Unknown or invalid refresh token.");
    }
    ++counters_.reuse_within_leeway;
  } else if (now_ms - r.issued_ms > kInactivityMs) {
    return fail(403, "invalid_grant", "Refresh token expired due to inactivity.");
  } else {
    it->second.rotated_ms = now_ms;
  }
  ++counters_.refreshes;
  return {200, Issue(r.grant, now_ms)};
}

std::optional<AccessInfo> AuthState::CheckAccess(const std::string& token, int64_t now_ms) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = access_.find(token);
  if (it == access_.end() || it->second.expires_ms <= now_ms) return std::nullopt;
  const Grant& g = grants_.at(it->second.grant);
  if (g.revoked) return std::nullopt;
  AccessInfo info;
  info.user = g.user;
  for (auto& s : jirasql::Split(g.scope, ' ')) {
    if (!s.empty()) info.scopes.insert(s);
  }
  info.sites = GrantSites(g);
  return info;
}

void AuthState::RevokeAll() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [id, g] : grants_) {
    if (!g.revoked) {
      g.revoked = true;
      ++counters_.revocations;
    }
  }
}

OAuthCounters AuthState::counters() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counters_;
}

void AuthState::ResetCounters() {
  std::lock_guard<std::mutex> lock(mu_);
  counters_ = OAuthCounters{};
}

}  // namespace jirasim
