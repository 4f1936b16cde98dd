// The connection-string parser: any text parses or fails with an error;
// every value it reads survives QuoteValue and a second parse unchanged; and
// applying it as properties never crashes.

#include <cstdint>

#include "connstr/parser.h"
#include "connstr/properties.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace jirasql;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto pairs = ParseConnectionString(text);
  if (pairs) {
    for (const auto& p : *pairs) {
      const std::string again = p.name + "=" + QuoteValue(p.value);
      auto back = ParseConnectionString(again);
      if (!back || back->size() != 1 || (*back)[0].name != p.name || (*back)[0].value != p.value) {
        fuzz::Violated("QuoteValue round trip", again);
      }
    }
  } else if (pairs.error().message.empty()) {
    fuzz::Violated("an error says what to fix", std::string(text));
  }
  ConnectionProperties props;
  auto applied = props.Apply(text, PropSource::kConnectString);
  if (!applied && applied.error().message.empty()) fuzz::Violated("an error says what to fix", std::string(text));
  return 0;
}
