#include "auth/procedures.h"

#include "auth/authorization.h"
#include "auth/credentials.h"
#include "auth/token_endpoint.h"
#include "common/strings.h"

namespace jirasql {

const std::vector<ProcedureSpec>& OAuthProcedures() {
  static const std::vector<ProcedureSpec> procs = {
      {"GetOAuthAuthorizationURL",
       "The URL to send the user to, with a fresh state and PKCE verifier",
       {{"CallbackUrl", false, "redirect URI registered in the app (default: CallbackURL)"},
        {"Scope", false, "space-separated scopes (default: Scope)"},
        {"State", false, "the state to send (default: 256 random bits)"},
        {"Prompt", false, "the prompt parameter (default: Prompt)"},
        {"GrantType", false, "CODE or IMPLICIT (default: GrantType)"}},
       {"URL", "State", "CodeVerifier"}},
      {"GetOAuthAccessToken",
       "Tokens for a login: APP runs the desktop flow, WEB exchanges the Verifier from your callback",
       {{"AuthMode", false, "APP (default) or WEB"},
        {"Verifier", false, "the authorization code from the callback (WEB)"},
        {"CallbackUrl", false, "the redirect URI used in the authorization URL (default: CallbackURL)"},
        {"Scope", false, "scopes (APP; default: Scope)"},
        {"State", false, "the state sent in the authorization URL (WEB: checked by your callback)"},
        {"CodeVerifier", false, "the PKCE verifier GetOAuthAuthorizationURL returned (WEB)"}},
       {"OAuthAccessToken", "OAuthRefreshToken", "ExpiresIn", "CloudId", "OAuthServerUrl", "Scope"}},
      {"RefreshOAuthAccessToken",
       "A new access token (and rotated refresh token) for a refresh token",
       {{"OAuthRefreshToken", true, "the refresh token to use (it is retired by the refresh)"}},
       {"OAuthAccessToken", "OAuthRefreshToken", "ExpiresIn"}},
  };
  return procs;
}

namespace {

std::vector<std::string> Names(const std::vector<ProcedureSpec>& procs) {
  std::vector<std::string> out;
  for (const auto& p : procs) out.push_back(p.name);
  return out;
}

ProcedureRow LoginRow(const SavedLogin& l) {
  return {{"OAuthAccessToken", l.access_token},
          {"OAuthRefreshToken", l.refresh_token},
          {"ExpiresIn", std::to_string(l.expires_in_s)},
          {"CloudId", l.cloud_id},
          {"OAuthServerUrl", l.server_url},
          {"Scope", l.scope}};
}

}  // namespace

Result<ProcedureRow> RunProcedure(const std::string& name, const std::map<std::string, std::string>& raw_inputs,
                                  const ConnectionProperties& props, const ProcedureContext& ctx) {
  const ProcedureSpec* spec = nullptr;
  for (const auto& p : OAuthProcedures()) {
    if (EqualsIgnoreCase(p.name, name)) spec = &p;
  }
  if (!spec) {
    std::string msg = "Unknown procedure '" + name + "'";
    if (auto best = ClosestMatch(name, Names(OAuthProcedures()))) msg += "; did you mean '" + *best + "'?";
    msg += " (procedures: " + Join(Names(OAuthProcedures()), ", ") + ")";
    return Fail(ErrorCode::kInvalidArgument, msg);
  }
  // Inputs by canonical name.
  std::map<std::string, std::string> in;
  std::vector<std::string> param_names;
  for (const auto& p : spec->inputs) param_names.push_back(p.name);
  for (const auto& [k, v] : raw_inputs) {
    const ProcedureParam* param = nullptr;
    for (const auto& p : spec->inputs) {
      if (EqualsIgnoreCase(p.name, k)) param = &p;
    }
    if (!param) {
      std::string msg = spec->name + " has no input '" + k + "'";
      if (auto best = ClosestMatch(k, param_names)) msg += "; did you mean '" + *best + "'?";
      msg += " (inputs: " + Join(param_names, ", ") + ")";
      return Fail(ErrorCode::kInvalidArgument, msg);
    }
    in[param->name] = v;
  }
  for (const auto& p : spec->inputs) {
    if (p.required && in[p.name].empty()) {
      return Fail(ErrorCode::kInvalidArgument, spec->name + " needs " + p.name + " (" + p.description + ")");
    }
  }
  auto opt = [&](const char* k) -> std::optional<std::string> {
    auto it = in.find(k);
    if (it == in.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };

  auto tokens = MakeTokenManager(props, ctx.http, ctx.logger, SystemClock());
  if (!tokens) return Fail(tokens.error());
  const OAuthConfig& config = (*tokens)->config();

  if (spec->name == "GetOAuthAuthorizationURL") {
    AuthorizationOverrides o;
    o.callback_url = opt("CallbackUrl");
    o.scope = opt("Scope");
    o.state = opt("State");
    o.prompt = opt("Prompt");
    if (auto g = opt("GrantType")) {
      if (!EqualsIgnoreCase(*g, "CODE") && !EqualsIgnoreCase(*g, "IMPLICIT")) {
        return Fail(ErrorCode::kInvalidArgument, "GrantType must be CODE or IMPLICIT, not '" + *g + "'");
      }
      o.implicit = EqualsIgnoreCase(*g, "IMPLICIT");
    }
    auto req = BuildAuthorizationUrl(config, o);
    if (!req) return Fail(req.error());
    return ProcedureRow{{"URL", req->url}, {"State", req->state}, {"CodeVerifier", req->code_verifier}};
  }

  if (spec->name == "GetOAuthAccessToken") {
    const std::string mode = opt("AuthMode").value_or("APP");
    if (EqualsIgnoreCase(mode, "WEB")) {
      auto code = opt("Verifier");
      if (!code)
        return Fail(ErrorCode::kInvalidArgument,
                    "GetOAuthAccessToken with AuthMode=WEB needs Verifier (the code from your callback)");
      auto login = LoginWithCode(*ctx.http, **tokens, SystemClock(), *code, opt("CodeVerifier").value_or(""),
                                 opt("CallbackUrl").value_or(config.callback_url), CodeHash(*code));
      if (!login) return Fail(login.error());
      return LoginRow(*login);
    }
    if (!EqualsIgnoreCase(mode, "APP")) {
      return Fail(ErrorCode::kInvalidArgument, "AuthMode must be APP or WEB, not '" + mode + "'");
    }
    if (opt("Scope") || opt("CallbackUrl")) {
      ConnectionProperties p = props;
      if (auto s = opt("Scope")) (void)p.Set("Scope", *s, PropSource::kProgram);
      if (auto c = opt("CallbackUrl")) (void)p.Set("CallbackURL", *c, PropSource::kProgram);
      tokens = MakeTokenManager(p, ctx.http, ctx.logger, SystemClock());
      if (!tokens) return Fail(tokens.error());
    }
    auto login = DesktopLogin(*ctx.http, **tokens, SystemClock(), ctx.notice);
    if (!login) return Fail(login.error());
    return LoginRow(*login);
  }

  // RefreshOAuthAccessToken
  auto t = RefreshTokens(*ctx.http, config, *opt("OAuthRefreshToken"));
  if (!t) return Fail(t.error());
  return ProcedureRow{{"OAuthAccessToken", t->access_token},
                      {"OAuthRefreshToken", t->refresh_token.empty() ? *opt("OAuthRefreshToken") : t->refresh_token},
                      {"ExpiresIn", std::to_string(t->expires_in)}};
}

}  // namespace jirasql
