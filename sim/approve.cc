#include "approve.h"

#include <regex>

#include "common/strings.h"
#include "http/curl_transport.h"

namespace jirasim {

using jirasql::ErrorCode;
using jirasql::Fail;
using jirasql::HttpRequest;

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

jirasql::Result<std::string> Approve(const std::string& authorize_url, const std::string& email,
                                     const std::string& password, const std::string& site, bool deny) {
  jirasql::CurlOptions o;
  o.timeout_seconds = 30;
  o.follow_redirects = false;
  auto t = jirasql::CurlTransport::Create(o, nullptr);
  if (!t) return Fail(t.error());
  auto& http = **t;
  const std::string origin = Origin(authorize_url);

  auto page = http.Send(HttpRequest{"GET", authorize_url, {}, "", std::nullopt});
  if (!page) return Fail(page.error());
  if (page->status == 302) return *page->Header("Location");  // an error redirect before login
  std::string tx = HiddenField(page->body, "tx");
  if (page->status != 200 || tx.empty()) {
    std::smatch m;
    std::regex err("id=\"error\">([^<]*)<");
    std::string why = std::regex_search(page->body, m, err) ? m[1].str() : "no login form";
    return Fail(ErrorCode::kBadResponse, "the authorization page refused: " + why);
  }
  HttpRequest login{"POST", origin + "/login", {{"Content-Type", "application/x-www-form-urlencoded"}},
                    Form({{"tx", tx}, {"email", email}, {"password", password}}), std::nullopt};
  auto consent = http.Send(login);
  if (!consent) return Fail(consent.error());
  if (consent->status != 200) return Fail(ErrorCode::kPermissionDenied, "login failed: wrong email or password");
  std::string account = HiddenField(consent->body, "user");
  std::string chosen = site;
  if (chosen.empty()) {
    std::smatch m;
    std::regex first("<option value=\"([^\"]*)\"");
    if (std::regex_search(consent->body, m, first)) chosen = m[1].str();
  }
  HttpRequest decide{"POST", origin + "/consent", {{"Content-Type", "application/x-www-form-urlencoded"}},
                     Form({{"tx", tx}, {"user", account}, {"site", chosen}, {"decision", deny ? "deny" : "accept"}}),
                     std::nullopt};
  auto done = http.Send(decide);
  if (!done) return Fail(done.error());
  auto location = done->Header("Location");
  if (done->status != 302 || !location) {
    return Fail(ErrorCode::kBadResponse, "consent did not redirect (HTTP " + std::to_string(done->status) + ")");
  }
  return *location;
}

}  // namespace jirasim
