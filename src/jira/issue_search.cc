// Issue search: Cloud's enhanced search (nextPageToken) and Data Center's
// startAt search, one page after another or several pages at a time.

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include "common/strings.h"
#include "jira/client.h"
#include "jira/pager.h"
#include "jira/rest_call.h"

namespace jirasql {

using json = nlohmann::json;

namespace {

// Jira Cloud refuses a search with no restriction; every issue has a project.
constexpr const char* kEveryIssue = "project IS NOT EMPTY";

// A page's first id, last id and size: a server that sends the same page
// again (whatever its paging says) would make a scan loop, so each page is
// compared with the one before it. "" for an empty page.
std::string PageSignature(const std::vector<json>& issues) {
  if (issues.empty()) return "";
  return IdOf(issues.front()) + "/" + IdOf(issues.back()) + "/" + std::to_string(issues.size());
}

Result<void> CheckNotRepeated(const std::vector<json>& issues, std::string* last, const std::string& what) {
  std::string sig = PageSignature(issues);
  if (sig.empty()) return Ok();
  if (sig == *last) {
    return Fail(ErrorCode::kBadResponse,
                what + ": Jira sent the same page of issues twice in a row; stopping rather than looping");
  }
  *last = std::move(sig);
  return Ok();
}

/// expand= in a search body: Cloud's /search/jql takes one comma-separated
/// string, Data Center's /search a list.
void AddExpand(json* body, const std::vector<std::string>& expand, bool cloud) {
  if (expand.empty()) return;
  if (cloud) {
    (*body)["expand"] = Join(expand, ",");
  } else {
    (*body)["expand"] = expand;
  }
}

// The fields a request asks for now, and what of each issue to keep: the
// columns' paths, or all of it while extra fields are carried.
std::vector<std::string> FieldsNow(const std::vector<std::string>& fields, const std::shared_ptr<ExtraFields>& extra) {
  return extra ? extra->With(fields) : fields;
}
const KeepTree* KeepNow(const std::shared_ptr<const KeepTree>& keep, const std::shared_ptr<ExtraFields>& extra) {
  return extra && !extra->empty() ? nullptr : keep.get();
}

/// The page's issue `i` as an item, with its straight values.
Item ItemOf(IssuePage* page, std::size_t i) {
  Item item(std::move(page->issues[i]), nullptr);
  if (i < page->values.size()) item.straight = std::move(page->values[i]);
  return item;
}

/// Issue search pages: Cloud's enhanced search with nextPageToken, Data
/// Center's startAt. A value Jira says does not exist is dropped from the
/// pushed JQL and the page asked again (see IssueQuery::DropMissingValue).
class IssueStream final : public ItemStream {
 public:
  IssueStream(JiraClient& c, IssueQuery q, std::vector<std::string> fields, std::vector<std::string> expand,
              int64_t page, ReadStats* stats, std::shared_ptr<const KeepTree> keep = nullptr, bool count_total = false,
              std::shared_ptr<ExtraFields> extra = nullptr)
      : c_(c),
        q_(std::move(q)),
        fields_(std::move(fields)),
        expand_(std::move(expand)),
        page_(page),
        report_(stats),
        keep_(std::move(keep)),
        count_total_(count_total),
        extra_(std::move(extra)) {}

