#include "common/time.h"

#include <cctype>
#include <cstring>
#include <ctime>
#include <string>
#include <thread>

#include "common/strings.h"

namespace jirasql {

namespace {

class RealClockImpl final : public Clock {
 public:
  SystemTime Now() const override { return std::chrono::system_clock::now(); }
};

class RealSleeperImpl final : public Sleeper {
 public:
  void Sleep(Duration d) override { std::this_thread::sleep_for(d); }
};

int MonthIndex(std::string_view m) {
  static const char* kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  for (int i = 0; i < 12; ++i) {
    if (EqualsIgnoreCase(m, kMonths[i])) return i;
  }
  return -1;
}

// Milliseconds since the epoch of a UTC calendar time; int64 milliseconds
// hold every year to 9999 (nanoseconds would stop at 2262).
std::optional<int64_t> FromUtc(int year, int mon0, int day, int h, int m, int s) {
  if (year < 1970 || year > 9999 || mon0 < 0 || mon0 > 11 || day < 1 || day > 31 || h < 0 || h > 23 || m < 0 ||
      m > 59 || s < 0 || s > 60) {
    return std::nullopt;
  }
  // Calendar arithmetic (what timegm does, without its library call): a
  // day past the month's end runs on into the next, as timegm's does.
  namespace c = std::chrono;
  const c::sys_days first{c::year_month_day{c::year{year}, c::month{static_cast<unsigned>(mon0 + 1)}, c::day{1}}};
  const c::sys_seconds t = first + c::days{day - 1} + c::hours{h} + c::minutes{m} + c::seconds{s};
  return static_cast<int64_t>(t.time_since_epoch().count()) * 1000;
}

// A time point when SystemTime holds it.
std::optional<SystemTime> AsSystemTime(std::optional<int64_t> ms) {
  using Ms = std::chrono::milliseconds;
  constexpr int64_t kMax = std::chrono::duration_cast<Ms>(SystemTime::duration::max()).count();
  if (!ms || *ms > kMax) return std::nullopt;
  return SystemTime(std::chrono::duration_cast<SystemTime::duration>(Ms(*ms)));
}

// Reads exactly `n` digits at `pos`.
std::optional<int> Digits(std::string_view s, std::size_t& pos, std::size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned d = static_cast<unsigned char>(s[pos + i]) - unsigned{'0'};  // not std::isdigit: no locale
    if (d > 9) return std::nullopt;
    v = v * 10 + static_cast<int>(d);
  }
  pos += n;
  return v;
}

bool Expect(std::string_view s, std::size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

}  // namespace

Clock& SystemClock() {
  static RealClockImpl clock;
  return clock;
}

Sleeper& RealSleeper() {
  static RealSleeperImpl sleeper;
  return sleeper;
}

std::optional<SystemTime> ParseHttpDate(std::string_view input) {
  std::string s(Trim(input));
  char wkday[16] = {}, mon[4] = {}, tz[8] = {};
  int day = 0, year = 0, h = 0, m = 0, sec = 0;
  int consumed = 0;
  // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
  if (std::sscanf(s.c_str(), "%15[A-Za-z], %2d %3s %4d %2d:%2d:%2d %7s%n", wkday, &day, mon, &year, &h, &m, &sec, tz,
                  &consumed) == 8 &&
      consumed == static_cast<int>(s.size()) && std::strcmp(tz, "GMT") == 0) {
    return AsSystemTime(FromUtc(year, MonthIndex(mon), day, h, m, sec));
  }
  // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
  if (std::sscanf(s.c_str(), "%15[A-Za-z], %2d-%3s-%2d %2d:%2d:%2d %7s%n", wkday, &day, mon, &year, &h, &m, &sec, tz,
                  &consumed) == 8 &&
      consumed == static_cast<int>(s.size()) && std::strcmp(tz, "GMT") == 0) {
    year += year < 70 ? 2000 : 1900;
    return AsSystemTime(FromUtc(year, MonthIndex(mon), day, h, m, sec));
  }
  // asctime: Sun Nov  6 08:49:37 1994
  if (std::sscanf(s.c_str(), "%15[A-Za-z] %3s %2d %2d:%2d:%2d %4d%n", wkday, mon, &day, &h, &m, &sec, &year,
                  &consumed) == 7 &&
      consumed == static_cast<int>(s.size())) {
    return AsSystemTime(FromUtc(year, MonthIndex(mon), day, h, m, sec));
  }
  return std::nullopt;
}

std::optional<SystemTime> ParseIso8601(std::string_view input) { return AsSystemTime(ParseIso8601Ms(input)); }

std::optional<int64_t> ParseIso8601Ms(std::string_view input) {
  std::string_view s = Trim(input);
  std::size_t pos = 0;
  auto year = Digits(s, pos, 4);
  if (!year || !Expect(s, pos, '-')) return std::nullopt;
  auto mon = Digits(s, pos, 2);
  if (!mon || !Expect(s, pos, '-')) return std::nullopt;
  auto day = Digits(s, pos, 2);
  if (!day || !(Expect(s, pos, 'T') || Expect(s, pos, 't') || Expect(s, pos, ' '))) return std::nullopt;
  auto hour = Digits(s, pos, 2);
  if (!hour || !Expect(s, pos, ':')) return std::nullopt;
  auto minute = Digits(s, pos, 2);
  if (!minute) return std::nullopt;
  int second = 0;
  int64_t frac_ms = 0;
  if (Expect(s, pos, ':')) {
    auto sec = Digits(s, pos, 2);
    if (!sec) return std::nullopt;
    second = *sec;
    if (Expect(s, pos, '.')) {
      int ms = 0, n = 0;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (n < 3) ms = ms * 10 + (s[pos] - '0');
        ++n;
        ++pos;
      }
      if (n == 0) return std::nullopt;
      for (; n < 3; ++n) ms *= 10;
      frac_ms = ms;
    }
  }
  int offset_minutes = 0;
  if (Expect(s, pos, 'Z') || Expect(s, pos, 'z')) {
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int sign = s[pos] == '-' ? -1 : 1;
    ++pos;
    auto oh = Digits(s, pos, 2);
    if (!oh) return std::nullopt;
    Expect(s, pos, ':');
    auto om = Digits(s, pos, 2);
    if (!om) return std::nullopt;
    offset_minutes = sign * (*oh * 60 + *om);
  } else {
    return std::nullopt;  // a timestamp without a zone is ambiguous: refuse it
  }
  if (pos != s.size()) return std::nullopt;
  auto t = FromUtc(*year, *mon - 1, *day, *hour, *minute, second);
  if (!t) return std::nullopt;
  return *t + frac_ms - int64_t{offset_minutes} * 60'000;
}

}  // namespace jirasql
