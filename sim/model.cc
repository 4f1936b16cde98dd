#include "model.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "common/json_writer.h"
#include "common/strings.h"

namespace jirasim {

using jirasql::JsonWriter;

namespace {

constexpr int64_t kHourMs = 3600000;

const char* kFirst[] = {"Mia",  "Noah",  "Aiko", "Liam", "Priya", "Mateo", "Zoë",    "Olu",
                        "Sven", "Leila", "Chen", "Ines", "Kofi",  "Maja",  "Rafael", "Yuki"};
const char* kLast[] = {"Krystof",   "Okafor", "Tanaka", "Murphy", "Sharma", "García", "Müller", "Adeyemi",
                       "Lindqvist", "Haddad", "Wei",    "Costa",  "Mensah", "Nowak",  "Silva",  "Sato"};
// Zones without daylight saving time: one offset describes each.
const TimeZone kZones[] = {{"Australia/Brisbane", 600}, {"Pacific/Pitcairn", -480}, {"UTC", 0},
                           {"Asia/Kolkata", 330},       {"Asia/Tokyo", 540},        {"America/Phoenix", -420}};
const char* kProjectKeys[] = {"ALPHA", "BETA",  "GAMMA",  "DELTA", "EPS", "ZETA", "ETA", "THETA",
                              "IOTA",  "KAPPA", "LAMBDA", "MU",    "NU",  "XI",   "OMI", "PI"};
const char* kProjectNames[] = {"Alpha Platform", "Beta Payments", "Gamma Mobile", "Delta Data",
                               "Epsilon Search", "Zeta Infra",    "Eta Identity", "Theta Billing"};
const char* kVerbs[] = {"Fix",      "Add",         "Improve", "Remove",   "Refactor",
                        "Document", "Investigate", "Migrate", "Speed up", "Harden"};
const char* kAdjectives[] = {"flaky", "slow",      "missing",   "broken",  "legacy",
                             "new",   "confusing", "duplicate", "unicode", "\"quoted\""};
const char* kNouns[] = {"login page",    "search index", "export job",    "webhook retries",
                        "CSV import",    "rate limiter", "audit log",     "billing report",
                        "token refresh", "sprint board", "release notes", "O'Brien's report"};
const char* kWords[] = {"the",  "customer", "reports",  "that",    "after",   "upgrade", "requests",
                        "fail", "with",     "timeouts", "when",    "many",    "users",   "log",
                        "in",   "at",       "once",     "and",     "retry",   "storm",   "follows",
                        "we",   "should",   "cap",      "backoff", "measure", "latency"};

std::string Sentence(Rng& rng, int words) {
  std::string s;
  for (int i = 0; i < words; ++i) {
    if (i) s += ' ';
    s += kWords[rng.Below(std::size(kWords))];
  }
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  s += '.';
  return s;
}

std::string Hex(uint64_t v, int digits) {
  std::string s(digits, '0');
  for (int i = digits - 1; i >= 0; --i, v >>= 4) s[i] = "0123456789abcdef"[v & 15];
  return s;
}

std::string Uuid(Rng& rng) {
  uint64_t a = rng.Next(), b = rng.Next();
  std::string h = Hex(a, 16) + Hex(b, 16);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-4" + h.substr(13, 3) + "-a" + h.substr(17, 3) + "-" +
         h.substr(20, 12);
}

std::string Token(Rng& rng, const char* prefix) {
  return std::string(prefix) + Hex(rng.Next(), 16) + Hex(rng.Next(), 16);
}

Catalogs MakeCatalogs() {
  Catalogs c;
  c.categories = {{1, "undefined", "No Category", "medium-gray"},
                  {2, "new", "To Do", "blue-gray"},
                  {4, "indeterminate", "In Progress", "yellow"},
                  {3, "done", "Done", "green"}};
  c.statuses = {{10000, "To Do", 1}, {10001, "In Progress", 2}, {10002, "In Review", 2}, {10003, "Done", 3}};
  c.types = {{10000, "Epic", "A big user story that needs to be broken down.", false, 1},
             {10001, "Story", "Functionality or a feature expressed as a user goal.", false, 0},
             {10002, "Task", "A small, distinct piece of work.", false, 0},
             {10003, "Bug", "A problem or error.", false, 0},
             {10004, "Subtask", "A small piece of work that's part of a larger task.", true, -1}};
  c.priorities = {{1, "Highest", "This problem will block progress."},
                  {2, "High", "Serious problem that could block progress."},
                  {3, "Medium", "Has the potential to affect progress."},
                  {4, "Low", "Minor problem or easily worked around."},
                  {5, "Lowest", "Trivial problem with little or no impact on progress."}};
  c.resolutions = {{10000, "Done", "Work has been completed on this issue."},
                   {10001, "Won't Do", "This issue won't be actioned."},
                   {10002, "Duplicate", "The problem is a duplicate of an existing issue."}};
  c.link_types = {{10000, "Blocks", "is blocked by", "blocks"},
                  {10001, "Cloners", "is cloned by", "clones"},
                  {10002, "Duplicate", "is duplicated by", "duplicates"},
                  {10003, "Relates", "relates to", "relates to"}};
  c.roles = {{10002, "Administrators", "A project role that represents administrators in a project", true},
             {10001, "Developers", "A project role that represents developers in a project", false},
             {10003, "Viewers", "Users who may browse the project", false}};
  c.labels = {"backend", "frontend", "ux", "infra", "security", "perf", "docs", "customer", "tech-debt", "ünïcode"};
  c.custom_fields = {
      {"customfield_10016", "Story Points", CustomType::kNumber, {}},
      {"customfield_10020", "Sprint", CustomType::kSprint, {}},
      {"customfield_10030", "Team", CustomType::kSelect, {"Platform", "Payments", "Mobile", "Data"}},
      {"customfield_10031", "Affected Areas", CustomType::kMultiSelect, {"API", "UI", "Database", "Billing", "Search"}},
      {"customfield_10032", "Reviewer", CustomType::kUser, {}},
      {"customfield_10033", "Target start", CustomType::kDate, {}},
      {"customfield_10034", "Customer Impact", CustomType::kTextArea, {}},
      {"customfield_10035", "Severity", CustomType::kSelect, {"S1", "S2", "S3", "S4"}},
      {"customfield_10036", "Effort Hours", CustomType::kNumber, {}},
      {"customfield_10037", "Team", CustomType::kString, {}},  // same display name as 10030, on purpose
      {"customfield_10038",
       "Location",
       CustomType::kCascading,
       {"EMEA", "AMER", "APAC"},
       {{"Berlin", "London"}, {"Austin", "Toronto"}, {"Sydney"}}},
  };
  return c;
}

void GenerateSite(World& w, Site& site, int site_index, int64_t issue_count, int project_count, int64_t now_ms) {
  Rng rng(w.seed * 1000003 + site_index);
  site.cloud_id = Uuid(rng);
  site.name = site_index == 0 ? "acme" : "acme-" + std::to_string(site_index + 1);
  const int user_count = static_cast<int>(w.users.size());

  for (int p = 0; p < project_count; ++p) {
    Project pr;
    int k = site_index * project_count + p;
    pr.id = 10000 + p;
    pr.key = k < static_cast<int>(std::size(kProjectKeys)) ? kProjectKeys[k] : "P" + std::to_string(k);
    pr.name = std::string(kProjectNames[k % std::size(kProjectNames)]) + (k >= 8 ? " " + std::to_string(k) : "");
    pr.lead = p % user_count;
    for (const auto& t : w.catalogs.types) pr.team_managed |= t.project == p;
    for (int c = 0; c < 4; ++c) {
      static const char* kComponents[] = {"API", "Web", "Backend", "Docs"};
      pr.components.push_back({10100 + p * 10 + c, kComponents[c], c == 3 ? -1 : (p + c + 1) % user_count,
                               c == 3 ? "" : std::string(kComponents[c]) + " of " + pr.key,
                               c == 3 ? "PROJECT_DEFAULT" : "COMPONENT_LEAD"});
    }
    for (int v = 0; v < 3; ++v) {
      int64_t day = now_ms / kDayMs + (v - 1) * 60;
      pr.versions.push_back({10200 + p * 10 + v, "v" + std::to_string(v + 1) + ".0", v == 0, FormatDay(day), false,
                             v == 2 ? "" : FormatDay(day - 45), v == 0 ? "First release" : "",
                             v != 0 && day < now_ms / kDayMs});
    }
    // An old release, archived: no issue fixes in it, some bugs affect it.
    pr.versions.push_back({10200 + p * 10 + 3, "v0.9", true, FormatDay(now_ms / kDayMs - 150), true, "", "", false});
    site.projects.push_back(std::move(pr));
    Board b{};
    b.id = p + 1;
    b.name = site.projects.back().key + " board";
    b.project = p;
    b.columns = {{"To Do", {0}}, {"In Progress", {1, 2}, -1, 8}, {"Done", {3}}};
    site.boards.push_back(b);
    // Two closed sprints, one active, one future, each two weeks.
    for (int s = 0; s < 4; ++s) {
      Sprint sp;
      sp.id = p * 4 + s + 1;
      sp.board = p;
      sp.name = site.projects.back().key + " Sprint " + std::to_string(s + 1);
      sp.goal = s == 2 ? "Ship the importer" : "";
      int64_t start = now_ms - (3 - s) * 14 * kDayMs - 7 * kDayMs;
      sp.state = s < 2 ? "closed" : (s == 2 ? "active" : "future");
      sp.start_ms = s < 3 ? start : kNone;
      sp.end_ms = s < 3 ? start + 14 * kDayMs : kNone;
      sp.complete_ms = s < 2 ? start + 14 * kDayMs : kNone;
      site.sprints.push_back(sp);
    }
  }

  // A kanban board on the first project: no sprints, an unmapped Backlog
  // column, WIP limits, a sub-filter.
  {
    Board k{};
    k.id = project_count + 1;
    k.name = site.projects[0].key + " kanban";
    k.project = 0;
    k.type = "kanban";
    k.columns = {
        {"Backlog", {}}, {"Selected for Development", {0}, 2, 10}, {"In Progress", {1, 2}, -1, 5}, {"Done", {3}}};
    k.sub_query = "fixVersion in unreleasedVersions() OR fixVersion is EMPTY";
    site.boards.push_back(std::move(k));
  }

  const int64_t span = 730 * kDayMs;
  const int64_t start = now_ms - span;
  site.issues.reserve(issue_count);
  for (int64_t i = 0; i < issue_count; ++i) {
    Issue is;
    is.seed = rng.Next();
    Rng r(is.seed);
    is.id = 10000 + i;
    is.project = static_cast<int>(r.Below(project_count));
    Project& pr = site.projects[is.project];
    is.number = static_cast<int>(pr.issues_by_number.size()) + 1;
    pr.issues_by_number.push_back(i);
    is.created_ms = start + span * i / std::max<int64_t>(issue_count, 1) + r.Below(kHourMs);
    is.created_ms -= is.created_ms % 1000;
    // Last changed within 30 days of its creation, and before now: spread
    // over what time there was (clamping to now piled 2% of a site on one
    // second, which no real site has).
    is.updated_ms =
        is.created_ms + r.Below(std::max<int64_t>(1, std::min<int64_t>(30 * kDayMs, now_ms - 1000 - is.created_ms)));
    is.updated_ms -= is.updated_ms % 1000;
    int t = static_cast<int>(r.Below(100));
    is.type = t < 5 ? 0 : t < 45 ? 1 : t < 70 ? 2 : t < 90 ? 3 : 4;
    if (is.type == 0 && pr.team_managed) {  // the project's own Epic type
      for (std::size_t k = 0; k < w.catalogs.types.size(); ++k) {
        if (w.catalogs.types[k].project == is.project) is.type = static_cast<int>(k);
      }
    }
    is.status = static_cast<int>(r.Below(4));
    is.priority = static_cast<int>(r.Below(5));
    if (is.status == 3) {
      is.resolution = r.Chance(85) ? 0 : static_cast<int>(1 + r.Below(2));
      is.resolved_ms = is.updated_ms;
    }
    is.assignee = r.Chance(20) ? -1 : static_cast<int>(r.Below(user_count));
    is.reporter = static_cast<int>(r.Below(user_count));
    if (r.Chance(40)) is.due_day = is.created_ms / kDayMs + 7 + r.Below(90);
    is.summary = std::string(kVerbs[r.Below(std::size(kVerbs))]) + " " + kAdjectives[r.Below(std::size(kAdjectives))] +
                 " " + kNouns[r.Below(std::size(kNouns))];
    for (int l = 0; l < 3; ++l) {
      if (r.Chance(30)) is.labels |= 1u << r.Below(static_cast<int64_t>(w.catalogs.labels.size()));
    }
    if (r.Chance(60)) is.components |= 1u << r.Below(4);
    if (r.Chance(50)) is.fix_versions |= 1u << r.Below(3);
    // Sub-tasks belong to an earlier issue of the same project; stories may sit under an epic.
    if ((is.type == 4 || is.type == 1) && is.number > 1) {
      int64_t parent = pr.issues_by_number[r.Below(is.number - 1)];
      const Issue& cand = site.issues[parent];
      const int level = w.catalogs.types[static_cast<std::size_t>(cand.type)].hierarchy;
      if (is.type == 4 && level == 0) is.parent = parent;  // a sub-task sits under a standard issue
      if (is.type == 1 && level == 1) is.parent = parent;  // a story under an epic
    }
    if (is.type == 4 && is.parent < 0) is.type = 2;  // no parent found: a plain task
    if (r.Chance(60)) is.original_estimate = (1 + r.Below(16)) * 3600;
    is.comment_count = static_cast<int>(r.Below(4));
    is.worklog_count = static_cast<int>(r.Below(3));
    is.custom.fill(kNone);
    for (int f = 0; f < kCustomFieldCount; ++f) {
      if (!r.Chance(70)) continue;
      const CustomField& cf = w.catalogs.custom_fields[f];
      switch (cf.type) {
        case CustomType::kNumber:
          is.custom[f] = r.Below(f == 0 ? 140 : 4000);
          break;  // tenths
        case CustomType::kSprint:
          is.custom[f] = is.project * 4 + r.Below(4);
          break;
        case CustomType::kSelect:
          is.custom[f] = r.Below(static_cast<int64_t>(cf.options.size()));
          break;
        case CustomType::kMultiSelect:
          is.custom[f] = 1 + r.Below((1 << cf.options.size()) - 1);
          break;
        case CustomType::kCascading: {
          const int o = static_cast<int>(r.Below(static_cast<int64_t>(cf.options.size())));
          is.custom[f] =
              CascadeValue(o, static_cast<int>(r.Below(static_cast<int64_t>(cf.children[o].size()) + 1)) - 1);
          break;
        }
        case CustomType::kUser:
          is.custom[f] = r.Below(user_count);
          break;
        case CustomType::kDate:
          is.custom[f] = is.created_ms / kDayMs + r.Below(60);
          break;
        case CustomType::kTextArea:
        case CustomType::kString:
          is.custom[f] = 1;
          break;  // text derived from the seed
      }
    }
    if (is.worklog_count > 0) {
      int64_t spent = 0;
      Rng wr(is.seed ^ 0x5157);
      for (int k = 0; k < is.worklog_count; ++k) spent += (1 + wr.Below(8)) * 1800;
      is.time_spent = spent;
    }
    // A few issues carry a small attachment (their own generator: the rest
    // of the data does not move).
    if (Rng ar(is.seed ^ 0xA77A); ar.Chance(4)) {
      const int64_t at = std::min(now_ms - 1000, is.created_ms + ar.Below(kDayMs));
      site.attachments[i].push_back({900000000 + i, static_cast<int>(ar.Below(user_count)), at - at % 1000,
                                     "report-" + std::to_string(is.id) + ".txt", "text/plain", Sentence(ar, 6) + "\n"});
    }
    // Bugs name the releases they affect (their own generator too).
    if (Rng vr(is.seed ^ 0xAFFE); is.type == 3 && vr.Chance(60)) {
      is.affected_versions |= 1u << vr.Below(4);
      if (vr.Chance(25)) is.affected_versions |= 1u << vr.Below(4);
    }
    // Watchers (the reporter usually), voters and remote links: their own generator.
    {
      Rng pr2(is.seed ^ 0x3A7C);
      const int64_t people = std::min<int64_t>(user_count, 32);
      if (is.reporter < 32 && pr2.Chance(70)) is.watchers |= 1u << is.reporter;
      for (int k = 0; k < 2; ++k) {
        if (pr2.Chance(25)) is.watchers |= 1u << pr2.Below(people);
      }
      if (pr2.Chance(15)) {
        for (int k = 0, n = static_cast<int>(1 + pr2.Below(3)); k < n; ++k) {
          const int64_t u = pr2.Below(people);
          if (u != is.reporter) is.voters |= 1u << u;
        }
      }
      if (pr2.Chance(10)) is.remote_links = static_cast<int>(1 + pr2.Below(2));
    }
    // Its sprint history; the issue was updated by its last change.
    {
      const SprintPlan plan = PlanSprints(site, is);
      is.carried_from = plan.carried_from;
      is.removed_from = plan.removed_from;
      int64_t last = is.updated_ms;
      for (const auto& c : plan.sprint) last = std::max(last, c.at_ms);
      for (const auto& e : plan.estimate) last = std::max(last, e.at_ms);
      is.updated_ms = std::min(now_ms - 1000, last);
      if (is.status == 3) is.resolved_ms = is.updated_ms;
    }
    site.issues.push_back(std::move(is));
  }
  site.next_attachment_id = 900000000 + issue_count;
  // Most issues once had a worklog that was deleted (ids apart from the live ones).
  for (int64_t i = 0; i < issue_count; ++i) {
    Rng dr(site.issues[i].seed ^ 0xDE1E);
    if (!dr.Chance(90)) continue;
    int64_t at = std::min(now_ms - 1000, site.issues[i].created_ms + dr.Below(30 * kDayMs));
    site.deleted_worklogs.push_back({700000000 + i, at});
  }
  std::sort(site.deleted_worklogs.begin(), site.deleted_worklogs.end(),
            [](const auto& a, const auto& b) { return a.at_ms != b.at_ms ? a.at_ms < b.at_ms : a.id < b.id; });
  // Links to earlier issues of any project, of every type, some issues two.
  for (int64_t i = 1; i < issue_count; ++i) {
    Rng lr(site.issues[i].seed ^ 0x11A7);
    for (int k = 0; k < 2; ++k) {
      if (!lr.Chance(k == 0 ? 15 : 4)) break;
      const int type = static_cast<int>(lr.Below(static_cast<int64_t>(w.catalogs.link_types.size())));
      const int64_t other = lr.Below(i);
      if (lr.Chance(50))
        site.AddLink(type, i, other);
      else
        site.AddLink(type, other, i);
    }
  }
}

// ADF helpers writing into a JsonWriter.
void TextNode(JsonWriter& w, const std::string& text) {
  w.BeginObject().Field("type", "text").Field("text", text).EndObject();
}
void Paragraph(JsonWriter& w, const std::string& text) {
  w.BeginObject().Field("type", "paragraph").Key("content").BeginArray();
  TextNode(w, text);
  w.EndArray().EndObject();
}

std::string SimpleDoc(const std::string& text) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Field("type", "doc").Field("version", 1).Key("content").BeginArray();
  Paragraph(w, text);
  w.EndArray().EndObject();
  return out;
}

}  // namespace

