// Private: FLOPs per element of the vector (non-matmul) ops. One table, so every consumer
// agrees on what "the FLOPs of a Softmax" are.
#pragma once

#include "tessera/model/op_kind.h"

namespace tessera::workload {

// FLOPs per output element (per input element for reductions). Zero for data movement.
double flops_per_element(model::OpKind kind);

}  // namespace tessera::workload
