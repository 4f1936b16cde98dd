#pragma once
/// The readers a TableDef names (sql/schema.h): each says which jira/ call
/// fills a kind of table and, for explain, what it would cost. They build
/// no URL: jira/client.h knows how Jira serves each list.

#include <functional>
#include <nlohmann/json.hpp>
#include <vector>

#include "jira/client.h"
#include "sql/schema.h"

namespace jirasql {

/// A catalogue read whole: one jira/ list (JiraClient::Projects, ::Statuses, …).
TableReader ReadList(std::unique_ptr<ItemStream> (JiraClient::*list)(ReadStats*));

/// Issues: the pushed JQL, the fields of the columns SQLite needs, pages
/// read MaxThreads at a time when no LIMIT says few rows will do.
TableReader ReadIssues();
/// `element_field`: for ReadIssueElements' tables.
TableExplainer ExplainIssues(std::string element_field = "");

/// Epics: the issues of the epic types (JiraClient::EpicTypeIds) that the
/// pushed JQL selects, with their children counted when a Child… column
/// is read (one search per page of epics).
TableReader ReadEpics();
TableExplainer ExplainEpics();

/// IssueStatusTransitions: the issues the pushed JQL selects, then their
/// status changes in bulk (never a call per issue).
TableReader ReadStatusChanges();
TableExplainer ExplainStatusChanges();

/// IssueLinks, IssueFixVersions, IssueComponents, IssueLabels, …: the
/// elements of an array field of the issues the pushed JQL selects, read
/// with the issue search itself (no call per issue).
TableReader ReadIssueElements(std::string field);
/// What a lookup of such a table joined on a running Issues scan takes from
/// that scan (TableDef::carried): the array field, and the project.
std::vector<std::string> CarriedFields(const char* element_field);

/// Watchers, Votes, IssueRemoteLinks: the issues the pushed JQL selects,
/// read with `field` (watches, votes: the counts that say which issues to
/// ask; "" for ids only), then `list` of each issue, MaxThreads at a time
/// when no LIMIT says few rows will do.
using PerIssueList = std::unique_ptr<ItemStream> (JiraClient::*)(std::unique_ptr<ItemStream>, int, ReadStats*);
TableReader ReadPerIssueLists(PerIssueList list, std::string field);
TableExplainer ExplainPerIssueLists(std::string field);

/// WorklogsDeleted (deleted) and WorklogsUpdated: the worklogs deleted, or
/// added or edited, after the Deleted (Updated) column's lower bound
/// (Jira's since), else all.
TableReader ReadWorklogChanges(bool deleted);
TableExplainer ExplainWorklogChanges(bool deleted);

/// ProjectVersions, ProjectComponents: `list` (JiraClient::VersionsOfProjects,
/// ::ComponentsOfProjects) of the projects ProjectId or ProjectKey name,
/// else of every project (one list per project).
using ProjectList = std::unique_ptr<ItemStream> (JiraClient::*)(std::unique_ptr<ItemStream>, ReadStats*);
TableReader ReadProjectLists(ProjectList list);

/// CustomFieldContexts, CustomFieldOptions: `list` of the fields FieldId
/// names, else of every field (JiraClient keeps those with options).
using FieldList = ProjectList;
TableReader ReadFieldLists(FieldList list);

/// GroupMembers: the members of the groups GroupName names, else of every group.
TableReader ReadGroupMembers();

/// Comments, Worklogs, IssueChangelogs: the issues the pushed JQL selects
/// (ids only), then each issue's list.
TableReader ReadIssueChildren(IssueChild what);
/// The same for a child list: the issue field it comes with (comment,
/// worklog, attachment); none for the lists read apart (change histories).
std::vector<std::string> CarriedFields(IssueChild what);
TableExplainer ExplainIssueChildren(IssueChild what);

/// Sprints (of the boards given by BoardId, else of every board) and
/// SprintIssues (of the sprints given by SprintId, else of every sprint).
TableReader ReadSprints();
TableReader ReadSprintIssues();
/// SprintReport (`per_issue` false) and SprintReportIssues: the reports of
/// the sprints SprintId names, else of the boards BoardId names, else of
/// every board's (JiraClient::SprintReports).
TableReader ReadSprintReports(bool per_issue);
TableExplainer ExplainSprintReports();
/// BoardConfiguration: the configuration of the boards BoardId names, else of every board.
TableReader ReadBoardConfigurations();
/// BoardConfiguration: one row per column and status mapped to it (a
/// column with none: one row, its status NULL), each
/// {"board": the configuration without its columns, "column", "position", "status"}.
void SplitBoardColumns(const nlohmann::json& configuration, std::vector<nlohmann::json>* rows);

/// A table this process answers itself (sys_*): the rows as JSON objects.
TableReader ReadRows(std::function<std::vector<nlohmann::json>(Session&)> rows);

/// IssueChangelogs: one row per changed field of a change history, each
/// with the history beside it ({"history":{…}, "field":…, …}).
void SplitChangeItems(const nlohmann::json& history, std::vector<nlohmann::json>* rows);

/// The rows of the sys_* tables.
std::vector<nlohmann::json> SysTablesRows(Session& s);
std::vector<nlohmann::json> SysTableColumnsRows(Session& s);
std::vector<nlohmann::json> SysProceduresRows(Session& s);
std::vector<nlohmann::json> SysPrimaryKeysRows(Session& s);
std::vector<nlohmann::json> SysForeignKeysRows(Session& s);
std::vector<nlohmann::json> SysKeyColumnsRows(Session& s);
std::vector<nlohmann::json> SysIndexesRows(Session& s);
std::vector<nlohmann::json> SysSqlInfoRows(Session& s);
std::vector<nlohmann::json> SysIdentityRows(Session& s);
std::vector<nlohmann::json> SysRateLimitRows(Session& s);
std::vector<nlohmann::json> SysProcedureParametersRows(Session& s);
std::vector<nlohmann::json> SysConnectionPropsRows(Session& s);

}  // namespace jirasql
