#include "sql/writers.h"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "common/strings.h"
#include "common/time.h"
#include "jira/adf.h"
#include "jira/rest_call.h"
#include "sql/session.h"

namespace jirasql {

using json = nlohmann::json;
using Kind = RowWrite::Kind;

bool JiraUnchangedBy(const Error& e) {
  switch (e.code) {
    case ErrorCode::kInvalidArgument:   // checked before sending
    case ErrorCode::kConnectFailed:     // never sent
    case ErrorCode::kRateLimited:       // refused before acting
    case ErrorCode::kUnauthenticated:   // refused: the login (or its scopes)
    case ErrorCode::kPermissionDenied:  // refused: the permissions
    case ErrorCode::kNotFound:
      return true;
    default:
      break;
  }
  return e.http_status >= 400 && e.http_status < 500;
}

namespace {

const char* Verb(Kind k) { return k == Kind::kInsert ? "INSERT" : k == Kind::kUpdate ? "UPDATE" : "DELETE"; }

tl::unexpected<WriteFailure> Refused(std::string message) {
  return tl::unexpected<WriteFailure>(WriteFailure{Error{ErrorCode::kInvalidArgument, std::move(message), 0}, true});
}

// A failed call: a constraint error when Jira is unchanged, else a hard one
// whose message says what may have happened.
tl::unexpected<WriteFailure> CallFailed(const Error& e, const std::string& doing) {
  const bool unchanged = JiraUnchangedBy(e);
  Error out = e;
  out.message = doing + ": " + e.message;
  if (!unchanged) out.message += " — Jira may have carried it out; read the row back before trying again";
  return tl::unexpected<WriteFailure>(WriteFailure{std::move(out), unchanged});
}

// The row's columns by name.
class Row {
 public:
  Row(const TableDef& t, const RowWrite& r) : t_(t), r_(r) {}
  bool Set(std::string_view col) const {
    int i = t_.ColumnIndex(col);
    return i >= 0 && r_.set[static_cast<std::size_t>(i)];
  }
  const SqlValue& Value(std::string_view col) const {
    static const SqlValue kNull;
    int i = t_.ColumnIndex(col);
    return i < 0 ? kNull : r_.values[static_cast<std::size_t>(i)];
  }
  bool Null(std::string_view col) const { return IsNull(Value(col)); }
  /// The value as text (numbers written out); nullopt for NULL and blobs.
  std::optional<std::string> Text(std::string_view col) const {
    const SqlValue& v = Value(col);
    if (auto* s = std::get_if<std::string>(&v)) return *s;
    if (auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
    if (auto* d = std::get_if<double>(&v)) return json(*d).dump();
    return std::nullopt;
  }
  const TableDef& table() const { return t_; }
  const RowWrite& write() const { return r_; }

 private:
  const TableDef& t_;
  const RowWrite& r_;
};

// The first column the statement sets that the table cannot write.
std::optional<std::string> Unwritable(const Row& row) {
  const auto& cols = row.table().columns;
  for (std::size_t i = 0; i < cols.size(); ++i) {
    if (row.write().set[i] && !cols[i].writable) {
      std::string writable;
      for (const auto& c : cols) {
        if (c.writable) writable += (writable.empty() ? "" : ", ") + c.name;
      }
      if (cols[i].jira_field.rfind("customfield_", 0) == 0) {
        return row.table().name + "." + cols[i].name + " cannot be written: jirasql does not write custom fields of " +
               "its type (" + cols[i].description + ")";
      }
      return row.table().name + "." + cols[i].name + " cannot be written (Jira keeps it); the columns " +
             Verb(row.write().kind) + " may set are " + writable;
    }
  }
  return std::nullopt;
}

std::string Name(const Row& row, std::string_view col) { return row.table().name + "." + std::string(col); }

// Rich text for a v3 field: an ADF document given as JSON passes through,
// other text becomes ADF; Data Center (v2) takes the text as it is (wiki
// markup). `adf_col` (DescriptionAdf, BodyAdf) takes only a document.
Result<json> RichText(const Row& row, std::string_view col, std::string_view adf_col, bool cloud) {
  const bool raw = !adf_col.empty() && row.Set(adf_col);
  const std::string_view from = raw ? adf_col : col;
  if (raw && row.Set(col)) {
    return Fail(ErrorCode::kInvalidArgument,
                "set " + Name(row, col) + " or " + Name(row, adf_col) + ", not both: they are the same field");
  }
  if (row.Null(from)) return json(nullptr);
  auto text = row.Text(from);
  if (!text) return Fail(ErrorCode::kInvalidArgument, Name(row, from) + " takes text");
  if (raw || (cloud && LooksLikeAdfDocument(*text))) {
    if (!cloud) {
      return Fail(ErrorCode::kInvalidArgument,
                  Name(row, from) + ": Data Center stores wiki markup, not ADF; write " + Name(row, col) + " as text");
    }
    json doc = json::parse(*text, nullptr, false);
    if (!LooksLikeAdfDocument(*text)) {
      return Fail(ErrorCode::kInvalidArgument,
                  Name(row, from) + " takes an ADF document: {\"type\":\"doc\",\"version\":1,\"content\":[…]}");
    }
    return doc;
  }
  if (!cloud) return json(*text);
  auto doc = TextToAdf(*text);
  if (!doc) return Fail(ErrorCode::kInvalidArgument, Name(row, from) + ": " + doc.error().message);
  return *doc;
}

// A JSON array of strings given as text ('["a","b"]').
Result<std::vector<std::string>> StringList(const Row& row, std::string_view col) {
  if (row.Null(col)) return std::vector<std::string>{};
  auto text = row.Text(col);
  json j = text ? json::parse(*text, nullptr, false) : json();
  std::vector<std::string> out;
  bool ok = j.is_array();
  for (const auto& e : ok ? j : json::array()) {
    if (!e.is_string()) ok = false;
    if (e.is_string()) out.push_back(e.get<std::string>());
  }
  if (!ok)
    return Fail(ErrorCode::kInvalidArgument, Name(row, col) + " takes a JSON array of names, e.g. '[\"a\",\"b\"]'");
  return out;
}

// "2024-05-01T08:30:00.000Z" (any ISO 8601 with a zone) as Jira takes a
// worklog's start: "2024-05-01T08:30:00.000+0000".
Result<std::string> JiraTimestamp(const Row& row, std::string_view col) {
  auto text = row.Text(col);
  auto t = text ? ParseIso8601Ms(*text) : std::nullopt;
  if (!t) {
    return Fail(ErrorCode::kInvalidArgument,
                Name(row, col) + " takes an ISO 8601 timestamp with its zone, e.g. 2024-05-01T08:30:00.000Z");
  }
  std::string utc = FormatUtcTimestamp(*t);  // ...Z
  return utc.substr(0, utc.size() - 1) + "+0000";
}

// A user for a user field: an account id (Data Center: user name) as it
// is, or an e-mail address or display name that matches exactly one user.
Result<json> UserRef(const Row& row, std::string_view col, TableWrite& w, bool cloud) {
  if (row.Null(col)) return json(nullptr);
  auto v = row.Text(col);
  if (!v || v->empty()) return Fail(ErrorCode::kInvalidArgument, Name(row, col) + " takes an account id");
  const char* key = cloud ? "accountId" : "name";
  const bool looks_like_id = v->find('@') == std::string::npos && v->find(' ') == std::string::npos;
  if (looks_like_id || w.explain) return json{{key, *v}};
  auto found = w.jira.FindUsers(*v);
  if (!found) return Fail(found.error());
  std::vector<const json*> matches;
  for (const auto& u : *found) {
    if (EqualsIgnoreCase(u.value("emailAddress", ""), *v) || u.value("displayName", "") == *v) matches.push_back(&u);
  }
  if (matches.size() == 1) return json{{key, matches[0]->value(key, "")}};
  std::string listed;
  for (const auto* u : matches) {
    listed += (listed.empty() ? "" : ", ") + u->value("displayName", "") + " (" + u->value(key, "") + ")";
  }
  return Fail(ErrorCode::kInvalidArgument,
              Name(row, col) + " = '" + *v + "': " +
                  (matches.empty() ? "no user has that e-mail address or display name"
                                   : "several users match: " + listed + "; give the account id") +
                  " (SELECT AccountId, DisplayName FROM Users lists them)");
}

std::string ApiPath(TableWrite& w, std::string_view call) {
  std::string s(call);
  if (!w.session.cloud()) {
    if (auto p = s.find("/rest/api/3/"); p != std::string::npos) s.replace(p, 12, "/rest/api/2/");
  }
  return s;
}

// A custom field's value as Jira takes it, by the type its schema gives
// (ColumnDef::write_as).
Result<json> CustomFieldValue(const Row& row, const ColumnDef& c, TableWrite& w, bool cloud) {
  const std::string col = Name(row, c.name);
  const std::string& as = c.write_as;
  if (row.Null(c.name)) return json(nullptr);
  auto text = row.Text(c.name);
  if (!text) return Fail(ErrorCode::kInvalidArgument, col + " takes text or a number");
  // A JSON array of names; a single name is a list of one.
  auto names = [&]() -> Result<std::vector<std::string>> {
    if (!text->empty() && (*text)[0] == '[') return StringList(row, c.name);
    return std::vector<std::string>{*text};
  };
  if (as == "number") {
    if (auto* i = std::get_if<int64_t>(&row.Value(c.name))) return json(*i);
    if (auto* d = std::get_if<double>(&row.Value(c.name))) return json(*d);
    char* end = nullptr;
    const double d = std::strtod(text->c_str(), &end);
    if (text->empty() || *end != '\0') return Fail(ErrorCode::kInvalidArgument, col + " takes a number");
    return json(d);
  }
  if (as == "string") return json(*text);
  if (as == "textarea") return RichText(row, c.name, "", cloud);
  if (as == "option") return json{{"value", *text}};
  if (as == "cascading") {
    json j = json::parse(*text, nullptr, false);
    if (j.is_object() && j.contains("value")) return j;
    const auto slash = text->find(" / ");
    if (slash == std::string::npos) return json{{"value", *text}};
    return json{{"value", text->substr(0, slash)}, {"child", {{"value", text->substr(slash + 3)}}}};
  }
  if (as == "options" || as == "labels" || as == "versions" || as == "components") {
    auto list = names();
    if (!list) return Fail(list.error());
    json out = json::array();
    for (const auto& n : *list) {
      out.push_back(as == "options" ? json{{"value", n}} : as == "labels" ? json(n) : json{{"name", n}});
    }
    return out;
  }
  if (as == "user") return UserRef(row, c.name, w, cloud);
  if (as == "users") {
    auto list = names();
    if (!list) return Fail(list.error());
    json out = json::array();
    for (const auto& n : *list) out.push_back(json{{cloud ? "accountId" : "name", n}});
    return out;
  }
  if (as == "date") {
    if (!(text->size() == 10 && ParseIso8601Ms(*text + "T00:00Z"))) {
      return Fail(ErrorCode::kInvalidArgument, col + " takes a date, yyyy-MM-dd");
    }
    return json(*text);
  }
  if (as == "datetime") return JiraTimestamp(row, c.name);
  if (as == "sprint") {
    auto id = ParseInt(*text);
    if (!id) return Fail(ErrorCode::kInvalidArgument, col + " takes the sprint's id (SELECT Id, Name FROM Sprints)");
    return json(*id);
  }
  return Fail(ErrorCode::kInvalidArgument, col + " cannot be written: jirasql does not write fields of its type");
}

// Checks the custom fields of `fields` against the screen's metadata
// (createmeta or editmeta): each must be on the screen, and a value it
// limits must be one of its allowed values.
Result<void> CheckAgainstScreen(const json& fields, const json& meta, const TableDef& t, const std::string& screen) {
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    const std::string& id = it.key();
    if (id.rfind("customfield_", 0) != 0) continue;
    std::string col = id;
    for (const auto& c : t.columns) {
      if (c.jira_field == id) col = t.name + "." + c.name;
    }
    if (!meta.contains(id)) {
      return Fail(ErrorCode::kInvalidArgument,
                  col + ": the field " + id + " is not on the " + screen + "; Jira would refuse it");
    }
    const json& allowed = meta[id].value("allowedValues", json());
    if (!allowed.is_array() || it.value().is_null()) continue;
    auto name_of = [](const json& v) { return v.is_object() ? v.value("value", v.value("name", "")) : std::string(); };
    auto check = [&](const std::string& want, const json& among) -> Result<void> {
      std::string list;
      for (const auto& a : among) {
        if (name_of(a) == want) return Ok();
        list += (list.empty() ? "" : ", ") + name_of(a);
      }
      return Fail(ErrorCode::kInvalidArgument, col + " = '" + want + "': not one of its allowed values (" + list + ")");
    };
    const json& v = it.value();
    for (const json& one : v.is_array() ? v : json::array({v})) {
      if (auto r = check(name_of(one), allowed); !r) return r;
      if (one.is_object() && one.contains("child")) {  // cascading: the child among the parent's children
        for (const auto& a : allowed) {
          if (name_of(a) == name_of(one)) {
            if (auto r = check(name_of(one["child"]), a.value("children", json::array())); !r) return r;
          }
        }
      }
    }
  }
  return Ok();
}

bool SetsCustomFields(const json& fields) {
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    if (it.key().rfind("customfield_", 0) == 0) return true;
  }
  return false;
}

// The id of what a create made, from Jira's answer (a string or a number);
// an answer without one is a hard error: `done` happened all the same.
tl::expected<int64_t, WriteFailure> MadeId(const Created& made, const std::string& done) {
  if (auto id = ParseInt(IdOf(made.object))) return *id;
  return tl::unexpected<WriteFailure>(
      WriteFailure{Error{ErrorCode::kBadResponse, done + " but Jira's answer holds no numeric id", 0}, false, done});
}

// The "fields" of an issue create or edit from the columns the row sets.
Result<json> IssueFields(const Row& row, TableWrite& w, bool cloud) {
  json f = json::object();
  const bool insert = row.write().kind == Kind::kInsert;
  auto both = [&](const char* a, const char* b) -> Result<void> {
    if (row.Set(a) && row.Set(b)) {
      return Fail(ErrorCode::kInvalidArgument, "set " + Name(row, a) + " or " + Name(row, b) + ", not both");
    }
    return Ok();
  };
  for (auto [a, b] : {std::pair{"ProjectKey", "ProjectId"}, std::pair{"IssueTypeName", "IssueTypeId"},
                      std::pair{"ParentKey", "ParentId"}}) {
    if (auto r = both(a, b); !r) return Fail(r.error());
  }
  if (row.Set("ProjectKey") || row.Set("ProjectId")) {
    if (!insert) {
      return Fail(ErrorCode::kInvalidArgument,
                  "an issue cannot move to another project by UPDATE (Jira's edit does not move issues; use Jira's "
                  "Move)");
    }
    const bool by_key = row.Set("ProjectKey");
    auto v = row.Text(by_key ? "ProjectKey" : "ProjectId");
    if (v) f["project"] = json{{by_key ? "key" : "id", *v}};
  }
  if (row.Set("IssueTypeName") || row.Set("IssueTypeId")) {
    const bool by_name = row.Set("IssueTypeName");
    auto v = row.Text(by_name ? "IssueTypeName" : "IssueTypeId");
    if (v) f["issuetype"] = json{{by_name ? "name" : "id", *v}};
  }
  if (row.Set("Summary")) {
    auto v = row.Text("Summary");
    if (!v || v->empty()) return Fail(ErrorCode::kInvalidArgument, "Issues.Summary cannot be empty or NULL");
    f["summary"] = *v;
  }
  if (row.Set("Description") || row.Set("DescriptionAdf")) {
    auto d = RichText(row, "Description", "DescriptionAdf", cloud);
    if (!d) return Fail(d.error());
    f["description"] = std::move(*d);
  }
  if (row.Set("PriorityName")) {
    auto v = row.Text("PriorityName");
    f["priority"] = v ? json{{"name", *v}} : json(nullptr);
  }
  for (auto [col, field] : {std::pair{"AssigneeAccountId", "assignee"}, std::pair{"ReporterAccountId", "reporter"}}) {
    if (!row.Set(col)) continue;
    auto u = UserRef(row, col, w, cloud);
    if (!u) return Fail(u.error());
    f[field] = std::move(*u);
  }
  if (row.Set("DueDate")) {
    auto v = row.Text("DueDate");
    if (v && !(v->size() == 10 && ParseIso8601Ms(*v + "T00:00Z"))) {
      return Fail(ErrorCode::kInvalidArgument, "Issues.DueDate takes a date, yyyy-MM-dd");
    }
    f["duedate"] = v ? json(*v) : json(nullptr);
  }
  if (row.Set("Labels")) {
    auto labels = StringList(row, "Labels");
    if (!labels) return Fail(labels.error());
    for (const auto& l : *labels) {
      if (l.empty() || l.find_first_of(" \t\n") != std::string::npos) {
        return Fail(ErrorCode::kInvalidArgument, "Issues.Labels: '" + l + "': a label cannot be empty or hold spaces");
      }
    }
    f["labels"] = *labels;
  }
  for (auto [col, field] : {std::pair{"Components", "components"}, std::pair{"FixVersions", "fixVersions"}}) {
    if (!row.Set(col)) continue;
    auto names = StringList(row, col);
    if (!names) return Fail(names.error());
    json list = json::array();
    for (const auto& n : *names) list.push_back(json{{"name", n}});
    f[field] = std::move(list);
  }
  if (row.Set("ParentKey") || row.Set("ParentId")) {
    const bool by_key = row.Set("ParentKey");
    auto v = row.Text(by_key ? "ParentKey" : "ParentId");
    if (!v) return Fail(ErrorCode::kInvalidArgument, "an issue's parent cannot be set to NULL here; Jira keeps it");
    f["parent"] = json{{by_key ? "key" : "id", *v}};
  }
  const auto& cols = row.table().columns;
  for (std::size_t i = 0; i < cols.size(); ++i) {
    if (!row.write().set[i] || cols[i].write_as.empty()) continue;
    auto v = CustomFieldValue(row, cols[i], w, cloud);
    if (!v) return Fail(v.error());
    f[cols[i].jira_field] = std::move(*v);
  }
  return f;
}

// ---- transitions --------------------------------------------------------------

// What a status change asks for: the target status (by name or id) or the
// transition itself (by id or name), the fields the transition sets and
// the comment that goes with it.
struct StatusChange {
  std::optional<std::string> to_name, to_id, transition;  ///< transition: id or name
  json fields = json::object();
  std::optional<json> comment;  ///< ADF (Cloud) or text
};

std::string Describe(const json& t) {
  std::string to = t.contains("to") && t["to"].is_object() ? t["to"].value("name", "?") : "?";
  return "'" + t.value("name", "?") + "' (id " + t.value("id", "?") + ") to " + to;
}

std::string ListTransitions(const json& list) {
  std::string out;
  for (const auto& t : list) out += (out.empty() ? "" : "; ") + Describe(t);
  return out.empty() ? "none" : out;
}

// The one transition of `list` that `change` means, or why there is none.
Result<json> ChooseTransition(const json& list, const StatusChange& change, const std::string& issue) {
  std::vector<const json*> hits;
  for (const auto& t : list) {
    const json to = t.value("to", json::object());
    bool match = true;
    if (change.transition) {
      match = t.value("id", "") == *change.transition || EqualsIgnoreCase(t.value("name", ""), *change.transition);
    }
    if (change.to_id) match = match && to.value("id", "") == *change.to_id;
    if (change.to_name) match = match && EqualsIgnoreCase(to.value("name", ""), *change.to_name);
    if (match) hits.push_back(&t);
  }
  const std::string wanted = change.transition ? "transition '" + *change.transition + "'"
                             : change.to_name  ? "transition to status '" + *change.to_name + "'"
                                               : "transition to status id " + change.to_id.value_or("?");
  if (hits.size() == 1) return *hits[0];
  if (hits.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                issue + " has no " + wanted + " now; its transitions are: " + ListTransitions(list));
  }
  json several = json::array();
  for (const auto* h : hits) several.push_back(*h);
  return Fail(ErrorCode::kInvalidArgument,
              issue + " has several transitions that match (" + ListTransitions(several) +
                  "): choose one by its id with INSERT INTO IssueTransitions (IssueKey, Id) VALUES ('" + issue +
                  "', …)");
}

