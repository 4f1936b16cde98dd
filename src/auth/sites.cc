#include "auth/sites.h"

#include <nlohmann/json.hpp>

#include "common/strings.h"
#include "http/response_error.h"

namespace jirasql {

std::string NormaliseSiteUrl(const std::string& url) {
  std::string u = ToLower(Trim(url));
  if (auto p = u.find("://"); p != std::string::npos) u = u.substr(p + 3);
  while (!u.empty() && u.back() == '/') u.pop_back();
  return u;
}

Result<std::vector<JiraSite>> ParseAccessibleResources(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_array()) {
    return Fail(ErrorCode::kBadResponse, "accessible-resources: the answer is not a JSON array");
  }
  std::vector<JiraSite> out;
  for (const auto& r : j) {
    if (!r.is_object()) continue;
    JiraSite s;
    s.cloud_id = r.value("id", "");
    s.name = r.value("name", "");
    s.url = r.value("url", "");
    bool jira = false;
    if (r.contains("scopes") && r["scopes"].is_array()) {
      for (const auto& sc : r["scopes"]) {
        if (!sc.is_string()) continue;
        s.scopes.push_back(sc.get<std::string>());
        if (s.scopes.back().find("jira") != std::string::npos) jira = true;
      }
    }
    if (jira && !s.cloud_id.empty()) out.push_back(std::move(s));
  }
  return out;
}

Result<JiraSite> ChooseSite(const std::vector<JiraSite>& sites, const std::string& url, const std::string& cloud_id) {
  auto listing = [&] {
    std::string out;
    for (const auto& s : sites) out += "\n  " + s.url + "  (CloudId=" + s.cloud_id + ")";
    return out;
  };
  if (sites.empty()) {
    return Fail(ErrorCode::kPermissionDenied,
                "this login reaches no Jira site: the grant holds no Jira scopes for any site; log in again and "
                "pick a Jira site on the consent page");
  }
  if (!url.empty()) {
    for (const auto& s : sites) {
      if (NormaliseSiteUrl(s.url) == NormaliseSiteUrl(url)) return s;
    }
    return Fail(ErrorCode::kInvalidArgument, "Url=" + url + " is not among the sites this login reaches:" + listing() +
                                                 "\nset Url to one of them, or log in again and grant that site");
  }
  if (!cloud_id.empty()) {
    for (const auto& s : sites) {
      if (s.cloud_id == cloud_id) return s;
    }
    return Fail(ErrorCode::kInvalidArgument,
                "CloudId=" + cloud_id + " is not among the sites this login reaches:" + listing());
  }
  if (sites.size() == 1) return sites.front();
  return Fail(ErrorCode::kInvalidArgument,
              "this login reaches several Jira sites; say which with Url=… or CloudId=…:" + listing());
}

Result<std::vector<JiraSite>> FetchAccessibleResources(HttpTransport& http, const OAuthConfig& config,
                                                       const std::string& access_token) {
  HttpRequest req{"GET", config.accessible_resources_url,
                  {{"Authorization", "Bearer " + access_token}, {"Accept", "application/json"}}, "", std::nullopt};
  auto resp = ExpectSuccess(http.Send(req), "GET " + UrlForMessage(req.url));
  if (!resp) return Fail(resp.error());
  return ParseAccessibleResources(resp->body);
}

}  // namespace jirasql
