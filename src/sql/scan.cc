#include "sql/scan.h"

#include <atomic>
#include <cctype>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "auth/procedures.h"
#include "common/strings.h"
#include "connstr/catalog.h"
#include "http/response_error.h"
#include "jira/page_decoder.h"
#include "jira/pager.h"
#include "sql/jql_builder.h"

namespace jirasql {

using json = nlohmann::json;

namespace {

// A request body as JSON text. Text from SQL may hold bytes that are not
// UTF-8; they are replaced rather than thrown about.
std::string RequestBody(const json& body) { return body.dump(-1, ' ', false, json::error_handler_t::replace); }

// Jira Cloud refuses a search with no restriction; every issue has a project.
constexpr const char* kEveryIssue = "project IS NOT EMPTY";

Result<json> ReadJson(const HttpResponse& resp, const std::string& what) {
  auto j = json::parse(resp.body, nullptr, false);
  if (j.is_discarded()) {
    return Fail(ErrorCode::kBadResponse, what + ": the answer is not JSON (" + std::to_string(resp.body.size()) +
                                             " bytes); the page cannot be read, so the query stops here");
  }
  return j;
}

Result<json> Call(Session& s, HttpRequest req, ScanReport* report) {
  auto conn = s.Conn();
  if (!conn) return Fail(conn.error());
  const std::string what = (*conn)->Describe(req);
  auto resp = (*conn)->Call(std::move(req));
  if (report) ++report->calls;
  if (!resp) return Fail(resp.error());
  return ReadJson(*resp, what);
}

std::string AgileUrl(Session& s, const std::string& path) {
  auto conn = s.Conn();
  return (conn ? (*conn)->endpoint().base_url : std::string()) + "/rest/agile/1.0" + path;
}

// ---- streams of JSON items --------------------------------------------------

struct Item {
  json value;
  std::shared_ptr<const json> parent;
};

class ItemStream {
 public:
  virtual ~ItemStream() = default;
  /// Appends the next page of items; false at the end.
  virtual Result<bool> Next(std::vector<Item>* items) = 0;
};

class FixedStream final : public ItemStream {
 public:
  explicit FixedStream(std::vector<json> items) : items_(std::move(items)) {}
  Result<bool> Next(std::vector<Item>* out) override {
    if (done_) return false;
    done_ = true;
    for (auto& i : items_) out->push_back({std::move(i), nullptr});
    return true;
  }

 private:
  std::vector<json> items_;
  bool done_ = false;
};

/// GET `url` once; the answer (or its `key`) is an array of items.
class OneCallStream final : public ItemStream {
 public:
  OneCallStream(Session& s, std::string url, std::string key, ScanReport* report)
      : s_(s), url_(std::move(url)), key_(std::move(key)), report_(report) {}
  Result<bool> Next(std::vector<Item>* out) override {
    if (done_) return false;
    done_ = true;
    auto j = Call(s_, HttpRequest{"GET", url_, {}, "", std::nullopt}, report_);
    if (!j) return Fail(j.error());
    const json* arr = &*j;
    if (key_.empty() && j->is_object()) {  // one object: one item
      out->push_back({std::move(*j), nullptr});
      return true;
    }
    if (!key_.empty()) arr = j->contains(key_) ? &(*j)[key_] : nullptr;
    if (!arr || !arr->is_array()) {
      return Fail(ErrorCode::kBadResponse, "GET " + UrlForMessage(url_) + ": expected a JSON array" +
                                               (key_.empty() ? "" : " in \"" + key_ + "\""));
    }
    for (auto& e : *arr) out->push_back({std::move(e), nullptr});
    return true;
  }

