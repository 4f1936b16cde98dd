#include "http/response_error.h"

#include <nlohmann/json.hpp>

#include "common/strings.h"

namespace jirasql {

namespace {

constexpr std::size_t kMaxMessage = 500;

std::string Clip(std::string s) {
  if (s.size() > kMaxMessage) {
    s.resize(kMaxMessage);
    s += "...";
  }
  return s;
}

std::string JsonText(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

}  // namespace

std::string ServerMessage(const HttpResponse& response) {
  std::string_view body = Trim(response.body);
  if (body.empty()) return "";
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_discarded() && j.is_object()) {
    std::vector<std::string> parts;
    // Jira: {"errorMessages": [...], "errors": {"field": "message"}}
    if (auto it = j.find("errorMessages"); it != j.end() && it->is_array()) {
      for (const auto& m : *it) parts.push_back(JsonText(m));
    }
    if (auto it = j.find("errors"); it != j.end() && it->is_object()) {
      for (auto e = it->begin(); e != it->end(); ++e) parts.push_back(e.key() + ": " + JsonText(e.value()));
    }
    // OAuth: {"error": "invalid_grant", "error_description": "..."}
    if (auto it = j.find("error"); it != j.end() && it->is_string()) {
      std::string m = it->get<std::string>();
      if (auto d = j.find("error_description"); d != j.end() && d->is_string()) m += ": " + d->get<std::string>();
      parts.push_back(m);
    }
    // Gateway and others: {"code": 401, "message": "..."}; some Atlassian
    // APIs: {"errorMessage": "..."}; RFC 7807 problems: {"title", "detail"}.
    if (parts.empty()) {
      for (const char* key : {"message", "errorMessage"}) {
        if (auto it = j.find(key); it != j.end() && it->is_string()) parts.push_back(it->get<std::string>());
      }
    }
    if (parts.empty()) {
      std::string problem;
      if (auto it = j.find("title"); it != j.end() && it->is_string()) problem = it->get<std::string>();
      if (auto it = j.find("detail"); it != j.end() && it->is_string()) {
        problem += (problem.empty() ? "" : ": ") + it->get<std::string>();
      }
      if (!problem.empty()) parts.push_back(problem);
    }
    if (!parts.empty()) return Clip(Join(parts, "; "));
    return "";
  }
  // Not JSON. An HTML page says nothing useful in a terminal.
  auto ct = response.Header("Content-Type").value_or("");
  if (ct.find("html") != std::string::npos || StartsWithIgnoreCase(body, "<!doctype") ||
      StartsWithIgnoreCase(body, "<html")) {
    return "";
  }
  std::string text(body.substr(0, kMaxMessage));
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return Clip(text);
}

Error ErrorFromResponse(const HttpResponse& response, std::string_view what) {
  const int s = response.status;
  ErrorCode code = ErrorCode::kHttp;
  if (s == 401)
    code = ErrorCode::kUnauthenticated;
  else if (s == 403)
    code = ErrorCode::kPermissionDenied;
  else if (s == 404)
    code = ErrorCode::kNotFound;
  else if (s == 429)
    code = ErrorCode::kRateLimited;
  else if (s >= 500)
    code = ErrorCode::kUnavailable;

  std::string msg = std::string(what) + ": HTTP " + std::to_string(s);
  if (auto reason = ReasonPhrase(s); !reason.empty()) msg += " " + std::string(reason);
  std::string said = ServerMessage(response);
  if (!said.empty()) msg += ": " + said;
  if (s == 429) {
    std::vector<std::string> hints;
    if (auto ra = response.Header("Retry-After")) hints.push_back("Jira asks to wait " + *ra + " s");
    if (auto why = response.Header("RateLimit-Reason")) hints.push_back("reason: " + *why);
    if (!hints.empty()) msg += " (" + Join(hints, ", ") + ")";
    msg += "; lower MaxThreads or try again later";
  }
  return Error{code, msg, s};
}

Result<HttpResponse> ExpectSuccess(Result<HttpResponse> outcome, std::string_view what) {
  if (!outcome) return outcome;
  if (outcome->ok()) return outcome;
  return Fail(ErrorFromResponse(*outcome, what));
}

}  // namespace jirasql
