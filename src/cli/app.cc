#include "cli/app.h"

#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "common/strings.h"
#include "common/version.h"
#include "connstr/catalog.h"
#include "connstr/sources.h"
#include "http/logging_transport.h"
#include "http/response_error.h"
#include "jira/endpoint.h"

namespace jirasql {

namespace {

struct GlobalOptions {
  std::optional<std::string> connect;
  std::optional<std::string> profile;
  // One optional per non-secret property, filled by --<Name>=value.
  std::map<std::string, std::string> flag_values;
};

int Report(const Error& e) {
  std::cerr << "jirasql: " << e.message << "\n";
  return e.code == ErrorCode::kInvalidArgument ? kExitUsage : kExitError;
}

Result<ConnectionProperties> Resolve(const GlobalOptions& g) {
  ConnectionSources s;
  if (const char* env = std::getenv("JIRASQL_CONNECT")) s.environment = env;
  s.profile = g.profile;
  s.connect = g.connect;
  // Catalog order, so the result does not depend on the order of flags.
  for (const auto& spec : PropertyCatalog()) {
    auto it = g.flag_values.find(std::string(spec.name));
    if (it != g.flag_values.end()) s.flags.emplace_back(it->first, it->second);
  }
  s.config_home = ConfigHome();
  return ResolveConnection(s);
}

bool AnySourceGiven(const GlobalOptions& g) {
  return g.connect || g.profile || !g.flag_values.empty() || std::getenv("JIRASQL_CONNECT");
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

int RunProps(const GlobalOptions& g, bool json) {
  std::optional<ConnectionProperties> props;
  if (AnySourceGiven(g)) {
    auto r = Resolve(g);
    if (!r) return Report(r.error());
    props = std::move(*r);
  }
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& spec : PropertyCatalog()) {
      nlohmann::json p{{"name", spec.name},         {"type", PropTypeName(spec.type)},
                       {"default", spec.default_value}, {"secret", spec.secret},
                       {"category", spec.category}, {"description", spec.description}};
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

// A real connection attempt: who does Jira think we are?
int RunAuthStatus(const GlobalOptions& g) {
  auto props = Resolve(g);
  if (!props) return Report(props.error());
  auto logger = Logger::Open(props->Get("Logfile"), static_cast<int>(props->GetInt("Verbosity").value_or(1)));
  if (!logger) return Report(logger.error());
  auto endpoint = ResolveEndpoint(*props);
  if (!endpoint) return Report(endpoint.error());
  auto headers = StaticAuthHeaders(*props);
  if (!headers) return Report(headers.error());
  auto transport = MakeHttpTransport(*props, *logger);
  if (!transport) return Report(transport.error());
  if (props->Get("SSLServerCert") == "*") {
    std::cerr << "jirasql: warning: SSLServerCert=* turns off TLS certificate checks\n";
  }
  HttpRequest req;
  req.url = endpoint->Rest("/myself");
  req.headers = *headers;
  auto resp = ExpectSuccess((*transport)->Send(req), "GET " + UrlForMessage(req.url));
  if (!resp) return Report(resp.error());
  auto me = nlohmann::json::parse(resp->body, nullptr, false);
  if (me.is_discarded() || !me.is_object()) {
    return Report(Error{ErrorCode::kBadResponse, "GET " + UrlForMessage(req.url) + ": the answer is not a JSON object"});
  }
  auto text = [&](const char* key) { return me.contains(key) && me[key].is_string() ? me[key].get<std::string>() : ""; };
  std::cout << "Connected to " << endpoint->base_url << " as " << text("displayName");
  std::string id = text("accountId").empty() ? text("name") : text("accountId");
  if (!id.empty()) std::cout << " (" << id << ")";
  std::cout << "\n";
  return kExitOk;
}

int NotYet(const std::string& what) {
  std::cerr << "jirasql: " << what << " is not available in this build yet\n";
  return kExitError;
}

}  // namespace

int RunCli(int argc, char** argv) {
  CLI::App app{"jirasql — Jira as SQL tables, over OAuth 2.0, API tokens or Data Center tokens."};
  app.set_version_flag("--version", std::string("jirasql ") + kVersion);
  app.allow_extras();  // unknown words are reported below, with a suggestion
  app.footer(
      "Connection properties come from (lowest first): defaults < JIRASQL_CONNECT < --profile < --connect\n"
      "< --Name=value flags. Every property that is not a secret is also a flag (--Url=..., --Verbosity=5);\n"
      "`jirasql props` lists them. Keep secrets out of the command line: use JIRASQL_CONNECT or a profile.\n"
      "Exit codes: 0 success, 1 failure, 2 usage error (bad flags or connection properties).");

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
  props->add_flag("--json", props_json, "Print JSON instead of text");

  auto* auth = app.add_subcommand("auth", "Log in, check or forget a login");
  auth->require_subcommand(1);
  auto* auth_status = auth->add_subcommand("status", "Connect and show who Jira says you are");
  auto* auth_login = auth->add_subcommand("login", "Run the OAuth 2.0 browser flow and save the tokens");
  auto* auth_logout = auth->add_subcommand("logout", "Forget the saved OAuth tokens");

  std::string sql;
  auto* query = app.add_subcommand("query", "Run SQL over Jira tables");
  query->add_option("sql", sql, "The SQL statement");
  auto* explain = app.add_subcommand("explain", "Show the JQL and API calls a query would make");
  explain->add_option("sql", sql, "The SQL statement");
  std::string proc;
  std::vector<std::string> proc_args;
  auto* exec = app.add_subcommand("exec", "Run a procedure, e.g. GetOAuthAuthorizationURL");
  exec->add_option("procedure", proc, "Procedure name")->required();
  exec->add_option("args", proc_args, "Name=Value inputs");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }

  if (!app.remaining().empty()) {
    const std::string word = app.remaining().front();
    if (word.rfind("-", 0) == 0) {
      std::cerr << "jirasql: unknown option '" << word << "'; see jirasql --help (connection properties: jirasql props)\n";
      return kExitUsage;
    }
    if (!app.get_subcommands().empty()) {
      std::cerr << "jirasql: unexpected argument '" << word << "'; see jirasql " << app.get_subcommands().front()->get_name()
                << " --help\n";
      return kExitUsage;
    }
    std::vector<std::string> commands;
    for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) commands.push_back(sub->get_name());
    std::cerr << "jirasql: unknown command '" << word << "'";
    if (auto best = ClosestMatch(word, commands)) std::cerr << "; did you mean '" << *best << "'?";
    std::cerr << "\n";
    return kExitUsage;
  }
  if (app.get_subcommands().empty()) {
    std::cerr << app.help();
    return kExitUsage;
  }

  if (*props) return RunProps(g, props_json);
  if (*auth_status) return RunAuthStatus(g);
  if (*auth_login) return NotYet("auth login (the OAuth browser flow)");
  if (*auth_logout) return NotYet("auth logout");
  if (*query) return NotYet("query");
  if (*explain) return NotYet("explain");
  if (*exec) return NotYet("exec " + proc);
  return kExitUsage;
}

}  // namespace jirasql
