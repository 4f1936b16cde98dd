#pragma once
/// The HTTP seam: a request, a response and the small `HttpTransport`
/// interface that the libcurl transport implements and tests fake. An HTTP
/// error status is data here (a successful `Result`); only failing to get an
/// answer at all is an `Error`. `ErrorFromResponse` (response_error.h) turns a
/// status into an error where the caller decides it is one.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"

namespace jirasql {

using Headers = std::vector<std::pair<std::string, std::string>>;

/// The first header named `name` (case-insensitive).
std::optional<std::string> FindHeader(const Headers& headers, std::string_view name);

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  Headers headers;
  std::string body;
  /// Whether sending the request twice is harmless. Unset: GET, HEAD, PUT,
  /// DELETE and OPTIONS are, POST and PATCH are not. Read-only POSTs (JQL
  /// search, bulk fetch) set it to true.
  std::optional<bool> idempotent;
};

struct HttpResponse {
  int status = 0;
  Headers headers;
  std::string body;

  std::optional<std::string> Header(std::string_view name) const { return FindHeader(headers, name); }
  bool ok() const { return status >= 200 && status < 300; }
};

/// A front end's way to stop a connection's requests under way (ODBC's
/// SQLCancel and query timeout): once fired, a transfer in progress ends
/// within about a second (libcurl's progress calls) and new ones fail at
/// once, with ErrorCode::kCancelled. Any thread may fire it.
struct AbortSignal {
  std::atomic<bool> cancelled{false};
  /// A deadline on the steady clock, in milliseconds since its epoch; 0: none.
  std::atomic<int64_t> deadline_ms{0};

  static int64_t NowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  bool Fired() const {
    const int64_t d = deadline_ms.load();
    return cancelled.load() || (d != 0 && NowMs() > d);
  }
  /// Armed afresh for one call: not cancelled, ending at `deadline_ms` (0: never).
  void Arm(int64_t deadline) {
    cancelled = false;
    deadline_ms = deadline;
  }
};

/// Sends one request and returns the answer, whatever its status. Must be
/// safe to call from several threads at once.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
};

/// Whether `request` may be sent again without changing what happens.
bool IsIdempotent(const HttpRequest& request);

/// The URL without its query string, fragment and user info: safe to put in
/// an error message.
std::string UrlForMessage(std::string_view url);

/// The standard reason phrase for a status ("Not Found"), or "".
std::string_view ReasonPhrase(int status);

}  // namespace jirasql
