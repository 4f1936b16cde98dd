#include "auth/authorization.h"

#include "auth/pkce.h"
#include "common/strings.h"

namespace jirasql {

Result<AuthorizationRequest> BuildAuthorizationUrl(const OAuthConfig& c, const AuthorizationOverrides& o) {
  const std::string callback = o.callback_url.value_or(c.callback_url);
  const std::string scope = o.scope.value_or(c.scope);
  const std::string prompt = o.prompt.value_or(c.prompt);
  const bool implicit = o.implicit.value_or(c.implicit);
  if (callback.empty())
    return Fail(ErrorCode::kInvalidArgument, "CallbackURL is empty; set it to the app's callback URL");
  if (scope.empty())
    return Fail(ErrorCode::kInvalidArgument, "Scope is empty; e.g. Scope=\"read:jira-work offline_access\"");

  AuthorizationRequest req;
  if (o.state) {
    req.state = *o.state;
  } else {
    auto s = RandomToken(32);
    if (!s) return Fail(s.error());
    req.state = *s;
  }
  std::string url = c.authorization_url;
  url += url.find('?') == std::string::npos ? '?' : '&';
  url += "audience=api.atlassian.com&client_id=" + UrlEncode(c.client_id) + "&scope=" + UrlEncode(scope) +
         "&redirect_uri=" + UrlEncode(callback) + "&state=" + UrlEncode(req.state) +
         "&response_type=" + (implicit ? "token" : "code");
  if (!prompt.empty()) url += "&prompt=" + UrlEncode(prompt);
  if (c.use_pkce && !implicit) {
    auto v = RandomToken(32);
    if (!v) return Fail(v.error());
    req.code_verifier = *v;
    url += "&code_challenge=" + PkceS256(req.code_verifier) + "&code_challenge_method=S256";
  }
  req.url = url;
  return req;
}

}  // namespace jirasql
