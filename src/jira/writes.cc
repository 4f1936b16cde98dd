// Writes to Jira: creates that are never done twice, and the idempotent
// edits and deletes. See jira/client.h ("writes").

#include <map>
#include <random>
#include <set>
#include <thread>

#include "common/strings.h"
#include "http/response_error.h"
#include "jira/client.h"
#include "jira/jql.h"
#include "jira/rest_call.h"

namespace jirasql {

using json = nlohmann::json;

namespace {

// 128 random bits as hex: an operation id no other create will carry.
std::string NewOperationId() {
  std::random_device rd;
  std::string out;
  static const char* kHex = "0123456789abcdef";
  for (int i = 0; i < 4; ++i) {
    uint32_t v = rd();
    for (int k = 0; k < 8; ++k, v >>= 4) out += kHex[v & 15];
  }
  return out;
}

// Whether `outcome` of a POST leaves it unknown whether Jira acted: no
// complete answer after the request may have been sent, or a server error.
// (A refused connection never reached Jira; a 4xx is Jira's refusal, made
// before it changed anything; a 429 or a 503 with Retry-After likewise,
// already retried by the transport.)
bool Ambiguous(const Result<HttpResponse>& outcome) {
  if (!outcome) {
    const ErrorCode c = outcome.error().code;
    return c == ErrorCode::kTimeout || c == ErrorCode::kTransport || c == ErrorCode::kBadResponse;
  }
  return outcome->status >= 500;
}

// Whether `item` (an issue from a search, or a comment or worklog with
// expand=properties) carries the operation id `op`.
bool CarriesOperation(const json& item, const std::string& op) {
  auto matches = [&](const json& value) { return value.is_object() && value.value("id", "") == op; };
  auto p = item.find("properties");
  if (p == item.end()) return false;
  if (p->is_object()) {  // search results: {"jirasql.op": {...}}
    auto v = p->find(std::string(kOperationProperty));
    return v != p->end() && matches(*v);
  }
  if (p->is_array()) {  // comments, worklogs: [{"key": ..., "value": ...}]
    for (const auto& e : *p) {
      if (e.is_object() && e.value("key", "") == kOperationProperty && e.contains("value") && matches(e["value"]))
        return true;
    }
  }
  return false;
}

// The issues the caller created in `project` in the last half hour, newest
// first, with their operation ids (the "properties" of each): where a
// create whose answer was lost is looked for.
Result<json> RecentCreations(JiraClient& jira, const std::string& project) {
  const std::string jql = (project.empty() ? "" : "project = " + JqlString(project) + " AND ") +
                          "creator = currentUser() AND created >= -30m ORDER BY created DESC, key DESC";
  HttpRequest req = jira.cloud() ? JsonPost("/search/jql", json{{"jql", jql},
                                                                {"fields", {"id", "key"}},
                                                                {"properties", {kOperationProperty}},
                                                                {"maxResults", 100}})
                                 : HttpRequest{"GET",
                                               "/search?jql=" + UrlEncode(jql) + "&fields=id,key&properties=" +
                                                   UrlEncode(std::string(kOperationProperty)) + "&maxResults=100",
                                               {},
                                               "",
                                               std::nullopt};
  auto page = CallJson(jira, std::move(req), nullptr);
  if (!page) return Fail(page.error());
  return page->value("issues", json::array());
}

// Adds the operation id `op` to a create's body, beside its other properties.
void TagOperation(json& body, const std::string& op) {
  if (!body.contains("properties") || !body["properties"].is_array()) body["properties"] = json::array();
  body["properties"].push_back(json{{"key", kOperationProperty}, {"value", {{"id", op}}}});
}

// Looks for the thing a lost create made: the item carrying `op`, or
// nullopt when there is none (yet).
using Finder = std::function<Result<std::optional<json>>(const std::string& op)>;

Result<Created> CreateOnce(JiraClient& jira, const std::string& path, json body, const std::string& what,
                           const Finder& find) {
  auto conn = jira.connection();
  if (!conn) return Fail(conn.error());
  const std::string op = NewOperationId();
  TagOperation(body, op);
  HttpRequest req{"POST", path, {{"Content-Type", "application/json"}}, RequestBody(body), false};
  const std::string described = (*conn)->Describe(req);
  std::string lost;  // what happened to the answers so far
  for (int attempt = 1; attempt <= 2; ++attempt) {
    auto resp = (*conn)->Send(req);
    if (resp && resp->ok()) {
      auto made = json::parse(resp->body, nullptr, false);
      if (made.is_object()) return Created{std::move(made), false};
    }
    if (!Ambiguous(resp)) {
      if (!resp) return Fail(resp.error());
      return Fail((*conn)->ErrorFor(*resp, described));
    }
    const std::string why = !resp        ? resp.error().message
                            : resp->ok() ? "the answer (HTTP " + std::to_string(resp->status) + ") is not JSON"
                                         : "HTTP " + std::to_string(resp->status) + " " + ServerMessage(*resp);
    lost += (lost.empty() ? "" : "; then ") + why;
    jira.Log(1, described + ": the answer was lost (" + why + "); looking for the " + what + " by its operation id " +
                    op + " before deciding whether to send it again");
    for (Duration wait : jira.lookup_waits) {
      if (wait.count() > 0) std::this_thread::sleep_for(wait);
      auto found = find(op);
      if (!found) {
        return Fail(ErrorCode::kUnavailable, described + ": no answer (" + lost + ") and looking for the " + what +
                                                 " failed (" + found.error().message +
                                                 "), so it may or may not have been created: look for " +
                                                 std::string(kOperationProperty) + " = " + op + " before trying again");
      }
      if (*found) return Created{std::move(**found), true};
    }
  }
  return Fail(ErrorCode::kUnavailable, described + ": sent twice, both answers lost (" + lost + "), and no " + what +
                                           " carrying operation id " + op +
                                           " is visible in Jira: it was most likely not created; try again later");
}

// An item of `list` carrying `op`.
std::optional<json> FindCarrying(const json& list, const std::string& op) {
  if (!list.is_array()) return std::nullopt;
  for (const auto& item : list) {
    if (CarriesOperation(item, op)) return item;
  }
  return std::nullopt;
}

std::string EstimateQuery(const EstimateAdjustment& a, const char* manual_param) {
  if (a.mode.empty()) return "";
  std::string q = "adjustEstimate=" + UrlEncode(a.mode);
  if (a.mode == "new") q += "&newEstimate=" + UrlEncode(a.value);
  if (a.mode == "manual") q += std::string("&") + manual_param + "=" + UrlEncode(a.value);
  return q;
}

std::string WithQuery(std::string path, const std::string& q) { return q.empty() ? path : path + "?" + q; }

Result<void> CallNoAnswer(JiraClient& jira, HttpRequest req) {
  auto conn = jira.connection();
  if (!conn) return Fail(conn.error());
  auto resp = (*conn)->Call(std::move(req));
  if (!resp) return Fail(resp.error());
  return Ok();
}

HttpRequest JsonPut(const std::string& path, const json& body) {
  return HttpRequest{"PUT", path, {{"Content-Type", "application/json"}}, RequestBody(body), std::nullopt};
}

}  // namespace

void JiraClient::Log(int level, const std::string& text) {
  auto conn = connection();
  if (conn) (*conn)->Log(level, text);
}

Result<Created> JiraClient::CreateIssue(json body) {
  // The issue is looked for among the caller's creations of the last half
  // hour in its project.
  std::string project;
  if (body.contains("fields") && body["fields"].contains("project")) {
    const json& p = body["fields"]["project"];
    project = p.value("key", p.value("id", ""));
  }
  Finder find = [this, project](const std::string& op) -> Result<std::optional<json>> {
    auto recent = RecentCreations(*this, project);
    if (!recent) return Fail(recent.error());
    auto hit = FindCarrying(*recent, op);
    if (!hit) return std::optional<json>();
    return std::optional<json>(json{{"id", IdOf(*hit)}, {"key", hit->value("key", "")}});
  };
  return CreateOnce(*this, "/issue", std::move(body), "issue", find);
}

Result<std::vector<JiraClient::BulkOutcome>> JiraClient::CreateIssues(std::vector<json> bodies) {
  auto conn = connection();
  if (!conn) return Fail(conn.error());
  std::vector<BulkOutcome> out(bodies.size());
  std::vector<std::string> ops(bodies.size());
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    ops[i] = NewOperationId();
    TagOperation(bodies[i], ops[i]);
  }
  // The issues of `which` that carry their operation ids, found by one search
  // per project (a bulk create may span projects).
  auto find = [&](const std::vector<std::size_t>& which) -> Result<void> {
    std::set<std::string> projects;
    for (auto i : which) {
      const json& p = bodies[i]["fields"].value("project", json::object());
      projects.insert(p.value("key", p.value("id", "")));
    }
    for (const auto& project : projects) {
      auto recent = RecentCreations(*this, project);
      if (!recent) return Fail(recent.error());
      for (auto i : which) {
        if (auto hit = FindCarrying(*recent, ops[i])) {
          out[i].made = json{{"id", IdOf(*hit)}, {"key", hit->value("key", "")}};
          out[i].recovered = true;
        }
      }
    }
    return Ok();
  };
  for (std::size_t start = 0; start < bodies.size(); start += 50) {
    std::vector<std::size_t> batch;
    for (std::size_t i = start; i < std::min(bodies.size(), start + 50); ++i) batch.push_back(i);
    for (int attempt = 1; attempt <= 2 && !batch.empty(); ++attempt) {
      json updates = json::array();
      for (auto i : batch) updates.push_back(bodies[i]);
      HttpRequest req{"POST",
                      "/issue/bulk",
                      {{"Content-Type", "application/json"}},
                      RequestBody(json{{"issueUpdates", updates}}),
                      false};
      const std::string described = (*conn)->Describe(req);
      auto resp = (*conn)->Send(req);
      json answer = resp && (resp->ok() || resp->status == 400) ? json::parse(resp->body, nullptr, false) : json();
      if (answer.is_object() && answer.contains("issues") && answer["issues"].is_array()) {
        // Jira lists the made issues in order, skipping the refused ones,
        // and names each refused one by its place in the request.
        std::set<std::size_t> refused;
        for (const auto& e : answer.value("errors", json::array())) {
          const auto n = static_cast<std::size_t>(e.value("failedElementNumber", -1));
          if (n >= batch.size()) continue;
          refused.insert(n);
          HttpResponse as_one{e.value("status", 400), {}, e.value("elementErrors", json::object()).dump()};
          out[batch[n]].error = "HTTP " + std::to_string(as_one.status) + " " + ServerMessage(as_one);
        }
        std::size_t next = 0;
        for (std::size_t n = 0; n < batch.size(); ++n) {
          if (refused.count(n)) continue;
          if (next < answer["issues"].size()) out[batch[n]].made = answer["issues"][next++];
        }
        batch.clear();
        break;
      }
      if (!Ambiguous(resp)) {
        if (!resp) return Fail(resp.error());
        return Fail((*conn)->ErrorFor(*resp, described));
      }
      Log(1, described + ": the answer was lost; looking for its " + std::to_string(batch.size()) +
                 " issues by their operation ids before sending the missing ones again");
      bool searched = false;
      for (Duration wait : lookup_waits) {
        if (wait.count() > 0) std::this_thread::sleep_for(wait);
        if (auto r = find(batch); !r) break;
        searched = true;
        std::vector<std::size_t> missing;
        for (auto i : batch) {
          if (!out[i].made) missing.push_back(i);
        }
        batch = std::move(missing);
        if (batch.empty()) break;
      }
      if (!searched) {
        for (auto i : batch) out[i].unknown = true;
        batch.clear();
      }
    }
    for (auto i : batch) out[i].unknown = true;  // sent twice, never heard, never found
  }
  return out;
}

