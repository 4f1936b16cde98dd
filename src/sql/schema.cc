#include "sql/schema.h"

#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "common/json_writer.h"
#include "common/strings.h"
#include "common/time.h"
#include "jira/adf.h"
#include "jira/client.h"
#include "sql/pushdown.h"
#include "sql/readers.h"
#include "sql/writers.h"

namespace jirasql {

using json = nlohmann::json;

std::string_view SqlDeclaredType(SqlType t) {
  switch (t) {
    case SqlType::kInteger:
    case SqlType::kBoolean:
      return "INTEGER";
    case SqlType::kReal:
      return "REAL";
    default:
      return "TEXT";
  }
}

std::string_view SqlTypeLabel(SqlType t) {
  switch (t) {
    case SqlType::kInteger:
      return "INTEGER";
    case SqlType::kReal:
      return "REAL";
    case SqlType::kText:
      return "TEXT";
    case SqlType::kBoolean:
      return "INTEGER 0/1";
    case SqlType::kTimestamp:
      return "TEXT, ISO 8601 UTC";
    case SqlType::kDate:
      return "TEXT, yyyy-MM-dd";
    case SqlType::kJson:
      return "TEXT, JSON array";
  }
  return "TEXT";
}

int TableDef::ColumnIndex(std::string_view n) const {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (EqualsIgnoreCase(columns[i].name, n)) return static_cast<int>(i);
  }
  return -1;
}

