// Chip assembly (NeuroMeter 003 Sec. II-A, Fig. 2): a spec becomes components (TU, RT, VU,
// VReg, CDB, Mem, SU, IFU/LSU per core; NoC, memory controllers with PHYs, PCIe, chip links,
// DMA, white space per chip), each with area, TDP, leakage, critical path and energy per
// action. When the spec gives a target TOPS instead of a clock, the clock is searched: the
// lowest clock that reaches the target, verified against every component's timing.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "tessera/chip/chip_spec.h"
#include "tessera/chip/technology.h"

namespace tessera::chip {

struct ComponentReport {
  std::string name;       // "tensor_unit", "memory:unified_buffer", "noc", ...
  int64_t instances = 1;  // on the chip (totals below cover all of them)
  double area_mm2 = 0;
  double dynamic_w = 0;        // busy every cycle (peak access rate) with random data
  double leakage_w = 0;        // at 85 C junction temperature
  double tdp_w = 0;            // dynamic_w + leakage_w (McPAT's TDP convention, see evaluate_chip)
  double critical_path_s = 0;  // longest stage after pipelining
  int64_t pipeline_stages = 1;
  std::map<std::string, double> energy_pj;  // per action of one instance
  std::string detail;
  std::vector<ComponentReport> parts;  // optional sub-breakdown
};

struct ChipReport {
  ChipSpec spec;
  Technology technology;
  double clock_hz = 0;
  double max_clock_hz = 0;  // the fastest clock every component meets
  double peak_tops = 0;     // 2 ops per MAC
  double area_mm2 = 0;      // including white space
  double white_space_mm2 = 0;
  double tdp_w = 0;  // the die: sum of the components' tdp_w
  double leakage_w = 0;
  // Full-bandwidth power of DRAM devices in the package (HBM stacks under the same lid);
  // package_tdp_w = tdp_w + in_package_dram_w is what a published chip TDP is compared to.
  double in_package_dram_w = 0;
  double package_tdp_w = 0;
  std::string critical_component;
  double critical_path_s = 0;
  std::vector<ComponentReport> components;
  std::vector<std::string> notes;

  const ComponentReport* find(const std::string& name) const;  // null if absent
  double area_share(const std::string& name) const;            // of area_mm2
  double tdp_share(const std::string& name) const;
};

// Evaluates the spec. TDP follows McPAT's convention (its "max power" activity factors):
// every unit at its peak access rate (duty cycle 1: a saturated systolic accelerator keeps
// every unit busy) with the random data the per-action energies assume (data bits toggle
// with activity 0.5, clock pins every cycle), plus leakage at 85 C; no power-virus data. Throws
// tessera::Error for bad specs, unmeetable targets (TOPS beyond the timing of the slowest
// component, area or power over budget) naming the constraint.
ChipReport evaluate_chip(const ChipSpec& spec);

// The technology a spec asks for (table node or base node with overrides).
Technology resolve_technology(const TechnologySpec& spec);

}  // namespace tessera::chip