// The body of POST /transitions: the transition, its fields, the comment.
// A required field the change does not give is an error that names it.
Result<json> TransitionBody(const json& t, const StatusChange& change, const std::string& issue) {
  std::string missing;
  if (t.contains("fields") && t["fields"].is_object()) {
    for (auto it = t["fields"].begin(); it != t["fields"].end(); ++it) {
      const json& f = it.value();
      if (!f.is_object() || !f.value("required", false) || f.value("hasDefaultValue", false)) continue;
      if (change.fields.contains(it.key())) continue;
      std::string allowed;
      for (const auto& v : f.value("allowedValues", json::array())) {
        if (v.is_object() && v.contains("name")) allowed += (allowed.empty() ? "" : ", ") + v.value("name", "");
      }
      missing += (missing.empty() ? "" : "; ") + f.value("name", it.key()) + " (" + it.key() + ")" +
                 (allowed.empty() ? "" : ", one of: " + allowed);
    }
  }
  if (!missing.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "the transition " + Describe(t) + " of " + issue + " needs " + missing +
                    (missing.find("(resolution)") != std::string::npos
                         ? ": set ResolutionName in the same statement"
                         : ": give it in IssueTransitions.Fields, e.g. '{\"" + std::string("field") + "\": …}'"));
  }
  json body{{"transition", {{"id", t.value("id", "")}}}};
  if (!change.fields.empty()) body["fields"] = change.fields;
  if (change.comment) body["update"] = json{{"comment", json::array({json{{"add", {{"body", *change.comment}}}}})}};
  return body;
}

