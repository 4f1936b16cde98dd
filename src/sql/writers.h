#pragma once
/// The tables that write to Jira: what INSERT, UPDATE and DELETE on each
/// become in REST calls (jira/client.h's writes). Each writer checks the row
/// before any request — columns that cannot be written, missing values,
/// values of the wrong shape — so that such a row fails with Jira unchanged.
/// See docs/sql.md, "Writing to Jira".

#include "sql/schema.h"

namespace jirasql {

/// Issues: INSERT = POST /issue, UPDATE = PUT /issue/{id} with only the
/// columns set, DELETE = DELETE /issue/{id} (DeleteSubtasks).
TableWriter WriteIssues();
/// Sends the issues BulkInserts queued: POST /issue/bulk, 50 a request.
TableFlusher FlushIssues();
/// IssueTransitions: INSERT = POST /issue/{key}/transitions (by transition
/// id or name, or by target status), with Fields and a Comment.
TableWriter WriteIssueTransitions();
/// Attachments: INSERT uploads FilePath (multipart; the size checked
/// against Jira's limit first), DELETE removes it; no UPDATE.
TableWriter WriteAttachments();
/// Comments: POST, PUT and DELETE /issue/{key}/comment[/{id}].
TableWriter WriteComments();
/// IssueLinks: INSERT links two issues, DELETE removes the link; UPDATE is refused.
TableWriter WriteIssueLinks();
/// Watchers: INSERT (IssueKey, AccountId) adds a watcher, DELETE removes one; no UPDATE.
TableWriter WriteWatchers();
/// ProjectVersions, ProjectComponents: INSERT makes one in the project
/// (ProjectKey or ProjectId; never a second of the same name), UPDATE edits
/// the columns set, DELETE removes it (its issues lose it).
TableWriter WriteProjectVersions();
TableWriter WriteProjectComponents();
/// Worklogs: POST, PUT and DELETE /issue/{key}/worklog[/{id}], with the
/// hidden AdjustEstimate and AdjustEstimateBy columns for the estimate.
TableWriter WriteWorklogs();

/// Whether a failed call left Jira as it was: checked before sending, never
/// sent, or refused by Jira (4xx, 429).
bool JiraUnchangedBy(const Error& e);

}  // namespace jirasql
