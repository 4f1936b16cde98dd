// jirasim: one issue and its children — create, read, edit, delete; comments,
// worklogs, changelog.

#include <algorithm>
#include <cmath>

#include "adf_text.h"
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

// A field a create or edit cannot set, and Jira's words for why.
struct BadField {
  std::string field, message;
};

// Sets a custom field from its JSON value, as Jira takes each type.
std::optional<BadField> ApplyCustomField(const World& world, Site& site, int64_t idx, const std::string& id,
                                         const json& v) {
  const auto& cfs = world.catalogs.custom_fields;
  auto it = std::find_if(cfs.begin(), cfs.end(), [&](const CustomField& cf) { return cf.id == id; });
  if (it == cfs.end()) {
    return BadField{id, "Field '" + id + "' cannot be set. It is not on the appropriate screen, or unknown."};
  }
  const CustomField& cf = *it;
  const auto f = static_cast<std::size_t>(it - cfs.begin());
  int64_t& slot = site.issues[idx].custom[f];
  if (v.is_null()) {
    slot = kNone;
    return std::nullopt;
  }
  auto option = [&](const json& o) -> int {
    if (!o.is_object()) return -1;
    for (std::size_t k = 0; k < cf.options.size(); ++k) {
      if (o.value("value", "") == cf.options[k] || o.value("id", "") == std::to_string(20000 + f * 100 + k))
        return static_cast<int>(k);
    }
    return -1;
  };
  auto invalid = [&](const std::string& what) {
    return BadField{id, what.empty() ? "Operation value must be a " + std::string(SchemaOf(cf).type) : what};
  };
  switch (cf.type) {
    case CustomType::kNumber:
      if (!v.is_number()) return invalid("Operation value must be a number");
      slot = static_cast<int64_t>(std::llround(v.get<double>() * 10));
      return std::nullopt;
    case CustomType::kSelect: {
      const int o = option(v);
      if (o < 0)
        return invalid("Option value '" + (v.is_object() ? v.value("value", "") : v.dump()) + "' is not valid");
      slot = o;
      return std::nullopt;
    }
    case CustomType::kCascading: {
      const int o = option(v);
      if (o < 0)
        return invalid("Option value '" + (v.is_object() ? v.value("value", "") : v.dump()) + "' is not valid");
      int c = -1;
      if (v.contains("child") && !v["child"].is_null()) {
        const json& ch = v["child"];
        for (std::size_t k = 0; ch.is_object() && k < cf.children[static_cast<std::size_t>(o)].size(); ++k) {
          if (ch.value("value", "") == cf.children[static_cast<std::size_t>(o)][k] ||
              ch.value("id", "") == std::to_string(ChildOptionId(static_cast<int>(f), o, static_cast<int>(k))))
            c = static_cast<int>(k);
        }
        if (c < 0) {
          return invalid("Option value '" + (ch.is_object() ? ch.value("value", "") : ch.dump()) +
                         "' is not a child of '" + cf.options[static_cast<std::size_t>(o)] + "'");
        }
      }
      slot = CascadeValue(o, c);
      return std::nullopt;
    }
    case CustomType::kMultiSelect: {
      if (!v.is_array()) return invalid("Operation value must be an array of options");
      int64_t bits = 0;
      for (const auto& e : v) {
        const int o = option(e);
        if (o < 0)
          return invalid("Option value '" + (e.is_object() ? e.value("value", "") : e.dump()) + "' is not valid");
        bits |= int64_t{1} << o;
      }
      slot = bits ? bits : kNone;
      return std::nullopt;
    }
    case CustomType::kUser:
      for (std::size_t u = 0; u < world.users.size(); ++u) {
        if (v.is_object() &&
            (v.value("accountId", "") == world.users[u].account_id || v.value("name", "") == world.users[u].name)) {
          slot = static_cast<int64_t>(u);
          return std::nullopt;
        }
      }
      return invalid("Specify a valid user.");
    case CustomType::kDate: {
      int64_t ms = 0;
      if (!v.is_string() || v.get<std::string>().size() != 10 || !ParseJqlDate(v.get<std::string>(), 0, 0, &ms))
        return invalid("Date value must be given as yyyy-MM-dd");
      slot = ms / 86400000;
      return std::nullopt;
    }
    case CustomType::kTextArea:
    case CustomType::kString: {
      std::string text;
      if (v.is_string()) {
        text = v.get<std::string>();
      } else if (cf.type == CustomType::kTextArea && v.is_object() && v.value("type", "") == "doc") {
        text = AdfToPlainText(v.dump());
        while (!text.empty() && text.back() == '\n') text.pop_back();
      } else {
        return invalid(cf.type == CustomType::kTextArea ? "Operation value must be an Atlassian Document" : "");
      }
      site.custom_text_override[idx][cf.id] = text;
      slot = 1;
      return std::nullopt;
    }
    case CustomType::kSprint: {
      if (!v.is_number_integer()) return invalid("Number value expected as the Sprint id.");
      for (std::size_t s = 0; s < site.sprints.size(); ++s) {
        if (site.sprints[s].id == v.get<int64_t>()) {
          slot = static_cast<int64_t>(s);
          return std::nullopt;
        }
      }
      return invalid("Sprint with id " + v.dump() + " does not exist.");
    }
  }
  return std::nullopt;
}

