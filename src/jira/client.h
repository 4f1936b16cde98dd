#pragma once
/// Jira's REST API as the tables ask for it. Callers say *what* they want —
/// "issues matching this JQL with these fields", "the comments of these
/// issues", "the sprints of these boards" — and this is the one place that
/// knows *how* Jira serves it: every REST path, the API version (3 on Cloud,
/// 2 on Data Center), Cloud's nextPageToken and everyone's startAt paging
/// (jira/pager.h), bulk fetch, and which lists are paged at all.
///
/// Each list is an ItemStream (jira/item_stream.h). Every call goes through
/// the Connection (its credentials, retries and the rate governor).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/time.h"
#include "jira/connection.h"
#include "jira/item_stream.h"
#include "jira/jql.h"
#include "jira/page_decoder.h"

namespace jirasql {

/// The REST calls behind each list, in words: for docs, sys_tables and explain.
namespace api {
inline constexpr std::string_view kIssueSearch =
    "POST /rest/api/3/search/jql with nextPageToken (Cloud); GET /rest/api/2/search with startAt (Data Center)";
inline constexpr std::string_view kProjects =
    "GET /rest/api/3/project/search with startAt (Cloud); GET /rest/api/2/project (Data Center)";
inline constexpr std::string_view kUsers =
    "GET /rest/api/3/users/search with startAt (Cloud); GET /rest/api/2/user/search?username=. (Data Center)";
inline constexpr std::string_view kMyself = "GET /rest/api/3/myself (Cloud); GET /rest/api/2/myself (Data Center)";
inline constexpr std::string_view kComments =
    "the issue search with the comment field (each issue's first page of comments); GET /rest/api/3/issue/{key}/"
    "comment with startAt for an issue with more";
inline constexpr std::string_view kWorklogs =
    "the issue search with the worklog field (each issue's first 20 worklogs); GET /rest/api/3/issue/{key}/worklog "
    "with startAt for an issue with more";
inline constexpr std::string_view kChangelogs =
    "the issue search (ids), then POST /rest/api/3/changelog/bulkfetch for 1,000 issues a request (Cloud); the "
    "issue search with expand=changelog (Data Center)";
inline constexpr std::string_view kAttachments = "the issue search with the attachment field";
inline constexpr std::string_view kTransitions = "GET /rest/api/3/issue/{key}/transitions?expand=transitions.fields";
inline constexpr std::string_view kFields = "GET /rest/api/3/field";
inline constexpr std::string_view kIssueTypes = "GET /rest/api/3/issuetype";
inline constexpr std::string_view kStatuses = "GET /rest/api/3/status";
inline constexpr std::string_view kStatusCategories = "GET /rest/api/3/statuscategory";
inline constexpr std::string_view kPriorities = "GET /rest/api/3/priority";
inline constexpr std::string_view kResolutions = "GET /rest/api/3/resolution";
inline constexpr std::string_view kBoards = "GET /rest/agile/1.0/board with startAt";
inline constexpr std::string_view kBoardConfiguration =
    "GET /rest/agile/1.0/board/{id}/configuration, after the board list (GET /rest/agile/1.0/board)";
inline constexpr std::string_view kSprintReport =
    "the sprints (GET /rest/agile/1.0/board/{id}/sprint, or /sprint/{id} for SprintId), per board GET "
    "/rest/agile/1.0/board/{id}/configuration and one issue search (sprint in (…) OR the board's project updated "
    "since the first sprint started) with the Sprint, status and estimate changelogs (Cloud: POST "
    "/rest/api/3/changelog/bulkfetch; Data Center: expand=changelog)";
inline constexpr std::string_view kSprints = "GET /rest/agile/1.0/board/{id}/sprint with startAt";
inline constexpr std::string_view kIssueFieldElements =
    "the issue search (POST /rest/api/3/search/jql; Data Center GET /rest/api/2/search) asking for the table's "
    "field: no call per issue";
inline constexpr std::string_view kStatusTransitions =
    "the issue search, then POST /rest/api/3/changelog/bulkfetch for 1,000 issues a request (Cloud); the issue "
    "search with expand=changelog (Data Center)";
inline constexpr std::string_view kEpics =
    "GET /rest/api/3/issuetype (the epic types), the issue search for issues of those types, then for each page of "
    "epics one search for their children (Cloud: parent in (…); Data Center: \"Epic Link\" in (…), its field "
    "found in GET /field)";
inline constexpr std::string_view kIssueLinkTypes = "GET /rest/api/3/issueLinkType";
inline constexpr std::string_view kProjectVersions =
    "GET /rest/api/3/project/{id}/version with startAt (Cloud); GET /rest/api/2/project/{id}/versions (Data "
    "Center); after the project list";
inline constexpr std::string_view kProjectComponents =
    "GET /rest/api/3/project/{id}/component with startAt (Cloud); GET /rest/api/2/project/{id}/components (Data "
    "Center); after the project list";
inline constexpr std::string_view kLabels = "GET /rest/api/3/label with startAt (Cloud only)";
inline constexpr std::string_view kGroups =
    "GET /rest/api/3/group/bulk with startAt (Cloud); GET /rest/api/2/groups/picker (Data Center)";
inline constexpr std::string_view kGroupMembers =
    "GET /rest/api/3/group/member?groupId= with startAt, after the group list (Data Center: ?groupname=)";
inline constexpr std::string_view kProjectRoles =
    "GET /rest/api/3/project/{id}/roledetails (Cloud); GET /rest/api/2/project/{id}/role (Data Center); after the "
    "project list";
inline constexpr std::string_view kProjectRoleActors =
    "GET /rest/api/3/project/{id}/role/{roleId} for each role of each project, after the project and role lists";
inline constexpr std::string_view kFilters =
    "GET /rest/api/3/filter/search?expand=description,owner,jql,viewUrl,favourite,favouritedCount,sharePermissions "
    "with startAt (Cloud only)";
inline constexpr std::string_view kDashboards =
    "GET /rest/api/3/dashboard with startAt (Cloud); GET /rest/api/2/dashboard (Data Center)";
inline constexpr std::string_view kWatchers =
    "the issue search asking for the watches field, then GET /rest/api/3/issue/{key}/watchers for each issue "
    "someone watches, MaxThreads at a time";
inline constexpr std::string_view kVotes =
    "the issue search asking for the votes field, then GET /rest/api/3/issue/{key}/votes for each issue with votes, "
    "MaxThreads at a time";
inline constexpr std::string_view kRemoteLinks =
    "the issue search (ids), then GET /rest/api/3/issue/{key}/remotelink for each issue, MaxThreads at a time";
inline constexpr std::string_view kDeletedWorklogs =
    "GET /rest/api/3/worklog/deleted?since= (1,000 a page, each page's since the last one's until)";
inline constexpr std::string_view kUpdatedWorklogs =
    "GET /rest/api/3/worklog/updated?since= (1,000 a page, each page's since the last one's until)";
inline constexpr std::string_view kFieldContexts =
    "GET /rest/api/3/field, then GET /rest/api/3/field/{id}/context with startAt for each field with options "
    "(Cloud only)";
inline constexpr std::string_view kContextOptions =
    "GET /rest/api/3/field, each field's contexts, then GET /rest/api/3/field/{id}/context/{contextId}/option with "
    "startAt (Cloud only)";
inline constexpr std::string_view kSprintIssues = "GET /rest/agile/1.0/sprint/{id}/issue with startAt";
// Writes.
inline constexpr std::string_view kCreateIssue = "POST /rest/api/3/issue";
inline constexpr std::string_view kBulkCreateIssues = "POST /rest/api/3/issue/bulk (50 a request)";
inline constexpr std::string_view kEditIssue = "PUT /rest/api/3/issue/{id}";
inline constexpr std::string_view kDeleteIssue = "DELETE /rest/api/3/issue/{id}";
inline constexpr std::string_view kTransitionIssue = "POST /rest/api/3/issue/{id}/transitions";
inline constexpr std::string_view kAddComment = "POST /rest/api/3/issue/{key}/comment";
inline constexpr std::string_view kEditComment = "PUT /rest/api/3/issue/{key}/comment/{id}";
inline constexpr std::string_view kDeleteComment = "DELETE /rest/api/3/issue/{key}/comment/{id}";
inline constexpr std::string_view kAddWorklog = "POST /rest/api/3/issue/{key}/worklog";
inline constexpr std::string_view kEditWorklog = "PUT /rest/api/3/issue/{key}/worklog/{id}";
inline constexpr std::string_view kDeleteWorklog = "DELETE /rest/api/3/issue/{key}/worklog/{id}";
inline constexpr std::string_view kAddAttachment = "POST /rest/api/3/issue/{key}/attachments (multipart)";
inline constexpr std::string_view kDeleteAttachment = "DELETE /rest/api/3/attachment/{id}";
inline constexpr std::string_view kAddIssueLink =
    "POST /rest/api/3/issueLink (after GET /issueLinkType and the issue's links: GET /issue/{key}?fields=issuelinks)";
inline constexpr std::string_view kDeleteIssueLink = "DELETE /rest/api/3/issueLink/{id}";
inline constexpr std::string_view kAddWatcher = "POST /rest/api/3/issue/{key}/watchers";
inline constexpr std::string_view kDeleteWatcher =
    "DELETE /rest/api/3/issue/{key}/watchers?accountId= (Data Center: ?username=)";
inline constexpr std::string_view kAddVersion =
    "POST /rest/api/3/version (after GET /project/{key} and its versions: GET /project/{id}/versions)";
inline constexpr std::string_view kEditVersion = "PUT /rest/api/3/version/{id}";
inline constexpr std::string_view kDeleteVersion =
    "POST /rest/api/3/version/{id}/removeAndSwap (Cloud); DELETE /rest/api/2/version/{id} (Data Center)";
inline constexpr std::string_view kAddComponent =
    "POST /rest/api/3/component (after GET /project/{key} and its components: GET /project/{id}/components)";
inline constexpr std::string_view kEditComponent = "PUT /rest/api/3/component/{id}";
inline constexpr std::string_view kDeleteComponent = "DELETE /rest/api/3/component/{id}";
inline constexpr std::string_view kAttachmentContent = "GET /rest/api/3/attachment/content/{id}";
}  // namespace api

/// The entity property every create carries: {"id": "<random>"} under this
/// key, so that a create whose answer was lost can be found (jira/writes.cc).
inline constexpr std::string_view kOperationProperty = "jirasql.op";

/// What a create made: Jira's answer (the new issue's {"id","key"}, the
/// comment, the worklog), and whether it was found by its operation id
/// after the answer to the POST was lost rather than read from the answer.
struct Created {
  nlohmann::json object;
  bool recovered = false;
};

/// Worklog estimate adjustment (POST/PUT/DELETE worklog's adjustEstimate).
struct EstimateAdjustment {
  std::string mode;   ///< "" (Jira's default, auto), new, leave, manual, auto
  std::string value;  ///< new: newEstimate; manual: reduceBy (add: increaseBy)
};

/// Fields an issue search adds to the requests it has still to send, while
/// it runs: a table read per issue beside it (a join) asks the search to
/// carry the field its rows come from (sql/session.h, JoinCarry). Shared
/// by the threads of a parallel search.
class ExtraFields {
 public:
  void Add(const std::vector<std::string>& fields);
  void Clear();
  bool empty() const;
  /// `base` and the extra fields not in it.
  std::vector<std::string> With(const std::vector<std::string>& base) const;

