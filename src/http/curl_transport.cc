#include "http/curl_transport.h"

#include <curl/curl.h>
#include <sys/stat.h>

#include "common/strings.h"
#include "common/version.h"

namespace jirasql {

namespace {

// libcurl must be initialised once per process before any thread uses it.
struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  ~CurlGlobal() { curl_global_cleanup(); }
};
void EnsureCurlGlobal() { static CurlGlobal global; }

struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

struct Collector {
  HttpResponse* response;
  long max_bytes;
  bool too_large = false;
  CURL* curl = nullptr;  ///< for the announced length: the body is reserved once, not regrown
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* c = static_cast<Collector*>(user);
  size_t n = size * count;
  if (static_cast<long>(c->response->body.size() + n) > c->max_bytes) {
    c->too_large = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  if (c->response->body.empty() && c->curl) {
    curl_off_t announced = -1;
    if (curl_easy_getinfo(c->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &announced) == CURLE_OK && announced > 0 &&
        announced <= c->max_bytes)
      // 64 bytes more: a JSON parser's padding (simdjson reads up to 64
      // bytes past the end; with them there, it parses the body in place).
      c->response->body.reserve(static_cast<std::size_t>(announced) + 64);
  }
  c->response->body.append(data, n);
  return n;
}

// libcurl asks about once a second, and at each chunk: a fired abort signal ends the transfer.
int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const AbortSignal*>(user)->Fired() ? 1 : 0;
}

Error Cancelled(const HttpRequest& request) {
  return {ErrorCode::kCancelled, request.method + " " + UrlForMessage(request.url) +
                                     ": stopped by the application (cancelled, or past its query timeout)"};
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* c = static_cast<Collector*>(user);
  size_t n = size * count;
  std::string_view line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {
    // A new status line: a redirect or an interim answer came before.
    c->response->headers.clear();
    return n;
  }
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    c->response->headers.emplace_back(std::string(Trim(line.substr(0, colon))),
                                      std::string(Trim(line.substr(colon + 1))));
  }
  return n;
}

Error CurlError(CURLcode code, const char* detail, const HttpRequest& request) {
  std::string where = request.method + " " + UrlForMessage(request.url);
  std::string what = (detail && *detail) ? detail : curl_easy_strerror(code);
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
      return {ErrorCode::kConnectFailed, where + ": cannot resolve the host name (" + what + "); check Url"};
    case CURLE_COULDNT_RESOLVE_PROXY:
      return {ErrorCode::kConnectFailed, where + ": cannot resolve the proxy (" + what + "); check ProxyServer"};
    case CURLE_COULDNT_CONNECT:
      return {ErrorCode::kConnectFailed, where + ": cannot connect (" + what + ")"};
    case CURLE_OPERATION_TIMEDOUT:
      return {ErrorCode::kTimeout, where + ": no answer in time (" + what + "); raise Timeout if the server is slow"};
    case CURLE_SSL_CONNECT_ERROR:
      // OpenSSL's words for a server that answered the TLS hello in plain text.
      if (what.find("wrong version number") != std::string::npos ||
          what.find("packet length too long") != std::string::npos ||
          what.find("record layer failure") != std::string::npos) {
        return {ErrorCode::kTransport, where + ": the server does not speak TLS at this address (" + what +
                                           "); if it serves plain HTTP there, write the URL with http://"};
      }
      [[fallthrough]];
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
      return {ErrorCode::kTransport, where + ": TLS failed (" + what +
                                         "); if the server uses a private CA, set SSLServerCert to its PEM file"};
    case CURLE_UNSUPPORTED_PROTOCOL:
      return {ErrorCode::kInvalidArgument, where + ": only http and https URLs are supported (" + what + ")"};
    case CURLE_URL_MALFORMAT:
      return {ErrorCode::kInvalidArgument, where + ": malformed URL (" + what + ")"};
    case CURLE_TOO_MANY_REDIRECTS:
      return {ErrorCode::kBadResponse, where + ": too many redirects (" + what + ")"};
    default:
      return {ErrorCode::kTransport, where + ": " + what};
  }
}

}  // namespace

CurlOptions CurlOptionsFrom(const ConnectionProperties& props) {
  CurlOptions o;
  o.timeout_seconds = static_cast<long>(props.GetInt("Timeout").value_or(60));
  o.proxy_server = props.Get("ProxyServer");
  o.proxy_port = static_cast<long>(props.GetInt("ProxyPort").value_or(0));
  o.proxy_user = props.Get("ProxyUser");
  o.proxy_password = props.Get("ProxyPassword");
  o.ssl_server_cert = props.Get("SSLServerCert");
  return o;
}

CurlTransport::CurlTransport(CurlOptions options, std::shared_ptr<Logger> logger)
    : options_(std::move(options)), logger_(std::move(logger)) {
  if (options_.user_agent.empty()) options_.user_agent = std::string("jirasql/") + kVersion;
}

