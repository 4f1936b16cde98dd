// jirasim: the agile API — boards, their sprints, a sprint's issues.

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

void ApiCall::GetBoards() {
  const auto [start, max] = paging(50, 50);
  int64_t total = static_cast<int64_t>(site.boards.size()), end = std::min(total, start + max);
  w.BeginObject()
      .Field("maxResults", max)
      .Field("startAt", start)
      .Field("total", total)
      .Field("isLast", end >= total)
      .Key("values")
      .BeginArray();
  for (int64_t b = start; b < end; ++b) {
    const Board& bd = site.boards[b];
    const Project& pr = site.projects[bd.project];
    w.BeginObject()
        .Field("id", bd.id)
        .Field("self", base + "/rest/agile/1.0/board/" + std::to_string(bd.id))
        .Field("name", bd.name)
        .Field("type", "scrum")
        .Key("location")
        .BeginObject()
        .Field("projectId", pr.id)
        .Field("displayName", pr.name + " (" + pr.key + ")")
        .Field("projectName", pr.name)
        .Field("projectKey", pr.key)
        .Field("projectTypeKey", "software")
        .Field("name", pr.name + " (" + pr.key + ")")
        .EndObject()
        .EndObject();
  }
  w.EndArray().EndObject();
  return ok();
}

void ApiCall::BoardSprints() {
  auto bid = jirasql::ParseInt(c[0]);
  int board = -1;
  for (std::size_t b = 0; b < site.boards.size(); ++b) {
    if (bid && site.boards[b].id == *bid) board = static_cast<int>(b);
  }
  if (board < 0) return JiraError(res, 404, "Board does not exist or you do not have permission to see it.");
  std::vector<std::string> states;
  for (auto& s : Split(req.get_param_value("state"), ',')) {
    if (!s.empty()) states.push_back(s);
  }
  std::vector<int> picked;
  for (std::size_t s = 0; s < site.sprints.size(); ++s) {
    if (site.sprints[s].board != board) continue;
    if (!states.empty() && std::find(states.begin(), states.end(), site.sprints[s].state) == states.end()) continue;
    picked.push_back(static_cast<int>(s));
  }
  const auto [start, max] = paging(50, 50);
  int64_t total = static_cast<int64_t>(picked.size()), end = std::min(total, start + max);
  w.BeginObject()
      .Field("maxResults", max)
      .Field("startAt", start)
      .Field("isLast", end >= total)
      .Key("values")
      .BeginArray();
  for (int64_t i = start; i < end; ++i) WriteSprint(w, rc, picked[i]);
  w.EndArray().EndObject();
  return ok();
}

void ApiCall::SprintIssues() {
  auto sid = jirasql::ParseInt(c[0]);
  int sprint = -1;
  for (std::size_t s = 0; s < site.sprints.size(); ++s) {
    if (sid && site.sprints[s].id == *sid) sprint = static_cast<int>(s);
  }
  if (sprint < 0) return JiraError(res, 404, "Sprint does not exist or you do not have permission to see it.");
  std::string jql = "sprint = " + std::to_string(site.sprints[sprint].id);
  if (!req.get_param_value("jql").empty()) jql = "(" + jql + ") AND (" + req.get_param_value("jql") + ")";
  std::string key;
  auto ids = run_query(jql, &key);
  if (!ids) return;
  auto fs = FieldSelection::Parse(ListParam(req, "fields"), "*navigable", world.catalogs);
  const auto [start, max] = paging(50, 100);
  int64_t total = static_cast<int64_t>(ids->size()), end = std::min(total, start + max);
  w.BeginObject()
      .Field("expand", "schema,names")
      .Field("startAt", start)
      .Field("maxResults", max)
      .Field("total", total)
      .Key("issues")
      .BeginArray();
  for (int64_t i = start; i < end; ++i) WriteIssue(w, rc, (*ids)[i], fs);
  w.EndArray().EndObject();
  return ok();
}

}  // namespace jirasim