// Sets the editable fields of an issue from a request's "fields" object.
// Returns the first field it cannot set.
std::optional<BadField> ApplyFields(const World& world, Site& site, int64_t idx, const json& fields,
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
      int found = -1;
      for (std::size_t pr = 0; pr < world.catalogs.priorities.size(); ++pr) {
        if (v.value("name", "") == world.catalogs.priorities[pr].name ||
            v.value("id", "") == std::to_string(world.catalogs.priorities[pr].id))
          found = static_cast<int>(pr);
      }
      if (found < 0) return BadField{"priority", "Specify a valid priority."};
      x.priority = found;
    } else if (k == "assignee" || k == "reporter") {
      int found = -1;
      if (v.is_object()) {
        for (std::size_t u = 0; u < world.users.size(); ++u) {
          if (v.value("accountId", "") == world.users[u].account_id || v.value("name", "") == world.users[u].name)
            found = static_cast<int>(u);
        }
        if (found < 0) return BadField{k, "Specify a valid user."};
      } else if (!v.is_null() || k == "reporter") {
        return BadField{k, "Specify a valid user."};
      }
      (k == "assignee" ? x.assignee : x.reporter) = found;
    } else if ((k == "components" || k == "fixVersions") && v.is_array()) {
      const Project& pr = site.projects[static_cast<std::size_t>(x.project)];
      uint32_t bits = 0;
      for (const auto& e : v) {
        const std::string name = e.is_object() ? e.value("name", "") : "", id = e.is_object() ? e.value("id", "") : "";
        int found = -1;
        if (k == "components") {
          for (std::size_t c = 0; c < pr.components.size(); ++c) {
            if (pr.components[c].deleted) continue;
            if (pr.components[c].name == name || std::to_string(pr.components[c].id) == id) found = static_cast<int>(c);
          }
        } else {
          for (std::size_t c = 0; c < pr.versions.size(); ++c) {
            if (pr.versions[c].deleted) continue;
            if (pr.versions[c].name == name || std::to_string(pr.versions[c].id) == id) found = static_cast<int>(c);
          }
        }
        if (found < 0) {
          return BadField{k, k == "components" ? "Component name '" + name + "' is not valid"
                                               : "Version name '" + name + "' is not valid"};
        }
        bits |= 1u << found;
      }
      (k == "components" ? x.components : x.fix_versions) = bits;
    } else if (k.rfind("customfield_", 0) == 0) {
      if (auto bad = ApplyCustomField(world, site, idx, k, v)) return bad;
    } else if (k == "labels" && v.is_array()) {
      x.labels = 0;
      for (const auto& l : v) {
        // jirasim keeps labels as a set of its catalogue's: it refuses others
        // rather than drop them (Jira itself makes new labels).
        auto known = std::find(world.catalogs.labels.begin(), world.catalogs.labels.end(),
                               l.is_string() ? l.get<std::string>() : "");
        if (known == world.catalogs.labels.end()) {
          return BadField{"labels", "jirasim knows only the labels " + Join(world.catalogs.labels, ", ") + "; '" +
                                        (l.is_string() ? l.get<std::string>() : l.dump()) + "' is not one of them"};
        }
        x.labels |= 1u << (known - world.catalogs.labels.begin());
      }
    } else if (k == "duedate") {
      x.due_day = kNone;
      int64_t ms = 0;
      if (v.is_string() && ParseJqlDate(v.get<std::string>(), 0, 0, &ms)) x.due_day = ms / 86400000;
    } else if (k == "parent" && v.is_object()) {
      int64_t pi = site.FindIssue(v.value("key", v.value("id", "")));
      if (pi < 0) return BadField{"parent", "Could not find issue by id or key."};
      x.parent = pi;
    } else {
      return BadField{k, "Field '" + k + "' cannot be set. It is not on the appropriate screen, or unknown."};
    }
  }
  return std::nullopt;
}

// The "properties" of a create ([{"key": …, "value": …}]) checked as Jira
// checks them; nullopt and Jira's 400 sent when they are malformed.
std::optional<json> EntityProperties(httplib::Response& res, const json& body) {
  json out = json::array();
  if (!body.contains("properties")) return out;
  const json& props = body["properties"];
  if (!props.is_array()) {
    JiraError(res, 400, "properties must be a list of {key, value} objects.");
    return std::nullopt;
  }
  for (const auto& p : props) {
    if (!p.is_object() || !p.contains("key") || !p["key"].is_string() || !p.contains("value") ||
        p["key"].get<std::string>().empty() || p["key"].get<std::string>().size() > 255) {
      JiraError(res, 400, "The property key must be between 1 and 255 characters and the property must have a value.");
      return std::nullopt;
    }
    if (p["value"].dump().size() > 32768) {
      JiraError(res, 400, "The property value must not be longer than 32768 bytes.");
      return std::nullopt;
    }
    out.push_back(json{{"key", p["key"]}, {"value", p["value"]}});
  }
  return out;
}

// Copies an issue's generated comments (or worklogs) into its written list
// before the first edit or delete of one of them, so that they can change.
void OwnComments(const World& world, Site& site, int64_t idx) {
  if (site.issues[idx].comment_count == 0) return;
  site.added_comments[idx] = Comments(world, site, idx);
  site.issues[idx].comment_count = 0;
}
void OwnWorklogs(const World& world, Site& site, int64_t idx) {
  if (site.issues[idx].worklog_count == 0) return;
  site.added_worklogs[idx] = Worklogs(world, site, idx);
  site.issues[idx].worklog_count = 0;
}

