#pragma once
/// The small pieces every list of jira/client.h reads with: a JSON request
/// body, a call whose answer must be JSON, an issue's id.

#include <nlohmann/json.hpp>
#include <string>

#include "jira/client.h"

namespace jirasql {

/// A request body as JSON text. Text from SQL may hold bytes that are not
/// UTF-8; they are replaced rather than thrown about.
std::string RequestBody(const nlohmann::json& body);

/// A JSON POST of `body` to `path` (relative to the REST base).
HttpRequest JsonPost(const std::string& path, const nlohmann::json& body);

/// Sends `request` (an answer that is not 2xx is an error naming it) and
/// reads the answer as JSON; counts the call in `stats` (may be null).
Result<nlohmann::json> CallJson(JiraClient& client, HttpRequest request, ReadStats* stats);

/// An issue's id as text ("10001"), whether Jira sent it as a string or a
/// number; "" when it has none.
std::string IdOf(const nlohmann::json& issue);

}  // namespace jirasql
