// The ADF renderer: any JSON (or not) renders or fails with an error.

#include <cstdint>

#include "fuzz_input.h"
#include "jira/adf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  auto text = jirasql::AdfToText(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!text && text.error().message.empty()) jirasql::fuzz::Violated("an error says what is wrong", "");
  return 0;
}