// A rich-text body as stored: ADF JSON (v3) or plain/wiki text made ADF (v2).
std::string StoredRichText(const json& v) { return v.is_string() ? PlainToAdf(v.get<std::string>()) : v.dump(); }

// A v3 rich-text value must be an ADF document: Jira's 400 otherwise.
bool CheckRichText(httplib::Response& res, int version, const json& v, const std::string& field) {
  if (version == 2 && v.is_string()) return true;
  if (version == 3 && v.is_object() && v.value("type", "") == "doc" && v.contains("content")) return true;
  if (v.is_null()) return true;
  SendJson(res, 400,
           json{{"errorMessages", json::array()},
                {"errors",
                 {{field, version == 3 ? "Operation value must be an Atlassian Document (see the Atlassian "
                                         "Document Format)"
                                       : "Operation value must be a string"}}}}
               .dump());
  return false;
}

void FieldError(httplib::Response& res, const BadField& bad) {
  SendJson(res, 400, json{{"errorMessages", json::array()}, {"errors", {{bad.field, bad.message}}}}.dump());
}

}  // namespace

// Makes one issue from a create's body; -1 with Jira's refusal in `refused`
// (status and body) when it cannot.
int64_t ApiCall::MakeIssue(const json& b, httplib::Response& refused) {
  json f = b.value("fields", json::object());
  std::map<std::string, std::string> errors;
  int p = -1;
  if (f.contains("project") && f["project"].is_object()) {
    p = site.FindProject(f["project"].value("key", f["project"].value("id", "")));
  }
  if (p < 0) errors["project"] = "Specify a valid project ID or key";
  int type = -1;
  if (p >= 0 && f.contains("issuetype") && f["issuetype"].is_object()) {
    for (int t : ProjectTypes(world.catalogs, site, p)) {  // the project's types only
      const auto& it = world.catalogs.types[static_cast<std::size_t>(t)];
      if (f["issuetype"].value("name", "") == it.name || f["issuetype"].value("id", "") == std::to_string(it.id))
        type = t;
    }
  }
  if (type < 0) errors["issuetype"] = "Specify an issue type";
  std::string summary = f.value("summary", "");
  if (summary.empty()) errors["summary"] = "You must specify a summary of the issue.";
  if (!errors.empty()) {
    SendJson(refused, 400, json{{"errorMessages", json::array()}, {"errors", errors}}.dump());
    return -1;
  }
  if (f.contains("description") && !CheckRichText(refused, version, f["description"], "description")) return -1;
  auto properties = EntityProperties(refused, b);
  if (!properties) return -1;
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
  is.history_owned = true;
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
    site.custom_text_override.erase(idx);
    FieldError(refused, *bad);
    return -1;
  }
  for (const auto& pr : *properties) site.issue_properties[idx][pr["key"].get<std::string>()] = pr["value"].dump();
  ++site.version;
  return idx;
}

void ApiCall::WriteCreated(int64_t idx) {
  const Issue& made = site.issues[idx];
  w.BeginObject()
      .Field("id", std::to_string(made.id))
      .Field("key", site.Key(made))
      .Field("self", base + "/rest/api/" + std::to_string(version) + "/issue/" + std::to_string(made.id))
      .EndObject();
}

void ApiCall::CreateIssue() {
  auto b = body();
  if (!b) return;
  const int64_t idx = MakeIssue(*b, res);
  if (idx < 0) return;
  WriteCreated(idx);
  return ok(201);
}

