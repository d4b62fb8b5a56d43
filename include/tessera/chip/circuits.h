// Circuit level of the chip model (NeuroMeter 003 Sec. II-B): wires as pi-RC segments with
// Elmore delay and optional repeaters, curve-fitted arithmetic units per data type, flip-flops
// and random logic counted in gate equivalents. Energies are per action with random data
// (switching activity 0.5); the chip applies the TDP activity on top (chip_model.h).
#pragma once

#include <cstdint>

#include "tessera/chip/technology.h"
#include "tessera/model/dtype.h"

namespace tessera::chip {

// Area, energy and delay of one circuit block.
struct Block {
  double area_um2 = 0;
  double energy_pj = 0;  // one action (one op, one transfer, one clocked cycle)
  double leakage_w = 0;
  double delay_s = 0;  // combinational delay through the block
};

enum class WireLayer { Local, Global };

// Elmore delay of an unrepeated pi-RC wire of `length_m` driven by a gate of `drive_ohm` into
// `load_f`: 0.69 Rd (Cw + CL) + 0.38 Rw Cw + 0.69 Rw CL.
double elmore_delay_s(const Technology& t, WireLayer layer, double length_m, double drive_ohm,
                      double load_f);
// A wire of `bits` bits and `length_m`, repeated when that is faster (Bakoglu optimal
// repeaters); energy per transfer of all bits at activity 0.5.
Block wire(const Technology& t, WireLayer layer, double length_m, int64_t bits);
// Output resistance of a minimum-size driver (from FO4 = 0.69 * R0 * 5 C0).
double min_driver_ohm(const Technology& t);

// Arithmetic units, curve-fitted to per-op energy and area at 45 nm / 0.9 V (data/chip/
// logic_fits.yaml: Horowitz ISSCC'14) and scaled by the technology. Integer adders are linear
// in width, multipliers quadratic; floating point is fitted on the mantissa width.
Block adder(const Technology& t, model::DType type);
Block multiplier(const Technology& t, model::DType type);
// Multiply-accumulate: multiplier of `operand` feeding an adder of `accumulator`.
Block mac(const Technology& t, model::DType operand, model::DType accumulator);

// `bits` flip-flops clocked every cycle (energy = clock + random data, per cycle).
Block flip_flops(const Technology& t, int64_t bits);
// Random control logic of `gates` NAND2 equivalents switching at `activity` per cycle.
Block random_logic(const Technology& t, double gates, double activity = 0.1);

// Implementation overheads shared by every synthesized block (docs/chip-model.md, "Global
// calibration constants"): standard-cell placement utilisation and the ratio between a
// placed-and-routed datapath and the Horowitz cell-level numbers.
double std_cell_area_factor();
// Synthesized (Design Compiler) over Horowitz cell-level arithmetic area.
double synthesized_area_ratio();
// Fraction of a block's dynamic energy that is clock (switches every cycle regardless of data).
double clock_energy_fraction();
// Share of a wide bus's routing-track area charged as dedicated area: buses (the CDB, NoC
// links, a memory's port route) run on the upper global layers over the blocks they join,
// one of ~4 such layers.
double bus_track_share();

}  // namespace tessera::chip
