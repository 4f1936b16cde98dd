#pragma once
/// jirasim's Jira REST API: one ApiCall per request, and a route table —
/// method + path pattern -> handler — with the handlers in one file per
/// resource family (api_catalog.cc, api_search.cc, api_issues.cc,
/// api_agile.cc). The most specific pattern wins (a literal segment beats
/// "{}"), whatever the table's order. Read-only routes (GET, and the POST
/// searches and bulk fetch) run under a shared lock of the world, writes
/// under an exclusive one. See docs/contributing.md, "A new jirasim endpoint".

#include <httplib.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/json_writer.h"
#include "jql.h"
#include "model.h"
#include "render.h"
#include "respond.h"
#include "server.h"

namespace jirasim {

/// One request to the REST API, with what its handler reads: the request,
/// the site, the caller, the captured path segments, and the writer of the
/// answer.
struct ApiCall {
  ApiCall(Simulator& sim, const httplib::Request& req, httplib::Response& res, Site& site,
          const Simulator::Caller& caller, const std::string& base, const std::string& path,
          const std::vector<std::string>& segs, int version, std::vector<std::string> captures);
  ApiCall(const ApiCall&) = delete;
  ApiCall& operator=(const ApiCall&) = delete;

  Simulator& sim;
  const httplib::Request& req;
  httplib::Response& res;
  const World& world;
  const SimOptions& options;
  Site& site;
  const Simulator::Caller& caller;
  const std::string& base;  ///< what "self" links start with
  const std::string& path;
  const std::vector<std::string>& segs;
  static constexpr std::size_t from = 3;  ///< segments after rest/api/N or rest/agile/1.0
  /// POST /jql/match: at most this many issue ids, and JQL queries, a call.
  static constexpr std::size_t kMatchMaxIds = 1000, kMatchMaxJqls = 1000;
  int version;
  int tz;
  int64_t now;
  RenderContext rc;
  JqlContext jctx;
  std::vector<std::string> c;  ///< the segments the route's "{}" captured
  std::string out;
  jirasql::JsonWriter w{out};

  /// Sends what `w` wrote.
  void ok(int status = 200);
  /// The JSON object body, or Jira's 400 (then nullopt).
  std::optional<nlohmann::json> body();
  /// The issue's index, or Jira's 404 (then -1).
  int64_t find_issue(const std::string& id_or_key);
  /// The issues `jql` matches (through the search cache), or Jira's 400 (then null).
  std::shared_ptr<const std::vector<int64_t>> run_query(const std::string& jql, std::string* cache_key);
  /// startAt and maxResults of a paged GET: startAt from 0, maxResults
  /// (`default_max` when absent) within 1..`cap`, as each resource caps it.
  struct Paging {
    int64_t start;
    int64_t max;
  };
  Paging paging(int64_t default_max, int64_t cap) const;
  /// The issues of these ids or keys that exist, as indexes, in id order, once each.
  std::vector<int64_t> FoundIssues(const std::vector<std::string>& ids_or_keys) const;
  /// A PageBean ({startAt, maxResults, total, isLast, values}) of `total`
  /// items, `item(i)` writing the i-th.
  void WritePage(int64_t total, const Paging& page, const std::function<void(int64_t)>& item);
  /// The project's index, or Jira's 404 (then -1).
  int find_project(const std::string& id_or_key);
  /// Cloud refuses unbounded JQL on the enhanced search: false (and the 400) then.
  bool bounded(const std::string& jql);

