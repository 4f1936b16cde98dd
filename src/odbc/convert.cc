#include "odbc/convert.h"

#include <sqlite3.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

namespace jirasql::odbc {

namespace {

constexpr std::size_t kDone = static_cast<std::size_t>(-1);
static_assert(SQLITE_NULL == 5, "Cell's default type is SQLITE_NULL");

ColumnType Make(SQLSMALLINT type, SQLULEN size, SQLSMALLINT decimals, SQLLEN octets, SQLLEN display, std::string name) {
  return ColumnType{type, size, decimals, octets, display, std::move(name)};
}

// yyyy-mm-dd[(T| )hh:mm[:ss[.f…]]][Z]: jirasql's timestamps and dates, and
// what an application may write.
struct Instant {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  uint32_t nanos = 0;
  bool has_time = false;
};

bool Num(std::string_view s, std::size_t at, std::size_t n, int* out) {
  if (at + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    const unsigned d = static_cast<unsigned char>(s[i]) - unsigned{'0'};
    if (d > 9) return false;
    v = v * 10 + static_cast<int>(d);
  }
  *out = v;
  return true;
}

bool ParseInstant(std::string_view s, Instant* t) {
  if (!Num(s, 0, 4, &t->year) || s.size() < 10 || s[4] != '-' || !Num(s, 5, 2, &t->month) || s[7] != '-' ||
      !Num(s, 8, 2, &t->day)) {
    return false;
  }
  if (t->month < 1 || t->month > 12 || t->day < 1 || t->day > 31) return false;
  std::size_t i = 10;
  if (i < s.size() && (s[i] == 'T' || s[i] == ' ')) {
    if (!Num(s, i + 1, 2, &t->hour) || i + 3 >= s.size() || s[i + 3] != ':' || !Num(s, i + 4, 2, &t->minute)) {
      return false;
    }
    t->has_time = true;
    i += 6;
    if (i < s.size() && s[i] == ':') {
      if (!Num(s, i + 1, 2, &t->second)) return false;
      i += 3;
      if (i < s.size() && s[i] == '.') {
        ++i;
        uint32_t scale = 100000000;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
          t->nanos += static_cast<uint32_t>(s[i] - '0') * scale;
          scale /= 10;
          ++i;
        }
      }
    }
    if (t->hour > 23 || t->minute > 59 || t->second > 60) return false;
  }
  if (i < s.size() && s[i] == 'Z') ++i;
  return i == s.size();
}

std::string NumberText(double d) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, r.ptr);
}

// The value as a number: an integer (`is_int`) or a double.
bool AsNumber(const Cell& c, int64_t* i, double* d, bool* is_int) {
  if (c.type == SQLITE_INTEGER) {
    *i = c.i;
    *is_int = true;
    return true;
  }
  if (c.type == SQLITE_FLOAT) {
    *d = c.d;
    *is_int = false;
    return true;
  }
  if (c.type != SQLITE_TEXT) return false;
  std::string_view t = c.text;
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  if (t.empty()) return false;
  auto r = std::from_chars(t.data(), t.data() + t.size(), *i);
  if (r.ec == std::errc() && r.ptr == t.data() + t.size()) {
    *is_int = true;
    return true;
  }
  const std::string copy(t);
  char* end = nullptr;
  *d = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || !std::isfinite(*d)) return false;
  *is_int = false;
  return true;
}

template <class T>
Outcome PutInt(const Cell& c, void* target, SQLLEN* ind) {
  int64_t i = 0;
  double d = 0;
  bool is_int = true;
  if (!AsNumber(c, &i, &d, &is_int)) return Outcome::kNotANumber;
  Outcome out = Outcome::kOk;
  if (!is_int) {
    if (!(d > -9.3e18 && d < 9.3e18)) return Outcome::kOutOfRange;
    const double whole = std::trunc(d);
    if (whole != d) out = Outcome::kFractionLost;
    i = static_cast<int64_t>(whole);
  }
  if constexpr (std::is_unsigned_v<T>) {
    if (i < 0 || static_cast<uint64_t>(i) > std::numeric_limits<T>::max()) return Outcome::kOutOfRange;
  } else {
    if (i < std::numeric_limits<T>::min() || i > std::numeric_limits<T>::max()) return Outcome::kOutOfRange;
  }
  const T v = static_cast<T>(i);
  std::memcpy(target, &v, sizeof v);
  if (ind) *ind = sizeof v;
  return out;
}

