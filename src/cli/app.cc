#include "cli/app.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>

#include "auth/credentials.h"
#include "auth/desktop_flow.h"
#include "auth/login.h"
#include "auth/procedures.h"
#include "cli/completion.h"
#include "cli/output_target.h"
#include "cli/progress.h"
#include "common/strings.h"
#include "common/time.h"
#include "common/version.h"
#include "connstr/catalog.h"
#include "connstr/sources.h"
#include "http/logging_transport.h"
#include "http/response_error.h"
#include "jira/client.h"
#include "jira/connection.h"
#include "jira/endpoint.h"
#include "sql/engine.h"
#include "sql/schema.h"
#include "sql/session.h"
#include "sql/sync.h"

namespace jirasql {

namespace {

struct GlobalOptions {
  std::optional<std::string> connect;
  std::optional<std::string> profile;
  // One optional per non-secret property, filled by --<Name>=value.
  std::map<std::string, std::string> flag_values;
};

// The progress line of the running query, cleared before anything else is
// written to the terminal.
ProgressLine* g_progress = nullptr;
// The --profile given, so that a hint to run a command names it too.
std::string g_profile;

// "run `jirasql auth login`" -> "run `jirasql --profile work auth login`".
std::string WithProfile(std::string text) {
  if (g_profile.empty()) return text;
  const std::string from = "`jirasql ", to = "`jirasql --profile " + g_profile + " ";
  for (auto p = text.find(from); p != std::string::npos; p = text.find(from, p + to.size())) {
    if (text.compare(p + from.size(), 10, "--profile ") == 0) continue;
    text.replace(p, from.size(), to);
  }
  return text;
}

int Report(const Error& e) {
  if (g_progress) g_progress->Clear();
  std::cerr << "jirasql: " << WithProfile(e.message) << "\n";
  return e.code == ErrorCode::kInvalidArgument ? kExitUsage : kExitError;
}

Result<ConnectionProperties> Resolve(const GlobalOptions& g) {
  ConnectionSources s = SourcesFromEnvironment();
  if (g.profile) s.profile = g.profile;
  s.connect = g.connect;
  // Catalog order, so the result does not depend on the order of flags.
  for (const auto& spec : PropertyCatalog()) {
    auto it = g.flag_values.find(std::string(spec.name));
    if (it != g.flag_values.end()) s.flags.emplace_back(it->first, it->second);
  }
  return ResolveConnection(s);
}

bool AnySourceGiven(const GlobalOptions& g) {
  if (g.connect || g.profile || !g.flag_values.empty() || std::getenv("JIRASQL_CONNECT") ||
      std::getenv("JIRASQL_PROFILE")) {
    return true;
  }
  auto path = ProfilePath(ConfigHome(), "default");
  return path && ::access(path->c_str(), F_OK) == 0;
}

std::string AllowedText(const PropertySpec& spec) {
  std::string out;
  if (spec.type == PropType::kEnum) {
    for (auto a : spec.allowed) out += (out.empty() ? "" : "|") + std::string(a);
  } else if (spec.type == PropType::kInt) {
    out = std::to_string(spec.min) + ".." + std::to_string(spec.max);
  } else if (spec.type == PropType::kBool) {
    out = "true|false";
  }
  return out;
}

// --connect is an argument, which every user of the machine can read (ps).
void WarnAboutSecretsInArguments(const ConnectionProperties& props) {
  for (const auto& spec : PropertyCatalog()) {
    if (spec.secret && props.SourceOf(spec.name) == PropSource::kConnectString && !props.Get(spec.name).empty()) {
      std::cerr << "jirasql: warning: " << spec.name << " in --connect can be read by every user of this machine "
                << "(ps); put secrets in JIRASQL_CONNECT or a profile (chmod 600)\n";
    }
  }
}

int RunProps(const GlobalOptions& g, bool json) {
  std::optional<ConnectionProperties> props;
  if (AnySourceGiven(g)) {
    auto r = Resolve(g);
    if (!r) return Report(r.error());
    props = std::move(*r);
    WarnAboutSecretsInArguments(*props);
  }
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& spec : PropertyCatalog()) {
      nlohmann::json p{{"name", spec.name},     {"type", PropTypeName(spec.type)}, {"default", spec.default_value},
                       {"secret", spec.secret}, {"category", spec.category},       {"description", spec.description}};
      if (spec.type == PropType::kEnum) p["allowed"] = spec.allowed;
      if (props) {
        std::string v = props->Get(spec.name);
        p["value"] = (spec.secret && !v.empty()) ? "********" : v;
        p["source"] = PropSourceName(props->SourceOf(spec.name));
      }
      out.push_back(std::move(p));
    }
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  std::string_view category;
  for (const auto& spec : PropertyCatalog()) {
    if (spec.category != category) {
      category = spec.category;
      std::cout << "\n" << category << "\n";
    }
    std::cout << "  " << spec.name;
    if (props) {
      std::string v = props->Get(spec.name);
      if (spec.secret && !v.empty()) v = "********";
      std::cout << " = " << (v.empty() ? "(not set)" : v) << "  [" << PropSourceName(props->SourceOf(spec.name))
                << "]\n";
    } else {
      std::string allowed = AllowedText(spec);
      std::cout << "  (" << PropTypeName(spec.type) << (allowed.empty() ? "" : " " + allowed)
                << (spec.secret ? ", secret" : "") << ")";
      if (!spec.default_value.empty()) std::cout << "  default: " << spec.default_value;
      std::cout << "\n";
    }
    std::cout << "      " << spec.description << "\n";
  }
  return kExitOk;
}

std::string Ago(int64_t ms) {
  const int64_t s = ms / 1000;
  if (s < 120) return std::to_string(s) + " s";
  if (s < 7200) return std::to_string(s / 60) + " min";
  if (s < 2 * 86400) return std::to_string(s / 3600) + " h";
  return std::to_string(s / 86400) + " days";
}

int64_t NowMs() { return EpochMs(std::chrono::system_clock::now()); }

struct Opened {
  std::shared_ptr<Logger> logger;
  ConnectionProperties props;
};

// The properties of a command. `lazy`: the command may need no Jira at all
// (SQL over the system tables), so a missing connection is an error only
// when one is opened.
Result<Opened> Prepare(const GlobalOptions& g, bool for_login, bool lazy = false) {
  auto props = Resolve(g);
  if (!props) return Fail(props.error());
  if (!lazy) {
    if (auto r = props->CheckConfigured(); !r) return Fail(r.error());
  }
  WarnAboutSecretsInArguments(*props);
  auto prepared = PrepareConnection(*props, for_login);
  if (!prepared) return Fail(prepared.error());
  return Opened{prepared->logger, std::move(prepared->props)};
}

void Notify(const std::string& text) {
  if (g_progress) g_progress->Clear();
  std::cerr << "jirasql: " << WithProfile(text) << "\n";
}

// Who does Jira say we are? Prints "Connected to … as …".
Result<void> PrintWhoAmI(Connection& conn) {
  JiraClient jira([&conn]() -> Result<Connection*> { return &conn; });
  auto found = jira.MyselfObject();
  if (!found) return Fail(found.error());
  const nlohmann::json& me = *found;
  auto text = [&](const char* key) {
    return me.contains(key) && me[key].is_string() ? me[key].get<std::string>() : "";
  };
  std::cout << "Connected to " << conn.endpoint().base_url << " as " << text("displayName");
  std::string id = text("accountId").empty() ? text("name") : text("accountId");
  if (!id.empty()) std::cout << " (" << id << ")";
  std::cout << "\n";
  return Ok();
}

void PrintLogin(const SavedLogin& l, const std::string& where) {
  const int64_t now = NowMs();
  std::cout << "OAuth login saved in " << where << "\n";
  if (!l.site_url.empty()) std::cout << "  site:          " << l.site_url << " (CloudId=" << l.cloud_id << ")\n";
  std::cout << "  scopes:        " << l.scope << "\n";
  if (l.expires_at_ms > 0) {
    std::cout << "  access token:  "
              << (l.expires_at_ms > now ? "expires in " + Ago(l.expires_at_ms - now)
                                        : "expired " + Ago(now - l.expires_at_ms) + " ago")
              << "\n";
  }
  if (!l.refresh_token.empty()) {
    const int64_t day = 86400000;
    std::cout << "  refresh token: rotated " << Ago(now - l.refreshed_at_ms) << " ago; it lapses if unused for 90 days"
              << " (in " << Ago(std::max<int64_t>(0, l.refreshed_at_ms + 90 * day - now)) << ")\n";
    std::cout << "  login:         consented " << Ago(now - l.login_at_ms)
              << " ago; Atlassian ends it 365 days after consent (in "
              << Ago(std::max<int64_t>(0, l.login_at_ms + 365 * day - now)) << ")\n";
  } else {
    std::cout << "  refresh token: none (add offline_access to Scope to stay logged in)\n";
  }
}

Result<std::unique_ptr<TokenManager>> OAuthTokens(const Opened& o, std::shared_ptr<HttpTransport>* http) {
  if (o.props.Get("AuthScheme") != "OAuth") {
    return Fail(ErrorCode::kInvalidArgument, "this command is for OAuth logins; set AuthScheme=OAuth");
  }
  if (auto r = CheckComplete(o.props); !r) return Fail(r.error());
  auto t = MakeHttpTransport(o.props, o.logger);
  if (!t) return Fail(t.error());
  *http = *t;
  return MakeTokenManager(o.props, *http, o.logger, SystemClock());
}

int RunAuthStatus(const GlobalOptions& g) {
  auto o = Prepare(g, false);
  if (!o) return Report(o.error());
  // A saved login that no longer works: show what is saved, then why it
  // fails, rather than only the failure.
  auto lapsed = [&](const Error& e) {
    if (o->props.Get("AuthScheme") == "OAuth" && o->props.Get("InitiateOAuth") != "OFF" &&
        (e.code == ErrorCode::kUnauthenticated || e.code == ErrorCode::kPermissionDenied)) {
      std::shared_ptr<HttpTransport> http;
      auto tokens = OAuthTokens(*o, &http);
      auto saved = tokens ? (*tokens)->Peek() : Result<std::optional<SavedLogin>>(std::nullopt);
      if (saved && *saved && !(**saved).refresh_token.empty()) {
        PrintLogin(**saved, (*tokens)->store().Describe());
        std::cout << "  state:         NO LONGER VALID (see below)\n";
        (void)CheckStdout();
        return Report(e.WithContext("this saved login can no longer be used"));
      }
    }
    return Report(e);
  };
  ConnectOptions co;
  co.interactive = false;
  co.notice = Notify;
  auto conn = Connection::Open(o->props, o->logger, co);
  if (!conn) return lapsed(conn.error());
  if (auto who = PrintWhoAmI(**conn); !who) return lapsed(who.error());
  if ((*conn)->tokens() && o->props.Get("InitiateOAuth") != "OFF") {
    auto l = (*conn)->tokens()->Current();
    if (l) PrintLogin(*l, (*conn)->tokens()->store().Describe());
  }
  return kExitOk;
}

int RunAuthLogin(const GlobalOptions& g) {
  auto o = Prepare(g, true);
  if (!o) return Report(o.error());
  std::shared_ptr<HttpTransport> http;
  auto tokens = OAuthTokens(*o, &http);
  if (!tokens) return Report(tokens.error());
  auto login = DesktopLogin(*http, **tokens, SystemClock(), Notify);
  if (!login) return Report(login.error());
  std::cerr << "jirasql: logged in; the login is saved in " << (*tokens)->store().Describe() << "\n";
  PrintLogin(*login, (*tokens)->store().Describe());
  return kExitOk;
}

int RunAuthUrl(const GlobalOptions& g, bool json) {
  auto o = Prepare(g, true);
  if (!o) return Report(o.error());
  std::shared_ptr<HttpTransport> http;
  auto tokens = OAuthTokens(*o, &http);
  if (!tokens) return Report(tokens.error());
  auto req = BuildAuthorizationUrl((*tokens)->config());
  if (!req) return Report(req.error());
  // Keep the PKCE verifier for the later exchange (headless flow).
  auto saved = (*tokens)->Peek();
  SavedLogin keep = (saved && *saved) ? **saved : SavedLogin{};
  keep.client_id = (*tokens)->config().client_id;
  keep.pending_verifier = req->code_verifier;
  keep.pending_state = req->state;
  if (auto r = (*tokens)->Save(keep); !r) return Report(r.error());
  if (json) {
    std::cout << nlohmann::json{{"URL", req->url}, {"State", req->state}, {"CodeVerifier", req->code_verifier}}.dump(2)
              << "\n";
  } else {
    std::cout << req->url << "\n";
    std::cerr << "jirasql: open the URL above in any browser and accept; the browser is then sent to "
              << (*tokens)->config().callback_url << "?code=…&state=" << req->state
              << "\njirasql: finish with: jirasql auth exchange --code <code>   (or connect with "
                 "InitiateOAuth=REFRESH;OAuthVerifier=<code>)\n";
  }
  return kExitOk;
}

int RunAuthExchange(const GlobalOptions& g, const std::string& code, const std::string& verifier) {
  auto o = Prepare(g, true);
  if (!o) return Report(o.error());
  std::shared_ptr<HttpTransport> http;
  auto tokens = OAuthTokens(*o, &http);
  if (!tokens) return Report(tokens.error());
  auto saved = (*tokens)->Peek();
  if (!saved) return Report(saved.error());
  const std::string pending_state = *saved ? (*saved)->pending_state : "";
  std::string code_verifier = verifier;
  if (code_verifier.empty() && *saved) code_verifier = (*saved)->pending_verifier;
  // --code - reads the code (or the redirect URL) from standard input.
  std::string given = code;
  if (code == "-") {
    if (!std::getline(std::cin, given) || Trim(given).empty()) {
      return Report(Error{ErrorCode::kInvalidArgument, "--code - found no code on standard input"});
    }
    given = std::string(Trim(given));
  }
  const std::string& code_text = given;
  // A pasted redirect URL works as well as the bare code, and says more.
  std::string the_code = code_text;
  if (code_text.find("code=") != std::string::npos || code_text.find("error=") != std::string::npos ||
      code_text.find("state=") != std::string::npos) {
    auto params = UrlParams(code_text);
    if (!params["error"].empty()) {
      return Report(Error{ErrorCode::kPermissionDenied,
                          "the redirect says the authorization was not given (error=" + params["error"] +
                              (params["error_description"].empty() ? "" : ": " + params["error_description"]) +
                              "); nothing was exchanged. Run `jirasql auth url` again and choose Accept"});
    }
    if (!params["state"].empty() && !pending_state.empty() && params["state"] != pending_state) {
      return Report(Error{ErrorCode::kInvalidArgument,
                          "this redirect belongs to an older `jirasql auth url` (its state does not match the URL "
                          "made last); the code was not used. Open the URL `jirasql auth url` printed last, or run "
                          "it again"});
    }
    the_code = params["code"];
    if (the_code.empty()) {
      return Report(Error{ErrorCode::kInvalidArgument,
                          "the redirect URL holds no code=…; paste the whole address the browser was sent to"});
    }
  }
  auto login = LoginWithCode(*http, **tokens, SystemClock(), the_code, code_verifier, (*tokens)->config().callback_url,
                             CodeHash(the_code), Notify);
  if (!login) return Report(login.error());
  PrintLogin(*login, (*tokens)->store().Describe());
  return kExitOk;
}

int RunAuthRefresh(const GlobalOptions& g) {
  auto o = Prepare(g, false);
  if (!o) return Report(o.error());
  std::shared_ptr<HttpTransport> http;
  auto tokens = OAuthTokens(*o, &http);
  if (!tokens) return Report(tokens.error());
  auto login = (*tokens)->ForceRefresh();
  if (!login) return Report(login.error());
  PrintLogin(*login, (*tokens)->store().Describe());
  return kExitOk;
}

int RunAuthLogout(const GlobalOptions& g) {
  auto o = Prepare(g, true);
  if (!o) return Report(o.error());
  auto c = OAuthConfigFrom(o->props);
  if (!c) return Report(c.error());
  auto store = OpenSettingsStore(c->settings_location, c->Scope());
  if (!store) return Report(store.error());
  auto held = (*store)->Acquire();
  if (!held) return Report(held.error());
  auto saved = (*store)->Load();
  if (saved && !*saved) {
    std::cout << "No login is saved in " << (*store)->Describe() << "; there is nothing to delete.\n";
    return kExitOk;
  }
  if (auto r = (*store)->Remove(); !r) return Report(r.error());
  std::cout << "Deleted the saved login in " << (*store)->Describe() << ".\n"
            << "Atlassian offers no endpoint to revoke a token: the refresh token stays valid until it lapses. To end "
               "it now, remove the app under \"Connected apps\" in your Atlassian account settings.\n";
  return kExitOk;
}

// A value given as @- is read from standard input, @FILE from a file (one
// trailing line break dropped), so that secrets stay out of the process
// list; @@… stands for a value that starts with @.
Result<std::string> InputValue(const std::string& name, const std::string& v) {
  if (v.empty() || v[0] != '@') return v;
  if (v.rfind("@@", 0) == 0) return v.substr(1);
  std::string text;
  if (v == "@-") {
    if (!std::getline(std::cin, text)) {
      return Fail(ErrorCode::kInvalidArgument, name + "=@- found nothing on standard input");
    }
  } else {
    std::ifstream in(v.substr(1));
    if (!in) return Fail(ErrorCode::kInvalidArgument, name + "=" + v + ": cannot read " + v.substr(1));
    std::stringstream buf;
    buf << in.rdbuf();
    text = buf.str();
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

// Procedure inputs that carry a secret: typed on the command line, every
// user can read them in ps.
bool SecretInput(const std::string& name) {
  for (const char* s : {"OAuthRefreshToken", "Verifier", "CodeVerifier"}) {
    if (EqualsIgnoreCase(name, s)) return true;
  }
  return false;
}

int RunExec(const GlobalOptions& g, const std::string& proc, const std::vector<std::string>& args,
            const std::string& format) {
  auto o = Prepare(g, true);
  if (!o) return Report(o.error());
  std::map<std::string, std::string> inputs;
  for (const auto& a : args) {
    auto eq = a.find('=');
    if (eq == std::string::npos || eq == 0) {
      // Not the argument itself: it may be a secret.
      return Report(Error{ErrorCode::kInvalidArgument,
                          "procedure inputs are written Name=Value (Name=@- reads the value from standard input, "
                          "Name=@FILE from a file); argument " +
                              std::to_string(&a - &args[0] + 1) + " has no '='"});
    }
    const std::string name = a.substr(0, eq);
    auto value = InputValue(name, a.substr(eq + 1));
    if (!value) return Report(value.error());
    if (SecretInput(name) && a.compare(eq + 1, 1, "@") != 0) {
      Notify("warning: " + name + " on the command line can be read by every user of this machine (ps); give " + name +
             "=@- to read it from standard input, or " + name + "=@FILE");
    }
    inputs[name] = *value;
  }
  auto http = MakeHttpTransport(o->props, o->logger);
  if (!http) return Report(http.error());
  ProcedureContext ctx{*http, o->logger, Notify};
  auto row = RunProcedure(proc, inputs, o->props, ctx);
  if (!row) return Report(row.error());
  if (format == "json") {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [k, v] : *row) j[k] = v;
    std::cout << j.dump(2) << "\n";
  } else {
    std::size_t width = 0;
    for (const auto& [k, v] : *row) width = std::max(width, k.size());
    for (const auto& [k, v] : *row) std::cout << k << std::string(width - k.size() + 2, ' ') << v << "\n";
  }
  return kExitOk;
}

// The SQL text: the argument, else -f FILE ("-" for stdin), else stdin when
// it is not a terminal.
Result<std::string> SqlText(const std::string& arg, const std::string& file) {
  if (!arg.empty() && !file.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "give the SQL either as an argument or with -f, not both");
  }
  if (!arg.empty()) return arg;
  if (file.empty() && isatty(0)) {
    return Fail(ErrorCode::kInvalidArgument,
                "no SQL given: jirasql query \"SELECT …\", jirasql query -f file.sql, or SQL on stdin");
  }
  std::stringstream buf;
  if (file.empty() || file == "-") {
    buf << std::cin.rdbuf();
  } else {
    std::ifstream in(file);
    if (!in) return Fail(ErrorCode::kInvalidArgument, "cannot read " + file);
    buf << in.rdbuf();
  }
  return buf.str();
}

// `mirror`: nullopt keeps the Mirror property as the sources set it; a
// value replaces it ("" for none: jirasql sync writes the mirror itself).
Result<std::unique_ptr<SqlEngine>> OpenEngine(const GlobalOptions& g,
                                              const std::optional<std::string>& mirror = std::nullopt) {
  auto o = Prepare(g, false, /*lazy=*/true);
  if (!o) return Fail(o.error());
  if (mirror) {
    if (auto r = o->props.Set("Mirror", *mirror, PropSource::kFlag); !r) return Fail(r.error());
  }
  ConnectOptions co;
  co.interactive = true;  // only an explicit InitiateOAuth=GETANDREFRESH opens a browser
  co.notice = Notify;
  auto session = std::make_shared<Session>(o->props, o->logger, co);
  session->notice = Notify;
  return SqlEngine::Open(session);
}

struct QueryOptions {
  std::string format = "table";
  int64_t max_rows = -1;
  bool no_header = false;
  std::string output;  ///< --output FILE ("" for standard output)
  std::string mirror;  ///< --mirror FILE: the Mirror property
};

int RunQuery(const GlobalOptions& g, const std::string& arg, const std::string& file, const QueryOptions& q) {
  auto sql = SqlText(arg, file);
  if (!sql) return Report(sql.error());
  auto fmt = ParseOutputFormat(q.format);
  if (!fmt) return Report(fmt.error());
  // The output file is checked before Jira is asked anything.
  auto target = OutputTarget::Open(q.output);
  if (!target) return Report(target.error());
  auto engine = q.mirror.empty() ? OpenEngine(g) : OpenEngine(g, q.mirror);
  if (!engine) return Report(engine.error());
  ProgressLine progress;
  g_progress = &progress;
  (*engine)->session().progress = [&](const std::string& table, int64_t rows, int64_t calls, int64_t expected) {
    progress.Update(table, rows, calls, expected);
  };
  RunOptions options;
  options.format = *fmt;
  options.max_rows = q.max_rows;
  options.header = !q.no_header;
  if (!(*target)->is_file()) options.before_output = [&] { progress.BeforeOutput(); };
  auto r = (*engine)->Run(*sql, options, (*target)->stream(), std::cerr);
  progress.Clear();
  g_progress = nullptr;
  if (!r) {
    // What was written of a failed query stays marked as incomplete on
    // standard output; a --output file is not made. (The CSV, TSV and NDJSON
    // markers end without a line break: start the error on a line of its own.)
    (void)CheckStdout();
    if (!(*target)->is_file() && isatty(STDOUT_FILENO) && isatty(STDERR_FILENO)) std::cerr << "\n";
    return Report(r.error());
  }
  if (auto c = (*target)->Commit(); !c) return Report(c.error());
  return kExitOk;
}

struct SyncCliOptions {
  SyncOptions sync;
  std::string tables;  ///< comma-separated
  std::string jql;
  bool jql_given = false;
  std::string format = "text";
  int64_t overlap_s = 120;
};

int RunSyncCommand(const GlobalOptions& g, SyncCliOptions o) {
  if (o.format != "text" && o.format != "json") {
    return Report(Error{ErrorCode::kInvalidArgument, "sync --format is text or json, not '" + o.format + "'"});
  }
  if (o.overlap_s < 0) return Report(Error{ErrorCode::kInvalidArgument, "--overlap-seconds is 0 or more"});
  o.sync.overlap_ms = o.overlap_s * 1000;
  if (o.jql_given) o.sync.jql = o.jql;
  for (const auto& t : Split(o.tables, ',')) {
    if (!Trim(t).empty()) o.sync.tables.push_back(std::string(Trim(t)));
  }
  auto engine = OpenEngine(g, std::string());
  if (!engine) return Report(engine.error());
  ProgressLine progress;
  g_progress = &progress;
  // The line: the run's step, the rows of its scan, what the connection
  // has spent so far, the time left.
  SyncStatus status;
  const auto started = std::chrono::steady_clock::now();
  auto draw = [&](int64_t rows, int64_t expected) {
    const Connection* conn = (*engine)->session().open_connection();
    const int64_t requests = conn ? conn->governor().requests() : 0, points = conn ? conn->governor().points() : 0;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    progress.Show(ProgressLine::SyncText(status.project + " " + status.step, status.done, status.projects, rows,
                                         expected, requests, points, seconds));
  };
  (*engine)->session().progress = [&](const std::string& table, int64_t rows, int64_t, int64_t expected) {
    // The step's own scan (not the lookups of the tables its issues carry).
    if (table == status.step || (status.step == "census" && table == "Issues")) draw(rows, expected);
  };
  auto report = RunSync(**engine, o.sync, [&](const SyncStatus& s) {
    status = s;
    draw(-1, -1);
  });
  progress.Clear();
  g_progress = nullptr;
  if (!report) return Report(report.error());
  if (o.format == "json") {
    std::cout << report->ToJson() << "\n";
  } else {
    std::cout << report->ToText();
  }
  return report->ok() ? kExitOk : kExitError;
}

int RunExplain(const GlobalOptions& g, const std::string& arg, const std::string& file) {
  auto sql = SqlText(arg, file);
  if (!sql) return Report(sql.error());
  auto engine = OpenEngine(g);
  if (!engine) return Report(engine.error());
  (*engine)->session().progress = nullptr;
  auto r = (*engine)->Explain(*sql, std::cout);
  if (!r) return Report(r.error());
  return kExitOk;
}

int RunSchema(bool markdown, const std::string& table) {
  if (markdown) {
    std::cout << SchemaReferenceMarkdown();
    return kExitOk;
  }
  if (!table.empty()) {
    const TableDef* t = FindBaseTable(table);
    if (!t) {
      std::vector<std::string> names;
      for (const auto& b : BaseTables()) names.push_back(b.name);
      std::string msg = "no table '" + table + "'";
      if (auto best = ClosestMatch(table, names)) msg += "; did you mean '" + *best + "'?";
      return Report(Error{ErrorCode::kInvalidArgument, msg + " (jirasql schema lists them)"});
    }
    std::cout << t->name << ": " << t->description << "\n  read from " << t->api << "\n\n";
    std::size_t width = 0;
    for (const auto& c : t->columns) width = std::max(width, c.name.size());
    for (const auto& c : t->columns) {
      std::string type(SqlDeclaredType(c.type));
      if (c.hidden) type += " HIDDEN";
      std::string push = PushdownText(c.push);
      std::cout << "  " << c.name << std::string(width - c.name.size() + 2, ' ') << type
                << std::string(type.size() < 12 ? 12 - type.size() : 1, ' ') << c.description
                << (push.empty() ? "" : " [pushed down: " + push + "]") << "\n";
    }
    return kExitOk;
  }
  for (const auto& t : BaseTables()) {
    std::cout << t.name << "\n";
    for (const auto& c : t.columns) {
      std::cout << "  " << c.name << " " << SqlDeclaredType(c.type) << (c.hidden ? " HIDDEN" : "") << "\n";
    }
  }
  return kExitOk;
}

// The completion model, read off the command line's definition.
CompletionModel ModelOf(CLI::App& app) {
  CompletionModel m;
  auto names = [](const CLI::App& a) {
    std::vector<std::string> out;
    for (const CLI::Option* o : a.get_options()) {
      for (const auto& l : o->get_lnames()) out.push_back("--" + l);
      for (const auto& sn : o->get_snames()) out.push_back("-" + sn);
    }
    return out;
  };
  m.global_options = names(app);
  std::string formats = OutputFormatNames();  // "table, csv, … or markdown"
  if (auto p = formats.rfind(" or "); p != std::string::npos) formats.replace(p, 4, ", ");
  for (const auto& f : Split(formats, ',')) m.formats.push_back(std::string(Trim(f)));
  std::function<void(CLI::App*, const std::string&)> walk = [&](CLI::App* a, const std::string& prefix) {
    for (CLI::App* sub : a->get_subcommands([](CLI::App*) { return true; })) {
      CompletionCommand c;
      c.path = prefix.empty() ? sub->get_name() : prefix + " " + sub->get_name();
      c.options = names(*sub);
      for (CLI::App* child : sub->get_subcommands([](CLI::App*) { return true; }))
        c.subcommands.push_back(child->get_name());
      if (sub->get_name() == "schema") {
        for (const auto& t : BaseTables()) c.words.push_back(t.name);
      } else if (sub->get_name() == "exec") {
        for (const auto& p : OAuthProcedures()) c.words.push_back(p.name);
      } else if (sub->get_name() == "completion") {
        c.words = {"bash", "zsh", "fish"};
      }
      m.commands.push_back(c);
      walk(sub, c.path);
    }
  };
  walk(&app, "");
  return m;
}

}  // namespace

