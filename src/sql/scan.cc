#include "sql/scan.h"

#include <nlohmann/json.hpp>

#include "jira/rest_call.h"
#include "sql/session.h"

namespace jirasql {

using json = nlohmann::json;

namespace {

class TableScan final : public Scan {
 public:
  TableScan(Session& s, ScanRequest req, std::unique_ptr<ItemStream> stream, std::shared_ptr<ScanReport> report)
      : s_(s), req_(std::move(req)), stream_(std::move(stream)), owner_(std::move(report)), report_(owner_.get()) {
    max_rows_ = req_.table->system ? -1 : s.max_rows();
    slots_ = StraightSlots(*req_.table, req_.needed);
    carries_ = req_.table->name == "Issues";
    if (carries_) ++s_.carry.live;
  }
  ~TableScan() override {
    if (!carries_ || --s_.carry.live > 0) return;
    s_.carry.fields->Clear();
    s_.carry.issues.clear();
    s_.carry.page.clear();
    s_.carry.keys.clear();
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
    if (carries_) Carry(items);
    const int api = s_.cloud() ? 3 : 2;
    for (auto& item : items) {
      if (req_.table->split) {
        split_.clear();
        req_.table->split(item.value, &split_);
        int64_t ordinal = 0;
        for (const auto& row : split_) {
          if (auto r = Emit(RowContext{row, item.parent.get(), api, ordinal++}, rows); !r) return Fail(r.error());
        }
      } else {
        if (auto r = Emit(RowContext{item.value, item.parent.get(), api}, rows, &item.straight); !r)
          return Fail(r.error());
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
  // The row of `ctx`; `straight`: the item's values read straight from the
  // page (StraightSlots), taken rather than read again.
  Result<void> Emit(const RowContext& ctx, std::vector<SqlRow>* rows, std::vector<SqlValue>* straight = nullptr) {
    if (max_rows_ >= 0 && read_ >= max_rows_) return Ok();
    const std::size_t n = req_.table->columns.size();
    SqlRow row(n + 1);
    std::size_t i = 0;
    const bool has_straight = straight && !straight->empty();
    try {
      for (; i < n; ++i) {
        if (!req_.needed.empty() && !req_.needed[i]) continue;
        if (has_straight && slots_[i] >= 0)
          row[i] = std::move((*straight)[static_cast<std::size_t>(slots_[i])]);
        else
          row[i] = req_.table->columns[i].get(ctx);
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

  // The page's ids, and while a joined table asks for fields its issues,
  // for the lookups of that table (Session::JoinCarry).
  void Carry(const std::vector<Item>& items) {
    auto& c = s_.carry;
    const bool wanted = !c.fields->empty();
    c.issues.clear();
    c.page.clear();
    c.keys.clear();
    for (const auto& i : items) {
      std::string id = IdOf(i.value);
      if (id.empty()) continue;
      auto k = i.value.find("key");
      c.keys.push_back(k != i.value.end() && k->is_string() ? k->get<std::string>() : std::string());
      if (wanted) c.issues[id] = i.value;
      c.page.push_back(std::move(id));
    }
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
  bool carries_ = false;     ///< an Issues scan: it carries fields for joined lookups
  std::vector<int> slots_;   ///< per column: its straight value's place (StraightSlots), -1 none
  std::vector<json> split_;  ///< the rows of one item (TableDef::split)
};

class EmptyScan final : public Scan {
 public:
  Result<bool> Next(std::vector<SqlRow>*) override { return false; }
};

}  // namespace

std::shared_ptr<const KeepTree> KeepFor(const TableDef& table, const std::vector<bool>& needed) {
  auto keep = std::make_shared<KeepTree>();
  keep->Add({"id"});
  keep->Add({"key"});
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    const auto& c = table.columns[i];
    // (The columns of a child's issue read its parent, not the item.)
    if ((!needed.empty() && !needed[i]) || c.push == Push::kJql || c.push == Push::kParentIssue) continue;
    if (!c.reads_item) return nullptr;
    keep->Add(c.json_path);
  }
  return keep;
}

namespace {

bool ReadStraight(const ColumnDef& c, const std::vector<bool>& needed, std::size_t i) {
  return (needed.empty() || needed[i]) && c.push != Push::kJql && c.reads_item && c.straight;
}

}  // namespace

std::vector<int> StraightSlots(const TableDef& table, const std::vector<bool>& needed) {
  std::vector<int> slots(table.columns.size(), -1);
  int next = 0;
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    if (ReadStraight(table.columns[i], needed, i)) slots[i] = next++;
  }
  return slots;
}

std::shared_ptr<const KeepTree> KeepStraight(const TableDef& table, const std::vector<bool>& needed) {
  if (!KeepFor(table, needed)) return nullptr;
  auto plan = std::make_shared<StraightPlan>();
  auto keep = std::make_shared<KeepTree>();
  for (auto* k : {keep.get(), &plan->whole}) {
    k->Add({"id"});
    k->Add({"key"});
  }
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    const auto& c = table.columns[i];
    if ((!needed.empty() && !needed[i]) || c.push == Push::kJql) continue;
    plan->whole.Add(c.json_path);
    if (ReadStraight(c, needed, i))
      plan->columns.push_back({c.json_path, c.straight});  // in StraightSlots' order
    else
      keep->Add(c.json_path);
  }
  if (!plan->columns.empty()) keep->straight = std::move(plan);
  return keep;
}

Result<std::unique_ptr<Scan>> OpenScan(Session& s, ScanRequest req) {
  const TableDef& t = *req.table;
  std::shared_ptr<ScanReport> report;
  if (!t.system) {
    auto conn = s.Conn();
    if (!conn) return Fail(conn.error());
    report = std::make_shared<ScanReport>();
    report->table = t.name;
    report->calls = 0;
    s.AddReport(report);
  }
  ScanReport unrecorded;  // sys_* tables: nothing is asked of Jira
  TableRead read{s, s.jira(), req, report ? *report : unrecorded};
  if (s.explain && !t.system) {
    if (t.explain) {
      t.explain(read);
    } else {
      report->calls = -1;
      report->calls_note = "one call per page of " + t.api;
    }
    return std::unique_ptr<Scan>(std::make_unique<EmptyScan>());
  }
  if (!t.read) return Fail(ErrorCode::kInternal, "no reader for table " + t.name);
  auto stream = t.read(read);
  if (!stream) return Fail(stream.error());
  return std::unique_ptr<Scan>(std::make_unique<TableScan>(s, std::move(req), std::move(*stream), report));
}

}  // namespace jirasql
