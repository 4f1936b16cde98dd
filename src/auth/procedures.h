#pragma once
/// The OAuth procedures of SPEC §3, for hosts that run the web flow
/// themselves: GetOAuthAuthorizationURL, GetOAuthAccessToken (AuthMode APP
/// runs the desktop flow, WEB exchanges Verifier) and
/// RefreshOAuthAccessToken. The same code serves `jirasql exec` and, later,
/// SQL table-valued functions and sys_procedures.

#include <map>
#include <string>
#include <vector>

#include "auth/login.h"
#include "connstr/properties.h"
#include "http/http.h"
#include "http/logger.h"

namespace jirasql {

struct ProcedureParam {
  std::string name;
  bool required = false;
  std::string description;
};

struct ProcedureSpec {
  std::string name;
  std::string description;
  std::vector<ProcedureParam> inputs;
  std::vector<std::string> outputs;
};

const std::vector<ProcedureSpec>& OAuthProcedures();

/// One result row: output column -> value, in the spec's column order.
using ProcedureRow = std::vector<std::pair<std::string, std::string>>;

struct ProcedureContext {
  std::shared_ptr<HttpTransport> http;
  std::shared_ptr<Logger> logger;
  Notice notice = [](const std::string&) {};
};

/// Runs `name` (case-insensitive) with `inputs` (names case-insensitive).
/// Unknown procedures and inputs get a "did you mean"; missing required
/// inputs are named.
Result<ProcedureRow> RunProcedure(const std::string& name, const std::map<std::string, std::string>& inputs,
                                  const ConnectionProperties& props, const ProcedureContext& context);

}  // namespace jirasql
