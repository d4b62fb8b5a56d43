// Cost: the answer of an evaluator for one (op, hardware, mapping) (DESIGN.md "Cost"): time,
// energy by component, accesses per memory level, utilisation and which roof bounds it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tessera::perf {

enum class Bound : uint8_t {
  Compute,      // matrix or vector peak
  Memory,       // a memory level's bandwidth
  Host,         // ran on the host CPU (offloaded)
  Overhead,     // fill/drain, latency, quantisation
  Unsupported,  // nothing can run it: flagged, never a silent zero
};
std::string_view bound_name(Bound bound);

struct LevelTraffic {
  std::string level;
  int64_t read_bytes = 0;
  int64_t write_bytes = 0;
};

struct Cost {
  double latency_s = 0;
  double cycles = 0;     // at the hardware clock (0 if it has none)
  double energy_j = -1;  // < 0 = unknown for this hardware
  std::map<std::string, double> energy_by_component_j;
  std::vector<LevelTraffic> traffic;
  double utilization = 0;  // achieved / peak ops of the unit that ran it
  Bound bound = Bound::Compute;
  std::string unit;                           // "matrix", "vector", "special", "host", "none"
  double attainable_ops_per_s = 0;            // roofline: min(C_max, I * b)
  double intensity = 0;                       // ops per byte at the level that bounds it
  std::map<std::string, double> breakdown_s;  // e.g. {"compute", "memory", "host", "quantize"}
  std::string note;

  bool has_energy() const { return energy_j >= 0; }
  bool supported() const { return bound != Bound::Unsupported; }
};

}  // namespace tessera::perf
