#include "common/secure.h"

#include <string.h>

namespace jirasql {

void SecureWipe(std::string& s) {
  // Grow the size to the capacity so that every byte the buffer ever held
  // is ours to write, then clear it with explicit_bzero (never optimised
  // away, unlike memset before a free).
  s.resize(s.capacity());
  explicit_bzero(s.data(), s.size());
  s.clear();
}

void SecureWipe(nlohmann::json& j) {
  if (j.is_string()) {
    SecureWipe(j.get_ref<std::string&>());
  } else if (j.is_structured()) {
    for (auto& v : j) SecureWipe(v);
  }
}

}  // namespace jirasql