  Result<bool> Next(std::vector<Item>* out) override {
    if (done_ || q_.matches_nothing) return false;
    const bool cloud = c_.cloud();
    for (int attempt = 0;; ++attempt) {
      // The fields, then what to keep: a field added in between is kept whole, not lost.
      json body{
          {"jql", q_.Jql(cloud ? kEveryIssue : "")}, {"fields", FieldsNow(fields_, extra_)}, {"maxResults", page_}};
      const KeepTree* keep = KeepNow(keep_, extra_);
      AddExpand(&body, expand_, cloud);
      if (cloud && pagers_ && !pagers_->token.token().empty()) body["nextPageToken"] = pagers_->token.token();
      if (!cloud) body["startAt"] = position();
      HttpRequest req = JsonPost(cloud ? "/search/jql" : "/search", body);
      auto conn = c_.connection();
      if (!conn) return Fail(conn.error());
      const std::string what = "POST " + (*conn)->endpoint().Rest(cloud ? "/search/jql" : "/search");
      auto resp = (*conn)->Send(std::move(req));
      if (report_) ++report_->calls;
      if (!resp) return Fail(resp.error());  // it names the request already
      if (resp->status == 400 && !pagers_ && attempt < 64 && DropMissing(*resp)) {
        if (q_.matches_nothing) return false;
        continue;
      }
      if (!resp->ok())
        return Fail((*conn)->ErrorFor(*resp, what).WithContext("JQL " + q_.Jql(cloud ? kEveryIssue : "")));
      auto page = DecodeIssuePage(resp->body, what, keep);
      if (!page) return Fail(page.error());
      if (!pagers_) pagers_.emplace(what, page_);
      std::vector<std::string> keys;
      keys.reserve(page->issues.size());
      for (const auto& e : page->issues) keys.push_back(IdOf(e));
      std::vector<bool> fresh(keys.size(), true);
      if (cloud) {
        if (auto r = pagers_->token.Accept(page->next_page_token, page->is_last, std::move(keys)); !r)
          return Fail(r.error());
      } else {
        OffsetPage info{page->start_at, page->total >= 0 ? std::optional<int64_t>(page->total) : std::nullopt,
                        std::nullopt};
        if (auto r = pagers_->offset.Accept(info, keys, &fresh); !r) return Fail(r.error());
        total_ = page->total;
        if (report_ && total_ >= 0 && count_total_) report_->expected = total_;
        served_ = std::max<int64_t>(served_, static_cast<int64_t>(keys.size()));
      }
      last_page_ = PageSignature(page->issues);
      for (std::size_t i = 0; i < page->issues.size(); ++i) {
        if (fresh[i]) out->push_back(ItemOf(&*page, i));
      }
      done_ = cloud ? pagers_->token.done() : pagers_->offset.done();
      return true;
    }
  }

  const IssueQuery& query() const { return q_; }
  bool done() const { return done_ || q_.matches_nothing; }
  int64_t total() const { return total_; }  ///< Data Center: Jira's total, -1 when unknown
  /// Data Center: the next startAt.
  int64_t position() const { return pagers_ ? pagers_->offset.next_start() : 0; }
  /// Data Center: the most issues Jira served on one page (its page size).
  int64_t served() const { return served_; }
  const std::string& last_page() const { return last_page_; }  ///< PageSignature of the last page
  /// Data Center: the pager, for pages read in parallel after the first.
  OffsetPager* offset_pager() { return pagers_ ? &pagers_->offset : nullptr; }

 private:
  bool DropMissing(const HttpResponse& resp) {
    auto j = json::parse(resp.body, nullptr, false);
    if (!j.is_object() || !j.contains("errorMessages") || !j["errorMessages"].is_array() ||
        j["errorMessages"].empty()) {
      return false;
    }
    IssueQuery trial = q_;
    for (const auto& m : j["errorMessages"]) {
      if (!m.is_string() || !trial.DropMissingValue(m.get<std::string>())) return false;
    }
    q_ = std::move(trial);
    return true;
  }

