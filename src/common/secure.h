#pragma once
/// Wiping secrets from memory once they are no longer needed: tokens, the
/// client secret, request and answer bodies that carry them. Where practical
/// only — copies made inside libcurl, SQLite or the C library are beyond our
/// reach — but no buffer of ours that held a token is freed unwiped on the
/// token paths (token endpoint, settings file, Authorization header).

#include <nlohmann/json.hpp>
#include <string>

namespace jirasql {

/// Overwrites every byte of `s`'s buffer (its whole capacity) with zeros,
/// in a way the compiler may not drop, and leaves `s` empty.
void SecureWipe(std::string& s);

/// Wipes every string value inside `j` in place (they become ""; keys and
/// structure stay).
void SecureWipe(nlohmann::json& j);

/// Wipes the given strings when it goes out of scope.
class WipeOnExit {
 public:
  explicit WipeOnExit(std::string* a, std::string* b = nullptr, std::string* c = nullptr) : s_{a, b, c} {}
  ~WipeOnExit() {
    for (auto* s : s_) {
      if (s) SecureWipe(*s);
    }
  }
  WipeOnExit(const WipeOnExit&) = delete;
  WipeOnExit& operator=(const WipeOnExit&) = delete;

 private:
  std::string* s_[3];
};

}  // namespace jirasql
