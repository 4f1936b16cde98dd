#pragma once
/// Getting a login: the desktop flow end to end, the code exchange shared
/// by every flow, and picking the site.

#include <functional>
#include <string>

#include "auth/authorization.h"
#include "auth/token_manager.h"
#include "common/time.h"
#include "http/http.h"

namespace jirasql {

/// Where the flows talk to the user (stderr in the CLI).
using Notice = std::function<void(const std::string&)>;

/// Turns a token answer into a saved login: finds the site among the
/// grant's accessible resources (Url, else CloudId, else the only one, else
/// the first by URL, with a notice that says so) and saves everything — the
/// tokens even when the site asked for is not granted (then with an error
/// that says how to grant it). `verifier_hash` marks a headless code as used.
Result<SavedLogin> CompleteLogin(HttpTransport& http, TokenManager& tokens, const TokenSet& t, Clock& clock,
                                 const std::string& verifier_hash = "", const Notice& notice = nullptr);

/// Exchanges an authorization code and completes the login.
Result<SavedLogin> LoginWithCode(HttpTransport& http, TokenManager& tokens, Clock& clock, const std::string& code,
                                 const std::string& code_verifier, const std::string& redirect_uri,
                                 const std::string& verifier_hash = "", const Notice& notice = nullptr);

/// The desktop flow: build the URL, listen on CallbackURL, open the browser
/// (or print the URL when none opens), wait, exchange, pick the site, save.
Result<SavedLogin> DesktopLogin(HttpTransport& http, TokenManager& tokens, Clock& clock, const Notice& notice);

/// SHA-256 of an authorization code, to remember it was used without
/// keeping it.
std::string CodeHash(const std::string& code);

}  // namespace jirasql
