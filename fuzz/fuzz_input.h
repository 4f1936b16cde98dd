#pragma once
// A little reader over a fuzzer's bytes, for targets that build structured
// input (our own; no dependency on clang's FuzzedDataProvider, so that the
// same targets build with GCC for the regression runner).

#include <cstddef>
#include <cstdint>
#include <string>

namespace jirasql::fuzz {

class Input {
 public:
  Input(const uint8_t* data, std::size_t size) : p_(data), n_(size) {}
  bool empty() const { return n_ == 0; }
  uint8_t Byte() {
    if (n_ == 0) return 0;
    --n_;
    return *p_++;
  }
  int64_t Int() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | Byte();
    return static_cast<int64_t>(v);
  }
  double Real() {
    int64_t bits = Int();
    double d;
    static_assert(sizeof d == sizeof bits);
    __builtin_memcpy(&d, &bits, sizeof d);
    return d;
  }
  // Text up to a 0 byte (or the end).
  std::string Text() {
    std::string s;
    while (n_ > 0) {
      uint8_t c = Byte();
      if (c == 0) break;
      s.push_back(static_cast<char>(c));
    }
    return s;
  }
  std::string Rest() {
    std::string s(reinterpret_cast<const char*>(p_), n_);
    n_ = 0;
    return s;
  }

 private:
  const uint8_t* p_;
  std::size_t n_;
};

// A failed property check: abort, so that libFuzzer keeps the input and the
// regression runner fails.
[[noreturn]] void Violated(const char* what, const std::string& detail);

}  // namespace jirasql::fuzz
