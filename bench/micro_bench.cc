// Micro-benchmarks (Google Benchmark): what one page of issues costs to decode
// into rows, and what the SQL -> JQL translation costs.
//   build/release/jirasql_micro_bench

#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include "jira/page_decoder.h"
#include "sql/pushdown.h"
#include "sql/scan.h"
#include "sql/schema.h"

namespace jirasql {
namespace {

using json = nlohmann::json;

// A Cloud search page of 100 issues with the 10 fields a typical scan asks for.
std::string Page() {
  json issues = json::array();
  for (int i = 0; i < 100; ++i) {
    auto user = [&](int u) {
      return json{{"accountId", "5b10a2844c2016570" + std::to_string(1000000 + u)},
                  {"displayName", "User " + std::to_string(u)},
                  {"active", true},
                  {"timeZone", "Europe/Berlin"}};
    };
    issues.push_back({{"id", std::to_string(10000 + i)},
                      {"key", "ABC-" + std::to_string(i + 1)},
                      {"self", "https://example.atlassian.net/rest/api/3/issue/" + std::to_string(10000 + i)},
                      {"fields",
                       {{"summary", "Fix the flaky login page on slow networks, number " + std::to_string(i)},
                        {"status",
                         {{"id", "10001"},
                          {"name", "In Progress"},
                          {"statusCategory", {{"id", 4}, {"key", "indeterminate"}, {"name", "In Progress"}}}}},
                        {"assignee", user(i % 7)},
                        {"reporter", user(i % 5)},
                        {"created", "2025-03-04T10:20:30.123+0100"},
                        {"updated", "2025-05-06T11:22:33.456+0200"},
                        {"priority", {{"id", "3"}, {"name", "Medium"}}},
                        {"issuetype", {{"id", "10004"}, {"name", "Bug"}, {"subtask", false}}},
                        {"labels", json::array({"backend", "urgent"})},
                        {"project", {{"id", "10000"}, {"key", "ABC"}, {"name", "Alpha"}}}}}});
  }
  return json{{"issues", issues}, {"nextPageToken", "abc"}, {"isLast", false}}.dump();
}

// The 12 columns of the benchmark scan (bench/run).
std::vector<int> ScanColumns(const TableDef& t) {
  std::vector<int> cols;
  for (const char* c : {"Id", "Key", "Summary", "StatusName", "AssigneeAccountId", "ReporterAccountId", "Created",
                        "Updated", "PriorityName", "IssueTypeName", "Labels", "ProjectKey"}) {
    cols.push_back(t.ColumnIndex(c));
  }
  return cols;
}

// nlohmann::json's full tree, then the columns (how scans decoded pages before).
void BM_DecodeSearchPage(benchmark::State& state) {
  const std::string page = Page();
  const TableDef& t = *FindBaseTable("Issues");
  const std::vector<int> cols = ScanColumns(t);
  for (auto _ : state) {
    auto j = json::parse(page);
    std::size_t n = 0;
    for (const auto& issue : j["issues"]) {
      RowContext ctx{issue, nullptr, 3};
      for (int c : cols) {
        auto v = t.columns[static_cast<std::size_t>(c)].get(ctx);
        n += v.index();
      }
    }
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(state.iterations() * 100);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(page.size()));
}
BENCHMARK(BM_DecodeSearchPage);

// What scans do: simdjson, keeping only what columns read, then the columns.
void BM_DecodeSearchPageTrimmed(benchmark::State& state) {
  const std::string page = Page();
  const TableDef& t = *FindBaseTable("Issues");
  const std::vector<int> cols = ScanColumns(t);
  std::vector<bool> needed(t.columns.size(), false);
  for (int c : cols) needed[static_cast<std::size_t>(c)] = true;
  const auto keep = KeepFor(t, needed);  // as a scan builds it
  for (auto _ : state) {
    auto p = DecodeIssuePage(page, "bench", keep.get());
    std::size_t n = 0;
    for (const auto& issue : p->issues) {
      RowContext ctx{issue, nullptr, 3};
      for (int c : cols) n += t.columns[static_cast<std::size_t>(c)].get(ctx).index();
    }
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(state.iterations() * 100);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(page.size()));
}
BENCHMARK(BM_DecodeSearchPageTrimmed);

// What the Issues scan does now: the columns read straight from simdjson's
// parse (StraightPlan), the issue's id and key kept as JSON.
void BM_DecodeSearchPageStraight(benchmark::State& state) {
  const std::string page = Page();
  const TableDef& t = *FindBaseTable("Issues");
  const std::vector<int> cols = ScanColumns(t);
  std::vector<bool> needed(t.columns.size(), false);
  for (int c : cols) needed[static_cast<std::size_t>(c)] = true;
  const auto keep = KeepStraight(t, needed);  // as the Issues scan builds it
  const std::vector<int> slots = StraightSlots(t, needed);
  for (auto _ : state) {
    auto p = DecodeIssuePage(page, "bench", keep.get());
    std::size_t n = 0;
    for (std::size_t k = 0; k < p->issues.size(); ++k) {
      RowContext ctx{p->issues[k], nullptr, 3};
      for (int c : cols) {
        const int slot = slots[static_cast<std::size_t>(c)];
        n += slot >= 0 && !p->values[k].empty() ? p->values[k][static_cast<std::size_t>(slot)].index()
                                                : t.columns[static_cast<std::size_t>(c)].get(ctx).index();
      }
    }
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(state.iterations() * 100);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(page.size()));
}
BENCHMARK(BM_DecodeSearchPageStraight);

void BM_ParseSearchPageOnly(benchmark::State& state) {
  const std::string page = Page();
  for (auto _ : state) benchmark::DoNotOptimize(json::parse(page));
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_ParseSearchPageOnly);

void BM_TranslateConstraints(benchmark::State& state) {
  const TableDef& t = *FindBaseTable("Issues");
  auto zone = TimeZone::Load("Europe/Berlin");
  PushContext ctx{zone ? &*zone : nullptr};
  const ColumnDef& project = t.columns[static_cast<std::size_t>(t.ColumnIndex("ProjectKey"))];
  const ColumnDef& status = t.columns[static_cast<std::size_t>(t.ColumnIndex("StatusName"))];
  const ColumnDef& created = t.columns[static_cast<std::size_t>(t.ColumnIndex("Created"))];
  SqlConstraint in{PushOp::kIn, {std::string("ABC"), std::string("DEF"), std::string("order")}};
  SqlConstraint eq{PushOp::kEq, {std::string("In \"Progress\"")}};
  SqlConstraint ge{PushOp::kGe, {std::string("2025-03-30T00:30:00Z")}};
  for (auto _ : state) {
    bool nothing = false;
    IssueQuery q;
    q.terms.push_back(*TranslateConstraint(project, in, ctx, &nothing));
    q.terms.push_back(*TranslateConstraint(status, eq, ctx, &nothing));
    q.terms.push_back(*TranslateConstraint(created, ge, ctx, &nothing));
    benchmark::DoNotOptimize(q.Jql());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TranslateConstraints);

}  // namespace
}  // namespace jirasql

BENCHMARK_MAIN();