 private:
  mutable std::mutex mu_;
  std::vector<std::string> fields_;
};

/// An issue search: which issues, which of their fields, how.
struct IssueSearch {
  IssueQuery query;
  std::vector<std::string> fields;       ///< fields=; {"id"} reads ids only
  std::vector<std::string> expand;       ///< expand= (Data Center's changelog)
  int64_t page_size = 100;               ///< maxResults asked (Jira may serve fewer)
  std::shared_ptr<const KeepTree> keep;  ///< what of each issue to keep (null: all)
  /// More than 1: the pages after the first are read this many requests at
  /// a time (Cloud: id-only pages and bulk fetches; Data Center: startAt
  /// pages), rows still in the order of the search.
  int threads = 1;
  /// Set ReadStats::expected from the total Jira gives (Data Center).
  bool count_total = false;
  /// Fields added while the search runs (null: none); with any, the
  /// issues are kept whole (`keep` names the columns' paths only).
  std::shared_ptr<ExtraFields> extra;
};

/// What an issue's child list is.
enum class IssueChild { kComments, kWorklogs, kChangelogs, kTransitions, kAttachments };

class JiraClient {
 public:
  /// `connection` opens (or returns) the connection on first use.
  explicit JiraClient(std::function<Result<Connection*>()> connection) : connection_(std::move(connection)) {}

