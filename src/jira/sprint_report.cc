#include "jira/sprint_report.h"

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <map>
#include <regex>
#include <set>

#include "common/strings.h"
#include "common/time.h"
#include "jira/client.h"
#include "jira/rest_call.h"

namespace jirasql {

using json = nlohmann::json;

namespace {

std::optional<int64_t> MsOf(const json& v) {
  if (!v.is_string()) return std::nullopt;
  return ParseIso8601Ms(v.get_ref<const std::string&>());
}

std::string TextOf(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

}  // namespace

FieldTimeline FieldTimeline::Build(const std::vector<json>& histories, const std::function<bool(const json&)>& matches,
                                   bool strings, std::string current) {
  struct Change {
    int64_t ms, id;
    std::string from, to;
  };
  std::vector<Change> found;
  for (const auto& h : histories) {
    if (!h.is_object()) continue;
    const auto ms = MsOf(h.value("created", json()));
    const json items = h.value("items", json::array());
    if (!ms || !items.is_array()) continue;
    for (const auto& it : items) {
      if (!it.is_object() || !matches(it)) continue;
      found.push_back({*ms, ParseInt(IdOf(h)).value_or(0), TextOf(it.value(strings ? "fromString" : "from", json())),
                       TextOf(it.value(strings ? "toString" : "to", json()))});
    }
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const Change& a, const Change& b) { return a.ms != b.ms ? a.ms < b.ms : a.id < b.id; });
  FieldTimeline t;
  t.initial_ = found.empty() ? std::move(current) : found.front().from;
  for (auto& c : found) t.changes_.emplace_back(c.ms, std::move(c.to));
  return t;
}

const std::string& FieldTimeline::At(int64_t ms) const {
  const std::string* v = &initial_;
  for (const auto& [at, value] : changes_) {
    if (at > ms) break;
    v = &value;
  }
  return *v;
}

bool HoldsSprint(const std::string& ids, int64_t id) {
  for (const auto& part : Split(ids, ',')) {
    if (ParseInt(Trim(part)) == id) return true;
  }
  return false;
}

SprintPart PlaceInSprint(const SprintWindow& w, int64_t created_ms, const FieldTimeline& sprints) {
  SprintPart p;
  if (created_ms > w.end_ms) return p;
  auto in = [&](int64_t ms) { return HoldsSprint(sprints.At(ms), w.id); };
  const int64_t from = std::max(created_ms, w.start_ms);
  bool now_in = in(from);
  p.committed = created_ms <= w.start_ms && now_in;
  if (now_in) {
    p.in_window = true;
    if (!p.committed) {  // created into it after the start
      p.added = true;
      p.added_ms = from;
    }
  }
  for (const auto& [at, value] : sprints.changes()) {
    if (at <= from) continue;
    if (at > w.end_ms) break;
    const bool next = HoldsSprint(value, w.id);
    if (next && !now_in) {
      p.in_window = true;
      if (!p.committed && !p.added) {
        p.added = true;
        p.added_ms = at;
      }
    }
    if (!next && now_in) p.removed_ms = at;
    now_in = next;
  }
  p.in_at_end = now_in;
  p.removed = p.in_window && !p.in_at_end;
  if (!p.removed) p.removed_ms = -1;
  return p;
}

std::string SprintIdsOf(const json& field) {
  static const std::regex kId(R"(\bid=(\d+))");
  std::vector<std::string> ids;
  for (const auto& s : field.is_array() ? field : json::array()) {
    if (s.is_object() && s.contains("id")) {
      ids.push_back(IdOf(s));
    } else if (s.is_string()) {
      std::smatch m;
      const std::string& text = s.get_ref<const std::string&>();
      if (std::regex_search(text, m, kId)) ids.push_back(m[1]);
    } else if (s.is_number_integer()) {
      ids.push_back(s.dump());
    }
  }
  return Join(ids, ", ");
}

namespace {

std::optional<double> Number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double d = std::strtod(text.c_str(), &end);
  if (end == text.c_str()) return std::nullopt;
  return d;
}

// The sprint reports of the sprints of `in`, board by board: per issue
// (SprintReportIssues) or per sprint (SprintReport). See JiraClient::SprintReports.
class SprintReportStream final : public ItemStream {
 public:
  SprintReportStream(JiraClient& c, std::unique_ptr<ItemStream> in, bool per_issue, ReadStats* stats)
      : c_(c), in_(std::move(in)), per_issue_(per_issue), stats_(stats), cloud_(c.cloud()) {}

