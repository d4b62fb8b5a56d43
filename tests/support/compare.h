// Comparing engine outputs in tests: the largest absolute difference relative to the largest
// reference magnitude (the "within 1e-4 relative" for whole output tensors).
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

namespace tessera::test {

inline double max_relative_difference(const std::vector<float>& a, const std::vector<float>& b) {
  double max_ref = 0, max_diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    max_ref = std::max(max_ref, std::fabs(static_cast<double>(b[i])));
    max_diff = std::max(max_diff, std::fabs(static_cast<double>(a[i]) - b[i]));
  }
  return max_diff / max_ref;
}

}  // namespace tessera::test