  Result<Connection*> connection() { return connection_(); }
  /// REST v3 (Cloud) rather than v2 (Data Center); false when not connected.
  bool cloud();

  // ---- issues ----
  /// The JQL sent for `q`: Jira Cloud refuses an unbounded search, so an
  /// empty query becomes "project IS NOT EMPTY" there.
  std::string SearchJql(const IssueQuery& q);
  /// The issues `search` matches, in its order. A value Jira says does not
  /// exist is dropped from the pushed JQL and the page asked again (see
  /// IssueQuery::DropMissingValue).
  std::unique_ptr<ItemStream> SearchIssues(IssueSearch search, ReadStats* stats);
  /// How many issues `q` matches, as Jira estimates it (Cloud's
  /// approximate count; Data Center's total). One call.
  Result<int64_t> CountIssues(const IssueQuery& q);
  /// Which of `ids` `jql` returns (Cloud's POST /jql/match; at most
  /// kMatchIdsPerCall ids a call). One call, charged as one object: an
  /// id census that costs points by the call, not by the issue.
  Result<std::vector<int64_t>> MatchIssues(const std::vector<int64_t>& ids, const std::string& jql);
  static constexpr std::size_t kMatchIdsPerCall = 1000;
  /// How many issues Jira serves per page when `asked` are asked for: Cloud
  /// at most 100 with fields (5,000 ids only), Data Center 1,000.
  int64_t IssuesPerPage(int64_t asked, bool ids_only);

