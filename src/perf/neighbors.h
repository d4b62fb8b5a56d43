// Producer/consumer questions about a lowered workload that the analytical model asks (001
// Sec. 3.3): is this matmul's output headed for a nonlinear op (so it leaves the accumulator
// in 32 bits)? Ops are in topological order, so a bounded scan around the op answers quickly
// without an index (keeps 1,000-variant sweeps allocation-free).
#pragma once

#include "tessera/workload/analysis.h"

namespace tessera::perf {

// Nonlinear ops that need wide (32-bit) inputs for accuracy (001 Sec. 3.3, citing I-BERT).
bool is_nonlinear(model::OpKind kind);
// Cheap elementwise ops that pass a wide value on to a nonlinear op (scale, residual add).
bool is_passthrough(model::OpKind kind);
bool is_matrix_op(const workload::Op& op);

// The op that writes tensor `t`, searching back from `before`; -1 if not found nearby.
int64_t producer_of(const workload::Workload& w, size_t before, model::TensorId t);
// Whether the output of op `i` reaches a nonlinear op directly or through one passthrough op.
bool feeds_nonlinear(const workload::Workload& w, size_t i);
// Whether op `i` writes its output in the accumulator's wide type.
bool emits_wide(const workload::Workload& w, size_t i);
// Whether op `i` (a vector op) reads its input straight from a matrix op's accumulator.
bool reads_from_matrix_op(const workload::Workload& w, size_t i);

}  // namespace tessera::perf
