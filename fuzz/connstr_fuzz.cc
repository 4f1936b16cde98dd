// The connection-string parser: any text parses or fails with an error;
// every value it reads survives QuoteValue and a second parse unchanged; and
// applying it as properties never crashes. The same text as an ODBC
// connection string: its pairs survive braces and a second parse, and the
// jirasql string the driver makes of it parses; and as SQL with ODBC escapes:
// rewritten or refused with an error, and left alone when it has none; and
// a procedure call in it parsed or refused with an error.

#include <cctype>
#include <cstdint>

#include "connstr/parser.h"
#include "connstr/properties.h"
#include "fuzz_input.h"
#include "odbc/escapes.h"
#include "odbc/odbc_connstr.h"
#include "sql/jira_procedures.h"

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
  // ODBC: key={value}, '}' doubled, reads back the same.
  if (auto odbc = ParseOdbcConnectionString(text)) {
    for (const auto& p : *odbc) {
      std::string again = p.key + "={";
      for (char c : p.value) again += c == '}' ? std::string("}}") : std::string(1, c);
      again += "}";
      auto back = ParseOdbcConnectionString(again);
      if (!back || back->size() != 1 || (*back)[0].key != p.key || (*back)[0].value != p.value) {
        fuzz::Violated("ODBC brace round trip", again);
      }
    }
    if (auto mapped = JirasqlConnectionString(text, nullptr); mapped && !ParseConnectionString(*mapped)) {
      fuzz::Violated("the driver's jirasql string parses", *mapped);
    }
  } else if (odbc.error().message.empty()) {
    fuzz::Violated("an ODBC error says what to fix", std::string(text));
  }
  auto rewritten = odbc::RewriteEscapes(text);
  if (!rewritten && rewritten.error().message.empty()) fuzz::Violated("an escape error says what", std::string(text));
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (rewritten && lower.find('{') == std::string::npos && lower.find("top") == std::string::npos &&
      *rewritten != text) {
    fuzz::Violated("SQL without escapes is left alone", std::string(text));
  }
  if (rewritten) {
    // A call the driver runs: each argument names one of the procedure's inputs.
    auto call = odbc::ParseProcedureCall(*rewritten);
    if (!call && call.error().message.empty()) fuzz::Violated("a call's error says what", std::string(text));
    if (call && *call && (*call)->inputs.size() > FindProcedure((*call)->procedure)->inputs.size()) {
      fuzz::Violated("no call gives more inputs than its procedure has", std::string(text));
    }
  }
  ConnectionProperties props;
  auto applied = props.Apply(text, PropSource::kConnectString);
  if (!applied && applied.error().message.empty()) fuzz::Violated("an error says what to fix", std::string(text));
  return 0;
}
