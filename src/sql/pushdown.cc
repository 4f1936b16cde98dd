#include "sql/pushdown.h"

#include <cctype>
#include <cmath>
#include <ctime>
#include <regex>

#include "common/strings.h"
#include "jira/jql.h"

namespace jirasql {

namespace {

constexpr int64_t kMinuteMs = 60000;
constexpr int64_t kDayMs = 86400000;
// The widest UTC offsets in use (Baker Island, Line Islands).
constexpr int kWidestWest = -12 * 3600, kWidestEast = 14 * 3600;

}  // namespace

std::string UnknownZoneWidening() {
  return "lower bounds " + std::to_string(-kWidestWest / 3600) + " hours earlier and upper bounds " +
         std::to_string(kWidestEast / 3600) + " hours later";
}

namespace {

int64_t FloorDiv(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

std::optional<std::string> TextOf(const SqlValue& v) {
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  return std::nullopt;
}

// An integer the value equals, for an INTEGER column (text is read the way
// SQLite's affinity would, but only when it is plainly an integer).
std::optional<int64_t> ExactInt(const SqlValue& v) {
  if (auto* i = std::get_if<int64_t>(&v)) return *i;
  if (auto* d = std::get_if<double>(&v)) {
    if (std::isfinite(*d) && std::floor(*d) == *d && std::fabs(*d) < 9e15) return static_cast<int64_t>(*d);
    return std::nullopt;
  }
  if (auto* s = std::get_if<std::string>(&v)) {
    if (auto n = ParseInt(*s)) return *n;
  }
  return std::nullopt;
}

std::optional<double> Number(const SqlValue& v) {
  if (auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  if (auto* d = std::get_if<double>(&v)) return std::isfinite(*d) ? std::optional<double>(*d) : std::nullopt;
  if (auto* s = std::get_if<std::string>(&v)) {
    if (auto n = ParseInt(*s)) return static_cast<double>(*n);
  }
  return std::nullopt;
}

bool LooksLikeIssueKey(const std::string& s) {
  auto dash = s.rfind('-');
  if (dash == std::string::npos || dash == 0 || dash + 1 >= s.size()) return false;
  for (std::size_t i = dash + 1; i < s.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

bool Digits(const std::string& s, std::size_t from, std::size_t n) {
  if (from + n > s.size()) return false;
  for (std::size_t i = from; i < from + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// The longest prefix of `v` that is a whole date (unit: a day) or a date and
// a minute in our timestamp format (unit: a minute), as epoch ms.
struct Prefix {
  int64_t ms;
  int64_t unit;
  std::string date;  ///< "yyyy-MM-dd"
};
std::optional<Prefix> CanonicalPrefix(const std::string& v) {
  if (!(Digits(v, 0, 4) && v[4] == '-' && Digits(v, 5, 2) && v[7] == '-' && Digits(v, 8, 2))) return std::nullopt;
  std::tm tm{};
  tm.tm_year = std::stoi(v.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(v.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(v.substr(8, 2));
  if (tm.tm_year < 0 || tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31) return std::nullopt;
  // Reject dates that do not exist (2024-02-31): timegm would roll them over.
  std::tm check = tm;
  const int64_t day_ms = static_cast<int64_t>(timegm(&check)) * 1000;
  if (check.tm_mday != tm.tm_mday || check.tm_mon != tm.tm_mon) return std::nullopt;
  Prefix p{day_ms, kDayMs, v.substr(0, 10)};
  if (v.size() >= 16 && v[10] == 'T' && Digits(v, 11, 2) && v[13] == ':' && Digits(v, 14, 2)) {
    int h = std::stoi(v.substr(11, 2)), m = std::stoi(v.substr(14, 2));
    if (h < 24 && m < 60) {
      p.ms = day_ms + (h * 60 + m) * kMinuteMs;
      p.unit = kMinuteMs;
    }
  }
  return p;
}

std::string OpText(PushOp op) {
  switch (op) {
    case PushOp::kGt:
      return ">";
    case PushOp::kGe:
      return ">=";
    case PushOp::kLt:
      return "<";
    case PushOp::kLe:
      return "<=";
    default:
      return "=";
  }
}

JqlTerm Clause(const std::string& field, std::string clause) {
  JqlTerm t;
  t.field = field;
  t.clause = std::move(clause);
  return t;
}

// Values of an =/IN constraint as JQL strings; values that can never match
// are dropped through `keep`.
template <class Keep>
std::optional<JqlTerm> ValueList(const ColumnDef& col, const SqlConstraint& c, bool* nothing, Keep keep) {
  JqlTerm t;
  t.field = col.jql_field;
  for (const auto& v : c.values) {
    if (IsNull(v)) continue;  // `x = NULL` is never true
    auto s = keep(v);
    if (!s) continue;
    if (std::find(t.values.begin(), t.values.end(), *s) == t.values.end()) t.values.push_back(*s);
  }
  if (t.values.empty()) {
    *nothing = true;
    return std::nullopt;
  }
  return t;
}

std::optional<JqlTerm> TimeRange(const ColumnDef& col, const SqlConstraint& c, const PushContext& ctx) {
  if (c.values.size() != 1) return std::nullopt;
  auto* text = std::get_if<std::string>(&c.values[0]);
  if (!text) return std::nullopt;  // SQL orders numbers before text: not a time bound
  auto p = CanonicalPrefix(*text);
  if (!p) return std::nullopt;
  const bool lower = c.op == PushOp::kGt || c.op == PushOp::kGe || c.op == PushOp::kEq;
  const bool upper = c.op == PushOp::kLt || c.op == PushOp::kLe || c.op == PushOp::kEq;
  std::vector<std::string> parts;
  if (col.push == Push::kDate) {
    if (c.op == PushOp::kEq) return Clause(col.jql_field, JqlCompare(col.jql_field, "=", p->date));
    if (lower) parts.push_back(JqlCompare(col.jql_field, ">=", p->date));
    if (upper) parts.push_back(JqlCompare(col.jql_field, "<=", p->date));
  } else {
    auto offsets = [&](int64_t at) {
      if (ctx.zone) return ctx.zone->OffsetsNear(at);
      return TimeZone::Range{kWidestWest, kWidestEast};
    };
    if (lower) {
      parts.push_back(JqlCompare(col.jql_field, ">=", JqlLocalMinute(p->ms, offsets(p->ms).min_offset, false)));
    }
    if (upper) {
      const int64_t end = p->ms + p->unit;  // every matching row is before this
      parts.push_back(JqlCompare(col.jql_field, "<=", JqlLocalMinute(end, offsets(end).max_offset, true)));
    }
  }
  return Clause(col.jql_field, Join(parts, " AND "));
}

}  // namespace

std::string JqlLocalMinute(int64_t utc_ms, int offset_seconds, bool round_up) {
  int64_t local = utc_ms + int64_t{offset_seconds} * 1000;
  int64_t minute = FloorDiv(local, kMinuteMs);
  if (round_up && minute * kMinuteMs != local) ++minute;
  time_t t = static_cast<time_t>(minute * 60);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min);
  return buf;
}

const PushRule& PushRuleFor(Push push) {
  // clang-format off
  //                                  =     IN     ranges null   selective note
  static const PushRule kNone{};
  static const PushRule kId{true, true, true, false, true, ""};
  static const PushRule kIssueKey{true, true, false, false, true, ""};
  static const PushRule kName{true, true, false, true, false, ""};
  static const PushRule kTimestamp{true, false, true, true, false, " (in the Jira user's time zone)"};
  static const PushRule kDate{true, false, true, true, false, ""};
  static const PushRule kJql{true, false, false, false, false, " (the JQL itself)"};
  static const PushRule kParentIssue{true, true, false, false, true, " (reads only those issues)"};
  static const PushRule kParentId{true, true, false, false, true, " (reads only those)"};
  static const PushRule kSince{true, false, true, false, false, " (the lower bound is sent as Jira's since)"};
  // clang-format on
  switch (push) {
    case Push::kNone:
      return kNone;
    case Push::kId:
      return kId;
    case Push::kIssueKey:
      return kIssueKey;
    case Push::kName:
    case Push::kUser:
      return kName;
    case Push::kTimestamp:
      return kTimestamp;
    case Push::kDate:
      return kDate;
    case Push::kJql:
      return kJql;
    case Push::kParentIssue:
      return kParentIssue;
    case Push::kParentId:
    case Push::kParentKey:
      return kParentId;
    case Push::kSince:
      return kSince;
  }
  return kNone;
}

bool Accepts(Push push, PushOp op) {
  const PushRule& r = PushRuleFor(push);
  switch (op) {
    case PushOp::kEq:
      return r.equals;
    case PushOp::kIn:
      return r.in_lists;
    case PushOp::kGt:
    case PushOp::kGe:
    case PushOp::kLt:
    case PushOp::kLe:
      return r.ranges;
    case PushOp::kIsNull:
    case PushOp::kIsNotNull:
      return r.null_tests;
  }
  return false;
}

std::optional<JqlTerm> TranslateConstraint(const ColumnDef& col, const SqlConstraint& c, const PushContext& ctx,
                                           bool* nothing) {
  if (!Accepts(col.push, c.op)) return std::nullopt;
  const bool list = c.op == PushOp::kEq || c.op == PushOp::kIn;
  const bool range = c.op == PushOp::kGt || c.op == PushOp::kGe || c.op == PushOp::kLt || c.op == PushOp::kLe;
  const bool null_test = c.op == PushOp::kIsNull || c.op == PushOp::kIsNotNull;
  switch (col.push) {
    case Push::kId:
      if (list) {
        return ValueList(col, c, nothing, [](const SqlValue& v) -> std::optional<std::string> {
          auto n = ExactInt(v);
          return n ? std::optional<std::string>(std::to_string(*n)) : std::nullopt;
        });
      }
      if (range && c.values.size() == 1) {
        auto n = Number(c.values[0]);
        if (!n) return std::nullopt;
        // Ids are integers: id > 4.5 is id > 4, id >= 4.5 is id >= 5,
        // id < 4.5 is id < 5, id <= 4.5 is id <= 4.
        const bool floor = c.op == PushOp::kGt || c.op == PushOp::kLe;
        const double bound = floor ? std::floor(*n) : std::ceil(*n);
        if (std::fabs(bound) > 9e15) return std::nullopt;
        return Clause(col.jql_field,
                      col.jql_field + " " + OpText(c.op) + " " + std::to_string(static_cast<int64_t>(bound)));
      }
      return std::nullopt;
    case Push::kIssueKey:
      if (!list) return std::nullopt;
      return ValueList(col, c, nothing, [](const SqlValue& v) -> std::optional<std::string> {
        auto s = TextOf(v);
        return s && LooksLikeIssueKey(*s) ? s : std::nullopt;
      });
    case Push::kName:
    case Push::kUser:
      if (null_test) {
        return Clause(col.jql_field,
                      JqlField(col.jql_field) + (c.op == PushOp::kIsNull ? " is EMPTY" : " is not EMPTY"));
      }
      if (!list) return std::nullopt;
      return ValueList(col, c, nothing, [](const SqlValue& v) -> std::optional<std::string> {
        auto s = TextOf(v);
        // Jira trims names; a value with outer spaces can equal no SQL value
        // Jira returns, and an empty one is refused by JQL.
        if (!s || s->empty() || std::isspace(static_cast<unsigned char>(s->front())) ||
            std::isspace(static_cast<unsigned char>(s->back()))) {
          return std::nullopt;
        }
        return s;
      });
    case Push::kTimestamp:
    case Push::kDate:
      if (null_test) {
        return Clause(col.jql_field,
                      JqlField(col.jql_field) + (c.op == PushOp::kIsNull ? " is EMPTY" : " is not EMPTY"));
      }
      if (c.op == PushOp::kIn) return std::nullopt;
      return TimeRange(col, c, ctx);
    default:
      return std::nullopt;
  }
}

std::optional<int64_t> SinceOf(const SqlConstraint& c) {
  if (c.op != PushOp::kGt && c.op != PushOp::kGe && c.op != PushOp::kEq) return std::nullopt;
  if (c.values.size() != 1) return std::nullopt;
  auto* text = std::get_if<std::string>(&c.values[0]);
  if (!text) return std::nullopt;  // SQL orders numbers before text: not a time bound
  auto p = CanonicalPrefix(*text);
  if (!p) return std::nullopt;
  return p->ms - 1;  // since is exclusive; every matching row is at p->ms or later
}

void SplitOrderBy(const std::string& jql, std::string* where, std::string* order) {
  char quote = 0;
  for (std::size_t i = 0; i < jql.size(); ++i) {
    char c = jql[i];
    if (quote) {
      if (c == '\\')
        ++i;
      else if (c == quote)
        quote = 0;
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
      continue;
    }
    if ((i == 0 || std::isspace(static_cast<unsigned char>(jql[i - 1]))) && i + 5 <= jql.size() &&
        EqualsIgnoreCase(std::string_view(jql).substr(i, 5), "order")) {
      std::size_t j = i + 5;
      std::size_t ws = j;
      while (j < jql.size() && std::isspace(static_cast<unsigned char>(jql[j]))) ++j;
      if (j > ws && j + 2 <= jql.size() && EqualsIgnoreCase(std::string_view(jql).substr(j, 2), "by") &&
          (j + 2 == jql.size() || std::isspace(static_cast<unsigned char>(jql[j + 2])))) {
        *where = Trim(jql.substr(0, i));
        *order = Trim(jql.substr(i));
        return;
      }
    }
  }
  *where = Trim(jql);
  order->clear();
}

}  // namespace jirasql
