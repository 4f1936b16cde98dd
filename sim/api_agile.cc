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

// A board as GET board lists it.
void ApiCall::WriteBoard(const Board& bd) {
  const Project& pr = site.projects[bd.project];
  w.BeginObject()
      .Field("id", bd.id)
      .Field("self", base + "/rest/agile/1.0/board/" + std::to_string(bd.id))
      .Field("name", bd.name)
      .Field("type", bd.type)
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
  for (int64_t b = start; b < end; ++b) WriteBoard(site.boards[static_cast<std::size_t>(b)]);
  w.EndArray().EndObject();
  return ok();
}

void ApiCall::GetBoard() {
  auto bid = jirasql::ParseInt(c[0]);
  for (const auto& b : site.boards) {
    if (bid && b.id == *bid) {
      WriteBoard(b);
      return ok();
    }
  }
  return JiraError(res, 404, "Board does not exist or you do not have permission to see it.");
}

void ApiCall::BoardSprints() {
  auto bid = jirasql::ParseInt(c[0]);
  int board = -1;
  for (std::size_t b = 0; b < site.boards.size(); ++b) {
    if (bid && site.boards[b].id == *bid) board = static_cast<int>(b);
  }
  if (board < 0) return JiraError(res, 404, "Board does not exist or you do not have permission to see it.");
  if (site.boards[static_cast<std::size_t>(board)].type != "scrum") {
    return JiraError(res, 400, "The board does not support sprints");
  }
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

void ApiCall::BoardConfiguration() {
  auto bid = jirasql::ParseInt(c[0]);
  const Board* bd = nullptr;
  for (const auto& b : site.boards) {
    if (bid && b.id == *bid) bd = &b;
  }
  if (!bd) return JiraError(res, 404, "Board does not exist or you do not have permission to see it.");
  const Project& pr = site.projects[static_cast<std::size_t>(bd->project)];
  const std::string api = base + "/rest/api/" + (options.datacenter ? "2" : "3");
  w.BeginObject()
      .Field("id", bd->id)
      .Field("name", bd->name)
      .Field("type", bd->type)
      .Field("self", base + "/rest/agile/1.0/board/" + std::to_string(bd->id) + "/configuration")
      .Key("location")
      .BeginObject()
      .Field("type", "project")
      .Field("projectKeyOrId", pr.key)
      .EndObject()
      .Key("filter")
      .BeginObject()
      .Field("id", std::to_string(bd->filter_id))
      .Field("self", api + "/filter/" + std::to_string(bd->filter_id))
      .EndObject();
  if (!bd->sub_query.empty()) w.Key("subQuery").BeginObject().Field("query", bd->sub_query).EndObject();
  w.Key("columnConfig").BeginObject().Key("columns").BeginArray();
  for (const auto& col : bd->columns) {
    w.BeginObject().Field("name", col.name).Key("statuses").BeginArray();
    for (int s : col.statuses) {
      const auto id = std::to_string(world.catalogs.statuses[static_cast<std::size_t>(s)].id);
      w.BeginObject().Field("id", id).Field("self", api + "/status/" + id).EndObject();
    }
    w.EndArray();
    if (col.min >= 0) w.Field("min", static_cast<int64_t>(col.min));
    if (col.max >= 0) w.Field("max", static_cast<int64_t>(col.max));
    w.EndObject();
  }
  w.EndArray().Field("constraintType", "issueCount").EndObject();
  if (bd->type == "scrum") {  // kanban boards estimate nothing
    w.Key("estimation")
        .BeginObject()
        .Field("type", "field")
        .Key("field")
        .BeginObject()
        .Field("fieldId", "customfield_10016")
        .Field("displayName", "Story Points")
        .EndObject()
        .EndObject();
  }
  w.Key("ranking").BeginObject().Field("rankCustomFieldId", int64_t{10019}).EndObject().EndObject();
  return ok();
}

void ApiCall::GetSprint() {
  auto sid = jirasql::ParseInt(c[0]);
  for (std::size_t s = 0; s < site.sprints.size(); ++s) {
    if (sid && site.sprints[s].id == *sid) {
      WriteSprint(w, rc, static_cast<int>(s));
      return ok();
    }
  }
  return JiraError(res, 404, "Sprint does not exist or you do not have permission to see it.");
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