void ApiCall::BulkCreate() {
  auto b = body();
  if (!b) return;
  const json updates = b->value("issueUpdates", json());
  if (!updates.is_array() || updates.empty()) {
    return JiraError(res, 400, "issueUpdates must hold at least one issue to create.");
  }
  if (updates.size() > 50) return JiraError(res, 400, "You can create at most 50 issues at a time.");
  json errors = json::array();
  w.BeginObject().Key("issues").BeginArray();
  for (std::size_t n = 0; n < updates.size(); ++n) {
    httplib::Response refused;
    const int64_t idx = updates[n].is_object() ? MakeIssue(updates[n], refused) : -1;
    if (idx >= 0) {
      WriteCreated(idx);
      continue;
    }
    json why = json::parse(refused.body, nullptr, false);
    if (!why.is_object())
      why = json{{"errorMessages", {"The issue could not be created."}}, {"errors", json::object()}};
    if (!why.contains("errors")) why["errors"] = json::object();
    errors.push_back(json{{"status", refused.status ? refused.status : 400},
                          {"elementErrors", why},
                          {"failedElementNumber", static_cast<int>(n)}});
  }
  w.EndArray().Key("errors").Raw(errors.dump()).EndObject();
  // Jira answers 201 when it made any of them, 400 when it made none.
  return ok(errors.size() == updates.size() ? 400 : 201);
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
    OwnHistory(world, site, idx);
    Issue& x = site.issues[idx];
    json fields = b->value("fields", json::object());
    json update = b->value("update", json::object());
    if (fields.contains("description") && !CheckRichText(res, version, fields["description"], "description")) return;
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
  const bool with_properties = req.get_param_value("expand").find("properties") != std::string::npos;
  if (req.method == "POST") {
    auto b = body();
    if (!b) return;
    if (!b->contains("body") || (*b)["body"].is_null() ||
        ((*b)["body"].is_string() && (*b)["body"].get<std::string>().empty()))
      return SendJson(
          res, 400,
          json{{"errorMessages", json::array()}, {"errors", {{"comment", "Comment body can not be empty!"}}}}.dump());
    if (!CheckRichText(res, version, (*b)["body"], "comment")) return;
    auto properties = EntityProperties(res, *b);
    if (!properties) return;
    Comment cm;
    cm.id = site.next_comment_id++;
    cm.author = caller.user;
    cm.created_ms = cm.updated_ms = now - now % 1000;
    cm.adf = StoredRichText((*b)["body"]);
    cm.properties = properties->dump();
    if (b->contains("visibility") && (*b)["visibility"].is_object()) cm.visibility = (*b)["visibility"].dump();
    site.added_comments[idx].push_back(cm);
    OwnHistory(world, site, idx);
    site.issues[idx].updated_ms = cm.created_ms;
    ++site.version;
    WriteComment(w, rc, idx, cm, with_properties);
    return ok(201);
  }
  auto comments = Comments(world, site, idx);
  if (req.get_param_value("orderBy") == "-created") {
    std::stable_sort(comments.begin(), comments.end(),
                     [](const Comment& a, const Comment& b) { return a.created_ms > b.created_ms; });
  }
  const auto [start, max] = paging(5000, 5000);
  int64_t total = static_cast<int64_t>(comments.size()), end = std::min(total, start + max);
  w.BeginObject().Field("startAt", start).Field("maxResults", max).Field("total", total).Key("comments").BeginArray();
  for (int64_t i = start; i < end; ++i) WriteComment(w, rc, idx, comments[i], with_properties);
  w.EndArray().EndObject();
  return ok();
}

void ApiCall::IssueComment() {
  int64_t idx = find_issue(c[0]);
  if (idx < 0) return;
  auto match = [&](const Comment& cm) { return std::to_string(cm.id) == c[1]; };
  if (req.method == "GET") {  // under the shared lock: read, never own
    const auto all = Comments(world, site, idx);
    auto found = std::find_if(all.begin(), all.end(), match);
    if (found == all.end()) return JiraError(res, 404, "Can not find a comment for the id: " + c[1] + ".");
    WriteComment(w, rc, idx, *found, req.get_param_value("expand").find("properties") != std::string::npos);
    return ok();
  }
  OwnComments(world, site, idx);
  auto& list = site.added_comments[idx];
  auto it = std::find_if(list.begin(), list.end(), match);
  if (it == list.end()) return JiraError(res, 404, "Can not find a comment for the id: " + c[1] + ".");
  if (it->author != caller.user) {
    return JiraError(res, 403, "You do not have the permission to edit or delete this comment.");
  }
  if (req.method == "DELETE") {
    list.erase(it);
    ++site.version;
    res.status = 204;
    return;
  }
  auto b = body();
  if (!b) return;
  if (!b->contains("body") || (*b)["body"].is_null())
    return SendJson(
        res, 400,
        json{{"errorMessages", json::array()}, {"errors", {{"comment", "Comment body can not be empty!"}}}}.dump());
  if (!CheckRichText(res, version, (*b)["body"], "comment")) return;
  it->adf = StoredRichText((*b)["body"]);
  it->updated_ms = now - now % 1000;
  if (b->contains("visibility")) it->visibility = (*b)["visibility"].is_object() ? (*b)["visibility"].dump() : "";
  ++site.version;
  WriteComment(w, rc, idx, *it);
  return ok();
}

namespace {

// adjustEstimate and its value, as Jira checks them; false (and the 400)
// when they are wrong. `manual_param`: reduceBy (add, edit) or increaseBy
// (delete).
bool EstimateAdjustment(const httplib::Request& req, httplib::Response& res, const char* manual_param,
                        std::string* mode, int64_t* seconds) {
  *mode = req.has_param("adjustEstimate") ? req.get_param_value("adjustEstimate") : "auto";
  *seconds = 0;
  if (*mode != "auto" && *mode != "leave" && *mode != "new" && *mode != "manual") {
    JiraError(res, 400, "Invalid value for adjustEstimate: " + *mode + ". Valid values: new, leave, manual, auto.");
    return false;
  }
  const std::string param = *mode == "new" ? "newEstimate" : *mode == "manual" ? manual_param : "";
  if (param.empty()) return true;
  int64_t ms = 0;
  if (!req.has_param(param) || !ParseJqlDate("+" + req.get_param_value(param), 0, 0, &ms)) {
    JiraError(
        res, 400,
        "The " + param + " parameter must be given as a duration (e.g. 2h 30m) with adjustEstimate=" + *mode + ".");
    return false;
  }
  *seconds = ms / 1000;
  return true;
}

// The issue's remaining estimate after `spent` seconds were logged (negative:
// taken back) under `mode`.
void AdjustRemaining(Issue& x, const std::string& mode, int64_t value, int64_t spent) {
  int64_t remaining = x.remaining_estimate;
  if (remaining == kNone && x.original_estimate != kNone) {
    remaining = std::max<int64_t>(0, x.original_estimate - (x.time_spent == kNone ? 0 : x.time_spent));
  }
  if (mode == "new") {
    remaining = value;
  } else if (mode == "manual") {
    remaining = std::max<int64_t>(0, (remaining == kNone ? 0 : remaining) + (spent >= 0 ? -value : value));
  } else if (mode == "auto") {
    if (remaining != kNone) remaining = std::max<int64_t>(0, remaining - spent);
  }
  // leave: unchanged
  x.remaining_estimate = remaining;
}

// timeSpentSeconds or timeSpent ("2h 30m") of a worklog body; 0 when neither.
int64_t SpentSeconds(const json& b) {
  int64_t seconds = b.contains("timeSpentSeconds") && b["timeSpentSeconds"].is_number_integer()
                        ? b["timeSpentSeconds"].get<int64_t>()
                        : 0;
  if (seconds <= 0 && b.contains("timeSpent") && b["timeSpent"].is_string()) {
    int64_t ms = 0;
    if (ParseJqlDate("+" + b["timeSpent"].get<std::string>(), 0, 0, &ms)) seconds = ms / 1000;
  }
  return seconds;
}

}  // namespace

