#pragma once
/// Where a connection's REST calls go and how they authenticate, for the
/// schemes that need no token exchange (API token, Basic, PAT, anonymous,
/// and OAuth with a caller-supplied access token).

#include <string>

#include "common/base64.h"
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

/// Cloud (APIToken, OAuth) uses REST v3; Data Center (Basic, PAT) and
/// anonymous access use v2, which both serve.
Result<ApiEndpoint> ResolveEndpoint(const ConnectionProperties& props);

/// The Authorization header for the static schemes; OAuth uses
/// OAuthAccessToken. No header for Anonymous.
Result<Headers> StaticAuthHeaders(const ConnectionProperties& props);

}  // namespace jirasql