// Carries out `change` on `issue`: reads its transitions, picks one, posts
// it. Returns the target status's name. With `explain`, describes it.
Result<std::string> ChangeStatus(TableWrite& w, const std::string& issue, const StatusChange& change) {
  if (w.explain) {
    return ApiPath(w, "POST /rest/api/3/issue/" + issue + "/transitions") + " (the transition " +
           (change.transition ? "'" + *change.transition + "'"
                              : "to " + change.to_name.value_or(change.to_id.value_or(""))) +
           ", after GET …/transitions)";
  }
  auto list = w.jira.IssueTransitions(issue);
  if (!list) return Fail(list.error());
  auto t = ChooseTransition(*list, change, issue);
  if (!t) {
    // Already there (an INSERT whose StatusName is the initial status)?
    if (!change.transition && !list->empty()) {
      auto now = w.jira.GetIssue(issue, "status");
      if (now) {
        const json st = now->value("fields", json::object()).value("status", json::object());
        if ((change.to_name && EqualsIgnoreCase(st.value("name", ""), *change.to_name)) ||
            (change.to_id && st.value("id", "") == *change.to_id))
          return std::string();
      }
    }
    return Fail(t.error());
  }
  auto body = TransitionBody(*t, change, issue);
  if (!body) return Fail(body.error());
  if (auto r = w.jira.TransitionIssue(issue, *body); !r) return Fail(r.error());
  return (*t)["to"].value("name", "");
}