// A word left over after parsing: an unknown flag (or a secret's, which has
// none), an argument the command does not take, or an unknown command —
// each with what to type instead. Returns the exit code.
static int ReportLeftover(CLI::App& app) {
  const std::string word = app.remaining().front();
  if (word.rfind("-", 0) == 0) {
    // Never echo the value: it may be a secret typed where it does not belong.
    const std::string flag = word.substr(0, word.find('='));
    const std::string name =
        flag.substr(flag.find_first_not_of('-') == std::string::npos ? flag.size() : flag.find_first_not_of('-'));
    if (const PropertySpec* spec = FindProperty(name); spec && spec->secret) {
      std::cerr << "jirasql: " << spec->name
                << " is a secret and has no flag: command-line arguments are visible "
                   "to every user of this machine (ps). Put it in JIRASQL_CONNECT or in a profile (chmod 600; "
                   "--profile NAME); the value was not used\n";
      return kExitUsage;
    }
    std::vector<std::string> flags;
    for (const auto& spec : PropertyCatalog()) {
      if (!spec.secret) flags.push_back("--" + std::string(spec.name));
    }
    std::cerr << "jirasql: unknown option '" << flag << "'";
    if (auto best = ClosestMatch(flag, flags)) std::cerr << "; did you mean '" << *best << "'?";
    std::cerr << " (see jirasql --help; connection properties: jirasql props)\n";
    return kExitUsage;
  }
  if (!app.get_subcommands().empty()) {
    std::cerr << "jirasql: unexpected argument '" << word << "'; see jirasql "
              << app.get_subcommands().front()->get_name() << " --help\n";
    return kExitUsage;
  }
  std::vector<std::string> commands;
  for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) commands.push_back(sub->get_name());
  std::cerr << "jirasql: unknown command '" << word << "'";
  if (auto best = ClosestMatch(word, commands)) std::cerr << "; did you mean '" << *best << "'?";
  std::cerr << " (commands: " << Join(commands, ", ") << "; see jirasql --help)\n";
  return kExitUsage;
}

