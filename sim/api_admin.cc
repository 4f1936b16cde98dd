// jirasim: groups and their members, project roles and who holds them.

#include <algorithm>
#include <set>

#include "api.h"
#include "common/strings.h"

namespace jirasim {

using nlohmann::json;

namespace {

void WriteGroupActor(jirasql::JsonWriter& w, const RenderContext& rc, const Group& g) {
  w.Field("displayName", g.name).Field("type", "atlassian-group-role-actor").Field("name", g.name);
  if (!rc.datacenter)
    w.Key("actorGroup")
        .BeginObject()
        .Field("name", g.name)
        .Field("displayName", g.name)
        .Field("groupId", g.id)
        .EndObject();
}

}  // namespace

// Jira's "Browse users and groups" global permission: jirasim's browse-only
// users do not have it.
bool ApiCall::may_browse_users() {
  if (caller.user >= 0 && world.users[static_cast<std::size_t>(caller.user)].browse_only) {
    JiraError(res, 403,
              "You do not have the permission to browse users and groups (the Browse users and groups "
              "global permission).");
    return false;
  }
  return true;
}

void ApiCall::GroupBulk() {
  if (!may_browse_users()) return;
  std::vector<int> found;
  const auto ids = ListParam(req, "groupId"), names = ListParam(req, "groupName");
  for (std::size_t g = 0; g < world.groups.size(); ++g) {
    const Group& gr = world.groups[g];
    bool keep = ids.empty() && names.empty();
    for (const auto& i : ids) keep = keep || i == gr.id;
    for (const auto& n : names) keep = keep || jirasql::EqualsIgnoreCase(n, gr.name);
    if (keep) found.push_back(static_cast<int>(g));
  }
  WritePage(static_cast<int64_t>(found.size()), paging(50, 50), [&](int64_t i) {
    const Group& g = world.groups[static_cast<std::size_t>(found[static_cast<std::size_t>(i)])];
    w.BeginObject().Field("name", g.name).Field("groupId", g.id).EndObject();
  });
  return ok();
}

// Groups whose names hold `query`, sorted, without those `exclude` names; at
// most jira.ajax.autocomplete.limit (20, as Jira's default) whatever
// maxResults asks. An account without Browse users and groups gets an empty
// list unless its query names a group exactly, as Jira does.
void ApiCall::GroupsPicker() {
  const std::string q = jirasql::ToLower(req.get_param_value("query"));
  const int64_t max = std::clamp<int64_t>(IntParam(req, "maxResults", 20), 1, 20);
  std::set<std::string> excluded;
  for (const auto& e : ListParam(req, "exclude")) excluded.insert(jirasql::ToLower(e));
  const bool browse = caller.user < 0 || !world.users[static_cast<std::size_t>(caller.user)].browse_only;
  std::vector<int> found;
  for (std::size_t g = 0; g < world.groups.size(); ++g) {
    const std::string name = jirasql::ToLower(world.groups[g].name);
    if (excluded.count(name)) continue;
    if (browse ? name.find(q) != std::string::npos : (!q.empty() && name == q)) found.push_back(static_cast<int>(g));
  }
  std::sort(found.begin(), found.end(), [&](int a, int b) {
    return world.groups[static_cast<std::size_t>(a)].name < world.groups[static_cast<std::size_t>(b)].name;
  });
  const int64_t shown = std::min<int64_t>(max, static_cast<int64_t>(found.size()));
  w.BeginObject()
      .Field("header", "Showing " + std::to_string(shown) + " of " + std::to_string(found.size()) + " matching groups")
      .Field("total", static_cast<int64_t>(found.size()))
      .Key("groups")
      .BeginArray();
  for (int64_t i = 0; i < shown; ++i) {
    const Group& g = world.groups[static_cast<std::size_t>(found[static_cast<std::size_t>(i)])];
    w.BeginObject().Field("name", g.name).Field("html", g.name);
    if (!rc.datacenter) w.Field("groupId", g.id);
    w.Key("labels").BeginArray().EndArray().EndObject();
  }
  w.EndArray().EndObject();
  return ok();
}

void ApiCall::GroupMembers() {
  const std::string id = req.get_param_value("groupId"), name = req.get_param_value("groupname");
  if (id.empty() && name.empty()) return JiraError(res, 400, "You must provide a group name or a group id.");
  if (!may_browse_users()) return;
  const int g = FindGroup(world, id.empty() ? name : id);
  if (g < 0) return JiraError(res, 404, "Group not found.");
  const auto& members = world.groups[static_cast<std::size_t>(g)].members;
  WritePage(static_cast<int64_t>(members.size()), paging(50, 50),
            [&](int64_t i) { WriteUser(w, rc, members[static_cast<std::size_t>(i)]); });
  return ok();
}

void ApiCall::ProjectRoles() {
  const int p = find_project(c[0]);
  if (p < 0) return;
  const auto& roles = world.catalogs.roles;
  const std::string prefix =
      base + "/rest/api/" + std::to_string(version) + "/project/" + std::to_string(site.projects[p].id) + "/role/";
  if (segs.back() == "roledetails") {  // Cloud: the roles with their details
    w.BeginArray();
    for (const auto& r : roles) {
      w.BeginObject()
          .Field("self", prefix + std::to_string(r.id))
          .Field("name", r.name)
          .Field("id", r.id)
          .Field("description", r.description)
          .Field("admin", r.admin)
          .Field("default", r.name == "Developers")
          .Field("roleConfigurable", true)
          .Field("translatedName", r.name)
          .EndObject();
    }
    w.EndArray();
  } else {  // name -> the role's URL
    w.BeginObject();
    for (const auto& r : roles) w.Field(r.name, prefix + std::to_string(r.id));
    w.EndObject();
  }
  return ok();
}

void ApiCall::ProjectRoleResource() {
  const int p = find_project(c[0]);
  if (p < 0) return;
  const auto& roles = world.catalogs.roles;
  auto id = jirasql::ParseInt(c[1]);
  int role = -1;
  for (std::size_t r = 0; id && r < roles.size(); ++r) {
    if (roles[r].id == *id) role = static_cast<int>(r);
  }
  // Jira answers 404 both for a missing role and for a caller who may not
  // administer the project.
  const bool admin = caller.user < 0 || !world.users[static_cast<std::size_t>(caller.user)].browse_only;
  if (role < 0 || !admin) return JiraError(res, 404, "Can not retrieve a role actor for a null project role.");
  const ProjectRole& r = roles[static_cast<std::size_t>(role)];
  w.BeginObject()
      .Field("self", base + "/rest/api/" + std::to_string(version) + "/project/" + std::to_string(site.projects[p].id) +
                         "/role/" + std::to_string(r.id))
      .Field("name", r.name)
      .Field("id", r.id)
      .Field("description", r.description)
      .Key("actors")
      .BeginArray();
  for (const RoleActor& a : RoleActors(world, site, p, role)) {
    w.BeginObject().Field("id", a.id);
    if (a.user >= 0) {
      const User& u = world.users[static_cast<std::size_t>(a.user)];
      w.Field("displayName", u.display_name).Field("type", "atlassian-user-role-actor");
      if (rc.datacenter) {
        w.Field("name", u.name);
      } else {
        w.Key("actorUser").BeginObject().Field("accountId", u.account_id).EndObject();
      }
    } else {
      WriteGroupActor(w, rc, world.groups[static_cast<std::size_t>(a.group)]);
    }
    w.EndObject();
  }
  w.EndArray().EndObject();
  return ok();
}

}  // namespace jirasim

