#pragma once
/// An `HttpTransport` decorator that writes each exchange to the connection's
/// log, redacted: level 2 a line per request and answer, 3 adds headers, 4
/// adds bodies cut at 2 KiB, 5 whole bodies.

#include <memory>

#include "http/http.h"
#include "http/logger.h"

namespace jirasql {

class LoggingTransport final : public HttpTransport {
 public:
  LoggingTransport(std::shared_ptr<HttpTransport> inner, std::shared_ptr<Logger> logger)
      : inner_(std::move(inner)), logger_(std::move(logger)) {}
  Result<HttpResponse> Send(const HttpRequest& request) override;

 private:
  std::shared_ptr<HttpTransport> inner_;
  std::shared_ptr<Logger> logger_;
};

/// The log a connection's properties ask for (Logfile, Verbosity).
Result<std::shared_ptr<Logger>> OpenLogger(const class ConnectionProperties& props);

/// The transport stack for a connection: curl, then logging, then the rate
/// governor shared by the connection's workers, then retries. `abort`, when
/// given, stops its requests (see AbortSignal); `governor`, when given,
/// receives the stack's rate governor (what Jira said of its limits).
Result<std::shared_ptr<HttpTransport>> MakeHttpTransport(const class ConnectionProperties& props,
                                                         std::shared_ptr<Logger> logger,
                                                         std::shared_ptr<const AbortSignal> abort = nullptr,
                                                         std::shared_ptr<class RateGovernor>* governor = nullptr);

}  // namespace jirasql