int RunCli(int argc, char** argv) {
  CLI::App app{"jirasql: Jira as SQL tables, over OAuth 2.0, API tokens or Data Center tokens."};
  app.set_version_flag("--version", std::string("jirasql ") + kVersion);
  app.allow_extras();  // unknown words are reported below, with a suggestion
  app.footer(
      "Connection properties come from (lowest first): defaults < JIRASQL_CONNECT < --profile < --connect\n"
      "< --Name=value flags. Every property that is not a secret is also a flag (--Url=..., --Verbosity=5);\n"
      "`jirasql props` lists them. Keep secrets out of the command line: use JIRASQL_CONNECT or a profile.\n"
      "Exit codes: 0 success, 1 failure, 2 usage error (bad flags, connection properties or SQL).");

  GlobalOptions g;
  app.add_option("--connect,-c", g.connect, "Connection string: Name=Value;Name=Value")->group("Connection");
  app.add_option("--profile,-p", g.profile, "Read properties from $XDG_CONFIG_HOME/jirasql/profiles/NAME.conn")
      ->group("Connection");
  for (const auto& spec : PropertyCatalog()) {
    if (spec.secret) continue;  // secrets never on the command line
    std::string name(spec.name);
    app.add_option_function<std::string>(
           "--" + name, [&g, name](const std::string& v) { g.flag_values[name] = v; }, std::string(spec.description))
        ->ignore_case()
        ->group("");  // hidden from --help; listed by `jirasql props`
  }
  app.fallthrough();  // global options may follow the subcommand

  bool props_json = false;
  auto* props = app.add_subcommand("props", "List connection properties, or the effective values with --connect");
  props->footer(
      "\nExamples:\n  jirasql props                          every property, its default and meaning\n"
      "  jirasql --profile work props --json    the effective values and where each came from");
  props->add_flag("--json", props_json, "Print JSON instead of text");

  auto* auth = app.add_subcommand("auth", "Log in, check or forget a login");
  auth->footer(
      "\nExamples:\n  jirasql auth login     the OAuth browser flow; the login is saved\n"
      "  jirasql auth status    who Jira says you are, and the saved login\n"
      "  jirasql auth url; jirasql auth exchange --code -    the headless flow");
  auth->require_subcommand(1);
  auto* auth_status = auth->add_subcommand("status", "Connect and show who Jira says you are, and the saved login");
  auto* auth_login = auth->add_subcommand("login", "Run the OAuth 2.0 browser flow and save the login");
  auto* auth_url = auth->add_subcommand("url", "Print an authorization URL for the web or headless flow");
  bool url_json = false;
  auth_url->add_flag("--json", url_json, "Print URL, State and CodeVerifier as JSON");
  std::string exchange_code, exchange_verifier;
  auto* auth_exchange = auth->add_subcommand("exchange", "Exchange an authorization code and save the login");
  auth_exchange->add_option("--code", exchange_code, "The code (or the whole redirect URL); - reads it from stdin")
      ->required();
  auth_exchange->add_option("--code-verifier", exchange_verifier,
                            "The PKCE verifier (default: the one `auth url` saved)");
  auto* auth_refresh = auth->add_subcommand("refresh", "Refresh the saved login's tokens now");
  auto* auth_logout = auth->add_subcommand("logout", "Delete the saved login");

  std::string sql, sql_file;
  QueryOptions query_options;
  auto* query = app.add_subcommand("query", "Run SQL over Jira tables (EXEC Proc Param='v' runs a procedure)");
  query->add_option("sql", sql, "The SQL statements (default: -f, or stdin)");
  query->add_option("-f,--file", sql_file, "Read the SQL from a file ('-' for stdin)");
  query->add_option("--format", query_options.format, std::string(OutputFormatNames()) + " (default: table)");
  query->add_option("-o,--output", query_options.output,
                    "Write the result to FILE, replaced only when the whole result was written");
  query->add_flag("--no-header", query_options.no_header, "No column names (csv, tsv, table)");
  query->add_option("--max-rows", query_options.max_rows, "Print at most this many rows per statement");
  // --max-points N: the MaxPoints property (also --MaxPoints=N), for a query and a sync.
  auto max_points = [&g](CLI::App* cmd) {
    cmd->add_option_function<int64_t>(
        "--max-points", [&g](int64_t v) { g.flag_values["MaxPoints"] = std::to_string(v); },
        "Stop before spending more than N points of Atlassian's quota (1 a request, 1 an object read); "
        "explain estimates a statement's");
  };
  max_points(query);
  query->add_option("--mirror", query_options.mirror,
                    "Read the tables a mirror made by jirasql sync holds from it (the Mirror property)");
  query->footer(
      "\nThe default format is table. Examples:\n"
      "  jirasql query \"SELECT ProjectKey, COUNT(*) FROM Issues GROUP BY 1\"\n"
      "  jirasql query --format csv -o open.csv \"SELECT Key, Summary FROM Issues WHERE StatusCategory <> 'Done'\"\n"
      "  jirasql query -f report.sql --format json\n"
      "  jirasql query \"EXEC GetOAuthAuthorizationURL CallbackUrl='http://localhost:33333'\"\n"
      "A result cut short by an error is marked incomplete in every format (docs/sql.md, Output).");
  SyncCliOptions sync_options;
  auto* sync = app.add_subcommand(
      "sync", "Mirror Jira into a SQLite file or PostgreSQL, reading only what changed since last time");
  sync->add_option("--to", sync_options.sync.to,
                   "The mirror: a SQLite file, made on the first run, or a PostgreSQL database "
                   "(postgresql://user@host/db; a schema per site, jirasql_schema=NAME to name it)")
      ->required();
  sync->add_option("--tables", sync_options.tables,
                   "Issues and issue child tables, comma-separated (default: the mirror's, else Issues,Comments,"
                   "Worklogs,IssueChangelogs); one added is read from the start, one left out dropped");
  auto* jql_option = sync->add_option("--jql", sync_options.jql,
                                      "Mirror only the issues this JQL matches (default: the mirror's); another JQL "
                                      "starts the mirror over");
  sync->add_flag("--accept-mass-delete", sync_options.sync.accept_mass_delete,
                 "Apply deletions even when a project loses half its issues at once");
  sync->add_option("--overlap-seconds", sync_options.overlap_s,
                   "Re-read what changed this long before the last sync (default 120)");
  sync->add_option("--format", sync_options.format, "The summary: text or json (default: text)");
  max_points(sync);
  sync->footer(
      "\nThe first run reads everything; later runs read the issues updated since, and what they hold,\n"
      "and notice deleted and moved issues. Exit status 1 when a project could not be read, a mass\n"
      "deletion was held back or --max-points was reached (the summary says which). Examples:\n"
      "  jirasql sync --to jira.db\n"
      "  jirasql sync --to jira.db --tables Issues,Comments --jql \"project in (ABC, XYZ)\" --format json\n"
      "  PGPASSFILE=~/.pgpass jirasql sync --to postgresql://jirasql@db.example.com/reports\n"
      "  jirasql query --mirror jira.db \"SELECT Status, count(*) FROM Issues GROUP BY 1\"\n"
      "See docs/sync.md.");
  auto* explain = app.add_subcommand("explain", "Show the JQL, fields, page size and API calls of a query");
  explain->add_option("sql", sql, "The SQL statements (default: -f, or stdin)");
  explain->add_option("-f,--file", sql_file, "Read the SQL from a file ('-' for stdin)");
  explain->footer(
      "\nExample:\n  jirasql explain \"SELECT Key FROM Issues WHERE ProjectKey = 'ABC' AND Created >= '2025-01-01'\"\n"
      "prints SQLite's plan, the JQL, fields and page size sent to Jira, its estimate and the API calls.");
  bool schema_markdown = false;
  std::string schema_table;
  auto* schema = app.add_subcommand("schema", "List the tables and columns, or one table's");
  schema->footer(
      "\nExamples:\n  jirasql schema              every table and column\n  jirasql schema Issues       one table: "
      "types, pushdown, meaning\n  jirasql schema --markdown   the reference of docs/sql.md");
  schema->add_option("table", schema_table, "One table: its columns, types, pushdown and meaning");
  schema->add_flag("--markdown", schema_markdown, "Print the table reference of docs/sql.md");
  std::string completion_shell;
  auto* completion = app.add_subcommand("completion", "Print a shell completion script: bash, zsh or fish");
  completion->add_option("shell", completion_shell, "bash, zsh or fish")->required();
  completion->footer(
      "\nExamples:\n  eval \"$(jirasql completion bash)\"      (in ~/.bashrc)\n"
      "  jirasql completion fish | source      (in ~/.config/fish/config.fish)");
  std::string proc;
  std::vector<std::string> proc_args;
  auto* exec = app.add_subcommand("exec", "Run a procedure, e.g. GetOAuthAuthorizationURL");
  exec->add_option("procedure", proc, "Procedure name")->required();
  exec->add_option("args", proc_args, "Name=Value inputs");
  std::string exec_format = "table";
  exec->add_option("--format", exec_format, "table (the default) or json")
      ->check(CLI::IsMember({"table", "json"}, CLI::ignore_case));
  exec->footer(
      "\nExamples:\n  jirasql exec GetOAuthAuthorizationURL CallbackUrl=http://localhost:33333\n"
      "  jirasql exec RefreshOAuthAccessToken OAuthRefreshToken=@-     (the token on stdin)\n"
      "Name=@- reads a value from standard input, Name=@FILE from a file: secrets stay out of ps.");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }

  if (!app.remaining().empty()) return ReportLeftover(app);
  if (app.get_subcommands().empty()) {
    std::cerr << app.help();
    return kExitUsage;
  }

  InstallInterruptHandler();
  if (g.profile) g_profile = *g.profile;
  int rc = kExitUsage;
  if (*props)
    rc = RunProps(g, props_json);
  else if (*auth_status)
    rc = RunAuthStatus(g);
  else if (*auth_login)
    rc = RunAuthLogin(g);
  else if (*auth_url)
    rc = RunAuthUrl(g, url_json);
  else if (*auth_exchange)
    rc = RunAuthExchange(g, exchange_code, exchange_verifier);
  else if (*auth_refresh)
    rc = RunAuthRefresh(g);
  else if (*auth_logout)
    rc = RunAuthLogout(g);
  else if (*query)
    rc = RunQuery(g, sql, sql_file, query_options);
  else if (*explain)
    rc = RunExplain(g, sql, sql_file);
  else if (*sync) {
    sync_options.jql_given = jql_option->count() > 0;
    rc = RunSyncCommand(g, sync_options);
  } else if (*schema)
    rc = RunSchema(schema_markdown, schema_table);
  else if (*exec)
    rc = RunExec(g, proc, proc_args, exec_format);
  else if (*completion) {
    auto script = CompletionScript(ModelOf(app), completion_shell);
    rc = script ? (std::cout << *script, kExitOk) : Report(script.error());
  }
  // Whatever the command, what it printed must have arrived.
  if (auto out = CheckStdout(); !out && rc == kExitOk) return Report(out.error());
  return rc;
}

}  // namespace jirasql