  /// For each issue of `issues`, its comments, worklogs or change histories
  /// (each a startAt list; Data Center's changelog comes with the issue),
  /// each item's parent {"id","key"} of its issue.
  std::unique_ptr<ItemStream> ChildrenOfIssues(IssueChild what, std::unique_ptr<ItemStream> issues, ReadStats* stats);
  /// The comments, worklogs, change histories or attachments of the issues
  /// `search` selects, read in bulk: comments and worklogs with the search
  /// itself (its comment / worklog field holds the first page of each
  /// issue's list — Jira embeds at most 20 worklogs), an issue's whole list
  /// read from /issue/{id}/comment (worklog) only when that page is not all
  /// of it, `threads` issues at a time; attachments from the attachment
  /// field; change histories through POST /changelog/bulkfetch for 1,000
  /// issues a request (Cloud) or the search's expand=changelog (Data
  /// Center). Each item's parent is {"id","key"} of its issue; in the
  /// search's order. `search.keep`: what of each comment or worklog to keep
  /// (null: all of it).
  std::unique_ptr<ItemStream> ChildrenOfSearch(IssueChild what, IssueSearch search, int threads, ReadStats* stats);
  /// The issue field comments, worklogs or attachments come with ("comment",
  /// "worklog", "attachment"); "" for the lists read apart.
  static std::string ListField(IssueChild what);
  /// The comments, worklogs or attachments of the issues of `issues`, read
  /// with ListField(what) (as ChildrenOfSearch reads them).
  std::unique_ptr<ItemStream> ListsOfIssues(IssueChild what, std::unique_ptr<ItemStream> issues, int threads,
                                            ReadStats* stats);

  /// For each issue of `issues` (read with `field` among its fields), the
  /// elements of that array field (issuelinks, fixVersions, versions,
  /// components, labels), each with its parent {"id","key","projectId",
  /// "projectKey"} of its issue. No further call: the search carries them.
  std::unique_ptr<ItemStream> ElementsOfIssues(const std::string& field, std::unique_ptr<ItemStream> issues);

