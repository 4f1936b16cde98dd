#include "respond.h"

#include "common/json_writer.h"
#include "common/strings.h"
#include "common/time.h"

namespace jirasim {

using nlohmann::json;

namespace {
constexpr const char* kJson = "application/json;charset=UTF-8";
}  // namespace

void SendJson(httplib::Response& res, int status, std::string body) {
  res.status = status;
  res.body = std::move(body);  // pages run to megabytes: no copy
  res.set_header("Content-Type", kJson);
}

void JiraError(httplib::Response& res, int status, const std::string& message) {
  json j = {{"errorMessages", json::array({message})}, {"errors", json::object()}};
  SendJson(res, status, j.dump());
}

void GatewayError(httplib::Response& res, int status, const std::string& message) {
  SendJson(res, status, json{{"code", status}, {"message", message}}.dump());
}

int64_t IntParam(const httplib::Request& req, const char* name, int64_t def) {
  if (!req.has_param(name)) return def;
  auto v = jirasql::ParseInt(req.get_param_value(name));
  return v ? *v : def;
}

std::vector<std::string> ListParam(const httplib::Request& req, const char* name) {
  std::vector<std::string> out;
  for (std::size_t i = 0, n = req.get_param_value_count(name); i < n; ++i) out.push_back(req.get_param_value(name, i));
  return out;
}

std::vector<std::string> JsonList(const json& j) {
  std::vector<std::string> out;
  if (j.is_array()) {
    for (const auto& e : j) out.push_back(e.get<std::string>());
  } else {
    out.push_back(j.get<std::string>());
  }
  return out;
}

std::string PlainToAdf(const std::string& text) {
  std::string out;
  jirasql::JsonWriter w(out);
  w.BeginObject().Field("type", "doc").Field("version", 1).Key("content").BeginArray();
  for (const auto& line : jirasql::Split(text, '\n')) {
    w.BeginObject().Field("type", "paragraph").Key("content").BeginArray();
    if (!line.empty()) w.BeginObject().Field("type", "text").Field("text", line).EndObject();
    w.EndArray().EndObject();
  }
  w.EndArray().EndObject();
  return out;
}

std::optional<int64_t> ParseJiraTimestamp(const std::string& text) {
  if (text.size() < 16 || text[10] != 'T') return std::nullopt;
  auto t = jirasql::ParseIso8601(text);
  if (!t) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::milliseconds>(t->time_since_epoch()).count();
}

}  // namespace jirasim
