// The page decoder: any answer decodes or fails with an error naming the
// request; a decoded page's issues all carry an id.

#include <cstdint>

#include "fuzz_input.h"
#include "jira/page_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace jirasql;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  static const KeepTree keep = [] {
    KeepTree k;
    k.Add({"id"});
    k.Add({"key"});
    k.Add({"fields", "summary"});
    k.Add({"fields", "status", "name"});
    return k;
  }();
  for (const KeepTree* kt : {static_cast<const KeepTree*>(nullptr), &keep}) {
    auto page = DecodeIssuePage(body, "POST /search/jql", kt);
    if (!page) {
      if (page.error().message.rfind("POST /search/jql: ", 0) != 0) {
        fuzz::Violated("the error names the request", page.error().message);
      }
      continue;
    }
    for (const auto& issue : page->issues) {
      if (!issue.is_object() || !issue.contains("id")) fuzz::Violated("an issue without an id", std::string(body));
    }
  }
  (void)ParseTrimmed(body);
  return 0;
}
