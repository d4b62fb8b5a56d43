// Overflow-checked integer arithmetic for counts (FLOPs, bytes, accesses) built from user sizes.
// DESIGN.md "Conventions": counts are int64_t and a product of user sizes that overflows is bad
// input, not undefined behaviour.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>

#include "tessera/core/error.h"

namespace tessera {

inline int64_t checked_mul(int64_t a, int64_t b, const char* what = "count") {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) {
    throw Error(std::string(what) + " overflows 64-bit integers (sizes too large)");
  }
  return r;
}

inline int64_t checked_add(int64_t a, int64_t b, const char* what = "count") {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) {
    throw Error(std::string(what) + " overflows 64-bit integers (sizes too large)");
  }
  return r;
}

inline int64_t checked_product(std::initializer_list<int64_t> values, const char* what = "count") {
  int64_t r = 1;
  for (int64_t v : values) r = checked_mul(r, v, what);
  return r;
}

inline int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

}  // namespace tessera
