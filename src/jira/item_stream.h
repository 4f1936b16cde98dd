#pragma once
/// What `jira/` hands back: a stream of JSON items read page by page from a
/// Jira list (issues, comments, projects, sprints, …). Memory holds one page,
/// never the whole list; a page that cannot be read is an error, never the
/// end of the list.

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "common/error.h"
#include "common/value.h"

namespace jirasql {

/// One item of a list, with the parent it was read under: the issue
/// ({"id","key"}) of a comment, the board ({"id"}) of a sprint. Null for a
/// top-level list.
struct Item {
  Item() = default;
  Item(nlohmann::json v, std::shared_ptr<const nlohmann::json> p) : value(std::move(v)), parent(std::move(p)) {}
  nlohmann::json value;
  std::shared_ptr<const nlohmann::json> parent;
  /// Values read straight from the page (StraightPlan), in the plan's
  /// order; empty when the columns read `value`.
  std::vector<SqlValue> straight;
};

class ItemStream {
 public:
  virtual ~ItemStream() = default;
  /// Appends the next page of items; false at the end.
  virtual Result<bool> Next(std::vector<Item>* items) = 0;
  /// Whether every item is in memory already: reading it makes no call
  /// (a reader in parallel reads such a stream on its own thread).
  virtual bool InMemory() const { return false; }
};

/// What a read asked of Jira, for explain and the progress line. Written by
/// the thread that calls Next().
struct ReadStats {
  int64_t calls = 0;      ///< requests made
  int64_t expected = -1;  ///< items Jira said the list holds, when it said
};

/// The given items, as one page.
std::unique_ptr<ItemStream> FixedItems(std::vector<nlohmann::json> items);

/// The items of `in` that `keep` accepts.
std::unique_ptr<ItemStream> FilterItems(std::unique_ptr<ItemStream> in,
                                        std::function<bool(const nlohmann::json&)> keep);

}  // namespace jirasql
