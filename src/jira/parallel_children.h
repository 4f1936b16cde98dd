#pragma once
/// The lists of many parents read several at a time: the watchers of each
/// issue, its voters, its remote links — lists Jira serves only one parent
/// per request.

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>

#include "jira/item_stream.h"

namespace jirasql {

/// The list under one parent (null: none to read), its requests counted in
/// the ReadStats given. It may move what it reads out of the parent (an
/// embedded list); the parent's view is taken after it, from what is left.
using ChildList = std::function<std::unique_ptr<ItemStream>(nlohmann::json& parent, ReadStats* stats)>;

/// For each item of `parents`, the items of `child(parent)`, each with its
/// parent as `view(parent)` shows it — in the parents' order, as the
/// sequential read gives them. Up to `threads` parents' lists are read at a
/// time, each whole by one worker (at most 2 x threads read ahead, so memory
/// holds a bounded window); 1 reads them one after another on the caller's
/// thread. The first error, in the parents' order, ends the stream: rows
/// after it are never handed on. Requests are added to `report` as their
/// rows are.
std::unique_ptr<ItemStream> ParallelChildren(std::unique_ptr<ItemStream> parents, ChildList child,
                                             std::function<nlohmann::json(const nlohmann::json&)> view, int threads,
                                             ReadStats* report);

}  // namespace jirasql