  JiraClient& c_;
  IssueQuery q_;
  std::vector<std::string> fields_, expand_;
  int64_t page_;
  ReadStats* report_;
  std::shared_ptr<const KeepTree> keep_;
  bool count_total_;
  std::shared_ptr<ExtraFields> extra_;
  struct Pagers {
    Pagers(const std::string& what, int64_t page)
        : offset(what, "issues", page, false, /*remember_all=*/false), token(what) {}
    OffsetPager offset;  ///< Data Center
    TokenPager token;    ///< Cloud
  };
  std::optional<Pagers> pagers_;  ///< made with the first answer
  std::string last_page_;         ///< first id / last id / count of the previous page
  int64_t total_ = -1, served_ = 0;
  bool done_ = false;
};

/// A large issue scan read by MaxThreads requests at once.
///
/// The first page is read as a sequential scan would (one call answers a
/// small query). When more pages follow:
///  - Cloud: the ids come from an id-only search (5,000 per page, in the
///    JQL's order), and the issues from POST /issue/bulkfetch, 100 ids per
///    request, several requests in flight. nextPageToken pages cannot be
///    read in parallel: each token comes with the page before it. The id
///    search starts afresh, and ids the first page already gave are skipped.
///  - Data Center: the remaining startAt pages, several in flight.
/// Rows come out in the order of the sequential scan (the JQL ORDER BY, when
/// there is one). At most 2 x MaxThreads requests are in flight or waiting
/// to be read, so memory holds a bounded window of pages.
class ParallelIssueStream final : public ItemStream {
 public:
  ParallelIssueStream(JiraClient& c, IssueQuery q, std::vector<std::string> fields, std::vector<std::string> expand,
                      int64_t page, int threads, bool cloud, ReadStats* stats, std::shared_ptr<const KeepTree> keep,
                      bool count_total, std::shared_ptr<ExtraFields> extra)
      : c_(c),
        q_(q),
        fields_(fields),
        expand_(expand),
        page_(page),
        threads_(threads),
        cloud_(cloud),
        report_(stats),
        keep_(keep),
        extra_(extra),
        first_(c, std::move(q), std::move(fields), std::move(expand), page, stats, std::move(keep), count_total,
               std::move(extra)) {}

  ~ParallelIssueStream() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    work_cv_.notify_all();
    for (auto& t : workers_) t.join();
  }

  Result<bool> Next(std::vector<Item>* out) override {
    if (phase_ == 0) {
      auto more = first_.Next(out);
      if (!more || !*more) return more;
      for (const auto& i : *out) seen_.insert(IdOf(i.value));
      last_page_ = first_.last_page();
      phase_ = 1;
      if (first_.done())
        phase_ = 3;
      else if (!cloud_ && first_.total() < 0)
        phase_ = 2;  // no total: pages one after another
      else
        Start();
      return true;
    }
    if (phase_ == 2) return first_.Next(out);
    if (phase_ == 3) return false;
    if (auto r = Fill(); !r) return Fail(r.error());
    std::unique_lock<std::mutex> lock(mu_);
    if (next_emit_ == next_task_) {  // nothing in flight, nothing left
      phase_ = 3;
      return false;
    }
    done_cv_.wait(lock, [&] { return results_.count(next_emit_) > 0; });
    auto result = std::move(results_[next_emit_]);
    results_.erase(next_emit_++);
    lock.unlock();
    if (report_) report_->calls += calls_.exchange(0);
    if (!result) return Fail(result.error());
    // Decoded here, on the reading thread, not by the worker that fetched
    // it: every value then is allocated and freed by one thread (pages
    // decoded by workers and freed here cost more CPU in malloc's locks
    // and consolidation than the whole sequential scan's decoding). Parsing
    // in the worker and decoding here cost more too (2026-12-05: the parse,
    // larger than the body, then crossed between cores).
    auto page = Decode(std::move(*result));
    if (!page) return Fail(page.error());
    if (!cloud_) {
      // The same checks as the first page's, in the order of the pages.
      std::vector<std::string> keys;
      keys.reserve(page->issues.size());
      for (const auto& e : page->issues) keys.push_back(IdOf(e));
      std::vector<bool> fresh;
      if (auto r = first_.offset_pager()->Accept(page->info, keys, &fresh); !r) return Fail(r.error());
      for (std::size_t i = 0; i < page->issues.size(); ++i) {
        if (fresh[i]) out->push_back(ItemOf(&*page, i));
      }
      return true;
    }
    if (auto r = CheckNotRepeated(page->issues, &last_page_, "POST /issue/bulkfetch"); !r) return Fail(r.error());
    for (std::size_t i = 0; i < page->issues.size(); ++i) out->push_back(ItemOf(&*page, i));
    return true;
  }

