#pragma once
/// Small pieces every jirasim handler answers with: JSON bodies, Jira's error
/// shape, the gateway's, and reading query parameters and body lists.

#include <httplib.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace jirasim {

/// Sends `body` (JSON text) with `status`; the body is moved, not copied.
void SendJson(httplib::Response& res, int status, std::string body);
/// Jira's error: {"errorMessages":[message],"errors":{}}.
void JiraError(httplib::Response& res, int status, const std::string& message);
/// The API gateway's error: {"code":status,"message":…}.
void GatewayError(httplib::Response& res, int status, const std::string& message);

/// An integer query parameter, `def` when absent or not a number.
int64_t IntParam(const httplib::Request& req, const char* name, int64_t def);
/// Every value of a repeated query parameter.
std::vector<std::string> ListParam(const httplib::Request& req, const char* name);
/// A body member that holds a list of strings (or one string). Anything else
/// is a malformed payload: get<std::string>() throws, and the API answers
/// Jira's 400.
std::vector<std::string> JsonList(const nlohmann::json& j);

/// Plain text as an ADF document, one paragraph per line.
std::string PlainToAdf(const std::string& text);

/// A timestamp as Jira takes it ("2024-05-01T08:30:00.000+0000") in epoch
/// milliseconds; nullopt when it is not one.
std::optional<int64_t> ParseJiraTimestamp(const std::string& text);

}  // namespace jirasim
