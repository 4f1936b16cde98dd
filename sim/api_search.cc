// jirasim: issue search — Data Center's startAt search, Cloud's enhanced
// search (nextPageToken), approximate count, bulk fetch. All read-only.

#include <algorithm>
#include <set>

#include "api.h"
#include "common/base64.h"
#include "common/strings.h"
#include "jql.h"
#include "render.h"

namespace jirasim {

using jirasql::Base64Decode;
using jirasql::Base64UrlEncode;
using jirasql::Join;
using jirasql::Split;
using jirasql::ToLower;
using nlohmann::json;

namespace {

std::string Hash(const std::string& s) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016zx", std::hash<std::string>{}(s));
  return buf;
}

}  // namespace

void ApiCall::SearchDataCenter() {
  if (!options.datacenter) {
    return JiraError(res, 410,
                     "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full "
                     "migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046");
  }
  // Data Center: startAt / maxResults / total.
  std::string jql;
  int64_t start = 0, max = 50;
  std::vector<std::string> fields, properties;
  std::string expand;
  if (req.method == "POST") {
    auto b = body();
    if (!b) return;
    jql = b->value("jql", "");
    start = b->value("startAt", 0);
    max = b->value("maxResults", 50);
    if (b->contains("fields")) fields = JsonList((*b)["fields"]);
    if (b->contains("expand")) expand = Join(JsonList((*b)["expand"]), ",");
    if (b->contains("properties")) properties = JsonList((*b)["properties"]);
  } else {
    jql = req.get_param_value("jql");
    start = IntParam(req, "startAt", 0);
    max = IntParam(req, "maxResults", 50);
    fields = ListParam(req, "fields");
    expand = req.get_param_value("expand");
    properties = ListParam(req, "properties");
  }
  start = std::max<int64_t>(0, start);
  max = std::clamp<int64_t>(max, 0, 1000);
  std::string key;
  auto ids = run_query(jql, &key);
  if (!ids) return;
  auto fs = FieldSelection::Parse(fields, "*navigable", world.catalogs);
  bool changelog = expand.find("changelog") != std::string::npos;
  int64_t total = static_cast<int64_t>(ids->size());
  int64_t end = std::min(total, start + max);
  w.BeginObject()
      .Field("expand", "schema,names")
      .Field("startAt", start)
      .Field("maxResults", max)
      .Field("total", total)
      .Key("issues")
      .BeginArray();
  for (int64_t i = start; i < end; ++i) WriteIssue(w, rc, (*ids)[i], fs, changelog, properties);
  w.EndArray().EndObject();
  return ok();
}

void ApiCall::SearchJql() {
  std::string jql, token, expand;
  int64_t max = 50;
  std::vector<std::string> fields, properties;
  if (req.method == "POST") {
    auto b = body();
    if (!b) return;
    jql = b->value("jql", "");
    if (b->contains("nextPageToken") && (*b)["nextPageToken"].is_string()) token = (*b)["nextPageToken"];
    max = b->value("maxResults", 50);
    if (b->contains("fields")) fields = JsonList((*b)["fields"]);
    if (b->contains("expand")) expand = Join(JsonList((*b)["expand"]), ",");
    if (b->contains("properties")) properties = JsonList((*b)["properties"]);
  } else {
    jql = req.get_param_value("jql");
    token = req.get_param_value("nextPageToken");
    max = IntParam(req, "maxResults", 50);
    fields = ListParam(req, "fields");
    expand = req.get_param_value("expand");
    properties = ListParam(req, "properties");
  }
  if (properties.size() > 5) return JiraError(res, 400, "You can request at most 5 properties.");
  if (!bounded(jql)) return;
  auto fs = FieldSelection::Parse(fields, "id", world.catalogs);
  // Atlassian: up to 5000 per page for id/key-only requests; we cap full pages at 100.
  max = std::clamp<int64_t>(max, 1, fs.IdOnly() ? 5000 : 100);
  std::string key;
  auto ids = run_query(jql, &key);
  if (!ids) return;
  int64_t start = 0;
  if (!token.empty()) {
    auto decoded = Base64Decode(token);
    auto parts = decoded ? Split(*decoded, ':') : std::vector<std::string>{};
    auto off = parts.size() == 3 ? jirasql::ParseInt(parts[1]) : std::nullopt;
    if (!off || parts[0] != "v1" || parts[2] != Hash(jql) || *off < 0) {
      return JiraError(res, 400, "The provided nextPageToken is invalid or does not belong to this query.");
    }
    start = *off;
  }
  bool changelog = expand.find("changelog") != std::string::npos;
  int64_t total = static_cast<int64_t>(ids->size());
  int64_t end = std::min(total, start + max);
  w.BeginObject().Key("issues").BeginArray();
  for (int64_t i = start; i < end; ++i) WriteIssue(w, rc, (*ids)[i], fs, changelog, properties);
  w.EndArray();
  if (end < total) w.Field("nextPageToken", Base64UrlEncode("v1:" + std::to_string(end) + ":" + Hash(jql)));
  w.Field("isLast", end >= total).EndObject();
  return ok();
}

