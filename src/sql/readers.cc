#include "sql/readers.h"

#include <algorithm>
#include <chrono>
#include <ctime>

#include "auth/procedures.h"
#include "common/strings.h"
#include "common/version.h"
#include "connstr/catalog.h"
#include "jira/rest_call.h"
#include "sql/jira_procedures.h"
#include "sql/scan.h"
#include "sql/session.h"

namespace jirasql {

using json = nlohmann::json;

namespace {

// The fields= list for the columns an Issues scan needs.
std::vector<std::string> IssueFields(const ScanRequest& req) {
  std::vector<std::string> fields;
  for (std::size_t i = 0; i < req.table->columns.size(); ++i) {
    const auto& f = req.table->columns[i].jira_field;
    if (f.empty() || (!req.needed.empty() && !req.needed[i])) continue;
    if (std::find(fields.begin(), fields.end(), f) == fields.end()) fields.push_back(f);
  }
  if (fields.empty()) fields.push_back("id");
  return fields;
}

// maxResults for an issue search: Pagesize, or LIMIT when smaller.
int64_t IssuePageSize(TableRead& r) {
  int64_t p = r.session.page_size();
  // Ids alone (a count, a census, a semi-join's keys): Jira Cloud pages
  // them 5,000 at a time; Pagesize, when set, still rules.
  if (!r.session.page_size_set() && r.request.table->name == "Issues" &&
      IssueFields(r.request) == std::vector<std::string>{"id"}) {
    p = 5000;
  }
  if (r.request.limit_hint > 0) p = std::min(p, r.request.limit_hint);
  return std::max<int64_t>(1, p);
}

int64_t PagesFor(int64_t rows, int64_t per_page) {
  return rows < 0 ? int64_t{-1} : std::max<int64_t>(1, (rows + per_page - 1) / per_page);
}

// Jira's estimate of the issues `query` (default: the request's JQL)
// matches; -1 with the report's estimate_note set when it cannot be had.
int64_t EstimateIssues(TableRead& r, const IssueQuery* query = nullptr) {
  auto n = r.jira.CountIssues(query ? *query : r.request.query);
  if (n) return *n;
  r.report.estimate_note = n.error().message;
  return -1;
}

}  // namespace

TableReader ReadList(std::unique_ptr<ItemStream> (JiraClient::*list)(ReadStats*)) {
  return [list](TableRead& r) -> Result<std::unique_ptr<ItemStream>> { return (r.jira.*list)(&r.report); };
}

namespace {

// The search an Issues scan sends, recorded in the report (the same for a
// scan and for its explain). `element_field`: a table of the elements of
// that array field of each issue (IssueLinks: issuelinks), always read.
IssueSearch IssuesSearch(TableRead& r, const std::string& element_field = "") {
  IssueSearch search;
  search.query = r.request.query;
  search.fields = IssueFields(r.request);
  search.page_size = IssuePageSize(r);
  if (element_field.empty()) {
    search.keep = KeepFor(*r.request.table, r.request.needed);
  } else {  // the columns read the elements, not the issue: fields= says what comes
    if (search.fields == std::vector<std::string>{"id"}) search.fields.clear();
    if (std::find(search.fields.begin(), search.fields.end(), element_field) == search.fields.end()) {
      search.fields.insert(search.fields.begin(), element_field);
    }
  }
  search.threads = r.request.limit_hint < 0 ? r.session.max_threads() : 1;  // LIMIT: a few rows will do
  // Ids alone come 5,000 a page on Cloud (1,000 on Data Center; IssuesPerPage
  // caps it) unless Pagesize says otherwise: count(*) or an IN (SELECT Id …)
  // of 5,000 issues is one request.
  if (search.fields == std::vector<std::string>{"id"} && r.request.limit_hint < 0 && !r.session.page_size_set()) {
    search.page_size = 5000;
  }
  search.count_total = true;
  // Issues carries what the tables joined on it ask for (Session::JoinCarry).
  if (r.request.table->name == "Issues") search.extra = r.session.carry.fields;
  r.report.jql = r.jira.SearchJql(search.query);
  r.report.fields = Join(search.fields, ",");
  r.report.page_size = r.jira.IssuesPerPage(search.page_size, search.fields == std::vector<std::string>{"id"});
  return search;
}

}  // namespace

namespace {

// Issues of a carried page read at once when it came without the fields a
// lookup wants: a search page's worth (Cloud serves 100 with fields).
constexpr std::size_t kCarriedReadIssues = 100;

// A lookup of a few issues by id or key (IssueId = …, as SQLite asks a
// table joined on Issues once per row) while an Issues scan runs: the
// issues as that scan carried them with `fields`, with no search of its
// own. Asks the scan to carry the fields from its next request on; a page
// it handed out without them is read once, with them, for all its issues.
// Null: not such a lookup (then the table reads as usual).
Result<std::unique_ptr<ItemStream>> CarriedIssues(TableRead& r, const std::vector<std::string>& fields) {
  auto& carry = r.session.carry;
  const IssueQuery& q = r.request.query;
  if (fields.empty() || carry.live == 0 || q.terms.size() != 1 || !q.user_where.empty() || !q.user_order.empty() ||
      q.matches_nothing) {
    return std::unique_ptr<ItemStream>();
  }
  const JqlTerm& t = q.terms[0];
  if (!t.clause.empty() || (t.field != "id" && t.field != "key") || t.values.empty()) {
    return std::unique_ptr<ItemStream>();
  }
  carry.fields->Add(fields);
  auto carried = [&](const std::string& id) {
    auto it = carry.issues.find(id);
    if (it == carry.issues.end()) return false;
    const json* f = it->second.contains("fields") ? &it->second["fields"] : nullptr;
    for (const auto& name : fields) {
      if (!f || !f->is_object() || !f->contains(name)) return false;
    }
    return true;
  };
  std::vector<std::string> ids;
  bool all = true;
  for (const auto& v : t.values) {
    std::string id = v;
    if (t.field == "key") {
      const std::string* k = carry.IdOfKey(v);
      if (!k) return std::unique_ptr<ItemStream>();  // not the scan's
      id = *k;
    }
    if (std::find(carry.page.begin(), carry.page.end(), id) == carry.page.end()) {
      return std::unique_ptr<ItemStream>();  // not an issue of the scan's page
    }
    all = all && carried(id);
    ids.push_back(id);
  }
  r.report.jql = r.jira.SearchJql(q);
  r.report.fields = Join(fields, ",");
  if (!all) {
    // The page came without the fields: read them at once for the issues
    // asked and the page's next ones, a search page's worth (SQLite asks
    // for the rows in the page's order).
    std::vector<std::string> missing;
    for (const auto& id : ids) {
      if (!carried(id) && std::find(missing.begin(), missing.end(), id) == missing.end()) missing.push_back(id);
    }
    auto from = std::find(carry.page.begin(), carry.page.end(), ids.front());
    for (auto it = from; it != carry.page.end() && missing.size() < kCarriedReadIssues; ++it) {
      if (!carried(*it) && std::find(missing.begin(), missing.end(), *it) == missing.end()) missing.push_back(*it);
    }
    IssueSearch search;
    search.query.terms.push_back(JqlTerm{"id", missing, ""});
    search.fields = fields;
    search.page_size = kCarriedReadIssues;
    auto stream = r.jira.SearchIssues(std::move(search), &r.report);
    for (;;) {
      std::vector<Item> page;
      auto more = stream->Next(&page);
      if (!more) return Fail(more.error());
      if (!*more) break;
      for (auto& i : page) {
        const std::string id = IdOf(i.value);
        auto it = carry.issues.find(id);
        if (it == carry.issues.end()) {
          carry.issues.emplace(id, std::move(i.value));
        } else if (i.value.contains("fields")) {
          for (const auto& name : fields) it->second["fields"][name] = std::move(i.value["fields"][name]);
        }
      }
    }
    r.report.calls_note =
        "the fields of " + std::to_string(missing.size()) + " issues of the Issues scan's page, read at once";
  } else {
    r.report.calls_note = "carried by the Issues scan it is joined on: no call of its own";
  }
  std::vector<json> issues;
  for (const auto& id : ids) {
    if (carried(id)) issues.push_back(carry.issues[id]);  // else: the issue is gone since
  }
  return FixedItems(std::move(issues));
}

}  // namespace

TableReader ReadIssues() {
  return [](TableRead& r) -> Result<std::unique_ptr<ItemStream>> {
    IssueSearch search = IssuesSearch(r);
    // Its rows straight from the pages (TableScan takes the values).
    search.keep = KeepStraight(*r.request.table, r.request.needed);
    return r.jira.SearchIssues(std::move(search), &r.report);
  };
}

namespace {

// The search of Epics: the pushed JQL and the epic types; false when the
// site has no epic type (then no row).
Result<bool> EpicsSearch(TableRead& r, IssueSearch* search) {
  *search = IssuesSearch(r);
  auto types = r.jira.EpicTypeIds();
  if (!types) return Fail(types.error());
  if (types->empty()) {
    r.report.jql = "(no issue type of the epic level: no epics)";
    return false;
  }
  search->query.terms.push_back(JqlTerm{"issuetype", *types, ""});
  r.report.jql = r.jira.SearchJql(search->query);
  return true;
}

// Whether a scan of Epics reads a column of the children's counts.
bool ReadsChildren(const ScanRequest& req) {
  for (std::size_t i = 0; i < req.table->columns.size(); ++i) {
    if ((req.needed.empty() || req.needed[i]) && req.table->columns[i].name.rfind("Child", 0) == 0) return true;
  }
  return false;
}

}  // namespace

TableReader ReadEpics() {
  return [](TableRead& r) -> Result<std::unique_ptr<ItemStream>> {
    IssueSearch search;
    auto any = EpicsSearch(r, &search);
    if (!any) return Fail(any.error());
    if (!*any) return FixedItems({});
    auto epics = r.jira.SearchIssues(std::move(search), &r.report);
    if (!ReadsChildren(r.request)) return epics;
    return r.jira.ChildCountsOfEpics(std::move(epics), &r.report);
  };
}

std::vector<std::string> CarriedFields(const char* element_field) { return {element_field, "project"}; }

std::vector<std::string> CarriedFields(IssueChild what) {
  const std::string field = JiraClient::ListField(what);
  return field.empty() ? std::vector<std::string>{} : std::vector<std::string>{field};
}

TableReader ReadIssueElements(std::string field) {
  return [field](TableRead& r) -> Result<std::unique_ptr<ItemStream>> {
    auto carried = CarriedIssues(r, r.request.table->carried);
    if (!carried) return Fail(carried.error());
    if (*carried) return r.jira.ElementsOfIssues(field, std::move(*carried));
    return r.jira.ElementsOfIssues(field, r.jira.SearchIssues(IssuesSearch(r, field), &r.report));
  };
}

namespace {

// explain's calls for the search of `search` and, when `element_field` is
// set, the note that the rows are elements of the issues. The issues it
// estimates (-1 when unknown).
int64_t ExplainSearch(TableRead& r, const IssueSearch& search, const std::string& element_field) {
  const int threads = search.threads;
  const bool cloud = r.jira.cloud();
  const int64_t issues = EstimateIssues(r, &search.query);
  r.report.rows = issues;
  r.report.calls = PagesFor(issues, r.report.page_size);
  r.report.calls_note = "one search call per page";
  const bool cloud_ids_only = cloud && search.fields == std::vector<std::string>{"id"} && search.expand.empty();
  if (threads > 1 && issues > r.report.page_size && !cloud_ids_only) {  // as SearchIssues reads
    const int64_t rest = issues - r.report.page_size;
    r.report.calls = cloud ? 1 + PagesFor(issues, 5000) + PagesFor(rest, 100) : 1 + PagesFor(rest, r.report.page_size);
    r.report.calls_note =
        cloud ? "the first page, then id-only pages and bulk fetches of 100, " + std::to_string(threads) + " at a time"
              : "the first page, then the other pages " + std::to_string(threads) + " at a time";
  }
  if (!element_field.empty()) {  // the rows are the issues' elements: how many is not known before
    r.report.calls_note += "; " + element_field + " read with the issues (" +
                           (issues < 0 ? std::string("?") : std::to_string(issues)) + " issues)";
    r.report.rows = -1;
  }
  return issues;
}

// The search of IssueStatusTransitions: the issues' creation times (and on
// Data Center their changelogs, 100 issues a page: each carries its histories).
IssueSearch StatusChangesSearch(TableRead& r) {
  IssueSearch search = IssuesSearch(r, "created");
  if (!r.jira.cloud()) {
    search.expand = {"changelog"};
    search.page_size = std::min<int64_t>(search.page_size, 100);
    r.report.page_size = r.jira.IssuesPerPage(search.page_size, false);
  }
  return search;
}

}  // namespace

TableExplainer ExplainIssues(std::string element_field) {
  return [element_field](TableRead& r) { ExplainSearch(r, IssuesSearch(r, element_field), element_field); };
}

namespace {

// The issue search under a per-issue list: its field ("id" when none) with
// the columns' (the project), and the threads the lists are read with.
IssueSearch PerIssueSearch(TableRead& r, const std::string& field, int* list_threads) {
  *list_threads = r.request.limit_hint < 0 ? r.session.max_threads() : 1;
  return IssuesSearch(r, field.empty() ? "id" : field);
}

}  // namespace

TableReader ReadPerIssueLists(PerIssueList list, std::string field) {
  return [list, field](TableRead& r) -> Result<std::unique_ptr<ItemStream>> {
    int threads = 1;
    IssueSearch search = PerIssueSearch(r, field, &threads);
    return (r.jira.*list)(r.jira.SearchIssues(std::move(search), &r.report), threads, &r.report);
  };
}

TableExplainer ExplainPerIssueLists(std::string field) {
  return [field](TableRead& r) {
    int threads = 1;
    const int64_t issues = ExplainSearch(r, PerIssueSearch(r, field, &threads), "");
    r.report.rows = -1;
    if (issues >= 0 && r.report.calls >= 0) r.report.calls += issues;
    r.report.calls_note += "; then at most one call per issue (" +
                           (issues < 0 ? std::string("?") : std::to_string(issues)) + " issues), " +
                           std::to_string(threads) + " at a time" +
                           (field.empty() ? std::string() : ", skipping those the " + field + " field counts 0");
  };
}

TableReader ReadWorklogChanges(bool deleted) {
  return [deleted](TableRead& r) -> Result<std::unique_ptr<ItemStream>> {
    return deleted ? r.jira.DeletedWorklogs(r.request.since_ms, &r.report)
                   : r.jira.UpdatedWorklogs(r.request.since_ms, &r.report);
  };
}

TableExplainer ExplainWorklogChanges(bool deleted) {
  return [deleted](TableRead& r) {
    const std::string column = deleted ? "Deleted" : "Updated", what = deleted ? "deletion" : "change";
    r.report.rows = -1;
    r.report.calls = -1;
    r.report.calls_note = "GET /worklog/" + std::string(deleted ? "deleted" : "updated") +
                          "?since=" + std::to_string(std::max<int64_t>(0, r.request.since_ms)) +
                          (r.request.since_ms < 0 ? " (every " + what + " Jira keeps: constrain " + column +
                                                        " >= '…' to read the recent ones)"
                                                  : " (from the " + column + " constraint)") +
                          ", then one call per 1,000 " + what + "s";
  };
}

TableExplainer ExplainEpics() {
  return [](TableRead& r) {
    IssueSearch search;
    auto any = EpicsSearch(r, &search);
    if (!any || !*any) {
      r.report.rows = any ? 0 : -1;
      r.report.calls = any ? 1 : -1;
      r.report.calls_note = any ? "GET /issuetype: no epic type" : "GET /issuetype failed: " + any.error().message;
      return;
    }
    const int64_t epics = ExplainSearch(r, search, "");
    if (r.report.calls >= 0) ++r.report.calls;
    r.report.calls_note = "GET /issuetype for the epic types; " + r.report.calls_note;
    if (!ReadsChildren(r.request)) return;
    const int64_t pages = PagesFor(epics, r.report.page_size);
    if (epics >= 0 && r.report.calls >= 0) r.report.calls += pages;
    r.report.calls_note += "; then a search for the children of each page of epics (" +
                           (epics < 0 ? std::string("?") : std::to_string(pages)) + ", more when they fill pages)";
  };
}

TableReader ReadStatusChanges() {
  return [](TableRead& r) -> Result<std::unique_ptr<ItemStream>> {
    return r.jira.StatusChangesOfIssues(r.jira.SearchIssues(StatusChangesSearch(r), &r.report), &r.report);
  };
}

TableExplainer ExplainStatusChanges() {
  return [](TableRead& r) {
    const int64_t issues = ExplainSearch(r, StatusChangesSearch(r), "");
    r.report.rows = -1;
    if (!r.jira.cloud()) {
      r.report.calls_note += "; the changelogs come with the issues (expand=changelog)";
      return;
    }
    if (issues >= 0 && r.report.calls >= 0) r.report.calls += PagesFor(issues, 1000);
    r.report.calls_note += "; then POST /changelog/bulkfetch for 1,000 issues at a time (" +
                           (issues < 0 ? std::string("?") : std::to_string(issues)) + " issues)";
  };
}

namespace {

// The search a child table reads its issues with, recorded in the report:
// the field that carries the list (or ids, for the lists read apart).
IssueSearch ParentsSearch(TableRead& r, IssueChild what) {
  IssueSearch search;
  search.query = r.request.query;
  const bool cloud = r.jira.cloud();
  const std::string list_field = JiraClient::ListField(what);  // the one mapping of lists to fields
  const std::string field = list_field.empty() ? "id" : list_field;
  search.fields = {field};
  search.page_size = IssuePageSize(r);
  search.threads = r.request.limit_hint < 0 ? r.session.max_threads() : 1;  // LIMIT: a few rows will do
  // Cloud's changelogs come by bulkfetch for the ids of an id-only search:
  // 5,000 ids a page, as for Issues, unless Pagesize says otherwise.
  if (what == IssueChild::kChangelogs && cloud && r.request.limit_hint < 0 && !r.session.page_size_set()) {
    search.page_size = 5000;
  }
  r.report.jql = r.jira.SearchJql(search.query);
  r.report.fields = field;
  r.report.page_size = what == IssueChild::kChangelogs && !cloud
                           ? 100
                           : r.jira.IssuesPerPage(search.page_size, search.fields == std::vector<std::string>{"id"});
  return search;
}

}  // namespace

TableReader ReadIssueChildren(IssueChild what) {
  return [what](TableRead& r) -> Result<std::unique_ptr<ItemStream>> {
    if (!r.request.table->carried.empty()) {
      auto carried = CarriedIssues(r, r.request.table->carried);
      if (!carried) return Fail(carried.error());
      if (*carried) return r.jira.ListsOfIssues(what, std::move(*carried), 1, &r.report);
    }
    IssueSearch search = ParentsSearch(r, what);
    search.keep = KeepFor(*r.request.table, r.request.needed);  // of each list item
    const int threads = search.threads;
    return r.jira.ChildrenOfSearch(what, std::move(search), threads, &r.report);
  };
}

TableExplainer ExplainIssueChildren(IssueChild what) {
  return [what](TableRead& r) {
    ParentsSearch(r, what);
    const int64_t issues = EstimateIssues(r);
    const std::string n = issues < 0 ? std::string("?") : std::to_string(issues);
    const int64_t pages = PagesFor(issues, r.report.page_size);
    r.report.rows = -1;
    switch (what) {
      case IssueChild::kComments:
      case IssueChild::kWorklogs:
        r.report.calls = pages;
        r.report.calls_note = "the issue search with the " + r.report.fields + " field (" + n +
                              " issues), each issue's list with it; one call more for each issue whose list is "
                              "longer than the page the search embeds";
        break;
      case IssueChild::kAttachments:
        r.report.calls = pages;
        r.report.calls_note = "the issue search with the attachment field (" + n + " issues): no call per issue";
        break;
      case IssueChild::kChangelogs:
        if (r.jira.cloud()) {
          r.report.calls = issues < 0 ? -1 : pages + PagesFor(issues, 1000);
          r.report.calls_note =
              "the issue search (ids, " + n + " issues), then POST /changelog/bulkfetch for 1,000 issues at a time";
        } else {
          r.report.calls = pages;
          r.report.calls_note = "the issue search with expand=changelog (" + n + " issues), 100 a page";
        }
        break;
      case IssueChild::kTransitions:
        r.report.calls = issues < 0 ? -1 : pages + issues;
        r.report.calls_note = "issue search pages + one call per issue (" + n + " issues)";
        break;
    }
  };
}

namespace {

// The parents SQLite gave (BoardId = …, SprintId IN (…)) as items {"id": n}.
std::unique_ptr<ItemStream> GivenParents(const ScanRequest& req) {
  std::vector<json> ids;
  for (auto id : req.parent_ids) ids.push_back(json{{"id", id}});
  return FixedItems(std::move(ids));
}

}  // namespace

TableReader ReadSprints() {
  return [](TableRead& r) -> Result<std::unique_ptr<ItemStream>> {
    auto boards = r.request.parents_given ? GivenParents(r.request) : r.jira.Boards(&r.report);
    return r.jira.SprintsOfBoards(std::move(boards), &r.report);
  };
}

TableReader ReadSprintIssues() {
  return [](TableRead& r) -> Result<std::unique_ptr<ItemStream>> {
    auto sprints =
        r.request.parents_given ? GivenParents(r.request) : r.jira.SprintsOfBoards(r.jira.Boards(&r.report), &r.report);
    return r.jira.IssuesOfSprints(std::move(sprints), &r.report);
  };
}

TableReader ReadSprintReports(bool per_issue) {
  return [per_issue](TableRead& r) -> Result<std::unique_ptr<ItemStream>> {
    const auto& given = r.request.parent_ids_of;
    std::unique_ptr<ItemStream> sprints;
    if (auto s = given.find("sprint"); s != given.end()) {
      sprints = r.jira.SprintsById(s->second, &r.report);
    } else if (r.request.parents_given) {  // BoardId alone
      sprints = r.jira.SprintsOfBoards(GivenParents(r.request), &r.report);
    } else {
      sprints = r.jira.SprintsOfBoards(r.jira.Boards(&r.report), &r.report);
    }
    return r.jira.SprintReports(std::move(sprints), per_issue, &r.report);
  };
}

TableExplainer ExplainSprintReports() {
  return [](TableRead& r) {
    const auto& given = r.request.parent_ids_of;
    r.report.rows = -1;
    r.report.calls = -1;
    r.report.calls_note =
        std::string(given.count("sprint") ? "GET /sprint/{id} for each SprintId"
                    : given.count("board")
                        ? "GET /board/{id}/sprint for each BoardId"
                        : "the board list and each board's sprints (constrain BoardId or SprintId)") +
        "; then per board its configuration, GET /field once, and one issue search with the Sprint, status and "
        "estimate changelogs of the issues in its started sprints and of its project's issues updated since the "
        "first of them started";
  };
}

TableReader ReadBoardConfigurations() {
  return [](TableRead& r) -> Result<std::unique_ptr<ItemStream>> {
    auto boards = r.request.parents_given ? GivenParents(r.request) : r.jira.Boards(&r.report);
    return r.jira.ConfigurationsOfBoards(std::move(boards), &r.report);
  };
}

void SplitBoardColumns(const json& configuration, std::vector<json>* rows) {
  json board = configuration.is_object() ? configuration : json::object();
  json columns = json::array();
  if (auto cc = board.find("columnConfig"); cc != board.end() && cc->is_object()) {
    columns = cc->value("columns", json::array());
    board["constraintType"] = cc->value("constraintType", json());
    board.erase("columnConfig");
  }
  if (!columns.is_array()) columns = json::array();
  const auto shared = json{{"board", board}};
  for (std::size_t i = 0; i < columns.size(); ++i) {
    json column = columns[i].is_object() ? columns[i] : json::object();
    json statuses = column.value("statuses", json::array());
    column.erase("statuses");
    if (!statuses.is_array() || statuses.empty()) statuses = json::array({json()});
    for (auto& s : statuses) {
      json row = shared;
      row["column"] = column;
      row["position"] = static_cast<int64_t>(i + 1);
      row["status"] = std::move(s);
      rows->push_back(std::move(row));
    }
  }
}

namespace {

// The projects a project's child table reads under: those ProjectId /
// ProjectKey name (matched in the project list, so that each row knows both),
// else every project.
std::unique_ptr<ItemStream> ProjectsFor(TableRead& r) {
  auto all = r.jira.Projects(&r.report);
  const ScanRequest& q = r.request;  // copied below: the stream outlives the request
  if (!q.parents_given && !q.parent_keys_given) return all;
  return FilterItems(std::move(all), [by_id = q.parents_given, ids = q.parent_ids, by_key = q.parent_keys_given,
                                      keys = q.parent_keys](const json& p) {
    const json* id = p.is_object() && p.contains("id") ? &p["id"] : nullptr;
    const auto n = !id ? std::nullopt : ParseInt(id->is_string() ? id->get<std::string>() : id->dump());
    if (by_id && (!n || !std::binary_search(ids.begin(), ids.end(), *n))) return false;
    const auto key = p.is_object() ? p.find("key") : p.end();
    const std::string k = key != p.end() && key->is_string() ? key->get<std::string>() : "";
    return !by_key || std::binary_search(keys.begin(), keys.end(), ToLower(k));
  });
}

}  // namespace

TableReader ReadProjectLists(ProjectList list) {
  return
      [list](TableRead& r) -> Result<std::unique_ptr<ItemStream>> { return (r.jira.*list)(ProjectsFor(r), &r.report); };
}

TableReader ReadFieldLists(FieldList list) {
  return [list](TableRead& r) -> Result<std::unique_ptr<ItemStream>> {
    auto fields = r.jira.Fields(&r.report);
    if (r.request.parent_keys_given) {
      fields = FilterItems(std::move(fields), [keys = r.request.parent_keys](const json& f) {
        const auto id = f.is_object() ? f.find("id") : f.end();
        return id != f.end() && id->is_string() &&
               std::binary_search(keys.begin(), keys.end(), ToLower(id->get<std::string>()));
      });
    }
    return (r.jira.*list)(std::move(fields), &r.report);
  };
}

TableReader ReadGroupMembers() {
  return [](TableRead& r) -> Result<std::unique_ptr<ItemStream>> {
    auto groups = r.jira.Groups(&r.report);
    const ScanRequest& q = r.request;  // copied below: the stream outlives the request
    if (q.parent_keys_given) {
      // Group names are matched without regard to case, as Jira does.
      groups = FilterItems(std::move(groups), [keys = q.parent_keys](const json& g) {
        const auto name = g.is_object() ? g.find("name") : g.end();
        return name != g.end() && name->is_string() &&
               std::binary_search(keys.begin(), keys.end(), ToLower(name->get<std::string>()));
      });
    }
    return r.jira.MembersOfGroups(std::move(groups), &r.report);
  };
}

TableReader ReadRows(std::function<std::vector<json>(Session&)> rows) {
  return [rows = std::move(rows)](TableRead& r) -> Result<std::unique_ptr<ItemStream>> {
    return FixedItems(rows(r.session));
  };
}

void SplitChangeItems(const json& item, std::vector<json>* rows) {
  json history = item;
  history.erase("items");
  const json* list = item.contains("items") ? &item["items"] : nullptr;
  if (!list || !list->is_array()) return;
  for (const auto& change : *list) {
    json row = change;
    row["history"] = history;
    rows->push_back(std::move(row));
  }
}

// ---- the sys_* tables --------------------------------------------------------

std::vector<const ProcedureSpec*> AllProcedures();

std::vector<json> SysTablesRows(Session&) {
  std::vector<json> rows;
  for (const auto& t : BaseTables()) {
    const bool sys = t.system;
    rows.push_back({{"TableName", t.name},
                    {"TableType", sys ? "SYSTEM TABLE" : "TABLE"},
                    {"Description", t.description},
                    {"Api", t.api},
                    {"WriteApi", t.write ? json(t.write_api) : json(nullptr)}});
  }
  for (const auto& p : OAuthProcedures()) {
    rows.push_back({{"TableName", p.name},
                    {"TableType", "PROCEDURE"},
                    {"Description", p.description},
                    {"Api", "OAuth token endpoint"},
                    {"WriteApi", nullptr}});
  }
  for (const auto& p : JiraProcedures()) {
    const bool download = p.name == "DownloadAttachment";
    const std::string_view reads = p.name == "ChangeIssueStatus" ? api::kTransitions
                                   : download                    ? api::kAttachmentContent
                                                                 : api::kAttachments;
    const std::string_view writes = p.name == "ChangeIssueStatus" ? api::kTransitionIssue : api::kAddAttachment;
    rows.push_back({{"TableName", p.name},
                    {"TableType", "PROCEDURE"},
                    {"Description", p.description},
                    {"Api", reads},
                    {"WriteApi", download ? json(nullptr) : json(writes)}});
  }
  return rows;
}

std::vector<json> SysTableColumnsRows(Session& s) {
  std::vector<json> rows;
  for (const auto& name : s.TableNames()) {
    auto t = s.Table(name);
    const TableDef* def = t ? *t : FindBaseTable(name);  // without custom fields when /field fails
    for (std::size_t i = 0; i < def->columns.size(); ++i) {
      const auto& c = def->columns[i];
      rows.push_back({{"TableName", def->name},
                      {"ColumnName", c.name},
                      {"Ordinal", i},
                      {"DataType", SqlDeclaredType(c.type)},
                      {"ValueFormat", SqlTypeLabel(c.type)},
                      {"IsHidden", c.hidden ? 1 : 0},
                      {"IsWritable", c.writable ? 1 : 0},
                      {"JiraField", c.jira_field},
                      {"Pushdown", PushdownText(c.push)},
                      {"Description", c.description}});
    }
  }
  return rows;
}

std::vector<json> SysPrimaryKeysRows(Session&) {
  std::vector<json> rows;
  for (const auto& t : BaseTables()) {
    int seq = 0;
    for (const auto& c : t.primary_key) {
      rows.push_back({{"CatalogName", nullptr},
                      {"SchemaName", "main"},
                      {"TableName", t.name},
                      {"ColumnName", c},
                      {"KeySeq", ++seq},
                      {"KeyName", "PK_" + t.name}});
    }
  }
  return rows;
}

std::vector<json> SysForeignKeysRows(Session&) {
  std::vector<json> rows;
  for (const auto& t : BaseTables()) {
    for (const auto& f : t.foreign_keys) {
      rows.push_back({{"CatalogName", nullptr},
                      {"SchemaName", "main"},
                      {"TableName", t.name},
                      {"ColumnName", f.column},
                      {"PrimaryKeyTable", f.table},
                      {"PrimaryKeyColumn", f.table_column},
                      {"ForeignKeyType", "FOREIGNKEY"},
                      {"KeyName", "FK_" + t.name + "_" + f.column}});
    }
  }
  return rows;
}

// Each column of a key, primary or foreign: one row per (column, role), as
// CData shapes sys_keycolumns.
std::vector<json> SysKeyColumnsRows(Session&) {
  std::vector<json> rows;
  for (const auto& t : BaseTables()) {
    for (const auto& c : t.primary_key) {
      rows.push_back({{"CatalogName", nullptr},
                      {"SchemaName", "main"},
                      {"TableName", t.name},
                      {"ColumnName", c},
                      {"IsKey", 1},
                      {"IsForeignKey", 0},
                      {"PrimaryKeyName", "PK_" + t.name},
                      {"ForeignKeyName", nullptr},
                      {"ReferencedCatalogName", nullptr},
                      {"ReferencedSchemaName", nullptr},
                      {"ReferencedTableName", nullptr},
                      {"ReferencedColumnName", nullptr}});
    }
    for (const auto& f : t.foreign_keys) {
      rows.push_back({{"CatalogName", nullptr},
                      {"SchemaName", "main"},
                      {"TableName", t.name},
                      {"ColumnName", f.column},
                      {"IsKey", 0},
                      {"IsForeignKey", 1},
                      {"PrimaryKeyName", nullptr},
                      {"ForeignKeyName", "FK_" + t.name + "_" + f.column},
                      {"ReferencedCatalogName", nullptr},
                      {"ReferencedSchemaName", "main"},
                      {"ReferencedTableName", f.table},
                      {"ReferencedColumnName", f.table_column}});
    }
  }
  return rows;
}

// The primary key of each table as a unique index, and each column whose
// constraints reach Jira (pushdown) as an index of its own: what a BI tool
// reads to know which filters are cheap.
std::vector<json> SysIndexesRows(Session&) {
  std::vector<json> rows;
  for (const auto& t : BaseTables()) {
    int seq = 0;
    for (const auto& c : t.primary_key) {
      rows.push_back({{"CatalogName", nullptr},
                      {"SchemaName", "main"},
                      {"TableName", t.name},
                      {"IndexName", "PK_" + t.name},
                      {"ColumnName", c},
                      {"IsUnique", 1},
                      {"IsPrimary", 1},
                      {"Type", "PRIMARY KEY"},
                      {"SortOrder", "A"},
                      {"OrdinalPosition", ++seq},
                      {"Pushdown", PushdownText(t.columns[t.ColumnIndex(c)].push)}});
    }
    for (const auto& c : t.columns) {
      if (c.push == Push::kNone) continue;
      rows.push_back({{"CatalogName", nullptr},
                      {"SchemaName", "main"},
                      {"TableName", t.name},
                      {"IndexName", "IX_" + t.name + "_" + c.name},
                      {"ColumnName", c.name},
                      {"IsUnique", 0},
                      {"IsPrimary", 0},
                      {"Type", "PUSHDOWN"},
                      {"SortOrder", nullptr},
                      {"OrdinalPosition", 1},
                      {"Pushdown", PushdownText(c.push)}});
    }
  }
  return rows;
}

// What this SQL dialect can do, by name (CData's sys_sqlinfo): for tools
// that ask before they write SQL.
std::vector<json> SysSqlInfoRows(Session&) {
  const std::vector<std::pair<const char*, std::string>> info = {
      {"DRIVER_NAME", "jirasql"},
      {"DRIVER_VERSION", kVersion},
      {"DATASOURCE_NAME", "Jira"},
      {"SQL_ENGINE", "SQLite (SELECT sqlite_version() gives its version)"},
      {"IDENTIFIER_QUOTE_OPEN_CHAR", "\""},
      {"IDENTIFIER_QUOTE_CLOSE_CHAR", "\""},
      {"IDENTIFIER_CASE", "MIXED (matched without regard to case)"},
      {"STRING_QUOTE_CHAR", "'"},
      {"SUPPORTED_OPERATORS", "=,<>,!=,<,<=,>,>=,IN,NOT IN,LIKE,GLOB,BETWEEN,IS NULL,IS NOT NULL,AND,OR,NOT"},
      {"PUSHED_OPERATORS",
       "=,IN,<,<=,>,>=,IS NULL,IS NOT NULL (per column: sys_indexes.Pushdown); the rest is "
       "applied by SQLite after reading"},
      {"AGGREGATE_FUNCTIONS", "COUNT,SUM,AVG,MIN,MAX,GROUP_CONCAT,TOTAL"},
      {"SUPPORTS_JOINS", "YES"},
      {"JOIN_TYPES", "INNER,LEFT OUTER,CROSS"},
      {"SUPPORTS_SUBQUERIES", "YES"},
      {"SUPPORTS_GROUP_BY", "YES"},
      {"SUPPORTS_ORDER_BY", "YES"},
      {"SUPPORTS_LIMIT", "YES (LIMIT n OFFSET m)"},
      {"DML_STATEMENTS", "SELECT,INSERT,UPDATE,DELETE"},
      {"SUPPORTS_TRANSACTIONS", "NO (each write reaches Jira as it is made; ROLLBACK cannot undo it)"},
      {"SUPPORTS_BATCH_OPERATIONS", "YES (BulkInserts: INSERT INTO Issues sends 50 issues a request)"},
      {"DATETIME_FORMAT", "yyyy-MM-ddTHH:mm:ss.SSSZ (UTC)"},
      {"DATE_FORMAT", "yyyy-MM-dd"},
      {"BOOLEAN_FORMAT", "0/1"},
      {"PROCEDURE_CALL", "EXEC Name Param='value', or SELECT * FROM Name('value', ...)"},
      {"MAX_IDENTIFIER_LENGTH", "0 (no limit)"},
  };
  std::vector<json> rows;
  for (const auto& [name, value] : info) rows.push_back({{"Name", name}, {"Value", value}});
  return rows;
}

// The rows the latest writing statement or transaction wrote, failed ones
// too (CData's sys_identity).
std::vector<json> SysIdentityRows(Session& s) {
  std::vector<json> rows;
  for (const auto& w : s.identity) {
    rows.push_back({{"Id", w.id.empty() ? json(nullptr) : json(w.id)},
                    {"Batch", w.batch},
                    {"Operation", w.operation},
                    {"TableName", w.table},
                    {"Message", w.message}});
  }
  return rows;
}

// What the connection's answers said of its limits: one row once it has
// talked to Jira, none before (reading it sends nothing).
std::vector<json> SysRateLimitRows(Session& s) {
  const Connection* c = s.open_connection();
  if (!c) return {};
  const RateGovernor& g = c->governor();
  const QuotaReading q = g.last_quota();
  auto known = [](int64_t v) { return v >= 0 ? json(v) : json(nullptr); };
  auto text = [](const std::string& v) { return v.empty() ? json(nullptr) : json(v); };
  json seen = nullptr;
  if (q.any()) {
    const std::time_t t = std::chrono::system_clock::to_time_t(g.last_quota_at());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
    seen = buf;
  }
  return {json{{"SiteUrl", c->endpoint().base_url},
               {"Policy", text(q.policy)},
               {"Quota", known(q.quota)},
               {"WindowSeconds", known(q.window_s)},
               {"Remaining", known(q.remaining)},
               {"ResetSeconds", known(q.reset_s)},
               {"ResetAt", text(q.reset_at)},
               {"Reason", text(q.reason.empty() ? g.last_reason() : q.reason)},
               {"NearLimit", q.near_limit ? 1 : 0},
               {"BurstLimit", known(q.burst_limit)},
               {"BurstRemaining", known(q.burst_remaining)},
               {"SeenAt", seen},
               {"Pauses", g.pauses()},
               {"QuotaWaits", g.quota_holds()},
               {"PointsPerRequest", g.points_per_request() > 0 ? json(g.points_per_request()) : json(nullptr)}}};
}

// Every procedure: the OAuth ones, then those that act on Jira.
std::vector<const ProcedureSpec*> AllProcedures() {
  std::vector<const ProcedureSpec*> out;
  for (const auto& p : OAuthProcedures()) out.push_back(&p);
  for (const auto& p : JiraProcedures()) out.push_back(&p);
  return out;
}

std::vector<json> SysProceduresRows(Session&) {
  std::vector<json> rows;
  for (const auto* p : AllProcedures()) rows.push_back({{"ProcedureName", p->name}, {"Description", p->description}});
  return rows;
}

std::vector<json> SysProcedureParametersRows(Session&) {
  std::vector<json> rows;
  for (const auto* pp : AllProcedures()) {
    const ProcedureSpec& p = *pp;
    int i = 0;
    for (const auto& in : p.inputs) {
      rows.push_back({{"ProcedureName", p.name},
                      {"ParameterName", in.name},
                      {"Direction", "IN"},
                      {"Ordinal", i++},
                      {"Required", in.required ? 1 : 0},
                      {"Description", in.description}});
    }
    for (const auto& out : p.outputs) {
      rows.push_back({{"ProcedureName", p.name},
                      {"ParameterName", out},
                      {"Direction", "OUT"},
                      {"Ordinal", nullptr},
                      {"Required", 0},
                      {"Description", "result column"}});
    }
  }
  return rows;
}

std::vector<json> SysConnectionPropsRows(Session& s) {
  std::vector<json> rows;
  for (const auto& spec : PropertyCatalog()) {
    std::string v = s.props().Get(spec.name);
    if (spec.secret && !v.empty()) v = "********";
    std::string allowed;
    for (auto a : spec.allowed) allowed += (allowed.empty() ? "" : ",") + std::string(a);
    rows.push_back({{"Name", spec.name},
                    {"Value", v},
                    {"DefaultValue", spec.default_value},
                    {"Type", PropTypeName(spec.type)},
                    {"AllowedValues", allowed},
                    {"Category", spec.category},
                    {"IsSecret", spec.secret ? 1 : 0},
                    {"Source", PropSourceName(s.props().SourceOf(spec.name))},
                    {"Description", spec.description}});
  }
  return rows;
}

}  // namespace jirasql
