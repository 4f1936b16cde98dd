#include <cstdio>
#include <cstdlib>

#include "fuzz_input.h"

namespace jirasql::fuzz {

void Violated(const char* what, const std::string& detail) {
  std::fprintf(stderr, "property violated: %s\n%s\n", what, detail.substr(0, 2000).c_str());
  std::abort();
}

}  // namespace jirasql::fuzz