void ApiCall::ApproximateCount() {
  auto b = body();
  if (!b) return;
  std::string jql = b->value("jql", "");
  if (!bounded(jql)) return;
  std::string key;
  auto ids = run_query(jql, &key);
  if (!ids) return;
  w.BeginObject().Field("count", static_cast<int64_t>(ids->size())).EndObject();
  return ok();
}

void ApiCall::MatchIssues() {
  // POST /jql/match: which of the issueIds each JQL returns. A JQL that does
  // not parse is answered with its errors, not a 400, as Jira does.
  auto b = body();
  if (!b) return;
  const json* ids = b->contains("issueIds") ? &(*b)["issueIds"] : nullptr;
  const json* jqls = b->contains("jqls") ? &(*b)["jqls"] : nullptr;
  if (!ids || !ids->is_array() || !jqls || !jqls->is_array()) {
    return JiraError(res, 400, "issueIds and jqls are required, each a list.");
  }
  if (ids->size() > kMatchMaxIds) {
    return JiraError(res, 400, "You can check at most " + std::to_string(kMatchMaxIds) + " issue IDs at a time.");
  }
  if (jqls->size() > kMatchMaxJqls) {
    return JiraError(res, 400, "You can check at most " + std::to_string(kMatchMaxJqls) + " JQL queries at a time.");
  }
  std::vector<int64_t> asked;
  for (const auto& id : *ids) {
    if (!id.is_number_integer()) return JiraError(res, 400, "issueIds must be numbers.");
    asked.push_back(id.get<int64_t>());
  }
  w.BeginObject().Key("matches").BeginArray();
  for (const auto& j : *jqls) {
    w.BeginObject().Key("matchedIssues").BeginArray();
    jirasql::Result<JqlQuery> q =
        j.is_string() ? ParseJql(j.get<std::string>(), jctx)
                      : jirasql::Fail(jirasql::ErrorCode::kInvalidArgument, "A JQL query must be a string.");
    if (q) {
      const std::vector<int64_t> hits = Execute(*q, jctx);
      const std::set<int64_t> hit(hits.begin(), hits.end());
      for (int64_t id : asked) {
        const int64_t idx = site.FindIssue(std::to_string(id));
        if (idx >= 0 && hit.count(idx)) w.Int(id);
      }
    }
    w.EndArray().Key("errors").BeginArray();
    if (!q) w.String(q.error().message);
    w.EndArray().EndObject();
  }
  w.EndArray().EndObject();
  return ok();
}

void ApiCall::BulkFetch() {
  auto b = body();
  if (!b) return;
  auto wanted = JsonList(b->value("issueIdsOrKeys", json::array()));
  if (wanted.empty()) return JiraError(res, 400, "issueIdsOrKeys must hold at least one issue id or key.");
  if (wanted.size() > 100) return JiraError(res, 400, "You can request up to 100 issues at a time.");
  std::vector<std::string> fields = b->contains("fields") ? JsonList((*b)["fields"]) : std::vector<std::string>{};
  auto fs = FieldSelection::Parse(fields, "*navigable", world.catalogs);
  bool changelog = false;
  for (const auto& e : JsonList(b->value("expand", json::array()))) changelog |= e == "changelog";
  const std::vector<int64_t> found = FoundIssues(wanted);
  w.BeginObject().Key("issues").BeginArray();
  for (int64_t idx : found) WriteIssue(w, rc, idx, fs, changelog);
  w.EndArray().Key("issueErrors").BeginArray().EndArray().EndObject();
  return ok();
}

}  // namespace jirasim
