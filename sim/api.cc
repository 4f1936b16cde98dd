#include "api.h"

#include <algorithm>

namespace jirasim {

using nlohmann::json;

ApiCall::ApiCall(Simulator& s, const httplib::Request& rq, httplib::Response& rs, Site& st, const Simulator::Caller& cl,
                 const std::string& b, const std::string& p, const std::vector<std::string>& sg, int v,
                 std::vector<std::string> captures)
    : sim(s),
      req(rq),
      res(rs),
      world(s.world_),
      options(s.options_),
      site(st),
      caller(cl),
      base(b),
      path(p),
      segs(sg),
      version(v),
      tz(cl.user >= 0 ? s.world_.users[cl.user].tz.offset_minutes : 0),
      now(s.NowMs()),
      rc{s.world_, st, b, v, s.options_.datacenter, tz, cl.user, {}},
      jctx{s.world_, st, cl.user, tz, now, s.options_.datacenter},
      c(std::move(captures)) {
  out.reserve(64 * 1024);
}

void ApiCall::ok(int status) { SendJson(res, status, std::move(out)); }

std::optional<json> ApiCall::body() {
  auto j = json::parse(req.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    JiraError(res, 400, "The request body is not a valid JSON object.");
    return std::nullopt;
  }
  return j;
}

int64_t ApiCall::find_issue(const std::string& id_or_key) {
  int64_t idx = site.FindIssue(id_or_key);
  if (idx < 0) JiraError(res, 404, "Issue does not exist or you do not have permission to see it.");
  return idx;
}

std::shared_ptr<const std::vector<int64_t>> ApiCall::run_query(const std::string& jql, std::string* cache_key) {
  *cache_key = site.name + "\x1f" + std::to_string(caller.user) + "\x1f" + jql;
  {
    std::lock_guard<std::mutex> lock(sim.cache_mu_);
    for (auto& e : sim.cache_) {
      if (e.key == *cache_key && e.version == site.version) return e.ids;
    }
  }
  auto q = ParseJql(jql, jctx);
  if (!q) {
    JiraError(res, 400, q.error().message);
    return nullptr;
  }
  auto ids = std::make_shared<const std::vector<int64_t>>(Execute(*q, jctx));
  std::lock_guard<std::mutex> lock(sim.cache_mu_);
  sim.cache_.push_back({*cache_key, site.version, ids});
  if (sim.cache_.size() > 32) sim.cache_.erase(sim.cache_.begin());
  return ids;
}

std::vector<int64_t> ApiCall::FoundIssues(const std::vector<std::string>& ids_or_keys) const {
  std::vector<int64_t> found;
  for (const auto& k : ids_or_keys) {
    int64_t idx = site.FindIssue(k);
    if (idx >= 0) found.push_back(idx);
  }
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  return found;
}

ApiCall::Paging ApiCall::paging(int64_t default_max, int64_t cap) const {
  return {std::max<int64_t>(0, IntParam(req, "startAt", 0)),
          std::clamp<int64_t>(IntParam(req, "maxResults", default_max), 1, cap)};
}

bool ApiCall::bounded(const std::string& jql) {
  auto q = ParseJql(jql, jctx);
  if (q && !q->bounded()) {
    JiraError(res, 400, "Unbounded JQL queries are not allowed here. Please add a search restriction to your query.");
    return false;
  }
  return true;
}

const std::vector<Route>& ApiRoutes() {
  using E = Edition;
  using A = ApiCall;
  // clang-format off
  // method  agile  pattern                                edition       writes user   handler
  static const std::vector<Route> kRoutes = {
      {"GET", false, {"myself"}, E::kBoth, false, true, &A::GetMyself},
      {"GET", false, {"serverInfo"}, E::kBoth, false, false, &A::GetServerInfo},
      {"GET", false, {"field"}, E::kBoth, false, false, &A::GetFields},
      {"GET", false, {"project"}, E::kBoth, false, false, &A::GetProjects},
      {"GET", false, {"project", "search"}, E::kBoth, false, false, &A::SearchProjects},
      {"GET", false, {"project", "{}"}, E::kBoth, false, false, &A::GetProject},
      {"GET", false, {"users", "search"}, E::kBoth, false, true, &A::SearchUsers},
      {"GET", false, {"users"}, E::kBoth, false, true, &A::SearchUsers},
      {"GET", false, {"user", "search"}, E::kBoth, false, true, &A::SearchUsers},
      {"GET", false, {"user"}, E::kBoth, false, true, &A::GetUser},
      {"GET", false, {"issuetype"}, E::kBoth, false, false, &A::GetCatalogue},
      {"GET", false, {"status"}, E::kBoth, false, false, &A::GetCatalogue},
      {"GET", false, {"priority"}, E::kBoth, false, false, &A::GetCatalogue},
      {"GET", false, {"resolution"}, E::kBoth, false, false, &A::GetCatalogue},
      {"GET", false, {"statuscategory"}, E::kBoth, false, false, &A::GetCatalogue},
      // Searches and bulk fetches are POSTs that only read (read:jira-work, shared lock).
      {"GET", false, {"search"}, E::kBoth, false, false, &A::SearchDataCenter},
      {"POST", false, {"search"}, E::kBoth, false, false, &A::SearchDataCenter},
      {"GET", false, {"search", "jql"}, E::kCloud, false, false, &A::SearchJql},
      {"POST", false, {"search", "jql"}, E::kCloud, false, false, &A::SearchJql},
      {"POST", false, {"search", "approximate-count"}, E::kCloud, false, false, &A::ApproximateCount},
      {"POST", false, {"jql", "match"}, E::kCloud, false, false, &A::MatchIssues},
      {"POST", false, {"issue", "bulkfetch"}, E::kCloud, false, false, &A::BulkFetch},
      {"POST", false, {"changelog", "bulkfetch"}, E::kCloud, false, false, &A::BulkChangelog},
      {"POST", false, {"issue"}, E::kBoth, true, false, &A::CreateIssue},
      {"POST", false, {"issue", "bulk"}, E::kBoth, true, false, &A::BulkCreate},
      {"GET", false, {"issue", "createmeta", "{}", "issuetypes"}, E::kBoth, false, false, &A::CreateMetaTypes},
      {"GET", false, {"issue", "createmeta", "{}", "issuetypes", "{}"}, E::kBoth, false, false, &A::CreateMetaFields},
      {"GET", false, {"issue", "{}", "editmeta"}, E::kBoth, false, false, &A::EditMeta},
      {"POST", false, {"issue", "{}", "attachments"}, E::kBoth, true, false, &A::AddAttachments},
      {"GET", false, {"attachment", "meta"}, E::kBoth, false, false, &A::AttachmentMeta},
      {"GET", false, {"attachment", "{}"}, E::kBoth, false, false, &A::AttachmentResource},
      {"DELETE", false, {"attachment", "{}"}, E::kBoth, true, false, &A::AttachmentResource},
      {"GET", false, {"attachment", "content", "{}"}, E::kBoth, false, false, &A::AttachmentContent},
      {"GET", false, {"issue", "{}"}, E::kBoth, false, false, &A::IssueResource},
      {"PUT", false, {"issue", "{}"}, E::kBoth, true, false, &A::IssueResource},
      {"DELETE", false, {"issue", "{}"}, E::kBoth, true, false, &A::IssueResource},
      {"GET", false, {"issue", "{}", "comment"}, E::kBoth, false, false, &A::IssueComments},
      {"POST", false, {"issue", "{}", "comment"}, E::kBoth, true, false, &A::IssueComments},
      {"GET", false, {"issue", "{}", "comment", "{}"}, E::kBoth, false, false, &A::IssueComment},
      {"PUT", false, {"issue", "{}", "comment", "{}"}, E::kBoth, true, false, &A::IssueComment},
      {"DELETE", false, {"issue", "{}", "comment", "{}"}, E::kBoth, true, false, &A::IssueComment},
      {"GET", false, {"issue", "{}", "worklog"}, E::kBoth, false, false, &A::IssueWorklogs},
      {"POST", false, {"issue", "{}", "worklog"}, E::kBoth, true, false, &A::IssueWorklogs},
      {"GET", false, {"issue", "{}", "worklog", "{}"}, E::kBoth, false, false, &A::IssueWorklog},
      {"PUT", false, {"issue", "{}", "worklog", "{}"}, E::kBoth, true, false, &A::IssueWorklog},
      {"DELETE", false, {"issue", "{}", "worklog", "{}"}, E::kBoth, true, false, &A::IssueWorklog},
      {"GET", false, {"issue", "{}", "changelog"}, E::kBoth, false, false, &A::IssueChangelog},
      {"GET", false, {"issue", "{}", "transitions"}, E::kBoth, false, false, &A::IssueTransitions},
      {"POST", false, {"issue", "{}", "transitions"}, E::kBoth, true, false, &A::IssueTransitions},
      {"GET", false, {"issue", "{}", "watchers"}, E::kBoth, false, false, &A::IssueWatchers},
      {"POST", false, {"issue", "{}", "watchers"}, E::kBoth, true, false, &A::IssueWatchers},
      {"DELETE", false, {"issue", "{}", "watchers"}, E::kBoth, true, false, &A::IssueWatchers},
      {"GET", false, {"issue", "{}", "votes"}, E::kBoth, false, false, &A::IssueVotes},
      {"GET", false, {"issue", "{}", "remotelink"}, E::kBoth, false, false, &A::IssueRemoteLinks},
      {"GET", false, {"worklog", "deleted"}, E::kBoth, false, false, &A::DeletedWorklogs},
      {"GET", false, {"worklog", "updated"}, E::kBoth, false, false, &A::UpdatedWorklogs},
      {"GET", false, {"issueLinkType"}, E::kBoth, false, false, &A::GetLinkTypes},
      {"POST", false, {"issueLink"}, E::kBoth, true, false, &A::CreateIssueLink},
      {"GET", false, {"issueLink", "{}"}, E::kBoth, false, false, &A::IssueLinkResource},
      {"DELETE", false, {"issueLink", "{}"}, E::kBoth, true, false, &A::IssueLinkResource},
      {"GET", false, {"project", "{}", "versions"}, E::kBoth, false, false, &A::ProjectVersions},
      {"GET", false, {"project", "{}", "version"}, E::kBoth, false, false, &A::ProjectVersions},
      {"GET", false, {"project", "{}", "components"}, E::kBoth, false, false, &A::ProjectComponents},
      {"GET", false, {"project", "{}", "component"}, E::kCloud, false, false, &A::ProjectComponents},
      {"POST", false, {"version"}, E::kBoth, true, false, &A::CreateVersion},
      {"GET", false, {"version", "{}"}, E::kBoth, false, false, &A::VersionResource},
      {"PUT", false, {"version", "{}"}, E::kBoth, true, false, &A::VersionResource},
      {"DELETE", false, {"version", "{}"}, E::kBoth, true, false, &A::VersionResource},
      {"POST", false, {"version", "{}", "removeAndSwap"}, E::kBoth, true, false, &A::VersionResource},
      {"POST", false, {"component"}, E::kBoth, true, false, &A::CreateComponent},
      {"GET", false, {"component", "{}"}, E::kBoth, false, false, &A::ComponentResource},
      {"PUT", false, {"component", "{}"}, E::kBoth, true, false, &A::ComponentResource},
      {"DELETE", false, {"component", "{}"}, E::kBoth, true, false, &A::ComponentResource},
      {"GET", false, {"field", "{}", "context"}, E::kCloud, false, false, &A::FieldContexts},
      {"GET", false, {"field", "{}", "context", "{}", "option"}, E::kCloud, false, false, &A::ContextOptions},
      {"GET", false, {"label"}, E::kCloud, false, false, &A::GetLabels},
      {"GET", false, {"group", "bulk"}, E::kCloud, false, true, &A::GroupBulk},
      {"GET", false, {"groups", "picker"}, E::kBoth, false, true, &A::GroupsPicker},
      {"GET", false, {"group", "member"}, E::kBoth, false, true, &A::GroupMembers},
      {"GET", false, {"project", "{}", "role"}, E::kBoth, false, false, &A::ProjectRoles},
      {"GET", false, {"project", "{}", "roledetails"}, E::kCloud, false, false, &A::ProjectRoles},
      {"GET", false, {"project", "{}", "role", "{}"}, E::kBoth, false, false, &A::ProjectRoleResource},
      {"GET", false, {"filter", "search"}, E::kCloud, false, false, &A::FilterSearch},
      {"GET", false, {"dashboard"}, E::kBoth, false, false, &A::GetDashboards},
      {"GET", true, {"board"}, E::kBoth, false, false, &A::GetBoards},
      {"GET", true, {"board", "{}"}, E::kBoth, false, false, &A::GetBoard},
      {"GET", true, {"board", "{}", "sprint"}, E::kBoth, false, false, &A::BoardSprints},
      {"GET", true, {"board", "{}", "configuration"}, E::kBoth, false, false, &A::BoardConfiguration},
      {"GET", true, {"sprint", "{}"}, E::kBoth, false, false, &A::GetSprint},
      {"GET", true, {"sprint", "{}", "issue"}, E::kBoth, false, false, &A::SprintIssues},
  };
  // clang-format on
  return kRoutes;
}

const Route* FindRoute(const std::string& method, bool agile, bool datacenter, const std::vector<std::string>& segs,
                       std::vector<std::string>* captures) {
  const Route* best = nullptr;
  int best_literals = -1;
  for (const auto& r : ApiRoutes()) {
    if (r.method != method || r.agile != agile) continue;
    if ((r.edition == Edition::kCloud && datacenter) || (r.edition == Edition::kDataCenter && !datacenter)) continue;
    if (segs.size() != ApiCall::from + r.pattern.size()) continue;
    int literals = 0;
    bool match = true;
    for (std::size_t i = 0; i < r.pattern.size() && match; ++i) {
      if (r.pattern[i] == "{}") continue;
      match = r.pattern[i] == segs[ApiCall::from + i];
      ++literals;
    }
    if (match && literals > best_literals) {
      best = &r;
      best_literals = literals;
    }
  }
  if (best) {
    captures->clear();
    for (std::size_t i = 0; i < best->pattern.size(); ++i) {
      if (best->pattern[i] == "{}") captures->push_back(segs[ApiCall::from + i]);
    }
  }
  return best;
}

}  // namespace jirasim