void ApiCall::IssueWorklogs() {
  int64_t idx = find_issue(c[0]);
  if (idx < 0) return;
  const bool with_properties = req.get_param_value("expand").find("properties") != std::string::npos;
  if (req.method == "POST") {
    auto b = body();
    if (!b) return;
    int64_t seconds = SpentSeconds(*b);
    if (seconds <= 0) {
      return SendJson(res, 400,
                      json{{"errorMessages", json::array()},
                           {"errors", {{"timeLogged", "You must indicate the time spent working."}}}}
                          .dump());
    }
    std::string mode;
    int64_t value = 0;
    if (!EstimateAdjustment(req, res, "reduceBy", &mode, &value)) return;
    if (b->contains("comment") && !CheckRichText(res, version, (*b)["comment"], "comment")) return;
    auto properties = EntityProperties(res, *b);
    if (!properties) return;
    int64_t started = now - now % 1000;
    if (b->contains("started")) {
      auto ms = b->value("started", "").empty() ? std::nullopt : ParseJiraTimestamp(b->value("started", ""));
      if (!ms) {
        return SendJson(res, 400,
                        json{{"errorMessages", json::array()},
                             {"errors", {{"started", "The started date must be given as yyyy-MM-dd'T'HH:mm:ss.SSSZ."}}}}
                            .dump());
      }
      started = *ms;
    }
    Worklog wl;
    wl.id = site.next_worklog_id++;
    wl.author = caller.user;
    wl.started_ms = started;
    wl.created_ms = now - now % 1000;
    wl.seconds = seconds;
    wl.comment_adf = b->contains("comment") ? StoredRichText((*b)["comment"]) : std::string("null");
    wl.properties = properties->dump();
    site.added_worklogs[idx].push_back(wl);
    Site::NoteWorklogChange(site.updated_worklogs, wl.id, wl.created_ms);
    OwnHistory(world, site, idx);
    Issue& x = site.issues[idx];
    AdjustRemaining(x, mode, value, seconds);
    x.time_spent = (x.time_spent == kNone ? 0 : x.time_spent) + seconds;
    x.updated_ms = wl.created_ms;
    ++site.version;
    WriteWorklog(w, rc, idx, wl, with_properties);
    return ok(201);
  }
  auto logs = Worklogs(world, site, idx);
  const auto [start, max] = paging(5000, 5000);
  int64_t total = static_cast<int64_t>(logs.size()), end = std::min(total, start + max);
  w.BeginObject().Field("startAt", start).Field("maxResults", max).Field("total", total).Key("worklogs").BeginArray();
  for (int64_t i = start; i < end; ++i) WriteWorklog(w, rc, idx, logs[i], with_properties);
  w.EndArray().EndObject();
  return ok();
}