  /// For each issue of `issues` (read with "created", and on Data Center
  /// with expand=changelog), its status changes in time order, one item per
  /// change with the time spent in the status it left ("secondsInFrom"),
  /// each with its parent {"id","key","projectId","projectKey"}. Cloud reads
  /// the changelogs of 1,000 issues a request (POST /changelog/bulkfetch).
  std::unique_ptr<ItemStream> StatusChangesOfIssues(std::unique_ptr<ItemStream> issues, ReadStats* stats);
  /// The change histories of `issues` — a page of an issue search (on Data
  /// Center read with expand=changelog) — by issue id: Cloud asks POST
  /// /changelog/bulkfetch for 1,000 issues a request, only the changes of
  /// `field_ids`; Data Center's come inside the issues (all fields; an issue
  /// whose embedded changelog Jira cut short is read whole).
  Result<std::unordered_map<std::string, std::vector<nlohmann::json>>> HistoriesOf(
      std::vector<Item>& issues, const std::vector<std::string>& field_ids, ReadStats* stats);

  /// The ids of the issue types of the epic level: hierarchyLevel 1 (Cloud;
  /// a team-managed project's own Epic type among them), or where Jira
  /// gives no levels (Data Center) the type named "Epic" — Jira Software's.
  /// Empty: the site has no epics. One GET /issuetype.
  Result<std::vector<std::string>> EpicTypeIds();
  /// Each epic of `epics` (issues read with their key) with the counts of
  /// its children by status category added as "jirasql.children":
  /// {"count","toDo","inProgress","done"}. One search for the children of
  /// each page of epics — `parent in (…)` on Cloud, Data Center's Epic Link
  /// field (found in GET /field) — never a call per epic.
  std::unique_ptr<ItemStream> ChildCountsOfEpics(std::unique_ptr<ItemStream> epics, ReadStats* stats);

  /// For each issue of `issues` (read with the watches / votes field), the
  /// users who watch it / voted for it, each with its parent {"id","key",
  /// "projectId","projectKey"}: one GET /issue/{id}/watchers (votes) per
  /// issue whose count is not 0, `threads` at a time. A list shorter than
  /// its count (Jira lists them only to an account with the View voters and
  /// watchers permission) is an error that names the permission.
  std::unique_ptr<ItemStream> WatchersOfIssues(std::unique_ptr<ItemStream> issues, int threads, ReadStats* stats);
  std::unique_ptr<ItemStream> VotersOfIssues(std::unique_ptr<ItemStream> issues, int threads, ReadStats* stats);
  /// For each issue of `issues`, its remote links (GET /issue/{id}/remotelink), `threads` at a time.
  std::unique_ptr<ItemStream> RemoteLinksOfIssues(std::unique_ptr<ItemStream> issues, int threads, ReadStats* stats);

  /// The worklogs deleted after `since_ms` (epoch ms; 0 all), oldest first:
  /// {"worklogId","updatedTime","properties"}. Pages follow Jira's lastPage
  /// and the next page's since; a page that does not move on is an error.
  std::unique_ptr<ItemStream> DeletedWorklogs(int64_t since_ms, ReadStats* stats);
  /// The worklogs added or edited after `since_ms`, the same way
  /// (GET /worklog/updated).
  std::unique_ptr<ItemStream> UpdatedWorklogs(int64_t since_ms, ReadStats* stats);

  /// The contexts of each custom field of `fields` (GET /field items) that
  /// has options — select, multi-select, radio buttons, checkboxes,
  /// cascading select — each with its parent {"id","name"} of its field.
  /// Jira Cloud's; on Data Center an error that says so.
  std::unique_ptr<ItemStream> ContextsOfFields(std::unique_ptr<ItemStream> fields, ReadStats* stats);
  /// The options of each of those contexts, each with its parent
  /// {"id","name" (the field's),"contextId","contextName"}.
  std::unique_ptr<ItemStream> OptionsOfFields(std::unique_ptr<ItemStream> fields, ReadStats* stats);

