// Nest analysis (Timeloop-style reuse analysis, 001 Sec. 5.4): for one mapping, the fills,
// reads and writes of every tensor at every level, compute and bandwidth cycles, latency with
// overlap, utilisation, energy = Σ accesses × energy per access, and EDP. Counts are exact for
// rectangular tiles, partial tiles of non-divisible sizes included. Convolution inputs slide:
// a tile fetches only what the previous one did not hold (Timeloop's delta fills; exact tilings
// only, otherwise each tile's halo is refetched). Counts match Timeloop's reference outputs
// (tests/golden/map_timeloop_test.cc, docs/mapper.md "Timeloop side by side"). Allocation-free.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "tessera/map/mapping.h"

namespace tessera::map {

enum class Validity : uint8_t { Valid, OverCapacity, OverArray, BadFactors };
std::string_view validity_name(Validity v);

struct NestResult {
  Validity validity = Validity::Valid;
  int failing_level = -1;  // the level over capacity, when OverCapacity
  std::array<std::array<int64_t, kTensors>, kMaxLevels> reads{}, writes{};  // elements
  std::array<std::array<int64_t, kTensors>, kMaxLevels> fills{};  // elements into each level
  // Outputs only: partial-sum updates arriving from below (MACs or the child level), the part
  // of `writes` that is not a refill of a spilled partial sum. Timeloop's "updates".
  std::array<int64_t, kMaxLevels> updates{};
  std::array<int64_t, kMaxLevels> footprint_bytes{};  // per instance, double buffering included
  std::array<double, kMaxLevels> level_cycles{};      // bandwidth-bound cycles per level
  std::array<double, kMaxLevels> level_energy_pj{};
  int64_t macs = 0;
  double compute_cycles = 0;   // array steps, partial tiles included
  double overhead_cycles = 0;  // systolic fill/drain per pass of the array block
  double cycles = 0;           // max(compute, bandwidth) + overhead
  double latency_s = 0, energy_pj = 0, mac_energy_pj = 0;
  double utilization = 0;

  bool valid() const { return validity == Validity::Valid; }
  double energy_j() const { return energy_pj * 1e-12; }
  double edp() const { return energy_j() * latency_s; }  // J·s
};

// Capacity and array checks only (cheap pre-check before the full analysis).
Validity check_mapping(const LoopProblem& problem, const MapArch& arch, const Mapping& mapping,
                       int* failing_level = nullptr);
// Bytes one instance of `level` holds under `mapping` (double buffering included).
int64_t level_footprint_bytes(const LoopProblem& problem, const MapArch& arch,
                              const Mapping& mapping, int level);
// Full analysis; `result.validity` says whether the mapping fits.
void analyze_nest(const LoopProblem& problem, const MapArch& arch, const Mapping& mapping,
                  NestResult& result);
NestResult analyze_nest(const LoopProblem& problem, const MapArch& arch, const Mapping& mapping);

}  // namespace tessera::map
