#include "http/logging_transport.h"

#include <chrono>

#include "connstr/properties.h"
#include "http/curl_transport.h"
#include "http/rate_governor.h"
#include "http/retry.h"

namespace jirasql {

namespace {

constexpr std::size_t kLevel4BodyLimit = 2048;

std::string BodyForLog(const Logger& logger, const std::string& body) {
  // Redact the whole body first: cutting first could split a secret so that
  // neither the shape rules nor the literal ones recognise it.
  std::string safe = logger.redactor().Body(body);
  if (!logger.Enabled(5) && safe.size() > kLevel4BodyLimit) {
    safe = safe.substr(0, kLevel4BodyLimit) + "... (" + std::to_string(body.size()) + " bytes)";
  }
  return safe;
}

void LogHeaders(Logger& logger, std::string_view arrow, const Headers& headers) {
  for (const auto& [k, v] : headers) {
    logger.Log(3, std::string(arrow) + " " + k + ": " + logger.redactor().HeaderValue(k, v));
  }
}

}  // namespace

Result<HttpResponse> LoggingTransport::Send(const HttpRequest& request) {
  if (!logger_->Enabled(2)) return inner_->Send(request);
  const std::string url = logger_->redactor().Url(request.url);
  logger_->Log(2, "> " + request.method + " " + url);
  if (logger_->Enabled(3)) LogHeaders(*logger_, ">", request.headers);
  if (logger_->Enabled(4) && !request.body.empty()) logger_->Log(4, "> " + BodyForLog(*logger_, request.body));

  auto start = std::chrono::steady_clock::now();
  Result<HttpResponse> outcome = inner_->Send(request);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);

  if (!outcome) {
    logger_->Log(1, "< " + request.method + " " + url + " failed after " + std::to_string(ms.count()) +
                        " ms: " + outcome.error().message);
    return outcome;
  }
  logger_->Log(2, "< " + std::to_string(outcome->status) + " " + request.method + " " + url + " (" +
                      std::to_string(ms.count()) + " ms, " + std::to_string(outcome->body.size()) + " bytes)");
  if (logger_->Enabled(3)) LogHeaders(*logger_, "<", outcome->headers);
  if (logger_->Enabled(4) && !outcome->body.empty()) logger_->Log(4, "< " + BodyForLog(*logger_, outcome->body));
  return outcome;
}

Result<std::shared_ptr<Logger>> OpenLogger(const ConnectionProperties& props) {
  return Logger::Open(props.Get("Logfile"), static_cast<int>(props.GetInt("Verbosity").value_or(1)));
}

Result<std::shared_ptr<HttpTransport>> MakeHttpTransport(const ConnectionProperties& props,
                                                         std::shared_ptr<Logger> logger,
                                                         std::shared_ptr<const AbortSignal> abort,
                                                         std::shared_ptr<RateGovernor>* governor_out) {
  for (const auto& s : props.SecretValues()) logger->redactor().AddSecret(s);
  CurlOptions options = CurlOptionsFrom(props);
  options.abort = std::move(abort);
  auto curl = CurlTransport::Create(std::move(options), logger);
  if (!curl) return Fail(curl.error());
  auto logged = std::make_shared<LoggingTransport>(std::shared_ptr<HttpTransport>(std::move(*curl)), logger);
  // One governor for the connection: a 429 to one worker slows them all.
  auto governor = std::make_shared<RateGovernor>(SystemClock(), RealSleeper());
  if (governor_out) *governor_out = governor;
  auto governed = std::make_shared<GovernedTransport>(logged, governor, logger);
  return std::shared_ptr<HttpTransport>(RetryingTransport::WithDefaults(governed, logger));
}

}  // namespace jirasql