 private:
  Session& s_;
  std::string url_, key_;
  ScanReport* report_;
  bool done_ = false;
};

// An item's identity, for the pager's repeat checks: its id, account id,
// key or name, else its whole text.
std::string ItemKey(const json& item) {
  if (item.is_object()) {
    for (const char* k : {"id", "accountId", "key", "name"}) {
      auto it = item.find(k);
      if (it == item.end()) continue;
      if (it->is_string()) return it->get<std::string>();
      if (it->is_number_integer()) return it->dump();
    }
  }
  return item.dump();
}

/// A list Jira pages by startAt / maxResults (see OffsetPager for the
/// rules that stop a server which ignores paging). `key` names the array in
/// the answer ("" for a bare array, which ends at a short page).
class StartAtStream final : public ItemStream {
 public:
  StartAtStream(Session& s, std::string url, std::string key, int64_t page, ScanReport* report)
      : s_(s), url_(std::move(url)), key_(std::move(key)), page_(page), report_(report),
        pager_("GET " + UrlForMessage(Absolute(s, url_)), NounOf(url_), page, key_.empty()) {}
  Result<bool> Next(std::vector<Item>* out) override {
    if (pager_.done()) return false;
    const std::string sep = url_.find('?') == std::string::npos ? "?" : "&";
    const int64_t at = pager_.next_start();
    auto j = Call(s_, HttpRequest{"GET", url_ + sep + "startAt=" + std::to_string(at) + "&maxResults=" +
                                             std::to_string(page_), {}, "", std::nullopt},
                  report_);
    if (!j) return Fail(j.error());
    json* arr = key_.empty() ? &*j : (j->is_object() && j->contains(key_) ? &(*j)[key_] : nullptr);
    if (!arr || !arr->is_array()) {
      return Fail(ErrorCode::kBadResponse, "GET " + UrlForMessage(url_) + ": expected a JSON array" +
                                               (key_.empty() ? "" : " in \"" + key_ + "\"") + " at startAt=" +
                                               std::to_string(at));
    }
    OffsetPage info;
    if (j->is_object()) {
      auto number = [&](const char* k) -> std::optional<int64_t> {
        auto it = j->find(k);
        if (it == j->end() || !it->is_number_integer()) return std::nullopt;
        return it->get<int64_t>();
      };
      info.start_at = number("startAt");
      info.total = number("total");
      if (auto it = j->find("isLast"); it != j->end() && it->is_boolean()) info.is_last = it->get<bool>();
    }
    std::vector<std::string> keys;
    keys.reserve(arr->size());
    for (const auto& e : *arr) keys.push_back(ItemKey(e));
    std::vector<bool> fresh;
    if (auto r = pager_.Accept(info, keys, &fresh); !r) return Fail(r.error());
    for (std::size_t i = 0; i < arr->size(); ++i) {
      if (fresh[i]) out->push_back({std::move((*arr)[i]), nullptr});
    }
    return true;
  }

 private:
  static std::string Absolute(Session& s, const std::string& url) {
    if (url.rfind('/', 0) != 0) return url;
    auto conn = s.Conn();
    return conn ? (*conn)->endpoint().Rest(url) : url;
  }
  // "…/board/7/sprint?x" -> "sprint" items, for the pager's messages.
  static std::string NounOf(const std::string& url) {
    std::string path = url.substr(0, url.find('?'));
    std::string last = path.substr(path.rfind('/') + 1);
    if (last == "search") {
      std::string before = path.substr(0, path.rfind('/'));
      last = before.substr(before.rfind('/') + 1);
    }
    if (last == "issue") return "issues";
    if (last.empty() || last.back() == 's') return last.empty() ? "items" : last;
    return last + "s";
  }

  Session& s_;
  std::string url_, key_;
  int64_t page_;
  ScanReport* report_;
  OffsetPager pager_;
};

// An issue's id as text ("10001"), whether Jira sent it as a string or a
// number; "" when it has none.
std::string IdOf(const json& issue) {
  if (!issue.is_object() || !issue.contains("id")) return "";
  return issue["id"].is_string() ? issue["id"].get<std::string>() : issue["id"].dump();
}

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

/// Issue search pages: Cloud's enhanced search with nextPageToken, Data
/// Center's startAt. A value Jira says does not exist is dropped from the
/// pushed JQL and the page asked again (see IssueQuery::DropMissingValue).
class IssueStream final : public ItemStream {
 public:
  IssueStream(Session& s, IssueQuery q, std::vector<std::string> fields, int64_t page, ScanReport* report,
              std::shared_ptr<const KeepTree> keep = nullptr)
      : s_(s), q_(std::move(q)), fields_(std::move(fields)), page_(page), report_(report), keep_(std::move(keep)) {}

  Result<bool> Next(std::vector<Item>* out) override {
    if (done_ || q_.matches_nothing) return false;
    const bool cloud = s_.cloud();
    for (int attempt = 0;; ++attempt) {
      json body{{"jql", q_.Jql(cloud ? kEveryIssue : "")}, {"fields", fields_}, {"maxResults", page_}};
      if (cloud && pagers_ && !pagers_->token.token().empty()) body["nextPageToken"] = pagers_->token.token();
      if (!cloud) body["startAt"] = position();
      HttpRequest req{"POST", cloud ? "/search/jql" : "/search", {{"Content-Type", "application/json"}}, RequestBody(body),
                      true};
      auto conn = s_.Conn();
      if (!conn) return Fail(conn.error());
      const std::string what = "POST " + (*conn)->endpoint().Rest(cloud ? "/search/jql" : "/search");
      auto resp = (*conn)->Send(std::move(req));
      if (report_) ++report_->calls;
      if (!resp) return Fail(resp.error());  // it names the request already
      if (resp->status == 400 && !pagers_ && attempt < 64 && DropMissing(*resp)) {
        if (q_.matches_nothing) return false;
        continue;
      }
      if (!resp->ok()) return Fail((*conn)->ErrorFor(*resp, what).WithContext("JQL " + q_.Jql(cloud ? kEveryIssue : "")));
      auto page = DecodeIssuePage(resp->body, what, keep_.get());
      if (!page) return Fail(page.error());
      if (!pagers_) pagers_.emplace(what, page_);
      std::vector<std::string> keys;
      keys.reserve(page->issues.size());
      for (const auto& e : page->issues) keys.push_back(IdOf(e));
      std::vector<bool> fresh(keys.size(), true);
      if (cloud) {
        if (auto r = pagers_->token.Accept(page->next_page_token, page->is_last, keys); !r) return Fail(r.error());
      } else {
        OffsetPage info{page->start_at, page->total >= 0 ? std::optional<int64_t>(page->total) : std::nullopt,
                        std::nullopt};
        if (auto r = pagers_->offset.Accept(info, keys, &fresh); !r) return Fail(r.error());
        total_ = page->total;
        if (report_ && total_ >= 0 && report_->table == "Issues") report_->expected = total_;
        served_ = std::max<int64_t>(served_, static_cast<int64_t>(keys.size()));
      }
      last_page_ = PageSignature(page->issues);
      for (std::size_t i = 0; i < page->issues.size(); ++i) {
        if (fresh[i]) out->push_back({std::move(page->issues[i]), nullptr});
      }
      done_ = cloud ? pagers_->token.done() : pagers_->offset.done();
      return true;
    }
  }

