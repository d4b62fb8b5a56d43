// Vector Unit (NeuroMeter 003 Sec. II-A): 1-D lanes for pooling, activation, normalisation
// and partial-sum merging. By default the lane count equals the tensor-unit width.
#include <algorithm>
#include <cmath>

#include "chip/components.h"
#include "tessera/chip/circuits.h"

namespace tessera::chip {

int64_t vector_lanes(const ChipSpec& spec) {
  if (spec.vector_unit.lanes >= 0) return spec.vector_unit.lanes;
  if (spec.tensor_unit.cols > 0) return spec.tensor_unit.cols;
  return spec.reduction_tree.inputs > 0 ? spec.reduction_tree.inputs : 0;
}

ComponentReport vector_unit(const CoreContext& c) {
  const auto& vu = c.spec.vector_unit;
  const Technology& t = c.tech;
  const double lanes = static_cast<double>(vector_lanes(c.spec) * std::max<int64_t>(1, vu.sublanes));
  const int64_t bits = model::dtype_bytes(vu.dtype) * 8;
  // One lane: a multiplier and an adder of the VU type (FMA-style), three operand
  // registers, a comparator/shifter for pooling and activation (~ an adder), lane control.
  const Block mul = multiplier(t, vu.dtype), add = adder(t, vu.dtype);
  const Block regs = flip_flops(t, 3 * bits);
  const Block ctl = random_logic(t, 300, 0.2);
  const double period = 1.0 / c.clock_hz;
  const double path = mul.delay_s + add.delay_s + regs.delay_s;
  const int64_t stages = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(path / period)));
  const Block pipe = flip_flops(t, (stages - 1) * 2 * bits);
  ComponentReport r;
  r.name = "vector_unit";
  r.detail = std::to_string(static_cast<int64_t>(lanes)) + " lanes " +
             std::string(model::dtype_name(vu.dtype));
  const double e_lane = mul.energy_pj + 2 * add.energy_pj + regs.energy_pj + ctl.energy_pj +
                        pipe.energy_pj;
  r.energy_pj["lane_op"] = e_lane;
  r.dynamic_w = lanes * e_lane * 1e-12 * c.clock_hz;
  r.area_mm2 = lanes * (mul.area_um2 + 2 * add.area_um2 + regs.area_um2 + ctl.area_um2 +
                        pipe.area_um2) * 1e-6;
  r.leakage_w = lanes * (mul.leakage_w + 2 * add.leakage_w + regs.leakage_w + ctl.leakage_w +
                         pipe.leakage_w);
  r.critical_path_s = path / static_cast<double>(stages);
  r.pipeline_stages = stages;
  return r;
}

}  // namespace tessera::chip