 private:
  // A page as a worker fetched it, still to be decoded.
  struct Fetched {
    std::string body;
    std::string what;                ///< the request, for errors
    const KeepTree* keep = nullptr;  ///< what to keep, as chosen with the fields asked
    std::vector<std::string> ids;    ///< Cloud: the ids asked, in their order
    int64_t at = 0;                  ///< Data Center: the startAt asked
    bool last = false;               ///< Data Center: the last page of Jira's total
  };
  struct Decoded : IssuePage {
    OffsetPage info;  ///< Data Center: what the page said of itself
  };
  using Task = std::function<Result<Fetched>()>;

  void Start() {
    q_ = first_.query();  // with any value Jira said does not exist dropped
    if (cloud_) {
      // Of each issue only its id is read (and kept).
      auto only_id = std::make_shared<KeepTree>();
      only_id->Add({"id"});
      ids_ = std::make_unique<IssueStream>(c_, q_, std::vector<std::string>{"id"}, std::vector<std::string>{}, 5000,
                                           report_, std::move(only_id));
    } else {
      next_start_ = first_.position();
    }
    for (int i = 0; i < threads_; ++i) workers_.emplace_back([this] { Work(); });
  }

  void Work() {
    for (;;) {
      std::pair<int64_t, Task> job;
      {
        std::unique_lock<std::mutex> lock(mu_);
        work_cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
        if (stop_) return;
        job = std::move(queue_.front());
        queue_.pop_front();
      }
      Result<Fetched> r = Fail(ErrorCode::kInternal, "not run");
      try {
        r = job.second();
      } catch (const std::exception& e) {  // nothing may escape a worker thread
        r = Fail(ErrorCode::kBadResponse, std::string("reading a page in parallel: ") + e.what());
      }
      ++calls_;
      bool awaited;
      {
        std::lock_guard<std::mutex> lock(mu_);
        awaited = job.first == next_emit_;
        results_.emplace(job.first, std::move(r));
      }
      if (awaited) done_cv_.notify_one();  // the reader waits for no other page
    }
  }

