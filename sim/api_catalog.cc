// jirasim: the catalogue resources — myself, serverInfo, fields, projects,
// users, issue types, statuses, priorities, resolutions, status categories.

#include <algorithm>

#include "api.h"
#include "common/base64.h"
#include "common/strings.h"
#include "jql.h"
#include "render.h"

namespace jirasim {

using jirasql::Join;
using jirasql::Split;
using jirasql::ToLower;
using nlohmann::json;

void ApiCall::GetMyself() {
  WriteUser(w, rc, caller.user);
  // Add the fields /myself has beyond a user reference.
  out.pop_back();
  out +=
      ",\"locale\":\"en_US\",\"groups\":{\"size\":1,\"items\":[]},\"applicationRoles\":{\"size\":1,\"items\":[]},"
      "\"expand\":\"groups,applicationRoles\"}";
  return ok();
}

void ApiCall::GetServerInfo() {
  w.BeginObject()
      .Field("baseUrl", base)
      .Field("version", options.datacenter ? "9.12.0" : "1001.0.0-SNAPSHOT")
      .Key("versionNumbers")
      .BeginArray()
      .Int(options.datacenter ? 9 : 1001)
      .Int(options.datacenter ? 12 : 0)
      .Int(0)
      .EndArray()
      .Field("deploymentType", options.datacenter ? "Server" : "Cloud")
      .Field("buildNumber", 100280)
      .Field("buildDate", FormatTimestamp(sim.start_ms_ - 86400000, 0))
      .Field("serverTime", FormatTimestamp(now, tz))
      .Field("scmInfo", "0000000000000000000000000000000000000000")
      .Field("serverTitle", "jirasim " + site.name)
      .EndObject();
  return ok();
}

void ApiCall::GetFields() {
  WriteFieldList(w, rc);
  return ok();
}

void ApiCall::GetProjects() {
  w.BeginArray();
  const std::string expand = req.get_param_value("expand");
  for (std::size_t p = 0; p < site.projects.size(); ++p) WriteListedProject(w, rc, static_cast<int>(p), expand);
  w.EndArray();
  return ok();
}

void ApiCall::SearchProjects() {
  const auto [start, max] = paging(50, 100);
  std::vector<int> picked;
  auto keys = ListParam(req, "keys");
  std::string query = ToLower(req.get_param_value("query"));
  for (std::size_t p = 0; p < site.projects.size(); ++p) {
    const auto& pr = site.projects[p];
    bool key_ok = keys.empty() || std::find(keys.begin(), keys.end(), pr.key) != keys.end();
    bool q_ok = query.empty() || ToLower(pr.key).find(query) != std::string::npos ||
                ToLower(pr.name).find(query) != std::string::npos;
    if (key_ok && q_ok) picked.push_back(static_cast<int>(p));
  }
  const std::string expand = req.get_param_value("expand");
  WritePage(static_cast<int64_t>(picked.size()), {start, max},
            [&](int64_t i) { WriteListedProject(w, rc, picked[i], expand); });
  return ok();
}

void ApiCall::GetProject() {
  int p = site.FindProject(c[0]);
  if (p < 0) return JiraError(res, 404, "No project could be found with key '" + c[0] + "'.");
  WriteProject(w, rc, p, true);
  return ok();
}

void ApiCall::SearchUsers() {
  const auto [start, max] = paging(50, 1000);
  std::string q = ToLower(req.get_param_value(req.has_param("username") ? "username" : "query"));
  w.BeginArray();
  int64_t seen = 0, written = 0;
  for (std::size_t u = 0; u < world.users.size() && written < max; ++u) {
    const User& us = world.users[u];
    if (!q.empty() && q != "." && ToLower(us.display_name).find(q) == std::string::npos &&
        ToLower(us.email).find(q) == std::string::npos && ToLower(us.name).find(q) == std::string::npos)
      continue;
    if (seen++ < start) continue;
    WriteUser(w, rc, static_cast<int>(u));
    ++written;
  }
  w.EndArray();
  return ok();
}

void ApiCall::GetUser() {
  std::string id = req.get_param_value(req.has_param("accountId") ? "accountId" : "username");
  for (std::size_t u = 0; u < world.users.size(); ++u) {
    if (world.users[u].account_id == id || world.users[u].name == id) {
      WriteUser(w, rc, static_cast<int>(u));
      return ok();
    }
  }
  return JiraError(res, 404, "Specified user does not exist or you do not have required permissions");
}

void ApiCall::GetCatalogue() {
  const std::string& what = segs[from];
  const auto& cat = world.catalogs;
  w.BeginArray();
  std::size_t n = what == "issuetype"    ? cat.types.size()
                  : what == "status"     ? cat.statuses.size()
                  : what == "priority"   ? cat.priorities.size()
                  : what == "resolution" ? cat.resolutions.size()
                                         : cat.categories.size();
  for (std::size_t i = 0; i < n; ++i) {
    int k = static_cast<int>(i);
    if (what == "issuetype")
      WriteIssueType(w, rc, k);
    else if (what == "status")
      WriteStatus(w, rc, k);
    else if (what == "priority")
      WriteListedPriority(w, rc, k);
    else if (what == "resolution")
      WriteResolution(w, rc, k);
    else
      WriteStatusCategory(w, rc, k);
  }
  w.EndArray();
  return ok();
}

}  // namespace jirasim