// Sends the queued creates (BulkInserts). Every made issue joins `written`;
// refused or unknown rows make one error that names each.
Result<void> FlushIssuesNow(TableWrite& w) {
  auto queued = std::move(w.session.queued_creates);
  w.session.queued_creates.clear();
  if (queued.empty() || w.explain) return Ok();
  std::vector<json> bodies;
  for (const auto& q : queued) bodies.push_back(q.body);
  auto outcomes = w.jira.CreateIssues(std::move(bodies));
  if (!outcomes) {
    Error e = outcomes.error();
    e.message = "creating " + std::to_string(queued.size()) + " issue(s) with POST /issue/bulk: " + e.message;
    for (const auto& q : queued) w.session.RecordWrite(w.table.name, "INSERT", "", q.row + ": " + e.message);
    return Fail(std::move(e));
  }
  std::string refused, unknown, made;
  int recovered = 0;
  for (std::size_t i = 0; i < queued.size(); ++i) {
    const auto& o = (*outcomes)[i];
    if (o.made) {
      const std::string key = o.made->value("key", "");
      w.session.written.push_back("created " + key);
      w.session.last_insert_key = key;
      w.session.RecordWrite(w.table.name, "INSERT", key, "SUCCESS");
      made += (made.empty() ? "" : ", ") + key;
      recovered += o.recovered ? 1 : 0;
    } else if (o.unknown) {
      unknown += (unknown.empty() ? "" : "; ") + queued[i].row;
      w.session.RecordWrite(w.table.name, "INSERT", "", queued[i].row + ": no answer and not found");
    } else {
      refused += (refused.empty() ? "" : "; ") + queued[i].row + ": " + o.error;
      w.session.RecordWrite(w.table.name, "INSERT", "", queued[i].row + ": " + o.error);
    }
  }
  if (recovered > 0) {
    w.session.notice("the answer to a bulk create was lost; jirasql found " + std::to_string(recovered) +
                     " of its issues by their operation ids and did not create them again");
  }
  if (refused.empty() && unknown.empty()) return Ok();
  std::string msg;
  if (!refused.empty()) msg += "Jira refused " + refused;
  if (!unknown.empty()) msg += (msg.empty() ? "" : "; ") + std::string("no answer and not found: ") + unknown;
  msg += made.empty() ? "; none was created" : "; created: " + made;
  return Fail(made.empty() && unknown.empty() ? ErrorCode::kInvalidArgument : ErrorCode::kHttp, msg);
}

WriteResult IssuesWrite(TableWrite& w, const RowWrite& rw) {
  Row row(w.table, rw);
  const bool cloud = w.session.cloud();
  const std::string id = std::to_string(rw.rowid);
  // The issue by its key when the scan read it (messages, and the warnings).
  const std::string label = row.Text("Key").value_or(id);
  if (rw.kind == Kind::kDelete) {
    const bool subtasks = w.session.props().GetBool("DeleteSubtasks");
    if (w.explain) {
      return WriteDone{
          0, "", ApiPath(w, "DELETE /rest/api/3/issue/" + id) + "?deleteSubtasks=" + (subtasks ? "true" : "false")};
    }
    auto r = w.jira.DeleteIssue(id, subtasks);
    if (!r) {
      auto f = CallFailed(r.error(), "deleting " + label);
      if (!subtasks && r.error().http_status == 400 && ToLower(r.error().message).find("subtask") != std::string::npos)
        f.value().error.message += "; set DeleteSubtasks=true to delete its sub-tasks with it";
      return f;
    }
    return WriteDone{0, "", "deleted " + label};
  }
  if (auto bad = Unwritable(row)) return Refused(*bad);
  auto fields = IssueFields(row, w, cloud);
  if (!fields) return Refused(fields.error().message);
  // StatusName / StatusId move the issue through a transition, with
  // ResolutionName (and only then) as the transition's field.
  std::optional<StatusChange> status;
  if (row.Set("StatusName") || row.Set("StatusId")) {
    if (row.Set("StatusName") && row.Set("StatusId"))
      return Refused("set Issues.StatusName or Issues.StatusId, not both");
    StatusChange c;
    if (row.Set("StatusName")) c.to_name = row.Text("StatusName");
    if (row.Set("StatusId")) c.to_id = row.Text("StatusId");
    if (!c.to_name && !c.to_id) return Refused("Issues.StatusName cannot be NULL: every issue has a status");
    if (row.Set("ResolutionName") && !row.Null("ResolutionName")) {
      c.fields["resolution"] = json{{"name", *row.Text("ResolutionName")}};
    }
    status = std::move(c);
  } else if (row.Set("ResolutionName")) {
    auto v = row.Text("ResolutionName");
    (*fields)["resolution"] = v ? json{{"name", *v}} : json(nullptr);
  }
  auto move = [&](const std::string& issue, const std::string& done) -> tl::expected<std::string, WriteFailure> {
    auto to = ChangeStatus(w, issue, *status);
    if (to) return w.explain ? *to : to->empty() ? "" : "moved " + issue + " to " + *to;
    if (done.empty()) return tl::unexpected(CallFailed(to.error(), "changing the status of " + issue).value());
    // Something was written already: a hard error that says what.
    Error e = to.error();
    e.message = done + ", but changing its status failed: " + e.message;
    return tl::unexpected(WriteFailure{std::move(e), false, done});
  };
  if (rw.kind == Kind::kInsert) {
    std::string missing;
    for (auto [field, cols] :
         {std::pair{"project", "ProjectKey (or ProjectId)"}, std::pair{"issuetype", "IssueTypeName (or IssueTypeId)"},
          std::pair{"summary", "Summary"}}) {
      if (!fields->contains(field)) missing += (missing.empty() ? "" : ", ") + std::string(cols);
    }
    if (!missing.empty()) return Refused("INSERT INTO Issues needs " + missing);
    if (SetsCustomFields(*fields) && !w.explain) {
      const json& p = (*fields)["project"];
      const json& t = (*fields)["issuetype"];
      const std::string project = p.value("key", p.value("id", "")), type = t.value("name", t.value("id", ""));
      auto meta = w.jira.CreateMeta(project, type);
      if (!meta) return CallFailed(meta.error(), "reading the create screen of " + project + " " + type);
      if (auto r = CheckAgainstScreen(*fields, *meta, w.table, "create screen of " + project + " " + type); !r)
        return Refused(r.error().message);
    }
    const json body{{"fields", std::move(*fields)}};
    if (w.session.props().GetBool("BulkInserts") && !status) {
      // Held back, sent 50 at a time by FlushIssues.
      if (w.explain)
        return WriteDone{0, "", ApiPath(w, "POST /rest/api/3/issue/bulk") + " (50 rows a request) " + body.dump()};
      const std::string summary = body["fields"].value("summary", "");
      w.session.queued_creates.push_back({body, "'" + summary + "'"});
      if (w.session.queued_creates.size() >= 50) {
        if (auto r = FlushIssuesNow(w); !r) return tl::unexpected(WriteFailure(r.error(), false));
      }
      return WriteDone{0, "", ""};
    }
    if (w.explain) {
      std::string plan = ApiPath(w, "POST /rest/api/3/issue") + " " + body.dump();
      if (status) plan += "; then " + *move("{new}", "");
      return WriteDone{0, "", plan};
    }
    auto made = w.jira.CreateIssue(body);
    if (!made) return CallFailed(made.error(), "creating an issue");
    const std::string key = made->object.value("key", "");
    auto new_id = MadeId(*made, "created " + key);
    if (!new_id) return tl::unexpected(new_id.error());
    if (made->recovered) {
      w.session.notice("the answer to creating " + key +
                       " was lost; jirasql found the issue by its operation id and did not create it again");
    }
    std::string what = "created " + key;
    if (status) {
      auto moved = move(key, what);
      if (!moved) {
        WriteFailure f = moved.error();
        f.rowid = *new_id;
        f.key = key;
        return tl::unexpected(std::move(f));
      }
      if (!moved->empty()) what += ", " + *moved;
    }
    return WriteDone{*new_id, key, what};
  }
  // UPDATE
  if (rw.rowid <= 0) return Refused("UPDATE on Issues: the row has no issue id");
  std::string what;
  if (SetsCustomFields(*fields) && !w.explain) {
    auto meta = w.jira.EditMeta(id);
    if (!meta) return CallFailed(meta.error(), "reading the edit screen of " + label);
    if (auto r = CheckAgainstScreen(*fields, *meta, w.table, "edit screen of " + label); !r)
      return Refused(r.error().message);
  }
  if (!fields->empty()) {
    const json body{{"fields", std::move(*fields)}};
    if (w.explain) {
      what = ApiPath(w, "PUT /rest/api/3/issue/" + id) + " " + body.dump();
    } else {
      if (auto r = w.jira.EditIssue(id, body); !r) return CallFailed(r.error(), "editing " + label);
      what = "edited " + label;
    }
  }
  if (status) {
    auto moved = move(label, w.explain ? "" : what);
    if (!moved) return tl::unexpected(moved.error());
    if (!moved->empty()) what += (what.empty() ? "" : w.explain ? "; then " : ", ") + *moved;
  }
  return WriteDone{rw.rowid, "", what};
}

