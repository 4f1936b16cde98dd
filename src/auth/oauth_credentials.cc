#include "auth/oauth_credentials.h"

#include "auth/login.h"
#include "auth/oauth_config.h"
#include "auth/sites.h"
#include "common/strings.h"

namespace jirasql {

namespace {

class OAuthCredentials final : public Credentials {
 public:
  OAuthCredentials(std::unique_ptr<TokenManager> tokens, ApiSite site, bool supplied)
      : tokens_(std::move(tokens)), site_(std::move(site)), supplied_(supplied) {}

  std::string scheme() const override { return "OAuth"; }
  const ApiSite& site() const override { return site_; }
  Result<Headers> AuthHeaders(std::string* secret) override {
    auto login = tokens_->Current();
    if (!login) return Fail(login.error());
    *secret = login->access_token;
    return Headers{{"Accept", "application/json"}, {"Authorization", "Bearer " + login->access_token}};
  }
  Result<bool> Rejected(const std::string& secret) override {
    auto refreshed = tokens_->RefreshAfterRejection(secret);
    if (!refreshed) return Fail(refreshed.error());
    return true;
  }
  std::string RejectedHint() const override {
    if (supplied_) {
      return "Jira refused the supplied OAuthAccessToken (it may have expired): supply a new one, or connect with "
             "OAuthRefreshToken and InitiateOAuth=REFRESH";
    }
    return "Jira refused the OAuth access token even after a refresh: log in again (jirasql auth login)";
  }
  std::string GrantedScope() override {
    auto login = tokens_->Current();
    return login ? login->scope : "?";
  }
  TokenManager* tokens() override { return tokens_.get(); }

 private:
  std::unique_ptr<TokenManager> tokens_;
  ApiSite site_;
  bool supplied_;
};

// Before the first Current(): the headless code exchanged once, or a
// refresh token handed over by the caller saved as the login.
Result<void> Bootstrap(const ConnectionProperties& props, HttpTransport& http, TokenManager& tokens, Clock& clock,
                       const Notice& notice) {
  auto saved = tokens.Peek();
  if (!saved) return Fail(saved.error());
  // Headless: exchange OAuthVerifier once; a code already used is not sent again.
  const std::string verifier = props.Get("OAuthVerifier");
  if (!verifier.empty() && (!*saved || (*saved)->verifier_hash != CodeHash(verifier))) {
    auto login = LoginWithCode(http, tokens, clock, verifier, (*saved ? (*saved)->pending_verifier : ""),
                               props.Get("CallbackURL"), CodeHash(verifier), notice);
    if (!login) return Fail(login.error().WithContext("exchanging OAuthVerifier"));
    return Ok();
  }
  if ((!*saved || (*saved)->access_token.empty()) && !props.Get("OAuthRefreshToken").empty()) {
    SavedLogin seed;
    seed.client_id = tokens.config().client_id;
    seed.refresh_token = props.Get("OAuthRefreshToken");
    seed.cloud_id = props.Get("CloudId");
    if (!seed.cloud_id.empty())
      seed.server_url = WithoutTrailingSlash(props.Get("OAuthApiGatewayURL")) + "/" + seed.cloud_id;
    if (!props.Get("OAuthServerUrl").empty()) seed.server_url = WithoutTrailingSlash(props.Get("OAuthServerUrl"));
    seed.login_at_ms = seed.refreshed_at_ms = EpochMs(clock.Now());
    if (auto r = tokens.Save(seed); !r) return Fail(r.error());
  }
  return Ok();
}

}  // namespace

Result<std::unique_ptr<TokenManager>> MakeTokenManager(const ConnectionProperties& props,
                                                       std::shared_ptr<HttpTransport> http,
                                                       std::shared_ptr<Logger> logger, Clock& clock) {
  const bool supplied = props.Get("InitiateOAuth") == "OFF";
  ConnectionProperties p = props;
  // A supplied token needs no app to be used; the client id only to refresh.
  if (supplied && p.Get("OAuthClientId").empty()) (void)p.Set("OAuthClientId", "supplied-token", PropSource::kProgram);
  auto config = OAuthConfigFrom(p);
  if (!config) return Fail(config.error());
  if (supplied) config->settings_location = "";  // the connection's own store, below
  auto store = supplied ? Result<std::unique_ptr<SettingsStore>>(PrivateMemoryStore())
                        : OpenSettingsStore(config->settings_location, config->Scope());
  if (!store) return Fail(store.error());
  auto tm = std::make_unique<TokenManager>(std::move(http), *config, std::move(*store), clock, std::move(logger));
  if (supplied) {
    SavedLogin s;
    s.client_id = config->client_id;
    s.access_token = props.Get("OAuthAccessToken");
    s.refresh_token = props.Get("OAuthRefreshToken");
    auto expires_in = props.GetInt("OAuthExpiresIn");
    auto issued = props.GetInt("OAuthTokenTimestamp");
    if (expires_in) {
      s.expires_in_s = *expires_in;
      s.expires_at_ms = (issued ? *issued : EpochMs(clock.Now())) + *expires_in * 1000;
    }
    if (auto site = SiteFromProperties(props)) s.server_url = site->base_url;
    s.cloud_id = props.Get("CloudId");
    if (auto r = tm->Save(s); !r) return Fail(r.error());
  }
  return tm;
}

Result<std::unique_ptr<Credentials>> OpenOAuthCredentials(const ConnectionProperties& props,
                                                          std::shared_ptr<HttpTransport> http,
                                                          std::shared_ptr<Logger> logger,
                                                          const CredentialOptions& options) {
  Clock& clock = options.clock ? *options.clock : SystemClock();
  auto tm = MakeTokenManager(props, http, logger, clock);
  if (!tm) return Fail(tm.error());
  TokenManager& tokens = **tm;
  const std::string initiate = props.Get("InitiateOAuth");
  if (initiate != "OFF") {
    if (auto r = Bootstrap(props, *http, tokens, clock, options.notice); !r) return Fail(r.error());
  }
  auto login = tokens.Current();
  if (!login && initiate == "GETANDREFRESH" && login.error().code == ErrorCode::kUnauthenticated) {
    if (!options.interactive) return Fail(login.error());
    options.notice(login.error().message + "; starting the browser login");
    login = DesktopLogin(*http, tokens, clock, options.notice);
  }
  if (!login) return Fail(login.error());
  // Exactly the site asked for (see SiteForConnection); OAuthServerUrl
  // names the API base itself.
  ApiSite site;
  site.api_version = 3;
  site.base_url = WithoutTrailingSlash(props.Get("OAuthServerUrl"));
  if (site.base_url.empty()) {
    auto chosen = SiteForConnection(*http, tokens.config(), login->access_token, login->cloud_id, login->site_url,
                                    tokens.store().Describe());
    if (!chosen) return Fail(chosen.error());
    site.base_url = WithoutTrailingSlash(chosen->api_base);
  }
  return std::unique_ptr<Credentials>(new OAuthCredentials(std::move(*tm), std::move(site), initiate == "OFF"));
}

}  // namespace jirasql
