#include "jira/parallel_children.h"

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace jirasql {

using json = nlohmann::json;

namespace {

class ParallelChildStream final : public ItemStream {
 public:
  ParallelChildStream(std::unique_ptr<ItemStream> parents, ChildList child, std::function<json(const json&)> view,
                      int threads, ReadStats* report)
      : parents_(std::move(parents)),
        child_(std::move(child)),
        view_(std::move(view)),
        threads_(std::max(1, threads)),
        report_(report) {}

  ~ParallelChildStream() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
  }

  Result<bool> Next(std::vector<Item>* out) override {
    for (;;) {
      if (auto r = Fill(); !r) return Fail(r.error());
      std::unique_lock<std::mutex> lock(mu_);
      if (next_emit_ == next_task_) return false;  // nothing in flight, no parent left
      cv_.wait(lock, [&] { return results_.count(next_emit_) > 0; });
      Done d = std::move(results_[next_emit_]);
      results_.erase(next_emit_++);
      lock.unlock();
      if (report_) report_->calls += d.calls;
      if (d.error) return Fail(std::move(*d.error));
      for (auto& v : d.items) out->push_back({std::move(v), d.parent});
      if (!out->empty()) return true;
    }
  }

 private:
  struct Task {
    std::unique_ptr<ItemStream> list;
    std::unique_ptr<ReadStats> stats;
    std::shared_ptr<const json> parent;
  };
  struct Done {
    std::vector<json> items;
    std::shared_ptr<const json> parent;
    int64_t calls = 0;
    std::optional<Error> error;
  };

  static Done Run(Task& t) {
    Done d;
    d.parent = t.parent;
    try {
      for (;;) {
        std::vector<Item> page;
        auto more = t.list->Next(&page);
        if (!more) {
          d.error = more.error();
          break;
        }
        if (!*more) break;
        for (auto& i : page) d.items.push_back(std::move(i.value));
      }
    } catch (const std::exception& e) {  // nothing may escape a worker thread
      d.error = Error{ErrorCode::kBadResponse, std::string("reading a list in parallel: ") + e.what(), 0};
    }
    d.calls = t.stats->calls;
    return d;
  }

  // Starts parents' lists until 2 x threads are in flight or waiting to be read.
  Result<void> Fill() {
    for (;;) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (next_task_ - next_emit_ >= 2 * threads_) return Ok();
      }
      if (pending_.empty()) {
        if (parents_done_) return Ok();
        std::vector<Item> page;
        auto more = parents_->Next(&page);
        if (!more) return Fail(more.error());
        if (!*more) {
          parents_done_ = true;
          return Ok();
        }
        for (auto& p : page) pending_.push_back(std::move(p.value));
        continue;
      }
      json p = std::move(pending_.front());
      pending_.pop_front();
      Task t;
      t.stats = std::make_unique<ReadStats>();
      t.list = child_(p, t.stats.get());
      if (!t.list) continue;  // nothing to read under this parent
      t.parent = std::make_shared<const json>(view_(p));
      const int64_t n = next_task_++;
      // On this thread, one after another: with one thread, and for a list
      // already in memory (a list the search embedded whole) — handing it
      // to a worker would cost more than reading it.
      if (threads_ == 1 || t.list->InMemory()) {
        Done d = Run(t);
        std::lock_guard<std::mutex> lock(mu_);
        results_.emplace(n, std::move(d));
        continue;
      }
      if (workers_.empty()) {
        for (int i = 0; i < threads_; ++i) workers_.emplace_back([this] { Work(); });
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        queue_.emplace_back(n, std::move(t));
      }
      cv_.notify_all();
    }
  }

  void Work() {
    for (;;) {
      std::pair<int64_t, Task> job;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
        if (stop_) return;
        job = std::move(queue_.front());
        queue_.pop_front();
      }
      Done d = Run(job.second);
      {
        std::lock_guard<std::mutex> lock(mu_);
        results_.emplace(job.first, std::move(d));
      }
      cv_.notify_all();
    }
  }

  std::unique_ptr<ItemStream> parents_;
  ChildList child_;
  std::function<json(const json&)> view_;
  const int threads_;
  ReadStats* report_;
  std::deque<json> pending_;
  bool parents_done_ = false;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::deque<std::pair<int64_t, Task>> queue_;
  std::map<int64_t, Done> results_;
  int64_t next_task_ = 0, next_emit_ = 0;
  std::vector<std::thread> workers_;
};

}  // namespace

std::unique_ptr<ItemStream> ParallelChildren(std::unique_ptr<ItemStream> parents, ChildList child,
                                             std::function<json(const json&)> view, int threads, ReadStats* report) {
  return std::make_unique<ParallelChildStream>(std::move(parents), std::move(child), std::move(view), threads, report);
}

}  // namespace jirasql
