#pragma once
/// The libcurl implementation of `HttpTransport`: connection reuse (a pool of
/// easy handles, each keeping its connections alive), gzip/deflate/brotli
/// answers, `Timeout`, the proxy properties, and TLS verification on by
/// default with `SSLServerCert` to trust one certificate or CA instead of the
/// system store (or `*` to trust any, with a warning).
///
/// Redirects are followed (at most 5, http and https only); libcurl drops
/// the Authorization header when a redirect leaves the original host and
/// port, and we never set CURLOPT_UNRESTRICTED_AUTH.

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "connstr/properties.h"
#include "http/http.h"
#include "http/logger.h"

namespace jirasql {

struct CurlOptions {
  long timeout_seconds = 60;  ///< whole request; 0 = no limit
  std::string proxy_server;   ///< host or URL; empty = no explicit proxy
  long proxy_port = 0;
  std::string proxy_user;
  std::string proxy_password;
  std::string ssl_server_cert;  ///< PEM file, PEM text, "*" or empty
  std::string user_agent;       ///< default "jirasql/<version>"
  long max_response_bytes = 512L * 1024 * 1024;
  bool follow_redirects = true;  ///< false: a 3xx is returned as it is
  /// Set: requests stop when it fires (kCancelled).
  std::shared_ptr<const AbortSignal> abort = nullptr;
};

/// Reads the transport options from connection properties.
CurlOptions CurlOptionsFrom(const ConnectionProperties& props);

class CurlTransport final : public HttpTransport {
 public:
  /// Checks the options (an SSLServerCert file must exist) and warns on the
  /// logger when certificate checks are off.
  static Result<std::unique_ptr<CurlTransport>> Create(CurlOptions options, std::shared_ptr<Logger> logger);
  ~CurlTransport() override;

  Result<HttpResponse> Send(const HttpRequest& request) override;

 private:
  CurlOptions options_;
  std::shared_ptr<Logger> logger_;
  std::mutex mu_;
  std::vector<void*> idle_;  // CURL* handles ready for reuse

  CurlTransport(CurlOptions options, std::shared_ptr<Logger> logger);
  void* Acquire();
  void Release(void* handle);
};

}  // namespace jirasql
