// SQL -> JQL: any constraint on any Issues column, with any values and
// zone, either is not pushed or becomes JQL in which every value sits
// inside a double-quoted string — nothing from SQL can change the query's
// structure (JQL injection). Also the ORDER BY splitter.

#include <cctype>
#include <cstdint>
#include <string>

#include "common/tz.h"
#include "fuzz_input.h"
#include "sql/pushdown.h"
#include "sql/schema.h"

namespace {

// Outside double-quoted strings only field names, keywords, numbers and
// operators; strings close; escapes inside them are \" and \\ only.
bool WellFormed(const std::string& jql, std::string* why) {
  bool in = false;
  for (std::size_t i = 0; i < jql.size(); ++i) {
    const char c = jql[i];
    if (in) {
      if (c == '\\') {
        if (i + 1 >= jql.size() || (jql[i + 1] != '"' && jql[i + 1] != '\\')) {
          *why = "a bad escape at " + std::to_string(i);
          return false;
        }
        ++i;
      } else if (c == '"') {
        in = false;
      }
      continue;
    }
    if (c == '"') {
      in = true;
    } else if (!(std::isalnum(static_cast<unsigned char>(c)) ||
                 std::string_view(" _()[],=<>!.-").find(c) != std::string_view::npos)) {
      *why = std::string("the character '") + c + "' outside a string at " + std::to_string(i);
      return false;
    }
  }
  if (in) *why = "a string left open";
  return !in;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace jirasql;
  fuzz::Input in(data, size);
  const auto& columns = FindBaseTable("Issues")->columns;
  const ColumnDef& col = columns[in.Byte() % columns.size()];
  SqlConstraint c;
  c.op = static_cast<PushOp>(in.Byte() % 8);
  const int n = c.op == PushOp::kIn ? in.Byte() % 5 : (c.op == PushOp::kIsNull || c.op == PushOp::kIsNotNull ? 0 : 1);
  for (int i = 0; i < n; ++i) {
    switch (in.Byte() % 4) {
      case 0:
        c.values.emplace_back(std::monostate{});
        break;
      case 1:
        c.values.emplace_back(in.Int());
        break;
      case 2:
        c.values.emplace_back(in.Real());
        break;
      default:
        c.values.emplace_back(in.Text());
        break;
    }
  }
  static const TimeZone fixed = TimeZone::Fixed(10 * 3600, "Australia/Brisbane");
  PushContext ctx;
  if (in.Byte() & 1) ctx.zone = &fixed;
  bool nothing = false;
  auto term = TranslateConstraint(col, c, ctx, &nothing);
  if (term) {
    IssueQuery q;
    q.terms.push_back(*term);
    const std::string jql = q.Jql("project IS NOT EMPTY");
    std::string why;
    if (!WellFormed(jql, &why)) fuzz::Violated(why.c_str(), jql);
  }
  std::string where, order;
  SplitOrderBy(in.Rest(), &where, &order);
  return 0;
}
