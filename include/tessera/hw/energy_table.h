// Energy per action (Accelergy-style): what one MAC, one byte read or written at each memory
// level costs. Built from a hardware spec's own numbers, or exported by the chip model
// (chip/, NeuroMeter 003 Sec. II) so that changing the chip changes the mapping's energy.
#pragma once

#include <map>
#include <string>

#include "tessera/hw/hardware.h"

namespace tessera::hw {

struct EnergyTable {
  std::string source;                               // "spec" or the chip's name
  std::map<model::DType, double> mac_pj;            // per MAC, by operand type
  std::map<std::string, double> read_pj_per_byte;   // by memory level name
  std::map<std::string, double> write_pj_per_byte;  // by memory level name
  double vector_op_pj = 0;    // per elementwise op on the vector/special units
  double static_power_w = 0;  // leakage while the op runs

  double mac(model::DType type) const;
  double read(const std::string& level) const;  // 0 when unknown
  double write(const std::string& level) const;
};

// The table the hardware spec itself states (pe_array.mac_energy_pj, per-level energies).
EnergyTable energy_table_from_spec(const Hardware& hw);

}  // namespace tessera::hw
