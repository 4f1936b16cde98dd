#include "auth/token_endpoint.h"

#include <nlohmann/json.hpp>
#include <vector>

#include "common/base64.h"
#include "common/secure.h"
#include "common/strings.h"
#include "http/response_error.h"

namespace jirasql {

namespace {

// Sends a token request with the client secret in the body
// (client_secret_post, what Atlassian documents). A server that answers
// invalid_client may want HTTP Basic instead (client_secret_basic, RFC 6749
// §2.3.1): the request is sent once more that way.
Result<TokenSet> Post(HttpTransport& http, const OAuthConfig& c, const std::string& url,
                      std::vector<std::pair<const char*, std::string>> fields, bool idempotent, const std::string& what,
                      bool exchanging_code) {
  auto form = [](const std::vector<std::pair<const char*, std::string>>& f) {
    std::string out;
    for (const auto& [k, v] : f) {
      if (v.empty()) continue;
      if (!out.empty()) out += '&';
      out += std::string(k) + "=" + UrlEncode(v);
    }
    return out;
  };
  Headers headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
  auto with_secret = fields;
  with_secret.emplace_back("client_id", c.client_id);
  with_secret.emplace_back("client_secret", c.client_secret);
  // The bodies carry the refresh token or code and the client secret; the
  // answer carries the new tokens: wiped once used.
  HttpRequest req{"POST", url, headers, form(with_secret), idempotent};
  WipeOnExit wipe_req(&req.body);
  auto resp = http.Send(req);
  if (resp && resp->status == 401 && resp->body.find("invalid_client") != std::string::npos) {
    Headers basic = headers;
    basic.emplace_back("Authorization",
                       "Basic " + Base64Encode(UrlEncode(c.client_id) + ":" + UrlEncode(c.client_secret)));
    HttpRequest again{"POST", url, basic, form(fields), idempotent};
    WipeOnExit wipe_again(&again.body, &again.headers.back().second);
    resp = http.Send(again);
  }
  if (!resp) return Fail(resp.error().WithContext(what));
  WipeOnExit wipe_resp(&resp->body);
  if (!resp->ok()) return Fail(TokenEndpointError(*resp, what, exchanging_code));
  return ParseTokenResponse(resp->body, what + " (" + UrlForMessage(url) + ")");
}

}  // namespace

Result<TokenSet> ParseTokenResponse(const std::string& body, const std::string& where) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  struct WipeJson {
    nlohmann::json& j;
    ~WipeJson() { SecureWipe(j); }
  } wipe{j};
  if (j.is_discarded() || !j.is_object()) {
    return Fail(ErrorCode::kBadResponse, where + ": the token endpoint's answer is not a JSON object");
  }
  TokenSet t;
  auto str = [&](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string(); };
  t.access_token = str("access_token");
  t.refresh_token = str("refresh_token");
  t.scope = str("scope");
  t.token_type = str("token_type");
  if (j.contains("expires_in")) {
    if (j["expires_in"].is_number_integer())
      t.expires_in = j["expires_in"].get<int64_t>();
    else if (j["expires_in"].is_string())
      t.expires_in = ParseInt(j["expires_in"].get<std::string>()).value_or(-1);
    else
      t.expires_in = -1;
  }
  if (t.access_token.empty()) {
    return Fail(ErrorCode::kBadResponse, where + ": the token endpoint's answer has no access_token");
  }
  if (t.expires_in <= 0) {
    return Fail(ErrorCode::kBadResponse, where + ": the token endpoint's answer has no usable expires_in");
  }
  if (!t.token_type.empty() && !EqualsIgnoreCase(t.token_type, "bearer")) {
    return Fail(ErrorCode::kBadResponse, where + ": unsupported token_type '" + t.token_type + "' (want Bearer)");
  }
  return t;
}

Error TokenEndpointError(const HttpResponse& response, const std::string& what, bool exchanging_code) {
  auto j = nlohmann::json::parse(response.body, nullptr, false);
  std::string error, description;
  if (!j.is_discarded() && j.is_object()) {
    if (j.contains("error") && j["error"].is_string()) error = j["error"];
    if (j.contains("error_description") && j["error_description"].is_string()) description = j["error_description"];
  }
  const std::string said = error + (description.empty() ? "" : ": " + description);
  if (error == "invalid_grant" && exchanging_code) {
    const std::string d = ToLower(description);
    std::string why;
    if (d.find("verifier") != std::string::npos) {
      why =
          "it belongs to another authorization URL than the one whose PKCE verifier was kept (an older "
          "`jirasql auth url`?): open the URL printed last, or run `jirasql auth url` again";
    } else if (d.find("redirect") != std::string::npos) {
      why = "it was issued for another redirect URI: exchange it with the CallbackURL its authorization URL used";
    } else {
      why =
          "it was already used, has expired (codes last 10 minutes), was mistyped, or was made for another app; "
          "run `jirasql auth url` again and exchange the new code within 10 minutes";
    }
    return {ErrorCode::kUnauthenticated, what + ": the authorization code was refused (" + said + "): " + why,
            response.status};
  }
  if (error == "invalid_grant") {
    return {ErrorCode::kUnauthenticated,
            what + ": the saved login is no longer valid (" + said +
                "). Log in again with `jirasql auth login` (refresh tokens expire after 90 days unused and 365 "
                "days in all, and reusing an old one revokes the login)",
            response.status};
  }
  if (error == "access_denied" || error == "invalid_client" || error == "unauthorized_client") {
    return {ErrorCode::kPermissionDenied,
            what + ": the token endpoint refused the app (" + said +
                "); check OAuthClientId and OAuthClientSecret against your app's settings",
            response.status};
  }
  return ErrorFromResponse(response, what);
}

Result<TokenSet> ExchangeCode(HttpTransport& http, const OAuthConfig& c, const std::string& code,
                              const std::string& code_verifier, const std::string& redirect_uri) {
  if (c.client_secret.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "exchanging the authorization code needs OAuthClientSecret");
  }
  return Post(http, c, c.access_token_url,
              {{"grant_type", "authorization_code"},
               {"code", code},
               {"redirect_uri", redirect_uri},
               {"code_verifier", code_verifier}},
              /*idempotent=*/false, "exchanging the authorization code", /*exchanging_code=*/true);
}

Result<TokenSet> RefreshTokens(HttpTransport& http, const OAuthConfig& c, const std::string& refresh_token) {
  if (c.client_secret.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "refreshing the access token needs OAuthClientSecret");
  }
  return Post(http, c, c.refresh_token_url, {{"grant_type", "refresh_token"}, {"refresh_token", refresh_token}},
              /*idempotent=*/true, "refreshing the access token", /*exchanging_code=*/false);
}

}  // namespace jirasql