  // ---- catalogues ----
  std::unique_ptr<ItemStream> Projects(ReadStats* stats);
  /// The versions / components of each project of `projects` (items with
  /// "id" and "key"), each with its parent {"id","key"} of its project.
  std::unique_ptr<ItemStream> VersionsOfProjects(std::unique_ptr<ItemStream> projects, ReadStats* stats);
  std::unique_ptr<ItemStream> ComponentsOfProjects(std::unique_ptr<ItemStream> projects, ReadStats* stats);
  std::unique_ptr<ItemStream> IssueLinkTypes(ReadStats* stats);
  /// Every label in use (Cloud); Data Center has no such list: an error that says where labels are.
  std::unique_ptr<ItemStream> Labels(ReadStats* stats);
  std::unique_ptr<ItemStream> Users(ReadStats* stats);
  /// The saved filters the account may see, with JQL, owner, favourite
  /// flag and share permissions (Cloud); Data Center has no filter search: an error that says so.
  std::unique_ptr<ItemStream> Filters(ReadStats* stats);
  std::unique_ptr<ItemStream> Dashboards(ReadStats* stats);
  /// Every group ({"name", "groupId"}; Data Center has names only). A 403
  /// names the permission it takes.
  std::unique_ptr<ItemStream> Groups(ReadStats* stats);
  /// The members (users) of each group of `groups`, each with its parent
  /// {"name","groupId"} of its group.
  std::unique_ptr<ItemStream> MembersOfGroups(std::unique_ptr<ItemStream> groups, ReadStats* stats);
  /// The roles of each project of `projects` ({"id","name"}, with details on
  /// Cloud), each with its parent {"id","key"} of its project.
  std::unique_ptr<ItemStream> RolesOfProjects(std::unique_ptr<ItemStream> projects, ReadStats* stats);
  /// Who holds each role of each project of `projects` (users and groups),
  /// each with its parent {"id","key","roleId","roleName"}.
  std::unique_ptr<ItemStream> ActorsOfProjectRoles(std::unique_ptr<ItemStream> projects, ReadStats* stats);
  std::unique_ptr<ItemStream> Myself(ReadStats* stats);
  std::unique_ptr<ItemStream> Fields(ReadStats* stats);
  std::unique_ptr<ItemStream> IssueTypes(ReadStats* stats);
  std::unique_ptr<ItemStream> Statuses(ReadStats* stats);
  std::unique_ptr<ItemStream> StatusCategories(ReadStats* stats);
  std::unique_ptr<ItemStream> Priorities(ReadStats* stats);
  std::unique_ptr<ItemStream> Resolutions(ReadStats* stats);

  // ---- agile ----
  std::unique_ptr<ItemStream> Boards(ReadStats* stats);
  /// The sprints of each board of `boards` (items with an "id"; kanban
  /// boards, which have none, are skipped); each item's parent {"id"} of its board.
  std::unique_ptr<ItemStream> SprintsOfBoards(std::unique_ptr<ItemStream> boards, ReadStats* stats);
  /// The configuration of each board of `boards` (columns and the statuses
  /// mapped to each, estimation field, filter, ranking): one call per
  /// board; each item's parent {"id"} of its board.
  std::unique_ptr<ItemStream> ConfigurationsOfBoards(std::unique_ptr<ItemStream> boards, ReadStats* stats);
  /// The sprints with these ids (GET /rest/agile/1.0/sprint/{id} each),
  /// each item's parent {"id"} of the board it was made on (originBoardId).
  std::unique_ptr<ItemStream> SprintsById(std::vector<int64_t> ids, ReadStats* stats);
  /// The sprint reports of the started sprints of `sprints` (items of
  /// SprintsOfBoards or SprintsById; consecutive ones of a board read
  /// together) — jira/sprint_report.h. Per board: its configuration (the
  /// estimation field, and the statuses of its last column: done), the
  /// Sprint field (GET /field, once), then one search — the issues in the
  /// sprints now, and the issues of the board's project updated since the
  /// first of them started (those removed) — with their Sprint, status and
  /// estimate histories (Cloud: /changelog/bulkfetch, 1,000 issues a
  /// request; Data Center: expand=changelog). `per_issue`: one item per
  /// sprint and issue that was in it ({"sprint", "boardId", "issue",
  /// "committed", "added", "addedAt", "removed", "removedAt", "completed",
  /// "notCompleted", "statusAtEnd", "estimateAtStart", "estimateWhenAdded",
  /// "estimateWhenRemoved", "estimateAtEnd", "estimationField", "endedAt"},
  /// times in epoch ms); else one per sprint with the counts and sums
  /// ("committedIssues", "committedEstimate", … "notCompletedEstimate").
  std::unique_ptr<ItemStream> SprintReports(std::unique_ptr<ItemStream> sprints, bool per_issue, ReadStats* stats);
  /// The issues (summary, status, assignee) of each sprint of `sprints`;
  /// each item's parent {"id"} of its sprint.
  std::unique_ptr<ItemStream> IssuesOfSprints(std::unique_ptr<ItemStream> sprints, ReadStats* stats);

