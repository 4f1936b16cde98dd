#include "sql/jira_procedures.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

#include "common/strings.h"
#include "sql/session.h"

namespace jirasql {

namespace {

using Inputs = std::map<std::string, std::string>;

// An input by name (any case); nullopt when absent or empty.
std::optional<std::string> Get(const Inputs& in, const char* k) {
  for (const auto& [name, v] : in) {
    if (EqualsIgnoreCase(name, k) && !v.empty()) return v;
  }
  return std::nullopt;
}

// One INSERT INTO `table` with `values` (column -> text), by the table's writer.
Result<WriteDone> InsertRow(Session& s, const char* table,
                            const std::map<std::string, std::optional<std::string>>& values) {
  const TableDef* def = FindBaseTable(table);
  RowWrite rw;
  rw.kind = RowWrite::Kind::kInsert;
  rw.values.resize(def->columns.size());
  rw.set.assign(def->columns.size(), false);
  for (const auto& [col, v] : values) {
    if (!v) continue;
    const auto i = static_cast<std::size_t>(def->ColumnIndex(col));
    rw.values[i] = *v;
    rw.set[i] = true;
  }
  TableWrite tw{s, s.jira(), *def, s.explain};
  auto done = def->write(tw, rw);
  if (!done) {
    if (!done.error().done.empty()) s.written.push_back(done.error().done);
    return Fail(done.error().error);
  }
  if (!done->what.empty()) s.written.push_back(done->what);
  return *done;
}

Result<ProcedureRow> ChangeIssueStatus(Session& s, const Inputs& in) {
  std::optional<std::string> fields = Get(in, "Fields");
  if (auto r = Get(in, "Resolution")) {
    nlohmann::json f = fields ? nlohmann::json::parse(*fields, nullptr, false) : nlohmann::json::object();
    if (!f.is_object()) return Fail(ErrorCode::kInvalidArgument, "Fields takes a JSON object");
    f["resolution"] = {{"name", *r}};
    fields = f.dump();
  }
  auto done = InsertRow(s, "IssueTransitions",
                        {{"IssueKey", Get(in, "IssueKey")},
                         {"IssueId", Get(in, "IssueId")},
                         {"ToStatusName", Get(in, "Status")},
                         {"Id", Get(in, "TransitionId")},
                         {"Name", Get(in, "TransitionName")},
                         {"Comment", Get(in, "Comment")},
                         {"Fields", fields}});
  if (!done) return Fail(done.error());
  return ProcedureRow{{"IssueKey", Get(in, "IssueKey").value_or(Get(in, "IssueId").value_or(""))},
                      {"Result", done->what.empty() ? "already there" : done->what}};
}

Result<ProcedureRow> AddAttachment(Session& s, const Inputs& in) {
  auto done = InsertRow(s, "Attachments",
                        {{"IssueKey", Get(in, "IssueKey")},
                         {"IssueId", Get(in, "IssueId")},
                         {"FilePath", Get(in, "FilePath")},
                         {"FileName", Get(in, "FileName")}});
  if (!done) return Fail(done.error());
  return ProcedureRow{{"Id", std::to_string(done->rowid)}, {"Result", done->what}};
}

// The attachment's bytes to `FilePath`: written to a temporary file beside
// it and renamed, so that the file is whole or not there; an existing file
// is replaced only with Overwrite=true.
Result<ProcedureRow> DownloadAttachment(Session& s, const Inputs& in) {
  auto id = Get(in, "Id");
  auto path = Get(in, "FilePath");
  if (!id || !ParseInt(*id)) return Fail(ErrorCode::kInvalidArgument, "Id takes the attachment's id (Attachments.Id)");
  if (!path) return Fail(ErrorCode::kInvalidArgument, "FilePath takes the file to write");
  const bool overwrite = EqualsIgnoreCase(Get(in, "Overwrite").value_or("false"), "true");
  if (!overwrite && ::access(path->c_str(), F_OK) == 0) {
    return Fail(ErrorCode::kInvalidArgument, *path + " exists; give Overwrite='true' to replace it");
  }
  if (s.explain) return ProcedureRow{{"Id", *id}, {"FilePath", *path}, {"Size", ""}};
  auto bytes = s.jira().AttachmentContent(*id);
  if (!bytes) return Fail(bytes.error());
  const std::string tmp = *path + ".jirasql-part";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      return Fail(ErrorCode::kIo, "cannot write " + tmp + " (is the folder there and writable?)");
    }
  }
  if (std::rename(tmp.c_str(), path->c_str()) != 0) {
    std::remove(tmp.c_str());
    return Fail(ErrorCode::kIo, "cannot move the download to " + *path);
  }
  return ProcedureRow{{"Id", *id}, {"FilePath", *path}, {"Size", std::to_string(bytes->size())}};
}