template <class T>
Outcome PutFloat(const Cell& c, void* target, SQLLEN* ind) {
  int64_t i = 0;
  double d = 0;
  bool is_int = true;
  if (!AsNumber(c, &i, &d, &is_int)) return Outcome::kNotANumber;
  if (is_int) d = static_cast<double>(i);
  if constexpr (std::is_same_v<T, float>) {
    if (std::fabs(d) > std::numeric_limits<float>::max()) return Outcome::kOutOfRange;
  }
  const T v = static_cast<T>(d);
  std::memcpy(target, &v, sizeof v);
  if (ind) *ind = sizeof v;
  return Outcome::kOk;
}

// Text or bytes in pieces: `unit` 1 (bytes, char) or 2 (UTF-16), with a
// terminating NUL of that width unless `binary`.
Outcome PutPieces(std::string_view full, std::size_t unit, bool binary, void* target, SQLLEN capacity, SQLLEN* ind,
                  std::size_t* offset) {
  const std::size_t remain = full.size() - *offset;
  if (ind) *ind = static_cast<SQLLEN>(remain);
  const std::size_t terminator = binary ? 0 : unit;
  std::size_t room = capacity > 0 ? static_cast<std::size_t>(capacity) : 0;
  room = room >= terminator ? room - terminator : 0;
  room -= room % unit;
  const std::size_t n = std::min(remain, room);
  if (target && (n > 0 || (capacity > 0 && static_cast<std::size_t>(capacity) >= terminator))) {
    auto* out = static_cast<char*>(target);
    if (n > 0) std::memcpy(out, full.data() + *offset, n);
    if (!binary) std::memset(out + n, 0, unit);
  }
  if (n < remain) {
    *offset += n;
    return Outcome::kTruncated;
  }
  *offset = kDone;
  return Outcome::kOk;
}

}  // namespace