Result<void> JiraClient::EditIssue(const std::string& id, const json& body) {
  return CallNoAnswer(*this, JsonPut("/issue/" + UrlEncode(id), body));
}

Result<void> JiraClient::DeleteIssue(const std::string& id, bool subtasks) {
  return CallNoAnswer(*this, HttpRequest{"DELETE",
                                         "/issue/" + UrlEncode(id) + "?deleteSubtasks=" + (subtasks ? "true" : "false"),
                                         {},
                                         "",
                                         std::nullopt});
}

Result<json> JiraClient::IssueTransitions(const std::string& id) {
  auto j = CallJson(
      *this,
      HttpRequest{"GET", "/issue/" + UrlEncode(id) + "/transitions?expand=transitions.fields", {}, "", std::nullopt},
      nullptr);
  if (!j) return Fail(j.error());
  if (!j->is_object() || !j->contains("transitions") || !(*j)["transitions"].is_array()) {
    return Fail(ErrorCode::kBadResponse, "GET /issue/" + id + "/transitions: the answer holds no transitions array");
  }
  return (*j)["transitions"];
}

Result<json> JiraClient::CreateMeta(const std::string& project, const std::string& issuetype) {
  const std::string cache_key = project + "\n" + ToLower(issuetype);
  if (auto it = createmeta_.find(cache_key); it != createmeta_.end()) return it->second;
  const std::string base = "/issue/createmeta/" + UrlEncode(project) + "/issuetypes";
  // Cloud pages under "issueTypes" / "fields", Data Center under "values".
  auto list_of = [](const json& page, const char* cloud_key) -> const json* {
    for (const char* k : {cloud_key, "values"}) {
      if (page.contains(k) && page[k].is_array()) return &page[k];
    }
    return nullptr;
  };
  std::string type_id;
  for (int64_t start = 0; type_id.empty();) {
    auto page = CallJson(
        *this, HttpRequest{"GET", base + "?startAt=" + std::to_string(start) + "&maxResults=50", {}, "", std::nullopt},
        nullptr);
    if (!page) return Fail(page.error());
    const json* types = list_of(*page, "issueTypes");
    if (!types || types->empty()) break;
    for (const auto& t : *types) {
      if (EqualsIgnoreCase(t.value("name", ""), issuetype) || IdOf(t) == issuetype) type_id = IdOf(t);
    }
    start += static_cast<int64_t>(types->size());
    if (start >= page->value("total", start)) break;
  }
  if (type_id.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "project " + project + " has no issue type '" + issuetype +
                                                 "' to create (SELECT Name FROM IssueTypes lists the types)");
  }
  json fields = json::object();
  for (int64_t start = 0;;) {
    auto page =
        CallJson(*this,
                 HttpRequest{"GET",
                             base + "/" + UrlEncode(type_id) + "?startAt=" + std::to_string(start) + "&maxResults=200",
                             {},
                             "",
                             std::nullopt},
                 nullptr);
    if (!page) return Fail(page.error());
    const json* list = list_of(*page, "fields");
    if (!list || list->empty()) break;
    for (const auto& f : *list) fields[f.value("fieldId", f.value("key", ""))] = f;
    start += static_cast<int64_t>(list->size());
    if (start >= page->value("total", start)) break;
  }
  createmeta_[cache_key] = fields;
  return fields;
}

