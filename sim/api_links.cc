// jirasim: issue links and link types, project versions and components, labels.

#include <algorithm>

#include "api.h"
#include "common/strings.h"
#include "common/time.h"

namespace jirasim {

using nlohmann::json;

void ApiCall::WritePage(int64_t total, const Paging& page, const std::function<void(int64_t)>& item) {
  const int64_t end = std::min(total, page.start + page.max);
  const std::string at = "?startAt=", max = "&maxResults=" + std::to_string(page.max);
  w.BeginObject().Field("self", base + path + at + std::to_string(page.start) + max);
  if (end < total) w.Field("nextPage", base + path + at + std::to_string(end) + max);
  w.Field("maxResults", page.max)
      .Field("startAt", page.start)
      .Field("total", total)
      .Field("isLast", end >= total)
      .Key("values")
      .BeginArray();
  for (int64_t i = page.start; i < end; ++i) item(i);
  w.EndArray().EndObject();
}

int ApiCall::find_project(const std::string& id_or_key) {
  int p = site.FindProject(id_or_key);
  if (p < 0) JiraError(res, 404, "No project could be found with key '" + id_or_key + "'.");
  return p;
}

void ApiCall::GetLinkTypes() {
  w.BeginObject().Key("issueLinkTypes").BeginArray();
  for (std::size_t t = 0; t < world.catalogs.link_types.size(); ++t) WriteLinkType(w, rc, static_cast<int>(t));
  w.EndArray().EndObject();
  return ok();
}

void ApiCall::IssueLinkResource() {
  auto id = jirasql::ParseInt(c[0]);
  IssueLink* link = id ? site.FindLink(*id) : nullptr;
  if (!link || site.issues[link->from].deleted || site.issues[link->to].deleted) {
    return JiraError(res, 404, "No issue link with id '" + c[0] + "' exists.");
  }
  if (req.method == "DELETE") {
    link->deleted = true;
    ++site.version;
    res.status = 204;
    return;
  }
  WriteIssueLink(w, rc, *link, -1);
  return ok();
}

void ApiCall::CreateIssueLink() {
  auto b = body();
  if (!b) return;
  try {
    const json& type = b->at("type");
    int t = -1;
    for (std::size_t i = 0; i < world.catalogs.link_types.size(); ++i) {
      const LinkType& lt = world.catalogs.link_types[i];
      if ((type.contains("id") && type["id"].get<std::string>() == std::to_string(lt.id)) ||
          (type.contains("name") && jirasql::EqualsIgnoreCase(type["name"].get<std::string>(), lt.name))) {
        t = static_cast<int>(i);
      }
    }
    if (t < 0) return JiraError(res, 404, "No issue link type with name '" + type.value("name", "") + "' found.");
    auto end = [&](const char* k) -> int64_t {
      const json& r = b->at(k);
      return site.FindIssue(r.contains("key") ? r["key"].get<std::string>() : r.at("id").get<std::string>());
    };
    // "inwardIssue blocks outwardIssue": the inward issue's page shows the
    // link with the outward description.
    const int64_t from = end("inwardIssue"), to = end("outwardIssue");
    if (from < 0 || to < 0) return JiraError(res, 404, "Issue does not exist or you do not have permission to see it.");
    if (from == to) return JiraError(res, 400, "You cannot link an issue to itself.");
    site.AddLink(t, from, to);
    ++site.version;
    res.status = 201;
  } catch (const json::exception&) {
    return JiraError(res, 400, "The request body must give type, inwardIssue and outwardIssue.");
  }
}

void ApiCall::ProjectVersions() {
  const int p = find_project(c[0]);
  if (p < 0) return;
  std::vector<int> live;  // what a deleted version leaves
  for (std::size_t v = 0; v < site.projects[p].versions.size(); ++v) {
    if (!site.projects[p].versions[v].deleted) live.push_back(static_cast<int>(v));
  }
  const bool paged = segs.back() == "version";
  auto one = [&](int64_t i) { WriteVersion(w, rc, p, live[static_cast<std::size_t>(i)]); };
  if (paged) {
    WritePage(static_cast<int64_t>(live.size()), paging(50, 50), one);
  } else {
    w.BeginArray();
    for (std::size_t i = 0; i < live.size(); ++i) one(static_cast<int64_t>(i));
    w.EndArray();
  }
  return ok();
}

void ApiCall::ProjectComponents() {
  const int p = find_project(c[0]);
  if (p < 0) return;
  const auto& components = site.projects[p].components;
  std::vector<int> live;  // what a deleted component leaves
  for (std::size_t k = 0; k < components.size(); ++k) {
    if (!components[k].deleted) live.push_back(static_cast<int>(k));
  }
  if (segs.back() == "component") {  // paged, with issue counts
    std::vector<int64_t> counts(components.size(), 0);
    for (const auto& is : site.issues) {
      if (is.deleted || is.project != p) continue;
      for (std::size_t k = 0; k < components.size(); ++k) counts[k] += (is.components >> k) & 1u;
    }
    WritePage(static_cast<int64_t>(live.size()), paging(50, 50), [&](int64_t i) {
      const int k = live[static_cast<std::size_t>(i)];
      WriteComponent(w, rc, p, k, true, counts[static_cast<std::size_t>(k)]);
    });
  } else {
    w.BeginArray();
    for (int k : live) WriteComponent(w, rc, p, k, true);
    w.EndArray();
  }
  return ok();
}

// ---- writes to versions and components (project administration) ----------

namespace {

// Where a version or component with this id is: project index and its index there; {-1, -1} when none.
template <class Member>
std::pair<int, int> FindProjectItem(const Site& site, const std::string& id, Member member) {
  auto n = jirasql::ParseInt(id);
  for (std::size_t p = 0; n && p < site.projects.size(); ++p) {
    const auto& items = site.projects[p].*member;
    for (std::size_t k = 0; k < items.size(); ++k) {
      if (items[k].id == *n && !items[k].deleted) return {static_cast<int>(p), static_cast<int>(k)};
    }
  }
  return {-1, -1};
}

// Whether another live item of the project has this name (Jira compares names ignoring case).
template <class Items>
bool NameTaken(const Items& items, const std::string& name, int except) {
  for (std::size_t k = 0; k < items.size(); ++k) {
    if (static_cast<int>(k) != except && !items[k].deleted && jirasql::EqualsIgnoreCase(items[k].name, name))
      return true;
  }
  return false;
}

void FieldError(httplib::Response& res, const std::string& field, const std::string& message) {
  SendJson(res, 400, json{{"errorMessages", json::array()}, {"errors", {{field, message}}}}.dump());
}

bool IsDay(const json& v) {
  if (!v.is_string()) return false;
  const std::string& t = v.get_ref<const std::string&>();
  return t.size() == 10 && jirasql::ParseIso8601(t + "T00:00Z").has_value();
}

// Moves issues of project `p` from bit `from` to the version or component
// `to` (-1: none), as Jira does when one is deleted.
void MoveBits(Site& site, int p, int from, int to, uint32_t Issue::*bits) {
  for (auto& is : site.issues) {
    if (is.project != p || !(is.*bits & (1u << from))) continue;
    is.*bits &= ~(1u << from);
    if (to >= 0) is.*bits |= 1u << to;
  }
}

// Appends an item with the next id and applies a create's body to it with
// `apply` (which sends Jira's 400 when it refuses a field): its index, or
// -1 with the item removed again. `what` names the list in jirasim's limit.
template <class Items>
int AddItem(Items& items, int64_t& next_id, const char* what, httplib::Response& res,
            const std::function<bool(int)>& apply) {
  if (items.size() >= kMaxProjectItems) {
    JiraError(res, 400, std::string("jirasim keeps at most 32 ") + what + " per project (deleted ones included).");
    return -1;
  }
  typename Items::value_type made{};
  made.id = next_id;
  items.push_back(made);
  const int k = static_cast<int>(items.size() - 1);
  if (!apply(k)) {
    items.pop_back();
    return -1;
  }
  ++next_id;
  return k;
}

// Applies an edit's body to `item`; on a refusal (sent by `apply`) the item is as it was.
template <class T>
bool EditItem(T& item, const std::function<bool()>& apply) {
  T before = item;
  if (apply()) return true;
  item = before;
  return false;
}

}  // namespace

// A version's fields from a create or edit body: false (and Jira's 400) when one is wrong.
bool ApiCall::ApplyVersion(const json& b, int p, int k) {
  Version& v = site.projects[static_cast<std::size_t>(p)].versions[static_cast<std::size_t>(k)];
  if (b.contains("name")) {
    if (!b["name"].is_string() || b["name"].get<std::string>().empty()) {
      FieldError(res, "name", "You must specify a valid version name");
      return false;
    }
    if (NameTaken(site.projects[static_cast<std::size_t>(p)].versions, b["name"], k)) {
      FieldError(res, "name", "A version with this name already exists in this project.");
      return false;
    }
    v.name = b["name"];
  }
  if (b.contains("description"))
    v.description = b["description"].is_string() ? b["description"].get<std::string>() : "";
  for (auto [key, flag] : {std::pair{"released", &Version::released}, std::pair{"archived", &Version::archived}}) {
    if (!b.contains(key)) continue;
    if (!b[key].is_boolean()) {
      FieldError(res, key, std::string("The ") + key + " flag must be true or false.");
      return false;
    }
    v.*flag = b[key].get<bool>();
  }
  for (auto [key, day] :
       {std::pair{"startDate", &Version::start_date}, std::pair{"releaseDate", &Version::release_date}}) {
    if (!b.contains(key)) continue;
    if (!b[key].is_null() && !IsDay(b[key])) {
      FieldError(res, key, "Please enter the date in the following format: yyyy-MM-dd");
      return false;
    }
    v.*day = b[key].is_null() ? "" : b[key].get<std::string>();
  }
  if (!v.start_date.empty() && !v.release_date.empty() && v.start_date > v.release_date) {
    FieldError(res, "startDate", "The start date must be before the release date.");
    return false;
  }
  v.overdue = !v.released && !v.release_date.empty() && v.release_date < FormatDay(now / kDayMs);
  return true;
}

void ApiCall::CreateVersion() {
  auto b = body();
  if (!b) return;
  int p = -1;
  if (b->contains("projectId"))
    p = site.FindProject((*b)["projectId"].is_string() ? (*b)["projectId"].get<std::string>()
                                                       : (*b)["projectId"].dump());
  else if (b->contains("project") && (*b)["project"].is_string())
    p = site.FindProject((*b)["project"]);
  else
    return FieldError(res, "projectId", "Project must be specified to create a version.");
  if (p < 0) return JiraError(res, 404, "Project not found.");
  if (!b->contains("name")) return FieldError(res, "name", "You must specify a valid version name");
  const int k = AddItem(site.projects[static_cast<std::size_t>(p)].versions, site.next_version_id, "versions", res,
                        [&](int i) { return ApplyVersion(*b, p, i); });
  if (k < 0) return;
  ++site.version;
  WriteVersion(w, rc, p, k);
  return ok(201);
}

void ApiCall::VersionResource() {
  auto [p, k] = FindProjectItem(site, c[0], &Project::versions);
  if (p < 0) return JiraError(res, 404, "Could not find version for id '" + c[0] + "'");
  if (req.method == "GET") {
    WriteVersion(w, rc, p, k);
    return ok();
  }
  if (req.method == "PUT") {
    auto b = body();
    if (!b) return;
    if (!EditItem(site.projects[static_cast<std::size_t>(p)].versions[static_cast<std::size_t>(k)],
                  [&] { return ApplyVersion(*b, p, k); }))
      return;
    ++site.version;
    WriteVersion(w, rc, p, k);
    return ok();
  }
  // DELETE (moveFixIssuesTo, moveAffectedIssuesTo in the query) or POST
  // removeAndSwap (the same in the body).
  json swap = json::object();
  if (req.method == "POST") {
    auto b = body();
    if (!b) return;
    swap = *b;
  }
  for (const char* key : {"moveFixIssuesTo", "moveAffectedIssuesTo"}) {
    if (req.has_param(key)) swap[key] = req.get_param_value(key);
  }
  int to[2] = {-1, -1};
  const char* keys[2] = {"moveFixIssuesTo", "moveAffectedIssuesTo"};
  for (int i = 0; i < 2; ++i) {
    if (!swap.contains(keys[i]) || swap[keys[i]].is_null()) continue;
    const json& v = swap[keys[i]];
    auto [tp, tk] = FindProjectItem(site, v.is_string() ? v.get<std::string>() : v.dump(), &Project::versions);
    if (tp != p || tk == k)
      return FieldError(res, keys[i], "The version to move issues to must be another version of the project.");
    to[i] = tk;
  }
  MoveBits(site, p, k, to[0], &Issue::fix_versions);
  MoveBits(site, p, k, to[1], &Issue::affected_versions);
  site.projects[static_cast<std::size_t>(p)].versions[static_cast<std::size_t>(k)].deleted = true;
  ++site.version;
  res.status = 204;
}

// A component's fields from a create or edit body: false (and Jira's 400) when one is wrong.
bool ApiCall::ApplyComponent(const json& b, int p, int k) {
  Component& cm = site.projects[static_cast<std::size_t>(p)].components[static_cast<std::size_t>(k)];
  if (b.contains("name")) {
    if (!b["name"].is_string() || b["name"].get<std::string>().empty()) {
      FieldError(res, "name", "The component name specified is invalid - cannot be empty.");
      return false;
    }
    if (NameTaken(site.projects[static_cast<std::size_t>(p)].components, b["name"], k)) {
      FieldError(res, "name",
                 "A component with the name " + b["name"].get<std::string>() + " already exists in this project.");
      return false;
    }
    cm.name = b["name"];
  }
  if (b.contains("description"))
    cm.description = b["description"].is_string() ? b["description"].get<std::string>() : "";
  const char* lead_key = options.datacenter ? "leadUserName" : "leadAccountId";
  if (b.contains(lead_key)) {
    const json& l = b[lead_key];
    int found = -1;
    for (std::size_t u = 0; l.is_string() && u < world.users.size(); ++u) {
      if ((options.datacenter ? world.users[u].name : world.users[u].account_id) == l.get<std::string>())
        found = static_cast<int>(u);
    }
    if (!l.is_null() && !(l.is_string() && l.get<std::string>().empty()) && found < 0) {
      FieldError(res, options.datacenter ? "leadUserName" : "leadAccountId", "The user does not exist.");
      return false;
    }
    cm.lead = found;
  }
  if (b.contains("assigneeType")) {
    const std::string t = b["assigneeType"].is_string() ? b["assigneeType"].get<std::string>() : "";
    if (t != "PROJECT_DEFAULT" && t != "COMPONENT_LEAD" && t != "PROJECT_LEAD" && t != "UNASSIGNED") {
      FieldError(res, "assigneeType", "The default assignee type is not valid.");
      return false;
    }
    cm.assignee_type = t;
  }
  return true;
}

void ApiCall::CreateComponent() {
  auto b = body();
  if (!b) return;
  if (!b->contains("project") || !(*b)["project"].is_string()) {
    return FieldError(res, "project", "The project must be specified.");
  }
  const int p = site.FindProject((*b)["project"]);
  if (p < 0)
    return FieldError(res, "project",
                      "The project with key '" + (*b)["project"].get<std::string>() + "' does not exist.");
  if (!b->contains("name"))
    return FieldError(res, "name", "The component name specified is invalid - cannot be empty.");
  const int k = AddItem(site.projects[static_cast<std::size_t>(p)].components, site.next_component_id, "components",
                        res, [&](int i) { return ApplyComponent(*b, p, i); });
  if (k < 0) return;
  ++site.version;
  WriteComponent(w, rc, p, k, true);
  return ok(201);
}

void ApiCall::ComponentResource() {
  auto [p, k] = FindProjectItem(site, c[0], &Project::components);
  if (p < 0) return JiraError(res, 404, "The component with id " + c[0] + " does not exist.");
  if (req.method == "GET") {
    WriteComponent(w, rc, p, k, true);
    return ok();
  }
  if (req.method == "PUT") {
    auto b = body();
    if (!b) return;
    if (!EditItem(site.projects[static_cast<std::size_t>(p)].components[static_cast<std::size_t>(k)],
                  [&] { return ApplyComponent(*b, p, k); }))
      return;
    ++site.version;
    WriteComponent(w, rc, p, k, true);
    return ok();
  }
  int to = -1;
  if (req.has_param("moveIssuesTo")) {
    auto [tp, tk] = FindProjectItem(site, req.get_param_value("moveIssuesTo"), &Project::components);
    if (tp != p || tk == k)
      return JiraError(res, 400, "The component to move issues to must be another component of the project.");
    to = tk;
  }
  MoveBits(site, p, k, to, &Issue::components);
  site.projects[static_cast<std::size_t>(p)].components[static_cast<std::size_t>(k)].deleted = true;
  ++site.version;
  res.status = 204;
}

namespace {
// The custom field `id` names (its index, -1 when none) and whether it is
// the first select field (the one with a second context).
int FindCustomField(const World& world, const std::string& id, bool* first_select) {
  const auto& fields = world.catalogs.custom_fields;
  int first = -1;
  for (std::size_t f = 0; f < fields.size(); ++f) {
    if (first < 0 && !fields[f].options.empty()) first = static_cast<int>(f);
    if (fields[f].id == id) {
      *first_select = first == static_cast<int>(f);
      return static_cast<int>(f);
    }
  }
  return -1;
}
}  // namespace

void ApiCall::FieldContexts() {
  bool first = false;
  const int f = FindCustomField(world, c[0], &first);
  if (f < 0) return JiraError(res, 404, "The custom field was not found.");
  const CustomField& cf = world.catalogs.custom_fields[static_cast<std::size_t>(f)];
  WritePage(ContextCount(cf, first), paging(50, 100), [&](int64_t k) {
    w.BeginObject()
        .Field("id", std::to_string(ContextId(f, static_cast<int>(k))))
        .Field("name",
               k == 0 ? "Default Configuration Scheme for " + cf.name : cf.name + " for " + site.projects[0].key)
        .Field("description", k == 0 ? "Default configuration scheme generated by Jira" : "Fewer teams in one project")
        .Field("isGlobalContext", k == 0)
        .Field("isAnyIssueType", true)
        .EndObject();
  });
  return ok();
}

void ApiCall::ContextOptions() {
  bool first = false;
  const int f = FindCustomField(world, c[0], &first);
  if (f < 0) return JiraError(res, 404, "The custom field was not found.");
  const CustomField& cf = world.catalogs.custom_fields[static_cast<std::size_t>(f)];
  int k = -1;
  for (int i = 0; i < ContextCount(cf, first); ++i) {
    if (std::to_string(ContextId(f, i)) == c[1]) k = i;
  }
  if (k < 0) return JiraError(res, 404, "The context was not found.");
  const int64_t n = k == 0 ? static_cast<int64_t>(cf.options.size()) : 2;
  // A cascading select's children follow its parents, each naming its parent (optionId).
  std::vector<std::pair<int, int>> children;
  for (std::size_t o = 0; k == 0 && o < cf.children.size(); ++o) {
    for (std::size_t c = 0; c < cf.children[o].size(); ++c)
      children.emplace_back(static_cast<int>(o), static_cast<int>(c));
  }
  WritePage(n + static_cast<int64_t>(children.size()), paging(100, 1000), [&](int64_t o) {
    if (o >= n) {
      const auto [parent, child] = children[static_cast<std::size_t>(o - n)];
      w.BeginObject()
          .Field("id", std::to_string(ChildOptionId(f, parent, child)))
          .Field("value", cf.children[static_cast<std::size_t>(parent)][static_cast<std::size_t>(child)])
          .Field("optionId", std::to_string(OptionId(f, parent)))
          .Field("disabled", false)
          .EndObject();
      return;
    }
    w.BeginObject()
        .Field("id", std::to_string(OptionId(f, static_cast<int>(o)) + 50 * k))  // ids are per context
        .Field("value", cf.options[static_cast<std::size_t>(o)])
        .Field("disabled", false)
        .EndObject();
  });
  return ok();
}

void ApiCall::GetLabels() {
  const auto& labels = world.catalogs.labels;
  WritePage(static_cast<int64_t>(labels.size()), paging(1000, 1000), [&](int64_t i) { w.String(labels[i]); });
  return ok();
}

}  // namespace jirasim
