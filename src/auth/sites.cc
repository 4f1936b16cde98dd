#include "auth/sites.h"

#include <algorithm>
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

std::string ListSites(const std::vector<JiraSite>& sites) {
  std::string out;
  for (const auto& s : sites) out += "\n  " + s.url + "  (CloudId=" + s.cloud_id + ")";
  return out;
}

Result<JiraSite> ChooseSite(const std::vector<JiraSite>& sites, const std::string& url, const std::string& cloud_id) {
  auto listing = [&] { return ListSites(sites); };
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
  HttpRequest req{"GET",
                  config.accessible_resources_url,
                  {{"Authorization", "Bearer " + access_token}, {"Accept", "application/json"}},
                  "",
                  std::nullopt};
  auto resp = ExpectSuccess(http.Send(req), "GET " + UrlForMessage(req.url));
  if (!resp) return Fail(resp.error());
  return ParseAccessibleResources(resp->body);
}

}  // namespace jirasql

namespace jirasql {

std::string SiteRequest::Describe() const { return url.empty() ? "CloudId=" + cloud_id : "Url=" + url; }

SiteRequest SiteRequestFrom(const OAuthConfig& config) {
  SiteRequest r;
  r.url = Trim(config.site_url);
  r.cloud_id = Trim(config.cloud_id);
  // An API gateway URL names the site by its id: …/ex/jira/{cloudid}[/…].
  const std::string marker = "/ex/jira/";
  if (auto p = r.url.find(marker); p != std::string::npos) {
    std::string id = r.url.substr(p + marker.size());
    id = id.substr(0, id.find('/'));
    if (!id.empty()) {
      if (r.cloud_id.empty()) r.cloud_id = id;
      r.url.clear();
    }
  }
  return r;
}

Result<JiraSite> ChooseSiteForLogin(const std::vector<JiraSite>& sites, const SiteRequest& asked, bool* several) {
  *several = false;
  if (!asked.empty() || sites.size() <= 1) return ChooseSite(sites, asked.url, asked.cloud_id);
  // Several sites and no hint: the first by URL, and the caller says so.
  *several = true;
  return *std::min_element(sites.begin(), sites.end(), [](const JiraSite& a, const JiraSite& b) {
    return NormaliseSiteUrl(a.url) < NormaliseSiteUrl(b.url);
  });
}

Result<SiteChoice> SiteForConnection(HttpTransport& http, const OAuthConfig& config, const std::string& access_token,
                                     const std::string& saved_cloud_id, const std::string& saved_site_url,
                                     const std::string& where_saved) {
  const SiteRequest asked = SiteRequestFrom(config);
  const bool saved_known = !saved_cloud_id.empty();
  auto saved_choice = [&] {
    SiteChoice c;
    c.site.cloud_id = saved_cloud_id;
    c.site.url = saved_site_url;
    c.api_base = config.api_gateway_url + "/" + saved_cloud_id;
    return c;
  };
  if (saved_known) {
    if (asked.empty()) return saved_choice();
    const bool same = asked.url.empty() ? asked.cloud_id == saved_cloud_id
                                        : NormaliseSiteUrl(asked.url) == NormaliseSiteUrl(saved_site_url);
    if (same) return saved_choice();
  }
  // Another site than the saved one, or none saved: ask Atlassian which
  // sites this grant reaches now.
  auto sites = FetchAccessibleResources(http, config, access_token);
  if (!sites) return Fail(sites.error().WithContext("finding the Jira site " + asked.Describe()));
  const std::string saved_text = saved_known
                                     ? " The login saved in " + where_saved + " is for " +
                                           (saved_site_url.empty() ? "CloudId=" + saved_cloud_id : saved_site_url) + "."
                                     : "";
  if (asked.empty()) {
    // A supplied access token, and no hint: the only site, or an error.
    auto only = ChooseSite(*sites, "", "");
    if (!only) return Fail(only.error());
    return SiteChoice{*only, config.api_gateway_url + "/" + only->cloud_id};
  }
  auto chosen = ChooseSite(*sites, asked.url, asked.cloud_id);
  if (!chosen) {
    return Fail(ErrorCode::kInvalidArgument,
                asked.Describe() + " is not among the Jira sites this login reaches:" + ListSites(*sites) + "\n" +
                    saved_text.substr(saved_text.empty() ? 0 : 1) + (saved_text.empty() ? "" : " ") +
                    "Set Url to one of those sites, log in again and grant " + asked.Describe() +
                    " on the consent page (jirasql auth login), or keep that site's login apart with another "
                    "OAuthSettingsLocation");
  }
  return SiteChoice{*chosen, config.api_gateway_url + "/" + chosen->cloud_id};
}

}  // namespace jirasql