  const IssueQuery& query() const { return q_; }
  bool done() const { return done_ || q_.matches_nothing; }
  int64_t total() const { return total_; }      ///< Data Center: Jira's total, -1 when unknown
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

  Session& s_;
  IssueQuery q_;
  std::vector<std::string> fields_;
  int64_t page_;
  ScanReport* report_;
  std::shared_ptr<const KeepTree> keep_;
  struct Pagers {
    Pagers(const std::string& what, int64_t page)
        : offset(what, "issues", page, false, /*remember_all=*/false), token(what) {}
    OffsetPager offset;  ///< Data Center
    TokenPager token;    ///< Cloud
  };
  std::optional<Pagers> pagers_;  ///< made with the first answer
  std::string last_page_;  ///< first id / last id / count of the previous page
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
  ParallelIssueStream(Session& s, IssueQuery q, std::vector<std::string> fields, int64_t page, int threads,
                      bool cloud, ScanReport* report, std::shared_ptr<const KeepTree> keep)
      : s_(s), q_(q), fields_(fields), page_(page), threads_(threads), cloud_(cloud), report_(report), keep_(keep),
        first_(s, std::move(q), std::move(fields), page, report, std::move(keep)) {}

  ~ParallelIssueStream() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
  }

  Result<bool> Next(std::vector<Item>* out) override {
    if (phase_ == 0) {
      auto more = first_.Next(out);
      if (!more || !*more) return more;
      for (const auto& i : *out) seen_.insert(IdOf(i.value));
      last_page_ = first_.last_page();
      phase_ = 1;
      if (first_.done()) phase_ = 3;
      else if (!cloud_ && first_.total() < 0) phase_ = 2;  // no total: pages one after another
      else Start();
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
    cv_.wait(lock, [&] { return results_.count(next_emit_) > 0; });
    auto result = std::move(results_[next_emit_]);
    results_.erase(next_emit_++);
    lock.unlock();
    if (report_) report_->calls += calls_.exchange(0);
    if (!result) return Fail(result.error());
    if (!cloud_) {
      // The same checks as the first page's, in the order of the pages.
      std::vector<std::string> keys;
      keys.reserve(result->page.size());
      for (const auto& e : result->page) keys.push_back(IdOf(e));
      std::vector<bool> fresh;
      if (auto r = first_.offset_pager()->Accept(result->info, keys, &fresh); !r) return Fail(r.error());
      for (std::size_t i = 0; i < result->page.size(); ++i) {
        if (fresh[i]) out->push_back({std::move(result->page[i]), nullptr});
      }
      return true;
    }
    if (auto r = CheckNotRepeated(result->page, &last_page_, "POST /issue/bulkfetch"); !r) return Fail(r.error());
    for (auto& i : result->page) out->push_back({std::move(i), nullptr});
    return true;
  }

 private:
  struct Fetched {
    std::vector<json> page;
    OffsetPage info;  ///< Data Center: what the page said of itself
  };
  using Task = std::function<Result<Fetched>()>;

  void Start() {
    q_ = first_.query();  // with any value Jira said does not exist dropped
    if (cloud_) ids_ = std::make_unique<IssueStream>(s_, q_, std::vector<std::string>{"id"}, 5000, report_);
    else next_start_ = first_.position();
    for (int i = 0; i < threads_; ++i) workers_.emplace_back([this] { Work(); });
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
      Result<Fetched> r = Fail(ErrorCode::kInternal, "not run");
      try {
        r = job.second();
      } catch (const std::exception& e) {  // nothing may escape a worker thread
        r = Fail(ErrorCode::kBadResponse, std::string("reading a page in parallel: ") + e.what());
      }
      ++calls_;
      {
        std::lock_guard<std::mutex> lock(mu_);
        results_.emplace(job.first, std::move(r));
      }
      cv_.notify_all();
    }
  }

