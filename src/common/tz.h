#pragma once
/// IANA time zones, read from the system's compiled tz database
/// (/usr/share/zoneinfo, or $TZDIR) — GCC 12's <chrono> has no tzdb, and
/// Howard Hinnant's date library as Debian 12 builds it (3.0.1, USE_OS_TZDB)
/// was measured to drop daylight time after the last transition in the file
/// (2037 in Debian's tzdata: Berlin at +01:00 in July 2040) because it does
/// not read the POSIX footer; this reader does (tz_test.cc pins it). Only
/// what the SQL -> JQL translator needs: the UTC offsets a zone may have
/// around an instant. Around a daylight-saving change a local time can mean
/// two instants; callers that must select a superset take the smallest
/// offset for a lower bound and the largest for an upper bound.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace jirasql {

class TimeZone {
 public:
  /// Loads `name` ("Europe/Berlin", "UTC"). Errors say what is wrong with the
  /// name or that the zone is not installed.
  static Result<TimeZone> Load(std::string_view name);
  /// A zone with one fixed offset (seconds east of UTC).
  static TimeZone Fixed(int offset_seconds, std::string name = "UTC");

  const std::string& name() const { return name_; }

  struct Range {
    int min_offset = 0;  ///< seconds east of UTC
    int max_offset = 0;
  };
  /// Every offset the zone uses at some instant within `window_ms` of
  /// `utc_ms`, as its smallest and largest.
  Range OffsetsNear(int64_t utc_ms, int64_t window_ms = 86400000) const;
  /// The offset in effect at `utc_ms`.
  int OffsetAt(int64_t utc_ms) const;

 private:
  std::string name_;
  std::vector<int64_t> transitions_;  ///< UTC seconds, ascending
  std::vector<int> offset_after_;     ///< offset from transitions_[i] on
  int initial_offset_ = 0;            ///< before the first transition
  // After the last transition: the footer rule's standard and daylight
  // offsets (equal when the zone keeps no daylight time).
  int footer_std_ = 0, footer_dst_ = 0;
  bool has_footer_ = false;
};

/// Parses the offsets out of a POSIX TZ string ("CET-1CEST,M3.5.0,M10.5.0/3",
/// "<+10>-10"): standard and daylight offsets in seconds east of UTC.
bool ParsePosixTzOffsets(std::string_view tz, int* std_offset, int* dst_offset);

}  // namespace jirasql
