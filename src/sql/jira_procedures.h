#pragma once
/// The procedures that act on Jira (EXEC only; the OAuth procedures are
/// auth/procedures.h's): ChangeIssueStatus, AddAttachment and
/// DownloadAttachment, for the drivers and scripts that call them so. The
/// first two are one INSERT by the table's own writer (IssueTransitions,
/// Attachments), so they check, refuse and report exactly as SQL does.

#include <map>
#include <string>
#include <vector>

#include "auth/procedures.h"

namespace jirasql {

class Session;

const std::vector<ProcedureSpec>& JiraProcedures();
bool IsJiraProcedure(const std::string& name);
/// Any procedure EXEC runs (the OAuth ones, then the Jira ones) by name,
/// case-insensitive; nullptr when there is none.
const ProcedureSpec* FindProcedure(const std::string& name);
/// "Unknown procedure 'X'; did you mean 'Y'? (procedures: …)" over all of them.
Error UnknownProcedure(const std::string& name);
/// Runs one (Readonly=true refuses the ones that write).
Result<ProcedureRow> RunJiraProcedure(Session& session, const std::string& name,
                                      const std::map<std::string, std::string>& inputs);

}  // namespace jirasql