  void Submit(Task t) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.emplace_back(next_task_++, std::move(t));
    }
    cv_.notify_all();
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
        Submit([this, chunk = std::move(chunk)] { return BulkFetch(chunk); });
      } else {
        const int64_t total = first_.total();
        if (total >= 0 && next_start_ >= total) return Ok();
        const int64_t at = next_start_;
        next_start_ += first_.served();  // the page size Jira served
        Submit([this, at, last = total >= 0 && next_start_ >= total] { return DcPage(at, last); });
      }
    }
  }

  Result<Fetched> BulkFetch(const std::vector<std::string>& ids) {
    json body{{"issueIdsOrKeys", ids}, {"fields", fields_}};
    auto page = Post("/issue/bulkfetch", body);
    if (!page) return Fail(page.error());
    // Back into the order of the ids; an issue deleted since the id search
    // is simply gone.
    std::unordered_map<std::string, json> by_id;
    for (auto& i : page->issues) by_id.emplace(IdOf(i), std::move(i));
    std::vector<json> out;
    out.reserve(ids.size());
    for (const auto& id : ids) {
      auto it = by_id.find(id);
      if (it != by_id.end()) out.push_back(std::move(it->second));
    }
    return Fetched{std::move(out), {}};
  }

  Result<Fetched> DcPage(int64_t at, bool last) {
    json body{{"jql", q_.Jql("")}, {"fields", fields_}, {"maxResults", page_}, {"startAt", at}};
    auto page = Post("/search", body);
    if (!page) return Fail(page.error());
    const int64_t want = first_.served();
    if (!last && static_cast<int64_t>(page->issues.size()) != want) {
      return Fail(ErrorCode::kBadResponse,
                  "POST /search at startAt=" + std::to_string(at) + ": Jira sent " +
                      std::to_string(page->issues.size()) + " issues where " + std::to_string(want) +
                      " were due; the result changed while it was read in parallel. Run the query again, or set "
                      "MaxThreads=1");
    }
    OffsetPage info{page->start_at, page->total >= 0 ? std::optional<int64_t>(page->total) : std::nullopt,
                    std::nullopt};
    return Fetched{std::move(page->issues), info};
  }

  Result<IssuePage> Post(const std::string& path, const json& body) {
    auto conn = s_.Conn();
    if (!conn) return Fail(conn.error());
    const std::string what = "POST " + (*conn)->endpoint().Rest(path);
    auto resp = (*conn)->Call(HttpRequest{"POST", path, {{"Content-Type", "application/json"}}, RequestBody(body), true});
    if (!resp) return Fail(resp.error());
    return DecodeIssuePage(resp->body, what, keep_.get());
  }

  Session& s_;
  IssueQuery q_;
  std::vector<std::string> fields_;
  int64_t page_;
  int threads_;
  bool cloud_;
  ScanReport* report_;
  std::shared_ptr<const KeepTree> keep_;
  IssueStream first_;
  int phase_ = 0;  ///< 0 first page, 1 parallel, 2 sequential, 3 done
  std::set<std::string> seen_;  ///< ids the first page gave
  std::string last_page_;       ///< PageSignature of the last page emitted
  std::unique_ptr<IssueStream> ids_;
  bool ids_done_ = false;
  std::deque<std::string> pending_ids_;
  int64_t next_start_ = 0;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::deque<std::pair<int64_t, Task>> queue_;
  std::map<int64_t, Result<Fetched>> results_;
  int64_t next_task_ = 0, next_emit_ = 0;
  std::atomic<int64_t> calls_{0};
  std::vector<std::thread> workers_;
};

/// For each parent item of `parents`, the items of the stream `child(parent)`,
/// each remembering its parent.
class NestedStream final : public ItemStream {
 public:
  using Factory = std::function<std::unique_ptr<ItemStream>(const json& parent)>;
  using ParentView = std::function<json(const json& parent)>;
  NestedStream(std::unique_ptr<ItemStream> parents, Factory child, ParentView view)
      : parents_(std::move(parents)), child_(std::move(child)), view_(std::move(view)) {}

  Result<bool> Next(std::vector<Item>* out) override {
    for (;;) {
      if (current_) {
        std::vector<Item> page;
        auto more = current_->Next(&page);
        if (!more) return Fail(more.error());
        if (*more) {
          for (auto& i : page) out->push_back({std::move(i.value), parent_});
          return true;
        }
        current_.reset();
      }
      if (pending_.empty()) {
        if (parents_done_) return false;
        std::vector<Item> page;
        auto more = parents_->Next(&page);
        if (!more) return Fail(more.error());
        if (!*more) {
          parents_done_ = true;
          return false;
        }
        for (auto it = page.rbegin(); it != page.rend(); ++it) pending_.push_back(std::move(it->value));
        continue;
      }
      json p = std::move(pending_.back());
      pending_.pop_back();
      current_ = child_(p);
      parent_ = std::make_shared<const json>(view_(p));
      if (!current_) continue;  // nothing to read under this parent
    }
  }