Result<std::unique_ptr<CurlTransport>> CurlTransport::Create(CurlOptions options, std::shared_ptr<Logger> logger) {
  EnsureCurlGlobal();
  if (!logger) logger = std::make_shared<Logger>();
  const std::string& cert = options.ssl_server_cert;
  if (!cert.empty() && cert != "*" && cert.rfind("-----BEGIN", 0) != 0) {
    struct stat st {};
    if (::stat(cert.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      return Fail(ErrorCode::kInvalidArgument,
                  "SSLServerCert: no such file " + cert + "; give the path of a PEM certificate, or * to trust any");
    }
  }
  if (cert == "*") {
    logger->Warn(
        "SSLServerCert=* turns off TLS certificate checks; anyone on the network path can read and "
        "change this connection's traffic");
  }
  return std::unique_ptr<CurlTransport>(new CurlTransport(std::move(options), std::move(logger)));
}

CurlTransport::~CurlTransport() {
  for (void* h : idle_) curl_easy_cleanup(static_cast<CURL*>(h));
}

void* CurlTransport::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      void* h = idle_.back();
      idle_.pop_back();
      return h;
    }
  }
  return curl_easy_init();
}

void CurlTransport::Release(void* handle) {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(handle);
}

Result<HttpResponse> CurlTransport::Send(const HttpRequest& request) {
  // Reads only: a write stopped in flight might or might not have been made.
  const bool abortable = options_.abort && IsIdempotent(request);
  if (abortable && options_.abort->Fired()) return Fail(Cancelled(request));
  CURL* curl = static_cast<CURL*>(Acquire());
  if (!curl) return Fail(ErrorCode::kInternal, "curl_easy_init failed (out of memory?)");
  // Live connections survive a reset; per-request options do not.
  curl_easy_reset(curl);

  HttpResponse response;
  Collector collector{&response, options_.max_response_bytes, false, curl};
  char errbuf[CURL_ERROR_SIZE] = {};

  Slist headers;
  for (const auto& [k, v] : request.headers) {
    std::string line = k + (v.empty() ? ";" : ": " + v);
    headers.reset(curl_slist_append(headers.release(), line.c_str()));
  }
  // No "Expect: 100-continue" round trip before POST bodies.
  headers.reset(curl_slist_append(headers.release(), "Expect:"));

  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, options_.follow_redirects ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(curl, CURLOPT_UNRESTRICTED_AUTH, 0L);
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // every encoding libcurl can decode
  curl_easy_setopt(curl, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &collector);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &collector);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_BUFFERSIZE, 256L * 1024);
  if (options_.timeout_seconds > 0) {
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, options_.timeout_seconds * 1000L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, options_.timeout_seconds * 1000L);
  }

  const std::string method = request.method;
  if (method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else if (method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else {
    if (method != "POST") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (!request.body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    }
  }

  if (!options_.proxy_server.empty()) {
    curl_easy_setopt(curl, CURLOPT_PROXY, options_.proxy_server.c_str());
    if (options_.proxy_port > 0) curl_easy_setopt(curl, CURLOPT_PROXYPORT, options_.proxy_port);
    if (!options_.proxy_user.empty()) {
      curl_easy_setopt(curl, CURLOPT_PROXYUSERNAME, options_.proxy_user.c_str());
      curl_easy_setopt(curl, CURLOPT_PROXYPASSWORD, options_.proxy_password.c_str());
    }
  }

  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  const std::string& cert = options_.ssl_server_cert;
  if (cert == "*") {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  } else if (cert.rfind("-----BEGIN", 0) == 0) {
    curl_blob blob{const_cast<char*>(cert.data()), cert.size(), CURL_BLOB_COPY};
    curl_easy_setopt(curl, CURLOPT_CAINFO_BLOB, &blob);
  } else if (!cert.empty()) {
    curl_easy_setopt(curl, CURLOPT_CAINFO, cert.c_str());
    curl_easy_setopt(curl, CURLOPT_CAPATH, nullptr);
  }

  if (abortable) {
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, OnProgress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, options_.abort.get());
  }
  CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  // Forget the header list and error buffer before the handle goes back.
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);

  if (rc != CURLE_OK) {
    Error e = collector.too_large
                  ? Error{ErrorCode::kBadResponse, request.method + " " + UrlForMessage(request.url) +
                                                       ": the answer is larger than " +
                                                       std::to_string(options_.max_response_bytes) + " bytes"}
              : rc == CURLE_ABORTED_BY_CALLBACK ? Cancelled(request)
                                                : CurlError(rc, errbuf, request);
    // A handle that failed mid-transfer may hold a broken connection; drop it.
    curl_easy_cleanup(curl);
    return Fail(std::move(e));
  }
  Release(curl);
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace jirasql