std::string FormatUtcTimestamp(int64_t ms) {
  // Years 1970–9999 (every Jira time), written digit by digit: this runs
  // for every timestamp of every row.
  if (ms >= 0 && ms < 253402300800000) {
    using namespace std::chrono;
    const sys_time<milliseconds> t{milliseconds{ms}};
    const sys_days d = floor<days>(t);
    const year_month_day ymd{d};
    const int64_t in_day = (t - d).count();
    std::string out(24, '0');
    auto put = [&out](std::size_t at, int64_t v, int width) {
      for (int i = width - 1; i >= 0; --i, v /= 10)
        out[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + v % 10);
    };
    put(0, static_cast<int>(ymd.year()), 4);
    out[4] = '-';
    put(5, static_cast<unsigned>(ymd.month()), 2);
    out[7] = '-';
    put(8, static_cast<unsigned>(ymd.day()), 2);
    out[10] = 'T';
    put(11, in_day / 3600000, 2);
    out[13] = ':';
    put(14, in_day / 60000 % 60, 2);
    out[16] = ':';
    put(17, in_day / 1000 % 60, 2);
    out[19] = '.';
    put(20, in_day % 1000, 3);
    out[23] = 'Z';
    return out;
  }
  int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  int millis = static_cast<int>(ms - secs * 1000);
  time_t t = static_cast<time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

SqlValue TimestampToUtc(std::string_view text) {
  auto t = ParseIso8601Ms(text);
  if (!t) return {};
  return FormatUtcTimestamp(*t);
}

SqlValue TimestampToUtc(const json& v) {
  if (!v.is_string()) return {};
  return TimestampToUtc(std::string_view(v.get_ref<const std::string&>()));
}

namespace {

// ---- reading JSON -----------------------------------------------------------

// Jira sent `shown` (a JSON text) where `want` belongs.
[[noreturn]] void Unexpected(const char* want, std::string shown) {
  if (shown.size() > 60) shown = shown.substr(0, 57) + "...";
  throw BadValue("Jira sent " + shown + " where " + want + " belongs");
}
[[noreturn]] void Unexpected(const char* want, const json& v) { Unexpected(want, v.dump()); }

// The converters below read a value through a view: JView over the kept
// nlohmann::json, or SView straight over simdjson's parsed page (the Issues
// scan's columns, StraightPlan). One converter, two views: the same value
// either way. SView gives up (throws StraightGiveUp) wherever its answer
// could differ from JView's — a number it would print, an unsigned 64-bit
// number, an error's text — and the decoder then keeps that issue as JSON
// for JView to read.
struct StraightGiveUp {};

class JView {
 public:
  explicit JView(const json& j) : j_(j) {}
  bool is_string() const { return j_.is_string(); }
  bool is_int() const { return j_.is_number_integer(); }
  bool is_number() const { return j_.is_number(); }
  bool is_bool() const { return j_.is_boolean(); }
  bool is_object() const { return j_.is_object(); }
  bool is_array() const { return j_.is_array(); }
  bool is_null() const { return j_.is_null(); }
  std::string_view str() const { return j_.get_ref<const std::string&>(); }
  int64_t i64() const { return j_.get<int64_t>(); }
  double dbl() const { return j_.get<double>(); }
  bool boolean() const { return j_.get<bool>(); }
  /// The member `k` of an object; nullopt when missing or null.
  std::optional<JView> member(const char* k) const {
    auto it = j_.find(k);
    if (it == j_.end() || it->is_null()) return std::nullopt;
    return JView(*it);
  }
  template <class F>
  void each(F f) const {
    for (const auto& e : j_) f(JView(e));
  }
  /// The value as JSON text.
  std::string dump() const { return j_.dump(); }
  /// The value as nlohmann::json (a list's element kept whole).
  const json& value() const { return j_; }

 private:
  const json& j_;
};

class SView {
 public:
  explicit SView(const simdjson::dom::element& e) : e_(e), type_(e.type()) {
    if (type_ == simdjson::dom::element_type::UINT64) throw StraightGiveUp{};
  }
  bool is_string() const { return type_ == simdjson::dom::element_type::STRING; }
  bool is_int() const { return type_ == simdjson::dom::element_type::INT64; }
  bool is_number() const { return is_int() || type_ == simdjson::dom::element_type::DOUBLE; }
  bool is_bool() const { return type_ == simdjson::dom::element_type::BOOL; }
  bool is_object() const { return type_ == simdjson::dom::element_type::OBJECT; }
  bool is_array() const { return type_ == simdjson::dom::element_type::ARRAY; }
  bool is_null() const { return type_ == simdjson::dom::element_type::NULL_VALUE; }
  std::string_view str() const { return std::string_view(e_); }
  int64_t i64() const { return int64_t(e_); }
  double dbl() const { return double(e_); }
  bool boolean() const { return bool(e_); }
  std::optional<SView> member(const char* k) const {
    simdjson::dom::element m;
    if (simdjson::dom::object(e_).at_key(k).get(m) || m.is_null()) return std::nullopt;
    return SView(m);
  }
  template <class F>
  void each(F f) const {
    for (auto e : simdjson::dom::array(e_)) f(SView(e));
  }
  [[noreturn]] std::string dump() const { throw StraightGiveUp{}; }
  [[noreturn]] json value() const { throw StraightGiveUp{}; }

 private:
  simdjson::dom::element e_;
  simdjson::dom::element_type type_;
};

template <class V>
SqlValue Text(const V& v) {
  if (v.is_string()) return std::string(v.str());
  if (v.is_int()) return std::to_string(v.i64());
  if (v.is_number()) return v.dump();
  if (v.is_bool()) return std::string(v.boolean() ? "true" : "false");
  Unexpected("text", v.dump());
}

template <class V>
SqlValue Int(const V& v) {
  if (v.is_int()) return v.i64();
  if (v.is_number()) return static_cast<int64_t>(v.dbl());
  if (v.is_bool()) return int64_t{v.boolean() ? 1 : 0};
  if (v.is_string()) {
    if (auto n = ParseInt(v.str())) return static_cast<int64_t>(*n);
  }
  Unexpected("a whole number", v.dump());
}

template <class V>
SqlValue Bool(const V& v) {
  if (v.is_bool()) return int64_t{v.boolean() ? 1 : 0};
  if (v.is_string()) {
    const std::string_view t = v.str();
    if (t == "true" || t == "false") return int64_t{t == "true" ? 1 : 0};
  }
  if (v.is_number()) return Int(v);
  Unexpected("true or false", v.dump());
}

template <class V>
SqlValue Timestamp(const V& v) {
  SqlValue t = v.is_string() ? TimestampToUtc(v.str()) : SqlValue{};
  if (IsNull(t)) Unexpected("a timestamp", v.dump());
  return t;
}

template <class V>
SqlValue UserId(const V& v) {
  if (!v.is_object()) Unexpected("a user (a JSON object)", v.dump());
  if (auto a = v.member("accountId")) return Text(*a);
  auto n = v.member("name");
  return n ? Text(*n) : SqlValue{};
}

// A JSON array of strings: plain strings kept, objects give `key`.
template <class V>
SqlValue List(const V& v, const char* key) {
  if (!v.is_array()) Unexpected("a JSON array", v.dump());
  // Written as nlohmann::json's dump() writes the array (no spaces; strings
  // escaped as JsonWriter does, which is the same), without building it.
  std::string out = "[";
  auto comma = [&] {
    if (out.size() > 1) out += ',';
  };
  v.each([&](const V& e) {
    if (e.is_string()) {
      comma();
      JsonWriter::AppendQuoted(out, e.str());
    } else if (e.is_object()) {
      auto k = e.member(key);
      comma();
      if (k && k->is_string())
        JsonWriter::AppendQuoted(out, k->str());
      else
        out += e.dump();
    } else if (!e.is_null()) {
      comma();
      out += e.dump();
    }
  });
  out += ']';
  return out;
}

// The value at `path` (any range of member names), nullptr when a member is
// missing or null; a member on the way that is there but not an object is an
// error.
template <class Path>
const json* Walk(const json& j, const Path& path) {
  const json* cur = &j;
  for (const char* k : path) {
    if (!cur->is_object()) Unexpected("a JSON object", *cur);
    auto it = cur->find(k);
    if (it == cur->end() || it->is_null()) return nullptr;
    cur = &*it;
  }
  return cur;
}
const json* At(const json& j, std::initializer_list<const char*> path) { return Walk(j, path); }

SqlValue AsText(const json* v) { return v ? Text(JView(*v)) : SqlValue{}; }

SqlValue AsInt(const json* v) { return v ? Int(JView(*v)) : SqlValue{}; }

SqlValue AsReal(const json* v) {
  if (!v) return {};
  if (v->is_number()) return v->get<double>();
  if (v->is_string()) {
    const std::string& t = v->get_ref<const std::string&>();
    char* end = nullptr;
    const double d = std::strtod(t.c_str(), &end);
    if (!t.empty() && end == t.c_str() + t.size() && std::isfinite(d)) return d;
  }
  Unexpected("a number", *v);
}

SqlValue AsBool(const json* v) { return v ? Bool(JView(*v)) : SqlValue{}; }

SqlValue AsTimestamp(const json* v) { return v ? Timestamp(JView(*v)) : SqlValue{}; }

// A time Jira (or jirasql) gives in epoch milliseconds.
SqlValue AsEpochMs(const json* v) {
  if (!v) return {};
  if (!v->is_number_integer()) Unexpected("a time in epoch milliseconds", *v);
  return FormatUtcTimestamp(v->get<int64_t>());
}

// ADF (v3) rendered to text, or plain text (v2 and Data Center) as it is.
SqlValue AsRichText(const json* v) {
  if (!v) return {};
  if (v->is_string()) return v->get<std::string>();
  if (v->is_object()) {
    auto text = AdfToText(v->dump());
    if (text) return *text;
    return std::string("[unreadable rich text: ") + text.error().message + "]";
  }
  return AsText(v);
}

SqlValue AsRawAdf(const json* v) {
  if (!v || !v->is_object()) return {};
  return v->dump();
}

SqlValue AsUserId(const json* v) { return v ? UserId(JView(*v)) : SqlValue{}; }

// A JSON array of strings: plain strings kept, objects give `key`.
SqlValue AsList(const json* v, const char* key) { return v ? List(JView(*v), key) : SqlValue{}; }

// The straight read of a converter above (StraightPlan); null for the others.
StraightRead StraightOf(SqlValue (*as)(const json*)) {
  if (as == AsText) return [](const simdjson::dom::element& e) { return Text(SView(e)); };
  if (as == AsInt) return [](const simdjson::dom::element& e) { return Int(SView(e)); };
  if (as == AsBool) return [](const simdjson::dom::element& e) { return Bool(SView(e)); };
  if (as == AsTimestamp) return [](const simdjson::dom::element& e) { return Timestamp(SView(e)); };
  if (as == AsUserId) return [](const simdjson::dom::element& e) { return UserId(SView(e)); };
  return nullptr;
}

int64_t AsIntOr0(const json* v) {
  SqlValue n = AsInt(v);
  return std::holds_alternative<int64_t>(n) ? std::get<int64_t>(n) : 0;
}

SqlValue AsJson(const json* v) {
  if (!v || v->is_null()) return {};
  return v->dump();
}

// An issue type's level: Jira Cloud's hierarchyLevel; Data Center, which
// does not send it, -1 for sub-task types, 1 for Jira Software's Epic
// type (by its name), 0 for the others.
SqlValue HierarchyLevelOf(const json* type) {
  if (!type) return {};
  if (!type->is_object()) Unexpected("an issue type (a JSON object)", *type);
  if (const json* level = At(*type, {"hierarchyLevel"})) return AsInt(level);
  if (AsBool(At(*type, {"subtask"})) == SqlValue{int64_t{1}}) return int64_t{-1};
  const json* name = At(*type, {"name"});
  return int64_t{name && name->is_string() && name->get_ref<const std::string&>() == "Epic" ? 1 : 0};
}

// ---- building columns -------------------------------------------------------

using Getter = std::function<SqlValue(const RowContext&)>;

// A getter and the JSON path it reads (the page decoder keeps what is
// read), and the same read straight from the page where it has one.
struct Reader {
  Getter get;
  std::vector<std::string> path;
  StraightRead straight;
  bool long_text = false;  ///< see ColumnDef::long_text
};

ColumnDef Col(std::string name, SqlType type, std::string jira_field, std::string description, Getter get) {
  ColumnDef c;
  c.name = std::move(name);
  c.type = type;
  c.jira_field = std::move(jira_field);
  c.description = std::move(description);
  c.get = std::move(get);
  c.long_text = type == SqlType::kJson;
  return c;
}
ColumnDef Col(std::string name, SqlType type, std::string jira_field, std::string description, Reader r) {
  ColumnDef c = Col(std::move(name), type, std::move(jira_field), std::move(description), std::move(r.get));
  c.json_path = std::move(r.path);
  c.reads_item = true;
  c.straight = std::move(r.straight);
  c.long_text = c.long_text || r.long_text;
  return c;
}

ColumnDef Pushed(ColumnDef c, Push push, std::string jql_field) {
  c.push = push;
  c.jql_field = std::move(jql_field);
  return c;
}

ColumnDef Hidden(ColumnDef c) {
  c.hidden = true;
  return c;
}

// Marks the columns INSERT and UPDATE may set (the table's writer says how).
std::vector<ColumnDef> Writable(std::vector<ColumnDef> cols, std::initializer_list<std::string_view> names) {
  for (auto name : names) {
    auto it = std::find_if(cols.begin(), cols.end(), [&](const ColumnDef& c) { return c.name == name; });
    if (it == cols.end()) throw std::logic_error("Writable: no column " + std::string(name));
    it->writable = true;
  }
  return cols;
}

// Getters over the row item.
Reader Item(std::initializer_list<const char*> path, SqlValue (*as)(const json*)) {
  std::vector<const char*> p(path);
  return {[p, as](const RowContext& r) { return as(Walk(r.item, p)); }, std::vector<std::string>(p.begin(), p.end()),
          StraightOf(as), as == AsRichText || as == AsRawAdf || as == AsJson};
}
Reader ItemList(std::initializer_list<const char*> path, const char* key) {
  std::vector<const char*> p(path);
  return {[p, key](const RowContext& r) { return AsList(Walk(r.item, p), key); },
          std::vector<std::string>(p.begin(), p.end()),
          [key](const simdjson::dom::element& e) { return List(SView(e), key); }};
}
Getter IssueOf(const char* key, SqlValue (*as)(const json*)) {
  return [key, as](const RowContext& r) { return r.issue ? as(At(*r.issue, {key})) : SqlValue{}; };
}

// Columns every child-of-an-issue table has.
std::vector<ColumnDef> IssueParentColumns(const std::string& what) {
  return {
      Pushed(Col("IssueId", SqlType::kInteger, "", "Id of the issue the " + what + " belongs to", IssueOf("id", AsInt)),
             Push::kParentIssue, "id"),
      Pushed(
          Col("IssueKey", SqlType::kText, "", "Key of the issue the " + what + " belongs to", IssueOf("key", AsText)),
          Push::kParentIssue, "key")};
}

// The hidden Jql column: the issues a table reads under, in JQL.
ColumnDef JqlColumn(const std::string& of) {
  return Hidden(Pushed(Col("Jql", SqlType::kText, "", "A JQL filter on the " + of + ": WHERE Jql = 'project = ABC'",
                           [](const RowContext&) { return SqlValue{}; }),
                       Push::kJql, ""));
}

// A table of the elements of one array field of the issues (IssueLinks,
// IssueComponents, …): the issue's id and key, its project, the element's
// columns, then Jql. The project columns push down as JQL.
std::vector<ColumnDef> IssueElementColumns(const std::string& what, std::vector<ColumnDef> element) {
  std::vector<ColumnDef> c = IssueParentColumns(what);
  c.push_back(
      Pushed(Col("ProjectId", SqlType::kInteger, "project", "The issue's project id", IssueOf("projectId", AsInt)),
             Push::kName, "project"));
  c.push_back(
      Pushed(Col("ProjectKey", SqlType::kText, "project", "The issue's project key", IssueOf("projectKey", AsText)),
             Push::kName, "project"));
  for (auto& e : element) c.push_back(std::move(e));
  c.push_back(JqlColumn("issues"));
  return c;
}

// IssueLinks: the other end of a link, as this issue's list shows it.
const json* LinkEnd(const json& link) {
  if (const json* o = At(link, {"outwardIssue"})) return o;
  return At(link, {"inwardIssue"});
}
Getter LinkedIssue(std::initializer_list<const char*> path, SqlValue (*as)(const json*)) {
  std::vector<const char*> p(path);
  return [p, as](const RowContext& r) -> SqlValue {
    const json* end = LinkEnd(r.item);
    return end ? as(Walk(*end, p)) : SqlValue{};
  };
}

std::vector<ColumnDef> IssueColumns() {
  using T = SqlType;
  return {
      Pushed(Col("Id", T::kInteger, "", "Issue id", Item({"id"}, AsInt)), Push::kId, "id"),
      Pushed(Col("Key", T::kText, "", "Issue key, e.g. ABC-123", Item({"key"}, AsText)), Push::kIssueKey, "key"),
      Col("Summary", T::kText, "summary", "One-line summary", Item({"fields", "summary"}, AsText)),
      Col("Description", T::kText, "description", "Description as readable text (ADF rendered; Data Center: as stored)",
          Item({"fields", "description"}, AsRichText)),
      Hidden(Col("DescriptionAdf", T::kText, "description", "Description as raw ADF JSON (Cloud); NULL otherwise",
                 Item({"fields", "description"}, AsRawAdf))),
      Col("IssueTypeId", T::kInteger, "issuetype", "Issue type id", Item({"fields", "issuetype", "id"}, AsInt)),
      Pushed(Col("IssueTypeName", T::kText, "issuetype", "Issue type name (Bug, Story, Sub-task, ...)",
                 Item({"fields", "issuetype", "name"}, AsText)),
             Push::kName, "issuetype"),
      Col("IsSubtask", T::kBoolean, "issuetype", "1 when the issue type is a sub-task type",
          Item({"fields", "issuetype", "subtask"}, AsBool)),
      Col("HierarchyLevel", T::kInteger, "issuetype",
          "The issue type's level: -1 sub-task, 0 standard, 1 epic (Data Center, which does not say: 1 for the type "
          "named Epic)",
          Item({"fields", "issuetype"}, HierarchyLevelOf)),
      Pushed(Col("ProjectId", T::kInteger, "project", "Project id", Item({"fields", "project", "id"}, AsInt)),
             Push::kName, "project"),
      Pushed(Col("ProjectKey", T::kText, "project", "Project key", Item({"fields", "project", "key"}, AsText)),
             Push::kName, "project"),
      Col("ProjectName", T::kText, "project", "Project name", Item({"fields", "project", "name"}, AsText)),
      Col("StatusId", T::kInteger, "status", "Status id", Item({"fields", "status", "id"}, AsInt)),
      Pushed(Col("StatusName", T::kText, "status", "Status name", Item({"fields", "status", "name"}, AsText)),
             Push::kName, "status"),
      Pushed(Col("StatusCategory", T::kText, "status", "Status category name (To Do, In Progress, Done)",
                 Item({"fields", "status", "statusCategory", "name"}, AsText)),
             Push::kName, "statusCategory"),
      Pushed(Col("PriorityName", T::kText, "priority", "Priority name", Item({"fields", "priority", "name"}, AsText)),
             Push::kName, "priority"),
      Pushed(Col("ResolutionName", T::kText, "resolution", "Resolution name; NULL while unresolved",
                 Item({"fields", "resolution", "name"}, AsText)),
             Push::kName, "resolution"),
      Pushed(Col("AssigneeAccountId", T::kText, "assignee",
                 "Assignee's account id (Data Center: user name); NULL when unassigned",
                 Item({"fields", "assignee"}, AsUserId)),
             Push::kUser, "assignee"),
      Col("AssigneeDisplayName", T::kText, "assignee", "Assignee's display name",
          Item({"fields", "assignee", "displayName"}, AsText)),
      Pushed(Col("ReporterAccountId", T::kText, "reporter", "Reporter's account id (Data Center: user name)",
                 Item({"fields", "reporter"}, AsUserId)),
             Push::kUser, "reporter"),
      Col("ReporterDisplayName", T::kText, "reporter", "Reporter's display name",
          Item({"fields", "reporter", "displayName"}, AsText)),
      Col("CreatorAccountId", T::kText, "creator", "Creator's account id (Data Center: user name)",
          Item({"fields", "creator"}, AsUserId)),
      Pushed(Col("Created", T::kTimestamp, "created", "When the issue was created",
                 Item({"fields", "created"}, AsTimestamp)),
             Push::kTimestamp, "created"),
      Pushed(Col("Updated", T::kTimestamp, "updated", "When the issue was last updated",
                 Item({"fields", "updated"}, AsTimestamp)),
             Push::kTimestamp, "updated"),
      Pushed(Col("ResolutionDate", T::kTimestamp, "resolutiondate", "When the issue was resolved",
                 Item({"fields", "resolutiondate"}, AsTimestamp)),
             Push::kTimestamp, "resolutiondate"),
      Pushed(Col("DueDate", T::kDate, "duedate", "Due date", Item({"fields", "duedate"}, AsText)), Push::kDate,
             "duedate"),
      Col("StatusCategoryChanged", T::kTimestamp, "statuscategorychangedate", "When the status category last changed",
          Item({"fields", "statuscategorychangedate"}, AsTimestamp)),
      Col("Labels", T::kJson, "labels", "Labels, e.g. [\"backend\",\"urgent\"]",
          ItemList({"fields", "labels"}, "name")),
      Col("Components", T::kJson, "components", "Component names", ItemList({"fields", "components"}, "name")),
      Col("FixVersions", T::kJson, "fixVersions", "Fix version names", ItemList({"fields", "fixVersions"}, "name")),
      Pushed(Col("ParentKey", T::kText, "parent", "Parent issue key (sub-tasks, children of epics)",
                 Item({"fields", "parent", "key"}, AsText)),
             Push::kIssueKey, "parent"),
      Col("ParentId", T::kInteger, "parent", "Parent issue id", Item({"fields", "parent", "id"}, AsInt)),
      Col("OriginalEstimateSeconds", T::kInteger, "timeoriginalestimate", "Original estimate in seconds",
          Item({"fields", "timeoriginalestimate"}, AsInt)),
      Col("RemainingEstimateSeconds", T::kInteger, "timeestimate", "Remaining estimate in seconds",
          Item({"fields", "timeestimate"}, AsInt)),
      Col("TimeSpentSeconds", T::kInteger, "timespent", "Time logged in seconds", Item({"fields", "timespent"}, AsInt)),
      Hidden(Pushed(Col("Jql", T::kText, "", "A JQL filter: WHERE Jql = 'project = ABC ORDER BY created'",
                        [](const RowContext&) { return SqlValue{}; }),
                    Push::kJql, "")),
  };
}

// The columns of `cols` named in `names`, in that order.
std::vector<ColumnDef> Pick(std::vector<ColumnDef> cols, std::initializer_list<std::string_view> names) {
  std::vector<ColumnDef> out;
  for (auto name : names) {
    auto it = std::find_if(cols.begin(), cols.end(), [&](const ColumnDef& c) { return c.name == name; });
    if (it == cols.end()) throw std::logic_error("Pick: no column " + std::string(name));
    out.push_back(std::move(*it));
  }
  return out;
}

std::vector<ColumnDef> EpicColumns() {
  using T = SqlType;
  std::vector<ColumnDef> c = Pick(IssueColumns(), {"Id",
                                                   "Key",
                                                   "Summary",
                                                   "IssueTypeId",
                                                   "IssueTypeName",
                                                   "ProjectId",
                                                   "ProjectKey",
                                                   "ProjectName",
                                                   "StatusId",
                                                   "StatusName",
                                                   "StatusCategory",
                                                   "PriorityName",
                                                   "AssigneeAccountId",
                                                   "AssigneeDisplayName",
                                                   "Created",
                                                   "Updated",
                                                   "ResolutionDate",
                                                   "DueDate",
                                                   "Labels",
                                                   "Jql"});
  const ColumnDef jql = std::move(c.back());
  c.pop_back();
  auto count = [](const char* name, const char* member, std::string what) {
    return Col(name, T::kInteger, "", std::move(what), Item({"jirasql.children", member}, AsInt));
  };
  c.push_back(count("ChildCount", "count", "Issues in the epic (its children; their sub-tasks not counted)"));
  c.push_back(count("ChildToDoCount", "toDo", "Children in a To Do status category"));
  c.push_back(count("ChildInProgressCount", "inProgress", "Children in progress"));
  c.push_back(count("ChildDoneCount", "done", "Children done"));
  c.push_back(jql);
  return c;
}

std::vector<TableDef> MakeBaseTables() {
  using T = SqlType;
  std::vector<TableDef> t;
  // Stable rowids (see TableDef::rowid).
  auto int_of = [](const json& j, std::initializer_list<const char*> path) -> int64_t {
    auto v = AsInt(At(j, path));
    return std::holds_alternative<int64_t>(v) ? std::get<int64_t>(v) : 0;
  };
  auto by_id = [int_of](const RowContext& r) { return int_of(r.item, {"id"}); };
  // Text ids (account ids, field ids) hashed to a rowid (FNV-1a).
  auto hashed = [](const SqlValue& v) {
    uint64_t h = 1469598103934665603ull;
    if (auto* s = std::get_if<std::string>(&v)) {
      for (unsigned char c : *s) h = (h ^ c) * 1099511628211ull;
    }
    return static_cast<int64_t>(h >> 1);
  };
  auto by_user = [hashed](const RowContext& r) { return hashed(AsUserId(&r.item)); };
  auto by_field_id = [hashed](const RowContext& r) { return hashed(AsText(At(r.item, {"id"}))); };
  auto by_parent_and_id = [int_of](const RowContext& r) {
    const int64_t parent = r.issue ? int_of(*r.issue, {"id"}) : 0;
    return static_cast<int64_t>((static_cast<uint64_t>(parent) << 32) ^ static_cast<uint64_t>(int_of(r.item, {"id"})));
  };
  auto by_change = [int_of](const RowContext& r) { return int_of(r.item, {"history", "id"}) * 4096 + r.ordinal; };

  t.push_back(
      TableDef("Issues", "Issues found by JQL; one row per issue.",
               Writable(IssueColumns(), {"Summary", "Description", "DescriptionAdf", "IssueTypeId", "IssueTypeName",
                                         "ProjectId", "ProjectKey", "PriorityName", "AssigneeAccountId",
                                         "ReporterAccountId", "DueDate", "Labels", "Components", "FixVersions",
                                         "ParentKey", "ParentId", "StatusName", "StatusId", "ResolutionName"}),
               api::kIssueSearch)
          .Reads(ReadIssues(), ExplainIssues())
          .Writes(WriteIssues(),
                  std::string(api::kCreateIssue) + "; " + std::string(api::kEditIssue) + "; " +
                      std::string(api::kDeleteIssue) +
                      "; StatusName or StatusId: " + std::string(api::kTransitionIssue),
                  {"Key", "StatusName", "StatusId"})
          .Flushes(FlushIssues())
          .RowId(by_id)
          .IssueSearchBacked()
          .CustomFields()
          .Cost(1e6));
  t.push_back(
      TableDef(
          "Projects", "Projects the user can browse.",
          {Col("Id", T::kInteger, "", "Project id", Item({"id"}, AsInt)),
           Col("Key", T::kText, "", "Project key", Item({"key"}, AsText)),
           Col("Name", T::kText, "", "Project name", Item({"name"}, AsText)),
           Col("ProjectTypeKey", T::kText, "", "software, business or service_desk", Item({"projectTypeKey"}, AsText)),
           Col("Simplified", T::kBoolean, "", "1 for team-managed projects", Item({"simplified"}, AsBool)),
           Col("LeadAccountId", T::kText, "", "Project lead's account id", Item({"lead"}, AsUserId)),
           Col("LeadDisplayName", T::kText, "", "Project lead's display name", Item({"lead", "displayName"}, AsText)),
           Col("Description", T::kText, "", "Project description", Item({"description"}, AsText))},
          api::kProjects)
          .Reads(ReadList(&JiraClient::Projects))
          .RowId(by_id));
  t.push_back(TableDef("Users", "Users of the site.",
                       {Col("AccountId", T::kText, "", "Account id (Data Center: user name)",
                            [](const RowContext& r) { return AsUserId(&r.item); }),
                        Col("DisplayName", T::kText, "", "Display name", Item({"displayName"}, AsText)),
                        Col("EmailAddress", T::kText, "", "E-mail address, when the user's privacy settings show it",
                            Item({"emailAddress"}, AsText)),
                        Col("Active", T::kBoolean, "", "1 for active accounts", Item({"active"}, AsBool)),
                        Col("TimeZone", T::kText, "", "The user's time zone", Item({"timeZone"}, AsText)),
                        Col("AccountType", T::kText, "", "atlassian, app or customer", Item({"accountType"}, AsText))},
                       api::kUsers)
                  .Reads(ReadList(&JiraClient::Users))
                  .RowId(by_user));
  t.push_back(TableDef("Myself",
                       "The user this connection logs in as: one row. \"My open issues\": WHERE AssigneeAccountId = "
                       "(SELECT AccountId FROM Myself).",
                       {Col("AccountId", T::kText, "", "Account id (Data Center: user name)",
                            [](const RowContext& r) { return AsUserId(&r.item); }),
                        Col("DisplayName", T::kText, "", "Display name", Item({"displayName"}, AsText)),
                        Col("EmailAddress", T::kText, "", "E-mail address", Item({"emailAddress"}, AsText)),
                        Col("Active", T::kBoolean, "", "1 for an active account", Item({"active"}, AsBool)),
                        Col("TimeZone", T::kText, "", "The user's time zone: JQL dates are read in it",
                            Item({"timeZone"}, AsText)),
                        Col("Locale", T::kText, "", "The user's locale", Item({"locale"}, AsText)),
                        Col("AccountType", T::kText, "", "atlassian, app or customer", Item({"accountType"}, AsText))},
                       api::kMyself)
                  .Reads(ReadList(&JiraClient::Myself))
                  .RowId(by_user));
  {
    std::vector<ColumnDef> c = {Col("Id", T::kInteger, "", "Comment id", Item({"id"}, AsInt))};
    for (auto& p : IssueParentColumns("comment")) c.push_back(std::move(p));
    for (auto& x : std::vector<ColumnDef>{
             Col("AuthorAccountId", T::kText, "", "Author's account id", Item({"author"}, AsUserId)),
             Col("AuthorDisplayName", T::kText, "", "Author's display name", Item({"author", "displayName"}, AsText)),
             Col("Body", T::kText, "", "Comment as readable text", Item({"body"}, AsRichText)),
             Hidden(Col("BodyAdf", T::kText, "", "Comment as raw ADF JSON (Cloud)", Item({"body"}, AsRawAdf))),
             Col("Created", T::kTimestamp, "", "When the comment was written", Item({"created"}, AsTimestamp)),
             Col("Updated", T::kTimestamp, "", "When the comment was last edited", Item({"updated"}, AsTimestamp)),
             Col("UpdateAuthorAccountId", T::kText, "", "Who last edited it", Item({"updateAuthor"}, AsUserId)),
             Col("Visibility", T::kJson, "",
                 "Who may see it: {\"type\": \"role\" or \"group\", \"value\": name}; NULL for everyone",
                 Item({"visibility"}, AsJson))}) {
      c.push_back(std::move(x));
    }
    c.push_back(JqlColumn("issues"));
    c = Writable(std::move(c), {"IssueId", "IssueKey", "Body", "BodyAdf", "Visibility"});
    t.push_back(TableDef("Comments",
                         "Comments on issues, read with the issue search (a call more only for an issue with more "
                         "comments than the search embeds). Constrain IssueKey, IssueId or Jql to read a few issues'.",
                         std::move(c), api::kComments)
                    .Reads(ReadIssueChildren(IssueChild::kComments), ExplainIssueChildren(IssueChild::kComments))
                    .CarriedOnJoins(CarriedFields(IssueChild::kComments))
                    .Writes(WriteComments(),
                            std::string(api::kAddComment) + "; " + std::string(api::kEditComment) + "; " +
                                std::string(api::kDeleteComment),
                            {"IssueId", "IssueKey"})
                    .RowId(by_id)
                    .IssueSearchBacked()
                    .Cost(1e6));
  }
  {
    std::vector<ColumnDef> c = {Col("Id", T::kInteger, "", "Worklog id", Item({"id"}, AsInt))};
    for (auto& p : IssueParentColumns("worklog")) c.push_back(std::move(p));
    for (auto& x : std::vector<ColumnDef>{
             Col("AuthorAccountId", T::kText, "", "Who logged the work", Item({"author"}, AsUserId)),
             Col("AuthorDisplayName", T::kText, "", "Their display name", Item({"author", "displayName"}, AsText)),
             Col("Comment", T::kText, "", "Worklog comment as readable text", Item({"comment"}, AsRichText)),
             Col("Started", T::kTimestamp, "", "When the work started", Item({"started"}, AsTimestamp)),
             Col("TimeSpent", T::kText, "", "Time spent as Jira shows it, e.g. 1h 30m", Item({"timeSpent"}, AsText)),
             Col("TimeSpentSeconds", T::kInteger, "", "Time spent in seconds", Item({"timeSpentSeconds"}, AsInt)),
             Col("Created", T::kTimestamp, "", "When the worklog was created", Item({"created"}, AsTimestamp)),
             Col("Updated", T::kTimestamp, "", "When the worklog was last edited", Item({"updated"}, AsTimestamp)),
             Hidden(Col("AdjustEstimate", T::kText, "",
                        "Writes only: how the issue's remaining estimate changes: auto (Jira's default), new, leave "
                        "or manual (INSERT only)",
                        [](const RowContext&) { return SqlValue{}; })),
             Hidden(Col("AdjustEstimateBy", T::kText, "",
                        "Writes only: with AdjustEstimate new, the new estimate; with manual, how much to reduce it "
                        "('2h 30m')",
                        [](const RowContext&) { return SqlValue{}; }))}) {
      c.push_back(std::move(x));
    }
    c.push_back(JqlColumn("issues"));
    c = Writable(std::move(c), {"IssueId", "IssueKey", "Comment", "Started", "TimeSpent", "TimeSpentSeconds",
                                "AdjustEstimate", "AdjustEstimateBy"});
    t.push_back(TableDef("Worklogs",
                         "Work logged on issues, read with the issue search (a call more only for an issue with more "
                         "than the 20 worklogs Jira embeds). Constrain IssueKey, IssueId or Jql to read a few issues'.",
                         std::move(c), api::kWorklogs)
                    .Reads(ReadIssueChildren(IssueChild::kWorklogs), ExplainIssueChildren(IssueChild::kWorklogs))
                    .CarriedOnJoins(CarriedFields(IssueChild::kWorklogs))
                    .Writes(WriteWorklogs(),
                            std::string(api::kAddWorklog) + "; " + std::string(api::kEditWorklog) + "; " +
                                std::string(api::kDeleteWorklog),
                            {"IssueId", "IssueKey"})
                    .RowId(by_id)
                    .IssueSearchBacked()
                    .Cost(1e6));
  }
  {
    std::vector<ColumnDef> c = {
        Col("Id", T::kInteger, "", "Change group (history) id", Item({"history", "id"}, AsInt))};
    for (auto& p : IssueParentColumns("change")) c.push_back(std::move(p));
    for (auto& x : std::vector<ColumnDef>{
             Col("AuthorAccountId", T::kText, "", "Who made the change", Item({"history", "author"}, AsUserId)),
             Col("AuthorDisplayName", T::kText, "", "Their display name",
                 Item({"history", "author", "displayName"}, AsText)),
             Col("Created", T::kTimestamp, "", "When the change was made", Item({"history", "created"}, AsTimestamp)),
             Col("Field", T::kText, "", "The field that changed", Item({"field"}, AsText)),
             Col("FieldType", T::kText, "", "jira or custom", Item({"fieldtype"}, AsText)),
             Col("FieldId", T::kText, "", "The field's id, when Jira gives it", Item({"fieldId"}, AsText)),
             Col("FromValue", T::kText, "", "Old value (ids)", Item({"from"}, AsText)),
             Col("FromString", T::kText, "", "Old value as shown", Item({"fromString"}, AsText)),
             Col("ToValue", T::kText, "", "New value (ids)", Item({"to"}, AsText)),
             Col("ToString", T::kText, "", "New value as shown", Item({"toString"}, AsText))}) {
      c.push_back(std::move(x));
    }
    c.push_back(JqlColumn("issues"));
    t.push_back(TableDef("IssueChangelogs", "Field changes of issues; one row per changed field.", std::move(c),
                         api::kChangelogs)
                    .Reads(ReadIssueChildren(IssueChild::kChangelogs), ExplainIssueChildren(IssueChild::kChangelogs))
                    .CarriedOnJoins(CarriedFields(IssueChild::kChangelogs))
                    .Split(SplitChangeItems)
                    .RowId(by_change)
                    .IssueSearchBacked()
                    .Cost(1e6));
  }
  {
    std::vector<ColumnDef> c = {Col("Id", T::kInteger, "", "Attachment id", Item({"id"}, AsInt))};
    for (auto& p : IssueParentColumns("attachment")) c.push_back(std::move(p));
    for (auto& x : std::vector<ColumnDef>{
             Col("FileName", T::kText, "", "File name", Item({"filename"}, AsText)),
             Col("Size", T::kInteger, "", "Size in bytes", Item({"size"}, AsInt)),
             Col("MimeType", T::kText, "", "MIME type, e.g. image/png", Item({"mimeType"}, AsText)),
             Col("AuthorAccountId", T::kText, "", "Who attached it", Item({"author"}, AsUserId)),
             Col("AuthorDisplayName", T::kText, "", "Their display name", Item({"author", "displayName"}, AsText)),
             Col("Created", T::kTimestamp, "", "When it was attached", Item({"created"}, AsTimestamp)),
             Col("ContentUrl", T::kText, "", "Where its content is (EXEC DownloadAttachment saves it)",
                 Item({"content"}, AsText)),
             Hidden(Col("FilePath", T::kText, "", "INSERT only: the local file to upload",
                        [](const RowContext&) { return SqlValue{}; }))}) {
      c.push_back(std::move(x));
    }
    c.push_back(JqlColumn("issues"));
    c = Writable(std::move(c), {"IssueId", "IssueKey", "FileName", "FilePath"});
    t.push_back(
        TableDef("Attachments",
                 "Files attached to issues, read with the issue search. INSERT (IssueKey, FilePath) uploads a "
                 "file; DELETE removes one.",
                 std::move(c), api::kAttachments)
            .Reads(ReadIssueChildren(IssueChild::kAttachments), ExplainIssueChildren(IssueChild::kAttachments))
            .CarriedOnJoins(CarriedFields(IssueChild::kAttachments))
            .Writes(WriteAttachments(), std::string(api::kAddAttachment) + "; " + std::string(api::kDeleteAttachment))
            .RowId(by_id)
            .IssueSearchBacked()
            .Cost(1e6));
  }
  {
    std::vector<ColumnDef> c = {Col("Id", T::kInteger, "", "Transition id", Item({"id"}, AsInt))};
    for (auto& p : IssueParentColumns("transition")) c.push_back(std::move(p));
    for (auto& x : std::vector<ColumnDef>{
             Col("Name", T::kText, "", "Transition name, e.g. Start progress", Item({"name"}, AsText)),
             Col("ToStatusId", T::kInteger, "", "The status it leads to", Item({"to", "id"}, AsInt)),
             Col("ToStatusName", T::kText, "", "That status's name", Item({"to", "name"}, AsText)),
             Col("ToStatusCategory", T::kText, "", "That status's category (To Do, In Progress, Done)",
                 Item({"to", "statusCategory", "name"}, AsText)),
             Col("HasScreen", T::kBoolean, "", "1 when the transition asks for fields", Item({"hasScreen"}, AsBool)),
             Col("RequiredFields", T::kJson, "", "The fields it needs that have no default, e.g. [\"resolution\"]",
                 Reader{[](const RowContext& r) -> SqlValue {
                          json out = json::array();
                          const json* f = At(r.item, {"fields"});
                          if (f && f->is_object()) {
                            for (auto it = f->begin(); it != f->end(); ++it) {
                              if (it->is_object() && it->value("required", false) &&
                                  !it->value("hasDefaultValue", false))
                                out.push_back(it.key());
                            }
                          }
                          return out.dump();
                        },
                        {"fields"},
                        nullptr}),
             Hidden(Col("Fields", T::kJson, "",
                        "Reads: the fields the transition asks for (Jira's metadata, with allowed values); INSERT: "
                        "the values to set, e.g. {\"resolution\": {\"name\": \"Done\"}}",
                        Item({"fields"}, AsJson))),
             Hidden(Col("Comment", T::kText, "", "INSERT only: a comment added with the transition",
                        [](const RowContext&) { return SqlValue{}; }))}) {
      c.push_back(std::move(x));
    }
    c.push_back(JqlColumn("issues"));
    c = Writable(std::move(c),
                 {"Id", "IssueId", "IssueKey", "Name", "ToStatusId", "ToStatusName", "Fields", "Comment"});
    t.push_back(TableDef("IssueTransitions",
                         "The transitions each issue has now (one request per issue: constrain IssueKey or IssueId). "
                         "INSERT one to move an issue: INSERT INTO IssueTransitions (IssueKey, ToStatusName) VALUES "
                         "('ABC-1', 'Done').",
                         std::move(c), api::kTransitions)
                    .Reads(ReadIssueChildren(IssueChild::kTransitions), ExplainIssueChildren(IssueChild::kTransitions))
                    .CarriedOnJoins(CarriedFields(IssueChild::kTransitions))
                    .Writes(WriteIssueTransitions(), api::kTransitionIssue)
                    .RowId(by_parent_and_id)
                    .IssueSearchBacked()
                    .Cost(1e6));
  }

  auto by_parent_and_text = [hashed](const RowContext& r) {
    const int64_t parent = r.issue ? AsIntOr0(At(*r.issue, {"id"})) : 0;
    return static_cast<int64_t>((static_cast<uint64_t>(parent) << 24) ^ static_cast<uint64_t>(hashed(AsText(&r.item))));
  };
  t.push_back(
      TableDef(
          "IssueLinks",
          "Links between issues, one row per link and issue: a link between two issues read is listed under "
          "each, with Direction and Relation as that issue's page shows it (ABC-1 blocks ABC-2; ABC-2 is "
          "blocked by ABC-1). Read with the issue search, no call per issue.",
          Writable(
              IssueElementColumns(
                  "link",
                  {Col("Id", T::kInteger, "issuelinks", "Link id", Item({"id"}, AsInt)),
                   Col("LinkTypeId", T::kInteger, "issuelinks", "Link type id", Item({"type", "id"}, AsInt)),
                   Col("LinkTypeName", T::kText, "issuelinks", "Link type, e.g. Blocks, Relates",
                       Item({"type", "name"}, AsText)),
                   Col("Direction", T::kText, "issuelinks",
                       "outward: IssueKey <Relation> LinkedIssueKey with the type's outward words (blocks); inward: "
                       "with its inward words (is blocked by)",
                       [](const RowContext& r) -> SqlValue {
                         if (At(r.item, {"outwardIssue"})) return std::string("outward");
                         if (At(r.item, {"inwardIssue"})) return std::string("inward");
                         return {};
                       }),
                   Col("Relation", T::kText, "issuelinks",
                       "The link as this issue's page reads it: blocks, is blocked by",
                       [](const RowContext& r) -> SqlValue {
                         return AsText(At(r.item, {"type", At(r.item, {"outwardIssue"}) ? "outward" : "inward"}));
                       }),
                   Col("LinkedIssueId", T::kInteger, "issuelinks", "The issue at the other end",
                       LinkedIssue({"id"}, AsInt)),
                   Col("LinkedIssueKey", T::kText, "issuelinks", "Its key", LinkedIssue({"key"}, AsText)),
                   Col("LinkedIssueSummary", T::kText, "issuelinks", "Its summary",
                       LinkedIssue({"fields", "summary"}, AsText)),
                   Col("LinkedIssueStatus", T::kText, "issuelinks", "Its status",
                       LinkedIssue({"fields", "status", "name"}, AsText)),
                   Col("LinkedIssueTypeName", T::kText, "issuelinks", "Its issue type",
                       LinkedIssue({"fields", "issuetype", "name"}, AsText))}),
              {"IssueId", "IssueKey", "LinkTypeId", "LinkTypeName", "Direction", "Relation", "LinkedIssueId",
               "LinkedIssueKey"}),
          api::kIssueFieldElements)
          .Reads(ReadIssueElements("issuelinks"), ExplainIssues("issuelinks"))
          .CarriedOnJoins(CarriedFields("issuelinks"))
          .Writes(WriteIssueLinks(), std::string(api::kAddIssueLink) + "; " + std::string(api::kDeleteIssueLink),
                  {"Id"})
          .RowId(by_parent_and_id)
          .IssueSearchBacked()
          .Cost(1e6));
  auto version_columns = [](const char* field, const char* jql) {
    ColumnDef name = Col("VersionName", T::kText, field, "Version name", Item({"name"}, AsText));
    if (*jql) name = Pushed(std::move(name), Push::kName, jql);
    return std::vector<ColumnDef>{Col("VersionId", T::kInteger, field, "Version id", Item({"id"}, AsInt)),
                                  std::move(name),
                                  Col("Released", T::kBoolean, field, "1 once released", Item({"released"}, AsBool)),
                                  Col("Archived", T::kBoolean, field, "1 when archived", Item({"archived"}, AsBool)),
                                  Col("ReleaseDate", T::kDate, field, "Release date", Item({"releaseDate"}, AsText))};
  };
  t.push_back(TableDef("IssueFixVersions", "The versions each issue is to be fixed in (fixVersions), one row each.",
                       IssueElementColumns("version", version_columns("fixVersions", "fixVersion")),
                       api::kIssueFieldElements)
                  .Reads(ReadIssueElements("fixVersions"), ExplainIssues("fixVersions"))
                  .CarriedOnJoins(CarriedFields("fixVersions"))
                  .RowId(by_parent_and_id)
                  .IssueSearchBacked()
                  .Cost(1e6));
  t.push_back(TableDef("IssueAffectedVersions", "The versions each issue affects (the versions field), one row each.",
                       IssueElementColumns("version", version_columns("versions", "")), api::kIssueFieldElements)
                  .Reads(ReadIssueElements("versions"), ExplainIssues("versions"))
                  .CarriedOnJoins(CarriedFields("versions"))
                  .RowId(by_parent_and_id)
                  .IssueSearchBacked()
                  .Cost(1e6));
  t.push_back(
      TableDef("IssueComponents", "The components of each issue, one row each.",
               IssueElementColumns(
                   "component",
                   {Col("ComponentId", T::kInteger, "components", "Component id", Item({"id"}, AsInt)),
                    Pushed(Col("ComponentName", T::kText, "components", "Component name", Item({"name"}, AsText)),
                           Push::kName, "component")}),
               api::kIssueFieldElements)
          .Reads(ReadIssueElements("components"), ExplainIssues("components"))
          .CarriedOnJoins(CarriedFields("components"))
          .RowId(by_parent_and_id)
          .IssueSearchBacked()
          .Cost(1e6));
  t.push_back(TableDef("IssueLabels", "The labels of each issue, one row each.",
                       IssueElementColumns("label", {Pushed(Col("Label", T::kText, "labels", "The label",
                                                                [](const RowContext& r) { return AsText(&r.item); }),
                                                            Push::kName, "labels")}),
                       api::kIssueFieldElements)
                  .Reads(ReadIssueElements("labels"), ExplainIssues("labels"))
                  .CarriedOnJoins(CarriedFields("labels"))
                  .RowId(by_parent_and_text)
                  .IssueSearchBacked()
                  .Cost(1e6));
  t.push_back(TableDef("Epics",
                       "Epics — the issues of the epic level (hierarchyLevel 1: the site's Epic type and each "
                       "team-managed project's own) — with their children counted by status category. Its columns "
                       "push down like Issues'; the children are read with one search per page of epics, and only "
                       "when a Child… column is read.",
                       EpicColumns(), api::kEpics)
                  .Reads(ReadEpics(), ExplainEpics())
                  .RowId(by_id)
                  .IssueSearchBacked()
                  .Cost(1e5));
  t.push_back(
      TableDef(
          "IssueStatusTransitions",
          "Every status change of each issue, in time order, with how long the issue had been in the status it "
          "left (time in status). Read in bulk: Cloud asks for the changelogs of 1,000 issues a request, Data "
          "Center's come with the issue search; never a call per issue.",
          IssueElementColumns(
              "status change",
              {Col("Id", T::kInteger, "", "The change's history id (as in IssueChangelogs.Id)", Item({"id"}, AsInt)),
               Col("Changed", T::kTimestamp, "", "When the status changed", Item({"created"}, AsTimestamp)),
               Col("AuthorAccountId", T::kText, "", "Who changed it", Item({"author"}, AsUserId)),
               Col("AuthorDisplayName", T::kText, "", "Their display name", Item({"author", "displayName"}, AsText)),
               Col("FromStatusId", T::kInteger, "", "The status left", Item({"from"}, AsInt)),
               Col("FromStatusName", T::kText, "", "Its name", Item({"fromString"}, AsText)),
               Col("ToStatusId", T::kInteger, "", "The status entered", Item({"to"}, AsInt)),
               Col("ToStatusName", T::kText, "", "Its name", Item({"toString"}, AsText)),
               Col("EnteredFromStatus", T::kTimestamp, "",
                   "When the issue entered the status it left: its creation, or the change before",
                   Item({"enteredFrom"}, AsTimestamp)),
               Col("SecondsInFromStatus", T::kInteger, "",
                   "Seconds spent in the status left (Changed - EnteredFromStatus)", Item({"secondsInFrom"}, AsInt))}),
          api::kStatusTransitions)
          .Reads(ReadStatusChanges(), ExplainStatusChanges())
          .RowId(by_id)
          .IssueSearchBacked()
          .Cost(1e6));
  // Watchers, Votes: the users of each issue's list, with its issue.
  auto people_columns = [](const char* who) {
    return std::vector<ColumnDef>{
        Col("AccountId", T::kText, "", std::string("The ") + who + "'s account id (Data Center: user name)",
            [](const RowContext& r) { return AsUserId(&r.item); }),
        Col("DisplayName", T::kText, "", "Their display name", Item({"displayName"}, AsText)),
        Col("EmailAddress", T::kText, "", "Their e-mail address, when their privacy settings show it",
            Item({"emailAddress"}, AsText)),
        Col("Active", T::kBoolean, "", "1 for an active account", Item({"active"}, AsBool))};
  };
  auto by_parent_and_user = [hashed](const RowContext& r) {
    const int64_t parent = r.issue ? AsIntOr0(At(*r.issue, {"id"})) : 0;
    return static_cast<int64_t>((static_cast<uint64_t>(parent) << 24) ^
                                static_cast<uint64_t>(hashed(AsUserId(&r.item))));
  };
  t.push_back(
      TableDef(
          "Watchers",
          "Who watches each issue. The issue search's watches field says which issues anyone watches; only "
          "those are asked (one call each, MaxThreads at a time). INSERT (IssueKey, AccountId) adds a watcher; "
          "DELETE removes one.",
          Writable(IssueElementColumns("watcher", people_columns("watcher")), {"IssueId", "IssueKey", "AccountId"}),
          api::kWatchers)
          .Reads(ReadPerIssueLists(&JiraClient::WatchersOfIssues, "watches"), ExplainPerIssueLists("watches"))
          .Writes(WriteWatchers(), std::string(api::kAddWatcher) + "; " + std::string(api::kDeleteWatcher),
                  {"IssueKey", "AccountId"})
          .RowId(by_parent_and_user)
          .IssueSearchBacked()
          .Cost(1e6));
  t.push_back(TableDef("Votes",
                       "Who voted for each issue. The issue search's votes field says which issues have votes; only "
                       "those are asked (one call each, MaxThreads at a time).",
                       IssueElementColumns("voter", people_columns("voter")), api::kVotes)
                  .Reads(ReadPerIssueLists(&JiraClient::VotersOfIssues, "votes"), ExplainPerIssueLists("votes"))
                  .RowId(by_parent_and_user)
                  .IssueSearchBacked()
                  .Cost(1e6));
  t.push_back(
      TableDef("IssueRemoteLinks",
               "Links from issues to pages and items outside Jira (Confluence pages, support tickets, web links): one "
               "call per issue, MaxThreads at a time; constrain IssueKey, ProjectKey or Jql to read few.",
               IssueElementColumns(
                   "remote link",
                   {Col("Id", T::kInteger, "", "Remote link id", Item({"id"}, AsInt)),
                    Col("GlobalId", T::kText, "", "The link's global id (the item's id in its system)",
                        Item({"globalId"}, AsText)),
                    Col("ApplicationType", T::kText, "", "The linked application's type, e.g. com.atlassian.confluence",
                        Item({"application", "type"}, AsText)),
                    Col("ApplicationName", T::kText, "", "Its name", Item({"application", "name"}, AsText)),
                    Col("Relationship", T::kText, "", "How the issue relates to the item, e.g. mentioned in",
                        Item({"relationship"}, AsText)),
                    Col("Url", T::kText, "", "The item's URL", Item({"object", "url"}, AsText)),
                    Col("Title", T::kText, "", "Its title", Item({"object", "title"}, AsText)),
                    Col("Summary", T::kText, "", "Its summary", Item({"object", "summary"}, AsText)),
                    Col("IconUrl", T::kText, "", "Its icon", Item({"object", "icon", "url16x16"}, AsText)),
                    Col("Resolved", T::kBoolean, "", "1 when the item is resolved in its system",
                        Item({"object", "status", "resolved"}, AsBool))}),
               api::kRemoteLinks)
          .Reads(ReadPerIssueLists(&JiraClient::RemoteLinksOfIssues, ""), ExplainPerIssueLists(""))
          .RowId(by_parent_and_id)
          .IssueSearchBacked()
          .Cost(1e6));
  t.push_back(
      TableDef(
          "IssueLinkTypes", "The kinds of link between issues.",
          {Col("Id", T::kInteger, "", "Link type id", Item({"id"}, AsInt)),
           Col("Name", T::kText, "", "Name, e.g. Blocks", Item({"name"}, AsText)),
           Col("Inward", T::kText, "", "How the inward issue reads it, e.g. is blocked by", Item({"inward"}, AsText)),
           Col("Outward", T::kText, "", "How the outward issue reads it, e.g. blocks", Item({"outward"}, AsText))},
          api::kIssueLinkTypes)
          .Reads(ReadList(&JiraClient::IssueLinkTypes))
          .RowId(by_id));
  auto project_columns = [] {
    return std::vector<ColumnDef>{
        Pushed(Col("ProjectId", T::kInteger, "", "The project's id", IssueOf("id", AsInt)), Push::kParentId, "project"),
        Pushed(Col("ProjectKey", T::kText, "", "The project's key", IssueOf("key", AsText)), Push::kParentKey,
               "project")};
  };
  {
    std::vector<ColumnDef> c = {Col("Id", T::kInteger, "", "Version id", Item({"id"}, AsInt))};
    for (auto& p : project_columns()) c.push_back(std::move(p));
    for (auto& x : std::vector<ColumnDef>{
             Col("Name", T::kText, "", "Version name, e.g. v2.0", Item({"name"}, AsText)),
             Col("Description", T::kText, "", "Description", Item({"description"}, AsText)),
             Col("Released", T::kBoolean, "", "1 once released", Item({"released"}, AsBool)),
             Col("Archived", T::kBoolean, "", "1 when archived", Item({"archived"}, AsBool)),
             Col("StartDate", T::kDate, "", "Start date", Item({"startDate"}, AsText)),
             Col("ReleaseDate", T::kDate, "", "Release date (planned, or when it was released)",
                 Item({"releaseDate"}, AsText)),
             Col("Overdue", T::kBoolean, "", "1 when unreleased past its release date", Item({"overdue"}, AsBool))}) {
      c.push_back(std::move(x));
    }
    t.push_back(TableDef("ProjectVersions",
                         "Versions (releases) of projects. Constrain ProjectKey or ProjectId to read one project's. "
                         "INSERT (ProjectKey, Name, …) makes a version, UPDATE edits it (Released = 1 releases it), "
                         "DELETE removes it from Jira and from its issues.",
                         Writable(std::move(c), {"ProjectId", "ProjectKey", "Name", "Description", "Released",
                                                 "Archived", "StartDate", "ReleaseDate"}),
                         api::kProjectVersions)
                    .Reads(ReadProjectLists(&JiraClient::VersionsOfProjects))
                    .Writes(WriteProjectVersions(),
                            std::string(api::kAddVersion) + "; " + std::string(api::kEditVersion) + "; " +
                                std::string(api::kDeleteVersion),
                            {"Id"})
                    .RowId(by_id));
  }
  {
    std::vector<ColumnDef> c = {Col("Id", T::kInteger, "", "Component id", Item({"id"}, AsInt))};
    for (auto& p : project_columns()) c.push_back(std::move(p));
    for (auto& x : std::vector<ColumnDef>{
             Col("Name", T::kText, "", "Component name", Item({"name"}, AsText)),
             Col("Description", T::kText, "", "Description", Item({"description"}, AsText)),
             Col("LeadAccountId", T::kText, "", "The component lead's account id (Data Center: user name)",
                 Item({"lead"}, AsUserId)),
             Col("LeadDisplayName", T::kText, "", "The lead's display name", Item({"lead", "displayName"}, AsText)),
             Col("AssigneeType", T::kText, "",
                 "Who new issues with the component go to: PROJECT_DEFAULT, COMPONENT_LEAD, PROJECT_LEAD, UNASSIGNED",
                 Item({"assigneeType"}, AsText)),
             Col("IssueCount", T::kInteger, "", "Issues with the component (Cloud; NULL on Data Center)",
                 Item({"issueCount"}, AsInt))}) {
      c.push_back(std::move(x));
    }
    t.push_back(TableDef("ProjectComponents",
                         "Components of projects. Constrain ProjectKey or ProjectId to read one project's. INSERT "
                         "(ProjectKey, Name, …) makes a component, UPDATE edits it, DELETE removes it from Jira and "
                         "from its issues.",
                         Writable(std::move(c),
                                  {"ProjectId", "ProjectKey", "Name", "Description", "LeadAccountId", "AssigneeType"}),
                         api::kProjectComponents)
                    .Reads(ReadProjectLists(&JiraClient::ComponentsOfProjects))
                    .Writes(WriteProjectComponents(),
                            std::string(api::kAddComponent) + "; " + std::string(api::kEditComponent) + "; " +
                                std::string(api::kDeleteComponent),
                            {"Id"})
                    .RowId(by_id));
  }
  t.push_back(TableDef("Labels", "Every label in use on the site (Cloud).",
                       {Col("Label", T::kText, "", "The label", [](const RowContext& r) { return AsText(&r.item); })},
                       api::kLabels)
                  .Reads(ReadList(&JiraClient::Labels))
                  .RowId([hashed](const RowContext& r) { return hashed(AsText(&r.item)); }));

  t.push_back(
      TableDef("Groups", "Groups of users (reading them takes the Browse users and groups permission).",
               {Col("Name", T::kText, "", "Group name", Item({"name"}, AsText)),
                Col("GroupId", T::kText, "", "Group id (Cloud; NULL on Data Center)", Item({"groupId"}, AsText))},
               api::kGroups)
          .Reads(ReadList(&JiraClient::Groups))
          .RowId([hashed](const RowContext& r) { return hashed(AsText(At(r.item, {"name"}))); }));
  t.push_back(
      TableDef("GroupMembers",
               "The members of each group. Constrain GroupName to read one group's (one call per 50 members).",
               {Pushed(Col("GroupName", T::kText, "", "The group", IssueOf("name", AsText)), Push::kParentKey, "group"),
                Col("GroupId", T::kText, "", "The group's id (Cloud)", IssueOf("groupId", AsText)),
                Col("AccountId", T::kText, "", "The member's account id (Data Center: user name)",
                    [](const RowContext& r) { return AsUserId(&r.item); }),
                Col("DisplayName", T::kText, "", "Their display name", Item({"displayName"}, AsText)),
                Col("EmailAddress", T::kText, "", "Their e-mail address, when their privacy settings show it",
                    Item({"emailAddress"}, AsText)),
                Col("Active", T::kBoolean, "", "1 for an active account", Item({"active"}, AsBool))},
               api::kGroupMembers)
          .Reads(ReadGroupMembers())
          .RowId([hashed](const RowContext& r) {
            return hashed(AsText(r.issue ? At(*r.issue, {"name"}) : nullptr)) ^ (hashed(AsUserId(&r.item)) << 1);
          }));
  {
    std::vector<ColumnDef> c = project_columns();
    for (auto& x : std::vector<ColumnDef>{
             Col("Id", T::kInteger, "", "Role id (the same in every project)", Item({"id"}, AsInt)),
             Col("Name", T::kText, "", "Role name, e.g. Administrators", Item({"name"}, AsText)),
             Col("Description", T::kText, "", "Description (Cloud)", Item({"description"}, AsText)),
             Col("IsAdmin", T::kBoolean, "", "1 for the project's admin role (Cloud)", Item({"admin"}, AsBool)),
             Col("IsDefault", T::kBoolean, "", "1 for the default role (Cloud)", Item({"default"}, AsBool))}) {
      c.push_back(std::move(x));
    }
    t.push_back(TableDef("ProjectRoles",
                         "The roles of each project. Constrain ProjectKey or ProjectId to read one project's.",
                         std::move(c), api::kProjectRoles)
                    .Reads(ReadProjectLists(&JiraClient::RolesOfProjects))
                    .RowId(by_parent_and_id));
  }
  {
    auto user_actor = [](const json& a) { return a.value("type", "") == "atlassian-user-role-actor"; };
    std::vector<ColumnDef> c = project_columns();
    for (auto& x : std::vector<ColumnDef>{
             Col("RoleId", T::kInteger, "", "The role", IssueOf("roleId", AsInt)),
             Col("RoleName", T::kText, "", "Its name", IssueOf("roleName", AsText)),
             Col("ActorId", T::kInteger, "", "The actor's id in the role", Item({"id"}, AsInt)),
             Col("ActorType", T::kText, "", "user or group",
                 [user_actor](const RowContext& r) -> SqlValue {
                   if (!r.item.is_object() || !r.item.contains("type")) return {};
                   return std::string(user_actor(r.item) ? "user" : "group");
                 }),
             Col("DisplayName", T::kText, "", "The user's display name, or the group's name",
                 Item({"displayName"}, AsText)),
             Col("UserAccountId", T::kText, "", "A user actor's account id (Data Center: user name)",
                 [user_actor](const RowContext& r) -> SqlValue {
                   if (!r.item.is_object() || !user_actor(r.item)) return {};
                   if (auto* id = At(r.item, {"actorUser", "accountId"})) return AsText(id);
                   return AsText(At(r.item, {"name"}));
                 }),
             Col("GroupName", T::kText, "", "A group actor's group",
                 [user_actor](const RowContext& r) -> SqlValue {
                   if (!r.item.is_object() || user_actor(r.item)) return {};
                   if (auto* n = At(r.item, {"actorGroup", "name"})) return AsText(n);
                   return AsText(At(r.item, {"name"}));
                 }),
             Col("GroupId", T::kText, "", "Its id (Cloud)", Item({"actorGroup", "groupId"}, AsText))}) {
      c.push_back(std::move(x));
    }
    t.push_back(TableDef("ProjectRoleActors",
                         "Who holds each role of each project: users and groups (Administer Projects needed). "
                         "Constrain ProjectKey or ProjectId to read one project's.",
                         std::move(c), api::kProjectRoleActors)
                    .Reads(ReadProjectLists(&JiraClient::ActorsOfProjectRoles))
                    .RowId(by_parent_and_id)
                    .Cost(1e5));
  }

  // Who a filter or dashboard is shared with, in words: "global", "project
  // ABC", "group developers", "user <account id>", "loggedin"; ", " between.
  auto shared_with = [](const RowContext& r) -> SqlValue {
    const json* list = At(r.item, {"sharePermissions"});
    if (!list) return {};
    if (!list->is_array()) Unexpected("a JSON array of share permissions", *list);
    std::string out;
    for (const auto& sh : *list) {
      if (!sh.is_object()) Unexpected("a share permission (a JSON object)", sh);
      std::string one = sh.value("type", "");
      if (auto* p = At(sh, {"project", "key"})) one += " " + std::get<std::string>(AsText(p));
      if (auto* g = At(sh, {"group", "name"})) one += " " + std::get<std::string>(AsText(g));
      if (auto* u = At(sh, {"user"})) {
        auto id = AsUserId(u);
        if (auto* s = std::get_if<std::string>(&id)) one += " " + *s;
      }
      out += (out.empty() ? "" : ", ") + one;
    }
    return out;
  };
  t.push_back(
      TableDef(
          "Filters", "Saved filters the account may see: its own and those shared with it (Cloud).",
          {Col("Id", T::kInteger, "", "Filter id", Item({"id"}, AsInt)),
           Col("Name", T::kText, "", "Name", Item({"name"}, AsText)),
           Col("Description", T::kText, "", "Description", Item({"description"}, AsText)),
           Col("OwnerAccountId", T::kText, "", "The owner's account id", Item({"owner"}, AsUserId)),
           Col("OwnerDisplayName", T::kText, "", "Their display name", Item({"owner", "displayName"}, AsText)),
           Col("Jql", T::kText, "", "The filter's JQL (usable as Issues.Jql)", Item({"jql"}, AsText)),
           Col("IsFavourite", T::kBoolean, "", "1 when it is a favourite of the account", Item({"favourite"}, AsBool)),
           Col("FavouriteCount", T::kInteger, "", "How many users have it as a favourite",
               Item({"favouritedCount"}, AsInt)),
           Col("ViewUrl", T::kText, "", "Where to open it in Jira", Item({"viewUrl"}, AsText)),
           Col("SharedWith", T::kText, "",
               "Who it is shared with: global, loggedin, project KEY, group NAME, user ID (comma-separated; "
               "empty: private)",
               shared_with),
           Col("SharePermissions", T::kJson, "", "The share permissions as Jira sends them",
               Item({"sharePermissions"}, AsJson))},
          api::kFilters)
          .Reads(ReadList(&JiraClient::Filters))
          .RowId(by_id));
  t.push_back(
      TableDef(
          "Dashboards", "Dashboards the account may see.",
          {Col("Id", T::kInteger, "", "Dashboard id", Item({"id"}, AsInt)),
           Col("Name", T::kText, "", "Name", Item({"name"}, AsText)),
           Col("Description", T::kText, "", "Description (Cloud)", Item({"description"}, AsText)),
           Col("OwnerAccountId", T::kText, "", "The owner's account id (Cloud)", Item({"owner"}, AsUserId)),
           Col("OwnerDisplayName", T::kText, "", "Their display name (Cloud)", Item({"owner", "displayName"}, AsText)),
           Col("IsFavourite", T::kBoolean, "", "1 when it is a favourite of the account (Cloud)",
               Item({"isFavourite"}, AsBool)),
           Col("Popularity", T::kInteger, "", "How many users have it as a favourite (Cloud)",
               Item({"popularity"}, AsInt)),
           Col("IsSystemDashboard", T::kBoolean, "", "1 for the system dashboard (Cloud)",
               Item({"systemDashboard"}, AsBool)),
           Col("ViewUrl", T::kText, "", "Where to open it in Jira", Item({"view"}, AsText)),
           Col("SharedWith", T::kText, "", "Who it is shared with, as Filters.SharedWith (Cloud)", shared_with)},
          api::kDashboards)
          .Reads(ReadList(&JiraClient::Dashboards))
          .RowId(by_id));
  {
    auto field_columns = [] {
      return std::vector<ColumnDef>{
          Pushed(Col("FieldId", T::kText, "", "The custom field, e.g. customfield_10030 (Fields.Id)",
                     IssueOf("id", AsText)),
                 Push::kParentKey, "field"),
          Col("FieldName", T::kText, "", "Its name", IssueOf("name", AsText))};
    };
    std::vector<ColumnDef> c = field_columns();
    for (auto& x :
         std::vector<ColumnDef>{Col("Id", T::kInteger, "", "Context id", Item({"id"}, AsInt)),
                                Col("Name", T::kText, "", "Context name", Item({"name"}, AsText)),
                                Col("Description", T::kText, "", "Description", Item({"description"}, AsText)),
                                Col("IsGlobalContext", T::kBoolean, "", "1 when it applies to every project",
                                    Item({"isGlobalContext"}, AsBool)),
                                Col("IsAnyIssueType", T::kBoolean, "", "1 when it applies to every issue type",
                                    Item({"isAnyIssueType"}, AsBool))}) {
      c.push_back(std::move(x));
    }
    t.push_back(TableDef("CustomFieldContexts",
                         "The contexts of the custom fields with options (select lists, radio buttons, checkboxes): "
                         "which projects and issue types each set of options serves (Cloud). Constrain FieldId to "
                         "read one field's.",
                         std::move(c), api::kFieldContexts)
                    .Reads(ReadFieldLists(&JiraClient::ContextsOfFields))
                    .RowId(by_id));
    c = field_columns();
    for (auto& x : std::vector<ColumnDef>{
             Col("ContextId", T::kInteger, "", "The context the option belongs to", IssueOf("contextId", AsInt)),
             Col("ContextName", T::kText, "", "Its name", IssueOf("contextName", AsText)),
             Col("Id", T::kInteger, "", "Option id (the id an issue's value carries)", Item({"id"}, AsInt)),
             Col("Value", T::kText, "", "The option's text, e.g. Payments", Item({"value"}, AsText)),
             Col("ParentOptionId", T::kInteger, "", "Cascading selects: the option it sits under",
                 Item({"optionId"}, AsInt)),
             Col("Disabled", T::kBoolean, "", "1 when it can no longer be chosen", Item({"disabled"}, AsBool))}) {
      c.push_back(std::move(x));
    }
    t.push_back(TableDef("CustomFieldOptions",
                         "The options of each context of the custom fields with options (Cloud). Constrain FieldId "
                         "to read one field's.",
                         std::move(c), api::kContextOptions)
                    .Reads(ReadFieldLists(&JiraClient::OptionsOfFields))
                    .RowId([int_of](const RowContext& r) {
                      const int64_t ctx = r.issue ? AsIntOr0(At(*r.issue, {"contextId"})) : 0;
                      return static_cast<int64_t>((static_cast<uint64_t>(ctx) << 32) ^
                                                  static_cast<uint64_t>(int_of(r.item, {"id"})));
                    }));
  }
  t.push_back(
      TableDef("WorklogsDeleted",
               "Worklogs deleted, oldest first, as Jira keeps them: what a copy of Worklogs drops. Constrain "
               "Deleted >= '…' to read those since then (Jira's since); 1,000 a page.",
               {Col("WorklogId", T::kInteger, "", "The deleted worklog's id (Worklogs.Id while it lived)",
                    Item({"worklogId"}, AsInt)),
                Pushed(Col("Deleted", T::kTimestamp, "", "When it was deleted", Item({"updatedTime"}, AsEpochMs)),
                       Push::kSince, "since"),
                Col("Properties", T::kJson, "", "The worklog's entity properties Jira sends with it",
                    Item({"properties"}, AsJson))},
               api::kDeletedWorklogs)
          .Reads(ReadWorklogChanges(true), ExplainWorklogChanges(true))
          .RowId([int_of](const RowContext& r) { return int_of(r.item, {"worklogId"}); }));
  t.push_back(
      TableDef("WorklogsUpdated",
               "Worklogs added or edited, oldest change first, as Jira lists them: what a copy of Worklogs reads "
               "again (jirasql sync does, for issues that did not change otherwise). Constrain Updated >= '…' to "
               "read those since then (Jira's since); 1,000 a page.",
               {Col("WorklogId", T::kInteger, "", "The worklog's id (Worklogs.Id)", Item({"worklogId"}, AsInt)),
                Pushed(Col("Updated", T::kTimestamp, "", "When it was added or last edited",
                           Item({"updatedTime"}, AsEpochMs)),
                       Push::kSince, "since"),
                Col("Properties", T::kJson, "", "The worklog's entity properties Jira sends with it",
                    Item({"properties"}, AsJson))},
               api::kUpdatedWorklogs)
          .Reads(ReadWorklogChanges(false), ExplainWorklogChanges(false))
          .RowId([int_of](const RowContext& r) { return int_of(r.item, {"worklogId"}); }));

  t.push_back(TableDef("Fields", "System and custom fields.",
                       {Col("Id", T::kText, "", "Field id, e.g. summary or customfield_10016", Item({"id"}, AsText)),
                        Col("Key", T::kText, "", "Field key", Item({"key"}, AsText)),
                        Col("Name", T::kText, "", "Display name", Item({"name"}, AsText)),
                        Col("IsCustom", T::kBoolean, "", "1 for custom fields", Item({"custom"}, AsBool)),
                        Col("Orderable", T::kBoolean, "", "Usable in ORDER BY", Item({"orderable"}, AsBool)),
                        Col("Navigable", T::kBoolean, "", "Shown in issue navigator", Item({"navigable"}, AsBool)),
                        Col("Searchable", T::kBoolean, "", "Usable in JQL", Item({"searchable"}, AsBool)),
                        Col("SchemaType", T::kText, "", "schema.type", Item({"schema", "type"}, AsText)),
                        Col("SchemaItems", T::kText, "", "schema.items for arrays", Item({"schema", "items"}, AsText)),
                        Col("SchemaCustom", T::kText, "", "schema.custom: the custom field type",
                            Item({"schema", "custom"}, AsText)),
                        Col("ClauseNames", T::kJson, "", "Names usable in JQL", ItemList({"clauseNames"}, "name"))},
                       api::kFields)
                  .Reads(ReadList(&JiraClient::Fields))
                  .RowId(by_field_id));
  t.push_back(TableDef("IssueTypes", "Issue types.",
                       {Col("Id", T::kInteger, "", "Issue type id", Item({"id"}, AsInt)),
                        Col("Name", T::kText, "", "Name", Item({"name"}, AsText)),
                        Col("Description", T::kText, "", "Description", Item({"description"}, AsText)),
                        Col("IsSubtask", T::kBoolean, "", "1 for sub-task types", Item({"subtask"}, AsBool)),
                        Col("HierarchyLevel", T::kInteger, "",
                            "-1 sub-task, 0 standard, 1 epic (Data Center, which does not say: 1 for the type named "
                            "Epic)",
                            [](const RowContext& r) { return HierarchyLevelOf(&r.item); }),
                        Col("ProjectId", T::kInteger, "",
                            "A team-managed project's own type: that project's id; NULL for the site's types",
                            Item({"scope", "project", "id"}, AsInt))},
                       api::kIssueTypes)
                  .Reads(ReadList(&JiraClient::IssueTypes))
                  .RowId(by_id));
  t.push_back(
      TableDef(
          "Statuses", "Workflow statuses.",
          {Col("Id", T::kInteger, "", "Status id", Item({"id"}, AsInt)),
           Col("Name", T::kText, "", "Name", Item({"name"}, AsText)),
           Col("Description", T::kText, "", "Description", Item({"description"}, AsText)),
           Col("CategoryKey", T::kText, "", "new, indeterminate or done", Item({"statusCategory", "key"}, AsText)),
           Col("CategoryName", T::kText, "", "To Do, In Progress or Done", Item({"statusCategory", "name"}, AsText))},
          api::kStatuses)
          .Reads(ReadList(&JiraClient::Statuses))
          .RowId(by_id));
  t.push_back(
      TableDef(
          "StatusCategories", "Status categories: every status belongs to one (To Do, In Progress, Done).",
          {Col("Id", T::kInteger, "", "Status category id", Item({"id"}, AsInt)),
           Col("Key", T::kText, "", "new, indeterminate, done (undefined for \"No Category\")", Item({"key"}, AsText)),
           Col("Name", T::kText, "", "To Do, In Progress or Done", Item({"name"}, AsText)),
           Col("ColorName", T::kText, "", "The category's colour, e.g. blue-gray", Item({"colorName"}, AsText))},
          api::kStatusCategories)
          .Reads(ReadList(&JiraClient::StatusCategories))
          .RowId(by_id));
  t.push_back(TableDef("Priorities", "Issue priorities.",
                       {Col("Id", T::kInteger, "", "Priority id", Item({"id"}, AsInt)),
                        Col("Name", T::kText, "", "Name", Item({"name"}, AsText)),
                        Col("Description", T::kText, "", "Description", Item({"description"}, AsText)),
                        Col("StatusColor", T::kText, "", "Colour", Item({"statusColor"}, AsText))},
                       api::kPriorities)
                  .Reads(ReadList(&JiraClient::Priorities))
                  .RowId(by_id));
  t.push_back(TableDef("Resolutions", "Issue resolutions.",
                       {Col("Id", T::kInteger, "", "Resolution id", Item({"id"}, AsInt)),
                        Col("Name", T::kText, "", "Name", Item({"name"}, AsText)),
                        Col("Description", T::kText, "", "Description", Item({"description"}, AsText))},
                       api::kResolutions)
                  .Reads(ReadList(&JiraClient::Resolutions))
                  .RowId(by_id));
  t.push_back(
      TableDef("Boards", "Agile boards.",
               {Col("Id", T::kInteger, "", "Board id", Item({"id"}, AsInt)),
                Col("Name", T::kText, "", "Name", Item({"name"}, AsText)),
                Col("Type", T::kText, "", "scrum or kanban", Item({"type"}, AsText)),
                Col("ProjectId", T::kInteger, "", "The board's project id", Item({"location", "projectId"}, AsInt)),
                Col("ProjectKey", T::kText, "", "The board's project key", Item({"location", "projectKey"}, AsText))},
               api::kBoards)
          .Reads(ReadList(&JiraClient::Boards))
          .RowId(by_id));
  t.push_back(
      TableDef("Sprints", "Sprints of scrum boards. Constrain BoardId to read one board's sprints.",
               {Col("Id", T::kInteger, "", "Sprint id", Item({"id"}, AsInt)),
                Pushed(Col("BoardId", T::kInteger, "", "The board the sprint was read from", IssueOf("id", AsInt)),
                       Push::kParentId, "board"),
                Col("Name", T::kText, "", "Name", Item({"name"}, AsText)),
                Col("State", T::kText, "", "future, active or closed", Item({"state"}, AsText)),
                Col("Goal", T::kText, "", "Sprint goal", Item({"goal"}, AsText)),
                Col("StartDate", T::kTimestamp, "", "Start", Item({"startDate"}, AsTimestamp)),
                Col("EndDate", T::kTimestamp, "", "Planned end", Item({"endDate"}, AsTimestamp)),
                Col("CompleteDate", T::kTimestamp, "", "When it was completed", Item({"completeDate"}, AsTimestamp)),
                Col("OriginBoardId", T::kInteger, "", "The board that created it", Item({"originBoardId"}, AsInt))},
               api::kSprints)
          .Reads(ReadSprints())
          .RowId(by_parent_and_id));
  t.push_back(
      TableDef(
          "SprintIssues", "Issues in sprints. Constrain SprintId to read one sprint.",
          {Pushed(Col("SprintId", T::kInteger, "", "Sprint id", IssueOf("id", AsInt)), Push::kParentId, "sprint"),
           Col("IssueId", T::kInteger, "", "Issue id", Item({"id"}, AsInt)),
           Col("IssueKey", T::kText, "", "Issue key", Item({"key"}, AsText)),
           Col("Summary", T::kText, "", "Summary", Item({"fields", "summary"}, AsText)),
           Col("StatusName", T::kText, "", "Status name", Item({"fields", "status", "name"}, AsText)),
           Col("AssigneeAccountId", T::kText, "", "Assignee's account id", Item({"fields", "assignee"}, AsUserId))},
          api::kSprintIssues)
          .Reads(ReadSprintIssues())
          .RowId(by_parent_and_id)
          .Cost(1e6));

  t.push_back(
      TableDef(
          "BoardConfiguration",
          "How each board is set up: one row per column and status mapped to it (a column with none: one row, its "
          "StatusId NULL), with the board's estimation field, filter and ranking. Constrain BoardId to read one "
          "board's.",
          {Pushed(Col("BoardId", T::kInteger, "", "Board id", Item({"board", "id"}, AsInt)), Push::kParentId, "board"),
           Col("BoardName", T::kText, "", "Board name", Item({"board", "name"}, AsText)),
           Col("BoardType", T::kText, "", "scrum or kanban", Item({"board", "type"}, AsText)),
           Col("ColumnPosition", T::kInteger, "", "The column's place on the board, 1 for the leftmost",
               Item({"position"}, AsInt)),
           Col("ColumnName", T::kText, "", "Column name, e.g. In Progress", Item({"column", "name"}, AsText)),
           Col("StatusId", T::kInteger, "", "A status mapped to the column (Statuses.Id); NULL for a column with none",
               [](const RowContext& r) {
                 return AsInt(At(r.item, {"status", "id"}));
               }),
           Col("ColumnMin", T::kInteger, "", "The column's minimum (WIP constraint); NULL for none",
               Item({"column", "min"}, AsInt)),
           Col("ColumnMax", T::kInteger, "", "The column's maximum (WIP limit); NULL for none",
               Item({"column", "max"}, AsInt)),
           Col("ConstraintType", T::kText, "", "What the limits count: issueCount, issueCountExclSubs or none",
               Item({"board", "constraintType"}, AsText)),
           Col("EstimationType", T::kText, "", "How the board estimates: field, or NULL (kanban boards)",
               Item({"board", "estimation", "type"}, AsText)),
           Col("EstimationFieldId", T::kText, "", "The estimation field, e.g. customfield_10016",
               Item({"board", "estimation", "field", "fieldId"}, AsText)),
           Col("EstimationFieldName", T::kText, "", "Its name, e.g. Story Points",
               Item({"board", "estimation", "field", "displayName"}, AsText)),
           Col("FilterId", T::kInteger, "", "The saved filter the board shows (Filters.Id)",
               Item({"board", "filter", "id"}, AsInt)),
           Col("SubQuery", T::kText, "", "Kanban: the JQL that hides released work",
               Item({"board", "subQuery", "query"}, AsText)),
           Col("RankFieldId", T::kInteger, "", "The rank custom field's id number",
               Item({"board", "ranking", "rankCustomFieldId"}, AsInt))},
          api::kBoardConfiguration)
          .Reads(ReadBoardConfigurations())
          .Split(SplitBoardColumns)
          .RowId([hashed](const RowContext& r) {
            const json* board = At(r.item, {"board", "id"});
            const json* status = At(r.item, {"status", "id"});
            return hashed((board ? board->dump() : "") + "|" + r.item.value("position", json()).dump() + "|" +
                          (status ? status->dump() : ""));
          }));

  // SprintReport, SprintReportIssues: the sprint and board columns both push down.
  auto sprint_columns = [] {
    return std::vector<ColumnDef>{
        Pushed(Col("SprintId", T::kInteger, "", "Sprint id", Item({"sprint", "id"}, AsInt)), Push::kParentId, "sprint"),
        Col("SprintName", T::kText, "", "Sprint name", Item({"sprint", "name"}, AsText)),
        Pushed(Col("BoardId", T::kInteger, "", "The board whose report it is", Item({"boardId"}, AsInt)),
               Push::kParentId, "board")};
  };
  auto estimate = [](const char* name, const char* member, std::string what) {
    return Col(name, T::kReal, "", std::move(what) + " (the board's estimation field; NULL when it has none)",
               Item({member}, AsReal));
  };
  {
    std::vector<ColumnDef> c = sprint_columns();
    for (auto& x : std::vector<ColumnDef>{
             Col("State", T::kText, "", "active or closed (future sprints have no report)",
                 Item({"sprint", "state"}, AsText)),
             Col("StartDate", T::kTimestamp, "", "When it started", Item({"sprint", "startDate"}, AsTimestamp)),
             Col("EndDate", T::kTimestamp, "", "Its planned end", Item({"sprint", "endDate"}, AsTimestamp)),
             Col("CompleteDate", T::kTimestamp, "", "When it was completed",
                 Item({"sprint", "completeDate"}, AsTimestamp)),
             Col("ReportEnd", T::kTimestamp, "", "The end the report counts to: its completion, or now while active",
                 Item({"endedAt"}, AsEpochMs)),
             Col("EstimationFieldId", T::kText, "", "The board's estimation field, e.g. customfield_10016",
                 Item({"estimationField"}, AsText)),
             Col("CommittedIssues", T::kInteger, "", "Issues in the sprint when it started",
                 Item({"committedIssues"}, AsInt)),
             estimate("CommittedEstimate", "committedEstimate", "Their estimates at the start"),
             Col("AddedIssues", T::kInteger, "", "Issues added after the start (or created into it)",
                 Item({"addedIssues"}, AsInt)),
             estimate("AddedEstimate", "addedEstimate", "Their estimates when added"),
             Col("RemovedIssues", T::kInteger, "", "Issues in it after the start and no longer at its end",
                 Item({"removedIssues"}, AsInt)),
             estimate("RemovedEstimate", "removedEstimate", "Their estimates when removed"),
             Col("CompletedIssues", T::kInteger, "", "Issues in it at its end in a status of the board's last column",
                 Item({"completedIssues"}, AsInt)),
             estimate("CompletedEstimate", "completedEstimate", "Their estimates at the end"),
             Col("NotCompletedIssues", T::kInteger, "", "Issues in it at its end, not completed",
                 Item({"notCompletedIssues"}, AsInt)),
             estimate("NotCompletedEstimate", "notCompletedEstimate", "Their estimates at the end")}) {
      c.push_back(std::move(x));
    }
    t.push_back(TableDef("SprintReport",
                         "Per started sprint: the issues (and estimates) committed at its start, added after it, "
                         "removed before its end, completed and not — worked out from each issue's Sprint field "
                         "history, its status at the end and the board's last column. Constrain BoardId or SprintId.",
                         std::move(c), api::kSprintReport)
                    .Reads(ReadSprintReports(false), ExplainSprintReports())
                    .RowId([](const RowContext& r) {
                      return AsIntOr0(At(r.item, {"boardId"})) * 1000003 + AsIntOr0(At(r.item, {"sprint", "id"}));
                    })
                    .Cost(1e6));
  }
  {
    std::vector<ColumnDef> c = sprint_columns();
    for (auto& x : std::vector<ColumnDef>{
             Col("IssueId", T::kInteger, "", "Issue id", Item({"issue", "id"}, AsInt)),
             Col("IssueKey", T::kText, "", "Issue key", Item({"issue", "key"}, AsText)),
             Col("Committed", T::kBoolean, "", "1 when it was in the sprint at the start", Item({"committed"}, AsBool)),
             Col("Added", T::kBoolean, "", "1 when it joined after the start (or was created into it)",
                 Item({"added"}, AsBool)),
             Col("AddedAt", T::kTimestamp, "", "When it first joined after the start", Item({"addedAt"}, AsEpochMs)),
             Col("Removed", T::kBoolean, "", "1 when it was in it after the start and not at its end",
                 Item({"removed"}, AsBool)),
             Col("RemovedAt", T::kTimestamp, "", "When it last left", Item({"removedAt"}, AsEpochMs)),
             Col("Completed", T::kBoolean, "", "1 when in it at the end in a status of the board's last column",
                 Item({"completed"}, AsBool)),
             Col("NotCompleted", T::kBoolean, "", "1 when in it at the end, not completed",
                 Item({"notCompleted"}, AsBool)),
             Col("StatusIdAtEnd", T::kInteger, "", "Its status at the sprint's end, when in it then",
                 Item({"statusAtEnd"}, AsInt)),
             estimate("EstimateAtStart", "estimateAtStart", "Its estimate at the start, when committed"),
             estimate("EstimateWhenAdded", "estimateWhenAdded", "Its estimate when added"),
             estimate("EstimateWhenRemoved", "estimateWhenRemoved", "Its estimate when removed"),
             estimate("EstimateAtEnd", "estimateAtEnd", "Its estimate at the end, when in it then"),
             Col("ReportEnd", T::kTimestamp, "", "The end the report counts to: its completion, or now while active",
                 Item({"endedAt"}, AsEpochMs))}) {
      c.push_back(std::move(x));
    }
    t.push_back(TableDef("SprintReportIssues",
                         "SprintReport issue by issue: one row per started sprint and issue that was in it at any time "
                         "from its start to its end. Constrain BoardId or SprintId.",
                         std::move(c), api::kSprintReport)
                    .Reads(ReadSprintReports(true), ExplainSprintReports())
                    .RowId([](const RowContext& r) {
                      return (AsIntOr0(At(r.item, {"sprint", "id"})) << 32) ^ AsIntOr0(At(r.item, {"issue", "id"}));
                    })
                    .Cost(1e6));
  }

  // Keys: what identifies each table's rows and which columns name another
  // table's rows (sys_primarykeys, sys_foreignkeys).
  struct Keys {
    const char* table;
    std::vector<std::string> primary;
    std::vector<TableDef::ForeignKey> foreign;
  };
  const std::vector<Keys> keys = {
      {"Issues",
       {"Id"},
       {{"ProjectId", "Projects", "Id"},
        {"IssueTypeId", "IssueTypes", "Id"},
        {"StatusId", "Statuses", "Id"},
        {"ParentId", "Issues", "Id"},
        {"AssigneeAccountId", "Users", "AccountId"},
        {"ReporterAccountId", "Users", "AccountId"},
        {"CreatorAccountId", "Users", "AccountId"}}},
      {"Projects", {"Id"}, {{"LeadAccountId", "Users", "AccountId"}}},
      {"Epics",
       {"Id"},
       {{"Id", "Issues", "Id"},
        {"ProjectId", "Projects", "Id"},
        {"IssueTypeId", "IssueTypes", "Id"},
        {"StatusId", "Statuses", "Id"},
        {"AssigneeAccountId", "Users", "AccountId"}}},
      {"Users", {"AccountId"}, {}},
      {"Myself", {"AccountId"}, {}},
      {"Comments", {"Id"}, {{"IssueId", "Issues", "Id"}, {"AuthorAccountId", "Users", "AccountId"}}},
      {"Worklogs", {"Id"}, {{"IssueId", "Issues", "Id"}, {"AuthorAccountId", "Users", "AccountId"}}},
      {"IssueChangelogs", {"Id", "Field"}, {{"IssueId", "Issues", "Id"}, {"AuthorAccountId", "Users", "AccountId"}}},
      {"Attachments", {"Id"}, {{"IssueId", "Issues", "Id"}, {"AuthorAccountId", "Users", "AccountId"}}},
      {"IssueTransitions", {"IssueId", "Id"}, {{"IssueId", "Issues", "Id"}, {"ToStatusId", "Statuses", "Id"}}},
      {"IssueLinks",
       {"IssueId", "Id"},
       {{"IssueId", "Issues", "Id"}, {"LinkedIssueId", "Issues", "Id"}, {"LinkTypeId", "IssueLinkTypes", "Id"}}},
      {"IssueFixVersions",
       {"IssueId", "VersionId"},
       {{"IssueId", "Issues", "Id"}, {"VersionId", "ProjectVersions", "Id"}}},
      {"IssueAffectedVersions",
       {"IssueId", "VersionId"},
       {{"IssueId", "Issues", "Id"}, {"VersionId", "ProjectVersions", "Id"}}},
      {"IssueComponents",
       {"IssueId", "ComponentId"},
       {{"IssueId", "Issues", "Id"}, {"ComponentId", "ProjectComponents", "Id"}}},
      {"IssueLabels", {"IssueId", "Label"}, {{"IssueId", "Issues", "Id"}, {"Label", "Labels", "Label"}}},
      {"IssueStatusTransitions",
       {"Id"},
       {{"IssueId", "Issues", "Id"},
        {"FromStatusId", "Statuses", "Id"},
        {"ToStatusId", "Statuses", "Id"},
        {"AuthorAccountId", "Users", "AccountId"}}},
      {"Watchers", {"IssueId", "AccountId"}, {{"IssueId", "Issues", "Id"}, {"AccountId", "Users", "AccountId"}}},
      {"Votes", {"IssueId", "AccountId"}, {{"IssueId", "Issues", "Id"}, {"AccountId", "Users", "AccountId"}}},
      {"IssueRemoteLinks", {"Id"}, {{"IssueId", "Issues", "Id"}}},
      {"IssueLinkTypes", {"Id"}, {}},
      {"ProjectVersions", {"Id"}, {{"ProjectId", "Projects", "Id"}}},
      {"ProjectComponents", {"Id"}, {{"ProjectId", "Projects", "Id"}, {"LeadAccountId", "Users", "AccountId"}}},
      {"Labels", {"Label"}, {}},
      {"Groups", {"Name"}, {}},
      {"Filters", {"Id"}, {{"OwnerAccountId", "Users", "AccountId"}}},
      {"Dashboards", {"Id"}, {{"OwnerAccountId", "Users", "AccountId"}}},
      {"WorklogsDeleted", {"WorklogId"}, {}},
      {"WorklogsUpdated", {"WorklogId"}, {}},
      {"CustomFieldContexts", {"Id"}, {{"FieldId", "Fields", "Id"}}},
      {"CustomFieldOptions",
       {"ContextId", "Id"},
       {{"FieldId", "Fields", "Id"}, {"ContextId", "CustomFieldContexts", "Id"}}},
      {"GroupMembers",
       {"GroupName", "AccountId"},
       {{"GroupName", "Groups", "Name"}, {"AccountId", "Users", "AccountId"}}},
      {"ProjectRoles", {"ProjectId", "Id"}, {{"ProjectId", "Projects", "Id"}}},
      {"ProjectRoleActors",
       {"ProjectId", "RoleId", "ActorId"},
       {{"ProjectId", "Projects", "Id"}, {"UserAccountId", "Users", "AccountId"}, {"GroupName", "Groups", "Name"}}},
      {"Fields", {"Id"}, {}},
      {"IssueTypes", {"Id"}, {{"ProjectId", "Projects", "Id"}}},
      {"Statuses", {"Id"}, {}},
      {"StatusCategories", {"Id"}, {}},
      {"Priorities", {"Id"}, {}},
      {"Resolutions", {"Id"}, {}},
      {"Boards", {"Id"}, {{"ProjectId", "Projects", "Id"}}},
      {"Sprints", {"BoardId", "Id"}, {{"BoardId", "Boards", "Id"}}},
      {"SprintIssues", {"SprintId", "IssueId"}, {{"SprintId", "Sprints", "Id"}, {"IssueId", "Issues", "Id"}}},
      {"SprintReport", {"BoardId", "SprintId"}, {{"SprintId", "Sprints", "Id"}, {"BoardId", "Boards", "Id"}}},
      {"SprintReportIssues",
       {"BoardId", "SprintId", "IssueId"},
       {{"SprintId", "Sprints", "Id"},
        {"BoardId", "Boards", "Id"},
        {"IssueId", "Issues", "Id"},
        {"StatusIdAtEnd", "Statuses", "Id"}}},
      {"BoardConfiguration",
       {"BoardId", "ColumnPosition", "StatusId"},
       {{"BoardId", "Boards", "Id"},
        {"StatusId", "Statuses", "Id"},
        {"FilterId", "Filters", "Id"},
        {"EstimationFieldId", "Fields", "Id"}}},
  };
  auto find = [&t](const std::string& name) -> TableDef& {
    for (auto& d : t) {
      if (d.name == name) return d;
    }
    throw std::logic_error("keys of an unknown table " + name);
  };
  for (const auto& k : keys) {
    TableDef& d = find(k.table);
    for (const auto& c : k.primary) {
      if (d.ColumnIndex(c) < 0) throw std::logic_error("no column " + d.name + "." + c);
    }
    for (const auto& f : k.foreign) {
      if (d.ColumnIndex(f.column) < 0 || find(f.table).ColumnIndex(f.table_column) < 0) {
        throw std::logic_error("foreign key " + d.name + "." + f.column + " -> " + f.table + "." + f.table_column);
      }
    }
    d.primary_key = k.primary;
    d.foreign_keys = k.foreign;
  }

  auto key = [](const char* k) { return Item({k}, AsText); };
  auto ikey = [](const char* k) { return Item({k}, AsInt); };
  t.push_back(
      TableDef("sys_tables", "The tables of this connection.",
               {Col("TableName", T::kText, "", "Table name", key("TableName")),
                Col("TableType", T::kText, "", "TABLE, SYSTEM TABLE or PROCEDURE", key("TableType")),
                Col("Description", T::kText, "", "What the table holds", key("Description")),
                Col("Api", T::kText, "", "The REST calls behind it", key("Api")),
                Col("WriteApi", T::kText, "",
                    "The REST calls INSERT, UPDATE and DELETE make; NULL for read-only tables", key("WriteApi"))},
               "")
          .Reads(ReadRows(SysTablesRows))
          .System());
  t.push_back(
      TableDef("sys_tablecolumns", "Every column of every table, with the Jira field behind it.",
               {Col("TableName", T::kText, "", "Table name", key("TableName")),
                Col("ColumnName", T::kText, "", "Column name", key("ColumnName")),
                Col("Ordinal", T::kInteger, "", "Position, from 0", ikey("Ordinal")),
                Col("DataType", T::kText, "", "INTEGER, REAL or TEXT", key("DataType")),
                Col("ValueFormat", T::kText, "", "What the values look like", key("ValueFormat")),
                Col("IsHidden", T::kBoolean, "", "1 for hidden columns (not in SELECT *)", ikey("IsHidden")),
                Col("IsWritable", T::kBoolean, "", "1 for columns INSERT and UPDATE may set", ikey("IsWritable")),
                Col("JiraField", T::kText, "", "The Jira field id behind the column", key("JiraField")),
                Col("Pushdown", T::kText, "", "Which operators become JQL", key("Pushdown")),
                Col("Description", T::kText, "", "Meaning", key("Description"))},
               "")
          .Reads(ReadRows(SysTableColumnsRows))
          .System());
  t.push_back(TableDef("sys_primarykeys", "The columns that identify each table's rows.",
                       {Col("CatalogName", T::kText, "", "Always NULL (no catalogs)", key("CatalogName")),
                        Col("SchemaName", T::kText, "", "main (SQLite's schema of the tables)", key("SchemaName")),
                        Col("TableName", T::kText, "", "Table name", key("TableName")),
                        Col("ColumnName", T::kText, "", "A column of the key", key("ColumnName")),
                        Col("KeySeq", T::kInteger, "", "Its place in the key, from 1", ikey("KeySeq")),
                        Col("KeyName", T::kText, "", "The key's name: PK_<table>", key("KeyName"))},
                       "")
                  .Reads(ReadRows(SysPrimaryKeysRows))
                  .System());
  t.push_back(TableDef("sys_foreignkeys",
                       "Columns that hold another table's key, e.g. Comments.IssueId -> Issues.Id: the joins a BI "
                       "tool draws.",
                       {Col("CatalogName", T::kText, "", "Always NULL (no catalogs)", key("CatalogName")),
                        Col("SchemaName", T::kText, "", "main", key("SchemaName")),
                        Col("TableName", T::kText, "", "The table with the foreign key", key("TableName")),
                        Col("ColumnName", T::kText, "", "Its column", key("ColumnName")),
                        Col("PrimaryKeyTable", T::kText, "", "The table it refers to", key("PrimaryKeyTable")),
                        Col("PrimaryKeyColumn", T::kText, "", "The column it refers to", key("PrimaryKeyColumn")),
                        Col("ForeignKeyType", T::kText, "", "FOREIGNKEY", key("ForeignKeyType")),
                        Col("KeyName", T::kText, "", "FK_<table>_<column>", key("KeyName"))},
                       "")
                  .Reads(ReadRows(SysForeignKeysRows))
                  .System());
  t.push_back(
      TableDef(
          "sys_keycolumns", "Every column of a primary or foreign key, with the table and column it refers to.",
          {Col("CatalogName", T::kText, "", "Always NULL (no catalogs)", key("CatalogName")),
           Col("SchemaName", T::kText, "", "main", key("SchemaName")),
           Col("TableName", T::kText, "", "Table name", key("TableName")),
           Col("ColumnName", T::kText, "", "Column name", key("ColumnName")),
           Col("IsKey", T::kBoolean, "", "1 for a column of the primary key", ikey("IsKey")),
           Col("IsForeignKey", T::kBoolean, "", "1 for a foreign key", ikey("IsForeignKey")),
           Col("PrimaryKeyName", T::kText, "", "PK_<table>, for a primary key column", key("PrimaryKeyName")),
           Col("ForeignKeyName", T::kText, "", "FK_<table>_<column>, for a foreign key", key("ForeignKeyName")),
           Col("ReferencedCatalogName", T::kText, "", "Always NULL", key("ReferencedCatalogName")),
           Col("ReferencedSchemaName", T::kText, "", "main, for a foreign key", key("ReferencedSchemaName")),
           Col("ReferencedTableName", T::kText, "", "The table a foreign key refers to", key("ReferencedTableName")),
           Col("ReferencedColumnName", T::kText, "", "The column it refers to", key("ReferencedColumnName"))},
          "")
          .Reads(ReadRows(SysKeyColumnsRows))
          .System());
  t.push_back(TableDef("sys_indexes",
                       "Each table's primary key (a unique index) and each column whose constraints jirasql sends to "
                       "Jira (an index of its own): the filters that are cheap.",
                       {Col("CatalogName", T::kText, "", "Always NULL", key("CatalogName")),
                        Col("SchemaName", T::kText, "", "main", key("SchemaName")),
                        Col("TableName", T::kText, "", "Table name", key("TableName")),
                        Col("IndexName", T::kText, "", "PK_<table> or IX_<table>_<column>", key("IndexName")),
                        Col("ColumnName", T::kText, "", "The indexed column", key("ColumnName")),
                        Col("IsUnique", T::kBoolean, "", "1 for the primary key", ikey("IsUnique")),
                        Col("IsPrimary", T::kBoolean, "", "1 for the primary key", ikey("IsPrimary")),
                        Col("Type", T::kText, "", "PRIMARY KEY, or PUSHDOWN for a column Jira filters on", key("Type")),
                        Col("SortOrder", T::kText, "", "A (ascending) for keys; NULL otherwise", key("SortOrder")),
                        Col("OrdinalPosition", T::kInteger, "", "The column's place in the index, from 1",
                            ikey("OrdinalPosition")),
                        Col("Pushdown", T::kText, "", "The operators sent to Jira (empty: none)", key("Pushdown"))},
                       "")
                  .Reads(ReadRows(SysIndexesRows))
                  .System());
  t.push_back(TableDef("sys_sqlinfo",
                       "What this SQL dialect supports, by name: for tools that ask before they write SQL.",
                       {Col("Name", T::kText, "", "Capability, e.g. SUPPORTED_OPERATORS", key("Name")),
                        Col("Value", T::kText, "", "Its value", key("Value"))},
                       "")
                  .Reads(ReadRows(SysSqlInfoRows))
                  .System());
  t.push_back(
      TableDef("sys_identity",
               "The rows the latest writing statement (or transaction) wrote to Jira, and those it failed to "
               "write, with why.",
               {Col("Id", T::kText, "",
                    "The row's id; for an INSERT the new id (or issue key); NULL when none "
                    "was made",
                    key("Id")),
                Col("Batch", T::kInteger, "", "Which writing statement of the connection, from 1", ikey("Batch")),
                Col("Operation", T::kText, "", "INSERT, UPDATE or DELETE", key("Operation")),
                Col("TableName", T::kText, "", "The table written", key("TableName")),
                Col("Message", T::kText, "", "SUCCESS, or Jira's or jirasql's reason", key("Message"))},
               "")
          .Reads(ReadRows(SysIdentityRows))
          .System());
  t.push_back(
      TableDef(
          "sys_rate_limit",
          "What Jira's answers on this connection said of its limits: the points quota of an OAuth app "
          "(Jira Cloud meters 3LO apps by points; API tokens are not), the burst limit, and how often "
          "Jira asked the connection to wait. No row before the connection has talked to Jira; NULL "
          "where Jira did not say.",
          {Col("SiteUrl", T::kText, "", "The site's REST base", key("SiteUrl")),
           Col("Policy", T::kText, "",
               "The quota that binds (Beta-RateLimit: global-app-quota, "
               "tenant-app-quota, …)",
               key("Policy")),
           Col("Quota", T::kInteger, "", "Points per window (Beta-RateLimit-Policy q)", ikey("Quota")),
           Col("WindowSeconds", T::kInteger, "", "The quota's window (w)", ikey("WindowSeconds")),
           Col("Remaining", T::kInteger, "", "Points left in the window (Beta-RateLimit r)", ikey("Remaining")),
           Col("ResetSeconds", T::kInteger, "", "Seconds until the window resets (t), when read", ikey("ResetSeconds")),
           Col("ResetAt", T::kText, "", "When a spent quota resets (X-Beta-RateLimit-Reset)", key("ResetAt")),
           Col("Reason", T::kText, "", "Which limit (jira-quota-global-based, jira-burst-based, …)", key("Reason")),
           Col("NearLimit", T::kBoolean, "", "1 when Jira said the quota is nearly spent", ikey("NearLimit")),
           Col("BurstLimit", T::kInteger, "", "X-RateLimit-Limit", ikey("BurstLimit")),
           Col("BurstRemaining", T::kInteger, "", "X-RateLimit-Remaining", ikey("BurstRemaining")),
           Col("SeenAt", T::kTimestamp, "", "When the quota was last reported", Item({"SeenAt"}, AsTimestamp)),
           Col("Pauses", T::kInteger, "", "Times Jira asked this connection to wait (429, 503)", ikey("Pauses")),
           Col("QuotaWaits", T::kInteger, "",
               "Requests held until the quota's window turned, the points left being spent by those in flight",
               ikey("QuotaWaits")),
           Col("PointsPerRequest", T::kReal, "", "What an answer has cost on average, as the quota readings fell",
               Item({"PointsPerRequest"}, AsReal))},
          "")
          .Reads(ReadRows(SysRateLimitRows))
          .System());
  t.push_back(TableDef("sys_procedures",
                       "Procedures: EXEC Name Param='value' (through ODBC also {call Name('value', ...)}; the OAuth "
                       "ones also SELECT * FROM Name('value', ...)).",
                       {Col("ProcedureName", T::kText, "", "Name", key("ProcedureName")),
                        Col("Description", T::kText, "", "What it does", key("Description"))},
                       "")
                  .Reads(ReadRows(SysProceduresRows))
                  .System());
  t.push_back(TableDef("sys_procedureparameters", "Inputs and outputs of the procedures.",
                       {Col("ProcedureName", T::kText, "", "Procedure", key("ProcedureName")),
                        Col("ParameterName", T::kText, "", "Parameter", key("ParameterName")),
                        Col("Direction", T::kText, "", "IN or OUT", key("Direction")),
                        Col("Ordinal", T::kInteger, "", "Position among the inputs (table-valued function arguments)",
                            ikey("Ordinal")),
                        Col("Required", T::kBoolean, "", "1 when the input must be given", ikey("Required")),
                        Col("Description", T::kText, "", "Meaning", key("Description"))},
                       "")
                  .Reads(ReadRows(SysProcedureParametersRows))
                  .System());
  t.push_back(TableDef("sys_connection_props", "Connection properties and their values (secrets masked).",
                       {Col("Name", T::kText, "", "Property", key("Name")),
                        Col("Value", T::kText, "", "Effective value; secrets shown as ********", key("Value")),
                        Col("DefaultValue", T::kText, "", "Default", key("DefaultValue")),
                        Col("Type", T::kText, "", "string, int, bool or enum", key("Type")),
                        Col("AllowedValues", T::kText, "", "Enum values", key("AllowedValues")),
                        Col("Category", T::kText, "", "Group", key("Category")),
                        Col("IsSecret", T::kBoolean, "", "1 for secrets", ikey("IsSecret")),
                        Col("Source", T::kText, "", "Where the value came from", key("Source")),
                        Col("Description", T::kText, "", "Meaning", key("Description"))},
                       "")
                  .Reads(ReadRows(SysConnectionPropsRows))
                  .System());
  return t;
}

SqlType CustomType(const CustomFieldInfo& f) {
  if (f.schema_type == "number") return SqlType::kReal;
  if (f.schema_type == "date") return SqlType::kDate;
  if (f.schema_type == "datetime") return SqlType::kTimestamp;
  if (f.schema_type == "array") return SqlType::kJson;
  return SqlType::kText;
}

SqlValue CustomValueStrict(const json* v, const CustomFieldInfo& f);

// Custom fields come in whatever shape their app gives them: a value of an
// unexpected shape is shown as its JSON rather than stop the query.
SqlValue CustomValue(const json* v, const CustomFieldInfo& f) {
  try {
    return CustomValueStrict(v, f);
  } catch (const BadValue&) {
    return AsJson(v);
  }
}

SqlValue CustomValueStrict(const json* v, const CustomFieldInfo& f) {
  if (!v) return {};
  if (f.schema_type == "number") return v->is_number() ? AsReal(v) : AsText(v);
  if (f.schema_type == "datetime") return AsTimestamp(v);
  if (f.schema_type == "user") return AsUserId(v);
  if (f.schema_type == "option") return v->is_object() ? AsText(At(*v, {"value"})) : AsText(v);
  if (f.schema_type == "option-with-child" && v->is_object()) {  // 'Parent / Child', as it is written
    SqlValue parent = AsText(At(*v, {"value"}));
    const json* child = At(*v, {"child", "value"});
    auto* p = std::get_if<std::string>(&parent);
    if (!p || !child) return parent;
    return *p + " / " + std::get<std::string>(AsText(child));
  }
  if (f.schema_type == "array") {
    if (f.schema_items == "option") return AsList(v, "value");
    if (f.schema_items == "user") {
      json out = json::array();
      if (v->is_array()) {
        for (const auto& e : *v) {
          auto id = AsUserId(&e);
          if (auto* s = std::get_if<std::string>(&id)) out.push_back(*s);
        }
      }
      return out.dump();
    }
    if (f.schema_items == "string" || f.schema_items == "version" || f.schema_items == "component") {
      return AsList(v, "name");
    }
    return AsJson(v);
  }
  if (v->is_object()) {
    if (v->contains("type") && (*v)["type"] == "doc") return AsRichText(v);
    if (auto* val = At(*v, {"value"})) return AsText(val);
    if (auto* name = At(*v, {"name"})) return AsText(name);
    return AsJson(v);
  }
  if (v->is_array()) return AsJson(v);
  return AsText(v);
}

}  // namespace

const std::vector<TableDef>& BaseTables() {
  static const std::vector<TableDef> tables = MakeBaseTables();
  return tables;
}

const TableDef* FindBaseTable(std::string_view name) {
  for (const auto& t : BaseTables()) {
    if (EqualsIgnoreCase(t.name, name)) return &t;
  }
  return nullptr;
}

std::vector<CustomFieldInfo> CustomFieldsFromFieldList(const json& fields) {
  std::vector<CustomFieldInfo> out;
  if (!fields.is_array()) return out;
  for (const auto& f : fields) {
    if (!f.is_object() || !f.value("custom", false)) continue;
    CustomFieldInfo c;
    c.id = f.value("id", "");
    c.name = f.value("name", c.id);
    if (c.id.empty()) continue;
    if (auto* s = At(f, {"schema"}); s && s->is_object()) {
      c.schema_type = s->value("type", "");
      c.schema_items = s->value("items", "");
      c.schema_custom = s->value("custom", "");
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::string CustomWriteAs(const CustomFieldInfo& f) {
  const std::string& t = f.schema_type;
  const auto ends = [&](std::string_view suffix) {
    return f.schema_custom.size() >= suffix.size() &&
           f.schema_custom.compare(f.schema_custom.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (t == "number") return "number";
  if (t == "string") return ends(":textarea") ? "textarea" : "string";
  if (t == "option") return "option";
  if (t == "option-with-child") return "cascading";
  if (t == "user") return "user";
  if (t == "date") return "date";
  if (t == "datetime") return "datetime";
  if (t == "array") {
    if (f.schema_items == "option") return "options";
    if (f.schema_items == "user") return "users";
    if (f.schema_items == "string") return "labels";
    if (f.schema_items == "version") return "versions";
    if (f.schema_items == "component") return "components";
    if (f.schema_items == "json" && ends(":gh-sprint")) return "sprint";
  }
  return "";
}

TableDef IssuesWithCustomFields(const std::vector<CustomFieldInfo>& fields, bool use_display_names) {
  TableDef t = *FindBaseTable("Issues");
  // Names used by more than one field, or by a base column, get the id added.
  std::map<std::string, int> uses;
  for (const auto& c : t.columns) uses[ToLower(c.name)] += 2;
  for (const auto& f : fields) uses[ToLower(use_display_names ? f.name : f.id)] += 1;
  std::set<std::string> taken;
  for (const auto& c : t.columns) taken.insert(ToLower(c.name));
  for (const auto& f : fields) {
    std::string name = use_display_names ? f.name : f.id;
    if (name.empty() || uses[ToLower(name)] > 1) name = (name.empty() ? f.id : name) + " (" + f.id + ")";
    if (!taken.insert(ToLower(name)).second) continue;  // the same field listed twice
    ColumnDef c;
    c.name = name;
    c.type = CustomType(f);
    c.jira_field = f.id;
    c.description = "Custom field " + f.name + " (" + f.id + (f.schema_type.empty() ? "" : ", " + f.schema_type) +
                    (f.schema_items.empty() ? "" : " of " + f.schema_items) + ")";
    CustomFieldInfo info = f;
    c.get = [info](const RowContext& r) { return CustomValue(At(r.item, {"fields", info.id.c_str()}), info); };
    c.json_path = {"fields", f.id};
    c.reads_item = true;
    c.write_as = CustomWriteAs(f);
    c.writable = !c.write_as.empty();
    t.columns.push_back(std::move(c));
  }
  return t;
}

std::string PushdownText(Push p) {
  const PushRule& r = PushRuleFor(p);
  std::vector<std::string> ops;
  if (r.equals) ops.push_back("=");
  if (r.in_lists) ops.push_back("IN");
  if (r.ranges) ops.insert(ops.end(), {"<", "<=", ">", ">="});
  if (r.null_tests) ops.insert(ops.end(), {"IS NULL", "IS NOT NULL"});
  return ops.empty() ? "" : Join(ops, ", ") + r.note;
}

std::string SchemaReferenceMarkdown() {
  std::string out;
  out += "<!-- Generated by `jirasql schema --markdown` from src/sql/schema.cc; a test keeps it in step. -->\n";
  for (const auto& t : BaseTables()) {
    out += "\n### " + t.name + "\n\n" + t.description + "\n";
    if (!t.api.empty()) out += "\nReads: " + t.api + ".\n";
    if (t.write) {
      out += "\nWrites (INSERT, UPDATE, DELETE; see \"Writing to Jira\"): " + t.write_api +
             ". Columns marked *writable* may be set.\n";
    }
    out += "\n| Column | Type | Jira field | Pushed down as JQL | Description |\n|---|---|---|---|---|\n";
    for (const auto& c : t.columns) {
      std::string desc = c.description;
      for (auto& ch : desc) {
        if (ch == '|') ch = '/';
      }
      out += "| `" + c.name + "`" + (c.hidden ? " (hidden)" : "") + (c.writable ? " *writable*" : "") + " | " +
             std::string(SqlTypeLabel(c.type)) + " | " + (c.jira_field.empty() ? "" : "`" + c.jira_field + "`") +
             " | " + PushdownText(c.push) + " | " + desc + " |\n";
    }
  }
  return out;
}

}  // namespace jirasql
