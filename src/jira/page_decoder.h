#pragma once
/// Decoding pages of issues fast. A search page is mostly what no column
/// reads — avatar URLs, self links, icon URLs — and building a full JSON
/// tree of it cost most of a scan's CPU. Pages are parsed with simdjson and
/// only the rest is turned into the nlohmann::json objects the columns read.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace jirasql {

/// A page of issues: Cloud's search (issues, nextPageToken, isLast), Data
/// Center's (issues, startAt, total), or a bulk fetch (issues).
struct IssuePage {
  std::vector<nlohmann::json> issues;
  std::optional<std::string> next_page_token;
  std::optional<bool> is_last;
  int64_t total = -1;
};

/// Decodes `body`. `what` names the request for the error message.
Result<IssuePage> DecodeIssuePage(std::string_view body, const std::string& what);

/// The same JSON value without the members no column reads ("self",
/// "avatarUrls", "iconUrl", "expand"), as nlohmann::json; for tests and the
/// benchmark.
Result<nlohmann::json> ParseTrimmed(std::string_view body);

}  // namespace jirasql
