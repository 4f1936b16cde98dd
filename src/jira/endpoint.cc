#include "jira/endpoint.h"

namespace jirasql {

namespace {
std::string StripSlash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}
}  // namespace

std::string ApiEndpoint::Rest(std::string_view path) const {
  return base_url + "/rest/api/" + std::to_string(api_version) + std::string(path);
}

Result<ApiEndpoint> ResolveEndpoint(const ConnectionProperties& props) {
  ApiEndpoint ep;
  const std::string scheme = props.Get("AuthScheme");
  if (scheme == "OAuth") {
    ep.api_version = 3;
    if (!props.Get("OAuthServerUrl").empty()) {
      ep.base_url = StripSlash(props.Get("OAuthServerUrl"));
    } else if (!props.Get("CloudId").empty()) {
      ep.base_url = StripSlash(props.Get("OAuthApiGatewayURL")) + "/" + props.Get("CloudId");
    } else {
      return Fail(ErrorCode::kInvalidArgument,
                  "OAuth with a supplied access token needs the site: set CloudId=<site id> or "
                  "OAuthServerUrl=https://api.atlassian.com/ex/jira/<site id>");
    }
  } else {
    ep.api_version = (scheme == "APIToken") ? 3 : 2;
    ep.base_url = StripSlash(props.Get("Url"));
    if (ep.base_url.empty()) {
      return Fail(ErrorCode::kInvalidArgument, "AuthScheme=" + scheme + " needs Url=https://your-jira-site");
    }
  }
  if (ep.base_url.rfind("http://", 0) != 0 && ep.base_url.rfind("https://", 0) != 0) {
    return Fail(ErrorCode::kInvalidArgument,
                "the Jira URL must start with https:// (or http:// for a local server); got '" + ep.base_url + "'");
  }
  return ep;
}

Result<Headers> StaticAuthHeaders(const ConnectionProperties& props) {
  if (auto r = props.CheckComplete(); !r) return Fail(r.error());
  const std::string scheme = props.Get("AuthScheme");
  Headers h{{"Accept", "application/json"}};
  if (scheme == "APIToken") {
    h.emplace_back("Authorization", "Basic " + Base64Encode(props.Get("User") + ":" + props.Get("APIToken")));
  } else if (scheme == "Basic") {
    h.emplace_back("Authorization", "Basic " + Base64Encode(props.Get("User") + ":" + props.Get("Password")));
  } else if (scheme == "PAT") {
    h.emplace_back("Authorization", "Bearer " + props.Get("PersonalAccessToken"));
  } else if (scheme == "OAuth") {
    if (props.Get("InitiateOAuth") != "OFF") {
      return Fail(ErrorCode::kInvalidArgument,
                  "InitiateOAuth=" + props.Get("InitiateOAuth") +
                      " is not available yet in this build; use InitiateOAuth=OFF with OAuthAccessToken");
    }
    h.emplace_back("Authorization", "Bearer " + props.Get("OAuthAccessToken"));
  }
  return h;
}

}  // namespace jirasql
