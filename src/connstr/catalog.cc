#include "connstr/catalog.h"

#include <limits>

#include "common/strings.h"

namespace jirasql {

std::string_view PropTypeName(PropType t) {
  switch (t) {
    case PropType::kString:
      return "string";
    case PropType::kInt:
      return "integer";
    case PropType::kBool:
      return "boolean";
    case PropType::kEnum:
      return "enum";
  }
  return "?";
}

namespace {

constexpr long long kMaxInt = std::numeric_limits<int>::max();
constexpr long long kMaxLong = std::numeric_limits<long long>::max();

PropertySpec Str(std::string_view name, std::string_view category, std::string_view def, std::string_view description,
                 bool secret = false) {
  PropertySpec p;
  p.name = name;
  p.type = PropType::kString;
  p.default_value = def;
  p.secret = secret;
  p.category = category;
  p.description = description;
  return p;
}

PropertySpec Secret(std::string_view name, std::string_view category, std::string_view description) {
  return Str(name, category, "", description, /*secret=*/true);
}

PropertySpec Int(std::string_view name, std::string_view category, std::string_view def, long long min, long long max,
                 std::string_view description) {
  PropertySpec p = Str(name, category, def, description);
  p.type = PropType::kInt;
  p.min = min;
  p.max = max;
  return p;
}

PropertySpec Bool(std::string_view name, std::string_view category, std::string_view def,
                  std::string_view description) {
  PropertySpec p = Str(name, category, def, description);
  p.type = PropType::kBool;
  return p;
}

PropertySpec Enum(std::string_view name, std::string_view category, std::string_view def,
                  std::vector<std::string_view> allowed, std::string_view description) {
  PropertySpec p = Str(name, category, def, description);
  p.type = PropType::kEnum;
  p.allowed = std::move(allowed);
  return p;
}

std::vector<PropertySpec> BuildCatalog() {
  constexpr std::string_view kAuth = "Authentication";
  constexpr std::string_view kOAuth = "OAuth";
  constexpr std::string_view kConn = "Connection";
  constexpr std::string_view kLog = "Logging";
  constexpr std::string_view kData = "Data";
  return {
      // Authentication
      Enum("AuthScheme", kAuth, "OAuth", {"OAuth", "APIToken", "Basic", "PAT", "Anonymous"},
           "How to authenticate: OAuth 2.0 (3LO), Cloud API token, Basic password, Data Center PAT, or none"),
      Str("Url", kAuth, "",
          "The Jira site, e.g. https://yoursite.atlassian.net; with OAuth it picks the site among the grant's sites"),
      Str("User", kAuth, "", "Atlassian account email (APIToken) or user name (Basic)"),
      Secret("APIToken", kAuth, "Jira Cloud API token, sent with User as a Basic header"),
      Secret("Password", kAuth, "Password for Basic authentication (Data Center)"),
      Secret("PersonalAccessToken", kAuth, "Data Center personal access token, sent as a Bearer token"),

      // OAuth 2.0
      Enum("OAuthVersion", kOAuth, "2.0", {"2.0"}, "OAuth version; 2.0 is the only one Jira Cloud offers"),
      Str("OAuthClientId", kOAuth, "", "Client id of your OAuth 2.0 (3LO) app (the consumer key)"),
      Secret("OAuthClientSecret", kOAuth, "Client secret of your OAuth app (the consumer secret)"),
      Str("CallbackURL", kOAuth, "http://localhost:33333",
          "Redirect URI registered in the app; the desktop flow listens on its port, on loopback only"),
      Enum("InitiateOAuth", kOAuth, "OFF", {"OFF", "GETANDREFRESH", "REFRESH"},
           "OFF: you supply OAuthAccessToken; GETANDREFRESH: log in with the browser when needed, refresh "
           "otherwise; REFRESH: only refresh (and exchange OAuthVerifier)"),
      Str("OAuthSettingsLocation", kOAuth, "$XDG_CONFIG_HOME/jirasql/OAuthSettings.json",
          "Where tokens persist between connections: a file path, memory://NAME for this process only, or "
          "postgresql://… for a fleet of hosts (docs/oauth.md)"),
      Secret("OAuthAccessToken", kOAuth, "An access token you supply (InitiateOAuth=OFF)"),
      Secret("OAuthRefreshToken", kOAuth, "A refresh token you supply"),
      Int("OAuthExpiresIn", kOAuth, "", 0, kMaxInt,
          "Lifetime in seconds of the supplied OAuthAccessToken, so it is refreshed before it expires"),
      Int("OAuthTokenTimestamp", kOAuth, "", 0, kMaxLong,
          "When the supplied OAuthAccessToken was issued, in milliseconds since the epoch"),
      Secret("OAuthVerifier", kOAuth,
             "The authorization code from the callback URL, for the headless flow (with InitiateOAuth=REFRESH)"),
      Str("Scope", kOAuth, "read:jira-work read:jira-user offline_access",
          "OAuth scopes to request, space separated; offline_access is needed for refresh tokens"),
      Enum("GrantType", kOAuth, "CODE", {"CODE", "IMPLICIT"},
           "CODE: authorization code grant; IMPLICIT: the callback carries the access token"),
      Str("CloudId", kOAuth, "", "Jira site id; found from the accessible resources when not given"),
      Str("OAuthServerUrl", kOAuth, "",
          "API base for OAuth calls, https://api.atlassian.com/ex/jira/{cloudid}; found from CloudId"),
      Str("OAuthAuthorizationURL", kOAuth, "https://auth.atlassian.com/authorize", "Authorization endpoint"),
      Str("OAuthAccessTokenURL", kOAuth, "https://auth.atlassian.com/oauth/token",
          "Token endpoint for the authorization code"),
      Str("OAuthRefreshTokenURL", kOAuth, "https://auth.atlassian.com/oauth/token", "Token endpoint for refreshing"),
      Str("OAuthAccessibleResourcesURL", kOAuth, "https://api.atlassian.com/oauth/token/accessible-resources",
          "Lists the sites a token can reach"),
      Str("OAuthApiGatewayURL", kOAuth, "https://api.atlassian.com/ex/jira",
          "API gateway base; the site's cloud id is appended"),
      Bool("UsePKCE", kOAuth, "true", "Send an S256 PKCE code challenge as defence in depth"),
      Str("Prompt", kOAuth, "consent", "The prompt parameter of the authorization URL"),
      Str("BrowserCommand", kOAuth, "", "Program that opens the authorization URL; default $BROWSER, then xdg-open"),
      Int("OAuthListenerTimeout", kOAuth, "300", 1, 86400, "Seconds the desktop flow waits for the browser's redirect"),

      // Connection
      Int("Timeout", kConn, "60", 0, 86400, "Seconds a request may take; 0 waits forever"),
      Str("ProxyServer", kConn, "", "HTTP proxy host name or URL"),
      Int("ProxyPort", kConn, "", 1, 65535, "HTTP proxy port"),
      Str("ProxyUser", kConn, "", "HTTP proxy user name"),
      Secret("ProxyPassword", kConn, "HTTP proxy password"),
      Str("SSLServerCert", kConn, "",
          "PEM file of the certificate (or CA) to trust instead of the system store; * trusts any (warns)"),
      Int("MaxThreads", kConn, "4", 1, 64, "How many requests may be in flight at once"),

      // Logging
      Str("Logfile", kLog, "", "File to append the log to; - for standard error"),
      Int("Verbosity", kLog, "1", 0, 5,
          "0 nothing, 1 errors, 2 requests, 3 headers, 4 bodies (truncated), 5 full wire log; secrets always "
          "redacted"),

      // Data
      Int("MaxRows", kData, "-1", -1, kMaxLong, "Most rows a query returns; -1 for all"),
      Int("Pagesize", kData, "100", 1, 5000, "Issues asked for per page"),
      Int("MaxPoints", kData, "0", 0, kMaxLong,
          "Most points of Atlassian's quota (1 a request, 1 an object read) this connection spends; a request "
          "that would pass it is not sent and the statement fails; 0 for no limit"),
      Bool("IncludeCustomFields", kData, "false", "Expose every custom field as a column of Issues"),
      Bool("UseDisplayNames", kData, "true", "Name custom-field columns by display name, not field id"),
      Str("Timezone", kData, "", "IANA time zone for dates sent to Jira; default: the Jira user's"),
      Bool("Readonly", kData, "false", "Refuse INSERT, UPDATE and DELETE"),
      Bool("BulkInserts", kData, "false",
           "INSERT INTO Issues sends its rows 50 at a time (POST /issue/bulk) when the statement ends; "
           "last_insert_rowid() is then not the new issues' id"),
      Bool("DeleteSubtasks", kData, "false",
           "DELETE FROM Issues also deletes the issues' sub-tasks (otherwise Jira refuses to delete an issue that has "
           "them)"),
      Bool("PushDown", kData, "true", "Send WHERE filters to Jira as JQL (SQLite re-checks every row)"),
      Str("Mirror", kData, "",
          "A SQLite file made by jirasql sync: the tables it holds are read from it, not from Jira (read-only)"),
      Int("MirrorMaxAge", kData, "-1", -1, kMaxLong,
          "Seconds: with Mirror, sync it first when its last complete sync is older (or it is missing); -1 never"),
  };
}

}  // namespace

const std::vector<PropertySpec>& PropertyCatalog() {
  static const std::vector<PropertySpec> catalog = BuildCatalog();
  return catalog;
}

const PropertySpec* FindProperty(std::string_view name) {
  for (const auto& p : PropertyCatalog()) {
    if (EqualsIgnoreCase(p.name, name)) return &p;
  }
  return nullptr;
}

const std::vector<std::string>& PropertyNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& p : PropertyCatalog()) out.emplace_back(p.name);
    return out;
  }();
  return names;
}

}  // namespace jirasql
