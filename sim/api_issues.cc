// jirasim: one issue and its children — create, read, edit, delete; comments,
// worklogs, changelog.

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

namespace {

// Sets the editable fields of an issue from a request's "fields" object.
// Returns the name of the first field it cannot set.
std::optional<std::string> ApplyFields(const World& world, Site& site, int64_t idx, const json& fields,
                                       std::vector<ChangeItem>* changes) {
  Issue& x = site.issues[idx];
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    const std::string& k = it.key();
    const json& v = it.value();
    if (k == "summary" && v.is_string()) {
      changes->push_back({"summary", "jira", "", x.summary, "", v.get<std::string>()});
      x.summary = v.get<std::string>();
    } else if (k == "description") {
      site.description_override[idx] = v.is_null()     ? "null"
                                       : v.is_string() ? PlainToAdf(v.get<std::string>())
                                                       : v.dump();
    } else if (k == "priority" && v.is_object()) {
      for (std::size_t pr = 0; pr < world.catalogs.priorities.size(); ++pr) {
        if (v.value("name", "") == world.catalogs.priorities[pr].name ||
            v.value("id", "") == std::to_string(world.catalogs.priorities[pr].id))
          x.priority = static_cast<int>(pr);
      }
    } else if (k == "assignee") {
      x.assignee = -1;
      if (v.is_object()) {
        for (std::size_t u = 0; u < world.users.size(); ++u) {
          if (v.value("accountId", "") == world.users[u].account_id || v.value("name", "") == world.users[u].name)
            x.assignee = static_cast<int>(u);
        }
      }
    } else if (k == "labels" && v.is_array()) {
      x.labels = 0;
      for (const auto& l : v) {
        for (std::size_t li = 0; li < world.catalogs.labels.size(); ++li) {
          if (l.is_string() && l.get<std::string>() == world.catalogs.labels[li]) x.labels |= 1u << li;
        }
      }
    } else if (k == "duedate") {
      x.due_day = kNone;
      int64_t ms = 0;
      if (v.is_string() && ParseJqlDate(v.get<std::string>(), 0, 0, &ms)) x.due_day = ms / 86400000;
    } else if (k == "parent" && v.is_object()) {
      int64_t pi = site.FindIssue(v.value("key", v.value("id", "")));
      if (pi < 0) return std::string("parent");
      x.parent = pi;
    } else {
      return k;
    }
  }
  return std::nullopt;
}

void FieldError(httplib::Response& res, const std::string& field) {
  SendJson(res, 400,
           json{{"errorMessages", json::array()},
                {"errors",
                 {{field, "Field '" + field + "' cannot be set. It is not on the appropriate screen, or unknown."}}}}
               .dump());
}

}  // namespace