Result<json> JiraClient::EditMeta(const std::string& id) {
  auto j = CallJson(*this, HttpRequest{"GET", "/issue/" + UrlEncode(id) + "/editmeta", {}, "", std::nullopt}, nullptr);
  if (!j) return Fail(j.error());
  return j->value("fields", json::object());
}

namespace {

// A MIME type for a file name, from its extension (what browsers send for
// the common ones); application/octet-stream otherwise.
std::string MimeTypeOf(const std::string& filename) {
  static const std::map<std::string, std::string> kTypes = {
      {"txt", "text/plain"},      {"csv", "text/csv"},        {"log", "text/plain"},      {"json", "application/json"},
      {"xml", "application/xml"}, {"html", "text/html"},      {"pdf", "application/pdf"}, {"png", "image/png"},
      {"jpg", "image/jpeg"},      {"jpeg", "image/jpeg"},     {"gif", "image/gif"},       {"svg", "image/svg+xml"},
      {"zip", "application/zip"}, {"gz", "application/gzip"}, {"md", "text/markdown"},
  };
  const auto dot = filename.rfind('.');
  if (dot == std::string::npos) return "application/octet-stream";
  auto it = kTypes.find(ToLower(filename.substr(dot + 1)));
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

// A multipart/form-data body with one part "file".
std::string MultipartBody(const std::string& boundary, const std::string& filename, const std::string& content) {
  std::string quoted;
  for (char ch : filename) {
    if (ch == '"' || ch == '\\') quoted += '\\';
    if (ch != '\r' && ch != '\n') quoted += ch;
  }
  return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + quoted +
         "\"\r\nContent-Type: " + MimeTypeOf(filename) + "\r\n\r\n" + content + "\r\n--" + boundary + "--\r\n";
}

}  // namespace

Result<Created> JiraClient::AddAttachment(const std::string& issue, const std::string& filename,
                                          const std::string& content) {
  auto conn = connection();
  if (!conn) return Fail(conn.error());
  const std::string base = "/issue/" + UrlEncode(issue);
  auto list = [&]() -> Result<json> {
    auto j = CallJson(*this, HttpRequest{"GET", base + "?fields=attachment", {}, "", std::nullopt}, nullptr);
    if (!j) return Fail(j.error());
    return j->value("fields", json::object()).value("attachment", json::array());
  };
  // What the issue has before: an attachment found afterwards that is not
  // among these, with the same name and size, is the one this upload made.
  auto before = list();
  if (!before) return Fail(before.error());
  std::set<std::string> known;
  for (const auto& a : *before) known.insert(IdOf(a));
  const std::string boundary = "jirasql-" + NewOperationId();
  HttpRequest req{"POST",
                  base + "/attachments",
                  {{"Content-Type", "multipart/form-data; boundary=" + boundary}, {"X-Atlassian-Token", "no-check"}},
                  MultipartBody(boundary, filename, content),
                  false};
  const std::string described = (*conn)->Describe(req);
  for (int attempt = 1; attempt <= 2; ++attempt) {
    auto resp = (*conn)->Send(req);
    if (resp && resp->ok()) {
      auto made = json::parse(resp->body, nullptr, false);
      if (made.is_array() && !made.empty() && made[0].is_object()) return Created{made[0], false};
    }
    if (!Ambiguous(resp)) {
      if (!resp) return Fail(resp.error());
      return Fail((*conn)->ErrorFor(*resp, described));
    }
    auto after = list();
    if (!after) {
      return Fail(ErrorCode::kUnavailable, described + ": no answer, and reading the issue's attachments failed (" +
                                               after.error().message + "): " + filename +
                                               " may or may not have been attached");
    }
    for (const auto& a : *after) {
      if (!known.count(IdOf(a)) && a.value("filename", "") == filename &&
          a.value("size", int64_t{-1}) == static_cast<int64_t>(content.size()))
        return Created{a, true};
    }
  }
  return Fail(ErrorCode::kUnavailable,
              described + ": sent twice, both answers lost, and " + filename + " is not attached: try again later");
}

Result<json> JiraClient::LinkTypeList() {
  auto j = CallJson(*this, HttpRequest{"GET", "/issueLinkType", {}, "", std::nullopt}, nullptr);
  if (!j) return Fail(j.error());
  if (!j->is_object() || !j->contains("issueLinkTypes") || !(*j)["issueLinkTypes"].is_array()) {
    return Fail(ErrorCode::kBadResponse, "GET /issueLinkType: expected a JSON array in \"issueLinkTypes\"");
  }
  return (*j)["issueLinkTypes"];
}

namespace {

// A create Jira takes no operation id for (a link, a version, a component):
// the list the new item joins is read first (an item already matching is
// refused: Jira would refuse it too, or make a second), then the POST is
// sent; after an ambiguous answer — and after any answer when Jira's does
// not hold the item — the list is read again, and a new item that matches
// is the one made. Sent at most twice.
struct ListedCreate {
  HttpRequest request;
  std::function<Result<json>()> list;               ///< the items the new one joins (a JSON array)
  std::function<bool(const json&)> same;            ///< whether an item is what the request makes
  std::function<std::string(const json&)> already;  ///< the error when one is there before
  std::string where;                                ///< "ALPHA-1's links", for messages
  bool answer_is_item = false;                      ///< Jira's answer is the item made
};

Result<Created> CreateListed(JiraClient& jira, ListedCreate c) {
  auto conn = jira.connection();
  if (!conn) return Fail(conn.error());
  auto before = c.list();
  if (!before) return Fail(before.error());
  std::set<std::string> known;
  for (const auto& item : *before) {
    if (c.same(item)) return Fail(ErrorCode::kInvalidArgument, c.already(item));
    known.insert(IdOf(item));
  }
  auto made = [&]() -> Result<std::optional<json>> {
    auto after = c.list();
    if (!after) return Fail(after.error());
    for (const auto& item : *after) {
      if (!known.count(IdOf(item)) && c.same(item)) return std::optional<json>(item);
    }
    return std::optional<json>();
  };
  const std::string described = (*conn)->Describe(c.request);
  for (int attempt = 1; attempt <= 2; ++attempt) {
    auto resp = (*conn)->Send(c.request);
    if (!resp || !resp->ok()) {
      if (!Ambiguous(resp)) {
        if (!resp) return Fail(resp.error());
        return Fail((*conn)->ErrorFor(*resp, described));
      }
    } else if (c.answer_is_item) {
      auto item = json::parse(resp->body, nullptr, false);
      if (item.is_object() && !IdOf(item).empty()) return Created{std::move(item), false};
    }
    auto found = made();
    if (!found) {
      return Fail(ErrorCode::kUnavailable, described + ": " + (resp && resp->ok() ? "sent" : "no answer") +
                                               ", and reading " + c.where + " failed (" + found.error().message +
                                               "): it may or may not have been made");
    }
    if (*found) return Created{std::move(**found), !(resp && resp->ok())};
    if (resp && resp->ok()) {
      return Fail(ErrorCode::kBadResponse, described + ": Jira answered HTTP " + std::to_string(resp->status) +
                                               " but " + c.where + " do not list what it made: read them before " +
                                               "trying again");
    }
  }
  return Fail(ErrorCode::kUnavailable, described + ": sent twice, both answers lost, and " + c.where +
                                           " list no such item: it was not made; try again later");
}

// GET `path`: a JSON array, or an error naming what was read.
Result<json> GetArray(JiraClient& jira, const std::string& path, const char* what) {
  auto j = CallJson(jira, HttpRequest{"GET", path, {}, "", std::nullopt}, nullptr);
  if (!j) return Fail(j.error());
  if (!j->is_array()) return Fail(ErrorCode::kBadResponse, "GET " + path + ": " + what + " is not a JSON array");
  return j;
}

}  // namespace

Result<Created> JiraClient::AddIssueLink(const std::string& inward, const std::string& outward, const json& type) {
  ListedCreate c;
  c.list = [&]() -> Result<json> {
    auto j = CallJson(
        *this, HttpRequest{"GET", "/issue/" + UrlEncode(inward) + "?fields=issuelinks", {}, "", std::nullopt}, nullptr);
    if (!j) return Fail(j.error());
    json list = j->value("fields", json::object()).value("issuelinks", json::array());
    if (!list.is_array()) return Fail(ErrorCode::kBadResponse, "GET /issue/" + inward + ": issuelinks is not a list");
    return list;
  };
  // A link of `type` from `inward` to `outward`, as the inward issue lists it.
  c.same = [&](const json& l) {
    if (!l.is_object() || !l.contains("outwardIssue") || !l.contains("type")) return false;
    const json& o = l["outwardIssue"];
    const json& t = l["type"];
    const bool to = IdOf(o) == outward || (o.is_object() && o.value("key", "") == outward);
    const bool of = type.contains("id") ? IdOf(t) == IdOf(type)
                                        : EqualsIgnoreCase(t.value("name", ""), type.value("name", std::string()));
    return to && of;
  };
  c.already = [&](const json& l) {
    return inward + " is already linked to " + outward + " that way (link " + IdOf(l) + ")";
  };
  c.where = inward + "'s links";
  const json body{{"type", type}, {"inwardIssue", {{"key", inward}}}, {"outwardIssue", {{"key", outward}}}};
  c.request = HttpRequest{"POST", "/issueLink", {{"Content-Type", "application/json"}}, RequestBody(body), false};
  return CreateListed(*this, std::move(c));
}

Result<json> JiraClient::ProjectObject(const std::string& id_or_key) {
  auto j = CallJson(*this, HttpRequest{"GET", "/project/" + UrlEncode(id_or_key), {}, "", std::nullopt}, nullptr);
  if (!j) return Fail(j.error());
  if (!j->is_object() || IdOf(*j).empty() || !j->contains("key")) {
    return Fail(ErrorCode::kBadResponse, "GET /project/" + id_or_key + ": the answer is not a project");
  }
  return j;
}

namespace {

// A version or component of `project` named like `body`'s name (Jira
// keeps names unique in a project, whatever their case).
Result<Created> AddNamedToProject(JiraClient& jira, const std::string& project, json body, const char* singular,
                                  const char* project_member) {
  auto p = jira.ProjectObject(project);
  if (!p) return Fail(p.error());
  const std::string id = IdOf(*p), key = p->value("key", "");
  body[project_member] = std::string(project_member) == "projectId" ? json(ParseInt(id).value_or(0)) : json(key);
  const std::string name = body.value("name", "");
  ListedCreate c;
  const std::string plural = std::string(singular) + "s";
  c.list = [&jira, id, plural]() { return GetArray(jira, "/project/" + id + "/" + plural, "the list"); };
  c.same = [name](const json& item) { return item.is_object() && EqualsIgnoreCase(item.value("name", ""), name); };
  c.already = [key, name, singular](const json& item) {
    return "project " + key + " already has a " + singular + " named '" + item.value("name", name) + "' (id " +
           IdOf(item) + "); Jira keeps " + singular + " names unique in a project";
  };
  c.where = "project " + key + "'s " + plural;
  c.answer_is_item = true;
  c.request = HttpRequest{
      "POST", std::string("/") + singular, {{"Content-Type", "application/json"}}, RequestBody(body), false};
  return CreateListed(jira, std::move(c));
}

}  // namespace

Result<Created> JiraClient::AddVersion(const std::string& project, json body) {
  return AddNamedToProject(*this, project, std::move(body), "version", "projectId");
}

Result<void> JiraClient::EditVersion(const std::string& id, const json& body) {
  return CallNoAnswer(*this, JsonPut("/version/" + UrlEncode(id), body));
}

Result<void> JiraClient::DeleteVersion(const std::string& id) {
  // Cloud deprecates DELETE /version/{id} for removeAndSwap, which with no
  // replacement removes the version from its issues as the DELETE does.
  if (cloud()) return CallNoAnswer(*this, JsonPost("/version/" + UrlEncode(id) + "/removeAndSwap", json::object()));
  return CallNoAnswer(*this, HttpRequest{"DELETE", "/version/" + UrlEncode(id), {}, "", std::nullopt});
}

Result<Created> JiraClient::AddComponent(const std::string& project, json body) {
  return AddNamedToProject(*this, project, std::move(body), "component", "project");
}

Result<void> JiraClient::EditComponent(const std::string& id, const json& body) {
  return CallNoAnswer(*this, JsonPut("/component/" + UrlEncode(id), body));
}

Result<void> JiraClient::DeleteComponent(const std::string& id) {
  return CallNoAnswer(*this, HttpRequest{"DELETE", "/component/" + UrlEncode(id), {}, "", std::nullopt});
}

Result<void> JiraClient::DeleteIssueLink(const std::string& id) {
  return CallNoAnswer(*this, HttpRequest{"DELETE", "/issueLink/" + UrlEncode(id), {}, "", std::nullopt});
}

Result<void> JiraClient::AddWatcher(const std::string& issue, const std::string& user) {
  return CallNoAnswer(*this, HttpRequest{"POST",
                                         "/issue/" + UrlEncode(issue) + "/watchers",
                                         {{"Content-Type", "application/json"}},
                                         RequestBody(json(user)),
                                         true});  // a watcher added twice is one watcher
}

Result<void> JiraClient::RemoveWatcher(const std::string& issue, const std::string& user) {
  const char* param = cloud() ? "accountId" : "username";
  return CallNoAnswer(
      *this,
      HttpRequest{
          "DELETE", "/issue/" + UrlEncode(issue) + "/watchers?" + param + "=" + UrlEncode(user), {}, "", std::nullopt});
}

Result<void> JiraClient::DeleteAttachment(const std::string& id) {
  return CallNoAnswer(*this, HttpRequest{"DELETE", "/attachment/" + UrlEncode(id), {}, "", std::nullopt});
}

Result<std::string> JiraClient::AttachmentContent(const std::string& id) {
  auto conn = connection();
  if (!conn) return Fail(conn.error());
  auto resp = (*conn)->Call(HttpRequest{"GET", "/attachment/content/" + UrlEncode(id), {}, "", std::nullopt});
  if (!resp) return Fail(resp.error());
  return resp->body;
}

Result<int64_t> JiraClient::AttachmentLimit() {
  auto j = CallJson(*this, HttpRequest{"GET", "/attachment/meta", {}, "", std::nullopt}, nullptr);
  if (!j) return Fail(j.error());
  if (!j->value("enabled", true)) return int64_t{-1};
  return j->value("uploadLimit", int64_t{-1});
}

Result<json> JiraClient::GetIssue(const std::string& id, const std::string& fields) {
  return CallJson(*this,
                  HttpRequest{"GET", "/issue/" + UrlEncode(id) + "?fields=" + UrlEncode(fields), {}, "", std::nullopt},
                  nullptr);
}

Result<void> JiraClient::TransitionIssue(const std::string& id, const json& body) {
  auto conn = connection();
  if (!conn) return Fail(conn.error());
  HttpRequest req{"POST",
                  "/issue/" + UrlEncode(id) + "/transitions",
                  {{"Content-Type", "application/json"}},
                  RequestBody(body),
                  false};
  std::mt19937 rng(std::random_device{}());
  for (int attempt = 1;; ++attempt) {
    auto resp = (*conn)->Send(req);
    if (resp && resp->ok()) return Ok();
    if (resp && resp->status == 409 && attempt < 4) {
      // Another change to the same issue is under way: wait a little, at random.
      std::this_thread::sleep_for(Duration(100 * attempt + static_cast<int>(rng() % 400)));
      continue;
    }
    if (!resp) return Fail(resp.error());
    return Fail((*conn)->ErrorFor(*resp, (*conn)->Describe(req)));
  }
}

Result<Created> JiraClient::AddComment(const std::string& issue, json body) {
  const std::string base = "/issue/" + UrlEncode(issue) + "/comment";
  Finder find = [this, base](const std::string& op) -> Result<std::optional<json>> {
    auto page = CallJson(
        *this, HttpRequest{"GET", base + "?orderBy=-created&maxResults=100&expand=properties", {}, "", std::nullopt},
        nullptr);
    if (!page) return Fail(page.error());
    return FindCarrying(page->value("comments", json::array()), op);
  };
  return CreateOnce(*this, base, std::move(body), "comment", find);
}

Result<void> JiraClient::EditComment(const std::string& issue, const std::string& id, const json& body) {
  return CallNoAnswer(*this, JsonPut("/issue/" + UrlEncode(issue) + "/comment/" + UrlEncode(id), body));
}

Result<void> JiraClient::DeleteComment(const std::string& issue, const std::string& id) {
  return CallNoAnswer(
      *this, HttpRequest{"DELETE", "/issue/" + UrlEncode(issue) + "/comment/" + UrlEncode(id), {}, "", std::nullopt});
}

Result<Created> JiraClient::AddWorklog(const std::string& issue, json body, const EstimateAdjustment& adjust) {
  const std::string base = "/issue/" + UrlEncode(issue) + "/worklog";
  Finder find = [this, base](const std::string& op) -> Result<std::optional<json>> {
    auto page =
        CallJson(*this, HttpRequest{"GET", base + "?maxResults=5000&expand=properties", {}, "", std::nullopt}, nullptr);
    if (!page) return Fail(page.error());
    return FindCarrying(page->value("worklogs", json::array()), op);
  };
  return CreateOnce(*this, WithQuery(base, EstimateQuery(adjust, "reduceBy")), std::move(body), "worklog", find);
}

Result<void> JiraClient::EditWorklog(const std::string& issue, const std::string& id, const json& body,
                                     const EstimateAdjustment& adjust) {
  return CallNoAnswer(*this, JsonPut(WithQuery("/issue/" + UrlEncode(issue) + "/worklog/" + UrlEncode(id),
                                               EstimateQuery(adjust, "reduceBy")),
                                     body));
}

Result<void> JiraClient::DeleteWorklog(const std::string& issue, const std::string& id,
                                       const EstimateAdjustment& adjust) {
  return CallNoAnswer(*this, HttpRequest{"DELETE",
                                         WithQuery("/issue/" + UrlEncode(issue) + "/worklog/" + UrlEncode(id),
                                                   EstimateQuery(adjust, "increaseBy")),
                                         {},
                                         "",
                                         std::nullopt});
}

}  // namespace jirasql