// The issue a comment or worklog row belongs to: IssueKey, else IssueId.
std::optional<std::string> ParentIssue(const Row& row) {
  if (auto k = row.Text("IssueKey"); k && !k->empty()) return k;
  return row.Text("IssueId");
}

WriteResult CommentsWrite(TableWrite& w, const RowWrite& rw) {
  Row row(w.table, rw);
  const bool cloud = w.session.cloud();
  auto issue = ParentIssue(row);
  if (!issue) {
    return Refused(std::string(Verb(rw.kind)) + " on Comments needs the comment's issue: give IssueKey or IssueId");
  }
  const std::string id = std::to_string(rw.rowid);
  const std::string where = "/rest/api/3/issue/" + *issue + "/comment";
  if (rw.kind == Kind::kDelete) {
    if (w.explain) return WriteDone{0, "", ApiPath(w, "DELETE " + where + "/" + id)};
    if (auto r = w.jira.DeleteComment(*issue, id); !r) return CallFailed(r.error(), "deleting comment " + id);
    return WriteDone{0, "", "deleted comment " + id + " of " + *issue};
  }
  if (rw.kind == Kind::kUpdate && (row.Set("IssueKey") || row.Set("IssueId"))) {
    return Refused("a comment cannot move to another issue");
  }
  if (auto bad = Unwritable(row)) return Refused(*bad);
  json body = json::object();
  if (row.Set("Body") || row.Set("BodyAdf")) {
    auto b = RichText(row, "Body", "BodyAdf", cloud);
    if (!b) return Refused(b.error().message);
    if (b->is_null()) return Refused("Comments.Body cannot be NULL; DELETE the comment instead");
    body["body"] = std::move(*b);
  } else if (rw.kind == Kind::kInsert) {
    return Refused("INSERT INTO Comments needs Body (or BodyAdf)");
  }
  if (row.Set("Visibility")) {
    auto v = row.Text("Visibility");
    json j = v ? json::parse(*v, nullptr, false) : json();
    if (!j.is_object() || !j.contains("type") || !j.contains("value")) {
      return Refused(
          "Comments.Visibility takes {\"type\": \"role\" or \"group\", \"value\": the role or group name}, "
          "e.g. '{\"type\":\"role\",\"value\":\"Developers\"}'");
    }
    body["visibility"] = std::move(j);
  }
  if (rw.kind == Kind::kInsert) {
    if (w.explain) return WriteDone{0, "", ApiPath(w, "POST " + where) + " " + body.dump()};
    auto made = w.jira.AddComment(*issue, body);
    if (!made) return CallFailed(made.error(), "adding a comment to " + *issue);
    auto new_id = MadeId(*made, "added a comment to " + *issue);
    if (!new_id) return tl::unexpected(new_id.error());
    if (made->recovered) {
      w.session.notice("the answer to adding comment " + std::to_string(*new_id) + " to " + *issue +
                       " was lost; jirasql found it by its operation id and did not add it again");
    }
    return WriteDone{*new_id, "", "added comment " + std::to_string(*new_id) + " to " + *issue};
  }
  if (body.empty()) return WriteDone{rw.rowid, "", ""};
  if (!body.contains("body")) return Refused("UPDATE on Comments: Jira's edit needs the Body too; set Body");
  if (w.explain) return WriteDone{rw.rowid, "", ApiPath(w, "PUT " + where + "/" + id) + " " + body.dump()};
  if (auto r = w.jira.EditComment(*issue, id, body); !r) return CallFailed(r.error(), "editing comment " + id);
  return WriteDone{rw.rowid, "", "edited comment " + id + " of " + *issue};
}

Result<EstimateAdjustment> Adjustment(const Row& row, Kind kind) {
  EstimateAdjustment a;
  if (row.Null("AdjustEstimate")) {
    if (!row.Null("AdjustEstimateBy")) {
      return Fail(ErrorCode::kInvalidArgument, "Worklogs.AdjustEstimateBy needs AdjustEstimate (new or manual)");
    }
    return a;
  }
  a.mode = ToLower(row.Text("AdjustEstimate").value_or(""));
  if (a.mode != "new" && a.mode != "leave" && a.mode != "manual" && a.mode != "auto") {
    return Fail(ErrorCode::kInvalidArgument, "Worklogs.AdjustEstimate takes new, leave, manual or auto");
  }
  if (a.mode == "manual" && kind == Kind::kUpdate) {
    return Fail(ErrorCode::kInvalidArgument, "Worklogs.AdjustEstimate = 'manual' is only for INSERT (Jira's rule)");
  }
  const bool needs = a.mode == "new" || a.mode == "manual";
  if (needs == row.Null("AdjustEstimateBy")) {
    return Fail(ErrorCode::kInvalidArgument,
                needs ? "Worklogs.AdjustEstimate = '" + a.mode + "' needs AdjustEstimateBy, a duration such as '2h 30m'"
                      : "Worklogs.AdjustEstimateBy goes with AdjustEstimate = 'new' or 'manual' only");
  }
  if (needs) a.value = *row.Text("AdjustEstimateBy");
  return a;
}