void GenerateFiltersAndDashboards(const World& w, Site& site);

World Generate(const GenerateOptions& o) {
  World w;
  w.seed = o.seed;
  w.catalogs = MakeCatalogs();
  const int projects = std::max(1, o.projects);
  if (o.team_managed_project && projects >= 2) {
    w.catalogs.types.push_back({10010, "Epic", "A big user story, in a team-managed project.", false, 1, projects - 1});
  }
  Rng rng(o.seed);
  const int site_count = std::max(1, o.sites);
  for (int u = 0; u < std::max(1, o.users); ++u) {
    User user;
    user.account_id = "5b10a2844c2016570" + Hex(rng.Next(), 7);
    std::string first = kFirst[u % std::size(kFirst)], last = kLast[(u * 7 + 3) % std::size(kLast)];
    user.display_name = first + " " + last + (u >= 16 ? " " + std::to_string(u) : "");
    user.name = "user" + std::to_string(u + 1);
    user.email = user.name + "@example.com";
    user.password = Token(rng, "pw-").substr(0, 19);
    user.api_token = Token(rng, "ATATT3x");
    user.pat = Token(rng, "NjQ");
    user.tz = kZones[u % std::size(kZones)];
    // The first user reaches every site; the others one site each.
    if (u == 0) {
      for (int s = 0; s < site_count; ++s) user.sites.push_back(s);
    } else {
      user.sites.push_back(u % site_count);
      if (u % site_count != 0 && u % 3 == 0) user.sites.insert(user.sites.begin(), 0);
    }
    w.users.push_back(std::move(user));
  }
  for (int k = 0; k < o.browse_only_users && k < static_cast<int>(w.users.size()); ++k) {
    w.users[w.users.size() - 1 - static_cast<std::size_t>(k)].browse_only = true;
  }

  // Groups: the administrators (the first user), everyone, the developers
  // (every other user), and enough teams that the group list has pages.
  // Their own generator: the sites' data stays what it was before groups.
  const int users = static_cast<int>(w.users.size());
  Rng grng(o.seed ^ 0x67726f7570ULL);
  auto group = [&](std::string name, auto member) {
    Group g;
    g.name = std::move(name);
    g.id = Uuid(grng);
    for (int u = 0; u < users; ++u) {
      if (member(u)) g.members.push_back(u);
    }
    w.groups.push_back(std::move(g));
  };
  group("jira-administrators", [](int u) { return u == 0; });
  group("jira-software-users", [](int) { return true; });
  group("developers", [&](int u) { return u % 2 == 0 && !w.users[u].browse_only; });
  for (int t = 1; t <= 60; ++t) {
    char name[16];
    std::snprintf(name, sizeof name, "team-%02d", t);
    group(name, [t](int u) { return (u + t) % 4 == 0; });
  }

  for (int s = 0; s < site_count; ++s) {
    Site site;
    int64_t n = s == 0 ? o.issues : std::min<int64_t>(o.issues, 200);
    GenerateSite(w, site, s, n, std::max(1, o.projects), o.now_ms);
    GenerateFiltersAndDashboards(w, site);
    w.sites.push_back(std::move(site));
  }
  return w;
}

