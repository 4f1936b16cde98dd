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

}  // namespace jirasql
