#include "auth/login.h"

#include <unistd.h>

#include "auth/desktop_flow.h"
#include "auth/pkce.h"
#include "auth/sites.h"
#include "common/strings.h"

namespace jirasql {

std::string CodeHash(const std::string& code) { return PkceS256(code); }

Result<SavedLogin> CompleteLogin(HttpTransport& http, TokenManager& tokens, const TokenSet& t, Clock& clock,
                                 const std::string& verifier_hash, const Notice& notice) {
  const OAuthConfig& c = tokens.config();
  auto sites = FetchAccessibleResources(http, c, t.access_token);
  if (!sites) return Fail(sites.error().WithContext("finding the Jira site of the new login"));
  const SiteRequest asked = SiteRequestFrom(c);
  bool several = false;
  auto site = ChooseSiteForLogin(*sites, asked, &several);
  // The tokens are saved whatever the site: a consent is never thrown away.
  // When the site asked for is not among the grant's, the login keeps the
  // first, and the error says how to grant the other.
  JiraSite keep = site ? *site : JiraSite{};
  if (!site && !sites->empty()) {
    bool unused = false;
    keep = *ChooseSiteForLogin(*sites, SiteRequest{}, &unused);
  }
  const int64_t now = EpochMs(clock.Now());
  SavedLogin login;
  login.client_id = c.client_id;
  login.access_token = t.access_token;
  login.refresh_token = t.refresh_token;
  login.scope = t.scope;
  login.expires_in_s = t.expires_in;
  login.expires_at_ms = now + t.expires_in * 1000;
  login.cloud_id = keep.cloud_id;
  login.site_url = keep.url;
  if (!keep.cloud_id.empty()) login.server_url = c.api_gateway_url + "/" + keep.cloud_id;
  login.login_at_ms = now;
  login.refreshed_at_ms = now;
  login.verifier_hash = verifier_hash;
  if (auto r = tokens.Save(login); !r) return Fail(r.error());
  if (!site) {
    return Fail(site.error().WithContext("the login is saved in " + tokens.store().Describe() +
                                         (keep.url.empty() ? "" : " for " + keep.url)));
  }
  if (several && notice) {
    notice("this login reaches " + std::to_string(sites->size()) + " Jira sites; it uses " + site->url +
           " (the first by URL). To use another, set Url= or CloudId= to one of:" + ListSites(*sites));
  }
  return login;
}

Result<SavedLogin> LoginWithCode(HttpTransport& http, TokenManager& tokens, Clock& clock, const std::string& code,
                                 const std::string& code_verifier, const std::string& redirect_uri,
                                 const std::string& verifier_hash, const Notice& notice) {
  // A code is good once: prove the login can be kept before using it.
  if (auto w = tokens.store().CheckWritable(); !w) return Fail(w.error());
  auto t = ExchangeCode(http, tokens.config(), code, code_verifier, redirect_uri);
  if (!t) return Fail(t.error());
  return CompleteLogin(http, tokens, *t, clock, verifier_hash, notice);
}

Result<SavedLogin> DesktopLogin(HttpTransport& http, TokenManager& tokens, Clock& clock, const Notice& notice) {
  const OAuthConfig& c = tokens.config();
  if (auto addr = ParseCallbackUrl(c.callback_url); !addr) return Fail(addr.error());
  // Before the browser opens: a consent must never be thrown away for want
  // of a place to keep the login.
  if (auto w = tokens.store().CheckWritable(); !w) return Fail(w.error());
  auto req = BuildAuthorizationUrl(c);
  if (!req) return Fail(req.error());

  ListenerOptions lo;
  lo.callback_url = c.callback_url;
  lo.expected_state = req->state;
  lo.implicit = c.implicit;
  lo.timeout = std::chrono::seconds(c.listener_timeout_s);
  bool opened = false;
  lo.on_listening = [&] {
    std::string tried;
    opened = OpenBrowser(c.browser_command, req->url, &tried);
    if (opened) {
      // The URL too: the browser may open on another screen, or not at all.
      notice("Opened the browser to log in to Atlassian; waiting for it (up to " +
             std::to_string(c.listener_timeout_s) + " s). If no browser appeared, open this URL:\n\n  " + req->url +
             "\n");
    } else {
      notice("Could not open a browser (tried: " + tried + "). Open this URL in a browser to log in:\n\n  " + req->url +
             "\n\nOn another machine, forward the callback port first: ssh -L " +
             std::to_string(ParseCallbackUrl(c.callback_url)->port) +
             ":localhost:" + std::to_string(ParseCallbackUrl(c.callback_url)->port) + " THIS-HOST. Waiting...");
    }
  };
  if (c.browser_command.empty() && !::getenv("BROWSER") && !::getenv("DISPLAY") && !::getenv("WAYLAND_DISPLAY") &&
      !::isatty(STDERR_FILENO)) {
    return Fail(ErrorCode::kInvalidArgument,
                "no browser and no terminal to show the login URL: use the headless flow — run `jirasql auth url` "
                "here, open the URL on any machine, then connect with InitiateOAuth=REFRESH;OAuthVerifier=<code>");
  }
  auto cb = WaitForCallback(lo);
  if (!cb) return Fail(cb.error());
  if (c.implicit) {
    TokenSet t;
    t.access_token = cb->params["access_token"];
    t.expires_in = ParseInt(cb->params["expires_in"]).value_or(3600);
    t.scope = cb->params["scope"];
    return CompleteLogin(http, tokens, t, clock, "", notice);
  }
  return LoginWithCode(http, tokens, clock, cb->params["code"], req->code_verifier, c.callback_url, "", notice);
}

}  // namespace jirasql