std::vector<RoleActor> RoleActors(const World& world, const Site& site, int project, int role) {
  const Project& p = site.projects[static_cast<std::size_t>(project)];
  const int users = static_cast<int>(world.users.size());
  const int64_t base = 30000 + static_cast<int64_t>(project) * 100 + role * 10;
  const std::string& name = world.catalogs.roles[static_cast<std::size_t>(role)].name;
  if (name == "Administrators") return {{base, p.lead, -1}, {base + 1, -1, FindGroup(world, "jira-administrators")}};
  if (name == "Developers") {
    std::vector<RoleActor> a;
    const int u = (project + 1) % users;
    if (u != p.lead) a.push_back({base, u, -1});
    a.push_back({base + 1, -1, FindGroup(world, "developers")});
    return a;
  }
  return {{base + 1, -1, FindGroup(world, "jira-software-users")}};
}

bool VisibleTo(const World& world, const SavedFilter& f, int user) {
  if (f.owner == user) return true;
  for (const Share& sh : f.shares) {
    if (sh.type == "user" && sh.user != user) continue;
    if (sh.type == "group") {
      const auto& m = world.groups[static_cast<std::size_t>(sh.group)].members;
      if (std::find(m.begin(), m.end(), user) == m.end()) continue;
    }
    return true;
  }
  return false;
}