  // ---- one-off reads ----
  /// GET /field, whole (the custom fields' names and types).
  Result<nlohmann::json> FieldList();
  /// The logged-in user (GET /myself) as one JSON object.
  Result<nlohmann::json> MyselfObject();
  /// Users whose name or e-mail address matches `query` (GET /user/search:
  /// ?query= on Cloud, ?username= on Data Center), at most 50.
  Result<nlohmann::json> FindUsers(const std::string& query);

  // ---- writes (jira/writes.cc) ----
  // Creates are never sent twice blindly: each carries an operation id
  // (kOperationProperty); when the answer is lost or ambiguous (a timeout
  // after sending, a cut connection, a 5xx) Jira is searched for it — issue
  // searches are eventually consistent, so for some seconds — before the
  // POST is sent again. A failure that may have left something behind is
  // an error with ErrorCode kUnavailable/kTimeout/kTransport whose message
  // says so; Jira's refusals are errors with their HTTP status.
  // Edits and deletes are idempotent and retried as reads are.

  /// POST /issue with `body` ({"fields": …, "update": …}).
  Result<Created> CreateIssue(nlohmann::json body);
  /// What one issue of a bulk create became: made (`made` holds {"id","key"})
  /// or refused (`error`, Jira's words), or unknown when the answer was lost
  /// and it could not be found (`unknown`).
  struct BulkOutcome {
    std::optional<nlohmann::json> made;
    std::string error;
    bool unknown = false;
    bool recovered = false;
  };
  /// POST /issue/bulk, at most 50 bodies a request; one outcome per body,
  /// in order. The same care as CreateIssue: after a lost answer the
  /// issues are looked for by their operation ids and only those not found
  /// are sent again, once.
  Result<std::vector<BulkOutcome>> CreateIssues(std::vector<nlohmann::json> bodies);
  /// PUT /issue/{id} with `body`.
  Result<void> EditIssue(const std::string& id_or_key, const nlohmann::json& body);
  /// DELETE /issue/{id}; with `subtasks` its sub-tasks too.
  Result<void> DeleteIssue(const std::string& id_or_key, bool subtasks);
  /// The transitions the issue has now, with the fields each asks for
  /// (GET /issue/{id}/transitions?expand=transitions.fields): the array.
  Result<nlohmann::json> IssueTransitions(const std::string& id_or_key);
  /// The fields a create of `issuetype` (a name or id) in `project` may set,
  /// by field id, with their allowed values (GET /issue/createmeta/{project}/
  /// issuetypes, then …/issuetypes/{id}; kept for the connection's life).
  Result<nlohmann::json> CreateMeta(const std::string& project, const std::string& issuetype);
  /// The fields an edit of the issue may set, by field id (GET /issue/{id}/editmeta).
  Result<nlohmann::json> EditMeta(const std::string& id_or_key);
  /// GET /issue/{id}?fields=`fields`: the issue as one JSON object.
  Result<nlohmann::json> GetIssue(const std::string& id_or_key, const std::string& fields);
  /// POST /issue/{id}/transitions with `body` ({"transition": {"id"}, …}).
  /// A 409 (Jira busy with the same issue) is retried a few times with
  /// jitter: Jira refused it before acting.
  Result<void> TransitionIssue(const std::string& id_or_key, const nlohmann::json& body);
  Result<Created> AddComment(const std::string& issue, nlohmann::json body);
  Result<void> EditComment(const std::string& issue, const std::string& id, const nlohmann::json& body);
  Result<void> DeleteComment(const std::string& issue, const std::string& id);
  Result<Created> AddWorklog(const std::string& issue, nlohmann::json body, const EstimateAdjustment& adjust);
  Result<void> EditWorklog(const std::string& issue, const std::string& id, const nlohmann::json& body,
                           const EstimateAdjustment& adjust);
  Result<void> DeleteWorklog(const std::string& issue, const std::string& id, const EstimateAdjustment& adjust);

