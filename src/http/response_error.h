#pragma once
/// The one place where an HTTP answer becomes an `Error`: the status picks
/// the code, and the message says what was being done, what the server
/// said (Jira's `errorMessages`/`errors`, OAuth's `error`/
/// `error_description`, the gateway's `message`) and, where it helps, what to
/// do about it.

#include <string>
#include <string_view>

#include "common/error.h"
#include "http/http.h"

namespace jirasql {

/// The server's own words from an error body, or "" when it said nothing
/// readable. Never more than a few hundred characters.
std::string ServerMessage(const HttpResponse& response);

/// An error for a non-2xx answer. `what` names the operation, e.g.
/// "GET https://site/rest/api/3/myself" (no query string: it may hold
/// secrets).
Error ErrorFromResponse(const HttpResponse& response, std::string_view what);

/// Passes a 2xx answer through; turns anything else into an error.
Result<HttpResponse> ExpectSuccess(Result<HttpResponse> outcome, std::string_view what);

}  // namespace jirasql