void ApiCall::CreateIssue() {
  auto b = body();
  if (!b) return;
  json f = b->value("fields", json::object());
  std::map<std::string, std::string> errors;
  int p = -1;
  if (f.contains("project") && f["project"].is_object()) {
    p = site.FindProject(f["project"].value("key", f["project"].value("id", "")));
  }
  if (p < 0) errors["project"] = "Specify a valid project ID or key";
  int type = -1;
  if (f.contains("issuetype") && f["issuetype"].is_object()) {
    for (std::size_t t = 0; t < world.catalogs.types.size(); ++t) {
      const auto& it = world.catalogs.types[t];
      if (f["issuetype"].value("name", "") == it.name || f["issuetype"].value("id", "") == std::to_string(it.id))
        type = static_cast<int>(t);
    }
  }
  if (type < 0) errors["issuetype"] = "Specify an issue type";
  std::string summary = f.value("summary", "");
  if (summary.empty()) errors["summary"] = "You must specify a summary of the issue.";
  if (!errors.empty()) return SendJson(res, 400, json{{"errorMessages", json::array()}, {"errors", errors}}.dump());
  Issue is;
  is.id = 10000 + static_cast<int64_t>(site.issues.size());
  is.project = p;
  is.number = static_cast<int>(site.projects[p].issues_by_number.size()) + 1;
  is.type = type;
  is.status = 0;
  is.priority = 2;
  is.reporter = caller.user;
  is.created_ms = is.updated_ms = now - now % 1000;
  is.summary = summary;
  is.custom.fill(kNone);
  is.seed = static_cast<uint64_t>(is.id) * 7919;
  int64_t idx = static_cast<int64_t>(site.issues.size());
  site.issues.push_back(is);
  site.projects[p].issues_by_number.push_back(idx);
  site.description_override[idx] = "null";
  // The remaining fields are set as an edit would set them.
  json rest = f;
  rest.erase("project");
  rest.erase("issuetype");
  rest.erase("summary");
  std::vector<ChangeItem> ignored;
  if (auto bad = ApplyFields(world, site, idx, rest, &ignored)) {
    // Undo the half-made issue.
    site.projects[p].issues_by_number.pop_back();
    site.issues.pop_back();
    site.description_override.erase(idx);
    return FieldError(res, *bad);
  }
  ++site.version;
  const Issue& made = site.issues[idx];
  w.BeginObject()
      .Field("id", std::to_string(made.id))
      .Field("key", site.Key(made))
      .Field("self", base + "/rest/api/" + std::to_string(version) + "/issue/" + std::to_string(made.id))
      .EndObject();
  return ok(201);
}

void ApiCall::IssueResource() {
  int64_t idx = find_issue(c[0]);
  if (idx < 0) return;
  if (req.method == "GET") {
    auto fs = FieldSelection::Parse(ListParam(req, "fields"), "*all", world.catalogs);
    WriteIssue(w, rc, idx, fs, req.get_param_value("expand").find("changelog") != std::string::npos);
    return ok();
  }
  if (req.method == "DELETE") {
    Issue& x = site.issues[idx];
    bool has_subtasks = false;
    for (int64_t j = idx + 1; j < static_cast<int64_t>(site.issues.size()); ++j) {
      if (site.issues[j].parent == idx && site.issues[j].type == 4 && !site.issues[j].deleted) has_subtasks = true;
    }
    if (has_subtasks && req.get_param_value("deleteSubtasks") != "true") {
      return JiraError(res, 400, "The issue has subtasks. Set deleteSubtasks=true to delete them too.");
    }
    x.deleted = true;
    site.projects[x.project].issues_by_number[x.number - 1] = -1;
    for (auto& other : site.issues) {
      if (other.parent == idx && other.type == 4) other.deleted = true;
    }
    ++site.version;
    res.status = 204;
    return;
  }
  if (req.method == "PUT") {
    auto b = body();
    if (!b) return;
    Issue& x = site.issues[idx];
    json fields = b->value("fields", json::object());
    json update = b->value("update", json::object());
    // "update": {"labels": [{"add": "x"}, {"remove": "y"}], "summary": [{"set": "..."}]}
    for (auto it = update.begin(); it != update.end(); ++it) {
      if (!it->is_array()) continue;
      for (const auto& opj : *it) {
        if (opj.contains("set")) fields[it.key()] = opj["set"];
        if (it.key() == "labels") {
          for (std::size_t li = 0; li < world.catalogs.labels.size(); ++li) {
            if (opj.value("add", "") == world.catalogs.labels[li]) x.labels |= 1u << li;
            if (opj.value("remove", "") == world.catalogs.labels[li]) x.labels &= ~(1u << li);
          }
        }
      }
    }
    std::vector<ChangeItem> changes;
    if (auto bad = ApplyFields(world, site, idx, fields, &changes)) return FieldError(res, *bad);
    x.updated_ms = now - now % 1000;
    if (!changes.empty()) {
      site.added_history[idx].push_back({site.next_history_id++, caller.user, x.updated_ms, changes});
    }
    ++site.version;
    res.status = 204;
    return;
  }
}