  /// Writes to the connection's log (-v), when connected.
  void Log(int level, const std::string& text);

  /// Uploads `content` as the file `filename` to the issue (multipart,
  /// X-Atlassian-Token: no-check). The upload is never repeated blindly:
  /// after an ambiguous failure, an attachment of the same name and size
  /// that was not there before is the one sent.
  Result<Created> AddAttachment(const std::string& issue, const std::string& filename, const std::string& content);
  Result<void> DeleteAttachment(const std::string& id);
  /// GET /issueLinkType: the link types (the array).
  Result<nlohmann::json> LinkTypeList();
  /// Links `inward` to `outward` with `type` ({"id"} or {"name"}): "inward
  /// <the type's outward words> outward" (A blocks B). Never sent twice
  /// blindly: the inward issue's links are read before, and after an
  /// ambiguous failure, a new link of that type to `outward` is the one
  /// made. Jira answers a create without the link: the link made is read
  /// back the same way. An identical link already there is an error
  /// (kInvalidArgument) naming it.
  Result<Created> AddIssueLink(const std::string& inward, const std::string& outward, const nlohmann::json& type);
  Result<void> DeleteIssueLink(const std::string& id);
  /// GET /project/{idOrKey}: the project as one JSON object (a 404 names it).
  Result<nlohmann::json> ProjectObject(const std::string& id_or_key);
  /// Makes a version (`body`: name, description, released, archived,
  /// startDate, releaseDate) / a component (`body`: name, description,
  /// leadAccountId or Data Center's leadUserName, assigneeType) in `project`
  /// (an id or key). Jira keeps their names unique in a project: one of the
  /// same name already there is an error (kInvalidArgument) naming it, and
  /// after an ambiguous failure the new one of that name is the one made —
  /// never sent twice blindly.
  Result<Created> AddVersion(const std::string& project, nlohmann::json body);
  Result<void> EditVersion(const std::string& id, const nlohmann::json& body);
  /// Its issues lose it (Cloud: POST /version/{id}/removeAndSwap with no
  /// replacement; Data Center: DELETE /version/{id}).
  Result<void> DeleteVersion(const std::string& id);
  Result<Created> AddComponent(const std::string& project, nlohmann::json body);
  Result<void> EditComponent(const std::string& id, const nlohmann::json& body);
  Result<void> DeleteComponent(const std::string& id);
  /// Adds / removes a watcher of an issue (`user`: an account id; Data
  /// Center: a user name). Adding a watcher twice changes nothing, so the
  /// POST is safe to send again.
  Result<void> AddWatcher(const std::string& issue, const std::string& user);
  Result<void> RemoveWatcher(const std::string& issue, const std::string& user);
  /// The attachment's bytes.
  Result<std::string> AttachmentContent(const std::string& id);
  /// The largest file Jira takes as an attachment (GET /attachment/meta),
  /// -1 when attachments are off.
  Result<int64_t> AttachmentLimit();

  /// How long to wait before each search for a create whose answer was
  /// lost (issue search is eventually consistent); the first is usually 0.
  std::vector<Duration> lookup_waits = {Duration(0), Duration(1000), Duration(2000), Duration(4000)};

 private:
  std::function<Result<Connection*>()> connection_;
  std::map<std::string, nlohmann::json> createmeta_;  ///< "project\ntype" -> fields by id
};

}  // namespace jirasql
