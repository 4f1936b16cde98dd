#pragma once
/// Errors as values. Every fallible function in jirasql returns `Result<T>`;
/// exceptions never cross a module boundary or a C boundary.

#include <string>
#include <string_view>
#include <tl/expected.hpp>

namespace jirasql {

/// What kind of failure an `Error` is. Callers branch on the code, users read
/// the message.
enum class ErrorCode {
  kInvalidArgument,   ///< bad input from the caller: connection string, flags, SQL
  kConnectFailed,     ///< the request never reached the server (DNS, refused, proxy)
  kTransport,         ///< the exchange broke after it may have been sent (reset, TLS, ...)
  kTimeout,           ///< no complete answer within `Timeout`
  kHttp,              ///< the server answered with an error status not covered below
  kUnauthenticated,   ///< HTTP 401
  kPermissionDenied,  ///< HTTP 403
  kNotFound,          ///< HTTP 404
  kRateLimited,       ///< HTTP 429, after the retry budget ran out
  kUnavailable,       ///< HTTP 5xx, after the retry budget ran out
  kBadResponse,       ///< an answer we cannot understand
  kIo,                ///< local files and sockets
  kInternal,          ///< a bug in jirasql
  kCancelled,         ///< stopped by the caller (ODBC's SQLCancel or query timeout); never retried
};

/// A short stable name for an error code ("invalid-argument", ...).
std::string_view ErrorCodeName(ErrorCode code);

/// A failure: what kind, a message that says what happened and what to do,
/// and, for HTTP errors, the status.
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  int http_status = 0;  ///< 0 when there was no HTTP answer

  /// `message`, prefixed by context: "reading /myself: <message>".
  Error WithContext(std::string_view context) const;
};

template <class T>
using Result = tl::expected<T, Error>;

/// Shorthand for returning a failure from a function returning `Result<T>`.
inline tl::unexpected<Error> Fail(ErrorCode code, std::string message, int http_status = 0) {
  return tl::unexpected<Error>(Error{code, std::move(message), http_status});
}
inline tl::unexpected<Error> Fail(Error e) { return tl::unexpected<Error>(std::move(e)); }

/// `Result<void>` success value.
inline Result<void> Ok() { return {}; }

}  // namespace jirasql