int FindGroup(const World& world, const std::string& name_or_id) {
  for (std::size_t g = 0; g < world.groups.size(); ++g) {
    const Group& gr = world.groups[g];
    if (gr.id == name_or_id || jirasql::EqualsIgnoreCase(gr.name, name_or_id)) return static_cast<int>(g);
  }
  return -1;
}

// Filters and dashboards of every kind of sharing, owned by several users,
// favourites of some: derived from the projects and users, no randomness.
void GenerateFiltersAndDashboards(const World& w, Site& site) {
  const int users = static_cast<int>(w.users.size());
  const int projects = static_cast<int>(site.projects.size());
  const int groups = static_cast<int>(w.groups.size());
  static const char* kKinds[] = {"global", "project", "group", "loggedin", "user", "private"};
  static const char* kJql[] = {
      "project = {P} AND statusCategory != Done ORDER BY priority DESC", "project = {P} AND assignee = currentUser()",
      "project = {P} AND issuetype = Bug AND created >= -30d", "labels = backend ORDER BY updated DESC"};
  auto shares = [&](int k, int64_t id) {
    std::vector<Share> out;
    const std::string kind = kKinds[k % std::size(kKinds)];
    if (kind == "private") return out;
    Share sh{id, kind};
    if (kind == "project") sh.project = k % projects;
    if (kind == "group") sh.group = groups > 2 ? 2 : 0;  // developers
    if (kind == "user") sh.user = (k + 1) % users;
    out.push_back(sh);
    return out;
  };
  for (int k = 0; k < 12; ++k) {
    SavedFilter f;
    f.id = 10000 + k;
    const std::string key = site.projects[static_cast<std::size_t>(k % projects)].key;
    f.jql = kJql[k % std::size(kJql)];
    if (auto at = f.jql.find("{P}"); at != std::string::npos) f.jql.replace(at, 3, key);
    f.name = (k % 4 == 3 ? std::string("Backend") : key) + " " + std::to_string(k + 1);
    f.description = k % 3 == 0 ? "" : "Filter " + std::to_string(k + 1) + " of " + key;
    f.owner = k % users;
    f.shares = shares(k, 20000 + k);
    for (int u = 0; u < users; ++u) {
      if (u == f.owner || (u + k) % 3 == 0) f.favourite_of.push_back(u);
    }
    site.filters.push_back(std::move(f));
  }
  // Each board's filter, owned by its project's lead and shared with the project.
  for (auto& b : site.boards) {
    const Project& pr = site.projects[static_cast<std::size_t>(b.project)];
    SavedFilter f;
    f.id = 10000 + static_cast<int64_t>(site.filters.size());
    f.name = "Filter for " + b.name;
    f.jql = "project = " + pr.key + " ORDER BY created ASC";
    f.owner = pr.lead;
    f.shares = {{20100 + f.id - 10000, "project"}};
    f.shares[0].project = b.project;
    f.favourite_of = {pr.lead};
    b.filter_id = f.id;
    site.filters.push_back(std::move(f));
  }
  for (int k = 0; k < 6; ++k) {
    SavedFilter d;
    d.id = 10000 + k;
    d.system = k == 0;
    d.name = d.system ? "Default dashboard"
                      : site.projects[static_cast<std::size_t>(k % projects)].key + " overview " + std::to_string(k);
    d.description = d.system ? "" : "What " + site.projects[static_cast<std::size_t>(k % projects)].key + " is doing";
    d.owner = d.system ? -1 : k % users;
    d.shares = d.system ? std::vector<Share>{{21000, "global"}} : shares(k, 21000 + k);
    for (int u = 0; u < users; ++u) {
      if (u == d.owner || (u + k) % 2 == 0) d.favourite_of.push_back(u);
    }
    site.dashboards.push_back(std::move(d));
  }
}