void ApiCall::IssueWorklog() {
  int64_t idx = find_issue(c[0]);
  if (idx < 0) return;
  auto match = [&](const Worklog& wl) { return std::to_string(wl.id) == c[1]; };
  if (req.method == "GET") {  // under the shared lock: read, never own
    const auto all = Worklogs(world, site, idx);
    auto found = std::find_if(all.begin(), all.end(), match);
    if (found == all.end()) return JiraError(res, 404, "Cannot find worklog with id: " + c[1] + ".");
    WriteWorklog(w, rc, idx, *found, req.get_param_value("expand").find("properties") != std::string::npos);
    return ok();
  }
  OwnWorklogs(world, site, idx);
  auto& list = site.added_worklogs[idx];
  auto it = std::find_if(list.begin(), list.end(), match);
  if (it == list.end()) return JiraError(res, 404, "Cannot find worklog with id: " + c[1] + ".");
  if (it->author != caller.user) {
    return JiraError(res, 403, "You do not have the permission to edit or delete this worklog.");
  }
  Issue& x = site.issues[idx];
  std::string mode;
  int64_t value = 0;
  if (req.method == "DELETE") {
    if (!EstimateAdjustment(req, res, "increaseBy", &mode, &value)) return;
    AdjustRemaining(x, mode, value, -it->seconds);
    x.time_spent = std::max<int64_t>(0, (x.time_spent == kNone ? 0 : x.time_spent) - it->seconds);
    Site::NoteWorklogChange(site.deleted_worklogs, it->id, now);
    site.updated_worklogs.erase(std::remove_if(site.updated_worklogs.begin(), site.updated_worklogs.end(),
                                               [&](const Site::WorklogChange& c) { return c.id == it->id; }),
                                site.updated_worklogs.end());
    list.erase(it);
    ++site.version;
    res.status = 204;
    return;
  }
  auto b = body();
  if (!b) return;
  if (!EstimateAdjustment(req, res, "reduceBy", &mode, &value)) return;
  if (mode == "manual") return JiraError(res, 400, "adjustEstimate=manual is not allowed when updating a worklog.");
  int64_t seconds = b->contains("timeSpentSeconds") || b->contains("timeSpent") ? SpentSeconds(*b) : it->seconds;
  if (seconds <= 0) {
    return SendJson(res, 400,
                    json{{"errorMessages", json::array()},
                         {"errors", {{"timeLogged", "You must indicate the time spent working."}}}}
                        .dump());
  }
  if (b->contains("comment")) {
    if (!CheckRichText(res, version, (*b)["comment"], "comment")) return;
    it->comment_adf = StoredRichText((*b)["comment"]);
  }
  if (b->contains("started")) {
    auto ms = ParseJiraTimestamp(b->value("started", ""));
    if (!ms) {
      return SendJson(res, 400,
                      json{{"errorMessages", json::array()},
                           {"errors", {{"started", "The started date must be given as yyyy-MM-dd'T'HH:mm:ss.SSSZ."}}}}
                          .dump());
    }
    it->started_ms = *ms;
  }
  AdjustRemaining(x, mode, value, seconds - it->seconds);
  x.time_spent = std::max<int64_t>(0, (x.time_spent == kNone ? 0 : x.time_spent) + seconds - it->seconds);
  it->seconds = seconds;
  it->updated_ms = now - now % 1000;
  Site::NoteWorklogChange(site.updated_worklogs, it->id, it->updated_ms);
  ++site.version;
  WriteWorklog(w, rc, idx, *it);
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

void ApiCall::BulkChangelog() {
  auto b = body();
  if (!b) return;
  auto wanted = JsonList(b->value("issueIdsOrKeys", json::array()));
  if (wanted.empty()) return JiraError(res, 400, "issueIdsOrKeys must hold at least one issue id or key.");
  if (wanted.size() > 1000) return JiraError(res, 400, "You can request the changelogs of up to 1000 issues.");
  auto field_ids = JsonList(b->value("fieldIds", json::array()));
  if (field_ids.size() > 10) return JiraError(res, 400, "You can filter by up to 10 field IDs.");
  const int64_t max = b->value("maxResults", int64_t{1000});
  if (max < 1 || max > 10000) return JiraError(res, 400, "maxResults must be between 1 and 10000.");
  int64_t start = 0;
  if (auto t = b->find("nextPageToken"); t != b->end()) {
    const std::string token = t->is_string() ? t->get<std::string>() : "";
    if (token.rfind("cl:", 0) != 0 || token.size() < 4 || token.find_first_not_of("0123456789", 3) != std::string::npos)
      return JiraError(res, 400, "The nextPageToken is not valid.");
    start = std::stoll(token.substr(3));
  }
  // Every (issue, history) of the issues, the histories cut to the fields
  // asked for, oldest first then smallest issue id; at most 1,000 a page
  // (fewer than maxResults may come, as from any paged list).
  const std::vector<int64_t> found = FoundIssues(wanted);
  struct Entry {
    int64_t issue;
    History history;
  };
  std::vector<Entry> all;
  for (int64_t idx : found) {
    for (auto& h : Changelog(world, site, idx)) {
      if (!field_ids.empty()) {
        std::vector<ChangeItem> kept;
        for (auto& it : h.items) {
          const std::string& id = it.field_id.empty() ? it.field : it.field_id;
          if (std::find(field_ids.begin(), field_ids.end(), id) != field_ids.end()) kept.push_back(it);
        }
        if (kept.empty()) continue;
        h.items = std::move(kept);
      }
      all.push_back({idx, std::move(h)});
    }
  }
  std::stable_sort(all.begin(), all.end(), [&](const Entry& a, const Entry& b) {
    if (a.history.created_ms != b.history.created_ms) return a.history.created_ms < b.history.created_ms;
    return site.issues[a.issue].id < site.issues[b.issue].id;
  });
  const int64_t total = static_cast<int64_t>(all.size());
  const int64_t end = std::min(total, start + std::min<int64_t>(max, 1000));
  w.BeginObject().Key("issueChangeLogs").BeginArray();
  for (int64_t i = start; i < end;) {
    const int64_t issue = all[i].issue;
    w.BeginObject().Field("issueId", std::to_string(site.issues[issue].id)).Key("changeHistories").BeginArray();
    for (; i < end && all[i].issue == issue; ++i) WriteHistory(w, rc, all[i].history);
    w.EndArray().EndObject();
  }
  w.EndArray();
  if (end < total) w.Field("nextPageToken", "cl:" + std::to_string(end));
  w.EndObject();
  return ok();
}

void ApiCall::IssueTransitions() {
  int64_t idx = find_issue(c[0]);
  if (idx < 0) return;
  Issue& x = site.issues[idx];
  const auto& cat = world.catalogs;
  if (req.method == "GET") {
    const bool with_fields = req.get_param_value("expand").find("transitions.fields") != std::string::npos;
    w.BeginObject().Field("expand", "transitions").Key("transitions").BeginArray();
    for (const auto& t : Workflow()) {
      if (t.from != x.status) continue;
      w.BeginObject().Field("id", std::to_string(t.id)).Field("name", t.name).Key("to");
      WriteStatus(w, rc, t.to);
      w.Field("hasScreen", NeedsResolution(t, x.type))
          .Field("isGlobal", false)
          .Field("isInitial", false)
          .Field("isAvailable", true)
          .Field("isConditional", false)
          .Field("isLooped", false);
      if (with_fields) {
        w.Key("fields").BeginObject();
        if (NeedsResolution(t, x.type)) {
          w.Key("resolution")
              .BeginObject()
              .Field("required", true)
              .Key("schema")
              .BeginObject()
              .Field("type", "resolution")
              .Field("system", "resolution")
              .EndObject()
              .Field("name", "Resolution")
              .Field("key", "resolution")
              .Field("hasDefaultValue", false)
              .Key("operations")
              .BeginArray()
              .String("set")
              .EndArray()
              .Key("allowedValues")
              .BeginArray();
          for (std::size_t r = 0; r < cat.resolutions.size(); ++r) WriteResolution(w, rc, static_cast<int>(r));
          w.EndArray().EndObject();
        }
        w.EndObject();
      }
      w.EndObject();
    }
    w.EndArray().EndObject();
    return ok();
  }
  auto b = body();
  if (!b) return;
  const json tr = b->value("transition", json::object());
  const std::string id =
      tr.is_object() && tr.contains("id") ? (tr["id"].is_string() ? tr["id"].get<std::string>() : tr["id"].dump()) : "";
  const WorkflowTransition* t = nullptr;
  for (const auto& cand : Workflow()) {
    if (std::to_string(cand.id) == id && cand.from == x.status) t = &cand;
  }
  if (!t) {
    return SendJson(
        res, 400,
        json{{"errorMessages", {"Transition id '" + id + "' is not valid for this issue."}}, {"errors", json::object()}}
            .dump());
  }
  const json fields = b->value("fields", json::object());
  int resolution = -1;
  if (fields.contains("resolution") && fields["resolution"].is_object()) {
    const json& r = fields["resolution"];
    for (std::size_t k = 0; k < cat.resolutions.size(); ++k) {
      if (r.value("name", "") == cat.resolutions[k].name || r.value("id", "") == std::to_string(cat.resolutions[k].id))
        resolution = static_cast<int>(k);
    }
    if (resolution < 0) {
      return SendJson(
          res, 400,
          json{{"errorMessages", json::array()}, {"errors", {{"resolution", "Resolution is invalid."}}}}.dump());
    }
  }
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    if (it.key() != "resolution" || !NeedsResolution(*t, x.type)) {
      return SendJson(res, 400,
                      json{{"errorMessages", json::array()},
                           {"errors",
                            {{it.key(), "Field '" + it.key() +
                                            "' cannot be set. It is not on the appropriate screen, or unknown."}}}}
                          .dump());
    }
  }
  if (NeedsResolution(*t, x.type) && resolution < 0) {
    return SendJson(
        res, 400,
        json{{"errorMessages", json::array()}, {"errors", {{"resolution", "Resolution is required."}}}}.dump());
  }
  // A comment with the transition: "update": {"comment": [{"add": {"body": …}}]}.
  std::optional<json> comment;
  if (b->contains("update") && (*b)["update"].is_object() && (*b)["update"].contains("comment")) {
    for (const auto& op : (*b)["update"]["comment"]) {
      if (op.is_object() && op.contains("add") && op["add"].contains("body")) comment = op["add"]["body"];
    }
  }
  OwnHistory(world, site, idx);
  const int64_t at = now - now % 1000;
  std::vector<ChangeItem> changes;
  const auto& st = cat.statuses;
  changes.push_back({"status", "jira", std::to_string(st[x.status].id), st[x.status].name, std::to_string(st[t->to].id),
                     st[t->to].name});
  x.status = t->to;
  if (t->to == 3) {
    const int r = resolution >= 0 ? resolution : 0;
    changes.push_back({"resolution", "jira", "", "", std::to_string(cat.resolutions[r].id), cat.resolutions[r].name});
    x.resolution = r;
    x.resolved_ms = at;
  } else if (x.resolution >= 0) {
    changes.push_back({"resolution", "jira", std::to_string(cat.resolutions[x.resolution].id),
                       cat.resolutions[x.resolution].name, "", ""});
    x.resolution = -1;
    x.resolved_ms = kNone;
  }
  x.updated_ms = at;
  site.added_history[idx].push_back({site.next_history_id++, caller.user, at, changes});
  if (comment) {
    Comment cm;
    cm.id = site.next_comment_id++;
    cm.author = caller.user;
    cm.created_ms = cm.updated_ms = at;
    cm.adf = StoredRichText(*comment);
    site.added_comments[idx].push_back(cm);
  }
  ++site.version;
  res.status = 204;
}