namespace jirasim {

namespace {

// A user as filters and dashboards name one (Jira's UserBean: no e-mail, no zone).
void WriteUserBean(jirasql::JsonWriter& w, const RenderContext& rc, int user) {
  const User& u = rc.world.users[static_cast<std::size_t>(user)];
  w.BeginObject();
  if (rc.datacenter) {
    w.Field("name", u.name).Field("key", u.name);
  } else {
    w.Field("accountId", u.account_id);
  }
  w.Field("displayName", u.display_name).Field("active", true).EndObject();
}

void WriteShares(jirasql::JsonWriter& w, const RenderContext& rc, const SavedFilter& f) {
  w.Key("sharePermissions").BeginArray();
  for (const Share& sh : f.shares) {
    w.BeginObject().Field("id", sh.id).Field("type", sh.type);
    if (sh.project >= 0) {
      w.Key("project");
      WriteProject(w, rc, sh.project, false);
    }
    if (sh.group >= 0) {
      const Group& g = rc.world.groups[static_cast<std::size_t>(sh.group)];
      w.Key("group").BeginObject().Field("name", g.name);
      if (!rc.datacenter) w.Field("groupId", g.id);
      w.EndObject();
    }
    if (sh.user >= 0) {
      w.Key("user");
      WriteUserBean(w, rc, sh.user);
    }
    w.EndObject();
  }
  w.EndArray();
}

bool FavouriteOf(const SavedFilter& f, int user) {
  return std::find(f.favourite_of.begin(), f.favourite_of.end(), user) != f.favourite_of.end();
}

}  // namespace

// GET filter/search (Cloud): the filters the caller may see — its own and
// those shared with it — 50 a page (at most 100); the fields beyond id, name
// and self only when `expand` asks for them, as Jira does.
void ApiCall::FilterSearch() {
  std::set<std::string> expand;
  for (const auto& e : jirasql::Split(req.get_param_value("expand"), ',')) expand.insert(std::string(jirasql::Trim(e)));
  const auto ids = ListParam(req, "id");
  const std::string name = jirasql::ToLower(req.get_param_value("filterName"));
  std::vector<const SavedFilter*> found;
  for (const auto& f : site.filters) {
    if (!VisibleTo(world, f, caller.user)) continue;
    if (!ids.empty() && std::find(ids.begin(), ids.end(), std::to_string(f.id)) == ids.end()) continue;
    if (!name.empty() && jirasql::ToLower(f.name).find(name) == std::string::npos) continue;
    found.push_back(&f);
  }
  const std::string api = base + "/rest/api/" + std::to_string(version);
  WritePage(static_cast<int64_t>(found.size()), paging(50, 100), [&](int64_t i) {
    const SavedFilter& f = *found[static_cast<std::size_t>(i)];
    w.BeginObject()
        .Field("expand", "description,owner,jql,viewUrl,searchUrl,favourite,favouritedCount,sharePermissions")
        .Field("self", api + "/filter/" + std::to_string(f.id))
        .Field("id", std::to_string(f.id))
        .Field("name", f.name);
    if (expand.count("description") && !f.description.empty()) w.Field("description", f.description);
    if (expand.count("owner")) {
      w.Key("owner");
      WriteUser(w, rc, f.owner);
    }
    if (expand.count("jql")) w.Field("jql", f.jql);
    if (expand.count("viewUrl")) w.Field("viewUrl", base + "/issues/?filter=" + std::to_string(f.id));
    if (expand.count("searchUrl")) {
      w.Field("searchUrl", api + "/search?jql=" + httplib::detail::encode_query_param(f.jql));
    }
    if (expand.count("favourite")) w.Field("favourite", FavouriteOf(f, caller.user));
    if (expand.count("favouritedCount")) w.Field("favouritedCount", static_cast<int64_t>(f.favourite_of.size()));
    if (expand.count("sharePermissions")) WriteShares(w, rc, f);
    w.EndObject();
  });
  return ok();
}

// GET dashboard: every dashboard the caller may see (`filter=my`,
// `favourite`), 20 a page (at most 1000). Data Center's carry id, name,
// self and view only.
void ApiCall::GetDashboards() {
  const std::string filter = req.get_param_value("filter");
  if (!filter.empty() && filter != "my" && filter != "favourite") {
    return JiraError(res, 400, "The filter parameter must be 'my' or 'favourite'.");
  }
  std::vector<const SavedFilter*> found;
  for (const auto& d : site.dashboards) {
    if (!VisibleTo(world, d, caller.user)) continue;
    if (filter == "my" && d.owner != caller.user) continue;
    if (filter == "favourite" && !FavouriteOf(d, caller.user)) continue;
    found.push_back(&d);
  }
  const auto [start, max] = paging(20, 1000);
  const int64_t total = static_cast<int64_t>(found.size()), end = std::min(total, start + max);
  const std::string api = base + "/rest/api/" + std::to_string(version) + "/dashboard";
  const std::string page = "&maxResults=" + std::to_string(max) + (filter.empty() ? "" : "&filter=" + filter);
  w.BeginObject().Field("startAt", start).Field("maxResults", max).Field("total", total);
  if (start > 0) w.Field("prev", api + "?startAt=" + std::to_string(std::max<int64_t>(0, start - max)) + page);
  if (end < total) w.Field("next", api + "?startAt=" + std::to_string(end) + page);
  w.Key("dashboards").BeginArray();
  for (int64_t i = start; i < end; ++i) {
    const SavedFilter& d = *found[static_cast<std::size_t>(i)];
    w.BeginObject()
        .Field("id", std::to_string(d.id))
        .Field("name", d.name)
        .Field("self", api + "/" + std::to_string(d.id))
        .Field("view", base + "/secure/Dashboard.jspa?selectPageId=" + std::to_string(d.id));
    if (!rc.datacenter) {
      if (!d.description.empty()) w.Field("description", d.description);
      w.Field("isFavourite", FavouriteOf(d, caller.user));
      if (d.owner >= 0) {
        w.Key("owner");
        WriteUserBean(w, rc, d.owner);
      }
      w.Field("popularity", static_cast<int64_t>(d.favourite_of.size()))
          .Field("systemDashboard", d.system)
          .Field("isWritable", d.owner == caller.user);
      WriteShares(w, rc, d);
      w.Key("editPermissions").BeginArray().EndArray();
    }
    w.EndObject();
  }
  w.EndArray().EndObject();
  return ok();
}

}  // namespace jirasim
