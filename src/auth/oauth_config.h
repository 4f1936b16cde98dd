#pragma once
/// The OAuth 2.0 (3LO) settings of a connection, read once from its
/// properties: the app, the endpoints (Atlassian's by default, overridable
/// for jirasim or another server) and where the login is kept.

#include <string>

#include "auth/settings_store.h"
#include "common/error.h"
#include "connstr/properties.h"

namespace jirasql {

struct OAuthConfig {
  std::string client_id, client_secret;
  std::string callback_url;
  std::string scope;
  std::string prompt;
  bool use_pkce = true;
  bool implicit = false;  ///< GrantType=IMPLICIT
  std::string authorization_url, access_token_url, refresh_token_url, accessible_resources_url, api_gateway_url;
  std::string settings_location;  ///< a path (expanded) or memory://NAME
  std::string site_url;           ///< Url: picks the site among the grant's
  std::string cloud_id;           ///< CloudId: the same, by id
  std::string browser_command;
  int listener_timeout_s = 300;
  int timeout_s = 60;  ///< Timeout: what a token call may take

  /// What a shared settings store keys this login by.
  StoreScope Scope() const { return {client_id, !cloud_id.empty() ? cloud_id : site_url, timeout_s}; }
};

/// Reads the OAuth properties; expands `$XDG_CONFIG_HOME` and `~` in
/// OAuthSettingsLocation.
Result<OAuthConfig> OAuthConfigFrom(const ConnectionProperties& props);

/// OAuthSettingsLocation with `$XDG_CONFIG_HOME` (or `~/.config`) and a
/// leading `~` expanded; memory:// locations are returned as they are.
std::string ExpandSettingsLocation(const std::string& location);

}  // namespace jirasql
