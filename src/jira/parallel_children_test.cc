// ParallelChildren without a server: rows in the parents' order whatever
// order the workers finish in, parents without a list skipped, the first
// error in order ending the stream, every request counted.

#include "jira/parallel_children.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace jirasql {
namespace {

using json = nlohmann::json;

// Parent n's list: n % 3 items, each a "call"; later parents finish first.
class SlowList final : public ItemStream {
 public:
  SlowList(int64_t n, ReadStats* stats, bool fail) : n_(n), stats_(stats), fail_(fail) {}
  Result<bool> Next(std::vector<Item>* out) override {
    if (done_) return false;
    done_ = true;
    ++stats_->calls;
    std::this_thread::sleep_for(std::chrono::microseconds(200 * (10 - n_ % 10)));
    if (fail_) return Fail(ErrorCode::kHttp, "list of parent " + std::to_string(n_) + " failed", 500);
    for (int64_t k = 0; k < n_ % 3; ++k) out->push_back({json{{"n", n_}, {"k", k}}, nullptr});
    return true;
  }

 private:
  int64_t n_;
  ReadStats* stats_;
  bool fail_;
  bool done_ = false;
};

std::unique_ptr<ItemStream> Parents(int64_t count) {
  std::vector<json> p;
  for (int64_t i = 0; i < count; ++i) p.push_back(json{{"id", i}});
  return FixedItems(std::move(p));
}

struct Read {
  std::vector<std::pair<int64_t, int64_t>> rows;  // parent, k
  std::optional<Error> error;
  int64_t calls = 0;
};

Read ReadAll(int threads, int64_t parents, int64_t failing = -1) {
  ReadStats report;
  ChildList child = [failing](const json& p, ReadStats* s) -> std::unique_ptr<ItemStream> {
    const int64_t n = p["id"].get<int64_t>();
    if (n % 5 == 4) return nullptr;  // nothing to read under this one
    return std::make_unique<SlowList>(n, s, n == failing);
  };
  auto view = [](const json& p) { return json{{"parent", p["id"]}}; };
  Read out;
  {
    auto s = ParallelChildren(Parents(parents), child, view, threads, &report);
    for (;;) {
      std::vector<Item> page;
      auto more = s->Next(&page);
      if (!more) {
        out.error = more.error();
        break;
      }
      if (!*more) break;
      for (const auto& i : page) {
        EXPECT_EQ((*i.parent)["parent"], i.value["n"]);  // each row with its own parent
        out.rows.emplace_back(i.value["n"].get<int64_t>(), i.value["k"].get<int64_t>());
      }
    }
  }
  out.calls = report.calls;
  return out;
}

TEST(ParallelChildren, RowsComeInTheParentsOrderWhateverOrderTheListsFinishIn) {
  const Read one = ReadAll(1, 60);
  ASSERT_FALSE(one.error);
  std::vector<std::pair<int64_t, int64_t>> want;
  int64_t asked = 0;
  for (int64_t n = 0; n < 60; ++n) {
    if (n % 5 == 4) continue;
    ++asked;
    for (int64_t k = 0; k < n % 3; ++k) want.emplace_back(n, k);
  }
  EXPECT_EQ(one.rows, want);
  EXPECT_EQ(one.calls, asked);  // parents without a list are not asked
  const Read four = ReadAll(4, 60);
  ASSERT_FALSE(four.error);
  EXPECT_EQ(four.rows, want);
  EXPECT_EQ(four.calls, asked);
}

TEST(ParallelChildren, TheFirstErrorInOrderEndsTheStreamAndNoLaterRowIsHandedOn) {
  for (int threads : {1, 4}) {
    const Read r = ReadAll(threads, 60, 22);
    ASSERT_TRUE(r.error) << threads;
    EXPECT_NE(r.error->message.find("parent 22 failed"), std::string::npos) << r.error->message;
    ASSERT_FALSE(r.rows.empty());
    EXPECT_LT(r.rows.back().first, 22) << threads;  // the rows before it, none after
  }
}

TEST(ParallelChildren, NoParentsNoRows) {
  const Read r = ReadAll(4, 0);
  EXPECT_FALSE(r.error);
  EXPECT_TRUE(r.rows.empty());
  EXPECT_EQ(r.calls, 0);
}

}  // namespace
}  // namespace jirasql