struct JiraProcedure {
  ProcedureSpec spec;
  bool writes;
  Result<ProcedureRow> (*run)(Session&, const Inputs&);
};

const std::vector<JiraProcedure>& Registry() {
  static const std::vector<JiraProcedure> kProcs = {
      {{"ChangeIssueStatus",
        "Moves an issue through a transition (INSERT INTO IssueTransitions does the same): by the status it leads "
        "to or by the transition's id or name",
        {{"IssueKey", false, "The issue's key (or give IssueId)"},
         {"IssueId", false, "The issue's id"},
         {"Status", false, "The status to move to (or give TransitionId or TransitionName)"},
         {"TransitionId", false, "The transition's id"},
         {"TransitionName", false, "The transition's name"},
         {"Resolution", false, "The resolution to set, when the transition asks for one"},
         {"Fields", false, "Other fields the transition sets, as a JSON object"},
         {"Comment", false, "A comment added with the transition"}},
        {"IssueKey", "Result"}},
       true,
       ChangeIssueStatus},
      {{"AddAttachment",
        "Attaches a local file to an issue (INSERT INTO Attachments does the same)",
        {{"IssueKey", false, "The issue's key (or give IssueId)"},
         {"IssueId", false, "The issue's id"},
         {"FilePath", true, "The file to upload"},
         {"FileName", false, "The name it gets in Jira (default: the file's own)"}},
        {"Id", "Result"}},
       true,
       AddAttachment},
      {{"DownloadAttachment",
        "Saves an attachment's content to a local file (whole or not at all)",
        {{"Id", true, "The attachment's id (Attachments.Id)"},
         {"FilePath", true, "The file to write"},
         {"Overwrite", false, "true to replace an existing file"}},
        {"Id", "FilePath", "Size"}},
       false,
       DownloadAttachment},
  };
  return kProcs;
}

const JiraProcedure* Find(const std::string& name) {
  for (const auto& p : Registry()) {
    if (EqualsIgnoreCase(p.spec.name, name)) return &p;
  }
  return nullptr;
}

}  // namespace

const std::vector<ProcedureSpec>& JiraProcedures() {
  static const std::vector<ProcedureSpec> kSpecs = [] {
    std::vector<ProcedureSpec> out;
    for (const auto& p : Registry()) out.push_back(p.spec);
    return out;
  }();
  return kSpecs;
}

bool IsJiraProcedure(const std::string& name) { return Find(name) != nullptr; }

const ProcedureSpec* FindProcedure(const std::string& name) {
  for (const auto& p : OAuthProcedures()) {
    if (EqualsIgnoreCase(p.name, name)) return &p;
  }
  const JiraProcedure* p = Find(name);
  return p ? &p->spec : nullptr;
}

Error UnknownProcedure(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& p : OAuthProcedures()) names.push_back(p.name);
  for (const auto& p : JiraProcedures()) names.push_back(p.name);
  std::string msg = "Unknown procedure '" + name + "'";
  if (auto best = ClosestMatch(name, names)) msg += "; did you mean '" + *best + "'?";
  return Error{ErrorCode::kInvalidArgument, msg + " (procedures: " + Join(names, ", ") + ")"};
}

Result<ProcedureRow> RunJiraProcedure(Session& session, const std::string& name, const Inputs& inputs) {
  const JiraProcedure* p = Find(name);
  if (!p) return Fail(ErrorCode::kInvalidArgument, "no procedure " + name);
  const std::string& proc = p->spec.name;
  std::string names;
  for (const auto& param : p->spec.inputs) names += (names.empty() ? "" : ", ") + param.name;
  for (const auto& input : inputs) {
    const std::string& given = input.first;  // (not a structured binding: lambdas may not capture those before C++20)
    if (std::none_of(p->spec.inputs.begin(), p->spec.inputs.end(),
                     [&given](const ProcedureParam& q) { return EqualsIgnoreCase(q.name, given); }))
      return Fail(ErrorCode::kInvalidArgument, proc + " has no parameter " + given + "; it takes " + names);
  }
  if (p->writes && session.props().GetBool("Readonly")) {
    return Fail(ErrorCode::kInvalidArgument,
                proc + ": Readonly=true refuses writes; set Readonly=false to write to Jira");
  }
  auto row = p->run(session, inputs);
  if (!row) return Fail(row.error().WithContext(proc));
  return row;
}

}  // namespace jirasql