  Result<bool> Next(std::vector<Item>* out) override {
    for (;;) {
      if (candidates_) {
        std::vector<Item> page;
        auto more = candidates_->Next(&page);
        if (!more) return Fail(more.error());
        if (*more) {
          if (auto r = Place(page, out); !r) return Fail(r.error());
        } else {
          candidates_.reset();
          if (!per_issue_) EmitTotals(out);
        }
        if (!out->empty()) return true;
        continue;
      }
      auto batch = NextBoard();
      if (!batch) return Fail(batch.error());
      if (!*batch) return false;
    }
  }

 private:
  struct SprintOf {
    json sprint;
    SprintWindow window;
    json totals;
  };

  // The board a sprint item was read under (its parent), else the board it was made on.
  static int64_t BoardOf(const Item& i) {
    if (i.parent && i.parent->is_object() && i.parent->contains("id")) return ParseInt(IdOf(*i.parent)).value_or(0);
    return ParseInt(IdOf(json{{"id", i.value.value("originBoardId", json())}})).value_or(0);
  }

  // Reads the next board's sprints and starts the search of the issues that
  // were in its started ones. False when no sprint is left.
  Result<bool> NextBoard() {
    sprints_.clear();
    bool any = false;
    for (;;) {
      if (pending_.empty()) {
        if (in_done_) break;
        std::vector<Item> page;
        auto more = in_->Next(&page);
        if (!more) return Fail(more.error());
        if (!*more) {
          in_done_ = true;
          break;
        }
        for (auto& i : page) pending_.push_back(std::move(i));
        continue;
      }
      const int64_t board = BoardOf(pending_.front());
      if (any && board != board_) break;
      board_ = board;
      any = true;
      auto added = AddSprint(std::move(pending_.front().value));
      pending_.pop_front();
      if (!added) return Fail(added.error());
    }
    if (!any) return false;
    if (sprints_.empty()) return true;  // only future sprints: nothing to report
    if (auto r = StartSearch(); !r) return Fail(r.error());
    return true;
  }

  Result<void> AddSprint(json sprint) {
    const std::string state = sprint.is_object() ? sprint.value("state", "") : "";
    if (state == "future") return Ok();  // not started: no report yet
    const auto start = MsOf(sprint.value("startDate", json()));
    if (!start) {
      return Fail(ErrorCode::kBadResponse, "sprint " + IdOf(sprint) + " is " + (state.empty() ? "of no state" : state) +
                                               " but Jira gave no startDate to report it from");
    }
    std::optional<int64_t> end;
    if (state != "active") {
      end = MsOf(sprint.value("completeDate", json()));
      if (!end) end = MsOf(sprint.value("endDate", json()));
    }
    const int64_t now = EpochMs(SystemClock().Now());
    SprintOf s;
    s.window = {ParseInt(IdOf(sprint)).value_or(0), *start, end.value_or(now)};
    s.sprint = std::move(sprint);
    s.totals = json{{"committedIssues", 0},
                    {"addedIssues", 0},
                    {"removedIssues", 0},
                    {"completedIssues", 0},
                    {"notCompletedIssues", 0}};
    for (const char* k :
         {"committedEstimate", "addedEstimate", "removedEstimate", "completedEstimate", "notCompletedEstimate"}) {
      s.totals[k] = json();
    }
    sprints_.push_back(std::move(s));
    return Ok();
  }