 private:
  std::unique_ptr<ItemStream> parents_;
  Factory child_;
  ParentView view_;
  std::vector<json> pending_;  ///< parents still to visit, last first
  bool parents_done_ = false;
  std::unique_ptr<ItemStream> current_;
  std::shared_ptr<const json> parent_;
};

json IssueRef(const json& issue) {
  json ref = json::object();
  if (auto n = ParseInt(IdOf(issue))) ref["id"] = *n;
  if (issue.contains("key")) ref["key"] = issue["key"];
  return ref;
}

// ---- system tables ----------------------------------------------------------

std::vector<json> SysRows(Session& s, Source source) {
  std::vector<json> rows;
  switch (source) {
    case Source::kSysTables:
      for (const auto& t : BaseTables()) {
        const bool sys = t.name.rfind("sys_", 0) == 0;
        rows.push_back({{"TableName", t.name}, {"TableType", sys ? "SYSTEM TABLE" : "TABLE"},
                        {"Description", t.description}, {"Api", t.api}});
      }
      for (const auto& p : OAuthProcedures()) {
        rows.push_back({{"TableName", p.name}, {"TableType", "PROCEDURE"}, {"Description", p.description},
                        {"Api", "OAuth token endpoint"}});
      }
      break;
    case Source::kSysTableColumns:
      for (const auto& name : s.TableNames()) {
        auto t = s.Table(name);
        const TableDef* def = t ? *t : FindBaseTable(name);  // without custom fields when /field fails
        for (std::size_t i = 0; i < def->columns.size(); ++i) {
          const auto& c = def->columns[i];
          rows.push_back({{"TableName", def->name}, {"ColumnName", c.name}, {"Ordinal", i},
                          {"DataType", SqlDeclaredType(c.type)}, {"ValueFormat", SqlTypeLabel(c.type)},
                          {"IsHidden", c.hidden ? 1 : 0}, {"JiraField", c.jira_field},
                          {"Pushdown", PushdownText(c.push)}, {"Description", c.description}});
        }
      }
      break;
    case Source::kSysProcedures:
      for (const auto& p : OAuthProcedures()) rows.push_back({{"ProcedureName", p.name}, {"Description", p.description}});
      break;
    case Source::kSysProcedureParameters:
      for (const auto& p : OAuthProcedures()) {
        int i = 0;
        for (const auto& in : p.inputs) {
          rows.push_back({{"ProcedureName", p.name}, {"ParameterName", in.name}, {"Direction", "IN"},
                          {"Ordinal", i++}, {"Required", in.required ? 1 : 0}, {"Description", in.description}});
        }
        for (const auto& out : p.outputs) {
          rows.push_back({{"ProcedureName", p.name}, {"ParameterName", out}, {"Direction", "OUT"},
                          {"Ordinal", nullptr}, {"Required", 0}, {"Description", "result column"}});
        }
      }
      break;
    case Source::kSysConnectionProps:
      for (const auto& spec : PropertyCatalog()) {
        std::string v = s.props().Get(spec.name);
        if (spec.secret && !v.empty()) v = "********";
        std::string allowed;
        for (auto a : spec.allowed) allowed += (allowed.empty() ? "" : ",") + std::string(a);
        rows.push_back({{"Name", spec.name}, {"Value", v}, {"DefaultValue", spec.default_value},
                        {"Type", PropTypeName(spec.type)}, {"AllowedValues", allowed}, {"Category", spec.category},
                        {"IsSecret", spec.secret ? 1 : 0}, {"Source", PropSourceName(s.props().SourceOf(spec.name))},
                        {"Description", spec.description}});
      }
      break;
    default:
      break;
  }
  return rows;
}

// ---- the scan ---------------------------------------------------------------

class TableScan final : public Scan {
 public:
  TableScan(Session& s, ScanRequest req, std::unique_ptr<ItemStream> stream, std::shared_ptr<ScanReport> report)
      : s_(s), req_(std::move(req)), stream_(std::move(stream)), owner_(std::move(report)), report_(owner_.get()) {
    max_rows_ = req_.table->source < Source::kSysTables ? s.max_rows() : -1;
  }

