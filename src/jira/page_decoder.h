#pragma once
/// Decoding pages of issues fast. A search page is mostly what no column
/// reads — avatar URLs, self links, icon URLs — and building a full JSON
/// tree of it cost most of a scan's CPU. Pages are parsed with simdjson and
/// only the rest is turned into the nlohmann::json objects the columns read.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace jirasql {

/// A page of issues: Cloud's search (issues, nextPageToken, isLast), Data
/// Center's (issues, startAt, total), or a bulk fetch (issues).
struct IssuePage {
  std::vector<nlohmann::json> issues;
  std::optional<std::string> next_page_token;
  std::optional<bool> is_last;
  int64_t total = -1;
  std::optional<int64_t> start_at;  ///< Data Center echoes the startAt asked
};

/// Which members of each issue to keep: a tree of member names, a node
/// marked `whole` keeping everything below it.
struct KeepTree {
  bool whole = false;
  std::map<std::string, KeepTree, std::less<>> children;
  /// Keeps `path` and everything below it.
  void Add(const std::vector<std::string>& path);
};

/// Decodes `body`. `what` names the request for the error message. With
/// `keep`, each issue holds only those members.
Result<IssuePage> DecodeIssuePage(std::string_view body, const std::string& what, const KeepTree* keep = nullptr);

/// The same JSON value without the members no column reads ("self",
/// "avatarUrls", "iconUrl", "expand"), as nlohmann::json; for tests and the
/// benchmark.
Result<nlohmann::json> ParseTrimmed(std::string_view body);

}  // namespace jirasql