int64_t Site::FindIssue(const std::string& id_or_key) const {
  if (id_or_key.empty()) return -1;
  if (std::all_of(id_or_key.begin(), id_or_key.end(), ::isdigit)) {
    if (id_or_key.size() > 15) return -1;
    int64_t idx = std::stoll(id_or_key) - 10000;
    if (idx < 0 || idx >= static_cast<int64_t>(issues.size()) || issues[idx].deleted) return -1;
    return idx;
  }
  auto dash = id_or_key.rfind('-');
  if (dash == std::string::npos || dash + 1 >= id_or_key.size() || dash + 10 < id_or_key.size()) return -1;
  std::string pkey = id_or_key.substr(0, dash);
  for (char& c : pkey) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  int p = FindProject(pkey);
  if (p < 0) return -1;
  const std::string num = id_or_key.substr(dash + 1);
  if (!std::all_of(num.begin(), num.end(), ::isdigit)) return -1;
  int64_t n = std::stoll(num);
  const auto& list = projects[p].issues_by_number;
  if (n < 1 || n > static_cast<int64_t>(list.size())) return -1;
  int64_t idx = list[n - 1];
  if (idx < 0 || issues[idx].deleted) return -1;
  return idx;
}

std::string Site::Key(const Issue& issue) const {
  return projects[issue.project].key + "-" + std::to_string(issue.number);
}

