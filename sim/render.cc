#include "render.h"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <ctime>
#include <functional>

#include "adf_text.h"
#include "common/strings.h"

namespace jirasim {

using jirasql::JsonWriter;

namespace {

const std::vector<std::string> kSystemFields = {"summary",
                                                "description",
                                                "issuetype",
                                                "project",
                                                "status",
                                                "priority",
                                                "resolution",
                                                "assignee",
                                                "reporter",
                                                "creator",
                                                "created",
                                                "updated",
                                                "resolutiondate",
                                                "duedate",
                                                "labels",
                                                "components",
                                                "fixVersions",
                                                "parent",
                                                "subtasks",
                                                "timetracking",
                                                "timeoriginalestimate",
                                                "timeestimate",
                                                "timespent",
                                                "aggregatetimespent",
                                                "aggregatetimeoriginalestimate",
                                                "statuscategorychangedate",
                                                "comment",
                                                "worklog",
                                                "attachment",
                                                "versions",
                                                "issuelinks",
                                                "watches",
                                                "votes"};

// Indexes into kSystemFields, in the same order.
enum SysField {
  kSummary,
  kDescription,
  kIssuetype,
  kProject,
  kStatus,
  kPriority,
  kResolution,
  kAssignee,
  kReporter,
  kCreator,
  kCreated,
  kUpdated,
  kResolutiondate,
  kDuedate,
  kLabels,
  kComponents,
  kFixVersions,
  kParent,
  kSubtasks,
  kTimetracking,
  kTimeoriginalestimate,
  kTimeestimate,
  kTimespent,
  kAggregatetimespent,
  kAggregatetimeoriginalestimate,
  kStatuscategorychangedate,
  kComment,
  kWorklog,
  kAttachment,
  kVersions,
  kIssuelinks,
  kWatches,
  kVotes
};

bool Navigable(const std::string& f) { return f != "comment" && f != "worklog"; }

std::string Id(int64_t v) { return std::to_string(v); }
}  // namespace

const std::vector<std::string>& SystemFieldNames() { return kSystemFields; }

FieldSelection FieldSelection::Parse(const std::vector<std::string>& params, const std::string& default_spec,
                                     const Catalogs& catalogs) {
  std::vector<std::string> tokens;
  for (const auto& p : params) {
    for (auto& t : jirasql::Split(p, ',')) {
      std::string s(jirasql::Trim(t));
      if (!s.empty()) tokens.push_back(s);
    }
  }
  bool only_exclusions = std::all_of(tokens.begin(), tokens.end(), [](const std::string& t) { return t[0] == '-'; });
  if (tokens.empty() || only_exclusions) {
    for (auto& t : jirasql::Split(default_spec, ',')) tokens.insert(tokens.begin(), t);
  }
  FieldSelection fs;
  std::vector<std::string> all = kSystemFields;
  for (const auto& cf : catalogs.custom_fields) all.push_back(cf.id);
  all.push_back(kEpicLinkField);  // rendered on Data Center only
  bool named_only_ids = true;
  for (const auto& t : tokens) {
    if (t == "*all") {
      fs.fields_.insert(all.begin(), all.end());
      named_only_ids = false;
    } else if (t == "*navigable") {
      for (const auto& f : all) {
        if (Navigable(f)) fs.fields_.insert(f);
      }
      named_only_ids = false;
    } else if (t[0] == '-') {
      fs.fields_.erase(t.substr(1));
    } else {
      fs.fields_.insert(t);
      if (t != "id" && t != "key") named_only_ids = false;
    }
  }
  fs.fields_.erase("id");
  fs.fields_.erase("key");
  fs.id_only_ = named_only_ids;
  for (const auto& f : kSystemFields) fs.system_.push_back(fs.fields_.count(f) > 0);
  for (const auto& cf : catalogs.custom_fields) fs.custom_.push_back(fs.fields_.count(cf.id) > 0);
  return fs;
}

bool FieldSelection::Has(const std::string& field) const { return fields_.count(field) > 0; }

void WriteRichText(JsonWriter& w, const RenderContext& rc, const std::string& adf) {
  if (adf == "null" || adf.empty()) {
    w.Null();
  } else if (rc.version >= 3) {
    w.Raw(adf);
  } else {
    w.String(AdfToPlainText(adf));
  }
}

namespace {
// What a cached fragment is, for its key.
enum class Fragment { kUser = 1, kStatus, kIssueType, kPriority, kProjectRef };

// Renders with `render` once per request and kind/index, then reuses the text.
template <class Render>
void Cached(JsonWriter& w, const RenderContext& rc, Fragment kind, int64_t index, Render render) {
  const int64_t key = (static_cast<int64_t>(kind) << 40) | index;
  auto it = rc.fragments.find(key);
  if (it == rc.fragments.end()) {
    std::string text;
    JsonWriter inner(text);
    render(inner);
    it = rc.fragments.emplace(key, std::move(text)).first;
  }
  w.Raw(it->second);
}
void WriteUserUncached(JsonWriter& w, const RenderContext& rc, int u);
void WriteStatusUncached(JsonWriter& w, const RenderContext& rc, int s);
}  // namespace

void WriteUser(JsonWriter& w, const RenderContext& rc, int u) {
  if (u < 0) {
    w.Null();
    return;
  }
  Cached(w, rc, Fragment::kUser, u, [&](JsonWriter& inner) { WriteUserUncached(inner, rc, u); });
}

void WriteStatus(JsonWriter& w, const RenderContext& rc, int s) {
  Cached(w, rc, Fragment::kStatus, s, [&](JsonWriter& inner) { WriteStatusUncached(inner, rc, s); });
}

namespace {
void WriteUserUncached(JsonWriter& w, const RenderContext& rc, int u) {
  const User& us = rc.world.users[u];
  w.BeginObject();
  if (rc.datacenter) {
    w.Field("self", rc.base + "/rest/api/2/user?username=" + us.name);
    w.Field("name", us.name).Field("key", us.name);
  } else {
    w.Field("self", rc.base + "/rest/api/" + std::to_string(rc.version) + "/user?accountId=" + us.account_id);
    w.Field("accountId", us.account_id);
  }
  w.Field("emailAddress", us.email);
  w.Key("avatarUrls").BeginObject();
  for (const char* size : {"48x48", "24x24", "16x16", "32x32"}) {
    w.Field(size, rc.base + "/secure/useravatar?size=" + size + "&ownerId=" + us.name);
  }
  w.EndObject();
  w.Field("displayName", us.display_name).Field("active", true).Field("timeZone", us.tz.name);
  if (!rc.datacenter) w.Field("accountType", "atlassian");
  w.EndObject();
}
}  // namespace

void WriteStatusCategory(JsonWriter& w, const RenderContext& rc, int c) {
  const auto& sc = rc.world.catalogs.categories[c];
  w.BeginObject()
      .Field("self", rc.base + "/rest/api/" + std::to_string(rc.version) + "/statuscategory/" + Id(sc.id))
      .Field("id", sc.id)
      .Field("key", sc.key)
      .Field("colorName", sc.color)
      .Field("name", sc.name)
      .EndObject();
}

namespace {
void WriteStatusUncached(JsonWriter& w, const RenderContext& rc, int s) {
  const auto& st = rc.world.catalogs.statuses[s];
  w.BeginObject()
      .Field("self", rc.base + "/rest/api/" + std::to_string(rc.version) + "/status/" + Id(st.id))
      .Field("description", "")
      .Field("iconUrl", rc.base + "/images/icons/statuses/generic.png")
      .Field("name", st.name)
      .Field("id", Id(st.id))
      .Key("statusCategory");
  WriteStatusCategory(w, rc, st.category);
  w.EndObject();
}
}  // namespace

void WriteIssueType(JsonWriter& w, const RenderContext& rc, int t) {
  Cached(w, rc, Fragment::kIssueType, t, [&](JsonWriter& out) {
    const auto& it = rc.world.catalogs.types[t];
    out.BeginObject()
        .Field("self", rc.base + "/rest/api/" + std::to_string(rc.version) + "/issuetype/" + Id(it.id))
        .Field("id", Id(it.id))
        .Field("description", it.description)
        .Field("iconUrl", rc.base + "/images/icons/issuetypes/" + jirasql::ToLower(it.name) + ".svg")
        .Field("name", it.name)
        .Field("subtask", it.subtask);
    if (!rc.datacenter) out.Field("hierarchyLevel", it.hierarchy);  // Data Center does not send it
    if (it.project >= 0) {                                          // a team-managed project's own type
      out.Key("scope")
          .BeginObject()
          .Field("type", "PROJECT")
          .Key("project")
          .BeginObject()
          .Field("id", Id(rc.site.projects[static_cast<std::size_t>(it.project)].id))
          .EndObject()
          .EndObject();
    }
    out.EndObject();
  });
}

void WritePriority(JsonWriter& w, const RenderContext& rc, int p) {
  Cached(w, rc, Fragment::kPriority, p, [&](JsonWriter& out) {
    const auto& pr = rc.world.catalogs.priorities[p];
    out.BeginObject()
        .Field("self", rc.base + "/rest/api/" + std::to_string(rc.version) + "/priority/" + Id(pr.id))
        .Field("iconUrl", rc.base + "/images/icons/priorities/" + jirasql::ToLower(pr.name) + ".svg")
        .Field("name", pr.name)
        .Field("id", Id(pr.id))
        .EndObject();
  });
}

void WriteListedPriority(JsonWriter& w, const RenderContext& rc, int p) {
  // GET /priority adds the colour and description the issue field leaves out.
  static const char* kColors[] = {"#d04437", "#f15c75", "#f79232", "#707070", "#999999"};
  const auto& pr = rc.world.catalogs.priorities[p];
  w.BeginObject()
      .Field("self", rc.base + "/rest/api/" + std::to_string(rc.version) + "/priority/" + Id(pr.id))
      .Field("statusColor", kColors[static_cast<std::size_t>(p) % 5])
      .Field("description", pr.description)
      .Field("iconUrl", rc.base + "/images/icons/priorities/" + jirasql::ToLower(pr.name) + ".svg")
      .Field("name", pr.name)
      .Field("id", Id(pr.id))
      .EndObject();
}

void WriteResolution(JsonWriter& w, const RenderContext& rc, int r) {
  if (r < 0) {
    w.Null();
    return;
  }
  const auto& res = rc.world.catalogs.resolutions[r];
  w.BeginObject()
      .Field("self", rc.base + "/rest/api/" + std::to_string(rc.version) + "/resolution/" + Id(res.id))
      .Field("id", Id(res.id))
      .Field("description", res.description)
      .Field("name", res.name)
      .EndObject();
}

void WriteVersion(JsonWriter& w, const RenderContext& rc, int project, int version) {
  const Project& pr = rc.site.projects[project];
  const Version& v = pr.versions[version];
  w.BeginObject()
      .Field("self", rc.base + "/rest/api/" + std::to_string(rc.version) + "/version/" + Id(v.id))
      .Field("id", Id(v.id));
  if (!v.description.empty()) w.Field("description", v.description);
  w.Field("name", v.name).Field("archived", v.archived).Field("released", v.released);
  if (!v.start_date.empty()) w.Field("startDate", v.start_date);
  if (!v.release_date.empty()) w.Field("releaseDate", v.release_date);
  if (!v.released) w.Field("overdue", v.overdue);  // as Jira: only unreleased versions say
  w.Field("projectId", pr.id).EndObject();
}

void WriteComponent(JsonWriter& w, const RenderContext& rc, int project, int component, bool full,
                    int64_t issue_count) {
  const Project& pr = rc.site.projects[project];
  const Component& c = pr.components[component];
  w.BeginObject()
      .Field("self", rc.base + "/rest/api/" + std::to_string(rc.version) + "/component/" + Id(c.id))
      .Field("id", Id(c.id))
      .Field("name", c.name);
  if (full) {
    if (!c.description.empty()) w.Field("description", c.description);
    if (c.lead >= 0) {
      w.Key("lead");
      WriteUser(w, rc, c.lead);
    }
    w.Field("assigneeType", c.assignee_type)
        .Field("isAssigneeTypeValid", c.assignee_type != "COMPONENT_LEAD" || c.lead >= 0)
        .Field("project", pr.key)
        .Field("projectId", pr.id);
    if (issue_count >= 0) w.Field("issueCount", issue_count);
  }
  w.EndObject();
}

void WriteLinkType(JsonWriter& w, const RenderContext& rc, int type) {
  const LinkType& t = rc.world.catalogs.link_types[type];
  w.BeginObject()
      .Field("id", Id(t.id))
      .Field("name", t.name)
      .Field("inward", t.inward)
      .Field("outward", t.outward)
      .Field("self", rc.base + "/rest/api/" + std::to_string(rc.version) + "/issueLinkType/" + Id(t.id))
      .EndObject();
}

namespace {
// An issue as a link or the parent field shows it: id, key and a few fields.
void WriteLinkedIssue(JsonWriter& w, const RenderContext& rc, int64_t index) {
  const Issue& o = rc.site.issues[index];
  w.BeginObject()
      .Field("id", Id(o.id))
      .Field("key", rc.site.Key(o))
      .Field("self", rc.base + "/rest/api/" + std::to_string(rc.version) + "/issue/" + Id(o.id))
      .Key("fields")
      .BeginObject()
      .Field("summary", o.summary)
      .Key("status");
  WriteStatus(w, rc, o.status);
  w.Key("priority");
  WritePriority(w, rc, o.priority);
  w.Key("issuetype");
  WriteIssueType(w, rc, o.type);
  w.EndObject().EndObject();
}
}  // namespace

bool WriteIssueLink(JsonWriter& w, const RenderContext& rc, const IssueLink& link, int64_t index) {
  if (link.deleted || rc.site.issues[link.from].deleted || rc.site.issues[link.to].deleted) return false;
  w.BeginObject()
      .Field("id", Id(link.id))
      .Field("self", rc.base + "/rest/api/" + std::to_string(rc.version) + "/issueLink/" + Id(link.id))
      .Key("type");
  WriteLinkType(w, rc, link.type);
  // On `from`'s page the other end is the outward issue ("from blocks to").
  if (index < 0 || index == link.from) {
    w.Key("outwardIssue");
    WriteLinkedIssue(w, rc, link.to);
  }
  if (index < 0 || index != link.from) {
    w.Key("inwardIssue");
    WriteLinkedIssue(w, rc, link.from);
  }
  w.EndObject();
  return true;
}

namespace {
void WriteProjectBody(JsonWriter& w, const RenderContext& rc, int p, bool full, bool lead = false,
                      bool description = false);
}  // namespace

void WriteProject(JsonWriter& w, const RenderContext& rc, int p, bool full) {
  if (full) return WriteProjectBody(w, rc, p, true);
  // The short form repeats on every issue of a page.
  Cached(w, rc, Fragment::kProjectRef, p, [&](JsonWriter& inner) { WriteProjectBody(inner, rc, p, false); });
}

void WriteListedProject(JsonWriter& w, const RenderContext& rc, int p, const std::string& expand) {
  bool lead = false, description = false;
  for (const auto& e : jirasql::Split(expand, ',')) {
    lead |= jirasql::Trim(e) == "lead";
    description |= jirasql::Trim(e) == "description";
  }
  if (!lead && !description) return WriteProject(w, rc, p, false);
  WriteProjectBody(w, rc, p, false, lead, description);
}

namespace {
void WriteProjectBody(JsonWriter& w, const RenderContext& rc, int p, bool full, bool lead, bool description) {
  const Project& pr = rc.site.projects[p];
  w.BeginObject()
      .Field("self", rc.base + "/rest/api/" + std::to_string(rc.version) + "/project/" + Id(pr.id))
      .Field("id", Id(pr.id))
      .Field("key", pr.key)
      .Field("name", pr.name)
      .Field("projectTypeKey", "software");
  if (!rc.datacenter) w.Field("simplified", pr.team_managed).Field("style", pr.team_managed ? "next-gen" : "classic");
  w.Key("avatarUrls").BeginObject();
  for (const char* size : {"48x48", "24x24", "16x16", "32x32"}) {
    w.Field(size, rc.base + "/secure/projectavatar?size=" + size + "&pid=" + Id(pr.id));
  }
  w.EndObject();
  if (!full) {
    if (lead) {
      w.Key("lead");
      WriteUser(w, rc, pr.lead);
    }
    if (description) w.Field("description", pr.name + " project");
  }
  if (full) {
    w.Key("lead");
    WriteUser(w, rc, pr.lead);
    w.Field("description", pr.name + " project").Key("components").BeginArray();
    for (std::size_t c = 0; c < pr.components.size(); ++c) {
      if (!pr.components[c].deleted) WriteComponent(w, rc, p, static_cast<int>(c), false);
    }
    w.EndArray().Key("issueTypes").BeginArray();
    for (int t : ProjectTypes(rc.world.catalogs, rc.site, p)) WriteIssueType(w, rc, t);
    w.EndArray().Key("versions").BeginArray();
    for (std::size_t v = 0; v < pr.versions.size(); ++v) {
      if (!pr.versions[v].deleted) WriteVersion(w, rc, p, static_cast<int>(v));
    }
    w.EndArray();
  }
  w.EndObject();
}

}  // namespace

void WriteSprint(JsonWriter& w, const RenderContext& rc, int s) {
  const Sprint& sp = rc.site.sprints[s];
  w.BeginObject()
      .Field("id", sp.id)
      .Field("self", rc.base + "/rest/agile/1.0/sprint/" + Id(sp.id))
      .Field("state", sp.state)
      .Field("name", sp.name);
  if (sp.start_ms != kNone) w.Field("startDate", FormatTimestamp(sp.start_ms, 0));
  if (sp.end_ms != kNone) w.Field("endDate", FormatTimestamp(sp.end_ms, 0));
  if (sp.complete_ms != kNone) w.Field("completeDate", FormatTimestamp(sp.complete_ms, 0));
  w.Field("originBoardId", rc.site.boards[sp.board].id).Field("goal", sp.goal).EndObject();
}

namespace {

void WriteCustomValue(JsonWriter& w, const RenderContext& rc, int64_t index, int f) {
  const Issue& is = rc.site.issues[index];
  const CustomField& cf = rc.world.catalogs.custom_fields[f];
  int64_t v = is.custom[f];
  if (v == kNone) {
    w.Null();
    return;
  }
  auto option = [&](int o) {
    w.BeginObject()
        .Field("self",
               rc.base + "/rest/api/" + std::to_string(rc.version) + "/customFieldOption/" + Id(20000 + f * 100 + o))
        .Field("value", cf.options[o])
        .Field("id", Id(20000 + f * 100 + o))
        .EndObject();
  };
  switch (cf.type) {
    case CustomType::kNumber:
      w.Double(static_cast<double>(v) / 10.0);
      break;
    case CustomType::kSprint:  // the sprints it is in, and the closed one it was carried over from
      w.BeginArray();
      for (int s : SprintsOf(is)) WriteSprint(w, rc, s);
      w.EndArray();
      break;
    case CustomType::kSelect:
      option(static_cast<int>(v));
      break;
    case CustomType::kCascading: {
      const int o = CascadeOption(v), c = CascadeChild(v);
      const std::string api = rc.base + "/rest/api/" + std::to_string(rc.version) + "/customFieldOption/";
      w.BeginObject()
          .Field("self", api + Id(OptionId(f, o)))
          .Field("value", cf.options[o])
          .Field("id", Id(OptionId(f, o)));
      if (c >= 0) {
        const std::string child = Id(ChildOptionId(f, o, c));
        w.Key("child")
            .BeginObject()
            .Field("self", api + child)
            .Field("value", cf.children[o][c])
            .Field("id", child)
            .EndObject();
      }
      w.EndObject();
      break;
    }
    case CustomType::kMultiSelect:
      w.BeginArray();
      for (std::size_t o = 0; o < cf.options.size(); ++o) {
        if (v & (1LL << o)) option(static_cast<int>(o));
      }
      w.EndArray();
      break;
    case CustomType::kUser:
      WriteUser(w, rc, static_cast<int>(v));
      break;
    case CustomType::kDate:
      w.String(FormatDay(v));
      break;
    case CustomType::kTextArea: {
      std::string text = CustomText(rc.world, rc.site, index, f);
      if (rc.version >= 3) {
        std::string doc;
        JsonWriter d(doc);
        d.BeginObject()
            .Field("type", "doc")
            .Field("version", 1)
            .Key("content")
            .BeginArray()
            .BeginObject()
            .Field("type", "paragraph")
            .Key("content")
            .BeginArray()
            .BeginObject()
            .Field("type", "text")
            .Field("text", text)
            .EndObject()
            .EndArray()
            .EndObject()
            .EndArray()
            .EndObject();
        w.Raw(doc);
      } else {
        w.String(text);
      }
      break;
    }
    case CustomType::kString:
      w.String(CustomText(rc.world, rc.site, index, f));
      break;
  }
}

void WriteDuration(JsonWriter& w, const char* key, int64_t seconds) {
  if (seconds == kNone) return;
  int64_t h = seconds / 3600, m = (seconds % 3600) / 60;
  std::string s = (h ? std::to_string(h) + "h" : "") + (m ? std::string(h ? " " : "") + std::to_string(m) + "m" : "");
  if (s.empty()) s = "0m";
  w.Field(key, s);
}

void WriteNullableSeconds(JsonWriter& w, const char* key, int64_t seconds) {
  w.Key(key);
  if (seconds == kNone)
    w.Null();
  else
    w.Int(seconds);
}

}  // namespace

void WriteComment(JsonWriter& w, const RenderContext& rc, int64_t index, const Comment& c, bool with_properties) {
  const Issue& is = rc.site.issues[index];
  w.BeginObject()
      .Field("self",
             rc.base + "/rest/api/" + std::to_string(rc.version) + "/issue/" + Id(is.id) + "/comment/" + Id(c.id))
      .Field("id", Id(c.id))
      .Key("author");
  WriteUser(w, rc, c.author);
  w.Key("body");
  WriteRichText(w, rc, c.adf);
  w.Key("updateAuthor");
  WriteUser(w, rc, c.author);
  w.Field("created", FormatTimestamp(c.created_ms, rc.tz_offset_minutes))
      .Field("updated", FormatTimestamp(c.updated_ms, rc.tz_offset_minutes))
      .Field("jsdPublic", true);
  if (!c.visibility.empty()) w.Key("visibility").Raw(c.visibility);
  if (with_properties) w.Key("properties").Raw(c.properties);
  w.EndObject();
}

void WriteWorklog(JsonWriter& w, const RenderContext& rc, int64_t index, const Worklog& wl, bool with_properties) {
  const Issue& is = rc.site.issues[index];
  w.BeginObject()
      .Field("self",
             rc.base + "/rest/api/" + std::to_string(rc.version) + "/issue/" + Id(is.id) + "/worklog/" + Id(wl.id))
      .Key("author");
  WriteUser(w, rc, wl.author);
  w.Key("updateAuthor");
  WriteUser(w, rc, wl.author);
  if (wl.comment_adf != "null") {  // a worklog without a comment has no comment key
    w.Key("comment");
    WriteRichText(w, rc, wl.comment_adf);
  }
  w.Field("created", FormatTimestamp(wl.created_ms, rc.tz_offset_minutes))
      .Field("updated", FormatTimestamp(wl.updated_ms == kNone ? wl.created_ms : wl.updated_ms, rc.tz_offset_minutes))
      .Field("started", FormatTimestamp(wl.started_ms, rc.tz_offset_minutes));
  WriteDuration(w, "timeSpent", wl.seconds);
  w.Field("timeSpentSeconds", wl.seconds).Field("id", Id(wl.id)).Field("issueId", Id(is.id));
  if (with_properties) w.Key("properties").Raw(wl.properties);
  w.EndObject();
}

void WriteAttachment(JsonWriter& w, const RenderContext& rc, const Attachment& a, bool metadata) {
  const std::string v = rc.base + "/rest/api/" + std::to_string(rc.version);
  w.BeginObject().Field("self", v + "/attachment/" + Id(a.id));
  if (metadata) {
    w.Field("id", a.id);
  } else {
    w.Field("id", Id(a.id));
  }
  w.Field("filename", a.filename).Key("author");
  WriteUser(w, rc, a.author);
  w.Field("created", FormatTimestamp(a.created_ms, rc.tz_offset_minutes))
      .Field("size", static_cast<int64_t>(a.content.size()))
      .Field("mimeType", a.mime_type)
      .Field("content", v + "/attachment/content/" + Id(a.id))
      .EndObject();
}

void WriteHistory(JsonWriter& w, const RenderContext& rc, const History& h) {
  w.BeginObject().Field("id", Id(h.id)).Key("author");
  WriteUser(w, rc, h.author);
  w.Field("created", FormatTimestamp(h.created_ms, rc.tz_offset_minutes)).Key("items").BeginArray();
  for (const auto& it : h.items) {
    w.BeginObject().Field("field", it.field).Field("fieldtype", it.fieldtype);
    if (!rc.datacenter) w.Field("fieldId", it.field_id.empty() ? it.field : it.field_id);
    // Atlassian's schema has these as strings: an empty one is left out.
    auto nullable = [&](const char* k, const std::string& v) {
      if (!v.empty()) w.Field(k, v);
    };
    nullable("from", it.from);
    nullable("fromString", it.from_string);
    nullable("to", it.to);
    nullable("toString", it.to_string);
    w.EndObject();
  }
  w.EndArray().EndObject();
}

namespace {
void WriteProperties(JsonWriter& w, const RenderContext& rc, int64_t index, const std::vector<std::string>& keys) {
  if (keys.empty()) return;
  w.Key("properties").BeginObject();
  auto it = rc.site.issue_properties.find(index);
  for (const auto& k : keys) {
    if (it == rc.site.issue_properties.end()) break;
    if (auto p = it->second.find(k); p != it->second.end()) w.Key(k).Raw(p->second);
  }
  w.EndObject();
}
}  // namespace

void WriteIssue(JsonWriter& w, const RenderContext& rc, int64_t index, const FieldSelection& fs, bool with_changelog,
                const std::vector<std::string>& properties) {
  const Issue& is = rc.site.issues[index];
  const std::string v = std::to_string(rc.version);
  if (fs.IdOnly() && !with_changelog) {
    w.BeginObject().Field("id", Id(is.id)).Field("key", rc.site.Key(is));
    WriteProperties(w, rc, index, properties);
    w.EndObject();
    return;
  }
  w.BeginObject()
      .Field("expand", "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations")
      .Field("id", Id(is.id))
      .Field("self", rc.base + "/rest/api/" + v + "/issue/" + Id(is.id))
      .Field("key", rc.site.Key(is));
  WriteProperties(w, rc, index, properties);
  if (with_changelog) {
    auto hist = Changelog(rc.world, rc.site, index);
    w.Key("changelog")
        .BeginObject()
        .Field("startAt", 0)
        .Field("maxResults", static_cast<int64_t>(hist.size()))
        .Field("total", static_cast<int64_t>(hist.size()))
        .Key("histories")
        .BeginArray();
    for (const auto& h : hist) WriteHistory(w, rc, h);
    w.EndArray().EndObject();
  }
  w.Key("fields").BeginObject();
  const int tz = rc.tz_offset_minutes;
  if (fs.HasSystem(kSummary)) w.Field("summary", is.summary);
  if (fs.HasSystem(kDescription)) {
    w.Key("description");
    WriteRichText(w, rc, DescriptionAdf(rc.world, rc.site, is));
  }
  if (fs.HasSystem(kIssuetype)) {
    w.Key("issuetype");
    WriteIssueType(w, rc, is.type);
  }
  if (fs.HasSystem(kProject)) {
    w.Key("project");
    WriteProject(w, rc, is.project, false);
  }
  if (fs.HasSystem(kStatus)) {
    w.Key("status");
    WriteStatus(w, rc, is.status);
  }
  if (fs.HasSystem(kPriority)) {
    w.Key("priority");
    WritePriority(w, rc, is.priority);
  }
  if (fs.HasSystem(kResolution)) {
    w.Key("resolution");
    WriteResolution(w, rc, is.resolution);
  }
  if (fs.HasSystem(kAssignee)) {
    w.Key("assignee");
    WriteUser(w, rc, is.assignee);
  }
  if (fs.HasSystem(kReporter)) {
    w.Key("reporter");
    WriteUser(w, rc, is.reporter);
  }
  if (fs.HasSystem(kCreator)) {
    w.Key("creator");
    WriteUser(w, rc, is.reporter);
  }
  if (fs.HasSystem(kCreated)) w.Field("created", FormatTimestamp(is.created_ms, tz));
  if (fs.HasSystem(kUpdated)) w.Field("updated", FormatTimestamp(is.updated_ms, tz));
  if (fs.HasSystem(kStatuscategorychangedate)) w.Field("statuscategorychangedate", FormatTimestamp(is.updated_ms, tz));
  if (fs.HasSystem(kResolutiondate)) {
    w.Key("resolutiondate");
    if (is.resolved_ms == kNone)
      w.Null();
    else
      w.String(FormatTimestamp(is.resolved_ms, tz));
  }
  if (fs.HasSystem(kDuedate)) {
    w.Key("duedate");
    if (is.due_day == kNone)
      w.Null();
    else
      w.String(FormatDay(is.due_day));
  }
  if (fs.HasSystem(kLabels)) {
    w.Key("labels").BeginArray();
    for (std::size_t l = 0; l < rc.world.catalogs.labels.size(); ++l) {
      if (is.labels & (1u << l)) w.String(rc.world.catalogs.labels[l]);
    }
    w.EndArray();
  }
  const Project& pr = rc.site.projects[is.project];
  if (fs.HasSystem(kComponents)) {
    w.Key("components").BeginArray();
    for (std::size_t c = 0; c < pr.components.size(); ++c) {
      if (is.components & (1u << c)) WriteComponent(w, rc, is.project, static_cast<int>(c), false);
    }
    w.EndArray();
  }
  if (fs.HasSystem(kFixVersions)) {
    w.Key("fixVersions").BeginArray();
    for (std::size_t c = 0; c < pr.versions.size(); ++c) {
      if (is.fix_versions & (1u << c)) WriteVersion(w, rc, is.project, static_cast<int>(c));
    }
    w.EndArray();
  }
  if (fs.HasSystem(kVersions)) {
    w.Key("versions").BeginArray();
    for (std::size_t c = 0; c < pr.versions.size(); ++c) {
      if (is.affected_versions & (1u << c)) WriteVersion(w, rc, is.project, static_cast<int>(c));
    }
    w.EndArray();
  }
  if (fs.HasSystem(kIssuelinks)) {
    w.Key("issuelinks").BeginArray();
    if (auto it = rc.site.links_of.find(index); it != rc.site.links_of.end()) {
      for (int64_t l : it->second) WriteIssueLink(w, rc, rc.site.links[l], index);
    }
    w.EndArray();
  }
  if (fs.HasSystem(kWatches) || fs.HasSystem(kVotes)) {
    const std::string self = rc.base + "/rest/api/" + v + "/issue/" + rc.site.Key(is);
    const bool mine_w = rc.caller >= 0 && rc.caller < 32 && (is.watchers >> rc.caller & 1u);
    const bool mine_v = rc.caller >= 0 && rc.caller < 32 && (is.voters >> rc.caller & 1u);
    if (fs.HasSystem(kWatches)) {
      w.Key("watches")
          .BeginObject()
          .Field("self", self + "/watchers")
          .Field("watchCount", static_cast<int64_t>(std::popcount(is.watchers)))
          .Field("isWatching", mine_w)
          .EndObject();
    }
    if (fs.HasSystem(kVotes)) {
      w.Key("votes")
          .BeginObject()
          .Field("self", self + "/votes")
          .Field("votes", static_cast<int64_t>(std::popcount(is.voters)))
          .Field("hasVoted", mine_v)
          .EndObject();
    }
  }
  // Data Center links an issue to its epic with the Epic Link field; its
  // parent field is for sub-tasks only.
  const int64_t epic = EpicOf(rc.world.catalogs, rc.site, is);
  if (fs.HasSystem(kParent) && is.parent >= 0 && !(rc.datacenter && epic >= 0)) {
    w.Key("parent");
    WriteLinkedIssue(w, rc, is.parent);
  }
  if (rc.datacenter && fs.Has(kEpicLinkField)) {
    w.Key(kEpicLinkField);
    if (epic >= 0)
      w.String(rc.site.Key(rc.site.issues[static_cast<std::size_t>(epic)]));
    else
      w.Null();
  }
  if (fs.HasSystem(kSubtasks)) {
    // Sub-tasks are found by scanning forward: they always come after their parent.
    w.Key("subtasks").BeginArray();
    if (is.type != 4) {
      const auto& list = pr.issues_by_number;
      for (std::size_t k = is.number; k < list.size() && k < static_cast<std::size_t>(is.number) + 400; ++k) {
        int64_t j = list[k];
        if (j < 0) continue;
        const Issue& s = rc.site.issues[j];
        if (s.parent == index && s.type == 4 && !s.deleted) {
          w.BeginObject()
              .Field("id", Id(s.id))
              .Field("key", rc.site.Key(s))
              .Field("self", rc.base + "/rest/api/" + v + "/issue/" + Id(s.id))
              .EndObject();
        }
      }
    }
    w.EndArray();
  }
  int64_t remaining = is.remaining_estimate;
  if (remaining == kNone && is.original_estimate != kNone) {
    remaining = std::max<int64_t>(0, is.original_estimate - (is.time_spent == kNone ? 0 : is.time_spent));
  }
  if (fs.HasSystem(kTimetracking)) {
    w.Key("timetracking").BeginObject();
    WriteDuration(w, "originalEstimate", is.original_estimate);
    WriteDuration(w, "remainingEstimate", remaining);
    WriteDuration(w, "timeSpent", is.time_spent);
    if (is.original_estimate != kNone) w.Field("originalEstimateSeconds", is.original_estimate);
    if (remaining != kNone) w.Field("remainingEstimateSeconds", remaining);
    if (is.time_spent != kNone) w.Field("timeSpentSeconds", is.time_spent);
    w.EndObject();
  }
  if (fs.HasSystem(kTimeoriginalestimate)) WriteNullableSeconds(w, "timeoriginalestimate", is.original_estimate);
  if (fs.HasSystem(kTimeestimate)) WriteNullableSeconds(w, "timeestimate", remaining);
  if (fs.HasSystem(kTimespent)) WriteNullableSeconds(w, "timespent", is.time_spent);
  if (fs.HasSystem(kAggregatetimespent)) WriteNullableSeconds(w, "aggregatetimespent", is.time_spent);
  if (fs.HasSystem(kAggregatetimeoriginalestimate))
    WriteNullableSeconds(w, "aggregatetimeoriginalestimate", is.original_estimate);
  for (std::size_t f = 0; f < rc.world.catalogs.custom_fields.size(); ++f) {
    const CustomField& cf = rc.world.catalogs.custom_fields[f];
    if (!fs.HasCustom(static_cast<int>(f))) continue;
    w.Key(cf.id);
    WriteCustomValue(w, rc, index, static_cast<int>(f));
  }
  if (fs.HasSystem(kAttachment)) {
    w.Key("attachment").BeginArray();
    if (auto it = rc.site.attachments.find(index); it != rc.site.attachments.end()) {
      for (const auto& a : it->second) WriteAttachment(w, rc, a);
    }
    w.EndArray();
  }
  if (fs.HasSystem(kComment)) {
    auto comments = Comments(rc.world, rc.site, index);
    w.Key("comment").BeginObject().Key("comments").BeginArray();
    for (const auto& c : comments) WriteComment(w, rc, index, c);
    w.EndArray()
        .Field("self", rc.base + "/rest/api/" + v + "/issue/" + Id(is.id) + "/comment")
        .Field("maxResults", static_cast<int64_t>(comments.size()))
        .Field("total", static_cast<int64_t>(comments.size()))
        .Field("startAt", 0)
        .EndObject();
  }
  if (fs.HasSystem(kWorklog)) {
    auto logs = Worklogs(rc.world, rc.site, index);
    w.Key("worklog")
        .BeginObject()
        .Field("startAt", 0)
        .Field("maxResults", 20)
        .Field("total", static_cast<int64_t>(logs.size()))
        .Key("worklogs")
        .BeginArray();
    // Jira embeds the first 20; the rest are read from /issue/{id}/worklog.
    for (std::size_t k = 0; k < logs.size() && k < 20; ++k) WriteWorklog(w, rc, index, logs[k]);
    w.EndArray().EndObject();
  }
  w.EndObject().EndObject();
}

CustomSchema SchemaOf(const CustomField& cf) {
  switch (cf.type) {
    case CustomType::kNumber:
      return {"number", nullptr, "com.atlassian.jira.plugin.system.customfieldtypes:float"};
    case CustomType::kSprint:
      return {"array", "json", "com.pyxis.greenhopper.jira:gh-sprint"};
    case CustomType::kSelect:
      return {"option", nullptr, "com.atlassian.jira.plugin.system.customfieldtypes:select"};
    case CustomType::kMultiSelect:
      return {"array", "option", "com.atlassian.jira.plugin.system.customfieldtypes:multiselect"};
    case CustomType::kCascading:
      return {"option-with-child", nullptr, "com.atlassian.jira.plugin.system.customfieldtypes:cascadingselect"};
    case CustomType::kUser:
      return {"user", nullptr, "com.atlassian.jira.plugin.system.customfieldtypes:userpicker"};
    case CustomType::kDate:
      return {"date", nullptr, "com.atlassian.jira.plugin.system.customfieldtypes:datepicker"};
    case CustomType::kTextArea:
      return {"string", nullptr, "com.atlassian.jira.plugin.system.customfieldtypes:textarea"};
    case CustomType::kString:
      break;
  }
  return {"string", nullptr, "com.atlassian.jira.plugin.system.customfieldtypes:textfield"};
}

void WriteFieldList(JsonWriter& w, const RenderContext& rc) {
  struct Sys {
    const char* id;
    const char* name;
    const char* type;
    const char* items;
    bool orderable, navigable, searchable;
  };
  static const Sys kSys[] = {
      {"summary", "Summary", "string", nullptr, true, true, true},
      {"description", "Description", "string", nullptr, true, true, true},
      {"issuetype", "Issue Type", "issuetype", nullptr, true, true, true},
      {"project", "Project", "project", nullptr, false, true, true},
      {"status", "Status", "status", nullptr, false, true, true},
      {"priority", "Priority", "priority", nullptr, true, true, true},
      {"resolution", "Resolution", "resolution", nullptr, true, true, true},
      {"assignee", "Assignee", "user", nullptr, true, true, true},
      {"reporter", "Reporter", "user", nullptr, true, true, true},
      {"creator", "Creator", "user", nullptr, false, true, true},
      {"created", "Created", "datetime", nullptr, false, true, true},
      {"updated", "Updated", "datetime", nullptr, false, true, true},
      {"resolutiondate", "Resolved", "datetime", nullptr, false, true, true},
      {"duedate", "Due date", "date", nullptr, true, true, true},
      {"labels", "Labels", "array", "string", true, true, true},
      {"components", "Components", "array", "component", true, true, true},
      {"fixVersions", "Fix versions", "array", "version", true, true, true},
      {"parent", "Parent", "issuelink", nullptr, true, true, true},
      {"subtasks", "Sub-tasks", "array", "issuelinks", false, true, false},
      {"timetracking", "Time tracking", "timetracking", nullptr, true, false, true},
      {"timeoriginalestimate", "Original estimate", "number", nullptr, false, true, false},
      {"timeestimate", "Remaining Estimate", "number", nullptr, false, true, false},
      {"timespent", "Time Spent", "number", nullptr, false, true, false},
      {"aggregatetimespent", "Σ Time Spent", "number", nullptr, false, true, false},
      {"aggregatetimeoriginalestimate", "Σ Original Estimate", "number", nullptr, false, true, false},
      {"statuscategorychangedate", "Status Category Changed", "datetime", nullptr, false, true, true},
      {"comment", "Comment", "comments-page", nullptr, true, false, true},
      {"worklog", "Log Work", "array", "worklog", true, false, true},
      {"attachment", "Attachment", "array", "attachment", false, true, true},
      {"versions", "Affects versions", "array", "version", true, true, true},
      {"issuelinks", "Linked Issues", "array", "issuelinks", true, true, true},
      {"watches", "Watchers", "watches", nullptr, false, true, true},
      {"votes", "Votes", "votes", nullptr, false, true, true},
  };
  w.BeginArray();
  for (const auto& s : kSys) {
    w.BeginObject()
        .Field("id", s.id)
        .Field("key", s.id)
        .Field("name", s.name)
        .Field("custom", false)
        .Field("orderable", s.orderable)
        .Field("navigable", s.navigable)
        .Field("searchable", s.searchable)
        .Key("clauseNames")
        .BeginArray()
        .String(s.id)
        .EndArray()
        .Key("schema")
        .BeginObject()
        .Field("type", s.type);
    if (s.items) w.Field("items", s.items);
    w.Field("system", s.id).EndObject().EndObject();
  }
  // A custom field's entry: its id, name and schema.
  auto custom_field = [&](const std::string& id, const std::string& name, const CustomSchema& cs) {
    const std::string num = id.substr(12);
    w.BeginObject()
        .Field("id", id)
        .Field("key", id)
        .Field("name", name)
        .Field("custom", true)
        .Field("orderable", true)
        .Field("navigable", true)
        .Field("searchable", true)
        .Key("clauseNames")
        .BeginArray()
        .String("cf[" + num + "]")
        .String(name)
        .EndArray()
        .Key("schema")
        .BeginObject()
        .Field("type", cs.type);
    if (cs.items) w.Field("items", cs.items);
    w.Field("custom", cs.custom).Field("customId", static_cast<int64_t>(std::stoll(num))).EndObject();
    w.EndObject();
  };
  for (const auto& cf : rc.world.catalogs.custom_fields) custom_field(cf.id, cf.name, SchemaOf(cf));
  if (rc.datacenter) {  // Jira Software's Epic Link
    custom_field(kEpicLinkField, "Epic Link", {"any", nullptr, "com.pyxis.greenhopper.jira:gh-epic-link"});
  }
  w.EndArray();
}

void WriteFieldMetadata(JsonWriter& w, const RenderContext& rc, int project, int type, bool create, bool as_list) {
  const Catalogs& cat = rc.world.catalogs;
  const Project& pr = rc.site.projects[static_cast<std::size_t>(project)];
  const std::string v = rc.base + "/rest/api/" + std::to_string(rc.version);
  // One field: its metadata, then `allowed` writes its allowed values (or nothing).
  auto field = [&](const std::string& id, const std::string& name, const char* schema_type, const char* items,
                   const char* system, const char* custom, bool required, std::vector<const char*> ops,
                   const std::function<void()>& allowed) {
    if (as_list) {
      w.BeginObject();
    } else {
      w.Key(id).BeginObject();
    }
    w.Field("required", required).Key("schema").BeginObject().Field("type", schema_type);
    if (items) w.Field("items", items);
    if (system) w.Field("system", system);
    if (custom) w.Field("custom", custom).Field("customId", static_cast<int64_t>(std::stoll(id.substr(12))));
    w.EndObject().Field("name", name).Field("key", id);
    if (as_list) w.Field("fieldId", id);
    w.Field("hasDefaultValue", false).Key("operations").BeginArray();
    for (const char* op : ops) w.String(op);
    w.EndArray();
    if (allowed) {
      w.Key("allowedValues").BeginArray();
      allowed();
      w.EndArray();
    }
    w.EndObject();
  };
  const std::vector<const char*> set{"set"}, list{"add", "set", "remove"};
  if (create) {
    field("project", "Project", "project", nullptr, "project", nullptr, true, set,
          [&] { WriteProject(w, rc, project, false); });
    field("issuetype", "Issue Type", "issuetype", nullptr, "issuetype", nullptr, true, set,
          [&] { WriteIssueType(w, rc, type); });
  }
  field("summary", "Summary", "string", nullptr, "summary", nullptr, true, set, nullptr);
  field("description", "Description", "string", nullptr, "description", nullptr, false, set, nullptr);
  field("priority", "Priority", "priority", nullptr, "priority", nullptr, false, set, [&] {
    for (std::size_t p = 0; p < cat.priorities.size(); ++p) WritePriority(w, rc, static_cast<int>(p));
  });
  field("labels", "Labels", "array", "string", "labels", nullptr, false, list, nullptr);
  field("duedate", "Due date", "date", nullptr, "duedate", nullptr, false, set, nullptr);
  field("assignee", "Assignee", "user", nullptr, "assignee", nullptr, false, set, nullptr);
  field("reporter", "Reporter", "user", nullptr, "reporter", nullptr, false, set, nullptr);
  field("components", "Components", "array", "component", "components", nullptr, false, list, [&] {
    for (const auto& c : pr.components) {
      if (c.deleted) continue;
      w.BeginObject().Field("self", v + "/component/" + std::to_string(c.id)).Field("id", std::to_string(c.id));
      w.Field("name", c.name).EndObject();
    }
  });
  field("fixVersions", "Fix versions", "array", "version", "fixVersions", nullptr, false, list, [&] {
    for (const auto& ver : pr.versions) {
      if (ver.deleted) continue;
      w.BeginObject().Field("self", v + "/version/" + std::to_string(ver.id)).Field("id", std::to_string(ver.id));
      w.Field("name", ver.name).Field("archived", false).Field("released", ver.released).EndObject();
    }
  });
  if (type < 0 || cat.types[static_cast<std::size_t>(type)].subtask || create) {
    field("parent", "Parent", "issuelink", nullptr, "parent", nullptr, false, set, nullptr);
  }
  for (std::size_t f = 0; f < cat.custom_fields.size(); ++f) {
    const CustomField& cf = cat.custom_fields[f];
    const CustomSchema cs = SchemaOf(cf);
    std::function<void()> allowed;
    if (cf.type == CustomType::kSelect || cf.type == CustomType::kMultiSelect || cf.type == CustomType::kCascading) {
      allowed = [&, f] {
        for (std::size_t o = 0; o < cf.options.size(); ++o) {
          const std::string id = std::to_string(20000 + f * 100 + o);
          w.BeginObject().Field("self", v + "/customFieldOption/" + id).Field("value", cf.options[o]).Field("id", id);
          if (cf.type == CustomType::kCascading) {  // each parent lists its children
            w.Key("children").BeginArray();
            for (std::size_t c = 0; c < cf.children[o].size(); ++c) {
              const std::string cid =
                  std::to_string(ChildOptionId(static_cast<int>(f), static_cast<int>(o), static_cast<int>(c)));
              w.BeginObject().Field("self", v + "/customFieldOption/" + cid).Field("value", cf.children[o][c]);
              w.Field("id", cid).EndObject();
            }
            w.EndArray();
          }
          w.EndObject();
        }
      };
    }
    field(cf.id, cf.name, cs.type, cs.items, nullptr, cs.custom, false, cs.items ? list : set, allowed);
  }
}

}  // namespace jirasim