WriteResult WorklogsWrite(TableWrite& w, const RowWrite& rw) {
  Row row(w.table, rw);
  const bool cloud = w.session.cloud();
  auto issue = ParentIssue(row);
  if (!issue) {
    return Refused(std::string(Verb(rw.kind)) + " on Worklogs needs the worklog's issue: give IssueKey or IssueId");
  }
  const std::string id = std::to_string(rw.rowid);
  const std::string where = "/rest/api/3/issue/" + *issue + "/worklog";
  if (rw.kind == Kind::kDelete) {
    if (w.explain) return WriteDone{0, "", ApiPath(w, "DELETE " + where + "/" + id)};
    if (auto r = w.jira.DeleteWorklog(*issue, id, {}); !r) return CallFailed(r.error(), "deleting worklog " + id);
    return WriteDone{0, "", "deleted worklog " + id + " of " + *issue};
  }
  if (rw.kind == Kind::kUpdate && (row.Set("IssueKey") || row.Set("IssueId"))) {
    return Refused("a worklog cannot move to another issue");
  }
  if (auto bad = Unwritable(row)) return Refused(*bad);
  auto adjust = Adjustment(row, rw.kind);
  if (!adjust) return Refused(adjust.error().message);
  json body = json::object();
  if (row.Set("TimeSpentSeconds") && row.Set("TimeSpent")) {
    return Refused("set Worklogs.TimeSpentSeconds or Worklogs.TimeSpent, not both");
  }
  if (row.Set("TimeSpentSeconds")) {
    const auto* s = std::get_if<int64_t>(&row.Value("TimeSpentSeconds"));
    if (!s || *s <= 0) return Refused("Worklogs.TimeSpentSeconds takes a positive whole number of seconds");
    body["timeSpentSeconds"] = *s;
  } else if (row.Set("TimeSpent")) {
    auto s = row.Text("TimeSpent");
    if (!s || s->empty()) return Refused("Worklogs.TimeSpent takes a duration such as '2h 30m'");
    body["timeSpent"] = *s;
  } else if (rw.kind == Kind::kInsert) {
    return Refused("INSERT INTO Worklogs needs TimeSpentSeconds or TimeSpent ('2h 30m')");
  }
  if (row.Set("Started")) {
    auto t = JiraTimestamp(row, "Started");
    if (!t) return Refused(t.error().message);
    body["started"] = *t;
  } else if (rw.kind == Kind::kInsert) {
    // Jira Cloud requires it; now is what people mean.
    std::string utc = FormatUtcTimestamp(EpochMs(std::chrono::system_clock::now()));
    body["started"] = utc.substr(0, utc.size() - 1) + "+0000";
  }
  if (row.Set("Comment")) {
    auto c = RichText(row, "Comment", "", cloud);
    if (!c) return Refused(c.error().message);
    body["comment"] = std::move(*c);
  }
  std::string query;
  if (!adjust->mode.empty()) {
    query = "?adjustEstimate=" + adjust->mode;
    if (!adjust->value.empty())
      query += std::string("&") + (adjust->mode == "new" ? "newEstimate" : "reduceBy") + "=" + adjust->value;
  }
  if (rw.kind == Kind::kInsert) {
    if (w.explain) return WriteDone{0, "", ApiPath(w, "POST " + where) + query + " " + body.dump()};
    auto made = w.jira.AddWorklog(*issue, body, *adjust);
    if (!made) return CallFailed(made.error(), "logging work on " + *issue);
    auto new_id = MadeId(*made, "logged work on " + *issue);
    if (!new_id) return tl::unexpected(new_id.error());
    if (made->recovered) {
      w.session.notice("the answer to logging work " + std::to_string(*new_id) + " on " + *issue +
                       " was lost; jirasql found it by its operation id and did not log it again");
    }
    return WriteDone{*new_id, "", "logged work " + std::to_string(*new_id) + " on " + *issue};
  }
  if (body.empty()) return WriteDone{rw.rowid, "", ""};
  if (w.explain) return WriteDone{rw.rowid, "", ApiPath(w, "PUT " + where + "/" + id) + query + " " + body.dump()};
  if (auto r = w.jira.EditWorklog(*issue, id, body, *adjust); !r) return CallFailed(r.error(), "editing worklog " + id);
  return WriteDone{rw.rowid, "", "edited worklog " + id + " of " + *issue};
}

WriteResult IssueTransitionsWrite(TableWrite& w, const RowWrite& rw) {
  Row row(w.table, rw);
  if (rw.kind != Kind::kInsert) {
    return Refused(std::string(Verb(rw.kind)) +
                   " on IssueTransitions: it takes INSERT only (a transition is done to an issue; the rows are the "
                   "transitions it has now)");
  }
  if (auto bad = Unwritable(row)) return Refused(*bad);
  auto issue = ParentIssue(row);
  if (!issue) return Refused("INSERT INTO IssueTransitions needs the issue: give IssueKey or IssueId");
  StatusChange c;
  if (row.Set("Id")) {
    c.transition = row.Text("Id");
  } else if (row.Set("Name")) {
    c.transition = row.Text("Name");
  }
  if (row.Set("ToStatusName")) c.to_name = row.Text("ToStatusName");
  if (row.Set("ToStatusId")) c.to_id = row.Text("ToStatusId");
  if (!c.transition && !c.to_name && !c.to_id) {
    return Refused(
        "INSERT INTO IssueTransitions needs the transition (Id or Name) or its target (ToStatusName or "
        "ToStatusId)");
  }
  if (row.Set("Fields")) {
    auto text = row.Text("Fields");
    json f = text ? json::parse(*text, nullptr, false) : json();
    if (!f.is_object()) {
      return Refused(
          "IssueTransitions.Fields takes a JSON object of field values, e.g. '{\"resolution\": "
          "{\"name\": \"Done\"}}'");
    }
    c.fields = std::move(f);
  }
  if (row.Set("Comment")) {
    auto body = RichText(row, "Comment", "", w.session.cloud());
    if (!body) return Refused(body.error().message);
    c.comment = std::move(*body);
  }
  auto to = ChangeStatus(w, *issue, c);
  if (!to) return CallFailed(to.error(), "moving " + *issue);
  if (w.explain) return WriteDone{0, "", *to};
  return WriteDone{0, "", to->empty() ? "" : "moved " + *issue + " to " + *to};
}

WriteResult AttachmentsWrite(TableWrite& w, const RowWrite& rw) {
  Row row(w.table, rw);
  const std::string id = std::to_string(rw.rowid);
  if (rw.kind == Kind::kDelete) {
    if (w.explain) return WriteDone{0, "", ApiPath(w, "DELETE /rest/api/3/attachment/" + id)};
    if (auto r = w.jira.DeleteAttachment(id); !r) return CallFailed(r.error(), "deleting attachment " + id);
    return WriteDone{0, "", "deleted attachment " + id};
  }
  if (rw.kind == Kind::kUpdate) {
    return Refused("UPDATE on Attachments: an attachment cannot change; DELETE it and INSERT the new file");
  }
  if (auto bad = Unwritable(row)) return Refused(*bad);
  auto issue = ParentIssue(row);
  if (!issue) return Refused("INSERT INTO Attachments needs the issue: give IssueKey or IssueId");
  auto path = row.Text("FilePath");
  if (!path || path->empty()) return Refused("INSERT INTO Attachments needs FilePath, the local file to upload");
  std::ifstream in(*path, std::ios::binary);
  struct stat st {};
  if (::stat(path->c_str(), &st) != 0 || !S_ISREG(st.st_mode) || !in) {
    return Refused("Attachments.FilePath '" + *path +
                   "': " + (::stat(path->c_str(), &st) != 0 ? "no such file" : "not a readable regular file"));
  }
  const std::string name = row.Text("FileName").value_or(path->substr(path->rfind('/') + 1));
  if (name.empty()) return Refused("Attachments.FileName cannot be empty");
  const auto size = static_cast<int64_t>(st.st_size);
  if (w.explain) {
    return WriteDone{0, "",
                     ApiPath(w, "POST /rest/api/3/issue/" + *issue + "/attachments") + " (multipart: " + name + ", " +
                         std::to_string(size) + " bytes)"};
  }
  auto limit = w.jira.AttachmentLimit();
  if (!limit) return CallFailed(limit.error(), "reading Jira's attachment settings");
  if (*limit < 0) return Refused("attachments are turned off on this Jira site");
  if (size > *limit) {
    return Refused("Attachments.FilePath '" + *path + "' is " + std::to_string(size) +
                   " bytes; this Jira takes attachments up to " + std::to_string(*limit) + " bytes");
  }
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto made = w.jira.AddAttachment(*issue, name, content);
  if (!made) return CallFailed(made.error(), "attaching " + name + " to " + *issue);
  auto new_id = MadeId(*made, "attached " + name + " to " + *issue);
  if (!new_id) return tl::unexpected(new_id.error());
  if (made->recovered) {
    w.session.notice("the answer to attaching " + name + " to " + *issue +
                     " was lost; jirasql found the attachment and did not upload it again");
  }
  return WriteDone{*new_id, "", "attached " + name + " (" + std::to_string(*new_id) + ") to " + *issue};
}

