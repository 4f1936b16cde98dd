#include "auth/oauth_config.h"

#include <cstdlib>

#include "connstr/sources.h"

namespace jirasql {

std::string ExpandSettingsLocation(const std::string& location) {
  if (location.rfind("memory://", 0) == 0 || location.find("://") != std::string::npos) return location;
  std::string out = location;
  const std::string xdg = "$XDG_CONFIG_HOME";
  if (auto pos = out.find(xdg); pos != std::string::npos) out.replace(pos, xdg.size(), ConfigHome());
  if (!out.empty() && out[0] == '~' && (out.size() == 1 || out[1] == '/')) {
    const char* home = std::getenv("HOME");
    out.replace(0, 1, home ? home : "");
  }
  return out;
}

Result<OAuthConfig> OAuthConfigFrom(const ConnectionProperties& props) {
  OAuthConfig c;
  c.client_id = props.Get("OAuthClientId");
  c.client_secret = props.Get("OAuthClientSecret");
  c.callback_url = props.Get("CallbackURL");
  c.scope = props.Get("Scope");
  c.prompt = props.Get("Prompt");
  c.use_pkce = props.GetBool("UsePKCE");
  c.implicit = props.Get("GrantType") == "IMPLICIT";
  c.authorization_url = props.Get("OAuthAuthorizationURL");
  c.access_token_url = props.Get("OAuthAccessTokenURL");
  c.refresh_token_url = props.Get("OAuthRefreshTokenURL");
  c.accessible_resources_url = props.Get("OAuthAccessibleResourcesURL");
  c.api_gateway_url = props.Get("OAuthApiGatewayURL");
  while (!c.api_gateway_url.empty() && c.api_gateway_url.back() == '/') c.api_gateway_url.pop_back();
  c.settings_location = ExpandSettingsLocation(props.Get("OAuthSettingsLocation"));
  c.site_url = props.Get("Url");
  c.cloud_id = props.Get("CloudId");
  c.browser_command = props.Get("BrowserCommand");
  c.listener_timeout_s = static_cast<int>(props.GetInt("OAuthListenerTimeout").value_or(300));
  c.timeout_s = static_cast<int>(props.GetInt("Timeout").value_or(60));
  if (c.timeout_s <= 0) c.timeout_s = 3600;  // 0 waits forever; a lock is not held that long
  if (c.client_id.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "OAuth needs OAuthClientId: the client id of your OAuth 2.0 app (developer.atlassian.com > your app > "
                "Settings); see docs/oauth.md");
  }
  return c;
}

}  // namespace jirasql
