#include "jira/client.h"

#include <algorithm>
#include <unordered_map>

#include "common/strings.h"
#include "common/time.h"
#include "http/response_error.h"
#include "jira/pager.h"
#include "jira/parallel_children.h"
#include "jira/rest_call.h"

namespace jirasql {

using json = nlohmann::json;

namespace {

class FixedStream final : public ItemStream {
 public:
  explicit FixedStream(std::vector<json> items) : items_(std::move(items)) {}
  bool InMemory() const override { return true; }
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

/// GET `url` once; the answer (or its `key`, a path like "fields/attachment")
/// is an array of items.
class OneCallStream final : public ItemStream {
 public:
  OneCallStream(JiraClient& c, std::string url, std::string key, ReadStats* report)
      : c_(c), url_(std::move(url)), key_(std::move(key)), report_(report) {}
  Result<bool> Next(std::vector<Item>* out) override {
    if (done_) return false;
    done_ = true;
    auto j = CallJson(c_, HttpRequest{"GET", url_, {}, "", std::nullopt}, report_);
    if (!j) return Fail(j.error());
    const json* arr = &*j;
    if (key_.empty() && j->is_object()) {  // one object: one item
      out->push_back({std::move(*j), nullptr});
      return true;
    }
    for (const auto& k : key_.empty() ? std::vector<std::string>{} : Split(key_, '/')) {
      arr = arr && arr->is_object() && arr->contains(k) ? &(*arr)[k] : nullptr;
    }
    if (!arr || !arr->is_array()) {
      return Fail(ErrorCode::kBadResponse, "GET " + UrlForMessage(url_) + ": expected a JSON array" +
                                               (key_.empty() ? "" : " in \"" + key_ + "\""));
    }
    for (auto& e : *arr) out->push_back({std::move(e), nullptr});
    return true;
  }

