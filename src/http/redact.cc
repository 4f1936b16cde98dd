#include "http/redact.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "common/strings.h"

namespace jirasql {

bool IsSecretKey(std::string_view key) {
  const std::string k = ToLower(key);
  if (k == "nextpagetoken" || k == "pagetoken" || k == "token_type" || k == "tokentype") return false;
  static const char* kExact[] = {"code",      "code_verifier", "codeverifier",  "authorization",
                                 "assertion", "verifier",      "oauthverifier", "apikey",
                                 "api_key",   "pat",           "state_secret"};
  for (const char* e : kExact) {
    if (k == e) return true;
  }
  return k.find("token") != std::string::npos || k.find("secret") != std::string::npos ||
         k.find("password") != std::string::npos || k.find("passwd") != std::string::npos;
}

bool IsSecretHeader(std::string_view name) {
  const std::string n = ToLower(name);
  return n == "authorization" || n == "proxy-authorization" || n == "cookie" || n == "set-cookie" || n == "x-api-key" ||
         n == "x-atlassian-token-secret";
}

void Redactor::AddSecret(std::string_view value) {
  if (value.size() < 4) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (std::find(secrets_.begin(), secrets_.end(), value) == secrets_.end()) {
    secrets_.emplace_back(value);
    // Longest first, so a secret that contains another is masked whole.
    std::sort(secrets_.begin(), secrets_.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  }
}

std::string Redactor::Text(std::string_view text) const {
  std::string out(text);
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& s : secrets_) {
    for (auto pos = out.find(s); pos != std::string::npos; pos = out.find(s, pos + kRedacted.size())) {
      out.replace(pos, s.size(), kRedacted);
    }
    // The same secret percent-encoded, as it appears in query strings.
    std::string enc = UrlEncode(s);
    if (enc != s) {
      for (auto pos = out.find(enc); pos != std::string::npos; pos = out.find(enc, pos + kRedacted.size())) {
        out.replace(pos, enc.size(), kRedacted);
      }
    }
  }
  return out;
}

namespace {

// Redacts `a=b&c=d` parameter lists in place.
std::string RedactParams(std::string_view params) {
  std::string out;
  auto pairs = Split(params, '&');
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    if (i) out += '&';
    const std::string& p = pairs[i];
    auto eq = p.find('=');
    if (eq != std::string::npos && IsSecretKey(UrlDecode(p.substr(0, eq)))) {
      out += p.substr(0, eq + 1);
      out += kRedacted;
    } else {
      out += p;
    }
  }
  return out;
}

void RedactJson(nlohmann::json& j) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (IsSecretKey(it.key()) && (it.value().is_string() || it.value().is_number())) {
        it.value() = kRedacted;
      } else {
        RedactJson(it.value());
      }
    }
  } else if (j.is_array()) {
    for (auto& e : j) RedactJson(e);
  }
}

bool LooksLikeForm(std::string_view body) {
  if (body.empty() || body.find('=') == std::string_view::npos) return false;
  return std::all_of(body.begin(), body.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("=&%+-_.~*:/").find(c) != std::string_view::npos;
  });
}

// Text that is neither valid JSON nor a form (a truncated JSON body, say):
// mask the value after any `"secretkey" :` or `secretkey=`.
std::string RedactLoose(std::string_view body) {
  std::string out(body);
  std::size_t i = 0;
  while (i < out.size()) {
    if (!(std::isalnum(static_cast<unsigned char>(out[i])) || out[i] == '_')) {
      ++i;
      continue;
    }
    std::size_t start = i;
    while (i < out.size() && (std::isalnum(static_cast<unsigned char>(out[i])) || out[i] == '_' || out[i] == '-')) ++i;
    std::string key = out.substr(start, i - start);
    if (!IsSecretKey(key)) continue;
    std::size_t j = i;
    if (j < out.size() && out[j] == '"') ++j;  // closing quote of a JSON key
    while (j < out.size() && out[j] == ' ') ++j;
    if (j >= out.size() || (out[j] != ':' && out[j] != '=')) continue;
    ++j;
    while (j < out.size() && out[j] == ' ') ++j;
    std::size_t vstart = j, vend = j;
    if (j < out.size() && out[j] == '"') {
      vstart = j + 1;
      vend = vstart;
      while (vend < out.size() && out[vend] != '"') vend += (out[vend] == '\\' ? 2 : 1);
      vend = std::min(vend, out.size());
    } else {
      auto stop = [&](std::size_t k) { return std::string_view("&,;} \r\n\"").find(out[k]) != std::string_view::npos; };
      while (vend < out.size() && !stop(vend)) ++vend;
      // "Authorization: Bearer xyz": the credential is the word after the scheme.
      std::string word = ToLower(out.substr(vstart, vend - vstart));
      if ((word == "bearer" || word == "basic") && vend < out.size() && out[vend] == ' ') {
        vstart = vend + 1;
        vend = vstart;
        while (vend < out.size() && !stop(vend)) ++vend;
      }
    }
    if (vend > vstart) {
      out.replace(vstart, vend - vstart, kRedacted);
      i = vstart + kRedacted.size();
    }
  }
  return out;
}

}  // namespace

std::string Redactor::Url(std::string_view url) const {
  std::string out(url);
  // user:password@host
  if (auto scheme = out.find("://"); scheme != std::string::npos) {
    auto host_start = scheme + 3;
    auto path = out.find_first_of("/?#", host_start);
    auto at = out.rfind('@', path == std::string::npos ? std::string::npos : path);
    if (at != std::string::npos && at > host_start) {
      auto colon = out.find(':', host_start);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, kRedacted);
    }
  }
  auto q = out.find_first_of("?#");
  if (q != std::string::npos) {
    std::string head = out.substr(0, q + 1);
    std::string rest = out.substr(q + 1);
    // A fragment may follow the query: redact both parts.
    auto hash = rest.find('#');
    if (hash != std::string::npos && out[q] == '?') {
      out = head + RedactParams(rest.substr(0, hash)) + "#" + RedactParams(rest.substr(hash + 1));
    } else {
      out = head + RedactParams(rest);
    }
  }
  return Text(out);
}

std::string Redactor::HeaderValue(std::string_view name, std::string_view value) const {
  if (IsSecretHeader(name)) {
    // "Bearer xyz" / "Basic xyz": the scheme is worth keeping in a log.
    auto space = value.find(' ');
    bool has_scheme = EqualsIgnoreCase(name, "authorization") || EqualsIgnoreCase(name, "proxy-authorization");
    if (has_scheme && space != std::string_view::npos && space < 16) {
      return std::string(value.substr(0, space + 1)) + std::string(kRedacted);
    }
    return std::string(kRedacted);
  }
  if (EqualsIgnoreCase(name, "location")) return Url(value);
  return Text(value);
}

std::string Redactor::Body(std::string_view body) const {
  std::string_view trimmed = Trim(body);
  if (!trimmed.empty() && (trimmed.front() == '{' || trimmed.front() == '[')) {
    auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (!j.is_discarded()) {
      RedactJson(j);
      return Text(j.dump());
    }
  }
  if (LooksLikeForm(trimmed)) return Text(RedactParams(trimmed));
  return Text(RedactLoose(body));
}

}  // namespace jirasql
