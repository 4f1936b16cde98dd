#include "jira/rest_call.h"

namespace jirasql {

using json = nlohmann::json;

std::string RequestBody(const json& body) { return body.dump(-1, ' ', false, json::error_handler_t::replace); }

HttpRequest JsonPost(const std::string& path, const json& body) {
  return HttpRequest{"POST", path, {{"Content-Type", "application/json"}}, RequestBody(body), true};
}

Result<json> CallJson(JiraClient& client, HttpRequest req, ReadStats* stats) {
  auto conn = client.connection();
  if (!conn) return Fail(conn.error());
  const std::string what = (*conn)->Describe(req);
  auto resp = (*conn)->Call(std::move(req));
  if (stats) ++stats->calls;
  if (!resp) return Fail(resp.error());
  auto j = json::parse(resp->body, nullptr, false);
  if (j.is_discarded()) {
    return Fail(ErrorCode::kBadResponse, what + ": the answer is not JSON (" + std::to_string(resp->body.size()) +
                                             " bytes); the page cannot be read, so the query stops here");
  }
  return j;
}

std::string IdOf(const json& issue) {
  if (!issue.is_object() || !issue.contains("id")) return "";
  return issue["id"].is_string() ? issue["id"].get<std::string>() : issue["id"].dump();
}

}  // namespace jirasql