int64_t Site::AddLink(int type, int64_t from, int64_t to) {
  const int64_t index = static_cast<int64_t>(links.size());
  links.push_back({kFirstLinkId + index, type, from, to, false});
  links_of[from].push_back(index);
  if (to != from) links_of[to].push_back(index);
  return index;
}

IssueLink* Site::FindLink(int64_t id) {
  const int64_t index = id - kFirstLinkId;
  if (index < 0 || index >= static_cast<int64_t>(links.size()) || links[index].deleted) return nullptr;
  return &links[index];
}

int Site::FindProject(const std::string& id_or_key) const {
  for (std::size_t p = 0; p < projects.size(); ++p) {
    if (projects[p].key == id_or_key || std::to_string(projects[p].id) == id_or_key) return static_cast<int>(p);
  }
  return -1;
}

std::string DescriptionAdf(const World& world, const Site& site, const Issue& issue) {
  int64_t index = issue.id - 10000;
  if (auto it = site.description_override.find(index); it != site.description_override.end()) return it->second;
  Rng r(issue.seed ^ 0xD35C);
  if (r.Chance(25)) return "null";
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Field("type", "doc").Field("version", 1).Key("content").BeginArray();
  // A paragraph with a mention.
  const User& who = world.users[r.Below(static_cast<int64_t>(world.users.size()))];
  w.BeginObject().Field("type", "paragraph").Key("content").BeginArray();
  TextNode(w, Sentence(r, 6 + static_cast<int>(r.Below(10))) + " ");
  w.BeginObject()
      .Field("type", "mention")
      .Key("attrs")
      .BeginObject()
      .Field("id", who.account_id)
      .Field("text", "@" + who.display_name)
      .Field("accessLevel", "")
      .EndObject()
      .EndObject();
  TextNode(w, " please take a look.");
  w.EndArray().EndObject();
  if (r.Chance(50)) {
    w.BeginObject().Field("type", "bulletList").Key("content").BeginArray();
    for (int i = 0, n = 2 + static_cast<int>(r.Below(3)); i < n; ++i) {
      w.BeginObject().Field("type", "listItem").Key("content").BeginArray();
      Paragraph(w, Sentence(r, 3 + static_cast<int>(r.Below(5))));
      w.EndArray().EndObject();
    }
    w.EndArray().EndObject();
  }
  if (r.Chance(30)) {
    w.BeginObject()
        .Field("type", "codeBlock")
        .Key("attrs")
        .BeginObject()
        .Field("language", "sql")
        .EndObject()
        .Key("content")
        .BeginArray();
    TextNode(w, "SELECT key, summary FROM issues\nWHERE status = 'Done';");
    w.EndArray().EndObject();
  }
  w.EndArray().EndObject();
  return out;
}

std::vector<Comment> Comments(const World& world, const Site& site, int64_t index) {
  const Issue& is = site.issues[index];
  std::vector<Comment> out;
  Rng r(is.seed ^ 0xC0FFEE);
  int64_t t = is.created_ms;
  for (int k = 0; k < is.comment_count; ++k) {
    t += 600000 + r.Below(3 * kDayMs);
    t -= t % 1000;
    Comment c;
    c.id = is.id * 10 + k;
    c.author = static_cast<int>(r.Below(static_cast<int64_t>(world.users.size())));
    c.created_ms = c.updated_ms = t;
    c.adf = SimpleDoc(Sentence(r, 5 + static_cast<int>(r.Below(12))));
    // Some comments are for one role only (their own generator: the rest of
    // the data does not move).
    if (Rng(is.seed ^ 0x7151 ^ static_cast<uint64_t>(k)).Chance(15)) {
      c.visibility = R"({"type":"role","value":"Developers","identifier":"Developers"})";
    }
    out.push_back(std::move(c));
  }
  if (auto it = site.added_comments.find(index); it != site.added_comments.end()) {
    out.insert(out.end(), it->second.begin(), it->second.end());
  }
  return out;
}