void ApiCall::IssueComments() {
  int64_t idx = find_issue(c[0]);
  if (idx < 0) return;
  if (req.method == "POST") {
    auto b = body();
    if (!b) return;
    if (!b->contains("body"))
      return SendJson(
          res, 400,
          json{{"errorMessages", json::array()}, {"errors", {{"comment", "Comment body can not be empty!"}}}}.dump());
    const json& bj = (*b)["body"];
    Comment cm{site.next_comment_id++, caller.user, now - now % 1000, now - now % 1000,
               bj.is_string() ? PlainToAdf(bj.get<std::string>()) : bj.dump()};
    site.added_comments[idx].push_back(cm);
    site.issues[idx].updated_ms = cm.created_ms;
    ++site.version;
    WriteComment(w, rc, idx, cm);
    return ok(201);
  }
  auto comments = Comments(world, site, idx);
  const auto [start, max] = paging(5000, 5000);
  int64_t total = static_cast<int64_t>(comments.size()), end = std::min(total, start + max);
  w.BeginObject().Field("startAt", start).Field("maxResults", max).Field("total", total).Key("comments").BeginArray();
  for (int64_t i = start; i < end; ++i) WriteComment(w, rc, idx, comments[i]);
  w.EndArray().EndObject();
  return ok();
}

void ApiCall::IssueWorklogs() {
  int64_t idx = find_issue(c[0]);
  if (idx < 0) return;
  if (req.method == "POST") {
    auto b = body();
    if (!b) return;
    int64_t seconds = b->value("timeSpentSeconds", int64_t{0});
    if (seconds <= 0 && b->contains("timeSpent")) {
      int64_t ms = 0;
      std::string spent = (*b)["timeSpent"].get<std::string>();
      if (ParseJqlDate("+" + spent, 0, 0, &ms)) seconds = ms / 1000;
    }
    if (seconds <= 0) {
      return SendJson(res, 400,
                      json{{"errorMessages", json::array()},
                           {"errors", {{"timeLogged", "You must indicate the time spent working."}}}}
                          .dump());
    }
    Worklog wl{site.next_worklog_id++,
               caller.user,
               now - now % 1000,
               now - now % 1000,
               seconds,
               b->contains("comment") ? ((*b)["comment"].is_string() ? PlainToAdf((*b)["comment"].get<std::string>())
                                                                     : (*b)["comment"].dump())
                                      : std::string("null")};
    site.added_worklogs[idx].push_back(wl);
    Issue& x = site.issues[idx];
    x.time_spent = (x.time_spent == kNone ? 0 : x.time_spent) + seconds;
    ++site.version;
    WriteWorklog(w, rc, idx, wl);
    return ok(201);
  }
  auto logs = Worklogs(world, site, idx);
  w.BeginObject()
      .Field("startAt", 0)
      .Field("maxResults", static_cast<int64_t>(logs.size()))
      .Field("total", static_cast<int64_t>(logs.size()))
      .Key("worklogs")
      .BeginArray();
  for (const auto& wl : logs) WriteWorklog(w, rc, idx, wl);
  w.EndArray().EndObject();
  return ok();
}

void ApiCall::IssueChangelog() {
  int64_t idx = find_issue(c[0]);
  if (idx < 0) return;
  auto hist = Changelog(world, site, idx);
  const auto [start, max] = paging(100, 100);
  int64_t total = static_cast<int64_t>(hist.size()), end = std::min(total, start + max);
  w.BeginObject()
      .Field("self", base + path)
      .Field("maxResults", max)
      .Field("startAt", start)
      .Field("total", total)
      .Field("isLast", end >= total)
      .Key("values")
      .BeginArray();
  for (int64_t i = start; i < end; ++i) WriteHistory(w, rc, hist[i]);
  w.EndArray().EndObject();
  return ok();
}

}  // namespace jirasim
