// Inline vector math shared by the baseline kernels and the NLP-Opt blocks, so both paths pay
// the same per-element cost. Everything here is branch-free and written for `omp simd`: an
// out-of-line exp (one call per element) or a plain float reduction (which the compiler may not
// reorder) keeps softmax scalar, about 10x slower than the vectorised loop. Reductions use a
// fixed vector-lane order, so results do not depend on the thread count.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace tessera::run {

// Cephes expf: Cody-Waite range reduction to [-ln2/2, ln2/2] and a degree-6 polynomial
// (relative error < 2e-7 on [-87, 88]; 0 below). Needs IEEE rounding (no -ffast-math).
inline float exp_approx(float x) {
  float clamped = std::min(std::max(x, -87.3f), 88.3f);
  // Round to nearest by adding and subtracting 1.5 * 2^23 (std::floor blocks vectorisation in
  // GCC 12; the reduced argument stays within [-ln2/2, ln2/2] either way).
  float n = (clamped * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  float f = clamped - n * 0.693359375f + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * f + 1.3981999507e-3f;
  p = p * f + 8.3334519073e-3f;
  p = p * f + 4.1665795894e-2f;
  p = p * f + 1.6666665459e-1f;
  p = p * f + 5.0000001201e-1f;
  p = p * f * f + f + 1.0f;
  float scale = std::bit_cast<float>((static_cast<int32_t>(n) + 127) << 23);
  return x < -87.3f ? 0.0f : p * scale;
}

// Max reductions use a 16-lane GCC/Clang vector type: neither `omp simd reduction(max)` nor a
// lane array vectorises in GCC 12 (the scalar vmaxss chain was half the NLP-Opt attention's
// time).
using Lanes16 = float __attribute__((vector_size(64)));

inline Lanes16 lanes_filled(float v) { return Lanes16{} + v; }

inline float max_of(const float* x, int64_t n) {
  constexpr float kNegInf = -std::numeric_limits<float>::infinity();
  Lanes16 acc = lanes_filled(kNegInf);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    Lanes16 v;
    std::memcpy(&v, x + i, sizeof v);
    acc = v > acc ? v : acc;
  }
  float m = kNegInf;
  for (int l = 0; l < 16; ++l) m = acc[l] > m ? acc[l] : m;
  for (; i < n; ++i) m = x[i] > m ? x[i] : m;
  return m;
}

// y[i] = exp(x[i] - shift); returns the sum (x and y may alias).
inline float exp_shift_sum(const float* x, float shift, float* y, int64_t n) {
  float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
  for (int64_t i = 0; i < n; ++i) {
    float e = exp_approx(x[i] - shift);
    y[i] = e;
    sum += e;
  }
  return sum;
}

// Zero skipping: the largest x[i] >= threshold (-inf when none).
inline float masked_max_of(const float* x, float threshold, int64_t n) {
  constexpr float kNegInf = -std::numeric_limits<float>::infinity();
  Lanes16 acc = lanes_filled(kNegInf), t = lanes_filled(threshold);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    Lanes16 v;
    std::memcpy(&v, x + i, sizeof v);
    Lanes16 kept = v >= t ? v : acc;
    acc = kept > acc ? kept : acc;
  }
  float m = kNegInf;
  for (int l = 0; l < 16; ++l) m = acc[l] > m ? acc[l] : m;
  for (; i < n; ++i)
    if (x[i] >= threshold && x[i] > m) m = x[i];
  return m;
}

// y[i] = x[i] >= threshold ? exp(x[i] - shift) : 0; returns the sum and counts the kept scores.
inline float masked_exp_shift_sum(const float* x, float threshold, float shift, float* y, int64_t n,
                                  int64_t& kept) {
  float sum = 0.0f;
  int32_t count = 0;
#pragma omp simd reduction(+ : sum, count)
  for (int64_t i = 0; i < n; ++i) {
    bool keep = x[i] >= threshold;
    float e = keep ? exp_approx(x[i] - shift) : 0.0f;
    count += keep ? 1 : 0;
    y[i] = e;
    sum += e;
  }
  kept += count;
  return sum;
}

inline void scale_in_place(float* x, float factor, int64_t n) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) x[i] *= factor;
}

}  // namespace tessera::run
