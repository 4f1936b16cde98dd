#pragma once
/// Which Jira site a grant is for. `accessible-resources` lists every site
/// the user granted the app (in no fixed order), and other products' sites
/// too. The choice: the site whose URL matches `Url` (scheme, case and a
/// trailing slash ignored), else the one whose id is `CloudId`, else the
/// only Jira site; several and no hint is an error that lists them.

#include <string>
#include <vector>

#include "auth/oauth_config.h"
#include "common/error.h"
#include "http/http.h"

namespace jirasql {

struct JiraSite {
  std::string cloud_id, name, url;
  std::vector<std::string> scopes;
};

/// Parses an accessible-resources answer, keeping Jira sites only (those
/// with a Jira scope).
Result<std::vector<JiraSite>> ParseAccessibleResources(const std::string& body);

Result<JiraSite> ChooseSite(const std::vector<JiraSite>& sites, const std::string& url, const std::string& cloud_id);

/// GET accessible-resources with the access token.
Result<std::vector<JiraSite>> FetchAccessibleResources(HttpTransport& http, const OAuthConfig& config,
                                                       const std::string& access_token);

/// "https://X.atlassian.net/" and "X.atlassian.net" compare equal.
std::string NormaliseSiteUrl(const std::string& url);

/// The site a connection asks for: `Url` — a site URL, or an API gateway
/// URL ending in /ex/jira/{cloudid} — and `CloudId`.
struct SiteRequest {
  std::string url;       ///< a site URL ("" when Url names a gateway URL)
  std::string cloud_id;  ///< CloudId, or the id in a gateway Url
  bool empty() const { return url.empty() && cloud_id.empty(); }
  /// "Url=…" or "CloudId=…", for messages.
  std::string Describe() const;
};
SiteRequest SiteRequestFrom(const OAuthConfig& config);

/// Where a connection's API calls go.
struct SiteChoice {
  JiraSite site;
  std::string api_base;  ///< OAuthApiGatewayURL/{cloudid}
};

/// The site of one connection with a login whose saved site is
/// `saved_cloud_id` / `saved_site_url` (both "" when unknown, as with a
/// supplied access token). The rule: with neither Url nor CloudId the saved
/// site; with one of them that names the saved site, the saved site;
/// otherwise another site of the same grant when accessible-resources —
/// asked now with `access_token`, never trusted from a file — lists it; else
/// an error that names the saved site, the asked one and the fix. Never a
/// silent fallback to another site.
Result<SiteChoice> SiteForConnection(HttpTransport& http, const OAuthConfig& config, const std::string& access_token,
                                     const std::string& saved_cloud_id, const std::string& saved_site_url,
                                     const std::string& where_saved);

/// For a new login: the site asked for, else the only Jira site, else the
/// first by URL (`several` is then set, so the caller can say which was
/// taken and how to take another).
Result<JiraSite> ChooseSiteForLogin(const std::vector<JiraSite>& sites, const SiteRequest& asked, bool* several);

/// "\n  https://…  (CloudId=…)" for each site.
std::string ListSites(const std::vector<JiraSite>& sites);

}  // namespace jirasql