namespace {

bool EndsWith(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

bool IsNameColumn(std::string_view name) {
  for (std::string_view tail : {"Key", "Id", "Name", "Summary", "Label", "EmailAddress"}) {
    if (EndsWith(name, tail)) return true;
  }
  return false;
}

}  // namespace

ColumnType TypeOfColumn(SqlType t, bool long_text, std::string_view name) {
  switch (t) {
    case SqlType::kInteger:
      return Make(SQL_BIGINT, 19, 0, 8, 20, "BIGINT");
    case SqlType::kReal:
      return Make(SQL_DOUBLE, 15, 0, 8, 24, "DOUBLE");
    case SqlType::kBoolean:
      return Make(SQL_BIT, 1, 0, 1, 1, "BIT");
    case SqlType::kTimestamp:
      return Make(SQL_TYPE_TIMESTAMP, 23, 3, sizeof(SQL_TIMESTAMP_STRUCT), 23, "TIMESTAMP");
    case SqlType::kDate:
      return Make(SQL_TYPE_DATE, 10, 0, sizeof(SQL_DATE_STRUCT), 10, "DATE");
    case SqlType::kJson:
      return Make(SQL_WLONGVARCHAR, kLongTextLength, 0, static_cast<SQLLEN>(kLongTextLength), kLongTextLength,
                  "WLONGVARCHAR");
    case SqlType::kText:
      break;
  }
  if (long_text) {
    return Make(SQL_WLONGVARCHAR, kLongTextLength, 0, static_cast<SQLLEN>(kLongTextLength), kLongTextLength,
                "WLONGVARCHAR");
  }
  const SQLULEN length = IsNameColumn(name) ? kNameLength : kTextLength;
  return Make(SQL_WVARCHAR, length, 0, static_cast<SQLLEN>(2 * length), static_cast<SQLLEN>(length), "WVARCHAR");
}

ColumnType TypeOfValue(int sqlite_type) {
  switch (sqlite_type) {
    case SQLITE_INTEGER:
      return TypeOfColumn(SqlType::kInteger, false);
    case SQLITE_FLOAT:
      return TypeOfColumn(SqlType::kReal, false);
    case SQLITE_BLOB:
      return Make(SQL_LONGVARBINARY, kLongTextLength, 0, static_cast<SQLLEN>(kLongTextLength), kLongTextLength,
                  "LONGVARBINARY");
    default:
      return TypeOfColumn(SqlType::kText, false);
  }
}

SQLSMALLINT DefaultCType(SQLSMALLINT sql_type) {
  switch (sql_type) {
    case SQL_BIGINT:
      return SQL_C_SBIGINT;
    case SQL_INTEGER:
      return SQL_C_SLONG;
    case SQL_SMALLINT:
      return SQL_C_SSHORT;
    case SQL_DOUBLE:
    case SQL_FLOAT:
      return SQL_C_DOUBLE;
    case SQL_REAL:
      return SQL_C_FLOAT;
    case SQL_BIT:
      return SQL_C_BIT;
    case SQL_TYPE_TIMESTAMP:
      return SQL_C_TYPE_TIMESTAMP;
    case SQL_TYPE_DATE:
      return SQL_C_TYPE_DATE;
    case SQL_TYPE_TIME:
      return SQL_C_TYPE_TIME;
    case SQL_BINARY:
    case SQL_VARBINARY:
    case SQL_LONGVARBINARY:
      return SQL_C_BINARY;
    case SQL_CHAR:
    case SQL_VARCHAR:
    case SQL_LONGVARCHAR:
    case SQL_DECIMAL:
    case SQL_NUMERIC:
      return SQL_C_CHAR;
    default:
      return SQL_C_WCHAR;
  }
}

std::string DisplayText(const Cell& cell, SQLSMALLINT sql_type) {
  switch (cell.type) {
    case SQLITE_INTEGER:
      return std::to_string(cell.i);
    case SQLITE_FLOAT:
      return NumberText(cell.d);
    case SQLITE_NULL:
      return "";
    default:
      break;
  }
  std::string t(cell.text);
  Instant at;
  if (sql_type == SQL_TYPE_TIMESTAMP && cell.type == SQLITE_TEXT && ParseInstant(t, &at)) {
    if (t.size() > 10 && t[10] == 'T') t[10] = ' ';
    if (!t.empty() && t.back() == 'Z') t.pop_back();
  }
  return t;
}

Outcome Convert(const Cell& cell, SQLSMALLINT sql_type, SQLSMALLINT ctype, void* target, SQLLEN capacity,
                SQLLEN* indicator, std::size_t* offset) {
  if (*offset == kDone) return Outcome::kNoMoreData;
  if (cell.type == SQLITE_NULL) {
    if (!indicator) return Outcome::kNeedIndicator;
    *indicator = SQL_NULL_DATA;
    *offset = kDone;
    return Outcome::kNull;
  }
  if (ctype == SQL_C_DEFAULT) ctype = DefaultCType(sql_type);
  switch (ctype) {
    case SQL_C_CHAR:
      return PutPieces(DisplayText(cell, sql_type), 1, false, target, capacity, indicator, offset);
    case SQL_C_WCHAR: {
      const std::u16string w = Utf16(DisplayText(cell, sql_type));
      return PutPieces(std::string_view(reinterpret_cast<const char*>(w.data()), w.size() * 2), 2, false, target,
                       capacity, indicator, offset);
    }
    case SQL_C_BINARY:
      if (cell.type == SQLITE_TEXT || cell.type == SQLITE_BLOB)
        return PutPieces(cell.text, 1, true, target, capacity, indicator, offset);
      return PutPieces(DisplayText(cell, sql_type), 1, true, target, capacity, indicator, offset);
    default:
      break;
  }
  Outcome out = Outcome::kOk;
  switch (ctype) {
    case SQL_C_SBIGINT:
      out = PutInt<int64_t>(cell, target, indicator);
      break;
    case SQL_C_UBIGINT:
      out = PutInt<uint64_t>(cell, target, indicator);
      break;
    case SQL_C_SLONG:
    case SQL_C_LONG:
      out = PutInt<int32_t>(cell, target, indicator);
      break;
    case SQL_C_ULONG:
      out = PutInt<uint32_t>(cell, target, indicator);
      break;
    case SQL_C_SSHORT:
    case SQL_C_SHORT:
      out = PutInt<int16_t>(cell, target, indicator);
      break;
    case SQL_C_USHORT:
      out = PutInt<uint16_t>(cell, target, indicator);
      break;
    case SQL_C_STINYINT:
    case SQL_C_TINYINT:
      out = PutInt<int8_t>(cell, target, indicator);
      break;
    case SQL_C_UTINYINT:
      out = PutInt<uint8_t>(cell, target, indicator);
      break;
    case SQL_C_BIT: {
      int64_t i = 0;
      double d = 0;
      bool is_int = true;
      if (cell.type == SQLITE_TEXT && (cell.text == "true" || cell.text == "false")) {
        i = cell.text == "true";
      } else if (!AsNumber(cell, &i, &d, &is_int)) {
        return Outcome::kNotANumber;
      } else if (!is_int) {
        if (d < 0 || d >= 2) return Outcome::kOutOfRange;
        if (d != std::trunc(d)) out = Outcome::kFractionLost;
        i = static_cast<int64_t>(d);
      }
      if (i != 0 && i != 1) return Outcome::kOutOfRange;
      const unsigned char v = static_cast<unsigned char>(i);
      std::memcpy(target, &v, 1);
      if (indicator) *indicator = 1;
      break;
    }
    case SQL_C_DOUBLE:
      out = PutFloat<double>(cell, target, indicator);
      break;
    case SQL_C_FLOAT:
      out = PutFloat<float>(cell, target, indicator);
      break;
    case SQL_C_TYPE_TIMESTAMP:
    case SQL_C_TIMESTAMP:
    case SQL_C_TYPE_DATE:
    case SQL_C_DATE:
    case SQL_C_TYPE_TIME:
    case SQL_C_TIME: {
      Instant t;
      if (cell.type != SQLITE_TEXT || !ParseInstant(cell.text, &t)) return Outcome::kNotANumber;
      if (ctype == SQL_C_TYPE_TIMESTAMP || ctype == SQL_C_TIMESTAMP) {
        SQL_TIMESTAMP_STRUCT v{};
        v.year = static_cast<SQLSMALLINT>(t.year);
        v.month = static_cast<SQLUSMALLINT>(t.month);
        v.day = static_cast<SQLUSMALLINT>(t.day);
        v.hour = static_cast<SQLUSMALLINT>(t.hour);
        v.minute = static_cast<SQLUSMALLINT>(t.minute);
        v.second = static_cast<SQLUSMALLINT>(t.second);
        v.fraction = t.nanos;
        std::memcpy(target, &v, sizeof v);
        if (indicator) *indicator = sizeof v;
      } else if (ctype == SQL_C_TYPE_DATE || ctype == SQL_C_DATE) {
        SQL_DATE_STRUCT v{};
        v.year = static_cast<SQLSMALLINT>(t.year);
        v.month = static_cast<SQLUSMALLINT>(t.month);
        v.day = static_cast<SQLUSMALLINT>(t.day);
        if (t.hour || t.minute || t.second || t.nanos) out = Outcome::kFractionLost;
        std::memcpy(target, &v, sizeof v);
        if (indicator) *indicator = sizeof v;
      } else {
        if (!t.has_time) return Outcome::kNotANumber;
        SQL_TIME_STRUCT v{};
        v.hour = static_cast<SQLUSMALLINT>(t.hour);
        v.minute = static_cast<SQLUSMALLINT>(t.minute);
        v.second = static_cast<SQLUSMALLINT>(t.second);
        if (t.nanos) out = Outcome::kFractionLost;
        std::memcpy(target, &v, sizeof v);
        if (indicator) *indicator = sizeof v;
      }
      break;
    }
    default:
      return Outcome::kUnsupportedType;
  }
  if (out == Outcome::kOk || out == Outcome::kFractionLost) *offset = kDone;
  return out;
}

std::u16string Utf16(std::string_view s) {
  std::u16string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    uint32_t cp = 0xFFFD;
    std::size_t n = 1;
    if (c < 0x80) {
      cp = c;
    } else if ((c >> 5) == 0x6 || (c >> 4) == 0xE || (c >> 3) == 0x1E) {
      const std::size_t len = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
      uint32_t v = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
      bool ok = i + len <= s.size();
      for (std::size_t k = 1; ok && k < len; ++k) {
        const unsigned char cc = static_cast<unsigned char>(s[i + k]);
        if ((cc >> 6) != 0x2) ok = false;
        v = (v << 6) | (cc & 0x3F);
      }
      const uint32_t min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
      if (ok && v >= min && v <= 0x10FFFF && !(v >= 0xD800 && v <= 0xDFFF)) {
        cp = v;
        n = len;
      }
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
    i += n;
  }
  return out;
}

std::string Utf8(const char16_t* s, std::size_t n) {
  std::string out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    uint32_t cp = s[i];
    if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < n && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) {
      cp = 0x10000 + ((cp - 0xD800) << 10) + (s[i + 1] - 0xDC00);
      ++i;
    } else if (cp >= 0xD800 && cp <= 0xDFFF) {
      cp = 0xFFFD;
    }
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  return out;
}

}  // namespace jirasql::odbc
