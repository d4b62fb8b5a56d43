#include "perf/neighbors.h"

namespace tessera::perf {
namespace {

constexpr size_t kWindow = 16;

model::TensorId output_tensor(const workload::Op& op) {
  for (const auto& t : op.traffic)
    if (t.is_output) return t.tensor;
  return -1;
}

bool reads(const workload::Op& op, model::TensorId t) {
  for (const auto& tr : op.traffic)
    if (!tr.is_output && tr.tensor == t) return true;
  return false;
}

template <typename F>
bool any_consumer(const workload::Workload& w, size_t i, F&& predicate) {
  model::TensorId out = output_tensor(w.ops[i]);
  if (out < 0) return false;
  for (size_t j = i + 1; j < w.ops.size() && j <= i + kWindow; ++j)
    if (reads(w.ops[j], out) && predicate(j)) return true;
  return false;
}

}  // namespace

bool is_nonlinear(model::OpKind kind) {
  using model::OpKind;
  switch (kind) {
    case OpKind::Softmax:
    case OpKind::LayerNorm:
    case OpKind::Gelu:
    case OpKind::Sigmoid:
    case OpKind::Swish:
    case OpKind::Tanh:
    case OpKind::Erf:
    case OpKind::HardSigmoid:
    case OpKind::HardSwish:
      return true;
    default:
      return false;
  }
}

bool is_passthrough(model::OpKind kind) {
  using model::OpKind;
  return kind == OpKind::Add || kind == OpKind::Scale || kind == OpKind::Mul ||
         kind == OpKind::Sub || kind == OpKind::Div;
}

bool is_matrix_op(const workload::Op& op) {
  return op.problem.kind == workload::ProblemKind::Matmul ||
         op.problem.kind == workload::ProblemKind::Conv;
}

int64_t producer_of(const workload::Workload& w, size_t before, model::TensorId t) {
  for (size_t k = 0; k < kWindow && k < before; ++k) {
    size_t j = before - 1 - k;
    if (output_tensor(w.ops[j]) == t) return static_cast<int64_t>(j);
  }
  return -1;
}

bool feeds_nonlinear(const workload::Workload& w, size_t i) {
  return any_consumer(w, i, [&](size_t j) {
    if (is_nonlinear(w.ops[j].kind)) return true;
    return is_passthrough(w.ops[j].kind) &&
           any_consumer(w, j, [&](size_t k) { return is_nonlinear(w.ops[k].kind); });
  });
}

bool emits_wide(const workload::Workload& w, size_t i) {
  const workload::Op& op = w.ops[i];
  if (!feeds_nonlinear(w, i)) return false;
  if (is_matrix_op(op)) return true;
  if (!is_passthrough(op.kind)) return false;
  for (const auto& tr : op.traffic) {
    if (tr.is_output) continue;
    int64_t j = producer_of(w, i, tr.tensor);
    if (j >= 0 && is_matrix_op(w.ops[static_cast<size_t>(j)]) &&
        feeds_nonlinear(w, static_cast<size_t>(j)))
      return true;
  }
  return false;
}

bool reads_from_matrix_op(const workload::Workload& w, size_t i) {
  for (const auto& tr : w.ops[i].traffic) {
    if (tr.is_output || tr.tensor_class == model::TensorClass::Weight) continue;
    int64_t j = producer_of(w, i, tr.tensor);
    if (j >= 0 && is_matrix_op(w.ops[static_cast<size_t>(j)])) return true;
  }
  return false;
}

}  // namespace tessera::perf
