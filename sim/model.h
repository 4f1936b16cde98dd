#pragma once
/// jirasim's data: users, sites, projects, issues and everything hanging off
/// them, generated deterministically from a seed. Large per-issue text (ADF
/// descriptions, comments, worklogs, changelogs) is derived from the issue's
/// own seed when it is read, so a million issues fit in a few hundred MiB;
/// what clients write is kept in side tables.

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace jirasim {

inline constexpr int64_t kNone = INT64_MIN;
inline constexpr int64_t kDayMs = 86400000;

/// A fixed-offset zone. jirasim's users live in IANA zones without daylight
/// saving time, so one offset describes each completely.
struct TimeZone {
  std::string name;
  int offset_minutes = 0;
};

struct User {
  std::string account_id;
  std::string name;  ///< Data Center user name
  std::string display_name;
  std::string email;
  std::string password;
  std::string api_token;
  std::string pat;
  TimeZone tz;
  std::vector<int> sites;    ///< indexes of the sites this user can reach
  bool browse_only = false;  ///< may read but not create, edit or delete (Jira's 403)
};

struct StatusCategory {
  int id;
  std::string key, name, color;
};
struct Status {
  int64_t id;
  std::string name;
  int category;  ///< index into Catalogs::categories
};
struct IssueType {
  int64_t id;
  std::string name, description;
  bool subtask;
  int hierarchy;     ///< -1 sub-task, 0 standard, 1 epic
  int project = -1;  ///< a team-managed project's own type: that project's index; -1: the site's types
};
struct NamedItem {
  int64_t id;
  std::string name, description;
};

enum class CustomType { kNumber, kSelect, kMultiSelect, kUser, kDate, kTextArea, kString, kSprint, kCascading };

struct CustomField {
  std::string id;    ///< "customfield_10016"
  std::string name;  ///< display name; two fields share "Team" on purpose
  CustomType type;
  std::vector<std::string> options;                     ///< select / multi-select / cascading select's parents
  std::vector<std::vector<std::string>> children = {};  ///< cascading select: each parent option's children
};
/// A cascading select's value in Issue::custom: the parent option and its
/// child (-1 none).
inline int64_t CascadeValue(int option, int child) { return option * 16 + child + 1; }
inline int CascadeOption(int64_t value) { return static_cast<int>(value / 16); }
inline int CascadeChild(int64_t value) { return static_cast<int>(value % 16) - 1; }

struct Component {
  int64_t id;
  std::string name;
  int lead = -1;  ///< user index, -1 for none
  std::string description;
  std::string assignee_type = "PROJECT_DEFAULT";  ///< PROJECT_DEFAULT, COMPONENT_LEAD, PROJECT_LEAD, UNASSIGNED
  bool deleted = false;                           ///< DELETE component/{id}: its issues lost it (bits stay numbered)
};
struct Version {
  int64_t id;
  std::string name;
  bool released;
  std::string release_date;  ///< yyyy-MM-dd
  bool archived = false;
  std::string start_date;  ///< yyyy-MM-dd, "" for none
  std::string description;
  bool overdue = false;  ///< unreleased past its release date (when generated)
  bool deleted = false;  ///< deleted (DELETE version/{id}, removeAndSwap): its issues lost it
};
/// A project holds at most this many versions and components (issues keep
/// them as bits); deleted ones still count.
inline constexpr std::size_t kMaxProjectItems = 32;

/// An issue link type: "A <outward> B" on A's page, "B <inward> A" on B's.
struct LinkType {
  int64_t id;
  std::string name, inward, outward;
};
/// A link between two issues: `from` <outward> `to` (from blocks to).
struct IssueLink {
  int64_t id;
  int type;          ///< index into Catalogs::link_types
  int64_t from, to;  ///< issue indexes
  bool deleted = false;
};

/// A group of users (the same on every site, like the users).
struct Group {
  std::string id;  ///< Cloud's groupId (a UUID)
  std::string name;
  std::vector<int> members;  ///< user indexes, in index order
};
/// A project role (the same list on every project); who holds it differs by
/// project (RoleActors).
struct ProjectRole {
  int64_t id;
  std::string name, description;
  bool admin = false;
};
/// Who holds a role in a project: a user or a group.
struct RoleActor {
  int64_t id;
  int user = -1;   ///< user index, or -1
  int group = -1;  ///< World::groups index, or -1
};

/// Who a filter or dashboard is shared with.
struct Share {
  int64_t id;
  std::string type;  ///< global, loggedin, project, group, user
  int project = -1, group = -1, user = -1;
};
/// A saved filter, or a dashboard (no JQL): owned by a user, shared, and
/// the favourite of some users.
struct SavedFilter {
  int64_t id;
  std::string name, description, jql;
  int owner;
  std::vector<Share> shares;
  std::vector<int> favourite_of;  ///< user indexes
  bool system = false;            ///< dashboards: the system dashboard (no owner)
};

struct Project {
  int64_t id;
  std::string key, name;
  int lead;                   ///< user index
  bool team_managed = false;  ///< Cloud's team-managed ("next-gen") project: its own Epic type
  std::vector<Component> components;
  std::vector<Version> versions;
  std::vector<int64_t> issues_by_number;  ///< number-1 -> issue index (-1 when deleted)
};

/// A board column: its name, WIP limits and the statuses mapped to it.
struct BoardColumn {
  std::string name;
  std::vector<int> statuses;  ///< Catalogs::statuses indexes; none: an unmapped column
  int min = -1, max = -1;     ///< -1: no limit
};
struct Board {
  int64_t id;
  std::string name;
  int project;
  std::string type = "scrum";  ///< scrum (sprints, estimation) or kanban
  int64_t filter_id = 0;       ///< the saved filter the board shows (Site::filters)
  std::vector<BoardColumn> columns;
  std::string sub_query;  ///< kanban: the sub-filter that hides released work
};
struct Sprint {
  int64_t id;
  std::string name, state, goal;
  int board;
  int64_t start_ms, end_ms, complete_ms;  ///< kNone when not set
};

inline constexpr int kCustomFieldCount = 11;
inline constexpr int64_t kFirstLinkId = 20000;

struct Issue {
  int64_t id;
  int project;
  int number;
  int type, status, priority;
  int resolution = -1;
  int assignee = -1, reporter = 0;
  int64_t created_ms, updated_ms;
  int64_t resolved_ms = kNone;
  int64_t due_day = kNone;  ///< days since the epoch
  std::string summary;
  uint32_t labels = 0;      ///< bit i = Catalogs::labels[i]
  uint32_t components = 0;  ///< bit i = project.components[i]
  uint32_t fix_versions = 0;
  uint32_t affected_versions = 0;      ///< the `versions` field (bugs)
  int64_t parent = -1;                 ///< issue index
  int64_t original_estimate = kNone;   ///< seconds
  int64_t remaining_estimate = kNone;  ///< seconds, once a worklog adjusted it (else derived)
  int64_t time_spent = kNone;          ///< seconds (sum of generated worklogs)
  int comment_count = 0, worklog_count = 0;
  uint32_t watchers = 0;  ///< bit i = world user i (the first 32 users)
  uint32_t voters = 0;    ///< bit i = world user i; never the reporter
  int remote_links = 0;   ///< generated remote links (ids RemoteLinkId(issue, k))
  /// Its sprint history (PlanSprints): the closed sprint it was carried
  /// over from, still in its Sprint field; the sprint it was removed from
  /// mid-sprint (Site::sprints indexes, -1 none).
  int32_t carried_from = -1, removed_from = -1;
  std::array<int64_t, kCustomFieldCount> custom;  ///< encoded per CustomType; kNone = empty
  bool deleted = false;
  /// The changelog is what added_history holds: set before the first write
  /// that changes what the generated changelog is derived from.
  bool history_owned = false;
  uint64_t seed = 0;
};

/// A select field's contexts: a global one with every option, and for the
/// first select field a second, for one project, with its first two options.
inline int ContextCount(const CustomField& f, bool first_select) {
  return f.options.empty() ? 0 : first_select ? 2 : 1;
}
inline int64_t ContextId(int field, int k) { return 10100 + field * 10 + k; }
/// The global context's option ids (the second context's are 50 more).
inline int64_t OptionId(int field, int option) { return 20000 + field * 100 + option; }
/// A cascading select's child options' ids.
inline int64_t ChildOptionId(int field, int option, int child) {
  return 20000 + field * 100 + 10 + option * 10 + child;
}

/// The id of an issue's k-th generated remote link.
inline int64_t RemoteLinkId(const Issue& issue, int k) { return issue.id * 10 + k; }

/// Names and ids shared by every site (as in a fresh Jira Cloud site).
struct Catalogs {
  std::vector<StatusCategory> categories;
  std::vector<Status> statuses;
  std::vector<IssueType> types;
  std::vector<NamedItem> priorities;
  std::vector<NamedItem> resolutions;
  std::vector<std::string> labels;
  std::vector<CustomField> custom_fields;
  std::vector<LinkType> link_types;
  std::vector<ProjectRole> roles;
};

struct Comment {
  int64_t id;
  int author;
  int64_t created_ms, updated_ms;
  std::string adf;                ///< ADF document as JSON text
  std::string properties = "[]";  ///< entity properties as Jira lists them: [{"key","value"}]
  std::string visibility;         ///< {"type","value"} as JSON text, or ""
};
struct Worklog {
  int64_t id;
  int author;
  int64_t started_ms, created_ms;
  int64_t seconds;
  std::string comment_adf;
  std::string properties = "[]";  ///< entity properties as Jira lists them: [{"key","value"}]
  int64_t updated_ms = kNone;     ///< kNone: never edited (created)
};
struct Attachment {
  int64_t id;
  int author;
  int64_t created_ms;
  std::string filename, mime_type, content;
};
struct ChangeItem {
  std::string field, fieldtype, from, from_string, to, to_string;
  std::string field_id = "";  ///< Cloud's fieldId when it is not `field` (a custom field's id)
};
struct History {
  int64_t id;
  int author;
  int64_t created_ms;
  std::vector<ChangeItem> items;
};

struct Site {
  std::string cloud_id, name;
  std::vector<Project> projects;
  std::vector<Issue> issues;
  std::vector<Board> boards;
  std::vector<SavedFilter> filters;     ///< ids from 10000
  std::vector<SavedFilter> dashboards;  ///< ids from 10000; the first is the system dashboard
  std::vector<Sprint> sprints;
  std::vector<IssueLink> links;                                ///< by link id - kFirstLinkId
  std::unordered_map<int64_t, std::vector<int64_t>> links_of;  ///< issue index -> indexes into links
  /// Adds a link (generated or POST /issueLink); its index.
  int64_t AddLink(int type, int64_t from, int64_t to);
  /// The link with this id, null when none (or deleted).
  IssueLink* FindLink(int64_t id);
  // What clients wrote, by issue index.
  std::unordered_map<int64_t, std::string> description_override;  ///< ADF JSON or "null"
  std::unordered_map<int64_t, std::vector<Comment>> added_comments;
  std::unordered_map<int64_t, std::vector<Worklog>> added_worklogs;
  std::unordered_map<int64_t, std::vector<History>> added_history;
  std::unordered_map<int64_t, std::map<std::string, std::string>> custom_text_override;
  std::unordered_map<int64_t, std::vector<Attachment>> attachments;  ///< by issue index
  /// Worklogs deleted (generated, then DELETE worklog), and worklogs added
  /// or edited through the API (each once, at its latest change), by time,
  /// then id: GET /worklog/deleted and /worklog/updated. (The generated
  /// worklogs are older than any since a client asks after its first read,
  /// and are not listed as updated.)
  struct WorklogChange {
    int64_t id, at_ms;
  };
  std::vector<WorklogChange> deleted_worklogs, updated_worklogs;
  /// Appends a change of worklog `id` at `now` to `list` (never before the
  /// list's last: the list stays in time order), dropping an earlier one.
  static void NoteWorklogChange(std::vector<WorklogChange>& list, int64_t id, int64_t now);
  int64_t next_attachment_id = 900000000;
  /// Issue entity properties: key -> value as JSON text.
  std::unordered_map<int64_t, std::map<std::string, std::string>> issue_properties;
  int64_t next_version_id = 30000, next_component_id = 31000;  ///< POST version, component
  int64_t next_comment_id = 900000000, next_worklog_id = 900000000, next_history_id = 900000000;
  uint64_t version = 0;  ///< bumped on every write (search caches key on it)

  /// Issue index for "KEY-12" or an id ("10042"); -1 when none.
  int64_t FindIssue(const std::string& id_or_key) const;
  std::string Key(const Issue& issue) const;
  int FindProject(const std::string& id_or_key) const;
};

struct GenerateOptions {
  int64_t issues = 1000;  ///< on the first site; other sites get min(issues, 200)
  int projects = 3;
  int users = 8;
  int sites = 2;
  uint64_t seed = 1;
  int64_t now_ms = 0;         ///< issues are created in the two years before this
  int browse_only_users = 0;  ///< the last this many users may read but not write
  /// The last project of each site is team-managed, with an Epic type of its
  /// own (Jira Cloud; Data Center has no team-managed projects).
  bool team_managed_project = true;
};

struct World {
  Catalogs catalogs;
  std::vector<User> users;
  std::vector<Group> groups;  ///< jira-administrators, jira-software-users, developers, then team-01… (paged)
  std::vector<Site> sites;
  uint64_t seed = 1;
};

World Generate(const GenerateOptions& options);

/// The issue types a project uses: the site's, and for a team-managed
/// project its own Epic in place of the site's.
std::vector<int> ProjectTypes(const Catalogs& catalogs, const Site& site, int project);
/// Data Center's Epic Link field (Jira Software's gh-epic-link): an issue
/// under an epic names it there; `parent` is for sub-tasks only.
inline constexpr const char* kEpicLinkField = "customfield_10014";
/// The epic an issue sits under (its parent, when that is an epic); -1 none.
int64_t EpicOf(const Catalogs& catalogs, const Site& site, const Issue& issue);

/// The workflow every project shares: To Do -> In Progress -> In Review ->
/// Done, and back. Moving a Bug to Done asks for a Resolution (a screen);
/// other types get "Done".
struct WorkflowTransition {
  int id;
  const char* name;
  int from, to;  ///< status indexes
};
const std::vector<WorkflowTransition>& Workflow();
/// Whether `transition` asks for a resolution on an issue of `type`.
bool NeedsResolution(const WorkflowTransition& transition, int type);

/// Derived per-issue data, the same on every call for an unchanged issue.
std::string DescriptionAdf(const World& world, const Site& site, const Issue& issue);
std::vector<Comment> Comments(const World& world, const Site& site, int64_t index);
std::vector<Worklog> Worklogs(const World& world, const Site& site, int64_t index);
std::vector<History> Changelog(const World& world, const Site& site, int64_t index);
/// How an issue's Sprint field (and its Story Points) changed, generated
/// from its seed: committed to its sprint before the start (or added after
/// it), carried over from the sprint before when that closed without it,
/// or removed from a sprint mid-way; some re-estimated during the sprint.
/// Changes at or before its creation are its initial value, not changes.
struct SprintPlan {
  struct Change {
    int64_t at_ms;
    std::vector<int> from, to;  ///< Site::sprints indexes
  };
  struct Estimate {
    int64_t at_ms, from, to;  ///< Story Points in tenths
  };
  std::vector<Change> sprint;  ///< in time order
  std::vector<Estimate> estimate;
  int carried_from = -1, removed_from = -1;
};
SprintPlan PlanSprints(const Site& site, const Issue& issue);
/// The issue's Sprint field: the sprint it was carried over from, then its sprint.
std::vector<int> SprintsOf(const Issue& issue);

/// Freezes the issue's generated changelog into added_history (before a
/// write changes its status or updated time).
void OwnHistory(const World& world, Site& site, int64_t index);
std::string CustomText(const World& world, const Site& site, int64_t index, int field);

/// The actors of role `role` (index into Catalogs::roles) in project
/// `project` of `site`, users before groups.
std::vector<RoleActor> RoleActors(const World& world, const Site& site, int project, int role);
/// Whether `user` sees the filter or dashboard: its owner, and those it is
/// shared with (global, logged-in and project shares: everyone here).
bool VisibleTo(const World& world, const SavedFilter& f, int user);
/// The group with this name (case-insensitive) or id; -1 when none.
int FindGroup(const World& world, const std::string& name_or_id);

/// A tiny deterministic generator (SplitMix64).
struct Rng {
  uint64_t state;
  explicit Rng(uint64_t seed) : state(seed) {}
  uint64_t Next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, n).
  int64_t Below(int64_t n) { return n <= 0 ? 0 : static_cast<int64_t>(Next() % static_cast<uint64_t>(n)); }
  bool Chance(int percent) { return Below(100) < percent; }
};

std::string FormatTimestamp(int64_t ms, int tz_offset_minutes);  ///< 2024-01-02T03:04:05.000+1000
std::string FormatDay(int64_t day);                              ///< 2024-01-02

}  // namespace jirasim