  Result<bool> Next(std::vector<SqlRow>* rows) override {
    if (!stream_) return false;
    std::vector<Item> items;
    auto more = stream_->Next(&items);
    if (!more) return Fail(more.error().WithContext(req_.table->name));
    if (!*more) {
      stream_.reset();
      return false;
    }
    const int api = s_.cloud() ? 3 : 2;
    for (const auto& item : items) {
      if (req_.table->source == Source::kChangelogs) {
        json history = item.value;
        history.erase("items");
        const json* list = item.value.contains("items") ? &item.value["items"] : nullptr;
        if (!list || !list->is_array()) continue;
        int64_t ordinal = 0;
        for (const auto& change : *list) {
          json row = change;
          row["history"] = history;
          if (auto r = Emit(RowContext{row, item.parent.get(), api, ordinal++}, rows); !r) return Fail(r.error());
        }
      } else {
        if (auto r = Emit(RowContext{item.value, item.parent.get(), api}, rows); !r) return Fail(r.error());
      }
      if (max_rows_ >= 0 && read_ >= max_rows_) break;
    }
    if (report_) report_->rows = read_;
    if (s_.progress) {
      s_.progress(req_.table->name, read_, report_ ? report_->calls : 0, report_ ? report_->expected : -1);
    }
    if (max_rows_ >= 0 && read_ >= max_rows_) {
      if (report_) report_->truncated = true;
      s_.notice(req_.table->name + ": stopped after MaxRows=" + std::to_string(max_rows_) +
                " rows; the result may be incomplete");
      stream_.reset();
    }
    return true;
  }

 private:
  Result<void> Emit(const RowContext& ctx, std::vector<SqlRow>* rows) {
    if (max_rows_ >= 0 && read_ >= max_rows_) return Ok();
    const std::size_t n = req_.table->columns.size();
    SqlRow row(n + 1);
    std::size_t i = 0;
    try {
      for (; i < n; ++i) {
        if (req_.needed.empty() || req_.needed[i]) row[i] = req_.table->columns[i].get(ctx);
      }
      // The row's rowid, last: stable across scans where the table has one,
      // because SQLite unions OR branches by rowid.
      row[n] = req_.table->rowid ? req_.table->rowid(ctx) : read_ + 1;
    } catch (const BadValue& e) {
      const std::string where = i < n ? "." + req_.table->columns[i].name : " (its id)";
      return Fail(ErrorCode::kBadResponse, req_.table->name + where + " of " + RowName(ctx) + ": " + e.what() +
                                               "; that is not what Jira sends, so the query stops here");
    }
    rows->push_back(std::move(row));
    ++read_;
    return Ok();
  }

  // The row for an error message: its key or id, or its issue's.
  static std::string RowName(const RowContext& ctx) {
    for (const json* j : {&ctx.item, ctx.issue}) {
      if (!j || !j->is_object()) continue;
      for (const char* k : {"key", "id"}) {
        auto it = j->find(k);
        if (it != j->end() && (it->is_string() || it->is_number())) {
          std::string v = it->is_string() ? it->get<std::string>() : it->dump();
          return (j == &ctx.item ? "row " : "the row of issue ") + v.substr(0, 40);
        }
      }
    }
    return "a row";
  }

  Session& s_;
  ScanRequest req_;
  std::unique_ptr<ItemStream> stream_;
  std::shared_ptr<ScanReport> owner_;
  ScanReport* report_;
  int64_t max_rows_ = -1;
  int64_t read_ = 0;
};

// The fields= list for the columns an Issues scan needs.
std::vector<std::string> IssueFields(const ScanRequest& req) {
  std::vector<std::string> fields;
  for (std::size_t i = 0; i < req.table->columns.size(); ++i) {
    const auto& f = req.table->columns[i].jira_field;
    if (f.empty() || (!req.needed.empty() && !req.needed[i])) continue;
    if (std::find(fields.begin(), fields.end(), f) == fields.end()) fields.push_back(f);
  }
  if (fields.empty()) fields.push_back("id");
  return fields;
}

}  // namespace

std::shared_ptr<const KeepTree> KeepFor(const TableDef& table, const std::vector<bool>& needed) {
  auto keep = std::make_shared<KeepTree>();
  keep->Add({"id"});
  keep->Add({"key"});
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    const auto& c = table.columns[i];
    if ((!needed.empty() && !needed[i]) || c.push == Push::kJql) continue;
    if (!c.reads_item) return nullptr;
    keep->Add(c.json_path);
  }
  return keep;
}

namespace {

class EmptyScan final : public Scan {
 public:
  Result<bool> Next(std::vector<SqlRow>*) override { return false; }
};

// explain: how many issues the JQL matches, as Jira estimates; -1 with
// `*why` set when the count cannot be had.
int64_t EstimateIssues(Session& s, const IssueQuery& q, std::string* why) {
  if (q.matches_nothing) return 0;
  const bool cloud = s.cloud();
  const std::string jql = q.Jql(cloud ? kEveryIssue : "");
  auto j = cloud ? Call(s, HttpRequest{"POST", "/search/approximate-count", {{"Content-Type", "application/json"}},
                                       RequestBody(json{{"jql", jql}}), true}, nullptr)
                 : Call(s, HttpRequest{"POST", "/search", {{"Content-Type", "application/json"}},
                                       RequestBody(json{{"jql", jql}, {"maxResults", 0}, {"fields", {"id"}}}), true},
                        nullptr);
  if (!j) {
    *why = j.error().message;
    return -1;
  }
  const char* member = cloud ? "count" : "total";
  auto it = j->is_object() ? j->find(member) : j->end();
  if (!j->is_object() || it == j->end() || !it->is_number_integer() || it->get<int64_t>() < 0) {
    *why = std::string(cloud ? "POST /search/approximate-count" : "POST /search") + " answered without a usable \"" +
           member + "\"";
    return -1;
  }
  return it->get<int64_t>();
}

}  // namespace

