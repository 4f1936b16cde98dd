#include "common/json_objects.h"

#include <algorithm>

namespace jirasql {

namespace {

bool Space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

}  // namespace

int64_t CountJsonObjects(std::string_view b) {
  const std::size_t n = b.size();
  std::size_t i = 0;
  while (i < n && Space(b[i])) ++i;
  if (i == n) return 0;
  const bool top_array = b[i] == '[';
  if (!top_array && b[i] != '{') return 1;  // a value alone
  // The values counted are those directly inside the counted array: the
  // top-level one (depth 1), or an array member of the top object (depth 2).
  const int count_depth = top_array ? 1 : 2;
  int depth = 0;
  bool counting = false, expect_value = false, saw_member_array = false;
  int64_t count = 0, longest = 0;
  auto value_starts = [&] {
    if (counting && depth == count_depth && expect_value) {
      ++count;
      expect_value = false;
    }
  };
  for (; i < n; ++i) {
    const char c = b[i];
    if (Space(c) || c == ':') continue;
    if (c == '"') {
      value_starts();  // (a key at depth 1 is not in a counted array)
      for (++i; i < n && b[i] != '"'; ++i) {
        if (b[i] == '\\') ++i;
      }
      if (i >= n) return 0;  // unterminated
      continue;
    }
    if (c == '[' || c == '{') {
      value_starts();
      ++depth;
      if (c == '[' && depth == count_depth && (top_array || !counting)) {
        counting = true;
        expect_value = true;
        count = 0;
        saw_member_array = saw_member_array || !top_array;
      }
      continue;
    }
    if (c == ']' || c == '}') {
      if (counting && depth == count_depth) {
        if (c != ']') return 0;
        counting = false;
        longest = std::max(longest, count);
      }
      if (--depth < 0) return 0;
      if (depth == 0) {
        for (++i; i < n; ++i) {
          if (!Space(b[i])) return 0;  // more after the document
        }
        return top_array || saw_member_array ? longest : 1;
      }
      continue;
    }
    if (c == ',') {
      if (counting && depth == count_depth) expect_value = true;
      continue;
    }
    value_starts();  // a number, true, false, null
  }
  return 0;  // unbalanced
}

}  // namespace jirasql
