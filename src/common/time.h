#pragma once
/// Time as a seam: code that waits or compares against "now" takes a `Clock`
/// and a `Sleeper`, so that tests make time pass without sleeping.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace jirasql {

using SystemTime = std::chrono::system_clock::time_point;

/// Milliseconds since the Unix epoch.
inline int64_t EpochMs(SystemTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
using Duration = std::chrono::milliseconds;

/// Source of the current wall-clock time.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual SystemTime Now() const = 0;
};

/// Blocks the calling thread for a while.
class Sleeper {
 public:
  virtual ~Sleeper() = default;
  virtual void Sleep(Duration d) = 0;
};

/// The real clock and sleeper, shared process-wide.
Clock& SystemClock();
Sleeper& RealSleeper();

/// Parses an HTTP date (RFC 9110 §5.6.7: IMF-fixdate, and the obsolete
/// RFC 850 and asctime forms).
std::optional<SystemTime> ParseHttpDate(std::string_view s);

/// Parses an ISO 8601 timestamp: `yyyy-MM-ddTHH:mm[:ss[.fff]]` followed by
/// `Z`, `±HH:MM` or `±HHMM` (Atlassian's `X-RateLimit-Reset` is
/// `yyyy-MM-ddTHH:mmZ`), years 1970 to 9999, as milliseconds since the
/// epoch. Jira's "never" dates (9999-12-31) are beyond what a
/// `SystemTime` holds (nanoseconds, to 2262): values read from Jira go
/// through this one.
std::optional<int64_t> ParseIso8601Ms(std::string_view s);

/// The same as a `SystemTime`; nullopt past 2262, where it cannot hold it.
std::optional<SystemTime> ParseIso8601(std::string_view s);

}  // namespace jirasql
