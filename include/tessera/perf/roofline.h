// The roofline evaluator (EfficientNet-X 004 Sec. 2, Eq. 1; NeuroMeter 003 Sec. IV):
// attainable = min(C_max, I x b) on the unit that runs the op (matrix units for matmul and
// conv, vector or special-function units for the rest, the host's own roofline for offloaded
// ops), latency = W / (attainable x E) with the execution efficiency E per op class from the
// hardware spec (default 1). Ideal traffic: each op reads its inputs and writes its outputs
// once from the outermost memory (DRAM/HBM).
#pragma once

#include "tessera/perf/evaluator.h"

namespace tessera::perf {

class RooflineEvaluator : public Evaluator {
 public:
  std::string_view name() const override { return "roofline"; }
  Cost evaluate(const workload::Op& op, const hw::Hardware& hw,
                const EvalContext& context) const override;
};

// The roofs of a piece of hardware for plots: peak per unit at a dtype and DRAM bandwidth.
struct Roofs {
  double matrix_ops_per_s = 0, vector_ops_per_s = 0, bandwidth_bytes_per_s = 0;
  double ridge_intensity() const {  // ops per byte where the matrix roof meets the slope
    return bandwidth_bytes_per_s > 0 ? matrix_ops_per_s / bandwidth_bytes_per_s : 0;
  }
};
Roofs roofs_of(const hw::Hardware& hw, model::DType dtype);

}  // namespace tessera::perf
