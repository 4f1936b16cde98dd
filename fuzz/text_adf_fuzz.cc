// Plain text -> ADF: any bytes give a valid document or a UTF-8 error, and
// the document renders back without error.

#include <cstdint>
#include <functional>

#include "fuzz_input.h"
#include "jira/adf.h"

namespace {

// Every text node holds text (Jira refuses empty ones); every node has a type.
bool WellFormed(const nlohmann::json& node) {
  if (!node.is_object() || !node.contains("type") || !node["type"].is_string()) return false;
  if (node["type"] == "text" &&
      (!node.contains("text") || !node["text"].is_string() || node["text"].get<std::string>().empty()))
    return false;
  if (node.contains("content")) {
    for (const auto& c : node["content"]) {
      if (!WellFormed(c)) return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = jirasql::TextToAdf(text);
  if (!doc) {
    if (doc.error().message.find("UTF-8") == std::string::npos)
      jirasql::fuzz::Violated("only bad UTF-8 fails", std::string(text));
    return 0;
  }
  if (!WellFormed(*doc)) jirasql::fuzz::Violated("a well-formed ADF document", std::string(text));
  if (!jirasql::AdfToText(doc->dump())) jirasql::fuzz::Violated("the document renders", std::string(text));
  return 0;
}