std::vector<Worklog> Worklogs(const World& world, const Site& site, int64_t index) {
  const Issue& is = site.issues[index];
  std::vector<Worklog> out;
  Rng spent(is.seed ^ 0x5157);
  Rng r(is.seed ^ 0x3071);
  int64_t t = is.created_ms;
  for (int k = 0; k < is.worklog_count; ++k) {
    t += kHourMs + r.Below(2 * kDayMs);
    t -= t % 1000;
    Worklog wl;
    wl.id = is.id * 10 + k;
    wl.author = static_cast<int>(r.Below(static_cast<int64_t>(world.users.size())));
    wl.started_ms = t;
    wl.created_ms = t + kHourMs;
    wl.seconds = (1 + spent.Below(8)) * 1800;
    wl.comment_adf = SimpleDoc(Sentence(r, 4));
    out.push_back(std::move(wl));
  }
  if (auto it = site.added_worklogs.find(index); it != site.added_worklogs.end()) {
    out.insert(out.end(), it->second.begin(), it->second.end());
  }
  return out;
}

std::vector<History> Changelog(const World& world, const Site& site, int64_t index) {
  const Issue& is = site.issues[index];
  std::vector<History> out;
  Rng r(is.seed ^ 0xC4A7);
  const auto& st = world.catalogs.statuses;
  int64_t t = is.created_ms;
  int64_t step = std::max<int64_t>(1000, (is.updated_ms - is.created_ms) / 4);
  for (int s = 1; s <= is.status && !is.history_owned; ++s) {
    t += step;
    History h;
    h.id = is.id * 10 + s;
    h.author = static_cast<int>(r.Below(static_cast<int64_t>(world.users.size())));
    h.created_ms = t - t % 1000;
    h.items.push_back(
        {"status", "jira", std::to_string(st[s - 1].id), st[s - 1].name, std::to_string(st[s].id), st[s].name});
    if (s == 3 && is.resolution >= 0) {
      const auto& res = world.catalogs.resolutions[is.resolution];
      h.items.push_back({"resolution", "jira", "", "", std::to_string(res.id), res.name});
    }
    out.push_back(std::move(h));
  }
  if (!is.history_owned) {  // the Sprint field's and Story Points' changes, among the status changes
    const SprintPlan plan = PlanSprints(site, is);
    auto sprints = [&](const std::vector<int>& list, bool names) {
      std::string text;
      for (int x : list) {
        const Sprint& sp = site.sprints[static_cast<std::size_t>(x)];
        text += (text.empty() ? "" : ", ") + (names ? sp.name : std::to_string(sp.id));
      }
      return text;
    };
    auto points = [](int64_t tenths) {
      if (tenths == kNone) return std::string();
      return std::to_string(tenths / 10) + (tenths % 10 ? "." + std::to_string(tenths % 10) : "");
    };
    int64_t n = 5;
    for (const auto& c : plan.sprint) {
      History h{is.id * 10 + n++, is.reporter, c.at_ms, {}};
      h.items.push_back({"Sprint", "custom", sprints(c.from, false), sprints(c.from, true), sprints(c.to, false),
                         sprints(c.to, true), world.catalogs.custom_fields[1].id});
      out.push_back(std::move(h));
    }
    for (const auto& e : plan.estimate) {
      History h{is.id * 10 + n++, is.assignee >= 0 ? is.assignee : is.reporter, e.at_ms, {}};
      h.items.push_back(
          {"Story Points", "custom", "", points(e.from), "", points(e.to), world.catalogs.custom_fields[0].id});
      out.push_back(std::move(h));
    }
    std::stable_sort(out.begin(), out.end(), [](const History& a, const History& b) {
      return a.created_ms != b.created_ms ? a.created_ms < b.created_ms : a.id < b.id;
    });
  }
  if (auto it = site.added_history.find(index); it != site.added_history.end()) {
    out.insert(out.end(), it->second.begin(), it->second.end());
  }
  return out;
}

SprintPlan PlanSprints(const Site& site, const Issue& is) {
  SprintPlan plan;
  constexpr int kSprintField = 1, kPointsField = 0;  // Catalogs::custom_fields
  const int64_t d = 14 * kDayMs;
  if (site.sprints.empty()) return plan;
  Rng r(is.seed ^ 0x5B71);
  auto start = [&](int x) { return site.sprints[static_cast<std::size_t>(x)].start_ms; };
  std::vector<int> field;
  auto change = [&](int64_t at, std::vector<int> to) {
    at -= at % 1000;
    if (at > is.created_ms) plan.sprint.push_back({at, field, to});  // else: its value when created
    field = std::move(to);
  };
  const int64_t s = is.custom[kSprintField];
  int in = -1;  // the started sprint it was in, for a re-estimate
  if (s != kNone) {
    const int x = static_cast<int>(s), k = x % 4;  // sprints are project * 4 + k: closed, closed, active, future
    if (k == 3) {
      change(start(x - 1) + 7 * kDayMs, {x});  // planned during the active sprint
    } else if (k >= 1 && r.Chance(25)) {       // carried over when the sprint before closed
      plan.carried_from = x - 1;
      change(start(x - 1) - (1 + r.Below(3)) * kDayMs, {x - 1});
      change(site.sprints[static_cast<std::size_t>(x - 1)].complete_ms, {x - 1, x});
      in = x;
    } else if (r.Chance(20)) {  // added after the start
      change(start(x) + d / 10 + r.Below(d / 2), {x});
      in = x;
    } else {
      change(start(x) - (1 + r.Below(3)) * kDayMs, {x});
      in = x;
    }
  } else if (r.Chance(15)) {  // removed from a started sprint of its project
    const int x = is.project * 4 + static_cast<int>(r.Below(3));
    const int64_t leave = start(x) + d / 5 + r.Below(d * 3 / 5);
    if (leave > is.created_ms + 1000) {
      plan.removed_from = x;
      change(start(x) - kDayMs, {x});
      change(leave, {});
      in = x;
    }
  }
  const int64_t points = is.custom[kPointsField];
  if (in >= 0 && points != kNone && r.Chance(25)) {  // re-estimated during the sprint
    int64_t at = start(in) + d / 5 + r.Below(d / 3);
    at -= at % 1000;
    const int64_t from = std::max<int64_t>(0, points - 10 * (1 + r.Below(3)));
    if (at > is.created_ms && from != points) plan.estimate.push_back({at, from, points});
  }
  return plan;
}

