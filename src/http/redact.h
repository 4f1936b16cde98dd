#pragma once
/// Redaction of secrets from anything that may be logged or shown: header
/// values, URLs, request and response bodies. Two layers:
///  1. by shape: Authorization-like headers, secret-named query parameters,
///     JSON keys and form fields (access_token, client_secret, code, ...);
///  2. by value: every secret the connection knows (tokens, passwords) is
///     masked wherever it appears, whatever the shape around it.

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace jirasql {

inline constexpr std::string_view kRedacted = "[REDACTED]";

/// Whether a JSON key, form field or query parameter holds a secret
/// (case-insensitive): access_token, refresh_token, client_secret, code,
/// code_verifier, password, ... — but not nextPageToken or token_type.
bool IsSecretKey(std::string_view key);

/// Whether a header's value is a credential (Authorization, Cookie, ...).
bool IsSecretHeader(std::string_view name);

class Redactor {
 public:
  /// Remembers a literal secret to mask wherever it appears. Very short
  /// values (under 4 characters) are ignored: masking them would shred the
  /// log without protecting anything.
  void AddSecret(std::string_view value);

  /// Query and fragment parameters with secret names, and the password of
  /// user info, replaced.
  std::string Url(std::string_view url) const;
  /// A header value as it may be logged: credentials keep only their scheme
  /// ("Bearer [REDACTED]").
  std::string HeaderValue(std::string_view name, std::string_view value) const;
  /// A body: JSON with secret keys replaced, a form with secret fields
  /// replaced, or text with `"key": "value"` / `key=value` pairs of secret
  /// keys replaced; then literal secrets masked.
  std::string Body(std::string_view body) const;
  /// Literal secrets masked (for free text such as error messages).
  std::string Text(std::string_view text) const;

 private:
  mutable std::mutex mu_;
  std::vector<std::string> secrets_;
};

}  // namespace jirasql
