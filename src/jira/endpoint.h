#pragma once
/// Where a connection's REST calls go: the site (from its credentials, see
/// auth/credentials.h) and the REST API version Jira serves there.

#include <string>

#include "common/error.h"
#include "connstr/properties.h"
#include "http/http.h"

namespace jirasql {

struct ApiEndpoint {
  std::string base_url;  ///< site or gateway base, no trailing '/'
  int api_version = 3;   ///< 3 for Jira Cloud, 2 for Data Center

  /// base_url + "/rest/api/<version>" + path
  std::string Rest(std::string_view path) const;
};

/// The endpoint of a site known from the properties alone (SiteFromProperties):
/// Cloud (APIToken, OAuth) uses REST v3; Data Center (Basic, PAT) and
/// anonymous access use v2, which both serve.
Result<ApiEndpoint> ResolveEndpoint(const ConnectionProperties& props);

}  // namespace jirasql