  void Submit(Task t) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.emplace_back(next_task_++, std::move(t));
    }
    work_cv_.notify_one();
  }

  // Queues requests until 2 x threads are in flight or waiting to be read.
  Result<void> Fill() {
    for (;;) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (next_task_ - next_emit_ >= 2 * threads_) return Ok();
      }
      if (cloud_) {
        while (pending_ids_.size() < 100 && !ids_done_) {
          std::vector<Item> page;
          auto more = ids_->Next(&page);
          if (!more) return Fail(more.error());
          if (!*more) ids_done_ = true;
          for (const auto& i : page) {
            std::string id = IdOf(i.value);
            if (!id.empty() && !seen_.count(id)) pending_ids_.push_back(id);
          }
        }
        if (pending_ids_.empty()) return Ok();
        std::vector<std::string> chunk;
        while (!pending_ids_.empty() && chunk.size() < 100) {
          chunk.push_back(std::move(pending_ids_.front()));
          pending_ids_.pop_front();
        }
        Submit([this, chunk = std::move(chunk)]() mutable { return BulkFetch(std::move(chunk)); });
      } else {
        const int64_t total = first_.total();
        if (total >= 0 && next_start_ >= total) return Ok();
        const int64_t at = next_start_;
        next_start_ += first_.served();  // the page size Jira served
        Submit([this, at, last = total >= 0 && next_start_ >= total] { return DcPage(at, last); });
      }
    }
  }

  Result<Fetched> BulkFetch(std::vector<std::string> ids) {
    json body{{"issueIdsOrKeys", ids}, {"fields", FieldsNow(fields_, extra_)}};
    const KeepTree* keep = KeepNow(keep_, extra_);
    if (!expand_.empty()) body["expand"] = expand_;
    auto page = Post("/issue/bulkfetch", body, keep);
    if (page) page->ids = std::move(ids);
    return page;
  }

  Result<Fetched> DcPage(int64_t at, bool last) {
    json body{{"jql", q_.Jql("")}, {"fields", FieldsNow(fields_, extra_)}, {"maxResults", page_}, {"startAt", at}};
    const KeepTree* keep = KeepNow(keep_, extra_);
    AddExpand(&body, expand_, false);
    auto page = Post("/search", body, keep);
    if (page) {
      page->at = at;
      page->last = last;
    }
    return page;
  }

  Result<Fetched> Post(const std::string& path, const json& body, const KeepTree* keep) {
    auto conn = c_.connection();
    if (!conn) return Fail(conn.error());
    Fetched out;
    out.what = "POST " + (*conn)->endpoint().Rest(path);
    out.keep = keep;
    auto resp = (*conn)->Call(JsonPost(path, body));
    if (!resp) return Fail(resp.error());
    out.body = std::move(resp->body);
    return out;
  }

  Result<Decoded> Decode(Fetched f) {
    auto page = DecodeIssuePage(f.body, f.what, f.keep);
    if (!page) return Fail(page.error());
    Decoded out;
    if (cloud_) {
      // Back into the order of the ids; an issue deleted since the id
      // search is simply gone.
      std::unordered_map<std::string, std::size_t> by_id;
      for (std::size_t i = 0; i < page->issues.size(); ++i) by_id.emplace(IdOf(page->issues[i]), i);
      out.issues.reserve(f.ids.size());
      for (const auto& id : f.ids) {
        auto it = by_id.find(id);
        if (it == by_id.end()) continue;
        out.issues.push_back(std::move(page->issues[it->second]));
        if (!page->values.empty()) out.values.push_back(std::move(page->values[it->second]));
      }
      return out;
    }
    const int64_t want = first_.served();
    if (!f.last && static_cast<int64_t>(page->issues.size()) != want) {
      return Fail(ErrorCode::kBadResponse,
                  "POST /search at startAt=" + std::to_string(f.at) + ": Jira sent " +
                      std::to_string(page->issues.size()) + " issues where " + std::to_string(want) +
                      " were due; the result changed while it was read in parallel. Run the query again, or set "
                      "MaxThreads=1");
    }
    out.info =
        OffsetPage{page->start_at, page->total >= 0 ? std::optional<int64_t>(page->total) : std::nullopt, std::nullopt};
    static_cast<IssuePage&>(out) = std::move(*page);
    return out;
  }

  JiraClient& c_;
  IssueQuery q_;
  std::vector<std::string> fields_, expand_;
  int64_t page_;
  int threads_;
  bool cloud_;
  ReadStats* report_;
  std::shared_ptr<const KeepTree> keep_;
  std::shared_ptr<ExtraFields> extra_;
  IssueStream first_;
  int phase_ = 0;               ///< 0 first page, 1 parallel, 2 sequential, 3 done
  std::set<std::string> seen_;  ///< ids the first page gave
  std::string last_page_;       ///< PageSignature of the last page emitted
  std::unique_ptr<IssueStream> ids_;
  bool ids_done_ = false;
  std::deque<std::string> pending_ids_;
  int64_t next_start_ = 0;

  std::mutex mu_;
  std::condition_variable work_cv_;  ///< workers wait for a task
  std::condition_variable done_cv_;  ///< the reader waits for the page it emits next
  bool stop_ = false;
  std::deque<std::pair<int64_t, Task>> queue_;
  std::map<int64_t, Result<Fetched>> results_;
  int64_t next_task_ = 0, next_emit_ = 0;
  std::atomic<int64_t> calls_{0};
  std::vector<std::thread> workers_;
};

}  // namespace

void ExtraFields::Add(const std::vector<std::string>& fields) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& f : fields) {
    if (std::find(fields_.begin(), fields_.end(), f) == fields_.end()) fields_.push_back(f);
  }
}

void ExtraFields::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  fields_.clear();
}

bool ExtraFields::empty() const {
  std::lock_guard<std::mutex> lock(mu_);
  return fields_.empty();
}

std::vector<std::string> ExtraFields::With(const std::vector<std::string>& base) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out = base;
  if (fields_.empty()) return out;
  if (out == std::vector<std::string>{"id"}) out.clear();  // no longer ids only
  for (const auto& f : fields_) {
    if (std::find(out.begin(), out.end(), f) == out.end()) out.push_back(f);
  }
  return out;
}

bool JiraClient::cloud() {
  auto c = connection();
  return c && (*c)->endpoint().api_version >= 3;
}

