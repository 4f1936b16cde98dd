#include "sql/session.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/strings.h"
#include "connstr/catalog.h"
#include "http/logging_transport.h"
#include "http/response_error.h"
#include "sql/jira_procedures.h"
#include "sql/pushdown.h"

namespace jirasql {

Session::Session(ConnectionProperties props, std::shared_ptr<Logger> logger, ConnectOptions options)
    : props_(std::move(props)), logger_(std::move(logger)), options_(std::move(options)) {}

Result<void> Session::Reconfigure(ConnectionProperties props, std::shared_ptr<Logger> logger) {
  if (conn_) {
    return Fail(ErrorCode::kInvalidArgument,
                "this database is already connected to Jira; open a new database connection to connect elsewhere");
  }
  if (declared_) {
    for (const char* p : {"IncludeCustomFields", "UseDisplayNames"}) {
      if (props.Get(p) != props_.Get(p)) {
        return Fail(ErrorCode::kInvalidArgument,
                    std::string(p) +
                        " cannot change after the tables were declared at .load: set it in "
                        "JIRASQL_CONNECT (or the profile) before loading the extension");
      }
    }
  }
  props_ = std::move(props);
  logger_ = std::move(logger);
  failure_.reset();
  issues_.reset();
  zone_known_ = false;
  zone_.reset();
  return Ok();
}

Result<Connection*> Session::Conn() {
  if (!conn_) {
    auto c = Connection::Open(props_, logger_, options_);
    if (!c) {
      failure_ = c.error();
      return Fail(c.error());
    }
    conn_ = std::move(*c);
  }
  return conn_.get();
}

bool Session::cloud() { return jira_.cloud(); }

void Session::RolledBack() {
  if (!queued_creates.empty()) {
    notice("ROLLBACK: " + std::to_string(queued_creates.size()) +
           " issue(s) that BulkInserts held back were not sent to Jira");
    queued_creates.clear();
  }
  if (written.empty()) return;
  std::string list;
  const std::size_t shown = std::min<std::size_t>(written.size(), 20);
  for (std::size_t i = 0; i < shown; ++i) list += (i ? "; " : "") + written[i];
  if (written.size() > shown) list += "; and " + std::to_string(written.size() - shown) + " more";
  notice("ROLLBACK does not undo writes to Jira: they were made when each statement ran, and these stay written: " +
         list);
  written.clear();
}

int Session::max_threads() const {
  // Get() gives the catalog's default when the property is not set.
  const auto n = props_.GetInt("MaxThreads");
  const auto fallback = ParseInt(FindProperty("MaxThreads")->default_value);
  const int threads = static_cast<int>(std::clamp<long long>(n.value_or(fallback.value_or(1)), 1, 64));
  return threads_cap_ > 0 ? std::min(threads, threads_cap_) : threads;
}

Result<const TableDef*> Session::Table(std::string_view name) {
  const TableDef* base = FindBaseTable(name);
  if (!base || !base->custom_fields || !props_.GetBool("IncludeCustomFields")) return base;
  if (!issues_) {
    auto fields = jira_.FieldList();
    if (!fields) {
      failure_ = fields.error().WithContext("reading the custom fields (IncludeCustomFields=true)");
      return Fail(*failure_);
    }
    issues_ = IssuesWithCustomFields(CustomFieldsFromFieldList(*fields), props_.GetBool("UseDisplayNames"));
  }
  return &*issues_;
}

std::vector<std::string> Session::TableNames() const {
  std::vector<std::string> out;
  for (const auto& t : BaseTables()) out.push_back(t.name);
  return out;
}

Result<ProcedureRow> Session::Procedure(const std::string& name, const std::map<std::string, std::string>& inputs) {
  if (IsJiraProcedure(name)) return RunJiraProcedure(*this, name, inputs);
  if (!FindProcedure(name)) return Fail(UnknownProcedure(name));
  auto http = MakeHttpTransport(props_, logger_);
  if (!http) return Fail(http.error());
  return RunProcedure(name, inputs, props_, ProcedureContext{*http, logger_, notice});
}

const TimeZone* Session::UserZone() {
  if (zone_known_) return zone_ ? &*zone_ : nullptr;
  zone_known_ = true;
  std::string name = props_.Get("Timezone");
  std::string from = "the Timezone property";
  if (name.empty()) {
    from = "the Jira user's profile (/myself)";
    auto me = jira_.MyselfObject();
    if (me && me->contains("timeZone") && (*me)["timeZone"].is_string()) name = (*me)["timeZone"];
  }
  if (name.empty()) {
    notice("the Jira user's time zone is unknown; date filters are sent to Jira widened to cover every zone (" +
           UnknownZoneWidening() + "; set Timezone to narrow them)");
    return nullptr;
  }
  auto z = TimeZone::Load(name);
  if (!z) {
    notice("time zone from " + from + ": " + z.error().message + "; date filters are widened to cover every zone (" +
           UnknownZoneWidening() + ")");
    return nullptr;
  }
  zone_ = std::move(*z);
  return &*zone_;
}

}  // namespace jirasql
