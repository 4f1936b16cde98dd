#include "common/tz.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iterator>

namespace jirasql {

namespace {

uint32_t Be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}
int64_t Be64(const unsigned char* p) { return static_cast<int64_t>((uint64_t{Be32(p)} << 32) | uint64_t{Be32(p + 4)}); }

bool ValidZoneName(std::string_view name) {
  if (name.empty() || name.size() > 255 || name.front() == '/' || name.find("..") != std::string_view::npos) {
    return false;
  }
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' || c == '+')) return false;
  }
  return true;
}

// [+-]hh[:mm[:ss]] -> seconds (POSIX sign: positive is west).
bool PosixOffset(std::string_view s, std::size_t& i, int* out) {
  int sign = 1;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) sign = s[i++] == '-' ? -1 : 1;
  int parts[3] = {0, 0, 0};
  for (int k = 0; k < 3; ++k) {
    if (k > 0) {
      if (i >= s.size() || s[i] != ':') break;
      ++i;
    }
    std::size_t start = i;
    int v = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) v = v * 10 + (s[i++] - '0');
    if (i == start) return false;
    parts[k] = v;
  }
  *out = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
  return true;
}

bool PosixName(std::string_view s, std::size_t& i) {
  if (i < s.size() && s[i] == '<') {
    auto end = s.find('>', i);
    if (end == std::string_view::npos) return false;
    i = end + 1;
    return true;
  }
  std::size_t start = i;
  while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
  return i - start >= 3;
}

}  // namespace

bool ParsePosixTzOffsets(std::string_view tz, int* std_offset, int* dst_offset) {
  std::size_t i = 0;
  int west = 0;
  if (!PosixName(tz, i) || !PosixOffset(tz, i, &west)) return false;
  *std_offset = -west;
  *dst_offset = *std_offset;
  if (i < tz.size() && tz[i] != ',') {
    if (!PosixName(tz, i)) return false;
    *dst_offset = *std_offset + 3600;
    if (i < tz.size() && tz[i] != ',') {
      int dst_west = 0;
      if (!PosixOffset(tz, i, &dst_west)) return false;
      *dst_offset = -dst_west;
    }
  }
  return true;
}

TimeZone TimeZone::Fixed(int offset_seconds, std::string name) {
  TimeZone z;
  z.name_ = std::move(name);
  z.initial_offset_ = z.footer_std_ = z.footer_dst_ = offset_seconds;
  z.has_footer_ = true;
  return z;
}

Result<TimeZone> TimeZone::Load(std::string_view name) {
  if (name == "UTC" || name == "Etc/UTC" || name == "GMT" || name == "Z") return Fixed(0, std::string(name));
  if (!ValidZoneName(name)) {
    return Fail(ErrorCode::kInvalidArgument,
                "'" + std::string(name) + "' is not a time zone name; use an IANA name such as Europe/Berlin");
  }
  const char* dir = std::getenv("TZDIR");
  std::string path = std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/" + std::string(name);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Fail(ErrorCode::kInvalidArgument, "time zone '" + std::string(name) + "' is not installed (" + path +
                                                 "); install tzdata or check the name");
  }
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto bad = [&] { return Fail(ErrorCode::kBadResponse, "time zone file " + path + " is not a TZif file"); };
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  std::size_t size = data.size();
  if (size < 44 || data.compare(0, 4, "TZif") != 0) return bad();

  struct Counts {
    uint32_t isut, isstd, leap, time, type, chars;
  };
  auto counts_at = [&](std::size_t off) {
    return Counts{Be32(p + off + 20), Be32(p + off + 24), Be32(p + off + 28),
                  Be32(p + off + 32), Be32(p + off + 36), Be32(p + off + 40)};
  };
  auto block_size = [](const Counts& c, std::size_t tsize) {
    return c.time * tsize + c.time + c.type * 6 + c.chars + c.leap * (tsize + 4) + c.isstd + c.isut;
  };
  std::size_t off = 0;
  std::size_t tsize = 4;
  Counts c = counts_at(0);
  if (data[4] >= '2') {  // skip the 32-bit block, read the 64-bit one
    off = 44 + block_size(c, 4);
    if (off + 44 > size || data.compare(off, 4, "TZif") != 0) return bad();
    c = counts_at(off);
    tsize = 8;
  }
  std::size_t body = off + 44;
  if (c.type == 0 || c.type > 256 || c.time > 100000 || body + block_size(c, tsize) > size) return bad();

  TimeZone z;
  z.name_ = std::string(name);
  const unsigned char* times = p + body;
  const unsigned char* idx = times + c.time * tsize;
  const unsigned char* types = idx + c.time;
  auto type_offset = [&](unsigned i) { return static_cast<int>(static_cast<int32_t>(Be32(types + i * 6))); };
  for (uint32_t i = 0; i < c.time; ++i) {
    if (idx[i] >= c.type) return bad();
    z.transitions_.push_back(tsize == 8 ? Be64(times + i * 8) : static_cast<int32_t>(Be32(times + i * 4)));
    z.offset_after_.push_back(type_offset(idx[i]));
  }
  // Before the first transition: the first non-daylight type (RFC 8536 §3.2).
  z.initial_offset_ = type_offset(0);
  if (tsize == 8) {
    std::size_t footer = body + block_size(c, tsize);
    if (footer < size && data[footer] == '\n') {
      auto end = data.find('\n', footer + 1);
      if (end != std::string::npos && end > footer + 1) {
        z.has_footer_ = ParsePosixTzOffsets(std::string_view(data).substr(footer + 1, end - footer - 1), &z.footer_std_,
                                            &z.footer_dst_);
      }
    }
  }
  if (!z.has_footer_) {
    z.footer_std_ = z.footer_dst_ = z.offset_after_.empty() ? z.initial_offset_ : z.offset_after_.back();
  }
  return z;
}

int TimeZone::OffsetAt(int64_t utc_ms) const {
  const int64_t s = utc_ms >= 0 ? utc_ms / 1000 : (utc_ms - 999) / 1000;
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), s);
  if (it == transitions_.begin()) return transitions_.empty() ? footer_std_ : initial_offset_;
  return offset_after_[static_cast<std::size_t>(it - transitions_.begin()) - 1];
}

TimeZone::Range TimeZone::OffsetsNear(int64_t utc_ms, int64_t window_ms) const {
  Range r;
  r.min_offset = r.max_offset = OffsetAt(utc_ms - window_ms);
  auto add = [&](int o) {
    r.min_offset = std::min(r.min_offset, o);
    r.max_offset = std::max(r.max_offset, o);
  };
  const int64_t lo = (utc_ms - window_ms) / 1000, hi = (utc_ms + window_ms) / 1000;
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), lo);
  for (; it != transitions_.end() && *it <= hi; ++it)
    add(offset_after_[static_cast<std::size_t>(it - transitions_.begin())]);
  // Past the last listed transition the footer rule decides; we do not
  // compute its dates, so both of its offsets are possible.
  if (transitions_.empty() || hi >= transitions_.back()) {
    add(footer_std_);
    add(footer_dst_);
  }
  return r;
}

}  // namespace jirasql