  // ---- handlers (api_catalog.cc)
  void GetMyself();
  void GetServerInfo();
  void GetFields();
  void GetProjects();
  void SearchProjects();
  void GetProject();
  void SearchUsers();
  void GetUser();
  void GetCatalogue();  ///< issuetype, status, priority, resolution, statuscategory
  // ---- (api_search.cc)
  void SearchDataCenter();
  void SearchJql();
  void ApproximateCount();
  void MatchIssues();
  void BulkFetch();
  // ---- (api_issues.cc)
  void CreateIssue();
  void BulkCreate();  ///< POST issue/bulk
  /// One create: the new issue's index, or -1 with Jira's refusal in `refused`.
  int64_t MakeIssue(const nlohmann::json& body, httplib::Response& refused);
  void WriteCreated(int64_t index);
  void IssueResource();  ///< GET, PUT, DELETE
  void IssueComments();  ///< GET, POST
  void IssueComment();   ///< GET, PUT, DELETE of one
  void IssueWorklogs();  ///< GET, POST
  void IssueWorklog();   ///< GET, PUT, DELETE of one
  void IssueChangelog();
  void BulkChangelog();       ///< POST changelog/bulkfetch (Cloud)
  void IssueTransitions();    ///< GET, POST
  void CreateMetaTypes();     ///< GET issue/createmeta/{project}/issuetypes
  void CreateMetaFields();    ///< GET issue/createmeta/{project}/issuetypes/{type}
  void EditMeta();            ///< GET issue/{id}/editmeta
  void AddAttachments();      ///< POST issue/{id}/attachments (multipart)
  void AttachmentMeta();      ///< GET attachment/meta
  void AttachmentResource();  ///< GET, DELETE attachment/{id}
  void AttachmentContent();   ///< GET attachment/content/{id}
  // ---- (api_links.cc)
  void GetLinkTypes();
  void IssueLinkResource();  ///< GET, DELETE issueLink/{id}
  void CreateIssueLink();    ///< POST issueLink
  void ProjectVersions();    ///< project/{id}/versions (array), project/{id}/version (paged)
  void ProjectComponents();  ///< project/{id}/components (array), project/{id}/component (paged)
  void CreateVersion();      ///< POST version
  void VersionResource();    ///< GET, PUT, DELETE version/{id}; POST version/{id}/removeAndSwap
  void CreateComponent();    ///< POST component
  void ComponentResource();  ///< GET, PUT, DELETE component/{id}
  /// A create or edit body applied to version / component `k` of project
  /// `p`: false, with Jira's 400 sent, when a field is refused.
  bool ApplyVersion(const nlohmann::json& b, int p, int k);
  bool ApplyComponent(const nlohmann::json& b, int p, int k);
  void GetLabels();
  void FieldContexts();   ///< GET field/{id}/context (Cloud)
  void ContextOptions();  ///< GET field/{id}/context/{id}/option (Cloud)
  // ---- (api_admin.cc)
  /// The caller has Browse users and groups; else Jira's 403 (then false).
  bool may_browse_users();
  void GroupBulk();            ///< GET group/bulk (Cloud)
  void GroupsPicker();         ///< GET groups/picker
  void GroupMembers();         ///< GET group/member
  void ProjectRoles();         ///< GET project/{id}/role (name -> URL), project/{id}/roledetails (Cloud)
  void ProjectRoleResource();  ///< GET project/{id}/role/{id}: the role's actors
  void FilterSearch();         ///< GET filter/search (Cloud)
  void GetDashboards();        ///< GET dashboard
  // ---- (api_people.cc)
  void IssueWatchers();     ///< GET, POST, DELETE issue/{id}/watchers
  void IssueVotes();        ///< GET issue/{id}/votes
  void IssueRemoteLinks();  ///< GET issue/{id}/remotelink
  void DeletedWorklogs();   ///< GET worklog/deleted
  void UpdatedWorklogs();   ///< GET worklog/updated
  void WorklogChanges(const std::vector<Site::WorklogChange>& all, const std::string& which);
  // ---- (api_agile.cc)
  void WriteBoard(const Board& board);
  void GetBoards();
  void GetBoard();  ///< GET board/{id}
  void BoardSprints();
  void BoardConfiguration();  ///< GET board/{id}/configuration
  void GetSprint();           ///< GET sprint/{id}
  void SprintIssues();
};

enum class Edition { kBoth, kCloud, kDataCenter };

struct Route {
  const char* method;                ///< GET, POST, PUT, DELETE
  bool agile;                        ///< /rest/agile/1.0 rather than /rest/api/N
  std::vector<std::string> pattern;  ///< segments after the prefix; "{}" captures one
  Edition edition = Edition::kBoth;
  bool writes = false;      ///< changes the world: exclusive lock, write:jira-work
  bool user_scope = false;  ///< OAuth: needs read:jira-user rather than read:jira-work
  void (ApiCall::*handle)() = nullptr;
};

/// Every route of the REST API.
const std::vector<Route>& ApiRoutes();

/// The route for a request: the most specific pattern that matches
/// `segs[ApiCall::from…]`, or null. `captures` gets the "{}" segments.
const Route* FindRoute(const std::string& method, bool agile, bool datacenter, const std::vector<std::string>& segs,
                       std::vector<std::string>* captures);

}  // namespace jirasim
