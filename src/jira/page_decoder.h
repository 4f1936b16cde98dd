#pragma once
/// Decoding pages of issues fast. A search page is mostly what no column
/// reads — avatar URLs, self links, icon URLs — and building a full JSON
/// tree of it cost most of a scan's CPU. Pages are parsed with simdjson and
/// only the rest is turned into the nlohmann::json objects the columns read.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/value.h"

namespace simdjson::dom {
class element;
}

namespace jirasql {

/// A page of issues: Cloud's search (issues, nextPageToken, isLast), Data
/// Center's (issues, startAt, total), or a bulk fetch (issues).
struct IssuePage {
  std::vector<nlohmann::json> issues;
  /// With a StraightPlan: each issue's straight values, in the plan's order
  /// (empty for an issue read the usual way).
  std::vector<std::vector<SqlValue>> values;
  std::optional<std::string> next_page_token;
  std::optional<bool> is_last;
  int64_t total = -1;
  std::optional<int64_t> start_at;  ///< Data Center echoes the startAt asked
};

/// Which members of each issue to keep: a tree of member names, a node
/// marked `whole` keeping everything below it. A path through an array
/// keeps its members of each element.
struct StraightPlan;
struct KeepTree {
  bool whole = false;
  std::map<std::string, KeepTree, std::less<>> children;
  /// At the root: columns read straight from the page instead (null: none).
  std::shared_ptr<const StraightPlan> straight;
  /// Keeps `path` and everything below it.
  void Add(const std::vector<std::string>& path);
  /// Keeps what `below` keeps, under `path`.
  void Graft(const std::vector<std::string>& path, const KeepTree& below);
};

/// A column's value read straight from the page's parsed member (never
/// called for a member that is missing or null: that is NULL). Throws when
/// it cannot say the same as the column's reader of the kept JSON would
/// (a value of an unexpected shape): the issue is then kept whole.
using StraightRead = std::function<SqlValue(const simdjson::dom::element&)>;

/// Columns read straight from the page, with no JSON object built per
/// issue: each a path and its read.
struct StraightPlan {
  struct Column {
    std::vector<std::string> path;
    StraightRead read;
  };
  std::vector<Column> columns;
  /// What to keep of an issue one of whose values cannot be read straight:
  /// the scan's KeepTree and the columns' paths.
  KeepTree whole;
};

/// Decodes `body`. `what` names the request for the error message. With
/// `keep`, each issue holds only those members, and the values of the
/// columns its plan reads straight come in IssuePage::values.
Result<IssuePage> DecodeIssuePage(std::string_view body, const std::string& what, const KeepTree* keep = nullptr);
/// The same, parsing `body` in place (the string's spare capacity is the
/// parser's padding; it grows only when it has too little), not a copy.
Result<IssuePage> DecodeIssuePage(std::string& body, const std::string& what, const KeepTree* keep = nullptr);

/// The same JSON value without the members no column reads ("self",
/// "avatarUrls", "iconUrl", "expand"), as nlohmann::json; for tests and the
/// benchmark.
Result<nlohmann::json> ParseTrimmed(std::string_view body);

}  // namespace jirasql
