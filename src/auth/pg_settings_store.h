#pragma once
/// OAuthSettingsLocation=postgresql://…: a login shared by a fleet of hosts
/// through PostgreSQL (docs/oauth.md). Opened by OpenSettingsStore.

#include <memory>
#include <string>

#include "auth/settings_store.h"

namespace jirasql {

/// `location`: a libpq connection URI with no password in it, and
/// optionally `jirasql_login=NAME` (default "default"): the row is
/// (scope.app, scope.site, NAME) of the table jirasql_oauth_logins, made on
/// first use.
Result<std::unique_ptr<SettingsStore>> OpenPgSettingsStore(const std::string& location, const StoreScope& scope);

}  // namespace jirasql