std::vector<int> SprintsOf(const Issue& is) {
  std::vector<int> out;
  if (is.carried_from >= 0) out.push_back(is.carried_from);
  if (is.custom[1] != kNone) out.push_back(static_cast<int>(is.custom[1]));
  return out;
}

void OwnHistory(const World& world, Site& site, int64_t index) {
  if (site.issues[index].history_owned) return;
  auto all = Changelog(world, site, index);
  site.issues[index].history_owned = true;
  site.added_history[index] = std::move(all);
}

std::string CustomText(const World& world, const Site& site, int64_t index, int field) {
  const Issue& is = site.issues[index];
  if (auto it = site.custom_text_override.find(index); it != site.custom_text_override.end()) {
    if (auto f = it->second.find(world.catalogs.custom_fields[field].id); f != it->second.end()) return f->second;
  }
  Rng r(is.seed ^ (0x7E47 + static_cast<uint64_t>(field)));
  return Sentence(r, 3 + static_cast<int>(r.Below(6)));
}

namespace {

// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
void CivilFromDays(int64_t z, int* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int>(yoe + era * 400 + (*m <= 2));
}

char* Digits(char* p, unsigned v, int width) {
  for (int i = width - 1; i >= 0; --i, v /= 10) p[i] = static_cast<char>('0' + v % 10);
  return p + width;
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

std::string FormatTimestamp(int64_t ms, int tz) {
  // yyyy-MM-ddTHH:mm:ss.SSS+hhmm, in the zone `tz` minutes east of UTC.
  const int64_t local = ms + tz * 60000LL;
  const int64_t day = FloorDiv(local, 86400000);
  const int64_t in_day = local - day * 86400000;
  int y;
  unsigned mo, d;
  CivilFromDays(day, &y, &mo, &d);
  char buf[32];
  char* p = Digits(buf, static_cast<unsigned>(y), 4);
  *p++ = '-';
  p = Digits(p, mo, 2);
  *p++ = '-';
  p = Digits(p, d, 2);
  *p++ = 'T';
  p = Digits(p, static_cast<unsigned>(in_day / 3600000), 2);
  *p++ = ':';
  p = Digits(p, static_cast<unsigned>(in_day / 60000 % 60), 2);
  *p++ = ':';
  p = Digits(p, static_cast<unsigned>(in_day / 1000 % 60), 2);
  *p++ = '.';
  p = Digits(p, static_cast<unsigned>(in_day % 1000), 3);
  *p++ = tz < 0 ? '-' : '+';
  const unsigned off = static_cast<unsigned>(tz < 0 ? -tz : tz);
  p = Digits(p, off / 60, 2);
  p = Digits(p, off % 60, 2);
  return std::string(buf, p);
}

std::string FormatDay(int64_t day) {
  int y;
  unsigned mo, d;
  CivilFromDays(day, &y, &mo, &d);
  char buf[16];
  char* p = Digits(buf, static_cast<unsigned>(y), 4);
  *p++ = '-';
  p = Digits(p, mo, 2);
  *p++ = '-';
  p = Digits(p, d, 2);
  return std::string(buf, p);
}

const std::vector<WorkflowTransition>& Workflow() {
  static const std::vector<WorkflowTransition> kFlow = {
      {11, "Start progress", 0, 1}, {21, "Send to review", 1, 2}, {31, "Done", 2, 3},
      {41, "Stop progress", 1, 0},  {51, "Back to work", 2, 1},   {61, "Reopen", 3, 0},
  };
  return kFlow;
}

bool NeedsResolution(const WorkflowTransition& t, int type) { return t.to == 3 && type == 3; }

std::vector<int> ProjectTypes(const Catalogs& catalogs, const Site& site, int project) {
  const bool own = site.projects[static_cast<std::size_t>(project)].team_managed;
  std::vector<int> out;
  for (std::size_t t = 0; t < catalogs.types.size(); ++t) {
    const IssueType& it = catalogs.types[t];
    if (it.project == project || (it.project < 0 && !(own && it.hierarchy == 1))) out.push_back(static_cast<int>(t));
  }
  return out;
}

int64_t EpicOf(const Catalogs& catalogs, const Site& site, const Issue& issue) {
  if (issue.parent < 0) return -1;
  const Issue& p = site.issues[static_cast<std::size_t>(issue.parent)];
  return catalogs.types[static_cast<std::size_t>(p.type)].hierarchy == 1 ? issue.parent : -1;
}

void Site::NoteWorklogChange(std::vector<WorklogChange>& list, int64_t id, int64_t now) {
  list.erase(std::remove_if(list.begin(), list.end(), [id](const WorklogChange& c) { return c.id == id; }), list.end());
  list.push_back({id, std::max(now, list.empty() ? now : list.back().at_ms)});
}

}  // namespace jirasim
