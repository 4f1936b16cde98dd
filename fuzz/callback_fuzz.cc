// The OAuth callback listener's judgement of a request: a Host header line,
// then the request target. Only a request with our Host, our path, our
// state and a code ends the flow; nothing crashes; the page never echoes the
// request.

#include <cctype>
#include <cstdint>

#include "auth/desktop_flow.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace jirasql;
  fuzz::Input in(data, size);
  const bool implicit = in.Byte() & 1;
  const std::string host = in.Text();
  const std::string target = in.Rest();
  const CallbackAddress addr{"localhost", 8765, "/cb"};
  const std::string state = "s-9f2c";
  auto v = JudgeCallbackRequest(addr, state, implicit, host, target);
  if (v.outcome && *v.outcome) {
    const auto& params = v.outcome->value().params;
    auto it = params.find("state");
    if (it == params.end() || it->second != state) fuzz::Violated("success without our state", target);
    const char* need = implicit ? "access_token" : "code";
    if (!params.count(need) || params.at(need).empty()) fuzz::Violated("success without a code", target);
    std::string h;
    for (char ch : host) h.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
    if (h != "localhost:8765" && h != "127.0.0.1:8765" && h != "[::1]:8765") {
      fuzz::Violated("success from a foreign Host", host);
    }
  }
  if (v.status == 200 && v.outcome && !*v.outcome && v.body.find(target) != std::string::npos && !target.empty() &&
      target.size() > 8) {
    fuzz::Violated("the page echoes the request", target);
  }
  (void)UrlParams(target);
  (void)ParseCallbackUrl(target);
  return 0;
}