// IssueLinks: INSERT links two issues (POST /issueLink), DELETE removes a
// link (both of its rows go: the link is one thing in Jira), UPDATE is
// refused (a link has nothing to change).
WriteResult IssueLinksWrite(TableWrite& w, const RowWrite& rw) {
  Row row(w.table, rw);
  if (rw.kind == Kind::kDelete) {
    const auto id = row.Text("Id");
    if (!id) return Refused("DELETE on IssueLinks needs the link's Id");
    if (w.explain) return WriteDone{0, "", ApiPath(w, "DELETE /rest/api/3/issueLink/" + *id)};
    // Its other row, deleted already by this statement: nothing left to do.
    if (!w.session.links_deleted.insert(*id).second) return WriteDone{0, "", ""};
    if (auto r = w.jira.DeleteIssueLink(*id); !r) {
      w.session.links_deleted.erase(*id);
      return CallFailed(r.error(), "deleting issue link " + *id);
    }
    return WriteDone{0, "", "deleted issue link " + *id};
  }
  if (rw.kind == Kind::kUpdate) {
    return Refused("UPDATE on IssueLinks: a link cannot change; DELETE it and INSERT the link wanted");
  }
  if (auto bad = Unwritable(row)) return Refused(*bad);
  auto issue = ParentIssue(row);
  auto linked = row.Text("LinkedIssueKey");
  if (!linked || linked->empty()) linked = row.Text("LinkedIssueId");
  if (!issue || !linked) {
    return Refused(
        "INSERT INTO IssueLinks needs both issues: IssueKey (or IssueId) and LinkedIssueKey (or "
        "LinkedIssueId)");
  }
  const int given = row.Set("LinkTypeName") + row.Set("LinkTypeId") + row.Set("Relation");
  if (given == 0) {
    return Refused(
        "INSERT INTO IssueLinks needs the kind of link: LinkTypeName (e.g. 'Blocks', with Direction "
        "'outward' or 'inward'), LinkTypeId, or Relation (e.g. 'blocks', 'is blocked by')");
  }
  if (row.Set("Relation") && given > 1)
    return Refused("IssueLinks: set Relation, or LinkTypeName/LinkTypeId, not both");
  auto types = w.jira.LinkTypeList();
  if (!types) return CallFailed(types.error(), "reading the link types");
  std::optional<json> type;
  std::string direction = ToLower(row.Text("Direction").value_or("outward"));
  if (direction != "outward" && direction != "inward") {
    return Refused(
        "IssueLinks.Direction is 'outward' (IssueKey <outward words> LinkedIssueKey, e.g. blocks) or "
        "'inward' (e.g. is blocked by)");
  }
  std::string names;
  for (const auto& t : *types) {
    names += (names.empty() ? "" : "; ") + t.value("name", "") + " (" + t.value("outward", "") + " / " +
             t.value("inward", "") + ")";
    if (row.Set("LinkTypeId") && IdOf(t) == row.Text("LinkTypeId").value_or("")) type = t;
    if (row.Set("LinkTypeName") && EqualsIgnoreCase(t.value("name", ""), row.Text("LinkTypeName").value_or(""))) {
      type = t;
    }
    if (row.Set("Relation")) {
      const std::string rel = row.Text("Relation").value_or("");
      if (EqualsIgnoreCase(t.value("outward", ""), rel)) {
        type = t;
        direction = "outward";
      } else if (EqualsIgnoreCase(t.value("inward", ""), rel)) {
        type = t;
        direction = "inward";
      }
    }
  }
  if (!type) return Refused("IssueLinks: no such link type on this Jira; its types are " + names);
  const std::string& a = direction == "outward" ? *issue : *linked;
  const std::string& b = direction == "outward" ? *linked : *issue;
  const json type_ref{{"id", IdOf(*type)}};
  const std::string words = a + " " + type->value("outward", "") + " " + b;
  if (w.explain) {
    return WriteDone{
        0, "",
        ApiPath(w, "POST /rest/api/3/issueLink") + " " +
            json{{"type", type_ref}, {"inwardIssue", {{"key", a}}}, {"outwardIssue", {{"key", b}}}}.dump() + " (" +
            words + ")"};
  }
  auto made = w.jira.AddIssueLink(a, b, type_ref);
  if (!made) return CallFailed(made.error(), "linking " + words);
  auto id = MadeId(*made, "linked " + words);
  if (!id) return tl::unexpected(id.error());
  if (made->recovered) {
    w.session.notice("the answer to linking " + words + " was lost; jirasql found link " + std::to_string(*id) +
                     " and did not make it again");
  }
  return WriteDone{*id, "", "linked " + words + " (link " + std::to_string(*id) + ")"};
}

// ---- ProjectVersions, ProjectComponents --------------------------------------

// A 0/1 column (true/false accepted too).
Result<bool> Flag(const Row& row, std::string_view col) {
  const SqlValue& v = row.Value(col);
  if (auto* i = std::get_if<int64_t>(&v); i && (*i == 0 || *i == 1)) return *i == 1;
  if (auto t = row.Text(col)) {
    if (EqualsIgnoreCase(*t, "true") || *t == "1") return true;
    if (EqualsIgnoreCase(*t, "false") || *t == "0") return false;
  }
  return Fail(ErrorCode::kInvalidArgument, Name(row, col) + " takes 1 or 0");
}

// A date column: yyyy-MM-dd, or NULL (null: no date).
Result<json> DateOrNull(const Row& row, std::string_view col) {
  if (row.Null(col)) return json(nullptr);
  auto text = row.Text(col);
  if (!text || !(text->size() == 10 && ParseIso8601Ms(*text + "T00:00Z"))) {
    return Fail(ErrorCode::kInvalidArgument, Name(row, col) + " takes a date, yyyy-MM-dd");
  }
  return json(*text);
}

// Name and Description, which versions and components share: the name
// must not be empty; a NULL description clears it.
Result<void> NameAndDescription(const Row& row, json& body) {
  if (row.Set("Name")) {
    auto name = row.Text("Name");
    if (!name || Trim(*name).empty()) return Fail(ErrorCode::kInvalidArgument, Name(row, "Name") + " cannot be empty");
    body["name"] = *name;
  }
  if (row.Set("Description")) body["description"] = row.Text("Description").value_or("");
  return Ok();
}

Result<json> VersionBody(const Row& row, TableWrite&, bool) {
  json body = json::object();
  if (auto r = NameAndDescription(row, body); !r) return Fail(r.error());
  for (auto [col, key] : {std::pair{"Released", "released"}, std::pair{"Archived", "archived"}}) {
    if (!row.Set(col)) continue;
    auto f = Flag(row, col);
    if (!f) return Fail(f.error());
    body[key] = *f;
  }
  for (auto [col, key] : {std::pair{"StartDate", "startDate"}, std::pair{"ReleaseDate", "releaseDate"}}) {
    if (!row.Set(col)) continue;
    auto d = DateOrNull(row, col);
    if (!d) return Fail(d.error());
    body[key] = *d;
  }
  return body;
}