  // The board's configuration, the Sprint field, and the search of every
  // issue that was in one of the board's started sprints: those in them
  // now, and — for the ones removed — the issues of the board's project
  // updated since the first started (a removal updates an issue).
  Result<void> StartSearch() {
    std::vector<Item> config;
    auto configs = c_.ConfigurationsOfBoards(FixedItems({json{{"id", board_}}}), stats_);
    auto got = configs->Next(&config);
    if (!got) return Fail(got.error());
    if (!*got || config.empty()) {
      return Fail(ErrorCode::kBadResponse, "board " + std::to_string(board_) + ": no configuration");
    }
    const json& cfg = config[0].value;
    const json estimation = cfg.value("estimation", json::object());
    estimate_id_.clear();
    estimate_name_.clear();
    if (estimation.is_object() && estimation.value("type", "") == "field") {
      const json field = estimation.value("field", json::object());
      estimate_id_ = field.value("fieldId", "");
      estimate_name_ = field.value("displayName", "");
    }
    done_.clear();  // the statuses of the board's last column
    const json columns = cfg.value("columnConfig", json::object()).value("columns", json::array());
    if (columns.is_array() && !columns.empty()) {
      for (const auto& s : columns.back().value("statuses", json::array())) done_.insert(IdOf(s));
    }
    const json location = cfg.value("location", json::object());
    std::string project;
    if (location.is_object() && location.value("type", "project") == "project") {
      project = location.value("key", location.value("projectKeyOrId", ""));
    }
    if (sprint_id_.empty()) {
      auto fields = c_.FieldList();
      if (!fields) return Fail(fields.error());
      for (const auto& f : *fields) {
        const json schema = f.is_object() ? f.value("schema", json::object()) : json::object();
        const std::string custom = schema.is_object() ? schema.value("custom", "") : "";
        if (custom.size() >= 10 && custom.compare(custom.size() - 10, 10, ":gh-sprint") == 0) {
          sprint_id_ = IdOf(f);
          sprint_name_ = f.value("name", "Sprint");
        }
      }
      if (sprint_id_.empty()) {
        return Fail(ErrorCode::kInvalidArgument,
                    "this Jira has no Sprint field (Jira Software's com.pyxis.greenhopper.jira:gh-sprint is not in GET "
                    "/field): no sprint report can be made");
      }
    }
    std::vector<std::string> ids;
    int64_t first = sprints_.front().window.start_ms;
    for (const auto& s : sprints_) {
      ids.push_back(std::to_string(s.window.id));
      first = std::min(first, s.window.start_ms);
    }
    std::string jql = "sprint in (" + Join(ids, ", ") + ")";
    if (!project.empty()) {
      const int64_t minutes = (EpochMs(SystemClock().Now()) - first) / 60000 + 1440;  // a day to spare
      jql += " OR (project = " + JqlString(project) + " AND updated >= \"-" + std::to_string(minutes) + "m\")";
    }
    IssueSearch search;
    search.query.user_where = jql;
    search.fields = {sprint_id_, "status", "created"};
    if (!estimate_id_.empty()) search.fields.push_back(estimate_id_);
    if (!cloud_) search.expand = {"changelog"};
    search.page_size = 100;
    candidates_ = c_.SearchIssues(std::move(search), stats_);
    return Ok();
  }

  // Whether a change item is of the field `id` (Cloud's fieldId; Data
  // Center's items name the field only).
  static bool Of(const json& item, const std::string& id, const std::string& name) {
    if (item.contains("fieldId")) return item["fieldId"] == id;
    return EqualsIgnoreCase(item.value("field", ""), name);
  }