Result<std::unique_ptr<Scan>> OpenScan(Session& s, ScanRequest req) {
  const TableDef& t = *req.table;
  const Source src = t.source;
  if (src >= Source::kSysTables) {
    return std::unique_ptr<Scan>(
        std::make_unique<TableScan>(s, std::move(req), std::make_unique<FixedStream>(SysRows(s, src)), nullptr));
  }
  auto conn = s.Conn();
  if (!conn) return Fail(conn.error());
  const bool cloud = (*conn)->endpoint().api_version >= 3;
  const int64_t page = s.page_size();

  auto report_owner = std::make_shared<ScanReport>();
  s.AddReport(report_owner);
  ScanReport* report = report_owner.get();
  report->table = t.name;
  report->calls = 0;
  const bool explain = s.explain;

  // maxResults: Pagesize, or LIMIT when smaller.
  auto issue_page = [&]() {
    int64_t p = page;
    if (req.limit_hint > 0) p = std::min(p, req.limit_hint);
    return std::max<int64_t>(1, p);
  };
  // What Jira serves per page of that: Cloud at most 100 issues with fields
  // (5,000 with ids only), Data Center 1,000 by default.
  auto served = [&](int64_t asked, bool id_only) {
    return std::min<int64_t>(asked, cloud ? (id_only ? 5000 : 100) : 1000);
  };
  auto estimate_calls = [&](int64_t rows, int64_t per_page) {
    return rows < 0 ? int64_t{-1} : std::max<int64_t>(1, (rows + per_page - 1) / per_page);
  };

  std::unique_ptr<ItemStream> stream;
  switch (src) {
    case Source::kIssues: {
      auto fields = IssueFields(req);
      report->jql = req.query.Jql(cloud ? kEveryIssue : "");
      report->fields = Join(fields, ",");
      report->page_size = served(issue_page(), fields == std::vector<std::string>{"id"});
      const int threads = static_cast<int>(s.props().GetInt("MaxThreads").value_or(1));
      const bool parallel = threads > 1 && req.limit_hint < 0;
      if (explain) {
        report->rows = EstimateIssues(s, req.query, &report->estimate_note);
        report->calls = estimate_calls(report->rows, report->page_size);
        report->calls_note = "one search call per page";
        if (parallel && report->rows > report->page_size) {
          const int64_t rest = report->rows - report->page_size;
          report->calls = cloud ? 1 + estimate_calls(report->rows, 5000) + estimate_calls(rest, 100)
                                : 1 + estimate_calls(rest, report->page_size);
          report->calls_note = cloud ? "the first page, then id-only pages and bulk fetches of 100, " +
                                           std::to_string(threads) + " at a time"
                                     : "the first page, then the other pages " + std::to_string(threads) + " at a time";
        }
        return std::unique_ptr<Scan>(std::make_unique<EmptyScan>());
      }
      auto keep = KeepFor(*req.table, req.needed);
      if (parallel) {
        stream = std::make_unique<ParallelIssueStream>(s, req.query, fields, issue_page(), threads, cloud, report,
                                                       keep);
      } else {
        stream = std::make_unique<IssueStream>(s, req.query, fields, issue_page(), report, keep);
      }
      break;
    }
    case Source::kComments:
    case Source::kWorklogs:
    case Source::kChangelogs: {
      report->jql = req.query.Jql(cloud ? kEveryIssue : "");
      report->fields = "id";
      report->page_size = 100;
      if (explain) {
        int64_t issues = EstimateIssues(s, req.query, &report->estimate_note);
        report->rows = -1;
        report->calls = issues < 0 ? -1 : estimate_calls(issues, served(issue_page(), true)) + issues;
        report->calls_note = "issue search pages + at least one call per issue (" +
                             (issues < 0 ? std::string("?") : std::to_string(issues)) + " issues)";
        return std::unique_ptr<Scan>(std::make_unique<EmptyScan>());
      }
      auto issues = std::make_unique<IssueStream>(s, req.query, std::vector<std::string>{"id"}, issue_page(), report);
      std::string what = src == Source::kComments ? "comment" : src == Source::kWorklogs ? "worklog" : "changelog";
      std::string key = src == Source::kComments ? "comments" : src == Source::kWorklogs ? "worklogs" : "values";
      Session* sp = &s;
      NestedStream::Factory child = [sp, what, key, cloud, report](const json& issue) -> std::unique_ptr<ItemStream> {
        const std::string id = IdOf(issue);
        if (what == "changelog" && !cloud) {
          // Data Center has no /changelog endpoint: the issue with expand=changelog.
          return std::make_unique<OneCallStream>(*sp, "/issue/" + UrlEncode(id) + "?fields=id&expand=changelog",
                                                 "", report);
        }
        return std::make_unique<StartAtStream>(*sp, "/issue/" + UrlEncode(id) + "/" + what, key, 100, report);
      };
      stream = std::make_unique<NestedStream>(std::move(issues), std::move(child), IssueRef);
      if (src == Source::kChangelogs && !cloud) {
        // Unwrap {"changelog":{"histories":[…]}} into the histories.
        class Unwrap final : public ItemStream {
         public:
          explicit Unwrap(std::unique_ptr<ItemStream> in) : in_(std::move(in)) {}
          Result<bool> Next(std::vector<Item>* out) override {
            std::vector<Item> page;
            auto more = in_->Next(&page);
            if (!more || !*more) return more;
            for (auto& i : page) {
              const json* h = i.value.contains("changelog") ? &i.value["changelog"] : nullptr;
              if (h && h->contains("histories") && (*h)["histories"].is_array()) {
                for (const auto& x : (*h)["histories"]) out->push_back({x, i.parent});
              } else {
                out->push_back(std::move(i));
              }
            }
            return true;
          }

         private:
          std::unique_ptr<ItemStream> in_;
        };
        stream = std::make_unique<Unwrap>(std::move(stream));
      }
      break;
    }
    case Source::kProjects:
      stream = cloud ? std::unique_ptr<ItemStream>(std::make_unique<StartAtStream>(
                           s, "/project/search?expand=description,lead", "values", 50, report))
                     : std::make_unique<OneCallStream>(s, "/project?expand=description,lead", "", report);
      break;
    case Source::kUsers:
      stream = cloud ? std::make_unique<StartAtStream>(s, "/users/search", "", 100, report)
                     : std::make_unique<StartAtStream>(s, "/user/search?username=.", "", 100, report);
      break;
    case Source::kFields: stream = std::make_unique<OneCallStream>(s, "/field", "", report); break;
    case Source::kMyself: stream = std::make_unique<OneCallStream>(s, "/myself", "", report); break;
    case Source::kIssueTypes: stream = std::make_unique<OneCallStream>(s, "/issuetype", "", report); break;
    case Source::kStatuses: stream = std::make_unique<OneCallStream>(s, "/status", "", report); break;
    case Source::kPriorities: stream = std::make_unique<OneCallStream>(s, "/priority", "", report); break;
    case Source::kResolutions: stream = std::make_unique<OneCallStream>(s, "/resolution", "", report); break;
    case Source::kBoards:
      stream = std::make_unique<StartAtStream>(s, AgileUrl(s, "/board"), "values", 50, report);
      break;
    case Source::kSprints:
    case Source::kSprintIssues: {
      Session* sp = &s;
      auto boards = [&]() -> std::unique_ptr<ItemStream> {
        return std::make_unique<StartAtStream>(s, AgileUrl(s, "/board"), "values", 50, report);
      };
      auto given = [&]() {
        std::vector<json> ids;
        for (auto id : req.parent_ids) ids.push_back(json{{"id", id}});
        return std::make_unique<FixedStream>(std::move(ids));
      };
      auto id_view = [](const json& p) { return json{{"id", p.value("id", json())}}; };
      NestedStream::Factory sprints_of = [sp, report](const json& board) -> std::unique_ptr<ItemStream> {
        // Kanban boards have no sprints (Jira answers 400).
        if (board.value("type", "scrum") == "kanban") return nullptr;
        return std::make_unique<StartAtStream>(*sp, AgileUrl(*sp, "/board/" + board["id"].dump() + "/sprint"),
                                               "values", 50, report);
      };
      if (src == Source::kSprints) {
        std::unique_ptr<ItemStream> parents = req.parents_given ? std::unique_ptr<ItemStream>(given()) : boards();
        stream = std::make_unique<NestedStream>(std::move(parents), sprints_of, id_view);
      } else {
        std::unique_ptr<ItemStream> sprints =
            req.parents_given ? std::unique_ptr<ItemStream>(given())
                              : std::make_unique<NestedStream>(boards(), sprints_of, id_view);
        NestedStream::Factory issues_of = [sp, report](const json& sprint) -> std::unique_ptr<ItemStream> {
          return std::make_unique<StartAtStream>(
              *sp, AgileUrl(*sp, "/sprint/" + sprint["id"].dump() + "/issue?fields=summary,status,assignee"),
              "issues", 100, report);
        };
        stream = std::make_unique<NestedStream>(std::move(sprints), issues_of, id_view);
      }
      break;
    }
    default:
      return Fail(ErrorCode::kInternal, "no reader for table " + t.name);
  }
  if (explain) {
    report->calls = -1;
    report->calls_note = "one call per page of " + t.api;
    return std::unique_ptr<Scan>(std::make_unique<EmptyScan>());
  }
  return std::unique_ptr<Scan>(std::make_unique<TableScan>(s, std::move(req), std::move(stream), report_owner));
}

}  // namespace jirasql