Result<json> ComponentBody(const Row& row, TableWrite& w, bool cloud) {
  json body = json::object();
  if (auto r = NameAndDescription(row, body); !r) return Fail(r.error());
  if (row.Set("LeadAccountId")) {
    auto lead = UserRef(row, "LeadAccountId", w, cloud);
    if (!lead) return Fail(lead.error());
    const char* key = cloud ? "accountId" : "name";
    body[cloud ? "leadAccountId" : "leadUserName"] = lead->is_null() ? json(nullptr) : (*lead)[key];
  }
  if (row.Set("AssigneeType")) {
    const std::string t = ToUpper(row.Text("AssigneeType").value_or(""));
    if (t != "PROJECT_DEFAULT" && t != "COMPONENT_LEAD" && t != "PROJECT_LEAD" && t != "UNASSIGNED") {
      return Fail(ErrorCode::kInvalidArgument,
                  Name(row, "AssigneeType") + " is PROJECT_DEFAULT, COMPONENT_LEAD, PROJECT_LEAD or UNASSIGNED");
    }
    body["assigneeType"] = t;
  }
  return body;
}

// What a project's versions and components differ in.
struct ProjectItem {
  const char* singular;  // "version"
  Result<json> (*body)(const Row&, TableWrite&, bool cloud);
  Result<Created> (JiraClient::*add)(const std::string&, json);
  Result<void> (JiraClient::*edit)(const std::string&, const json&);
  Result<void> (JiraClient::*remove)(const std::string&);
  std::string_view delete_api;  // explain's words for a DELETE
};

// INSERT makes the item in the project ProjectKey or ProjectId names,
// UPDATE edits the columns set (it cannot move to another project),
// DELETE removes it (its issues lose it).
WriteResult ProjectItemWrite(const ProjectItem& k, TableWrite& w, const RowWrite& rw) {
  Row row(w.table, rw);
  const bool cloud = w.session.cloud();
  const std::string path = std::string("/rest/api/3/") + k.singular;
  if (rw.kind == Kind::kDelete) {
    const auto id = row.Text("Id");
    if (!id) return Refused("DELETE on " + w.table.name + " needs the " + k.singular + "'s Id");
    if (w.explain) {
      std::string call(k.delete_api);
      if (auto p = call.find("{id}"); p != std::string::npos) call.replace(p, 4, *id);
      return WriteDone{0, "", call};
    }
    if (auto r = (w.jira.*k.remove)(*id); !r)
      return CallFailed(r.error(), std::string("deleting ") + k.singular + " " + *id);
    return WriteDone{0, "", std::string("deleted ") + k.singular + " " + *id};
  }
  if (auto bad = Unwritable(row)) return Refused(*bad);
  const bool insert = rw.kind == Kind::kInsert;
  if (row.Set("ProjectKey") && row.Set("ProjectId"))
    return Refused("set " + Name(row, "ProjectKey") + " or " + Name(row, "ProjectId") + ", not both");
  const auto project = row.Set("ProjectKey") ? row.Text("ProjectKey") : row.Text("ProjectId");
  if (!insert && (row.Set("ProjectKey") || row.Set("ProjectId"))) {
    return Refused(std::string("a ") + k.singular + " cannot move to another project by UPDATE; INSERT it there");
  }
  if (insert && (!project || project->empty())) {
    return Refused("INSERT INTO " + w.table.name + " needs the project: ProjectKey or ProjectId");
  }
  if (insert && !row.Set("Name"))
    return Refused("INSERT INTO " + w.table.name + " needs the " + k.singular + "'s Name");
  auto body = k.body(row, w, cloud);
  if (!body) return Refused(body.error().message);
  if (insert) {
    const std::string name = (*body)["name"];
    if (w.explain)
      return WriteDone{0, "", ApiPath(w, "POST " + path) + " " + body->dump() + " (in project " + *project + ")"};
    auto made = (w.jira.*k.add)(*project, *body);
    const std::string what = std::string("making ") + k.singular + " '" + name + "' in " + *project;
    if (!made) return CallFailed(made.error(), what);
    const std::string done = std::string("made ") + k.singular + " '" + name + "' in " + *project;
    auto id = MadeId(*made, done);
    if (!id) return tl::unexpected(id.error());
    if (made->recovered) {
      w.session.notice("the answer to " + what + " was lost; jirasql found " + k.singular + " " + std::to_string(*id) +
                       " and did not make it again");
    }
    return WriteDone{*id, "", done + " (" + std::to_string(*id) + ")"};
  }
  const auto id = row.Text("Id");
  if (!id) return Refused("UPDATE on " + w.table.name + " needs the " + k.singular + "'s Id");
  if (body->empty()) return WriteDone{0, "", ""};
  if (w.explain) return WriteDone{0, "", ApiPath(w, "PUT " + path + "/" + *id) + " " + body->dump()};
  if (auto r = (w.jira.*k.edit)(*id, *body); !r)
    return CallFailed(r.error(), std::string("editing ") + k.singular + " " + *id);
  return WriteDone{0, "", std::string("edited ") + k.singular + " " + *id};
}

const ProjectItem kVersionItem{
    "version",          VersionBody, &JiraClient::AddVersion, &JiraClient::EditVersion, &JiraClient::DeleteVersion,
    api::kDeleteVersion};
const ProjectItem kComponentItem{"component",
                                 ComponentBody,
                                 &JiraClient::AddComponent,
                                 &JiraClient::EditComponent,
                                 &JiraClient::DeleteComponent,
                                 api::kDeleteComponent};

}  // namespace

WriteResult WatchersWrite(TableWrite& w, const RowWrite& rw) {
  Row row(w.table, rw);
  if (rw.kind == Kind::kUpdate) {
    return Refused("UPDATE on Watchers: a watcher cannot change; DELETE the row and INSERT the watcher wanted");
  }
  if (rw.kind == Kind::kInsert) {
    if (auto bad = Unwritable(row)) return Refused(*bad);
  }
  auto issue = ParentIssue(row);
  auto user = row.Text("AccountId");
  const char* verb = rw.kind == Kind::kInsert ? "INSERT INTO" : "DELETE on";
  if (!issue || !user || user->empty()) {
    return Refused(std::string(verb) + " Watchers needs the issue (IssueKey or IssueId) and the user's AccountId " +
                   "(Data Center: user name; Users.AccountId lists them)");
  }
  const bool add = rw.kind == Kind::kInsert;
  const std::string what = (add ? "adding watcher " : "removing watcher ") + *user + (add ? " to " : " from ") + *issue;
  if (w.explain) {
    return WriteDone{0, "",
                     add ? ApiPath(w, "POST /rest/api/3/issue/" + *issue + "/watchers") + " " + json(*user).dump()
                         : ApiPath(w, "DELETE /rest/api/3/issue/" + *issue + "/watchers") + " (" + *user + ")"};
  }
  auto r = add ? w.jira.AddWatcher(*issue, *user) : w.jira.RemoveWatcher(*issue, *user);
  if (!r) return CallFailed(r.error(), what);
  return WriteDone{0, "", (add ? "added watcher " : "removed watcher ") + *user + (add ? " to " : " from ") + *issue};
}

TableWriter WriteIssueLinks() { return IssueLinksWrite; }
TableWriter WriteWatchers() { return WatchersWrite; }
TableWriter WriteProjectVersions() {
  return [](TableWrite& w, const RowWrite& rw) { return ProjectItemWrite(kVersionItem, w, rw); };
}
TableWriter WriteProjectComponents() {
  return [](TableWrite& w, const RowWrite& rw) { return ProjectItemWrite(kComponentItem, w, rw); };
}
TableWriter WriteIssues() { return IssuesWrite; }
TableFlusher FlushIssues() { return FlushIssuesNow; }
TableWriter WriteAttachments() { return AttachmentsWrite; }
TableWriter WriteIssueTransitions() { return IssueTransitionsWrite; }
TableWriter WriteComments() { return CommentsWrite; }
TableWriter WriteWorklogs() { return WorklogsWrite; }

}  // namespace jirasql
