// Deterministic random streams (DESIGN.md "Conventions"): a sample's stream is derived from
// (seed, sample index) alone, so the same seed gives the same answer on any thread count.
#pragma once

#include <cstdint>

namespace tessera {

// SplitMix64 finaliser: a strong 64-bit mixer used to derive independent stream seeds.
constexpr uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A small, fast generator (xoshiro256**) seeded from (seed, stream index).
class RandomStream {
 public:
  RandomStream(uint64_t seed, uint64_t stream_index) {
    uint64_t s = mix64(seed ^ mix64(stream_index + 0x632be59bd9b4e019ULL));
    for (auto& word : state_) {
      s = mix64(s);
      word = s;
    }
  }
  uint64_t next_u64() {
    uint64_t result = rotl(state_[1] * 5, 7) * 9;
    uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }
  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  // Uniform integer in [0, bound), bound > 0.
  uint64_t below(uint64_t bound) { return next_u64() % bound; }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t state_[4];
};

}  // namespace tessera