void ApiCall::CreateMetaTypes() {
  const int p = site.FindProject(c[0]);
  if (p < 0) return JiraError(res, 404, "No project could be found with key '" + c[0] + "'.");
  const auto types = ProjectTypes(world.catalogs, site, p);
  const auto [start, max] = paging(50, 200);
  const int64_t total = static_cast<int64_t>(types.size()), end = std::min(total, start + max);
  // Cloud lists them under "issueTypes", Data Center under "values".
  w.BeginObject().Field("startAt", start).Field("maxResults", max).Field("total", total);
  if (options.datacenter) w.Field("isLast", end >= total);
  w.Key(options.datacenter ? "values" : "issueTypes").BeginArray();
  for (int64_t t = start; t < end; ++t) WriteIssueType(w, rc, types[static_cast<std::size_t>(t)]);
  w.EndArray().EndObject();
  return ok();
}

void ApiCall::CreateMetaFields() {
  const int p = site.FindProject(c[0]);
  if (p < 0) return JiraError(res, 404, "No project could be found with key '" + c[0] + "'.");
  int type = -1;
  for (int t : ProjectTypes(world.catalogs, site, p)) {
    if (std::to_string(world.catalogs.types[static_cast<std::size_t>(t)].id) == c[1]) type = t;
  }
  if (type < 0) return JiraError(res, 404, "Issue type with id '" + c[1] + "' does not exist in the project.");
  // Every field on one page: jirasim's screens are small.
  std::string fields;
  jirasql::JsonWriter fw(fields);
  fw.BeginArray();
  WriteFieldMetadata(fw, rc, p, type, /*create=*/true, /*as_list=*/true);
  fw.EndArray();
  const int64_t total = static_cast<int64_t>(nlohmann::json::parse(fields).size());
  w.BeginObject().Field("startAt", 0).Field("maxResults", total).Field("total", total);
  if (options.datacenter) w.Field("isLast", true);
  w.Key(options.datacenter ? "values" : "fields").Raw(fields).EndObject();
  return ok();
}

