// Runtime power from activity (NeuroMeter 003 Sec. II, Fig. 1 "runtime statistics"): the chip
// supplies energies per action and leakage, a perf::Cost (or explicit activity counts)
// supplies what happened; power = leakage + sum(actions x energy) / time, per component.
#pragma once

#include <map>
#include <string>

#include "tessera/chip/chip_model.h"
#include "tessera/perf/cost.h"

namespace tessera::perf {

// What ran during `seconds` (NeuroMeter's activity factors, as counts).
struct Activity {
  double seconds = 0;
  double macs = 0;                               // on the TUs/RTs (non-zero operands)
  double busy_cell_cycles = 0;                   // TU cell-cycles busy (0 = equal to macs)
  std::map<std::string, double> read_bytes;      // by memory name (spec memories, "dram")
  std::map<std::string, double> write_bytes;
  double vector_lane_ops = 0;
  double bus_transfers = 0;                      // CDB transfers (0 = one per busy TU cycle)
  double noc_flit_hops = 0;
};

struct RuntimePower {
  double total_w = 0;
  double leakage_w = 0;
  double energy_j = 0;
  std::map<std::string, double> by_component_w;  // dynamic + leakage of each component
};

// Throws tessera::Error when seconds <= 0 or a count is negative or names an unknown memory.
RuntimePower runtime_power(const chip::ChipReport& chip, const Activity& activity);
// Activity from an evaluator's Cost: latency, traffic per level (level names matched to the
// chip's memories and "dram") and MACs = utilisation x peak MAC rate x latency.
Activity activity_from_cost(const chip::ChipReport& chip, const Cost& cost);

}  // namespace tessera::perf
