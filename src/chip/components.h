// Component models of the chip (private to chip/). Each returns one ComponentReport for ONE
// instance at `clock_hz`; chip_model.cc multiplies by the instance count.
#pragma once

#include <vector>

#include "tessera/chip/chip_model.h"

namespace tessera::chip {

struct CoreContext {
  const Technology& tech;
  const ChipSpec& spec;
  double clock_hz;
};

ComponentReport tensor_unit(const CoreContext& c);
ComponentReport reduction_tree(const CoreContext& c);
int64_t vector_lanes(const ChipSpec& spec);
ComponentReport vector_unit(const CoreContext& c);
// Vector register file with 2R+1W ports per attached functional unit.
ComponentReport vector_registers(const CoreContext& c);
// On-chip memory with banks and ports chosen for the throughput and latency target.
ComponentReport memory(const CoreContext& c, const MemorySpec& m);
ComponentReport scalar_unit(const CoreContext& c);
ComponentReport ifu_lsu(const CoreContext& c);
// Central data bus: one link per unit attached to the VReg, as wide as the unit's port and as
// long as the square root of the unit's area (NeuroMeter 003 Sec. II-A).
struct BusLink {
  int64_t bits = 0;
  double unit_area_mm2 = 0;
  double transfers_per_cycle = 1;
};
ComponentReport central_data_bus(const CoreContext& c, const std::vector<BusLink>& links);
// Network on chip between `cores` tiles of `tile_area_mm2`.
ComponentReport noc(const CoreContext& c, double tile_area_mm2);
std::vector<ComponentReport> periphery(const CoreContext& c);
// Full-bandwidth power of DRAM devices inside the package (HBM stacks); 0 for board DRAM.
double in_package_dram_w(const ChipSpec& spec);
// Global clock H-tree and leaf wiring over a die of `die_mm2` with `logic_mm2` of clocked
// standard-cell logic (memory arrays excluded); activity 1.
ComponentReport clock_network(const CoreContext& c, double die_mm2, double logic_mm2);

// Helpers shared by the component files.
ComponentReport from_block(const std::string& name, double area_um2, double dynamic_w,
                           double leakage_w, double delay_s);
void add_part(ComponentReport& parent, ComponentReport part);

}  // namespace tessera::chip