std::string JiraClient::SearchJql(const IssueQuery& q) { return q.Jql(cloud() ? kEveryIssue : ""); }

int64_t JiraClient::IssuesPerPage(int64_t asked, bool ids_only) {
  return std::min<int64_t>(asked, cloud() ? (ids_only ? 5000 : 100) : 1000);
}

std::unique_ptr<ItemStream> JiraClient::SearchIssues(IssueSearch s, ReadStats* stats) {
  if (s.fields.empty()) s.fields.push_back("id");
  // Cloud's id-only pages (5,000 ids) come one after another: in parallel
  // the ids would be read twice, once more through bulkfetch.
  const bool cloud_ids_only = cloud() && s.fields == std::vector<std::string>{"id"} && s.expand.empty();
  if (s.threads > 1 && !cloud_ids_only) {
    return std::make_unique<ParallelIssueStream>(*this, std::move(s.query), std::move(s.fields), std::move(s.expand),
                                                 s.page_size, s.threads, cloud(), stats, std::move(s.keep),
                                                 s.count_total, std::move(s.extra));
  }
  return std::make_unique<IssueStream>(*this, std::move(s.query), std::move(s.fields), std::move(s.expand), s.page_size,
                                       stats, std::move(s.keep), s.count_total, std::move(s.extra));
}

Result<int64_t> JiraClient::CountIssues(const IssueQuery& q) {
  if (q.matches_nothing) return 0;
  const bool is_cloud = cloud();
  const std::string jql = SearchJql(q);
  auto j = is_cloud ? CallJson(*this, JsonPost("/search/approximate-count", json{{"jql", jql}}), nullptr)
                    : CallJson(*this, JsonPost("/search", json{{"jql", jql}, {"maxResults", 0}, {"fields", {"id"}}}),
                               nullptr);
  if (!j) return Fail(j.error());
  const char* member = is_cloud ? "count" : "total";
  auto it = j->is_object() ? j->find(member) : j->end();
  if (!j->is_object() || it == j->end() || !it->is_number_integer() || it->get<int64_t>() < 0) {
    return Fail(ErrorCode::kBadResponse, std::string(is_cloud ? "POST /search/approximate-count" : "POST /search") +
                                             " answered without a usable \"" + member + "\"");
  }
  return it->get<int64_t>();
}

Result<std::vector<int64_t>> JiraClient::MatchIssues(const std::vector<int64_t>& ids, const std::string& jql) {
  if (ids.size() > kMatchIdsPerCall) {
    return Fail(ErrorCode::kInvalidArgument, "POST /jql/match checks at most " + std::to_string(kMatchIdsPerCall) +
                                                 " issue ids a call, not " + std::to_string(ids.size()));
  }
  if (ids.empty()) return std::vector<int64_t>{};
  auto j = CallJson(*this, JsonPost("/jql/match", json{{"issueIds", ids}, {"jqls", json::array({jql})}}), nullptr);
  if (!j) return Fail(j.error());
  auto bad = [] { return Fail(ErrorCode::kBadResponse, "POST /jql/match answered without a usable \"matches\" list"); };
  if (!j->is_object() || !j->contains("matches") || !(*j)["matches"].is_array() || (*j)["matches"].size() != 1) {
    return bad();
  }
  const json& m = (*j)["matches"][0];
  if (!m.is_object()) return bad();
  if (auto e = m.find("errors"); e != m.end() && e->is_array() && !e->empty()) {
    std::string text;
    for (const auto& x : *e) text += (text.empty() ? "" : "; ") + (x.is_string() ? x.get<std::string>() : x.dump());
    return Fail(ErrorCode::kInvalidArgument, "Jira refused the JQL \"" + jql + "\": " + text);
  }
  auto list = m.find("matchedIssues");
  if (list == m.end() || !list->is_array()) return bad();
  std::vector<int64_t> out;
  out.reserve(list->size());
  for (const auto& id : *list) {
    if (!id.is_number_integer()) return bad();
    out.push_back(id.get<int64_t>());
  }
  return out;
}

}  // namespace jirasql