 private:
  JiraClient& c_;
  std::string url_, key_;
  ReadStats* report_;
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
  StartAtStream(JiraClient& c, std::string url, std::string key, int64_t page, ReadStats* report)
      : c_(c),
        url_(std::move(url)),
        key_(std::move(key)),
        page_(page),
        report_(report),
        pager_("GET " + UrlForMessage(Absolute(c, url_)), NounOf(url_), page, key_.empty()) {}
  Result<bool> Next(std::vector<Item>* out) override {
    if (pager_.done()) return false;
    const std::string sep = url_.find('?') == std::string::npos ? "?" : "&";
    const int64_t at = pager_.next_start();
    auto j = CallJson(c_,
                      HttpRequest{"GET",
                                  url_ + sep + "startAt=" + std::to_string(at) + "&maxResults=" + std::to_string(page_),
                                  {},
                                  "",
                                  std::nullopt},
                      report_);
    if (!j) return Fail(j.error());
    json* arr = key_.empty() ? &*j : (j->is_object() && j->contains(key_) ? &(*j)[key_] : nullptr);
    if (!arr || !arr->is_array()) {
      return Fail(ErrorCode::kBadResponse, "GET " + UrlForMessage(url_) + ": expected a JSON array" +
                                               (key_.empty() ? "" : " in \"" + key_ + "\"") +
                                               " at startAt=" + std::to_string(at));
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
  static std::string Absolute(JiraClient& c, const std::string& url) {
    if (url.rfind('/', 0) != 0) return url;
    auto conn = c.connection();
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

  JiraClient& c_;
  std::string url_, key_;
  int64_t page_;
  ReadStats* report_;
  OffsetPager pager_;
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

std::string AgileUrl(JiraClient& c, const std::string& path) {
  auto conn = c.connection();
  return (conn ? (*conn)->endpoint().base_url : std::string()) + "/rest/agile/1.0" + path;
}

json IdView(const json& p) { return json{{"id", p.value("id", json())}}; }

/// Data Center's changelog comes inside the issue ({"changelog":{"histories":
/// […]}}): each history becomes an item.
class UnwrapHistories final : public ItemStream {
 public:
  explicit UnwrapHistories(std::unique_ptr<ItemStream> in) : in_(std::move(in)) {}
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

/// An issue's {"id","key"} with its project's "projectId" and "projectKey"
/// when the issue was read with the project field.
json IssueAndProjectRef(const json& issue) {
  json ref = IssueRef(issue);
  const json* fields = issue.is_object() && issue.contains("fields") ? &issue["fields"] : nullptr;
  const json* project = fields && fields->is_object() && fields->contains("project") ? &(*fields)["project"] : nullptr;
  if (project && project->is_object()) {
    if (auto n = ParseInt(IdOf(*project))) ref["projectId"] = *n;
    if (project->contains("key")) ref["projectKey"] = (*project)["key"];
  }
  return ref;
}

/// Each issue of `in` becomes the elements of its array field `field`.
class ElementStream final : public ItemStream {
 public:
  ElementStream(std::string field, std::unique_ptr<ItemStream> in) : field_(std::move(field)), in_(std::move(in)) {}
  Result<bool> Next(std::vector<Item>* out) override {
    std::vector<Item> page;
    auto more = in_->Next(&page);
    if (!more || !*more) return more;
    for (auto& i : page) {
      json* fields = i.value.is_object() && i.value.contains("fields") ? &i.value["fields"] : nullptr;
      json* list = fields && fields->is_object() && fields->contains(field_) ? &(*fields)[field_] : nullptr;
      if (!list || list->is_null()) continue;  // none
      if (!list->is_array()) {
        return Fail(ErrorCode::kBadResponse, "issue " + IdOf(i.value) + ": the field " + field_ +
                                                 " is not a JSON array (Jira sent " + list->dump().substr(0, 60) + ")");
      }
      auto parent = std::make_shared<const json>(IssueAndProjectRef(i.value));
      for (auto& e : *list) out->push_back({std::move(e), parent});
    }
    return true;
  }

 private:
  std::string field_;
  std::unique_ptr<ItemStream> in_;
};

// The histories of the issues `ids` (at most 1,000) limited to `field_ids`,
// added to `by_issue`: POST /changelog/bulkfetch, paged by nextPageToken.
Result<void> BulkChangelog(JiraClient& c, const std::vector<std::string>& ids,
                           const std::vector<std::string>& field_ids, ReadStats* stats,
                           std::unordered_map<std::string, std::vector<json>>* by_issue) {
  TokenPager pager("POST /changelog/bulkfetch");
  while (!pager.done()) {
    json body{{"issueIdsOrKeys", ids}, {"fieldIds", field_ids}, {"maxResults", 10000}};
    if (!pager.token().empty()) body["nextPageToken"] = pager.token();
    auto j = CallJson(c, JsonPost("/changelog/bulkfetch", body), stats);
    if (!j) return Fail(j.error());
    const json* logs = j->is_object() && j->contains("issueChangeLogs") ? &(*j)["issueChangeLogs"] : nullptr;
    if (!logs || !logs->is_array()) {
      return Fail(ErrorCode::kBadResponse, "POST /changelog/bulkfetch: expected a JSON array in \"issueChangeLogs\"");
    }
    std::vector<std::string> keys;
    for (const auto& log : *logs) {
      const json* list = log.is_object() && log.contains("changeHistories") ? &log["changeHistories"] : nullptr;
      const std::string issue = log.is_object() && log.contains("issueId") ? IdOf(json{{"id", log["issueId"]}}) : "";
      if (issue.empty() || !list || !list->is_array()) {
        return Fail(ErrorCode::kBadResponse,
                    "POST /changelog/bulkfetch: an entry of issueChangeLogs has no issueId or changeHistories");
      }
      for (const auto& h : *list) {
        keys.push_back(issue + "/" + IdOf(h));
        (*by_issue)[issue].push_back(h);
      }
    }
    std::optional<std::string> next;
    if (auto t = j->find("nextPageToken"); t != j->end() && t->is_string()) next = t->get<std::string>();
    if (auto r = pager.Accept(next, std::nullopt, keys); !r) return Fail(r.error());
  }
  return Ok();
}

// Data Center: the histories inside the issue, or the issue's whole
// changelog when the search cut it short.
Result<std::vector<json>> EmbeddedHistories(JiraClient& c, json& issue, ReadStats* stats) {
  json* log = issue.is_object() && issue.contains("changelog") ? &issue["changelog"] : nullptr;
  json* list = log && log->is_object() && log->contains("histories") ? &(*log)["histories"] : nullptr;
  if (!list || !list->is_array()) {
    return Fail(ErrorCode::kBadResponse,
                "issue " + IdOf(issue) + ": the search answer has no changelog.histories (expand=changelog)");
  }
  const int64_t total = log->value("total", static_cast<int64_t>(list->size()));
  if (total <= static_cast<int64_t>(list->size())) return std::move(list->get_ref<json::array_t&>());
  auto whole = CallJson(
      c, HttpRequest{"GET", "/issue/" + UrlEncode(IdOf(issue)) + "?fields=id&expand=changelog", {}, "", std::nullopt},
      stats);
  if (!whole) return Fail(whole.error());
  const json* h = whole->is_object() && whole->contains("changelog") ? &(*whole)["changelog"] : nullptr;
  if (!h || !h->contains("histories") || !(*h)["histories"].is_array()) {
    return Fail(ErrorCode::kBadResponse, "GET /issue/" + IdOf(issue) + "?expand=changelog: no changelog.histories");
  }
  return (*h)["histories"].get<std::vector<json>>();
}

/// The status changes of each issue of `in`, one item per change in time
/// order: {"id" (the history's), "created", "author", "from", "fromString",
/// "to", "toString", "enteredFrom" (when the issue entered the status it
/// left: its creation or the change before), "secondsInFrom"}. Cloud reads
/// the changelogs of up to 1,000 issues a request (POST /changelog/bulkfetch,
/// status only); Data Center's come inside the search pages (expand=
/// changelog), and an issue whose embedded changelog is cut short is read
/// whole (GET /issue/{id}?expand=changelog).
class StatusChangeStream final : public ItemStream {
 public:
  static constexpr std::size_t kBatch = 1000;  // the most issueIdsOrKeys bulkfetch takes

  StatusChangeStream(JiraClient& c, std::unique_ptr<ItemStream> in, ReadStats* stats)
      : c_(c), in_(std::move(in)), stats_(stats), cloud_(c.cloud()) {}

  Result<bool> Next(std::vector<Item>* out) override {
    std::vector<Item> issues;
    while (!in_done_ && (issues.empty() || (cloud_ && issues.size() < kBatch))) {
      std::vector<Item> page;
      auto more = in_->Next(&page);
      if (!more) return Fail(more.error());
      if (!*more) {
        in_done_ = true;
        break;
      }
      for (auto& i : page) issues.push_back(std::move(i));
    }
    if (issues.empty()) return false;
    auto histories = c_.HistoriesOf(issues, {"status"}, stats_);
    if (!histories) return Fail(histories.error());
    for (auto& i : issues) Emit(i.value, (*histories)[IdOf(i.value)], out);
    return true;
  }

 private:
  // Epoch ms of a timestamp string, when it is one.
  static std::optional<int64_t> Ms(const json& v) {
    if (!v.is_string()) return std::nullopt;
    return ParseIso8601Ms(v.get_ref<const std::string&>());
  }

  static void Emit(const json& issue, std::vector<json>& histories, std::vector<Item>* out) {
    // Each history's time and id parsed once, then sorted by them.
    struct Keyed {
      int64_t ms, id;
      json* h;
    };
    std::vector<Keyed> order;
    order.reserve(histories.size());
    for (auto& h : histories) {
      order.push_back(
          {Ms(h.is_object() ? h.value("created", json()) : json()).value_or(0), ParseInt(IdOf(h)).value_or(0), &h});
    }
    std::stable_sort(order.begin(), order.end(),
                     [](const Keyed& a, const Keyed& b) { return a.ms != b.ms ? a.ms < b.ms : a.id < b.id; });
    auto parent = std::make_shared<const json>(IssueAndProjectRef(issue));
    const json* created = issue.is_object() && issue.contains("fields") ? &issue["fields"] : nullptr;
    json since = created && created->is_object() ? created->value("created", json()) : json();
    std::optional<int64_t> since_ms = Ms(since);
    for (const auto& k : order) {
      const json& h = *k.h;
      const json* items = h.is_object() && h.contains("items") ? &h["items"] : nullptr;
      if (!items || !items->is_array()) continue;
      for (const auto& c : *items) {
        if (!c.is_object() || c.value("fieldId", c.value("field", "")) != "status") continue;
        json row{{"id", h.value("id", json())},
                 {"created", h.value("created", json())},
                 {"author", h.value("author", json())},
                 {"from", c.value("from", json())},
                 {"fromString", c.value("fromString", json())},
                 {"to", c.value("to", json())},
                 {"toString", c.value("toString", json())},
                 {"enteredFrom", since}};
        const std::optional<int64_t> to_ms = Ms(row["created"]);
        if (since_ms && to_ms) row["secondsInFrom"] = (*to_ms - *since_ms) / 1000;
        since = row["created"];
        since_ms = to_ms;
        out->push_back({std::move(row), parent});
      }
    }
  }

  JiraClient& c_;
  std::unique_ptr<ItemStream> in_;
  ReadStats* stats_;
  bool cloud_;
  bool in_done_ = false;
};

/// A list that cannot be read on this Jira: its first page is the error.
class FailedStream final : public ItemStream {
 public:
  explicit FailedStream(Error e) : e_(std::move(e)) {}
  Result<bool> Next(std::vector<Item>*) override { return Fail(e_); }
  bool InMemory() const override { return true; }

 private:
  Error e_;
};

// A list only Jira Cloud serves, read on Data Center: `why` as the error
// of its first page (never an empty table).
std::unique_ptr<ItemStream> CloudOnly(std::string why) {
  return std::make_unique<FailedStream>(Error{ErrorCode::kInvalidArgument, std::move(why), 0});
}

json KeyView(const json& p) { return json{{"id", p.value("id", json())}, {"key", p.value("key", json())}}; }

}  // namespace

std::unique_ptr<ItemStream> JiraClient::ElementsOfIssues(const std::string& field, std::unique_ptr<ItemStream> issues) {
  return std::make_unique<ElementStream>(field, std::move(issues));
}

Result<std::unordered_map<std::string, std::vector<json>>> JiraClient::HistoriesOf(
    std::vector<Item>& issues, const std::vector<std::string>& field_ids, ReadStats* stats) {
  constexpr std::size_t kBatch = 1000;                           // the most issueIdsOrKeys bulkfetch takes
  std::unordered_map<std::string, std::vector<json>> histories;  // by issue id
  if (cloud()) {
    for (std::size_t at = 0; at < issues.size(); at += kBatch) {
      std::vector<std::string> ids;
      for (std::size_t k = at; k < std::min(issues.size(), at + kBatch); ++k) ids.push_back(IdOf(issues[k].value));
      if (auto r = BulkChangelog(*this, ids, field_ids, stats, &histories); !r) return Fail(r.error());
    }
    return histories;
  }
  for (auto& i : issues) {
    auto h = EmbeddedHistories(*this, i.value, stats);
    if (!h) return Fail(h.error());
    histories[IdOf(i.value)] = std::move(*h);
  }
  return histories;
}

std::unique_ptr<ItemStream> JiraClient::StatusChangesOfIssues(std::unique_ptr<ItemStream> issues, ReadStats* stats) {
  return std::make_unique<StatusChangeStream>(*this, std::move(issues), stats);
}

namespace {

// A list of each project: Cloud pages it at /project/{id}/<singular> (with
// startAt), Data Center answers /project/{id}/<singular>s whole.
std::unique_ptr<ItemStream> ListOfProjects(JiraClient& c, std::unique_ptr<ItemStream> projects,
                                           const std::string& singular, ReadStats* stats) {
  const bool is_cloud = c.cloud();
  NestedStream::Factory list = [&c, singular, stats, is_cloud](const json& project) -> std::unique_ptr<ItemStream> {
    const std::string base = "/project/" + UrlEncode(IdOf(project)) + "/" + singular;
    if (is_cloud) return std::make_unique<StartAtStream>(c, base, "values", 50, stats);
    return std::make_unique<OneCallStream>(c, base + "s", "", stats);
  };
  return std::make_unique<NestedStream>(std::move(projects), std::move(list), KeyView);
}

}  // namespace

std::unique_ptr<ItemStream> JiraClient::VersionsOfProjects(std::unique_ptr<ItemStream> projects, ReadStats* stats) {
  return ListOfProjects(*this, std::move(projects), "version", stats);
}

std::unique_ptr<ItemStream> JiraClient::ComponentsOfProjects(std::unique_ptr<ItemStream> projects, ReadStats* stats) {
  return ListOfProjects(*this, std::move(projects), "component", stats);
}

std::unique_ptr<ItemStream> JiraClient::IssueLinkTypes(ReadStats* stats) {
  return std::make_unique<OneCallStream>(*this, "/issueLinkType", "issueLinkTypes", stats);
}

std::unique_ptr<ItemStream> JiraClient::Labels(ReadStats* stats) {
  if (!cloud()) {
    return CloudOnly(
        "Jira Data Center has no list of labels (GET /rest/api/2/label does not exist); SELECT DISTINCT Label "
        "FROM IssueLabels reads the labels of the issues");
  }
  return std::make_unique<StartAtStream>(*this, "/label", "values", 1000, stats);
}

namespace {

// Each item of `in` becomes the items `map` makes of it (none, one or many);
// an error from `map` ends the stream.
class MappedStream final : public ItemStream {
 public:
  using Map = std::function<Result<void>(Item&& in, std::vector<Item>* out)>;
  MappedStream(std::unique_ptr<ItemStream> in, Map map) : in_(std::move(in)), map_(std::move(map)) {}
  Result<bool> Next(std::vector<Item>* out) override {
    std::vector<Item> page;
    auto more = in_->Next(&page);
    if (!more || !*more) return more;
    for (auto& i : page) {
      if (auto r = map_(std::move(i), out); !r) return Fail(r.error());
    }
    return true;
  }

 private:
  std::unique_ptr<ItemStream> in_;
  Map map_;
};

// Each item of `in` with its parent inside it as `key`: for a list read
// under those items, whose calls need both (a role's project, a context's field).
std::unique_ptr<ItemStream> ParentInside(std::unique_ptr<ItemStream> in, const char* key) {
  return std::make_unique<MappedStream>(std::move(in), [key](Item&& item, std::vector<Item>* out) -> Result<void> {
    item.value[key] = item.parent ? *item.parent : json();
    out->push_back(std::move(item));
    return Ok();
  });
}

// An error of `in` with one of `statuses` gets `note` added: what Jira asks
// of the account for this list (a 403 that names no permission helps nobody).
class NotedRefusal final : public ItemStream {
 public:
  NotedRefusal(std::unique_ptr<ItemStream> in, std::vector<int> statuses, std::string note)
      : in_(std::move(in)), statuses_(std::move(statuses)), note_(std::move(note)) {}
  Result<bool> Next(std::vector<Item>* out) override {
    auto more = in_->Next(out);
    if (!more && std::find(statuses_.begin(), statuses_.end(), more.error().http_status) != statuses_.end() &&
        more.error().message.find(note_) == std::string::npos) {  // a nested list's note is said once
      Error e = more.error();
      e.message += " — " + note_;
      return Fail(std::move(e));
    }
    return more;
  }

 private:
  std::unique_ptr<ItemStream> in_;
  std::vector<int> statuses_;
  std::string note_;
};

constexpr const char* kBrowseUsersNote =
    "reading groups and their members takes the Browse users and groups global permission (or Administer Jira); "
    "ask a Jira administrator to grant it, or connect as an account that has it";

// Data Center's group list is its group picker: each answer holds at most
// jira.ajax.autocomplete.limit groups and says how many more match, so the
// next asks again excluding those seen (`exclude=`), until none is left.
// A picker that lists no group at all means the account may not browse
// groups (Jira answers so rather than 403): an error, not an empty table.
class GroupPickerStream final : public ItemStream {
 public:
  GroupPickerStream(JiraClient& c, ReadStats* stats) : c_(c), stats_(stats) {}
  Result<bool> Next(std::vector<Item>* out) override {
    if (done_) return false;
    std::string url = "/groups/picker?maxResults=1000" + excluded_;
    if (url.size() > kMaxUrl) {
      return Fail(ErrorCode::kBadResponse,
                  "GET /groups/picker: after " + std::to_string(seen_) +
                      " groups Jira still lists more, and asking past them needs a URL longer than " +
                      std::to_string(kMaxUrl) +
                      " characters; raise Jira's jira.ajax.autocomplete.limit, or constrain GroupName");
    }
    auto j = CallJson(c_, HttpRequest{"GET", url, {}, "", std::nullopt}, stats_);
    if (!j) return Fail(j.error());
    if (!j->is_object() || !j->contains("groups") || !(*j)["groups"].is_array()) {
      return Fail(ErrorCode::kBadResponse, "GET /groups/picker: expected a JSON array in \"groups\"");
    }
    auto& groups = (*j)["groups"];
    if (seen_ == 0 && groups.empty()) {
      return Fail(ErrorCode::kPermissionDenied,
                  std::string("GET /groups/picker listed no group, which Jira does for an account without the "
                              "permission; ") +
                      kBrowseUsersNote);
    }
    const int64_t total = j->value("total", static_cast<int64_t>(groups.size()));
    for (auto& g : groups) {
      const std::string name = g.value("name", "");
      excluded_ += "&exclude=" + UrlEncode(name);
      ++seen_;
      out->push_back({json{{"name", name}, {"groupId", nullptr}}, nullptr});
    }
    done_ = groups.empty() || total <= static_cast<int64_t>(groups.size());
    return true;
  }

 private:
  // Jira's Tomcat takes 8 KiB of request line and headers (maxHttpHeaderSize):
  // what is left for the URL, with room for the headers.
  static constexpr std::size_t kMaxUrl = 6000;
  JiraClient& c_;
  ReadStats* stats_;
  std::string excluded_;
  int64_t seen_ = 0;
  bool done_ = false;
};

// The role's id: the last segment of its URL (Data Center's role map).
json RoleIdOfUrl(const std::string& url) {
  const auto slash = url.find_last_of('/');
  auto id = ParseInt(slash == std::string::npos ? url : url.substr(slash + 1));
  return id ? json(*id) : json(nullptr);
}

}  // namespace

std::unique_ptr<ItemStream> JiraClient::Groups(ReadStats* stats) {
  std::unique_ptr<ItemStream> list;
  if (cloud()) {
    list = std::make_unique<StartAtStream>(*this, "/group/bulk", "values", 50, stats);
  } else {
    list = std::make_unique<GroupPickerStream>(*this, stats);
  }
  return std::make_unique<NotedRefusal>(std::move(list), std::vector<int>{403}, kBrowseUsersNote);
}

std::unique_ptr<ItemStream> JiraClient::MembersOfGroups(std::unique_ptr<ItemStream> groups, ReadStats* stats) {
  NestedStream::Factory members = [this, stats](const json& g) -> std::unique_ptr<ItemStream> {
    const json id = g.value("groupId", json());
    const std::string by = id.is_string() && !id.get<std::string>().empty()
                               ? "groupId=" + UrlEncode(id.get<std::string>())
                               : "groupname=" + UrlEncode(g.value("name", ""));
    return std::make_unique<StartAtStream>(*this, "/group/member?" + by + "&includeInactiveUsers=true", "values", 50,
                                           stats);
  };
  auto view = [](const json& g) {
    return json{{"name", g.value("name", json())}, {"groupId", g.value("groupId", json())}};
  };
  return std::make_unique<NotedRefusal>(std::make_unique<NestedStream>(std::move(groups), std::move(members), view),
                                        std::vector<int>{403}, kBrowseUsersNote);
}

std::unique_ptr<ItemStream> JiraClient::RolesOfProjects(std::unique_ptr<ItemStream> projects, ReadStats* stats) {
  const bool is_cloud = cloud();
  NestedStream::Factory roles = [this, stats, is_cloud](const json& project) -> std::unique_ptr<ItemStream> {
    const std::string base = "/project/" + UrlEncode(IdOf(project));
    if (is_cloud) return std::make_unique<OneCallStream>(*this, base + "/roledetails", "", stats);
    // Data Center: {"<name>": "<url ending in the id>", …}.
    return std::make_unique<MappedStream>(
        std::make_unique<OneCallStream>(*this, base + "/role", "", stats),
        [base](Item&& map, std::vector<Item>* out) -> Result<void> {
          if (!map.value.is_object()) {
            return Fail(ErrorCode::kBadResponse, "GET " + base + "/role: expected a JSON object of role URLs");
          }
          for (auto& [name, url] : map.value.items()) {
            if (!url.is_string()) {
              return Fail(ErrorCode::kBadResponse, "GET " + base + "/role: the role " + name + " has no URL");
            }
            out->push_back({json{{"id", RoleIdOfUrl(url.get<std::string>())}, {"name", name}, {"self", url}}, nullptr});
          }
          return Ok();
        });
  };
  return std::make_unique<NestedStream>(std::move(projects), std::move(roles), KeyView);
}

std::unique_ptr<ItemStream> JiraClient::ActorsOfProjectRoles(std::unique_ptr<ItemStream> projects, ReadStats* stats) {
  // Each role with its project inside, so that the role's call knows both.
  auto roles = ParentInside(RolesOfProjects(std::move(projects), stats), "project");
  NestedStream::Factory actors = [this, stats](const json& role) -> std::unique_ptr<ItemStream> {
    return std::make_unique<OneCallStream>(
        *this, "/project/" + UrlEncode(IdOf(role["project"])) + "/role/" + UrlEncode(IdOf(role)), "actors", stats);
  };
  auto view = [](const json& role) {
    const json& p = role["project"];
    return json{{"id", p.value("id", json())},
                {"key", p.value("key", json())},
                {"roleId", role.value("id", json())},
                {"roleName", role.value("name", json())}};
  };
  return std::make_unique<NotedRefusal>(
      std::make_unique<NestedStream>(std::move(roles), std::move(actors), view), std::vector<int>{403, 404},
      "Jira shows a role's actors only to an account with the Administer Projects project permission (or Administer "
      "Jira), and answers 404 to others");
}

std::unique_ptr<ItemStream> JiraClient::Filters(ReadStats* stats) {
  if (!cloud()) {
    return CloudOnly(
        "Jira Data Center has no filter search (GET /rest/api/2/filter/search does not exist there), so "
        "jirasql cannot list every filter the account may see; Filters is Jira Cloud's");
  }
  return std::make_unique<StartAtStream>(
      *this, "/filter/search?expand=description,owner,jql,viewUrl,favourite,favouritedCount,sharePermissions", "values",
      100, stats);
}

std::unique_ptr<ItemStream> JiraClient::Dashboards(ReadStats* stats) {
  return std::make_unique<StartAtStream>(*this, "/dashboard", "dashboards", 100, stats);
}

std::unique_ptr<ItemStream> FixedItems(std::vector<json> items) {
  return std::make_unique<FixedStream>(std::move(items));
}

namespace {
class FilterStream final : public ItemStream {
 public:
  FilterStream(std::unique_ptr<ItemStream> in, std::function<bool(const json&)> keep)
      : in_(std::move(in)), keep_(std::move(keep)) {}
  Result<bool> Next(std::vector<Item>* out) override {
    std::vector<Item> page;
    auto more = in_->Next(&page);
    if (!more || !*more) return more;
    for (auto& i : page) {
      if (keep_(i.value)) out->push_back(std::move(i));
    }
    return true;
  }

 private:
  std::unique_ptr<ItemStream> in_;
  std::function<bool(const json&)> keep_;
};
}  // namespace

std::unique_ptr<ItemStream> FilterItems(std::unique_ptr<ItemStream> in, std::function<bool(const json&)> keep) {
  return std::make_unique<FilterStream>(std::move(in), std::move(keep));
}

namespace {

// The change histories of each issue of `in` (JiraClient::HistoriesOf, all
// fields), one item each, each issue's in time order.
class BulkHistoryStream final : public ItemStream {
 public:
  BulkHistoryStream(JiraClient& c, std::unique_ptr<ItemStream> in, ReadStats* stats)
      : c_(c), in_(std::move(in)), stats_(stats), cloud_(c.cloud()) {}

  Result<bool> Next(std::vector<Item>* out) override {
    constexpr std::size_t kBatch = 1000;  // bulkfetch's most issues a request
    std::vector<Item> issues;
    while (!in_done_ && (issues.empty() || (cloud_ && issues.size() < kBatch))) {
      std::vector<Item> page;
      auto more = in_->Next(&page);
      if (!more) return Fail(more.error());
      if (!*more) {
        in_done_ = true;
        break;
      }
      for (auto& i : page) issues.push_back(std::move(i));
    }
    if (issues.empty()) return false;
    auto histories = c_.HistoriesOf(issues, {}, stats_);
    if (!histories) return Fail(histories.error());
    for (const auto& issue : issues) {
      auto& list = (*histories)[IdOf(issue.value)];
      std::vector<std::pair<std::pair<std::string, int64_t>, std::size_t>> order;  // (created, id) -> index
      for (std::size_t k = 0; k < list.size(); ++k) {
        const json& h = list[k];
        order.push_back({{h.is_object() ? h.value("created", "") : "", ParseInt(IdOf(h)).value_or(0)}, k});
      }
      // Jira writes every time of one answer in one zone: the text orders them.
      std::stable_sort(order.begin(), order.end());
      auto parent = std::make_shared<const json>(IssueRef(issue.value));
      for (const auto& [key, k] : order) out->push_back({std::move(list[k]), parent});
    }
    return true;
  }

 private:
  JiraClient& c_;
  std::unique_ptr<ItemStream> in_;
  ReadStats* stats_;
  bool cloud_;
  bool in_done_ = false;
};

}  // namespace

std::unique_ptr<ItemStream> JiraClient::ChildrenOfSearch(IssueChild what, IssueSearch search, int threads,
                                                         ReadStats* stats) {
  // `keep` names what of each list item to keep (null: all of it); the
  // issues keep their id and key, and their list field's paging members.
  std::shared_ptr<const KeepTree> items = std::move(search.keep);
  search.keep = nullptr;
  if (items && (what == IssueChild::kComments || what == IssueChild::kWorklogs)) {
    const std::string field = ListField(what), list = what == IssueChild::kComments ? "comments" : "worklogs";
    auto keep = std::make_shared<KeepTree>();
    keep->Add({"id"});
    keep->Add({"key"});
    for (const char* m : {"total", "maxResults", "startAt"}) keep->Add({"fields", field, m});
    keep->Graft({"fields", field, list}, *items);
    search.keep = std::move(keep);
  }
  if (what == IssueChild::kChangelogs) {
    search.fields = {"id"};
    if (!cloud()) {
      search.expand = {"changelog"};
      search.page_size = std::min<int64_t>(search.page_size, 100);
    }
    return std::make_unique<BulkHistoryStream>(*this, SearchIssues(std::move(search), stats), stats);
  }
  if (what == IssueChild::kTransitions) return ChildrenOfIssues(what, SearchIssues(std::move(search), stats), stats);
  search.fields = {ListField(what)};
  return ListsOfIssues(what, SearchIssues(std::move(search), stats), threads, stats);
}

std::string JiraClient::ListField(IssueChild what) {
  switch (what) {
    case IssueChild::kComments:
      return "comment";
    case IssueChild::kWorklogs:
      return "worklog";
    case IssueChild::kAttachments:
      return "attachment";
    default:
      return "";
  }
}

std::unique_ptr<ItemStream> JiraClient::ListsOfIssues(IssueChild what, std::unique_ptr<ItemStream> issues, int threads,
                                                      ReadStats* stats) {
  if (what == IssueChild::kAttachments) {
    return std::make_unique<MappedStream>(ElementsOfIssues("attachment", std::move(issues)),
                                          [](Item&& a, std::vector<Item>* out) {
                                            if (a.parent) a.parent = std::make_shared<const json>(IssueRef(*a.parent));
                                            out->push_back(std::move(a));
                                            return Result<void>(Ok());
                                          });
  }
  const bool comments = what == IssueChild::kComments;
  const std::string field = ListField(what), list = comments ? "comments" : "worklogs";
  ChildList child = [this, field, list](json& issue, ReadStats* st) -> std::unique_ptr<ItemStream> {
    json* fields = issue.is_object() && issue.contains("fields") ? &issue["fields"] : nullptr;
    json* page = fields && fields->is_object() && fields->contains(field) ? &(*fields)[field] : nullptr;
    json* items = page && page->is_object() && page->contains(list) ? &(*page)[list] : nullptr;
    if (items && items->is_array()) {
      const int64_t total = page->value("total", static_cast<int64_t>(items->size()));
      if (total <= static_cast<int64_t>(items->size())) {  // the whole list: moved out, not copied
        std::vector<json> whole;
        whole.reserve(items->size());
        for (auto& e : *items) whole.push_back(std::move(e));
        return FixedItems(std::move(whole));
      }
    } else if (page && !page->is_null()) {
      return std::make_unique<FailedStream>(Error{ErrorCode::kBadResponse,
                                                  "issue " + IdOf(issue) + ": its " + field + " field holds no " +
                                                      list + " list (Jira sent " + page->dump().substr(0, 60) + ")",
                                                  0});
    }
    // More than the embedded page (or none sent): the issue's whole list.
    return std::make_unique<StartAtStream>(*this, "/issue/" + UrlEncode(IdOf(issue)) + "/" + field, list, 100, st);
  };
  return ParallelChildren(std::move(issues), std::move(child), IssueRef, threads, stats);
}

std::unique_ptr<ItemStream> JiraClient::ChildrenOfIssues(IssueChild what, std::unique_ptr<ItemStream> issues,
                                                         ReadStats* stats) {
  const bool is_cloud = cloud();
  const char* path = what == IssueChild::kComments   ? "comment"
                     : what == IssueChild::kWorklogs ? "worklog"
                                                     : "changelog";
  if (what == IssueChild::kAttachments) {
    // The issue's attachment field: one call per issue.
    NestedStream::Factory attachments = [this, stats](const json& issue) -> std::unique_ptr<ItemStream> {
      return std::make_unique<OneCallStream>(*this, "/issue/" + UrlEncode(IdOf(issue)) + "?fields=attachment",
                                             "fields/attachment", stats);
    };
    return std::make_unique<NestedStream>(std::move(issues), std::move(attachments), IssueRef);
  }
  if (what == IssueChild::kTransitions) {
    // Not paged: one call per issue.
    NestedStream::Factory transitions = [this, stats](const json& issue) -> std::unique_ptr<ItemStream> {
      return std::make_unique<OneCallStream>(
          *this, "/issue/" + UrlEncode(IdOf(issue)) + "/transitions?expand=transitions.fields", "transitions", stats);
    };
    return std::make_unique<NestedStream>(std::move(issues), std::move(transitions), IssueRef);
  }
  const char* key = what == IssueChild::kComments ? "comments" : what == IssueChild::kWorklogs ? "worklogs" : "values";
  const bool dc_changelog = what == IssueChild::kChangelogs && !is_cloud;
  NestedStream::Factory child = [this, path, key, dc_changelog,
                                 stats](const json& issue) -> std::unique_ptr<ItemStream> {
    const std::string id = IdOf(issue);
    if (dc_changelog) {
      // Data Center has no /changelog endpoint: the issue with expand=changelog.
      return std::make_unique<OneCallStream>(*this, "/issue/" + UrlEncode(id) + "?fields=id&expand=changelog", "",
                                             stats);
    }
    return std::make_unique<StartAtStream>(*this, "/issue/" + UrlEncode(id) + "/" + path, key, 100, stats);
  };
  std::unique_ptr<ItemStream> stream = std::make_unique<NestedStream>(std::move(issues), std::move(child), IssueRef);
  if (dc_changelog) stream = std::make_unique<UnwrapHistories>(std::move(stream));
  return stream;
}

namespace {

// The watchers or voters of each issue: `field` of the issue search counts
// them in `count`; GET /issue/{id}/`path` lists them in `list`.
struct PeopleList {
  const char* field;  // watches, votes
  const char* count;  // watchCount, votes
  const char* path;   // watchers, votes
  const char* list;   // watchers, voters
};

std::unique_ptr<ItemStream> PeopleOfIssues(JiraClient& c, const PeopleList& l, std::unique_ptr<ItemStream> issues,
                                           int threads, ReadStats* stats) {
  ChildList child = [&c, l](const json& issue, ReadStats* s) -> std::unique_ptr<ItemStream> {
    const json* fields = issue.is_object() && issue.contains("fields") ? &issue["fields"] : nullptr;
    const json* f = fields && fields->is_object() && fields->contains(l.field) ? &(*fields)[l.field] : nullptr;
    if (f && f->is_object() && f->value(l.count, json()).is_number_integer() && (*f)[l.count].get<int64_t>() == 0) {
      return nullptr;  // nobody: no call
    }
    const std::string path = "/issue/" + UrlEncode(IdOf(issue)) + "/" + l.path;
    return std::make_unique<MappedStream>(
        std::make_unique<OneCallStream>(c, path, "", s),
        [path, l](Item&& answer, std::vector<Item>* out) -> Result<void> {
          json& a = answer.value;
          json* people = a.is_object() && a.contains(l.list) ? &a[l.list] : nullptr;
          if (!people || !people->is_array()) {
            return Fail(ErrorCode::kBadResponse,
                        "GET " + path + ": expected a JSON array in \"" + std::string(l.list) + "\"");
          }
          const json n = a.value(l.count, json());
          if (n.is_number_integer() && n.get<int64_t>() > static_cast<int64_t>(people->size())) {
            return Fail(ErrorCode::kPermissionDenied,
                        "GET " + path + ": Jira counts " + n.dump() + " " + l.list + " but lists " +
                            std::to_string(people->size()) +
                            "; it lists them only to an account with the View voters and watchers project "
                            "permission. Ask a project administrator to grant it, or connect as an account that "
                            "has it");
          }
          for (auto& p : *people) out->push_back({std::move(p), nullptr});
          return Ok();
        });
  };
  return ParallelChildren(std::move(issues), std::move(child), IssueAndProjectRef, threads, stats);
}

}  // namespace

std::unique_ptr<ItemStream> JiraClient::WatchersOfIssues(std::unique_ptr<ItemStream> issues, int threads,
                                                         ReadStats* stats) {
  return PeopleOfIssues(*this, {"watches", "watchCount", "watchers", "watchers"}, std::move(issues), threads, stats);
}

std::unique_ptr<ItemStream> JiraClient::VotersOfIssues(std::unique_ptr<ItemStream> issues, int threads,
                                                       ReadStats* stats) {
  return PeopleOfIssues(*this, {"votes", "votes", "votes", "voters"}, std::move(issues), threads, stats);
}

std::unique_ptr<ItemStream> JiraClient::RemoteLinksOfIssues(std::unique_ptr<ItemStream> issues, int threads,
                                                            ReadStats* stats) {
  ChildList child = [this](const json& issue, ReadStats* s) -> std::unique_ptr<ItemStream> {
    return std::make_unique<OneCallStream>(*this, "/issue/" + UrlEncode(IdOf(issue)) + "/remotelink", "", s);
  };
  return ParallelChildren(std::move(issues), std::move(child), IssueAndProjectRef, threads, stats);
}

namespace {

// GET /worklog/deleted and /worklog/updated pages: {"values", "since",
// "until", "lastPage", "nextPage"}; the next page asks since= the one
// nextPage names (else this page's until), which must be later than this
// page's.
class WorklogChangeStream final : public ItemStream {
 public:
  WorklogChangeStream(JiraClient& c, std::string which, int64_t since, ReadStats* stats)
      : c_(c), which_(std::move(which)), since_(since), stats_(stats) {}
  Result<bool> Next(std::vector<Item>* out) override {
    if (done_) return false;
    const std::string url = "/worklog/" + which_ + "?since=" + std::to_string(since_);
    auto j = CallJson(c_, HttpRequest{"GET", url, {}, "", std::nullopt}, stats_);
    if (!j) return Fail(j.error());
    json* values = j->is_object() && j->contains("values") ? &(*j)["values"] : nullptr;
    if (!values || !values->is_array()) {
      return Fail(ErrorCode::kBadResponse, "GET " + url + ": expected a JSON array in \"values\"");
    }
    const json last = j->value("lastPage", json());
    if (!last.is_boolean()) {
      return Fail(ErrorCode::kBadResponse, "GET " + url +
                                               ": the answer does not say whether it is the last page (\"lastPage\"); "
                                               "the list cannot be known to be whole");
    }
    for (auto& v : *values) out->push_back({std::move(v), nullptr});
    if (last.get<bool>()) {
      done_ = true;
      return true;
    }
    std::optional<int64_t> next;
    const json np = j->value("nextPage", json());
    if (np.is_string()) {
      const std::string& u = np.get_ref<const std::string&>();
      if (auto at = u.find("since="); at != std::string::npos) {
        const std::size_t end = u.find('&', at);
        next = ParseInt(u.substr(at + 6, end == std::string::npos ? std::string::npos : end - at - 6));
      }
    }
    if (!next && j->value("until", json()).is_number_integer()) next = (*j)["until"].get<int64_t>();
    if (!next || *next <= since_) {
      return Fail(ErrorCode::kBadResponse,
                  "GET " + url + ": Jira says more pages follow but its next page does not start after this one (" +
                      (next ? "since=" + std::to_string(*next) : std::string("no nextPage or until")) +
                      "); stopping rather than reading the same page again");
    }
    since_ = *next;
    return true;
  }

 private:
  JiraClient& c_;
  std::string which_;
  int64_t since_;
  ReadStats* stats_;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<ItemStream> JiraClient::DeletedWorklogs(int64_t since_ms, ReadStats* stats) {
  return std::make_unique<WorklogChangeStream>(*this, "deleted", std::max<int64_t>(0, since_ms), stats);
}

std::unique_ptr<ItemStream> JiraClient::UpdatedWorklogs(int64_t since_ms, ReadStats* stats) {
  return std::make_unique<WorklogChangeStream>(*this, "updated", std::max<int64_t>(0, since_ms), stats);
}

namespace {

// A custom field whose values are options (select lists, radio buttons,
// checkboxes, cascading selects): the fields that have contexts with options.
bool HasOptions(const json& field) {
  if (!field.is_object() || !field.value("custom", false)) return false;
  const json* schema = field.contains("schema") ? &field["schema"] : nullptr;
  const json custom = schema && schema->is_object() ? schema->value("custom", json()) : json();
  if (!custom.is_string()) return false;
  const std::string& t = custom.get_ref<const std::string&>();
  const std::string kind = t.substr(t.rfind(':') + 1);
  return kind == "select" || kind == "multiselect" || kind == "radiobuttons" || kind == "multicheckboxes" ||
         kind == "cascadingselect";
}

constexpr const char* kNoContextsOnDataCenter =
    "Jira Data Center has no field context API (GET /rest/api/2/field/{id}/context does not exist there); "
    "CustomFieldContexts and CustomFieldOptions are Jira Cloud's. Fields.Id names the custom fields";

}  // namespace

std::unique_ptr<ItemStream> JiraClient::ContextsOfFields(std::unique_ptr<ItemStream> fields, ReadStats* stats) {
  if (!cloud()) return CloudOnly(kNoContextsOnDataCenter);
  NestedStream::Factory contexts = [this, stats](const json& field) -> std::unique_ptr<ItemStream> {
    if (!HasOptions(field)) return nullptr;
    return std::make_unique<StartAtStream>(*this, "/field/" + UrlEncode(IdOf(field)) + "/context", "values", 50, stats);
  };
  auto view = [](const json& f) { return json{{"id", f.value("id", json())}, {"name", f.value("name", json())}}; };
  return std::make_unique<NestedStream>(std::move(fields), std::move(contexts), view);
}

std::unique_ptr<ItemStream> JiraClient::OptionsOfFields(std::unique_ptr<ItemStream> fields, ReadStats* stats) {
  if (!cloud()) return CloudOnly(kNoContextsOnDataCenter);
  // Each context with its field inside, so that the option call knows both.
  auto contexts = ParentInside(ContextsOfFields(std::move(fields), stats), "field");
  NestedStream::Factory options = [this, stats](const json& ctx) -> std::unique_ptr<ItemStream> {
    return std::make_unique<StartAtStream>(
        *this, "/field/" + UrlEncode(IdOf(ctx["field"])) + "/context/" + UrlEncode(IdOf(ctx)) + "/option", "values",
        100, stats);
  };
  auto view = [](const json& ctx) {
    const json& f = ctx["field"];
    return json{{"id", f.value("id", json())},
                {"name", f.value("name", json())},
                {"contextId", ctx.value("id", json())},
                {"contextName", ctx.value("name", json())}};
  };
  return std::make_unique<NestedStream>(std::move(contexts), std::move(options), view);
}

std::unique_ptr<ItemStream> JiraClient::Projects(ReadStats* stats) {
  if (cloud())
    return std::make_unique<StartAtStream>(*this, "/project/search?expand=description,lead", "values", 50, stats);
  return std::make_unique<OneCallStream>(*this, "/project?expand=description,lead", "", stats);
}

std::unique_ptr<ItemStream> JiraClient::Users(ReadStats* stats) {
  return std::make_unique<StartAtStream>(*this, cloud() ? "/users/search" : "/user/search?username=.", "", 100, stats);
}

std::unique_ptr<ItemStream> JiraClient::Myself(ReadStats* stats) {
  return std::make_unique<OneCallStream>(*this, "/myself", "", stats);
}
std::unique_ptr<ItemStream> JiraClient::Fields(ReadStats* stats) {
  return std::make_unique<OneCallStream>(*this, "/field", "", stats);
}
std::unique_ptr<ItemStream> JiraClient::IssueTypes(ReadStats* stats) {
  return std::make_unique<OneCallStream>(*this, "/issuetype", "", stats);
}
std::unique_ptr<ItemStream> JiraClient::Statuses(ReadStats* stats) {
  return std::make_unique<OneCallStream>(*this, "/status", "", stats);
}
std::unique_ptr<ItemStream> JiraClient::StatusCategories(ReadStats* stats) {
  return std::make_unique<OneCallStream>(*this, "/statuscategory", "", stats);
}
std::unique_ptr<ItemStream> JiraClient::Priorities(ReadStats* stats) {
  return std::make_unique<OneCallStream>(*this, "/priority", "", stats);
}
std::unique_ptr<ItemStream> JiraClient::Resolutions(ReadStats* stats) {
  return std::make_unique<OneCallStream>(*this, "/resolution", "", stats);
}

std::unique_ptr<ItemStream> JiraClient::Boards(ReadStats* stats) {
  return std::make_unique<StartAtStream>(*this, AgileUrl(*this, "/board"), "values", 50, stats);
}

std::unique_ptr<ItemStream> JiraClient::SprintsOfBoards(std::unique_ptr<ItemStream> boards, ReadStats* stats) {
  NestedStream::Factory sprints_of = [this, stats](const json& board) -> std::unique_ptr<ItemStream> {
    // Kanban boards have no sprints (Jira answers 400). A board given by id
    // alone (BoardId = …) is read first to know which it is.
    json type = board.value("type", json());
    if (!type.is_string()) {
      auto read =
          CallJson(*this, HttpRequest{"GET", AgileUrl(*this, "/board/" + IdOf(board)), {}, "", std::nullopt}, stats);
      if (!read) return std::make_unique<FailedStream>(read.error());
      type = read->is_object() ? read->value("type", json()) : json();
    }
    if (type == "kanban") return nullptr;
    return std::make_unique<StartAtStream>(*this, AgileUrl(*this, "/board/" + board["id"].dump() + "/sprint"), "values",
                                           50, stats);
  };
  return std::make_unique<NestedStream>(std::move(boards), std::move(sprints_of), IdView);
}

std::unique_ptr<ItemStream> JiraClient::ConfigurationsOfBoards(std::unique_ptr<ItemStream> boards, ReadStats* stats) {
  NestedStream::Factory config_of = [this, stats](const json& board) -> std::unique_ptr<ItemStream> {
    const std::string path = "/board/" + IdOf(board) + "/configuration";
    // Every board has columns: an answer without them is not a configuration (never a board of no rows).
    return std::make_unique<MappedStream>(
        std::make_unique<OneCallStream>(*this, AgileUrl(*this, path), "", stats),
        [path](Item&& config, std::vector<Item>* out) -> Result<void> {
          const json* cc = config.value.is_object() && config.value.contains("columnConfig")
                               ? &config.value["columnConfig"]
                               : nullptr;
          if (!cc || !cc->is_object() || !cc->contains("columns") || !(*cc)["columns"].is_array()) {
            return Fail(ErrorCode::kBadResponse,
                        "GET /rest/agile/1.0" + path + ": expected the board's columns in columnConfig.columns");
          }
          out->push_back(std::move(config));
          return Ok();
        });
  };
  return std::make_unique<NestedStream>(std::move(boards), std::move(config_of), IdView);
}

std::unique_ptr<ItemStream> JiraClient::SprintsById(std::vector<int64_t> ids, ReadStats* stats) {
  std::vector<json> items;
  for (auto id : ids) items.push_back(json{{"id", id}});
  NestedStream::Factory sprint = [this, stats](const json& s) -> std::unique_ptr<ItemStream> {
    return std::make_unique<OneCallStream>(*this, AgileUrl(*this, "/sprint/" + IdOf(s)), "", stats);
  };
  // The board a sprint belongs to is in the sprint itself: the parent view
  // is left empty, and SprintReports reads originBoardId.
  return std::make_unique<NestedStream>(FixedItems(std::move(items)), std::move(sprint),
                                        [](const json&) { return json(); });
}

std::unique_ptr<ItemStream> JiraClient::IssuesOfSprints(std::unique_ptr<ItemStream> sprints, ReadStats* stats) {
  NestedStream::Factory issues_of = [this, stats](const json& sprint) -> std::unique_ptr<ItemStream> {
    return std::make_unique<StartAtStream>(
        *this, AgileUrl(*this, "/sprint/" + sprint["id"].dump() + "/issue?fields=summary,status,assignee"), "issues",
        100, stats);
  };
  return std::make_unique<NestedStream>(std::move(sprints), std::move(issues_of), IdView);
}

Result<std::vector<std::string>> JiraClient::EpicTypeIds() {
  auto types = CallJson(*this, HttpRequest{"GET", "/issuetype", {}, "", std::nullopt}, nullptr);
  if (!types) return Fail(types.error());
  if (!types->is_array()) return Fail(ErrorCode::kBadResponse, "GET /issuetype: the answer is not a JSON array");
  std::vector<std::string> by_level, by_name;
  bool levels = false;
  for (const auto& t : *types) {
    if (!t.is_object()) continue;
    const json level = t.value("hierarchyLevel", json());
    levels |= level.is_number_integer();
    if (level == 1) by_level.push_back(IdOf(t));
    if (t.value("name", "") == "Epic" && !t.value("subtask", false)) by_name.push_back(IdOf(t));
  }
  return levels ? by_level : by_name;
}

namespace {

// The epics of `in`, each with its children counted (JiraClient::ChildCountsOfEpics).
class EpicChildrenStream final : public ItemStream {
 public:
  EpicChildrenStream(JiraClient& c, std::unique_ptr<ItemStream> in, ReadStats* stats)
      : c_(c), in_(std::move(in)), stats_(stats) {}

  Result<bool> Next(std::vector<Item>* out) override {
    std::vector<Item> epics;
    auto more = in_->Next(&epics);
    if (!more || !*more) return more;
    if (!epic_field_) {
      auto f = EpicField();
      if (!f) return Fail(f.error());
      epic_field_ = *f;
    }
    std::map<std::string, json> counts;  // by epic key
    std::vector<std::string> keys;
    for (const auto& e : epics) {
      if (!e.value.is_object() || !e.value.contains("key") || !e.value["key"].is_string()) {
        return Fail(ErrorCode::kBadResponse, "issue " + IdOf(e.value) + " of the epic search has no key");
      }
      keys.push_back(e.value["key"]);
      counts[keys.back()] = json{{"count", 0}, {"toDo", 0}, {"inProgress", 0}, {"done", 0}};
    }
    const bool cloud = epic_field_->empty();
    IssueSearch children;
    children.query.terms.push_back(JqlTerm{cloud ? "parent" : epic_field_name_, keys, ""});
    children.fields = {cloud ? "parent" : *epic_field_, "status"};
    children.page_size = c_.IssuesPerPage(1000, false);
    auto stream = c_.SearchIssues(std::move(children), stats_);
    for (;;) {
      std::vector<Item> page;
      auto got = stream->Next(&page);
      if (!got) return Fail(got.error());
      if (!*got) break;
      for (const auto& child : page) {
        const json fields = child.value.value("fields", json::object());
        const json link = fields.value(cloud ? "parent" : *epic_field_, json());
        const std::string epic = link.is_string()   ? link.get<std::string>()
                                 : link.is_object() ? link.value("key", "")
                                                    : "";
        if (epic.empty()) {  // it was found by its epic: an answer without it is not Jira's
          return Fail(ErrorCode::kBadResponse, "issue " + IdOf(child.value) +
                                                   " of the search for the epics' children came without its " +
                                                   (cloud ? std::string("parent") : epic_field_name_));
        }
        auto at = counts.find(epic);
        if (at == counts.end()) continue;  // another epic's (a key moved meanwhile)
        const json status = fields.value("status", json::object());
        const std::string category =
            status.is_object() ? status.value("statusCategory", json::object()).value("key", "") : "";
        json& n = at->second;
        n["count"] = n["count"].get<int64_t>() + 1;
        const char* bucket = category == "done" ? "done" : category == "indeterminate" ? "inProgress" : "toDo";
        n[bucket] = n[bucket].get<int64_t>() + 1;
      }
    }
    for (auto& e : epics) {
      e.value["jirasql.children"] = counts[e.value["key"].get<std::string>()];
      out->push_back(std::move(e));
    }
    return true;
  }

 private:
  // Cloud: "" (children name their epic in parent). Data Center: the Epic
  // Link field's id (its name kept for the JQL).
  Result<std::string> EpicField() {
    if (c_.cloud()) return std::string();
    auto fields = c_.FieldList();
    if (!fields) return Fail(fields.error());
    for (const auto& f : *fields) {
      const json schema = f.is_object() ? f.value("schema", json::object()) : json::object();
      const std::string custom = schema.is_object() ? schema.value("custom", "") : "";
      if (custom.size() >= 13 && custom.compare(custom.size() - 13, 13, ":gh-epic-link") == 0) {
        epic_field_name_ = f.value("name", "Epic Link");
        return IdOf(f);
      }
    }
    return Fail(ErrorCode::kInvalidArgument,
                "this Jira has no Epic Link field (Jira Software's com.pyxis.greenhopper.jira:gh-epic-link is not "
                "in GET /field), so its epics have no children to count; read Epics' other columns, or Issues");
  }

  JiraClient& c_;
  std::unique_ptr<ItemStream> in_;
  ReadStats* stats_;
  std::optional<std::string> epic_field_;
  std::string epic_field_name_;
};

}  // namespace

std::unique_ptr<ItemStream> JiraClient::ChildCountsOfEpics(std::unique_ptr<ItemStream> epics, ReadStats* stats) {
  return std::make_unique<EpicChildrenStream>(*this, std::move(epics), stats);
}

// GET `path` once: a JSON answer of the expected kind, or `shape_error`.
static Result<json> GetWhole(JiraClient& c, const char* path, bool array, const char* shape_error) {
  auto conn = c.connection();
  if (!conn) return Fail(conn.error());
  auto resp = (*conn)->Call(HttpRequest{"GET", path, {}, "", std::nullopt});
  if (!resp) return Fail(resp.error());
  auto j = json::parse(resp->body, nullptr, false);
  if (j.is_discarded() || (array ? !j.is_array() : !j.is_object())) {
    return Fail(ErrorCode::kBadResponse, std::string("GET ") + path + ": " + shape_error);
  }
  return j;
}

Result<json> JiraClient::FieldList() {
  return GetWhole(*this, "/field", true, "the answer is not a JSON array of fields");
}

Result<json> JiraClient::FindUsers(const std::string& query) {
  const std::string param = cloud() ? "query" : "username";
  auto j = CallJson(
      *this,
      HttpRequest{"GET", "/user/search?" + param + "=" + UrlEncode(query) + "&maxResults=50", {}, "", std::nullopt},
      nullptr);
  if (!j) return Fail(j.error());
  if (!j->is_array()) return Fail(ErrorCode::kBadResponse, "GET /user/search: the answer is not a JSON array of users");
  return j;
}

Result<json> JiraClient::MyselfObject() { return GetWhole(*this, "/myself", false, "the answer is not a JSON object"); }

}  // namespace jirasql
