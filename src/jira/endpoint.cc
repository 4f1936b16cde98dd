#include "jira/endpoint.h"

#include "auth/credentials.h"

namespace jirasql {

std::string ApiEndpoint::Rest(std::string_view path) const {
  return base_url + "/rest/api/" + std::to_string(api_version) + std::string(path);
}

Result<ApiEndpoint> ResolveEndpoint(const ConnectionProperties& props) {
  auto site = SiteFromProperties(props);
  if (!site) return Fail(site.error());
  return ApiEndpoint{site->base_url, site->api_version};
}

}  // namespace jirasql