void ApiCall::EditMeta() {
  int64_t idx = find_issue(c[0]);
  if (idx < 0) return;
  const Issue& x = site.issues[idx];
  w.BeginObject().Key("fields").BeginObject();
  WriteFieldMetadata(w, rc, x.project, x.type, /*create=*/false, /*as_list=*/false);
  w.EndObject().EndObject();
  return ok();
}

// ---- attachments -------------------------------------------------------------

namespace {

// The attachment with `id`: its issue's index and place, or {-1, -1}.
std::pair<int64_t, std::size_t> FindAttachment(const Site& site, const std::string& id) {
  for (const auto& [idx, list] : site.attachments) {
    for (std::size_t k = 0; k < list.size(); ++k) {
      if (std::to_string(list[k].id) == id && !site.issues[idx].deleted) return {idx, k};
    }
  }
  return {-1, 0};
}

}  // namespace

void ApiCall::AddAttachments() {
  int64_t idx = find_issue(c[0]);
  if (idx < 0) return;
  // Jira's XSRF check: a multipart POST must say it is not a browser form.
  if (req.get_header_value("X-Atlassian-Token") != "no-check") {
    return JiraError(res, 403, "XSRF check failed");
  }
  if (!req.is_multipart_form_data() || !req.has_file("file")) {
    return JiraError(res, 400, "Send the file as multipart/form-data in a part named 'file'.");
  }
  w.BeginArray();
  std::vector<httplib::MultipartFormData> parts;
  for (auto [it, end] = req.files.equal_range("file"); it != end; ++it) parts.push_back(it->second);
  for (const auto& part : parts) {
    if (static_cast<int64_t>(part.content.size()) > options.attachment_limit) {
      res.status = 413;
      return JiraError(res, 413,
                       "The file '" + part.filename + "' is too large to attach: the limit is " +
                           std::to_string(options.attachment_limit) + " bytes.");
    }
    if (part.filename.empty()) return JiraError(res, 400, "The attachment has no file name.");
  }
  for (const auto& part : parts) {
    Attachment a{site.next_attachment_id++,
                 caller.user,
                 now - now % 1000,
                 part.filename,
                 part.content_type.empty() ? "application/octet-stream" : part.content_type,
                 part.content};
    site.attachments[idx].push_back(a);
    WriteAttachment(w, rc, a);
  }
  w.EndArray();
  site.issues[idx].updated_ms = now - now % 1000;
  ++site.version;
  return ok();
}

void ApiCall::AttachmentMeta() {
  w.BeginObject().Field("enabled", true).Field("uploadLimit", options.attachment_limit).EndObject();
  return ok();
}

void ApiCall::AttachmentResource() {
  auto [idx, k] = FindAttachment(site, c[0]);
  if (idx < 0) return JiraError(res, 404, "The attachment with id '" + c[0] + "' does not exist.");
  auto& list = site.attachments.at(idx);
  if (req.method == "DELETE") {
    if (list[k].author != caller.user) {
      return JiraError(res, 403, "You do not have permission to delete this attachment.");
    }
    list.erase(list.begin() + static_cast<std::ptrdiff_t>(k));
    ++site.version;
    res.status = 204;
    return;
  }
  WriteAttachment(w, rc, list[k], /*metadata=*/true);
  return ok();
}

void ApiCall::AttachmentContent() {
  auto [idx, k] = FindAttachment(site, c[0]);
  if (idx < 0) return JiraError(res, 404, "The attachment with id '" + c[0] + "' does not exist.");
  const Attachment& a = site.attachments.at(idx)[k];
  res.status = 200;
  res.set_content(a.content, a.mime_type);
}

}  // namespace jirasim
