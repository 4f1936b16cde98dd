#pragma once
/// The desktop flow's two halves: a listener for the browser's redirect,
/// bound to loopback on CallbackURL's port, and the launch of the browser.
///
/// The listener answers the callback path only; it checks `state`, turns
/// `error=access_denied` into "authorization was declined", refuses a
/// foreign Host header (DNS rebinding), ignores unrelated requests, and gives
/// up after OAuthListenerTimeout. For the implicit grant the token arrives
/// in the URL fragment, which browsers never send: the callback page hands
/// it back to the listener from JavaScript.

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "common/error.h"

namespace jirasql {

struct CallbackResult {
  std::map<std::string, std::string> params;  ///< code, state, or the fragment's fields
};

struct ListenerOptions {
  std::string callback_url;  ///< must name a loopback host
  std::string expected_state;
  bool implicit = false;
  std::chrono::seconds timeout{300};
  /// Called once the listener is up, with the URL to open; may open a
  /// browser (it runs on the calling thread).
  std::function<void()> on_listening;
};

/// Listens until the right callback arrives, the user declines, or time
/// runs out.
Result<CallbackResult> WaitForCallback(const ListenerOptions& options);

/// Opens `url` with `command` (BrowserCommand), else $BROWSER, else
/// xdg-open. The URL is passed as one argument, never through a shell.
/// Returns false when no browser could be started.
bool OpenBrowser(const std::string& command, const std::string& url, std::string* tried);

/// Splits a callback URL into host, port and path; errors when the host is
/// not loopback (localhost, 127.0.0.1, [::1]).
struct CallbackAddress {
  std::string host;
  int port = 0;
  std::string path;
};
Result<CallbackAddress> ParseCallbackUrl(const std::string& url);

/// The query or fragment fields of a URL, decoded.
std::map<std::string, std::string> UrlParams(const std::string& url);

/// What the listener does with one request: its answer, and, when the
/// request ends the flow, the flow's outcome.
struct CallbackVerdict {
  int status = 200;
  std::string content_type = "text/html";
  std::string body;
  std::optional<Result<CallbackResult>> outcome;
};

/// Judges one GET request to the listener at `addr`: `host` is its Host
/// header, `target` the request target as sent (path and query). Pure, so
/// that hostile requests can be tried without sockets (and fuzzed).
CallbackVerdict JudgeCallbackRequest(const CallbackAddress& addr, const std::string& expected_state, bool implicit,
                                     const std::string& host, const std::string& target);

}  // namespace jirasql