  Result<void> Place(std::vector<Item>& issues, std::vector<Item>* out) {
    std::vector<std::string> fields = {sprint_id_, "status"};
    if (!estimate_id_.empty()) fields.push_back(estimate_id_);
    auto histories = c_.HistoriesOf(issues, fields, stats_);
    if (!histories) return Fail(histories.error());
    for (auto& issue : issues) {
      const json f = issue.value.value("fields", json::object());
      const auto created = MsOf(f.value("created", json()));
      if (!created)
        return Fail(ErrorCode::kBadResponse, "issue " + IdOf(issue.value) + " came without its created time");
      const auto& h = (*histories)[IdOf(issue.value)];
      const auto sprints = FieldTimeline::Build(
          h, [&](const json& i) { return Of(i, sprint_id_, sprint_name_); }, false,
          SprintIdsOf(f.value(sprint_id_, json())));
      const auto status = FieldTimeline::Build(
          h, [](const json& i) { return Of(i, "status", "status"); }, false, IdOf(f.value("status", json::object())));
      const auto estimate = FieldTimeline::Build(
          h, [&](const json& i) { return !estimate_id_.empty() && Of(i, estimate_id_, estimate_name_); }, true,
          TextOf(estimate_id_.empty() ? json() : f.value(estimate_id_, json())));
      for (auto& s : sprints_) {
        const SprintPart p = PlaceInSprint(s.window, *created, sprints);
        if (!p.in_window) continue;
        const bool completed = p.in_at_end && done_.count(status.At(s.window.end_ms)) > 0;
        auto est = [&](bool when, int64_t ms) -> json {
          if (!when || estimate_id_.empty()) return json();
          auto n = Number(estimate.At(ms));
          return n ? json(*n) : json();
        };
        json row{
            {"sprint", s.sprint},
            {"boardId", board_},
            {"issue", {{"id", ParseInt(IdOf(issue.value)).value_or(0)}, {"key", issue.value.value("key", json())}}},
            {"committed", p.committed},
            {"added", p.added},
            {"addedAt", p.added ? json(p.added_ms) : json()},
            {"removed", p.removed},
            {"removedAt", p.removed ? json(p.removed_ms) : json()},
            {"completed", completed},
            {"notCompleted", p.in_at_end && !completed},
            {"statusAtEnd", p.in_at_end ? json(status.At(s.window.end_ms)) : json()},
            {"estimateAtStart", est(p.committed, s.window.start_ms)},
            {"estimateWhenAdded", est(p.added, p.added_ms)},
            {"estimateWhenRemoved", est(p.removed, p.removed_ms)},
            {"estimateAtEnd", est(p.in_at_end, s.window.end_ms)},
            {"estimationField", estimate_id_.empty() ? json() : json(estimate_id_)},
            {"endedAt", s.window.end_ms}};
        if (per_issue_) {
          out->push_back({std::move(row), nullptr});
        } else {
          Count(s.totals, "committed", p.committed, row["estimateAtStart"]);
          Count(s.totals, "added", p.added, row["estimateWhenAdded"]);
          Count(s.totals, "removed", p.removed, row["estimateWhenRemoved"]);
          Count(s.totals, "completed", completed, row["estimateAtEnd"]);
          Count(s.totals, "notCompleted", p.in_at_end && !completed, row["estimateAtEnd"]);
        }
      }
    }
    return Ok();
  }

  void Count(json& totals, const std::string& what, bool yes, const json& estimate) {
    if (!yes) return;
    totals[what + "Issues"] = totals[what + "Issues"].get<int64_t>() + 1;
    if (estimate_id_.empty()) return;
    json& sum = totals[what + "Estimate"];
    sum = (sum.is_null() ? 0.0 : sum.get<double>()) + (estimate.is_number() ? estimate.get<double>() : 0.0);
  }

  void EmitTotals(std::vector<Item>* out) {
    for (auto& s : sprints_) {
      json row = std::move(s.totals);
      if (!estimate_id_.empty()) {  // a sprint without estimated issues sums to 0
        for (const char* k :
             {"committedEstimate", "addedEstimate", "removedEstimate", "completedEstimate", "notCompletedEstimate"}) {
          if (row[k].is_null()) row[k] = 0.0;
        }
      }
      row["sprint"] = std::move(s.sprint);
      row["boardId"] = board_;
      row["estimationField"] = estimate_id_.empty() ? json() : json(estimate_id_);
      row["endedAt"] = s.window.end_ms;
      out->push_back({std::move(row), nullptr});
    }
    sprints_.clear();
  }

  JiraClient& c_;
  std::unique_ptr<ItemStream> in_;
  bool per_issue_;
  ReadStats* stats_;
  bool cloud_;
  std::deque<Item> pending_;  ///< sprints read ahead (of the next board)
  bool in_done_ = false;
  int64_t board_ = 0;
  std::vector<SprintOf> sprints_;  ///< the board's started sprints
  std::string estimate_id_, estimate_name_, sprint_id_, sprint_name_;
  std::set<std::string> done_;
  std::unique_ptr<ItemStream> candidates_;
};

}  // namespace

std::unique_ptr<ItemStream> JiraClient::SprintReports(std::unique_ptr<ItemStream> sprints, bool per_issue,
                                                      ReadStats* stats) {
  return std::make_unique<SprintReportStream>(*this, std::move(sprints), per_issue, stats);
}

}  // namespace jirasql
