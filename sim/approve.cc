#include "approve.h"

#include <curl/curl.h>

#include <mutex>
#include <regex>

#include "common/strings.h"

namespace jirasim {

using jirasql::ErrorCode;
using jirasql::Fail;

namespace {

std::string Origin(const std::string& url) {
  auto scheme = url.find("://");
  auto path = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return path == std::string::npos ? url : url.substr(0, path);
}

std::string HiddenField(const std::string& html, const std::string& name) {
  std::smatch m;
  std::regex re("name=\"" + name + "\" value=\"([^\"]*)\"");
  return std::regex_search(html, m, re) ? m[1].str() : "";
}

std::string Form(std::initializer_list<std::pair<std::string, std::string>> fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += jirasql::UrlEncode(k) + "=" + jirasql::UrlEncode(v);
  }
  return out;
}

}  // namespace

namespace {

// One exchange with the authorization server through libcurl itself (not
// the product's HTTP layer): the status, the body and the Location header as
// sent (cpp-httplib's client decodes Location, which would spoil the
// redirect URLs this returns).
struct Answer {
  long status = 0;
  std::string body, location;
};

jirasql::Result<Answer> Exchange(const std::string& url, const std::string* form) {
  static std::once_flag global;
  std::call_once(global, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  CURL* c = curl_easy_init();
  if (!c) return Fail(ErrorCode::kInternal, "curl_easy_init failed");
  Answer a;
  auto body = +[](char* p, size_t size, size_t n, void* out) {
    static_cast<Answer*>(out)->body.append(p, size * n);
    return size * n;
  };
  auto header = +[](char* p, size_t size, size_t n, void* out) {
    std::string line(p, size * n);
    if (line.size() > 9 && jirasql::EqualsIgnoreCase(line.substr(0, 9), "Location:")) {
      std::string v = line.substr(9);
      static_cast<Answer*>(out)->location = std::string(jirasql::Trim(v));
    }
    return size * n;
  };
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &a);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &a);
  curl_slist* headers = nullptr;
  if (form) {
    headers = curl_slist_append(headers, "Content-Type: application/x-www-form-urlencoded");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, form->c_str());
  }
  CURLcode rc = curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &a.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(c);
  if (rc != CURLE_OK) return Fail(ErrorCode::kConnectFailed, url + ": " + curl_easy_strerror(rc));
  return a;
}

}  // namespace

jirasql::Result<std::string> Approve(const std::string& authorize_url, const std::string& email,
                                     const std::string& password, const std::string& site, bool deny) {
  const std::string origin = Origin(authorize_url);
  auto page = Exchange(authorize_url, nullptr);
  if (!page) return Fail(page.error());
  if (page->status == 302) return page->location;  // an error redirect before login
  std::string tx = HiddenField(page->body, "tx");
  if (page->status != 200 || tx.empty()) {
    std::smatch m;
    std::regex err("id=\"error\">([^<]*)<");
    std::string why = std::regex_search(page->body, m, err) ? m[1].str() : "no login form";
    return Fail(ErrorCode::kBadResponse, "the authorization page refused: " + why);
  }
  const std::string login = Form({{"tx", tx}, {"email", email}, {"password", password}});
  auto consent = Exchange(origin + "/login", &login);
  if (!consent) return Fail(consent.error());
  if (consent->status != 200) return Fail(ErrorCode::kPermissionDenied, "login failed: wrong email or password");
  std::string account = HiddenField(consent->body, "user");
  std::string chosen = site;
  if (chosen.empty()) {
    std::smatch m;
    std::regex first("<option value=\"([^\"]*)\"");
    if (std::regex_search(consent->body, m, first)) chosen = m[1].str();
  }
  const std::string decision =
      Form({{"tx", tx}, {"user", account}, {"site", chosen}, {"decision", deny ? "deny" : "accept"}});
  auto done = Exchange(origin + "/consent", &decision);
  if (!done) return Fail(done.error());
  if (done->status != 302 || done->location.empty()) {
    return Fail(ErrorCode::kBadResponse, "consent did not redirect (HTTP " + std::to_string(done->status) + ")");
  }
  return done->location;
}

}  // namespace jirasim
