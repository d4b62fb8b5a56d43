// Reduction Tree (NeuroMeter 003 Sec. II-A): an N-input 1-D multiplier array feeding a
// log2(N)-level tree of 2:1 adders, with flip-flops between levels where one cycle cannot
// cover them.
#include <cmath>

#include "chip/components.h"
#include "tessera/chip/circuits.h"

namespace tessera::chip {

ComponentReport reduction_tree(const CoreContext& c) {
  const auto& rt = c.spec.reduction_tree;
  const Technology& t = c.tech;
  const double period = 1.0 / c.clock_hz;
  const double n = static_cast<double>(rt.inputs);
  const int64_t op_bits = model::dtype_bytes(rt.dtype) * 8;
  const int64_t acc_bits = model::dtype_bytes(rt.accumulator) * 8;
  const Block mul = multiplier(t, rt.dtype);
  const Block add = adder(t, rt.accumulator);
  const Block in_regs = flip_flops(t, 2 * op_bits);  // operand latches per input
  const int64_t levels = static_cast<int64_t>(std::ceil(std::log2(std::max(2.0, n))));
  // Wires: the tree is laid out as an H-tree over a 2-D block, so level l spans
  // 2^(l/2) input pitches.
  const double input_pitch_m = std::sqrt(mul.area_um2 + add.area_um2 + in_regs.area_um2) * 1e-6;
  const Block reg = flip_flops(t, acc_bits);
  [[maybe_unused]] double levels_per_stage = 0;
  double stage_delay = mul.delay_s + reg.delay_s, worst = 0;
  int64_t stages = 1, level_regs = 0;
  double wire_energy = 0, wire_area = 0;
  for (int64_t l = 0; l < levels; ++l) {
    const double adders = std::ceil(n / std::pow(2.0, static_cast<double>(l + 1)));
    const Block w = wire(t, WireLayer::Global, input_pitch_m * std::pow(2.0, 0.5 * double(l)),
                        2 * acc_bits);
    wire_energy += adders * w.energy_pj;
    wire_area += adders * w.area_um2;
    const double step = add.delay_s + w.delay_s;
    if (stage_delay + step > period) {
      worst = std::max(worst, stage_delay);
      ++stages;
      level_regs += static_cast<int64_t>(adders) * 2;
      stage_delay = reg.delay_s + step;
      levels_per_stage = 1;
    } else {
      stage_delay += step;
      levels_per_stage += 1;
    }
  }
  worst = std::max(worst, stage_delay);
  const Block pipe = flip_flops(t, level_regs * acc_bits);
  const double adders_total = n - 1;

  ComponentReport r;
  r.name = "reduction_tree";
  r.detail = std::to_string(rt.inputs) + "-to-1 " + std::string(model::dtype_name(rt.dtype)) +
             ", " + std::to_string(stages) + " stages";
  const double e_cycle = n * (mul.energy_pj + in_regs.energy_pj) + adders_total * add.energy_pj +
                         wire_energy + pipe.energy_pj + reg.energy_pj;
  r.energy_pj["mac"] = e_cycle / n;
  r.energy_pj["cycle"] = e_cycle;
  r.dynamic_w = e_cycle * 1e-12 * c.clock_hz;
  r.area_mm2 = (n * (mul.area_um2 + in_regs.area_um2) + adders_total * add.area_um2 + wire_area +
                pipe.area_um2 + reg.area_um2) * 1e-6;
  r.leakage_w = n * (mul.leakage_w + in_regs.leakage_w) + adders_total * add.leakage_w +
                pipe.leakage_w + reg.leakage_w;
  r.critical_path_s = worst;
  r.pipeline_stages = stages;
  return r;
}

}  // namespace tessera::chip
