// jirasim: issue links and link types, project versions and components, labels.

#include <algorithm>

#include "api.h"
#include "common/strings.h"

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
  const auto& versions = site.projects[p].versions;
  const bool paged = segs.back() == "version";
  auto one = [&](int64_t v) { WriteVersion(w, rc, p, static_cast<int>(v)); };
  if (paged) {
    WritePage(static_cast<int64_t>(versions.size()), paging(50, 50), one);
  } else {
    w.BeginArray();
    for (std::size_t v = 0; v < versions.size(); ++v) one(static_cast<int64_t>(v));
    w.EndArray();
  }
  return ok();
}

void ApiCall::ProjectComponents() {
  const int p = find_project(c[0]);
  if (p < 0) return;
  const auto& components = site.projects[p].components;
  if (segs.back() == "component") {  // paged, with issue counts
    std::vector<int64_t> counts(components.size(), 0);
    for (const auto& is : site.issues) {
      if (is.deleted || is.project != p) continue;
      for (std::size_t k = 0; k < components.size(); ++k) counts[k] += (is.components >> k) & 1u;
    }
    WritePage(static_cast<int64_t>(components.size()), paging(50, 50),
              [&](int64_t k) { WriteComponent(w, rc, p, static_cast<int>(k), true, counts[k]); });
  } else {
    w.BeginArray();
    for (std::size_t k = 0; k < components.size(); ++k) WriteComponent(w, rc, p, static_cast<int>(k), true);
    w.EndArray();
  }
  return ok();
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
  WritePage(n, paging(100, 1000), [&](int64_t o) {
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
