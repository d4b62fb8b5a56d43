#include "run/unlowered_steps.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "tessera/run/kernels.h"

namespace tessera::run {
namespace {

using model::Graph;
using model::Node;
using model::TensorId;
using Unary = std::function<float(float)>;

float softplus(float v) { return v > 20.0f ? v : std::log1p(std::exp(v)); }

// ONNX's elementwise one-input ops with their attribute defaults (ONNX operator docs).
std::optional<Unary> unary_of(const OnnxNodeInfo& info, const OnnxOperands& file) {
  auto attr = [&](const char* name, double fallback) {
    return static_cast<float>(file.float_attr(info, name).value_or(fallback));
  };
  const std::string& op = info.op_type;
  if (op == "Exp") return [](float v) { return std::exp(v); };
  if (op == "Log") return [](float v) { return std::log(v); };
  if (op == "Abs") return [](float v) { return std::fabs(v); };
  if (op == "Reciprocal") return [](float v) { return 1.0f / v; };
  if (op == "Floor") return [](float v) { return std::floor(v); };
  if (op == "Ceil") return [](float v) { return std::ceil(v); };
  if (op == "Round") return [](float v) { return std::nearbyint(v); };  // halves to even
  if (op == "Sign") return [](float v) { return static_cast<float>((v > 0) - (v < 0)); };
  if (op == "Sin") return [](float v) { return std::sin(v); };
  if (op == "Cos") return [](float v) { return std::cos(v); };
  if (op == "Softplus") return softplus;
  if (op == "Softsign") return [](float v) { return v / (1.0f + std::fabs(v)); };
  if (op == "Mish") return [](float v) { return v * std::tanh(softplus(v)); };
  if (op == "LeakyRelu") {
    float alpha = attr("alpha", 0.01);
    return [alpha](float v) { return v < 0 ? alpha * v : v; };
  }
  if (op == "Elu") {
    float alpha = attr("alpha", 1.0);
    return [alpha](float v) { return v < 0 ? alpha * std::expm1(v) : v; };
  }
  if (op == "Celu") {
    float alpha = attr("alpha", 1.0);
    return [alpha](float v) {
      return std::max(v, 0.0f) + std::min(0.0f, alpha * std::expm1(v / alpha));
    };
  }
  if (op == "Selu") {
    float alpha = attr("alpha", 1.67326319217681884765625);
    float gamma = attr("gamma", 1.05070102214813232421875);
    return [alpha, gamma](float v) { return gamma * (v < 0 ? alpha * std::expm1(v) : v); };
  }
  if (op == "ThresholdedRelu") {
    float alpha = attr("alpha", 1.0);
    return [alpha](float v) { return v > alpha ? v : 0.0f; };
  }
  return std::nullopt;
}

// Variadic / two-input ops over numpy-broadcast operands.
enum class Combine : uint8_t { Min, Max, Sum, Mean, PRelu };
std::optional<Combine> combine_of(const std::string& op) {
  if (op == "Min") return Combine::Min;
  if (op == "Max") return Combine::Max;
  if (op == "Sum") return Combine::Sum;
  if (op == "Mean") return Combine::Mean;
  if (op == "PRelu") return Combine::PRelu;
  return std::nullopt;
}

// One ONNX input: an activation of the plan, or values fixed by the file.
struct Operand {
  TensorId tensor = -1;
  std::shared_ptr<std::vector<float>> values;
  Dims dims;
};

// numpy broadcasting of `dims` onto `out` (right-aligned).
bool broadcasts(const Dims& dims, const Dims& out) {
  if (dims.size() > out.size()) return false;
  for (size_t i = 0; i < dims.size(); ++i) {
    int64_t d = dims[dims.size() - 1 - i], o = out[out.size() - 1 - i];
    if (d != o && d != 1) return false;
  }
  return true;
}

// A FLOAT initializer of the file (PRelu's slope), with its dims.
const std::vector<float>* file_weight(const OnnxOperands& file, const WeightStore& weights,
                                      const std::string& name, Dims& dims) {
  const std::vector<int64_t>* shape = file.statics() ? file.statics()->shape(name) : nullptr;
  if (!shape) return nullptr;
  int64_t count = 1;
  for (int64_t d : *shape) count *= d;
  const std::vector<float>* values = weights.loaded_values(name, count);
  if (values) dims = *shape;
  return values;
}

}  // namespace

std::optional<std::function<void()>> unlowered_step(const Graph& g, const Node& n,
                                                    const OnnxOperands& file,
                                                    const WeightStore& weights, Plan* plan,
                                                    int threads) {
  const OnnxNodeInfo* info = file.source_node(n);
  if (!info || info->op_type != n.source_op || n.outputs.size() != 1) return std::nullopt;
  std::optional<Unary> unary = unary_of(*info, file);
  std::optional<Combine> combine = combine_of(info->op_type);
  if (!unary && !combine) return std::nullopt;
  // Operands in the file's order: the node's activation inputs are the non-constant ones.
  std::vector<Operand> operands;
  size_t next_activation = 0;
  for (const std::string& name : info->inputs) {
    if (name.empty()) continue;
    Operand o;
    if (const StaticValue* v = file.static_named(name)) {
      o.values = std::make_shared<std::vector<float>>(v->data.begin(), v->data.end());
      o.dims = v->dims;
    } else if (const std::vector<float>* loaded = file_weight(file, weights, name, o.dims)) {
      o.values = std::make_shared<std::vector<float>>(*loaded);
    } else if (next_activation < n.inputs.size()) {
      o.tensor = n.inputs[next_activation++];
      o.dims = g.tensor(o.tensor).shape;
    } else {
      return std::nullopt;
    }
    operands.push_back(std::move(o));
  }
  if (next_activation != n.inputs.size()) return std::nullopt;  // operands not matched
  const TensorId out = n.outputs[0];
  const Dims out_dims = g.tensor(out).shape;
  const int64_t count = g.tensor(out).elements();
  if (operands.empty() || (unary && operands.size() != 1)) return std::nullopt;
  for (const Operand& o : operands)
    if (!broadcasts(o.dims, out_dims) || (unary && o.tensor < 0)) return std::nullopt;
  if (unary) {
    TensorId in = operands[0].tensor;
    int64_t in_count = g.tensor(in).elements();
    if (in_count != count) return std::nullopt;
    Unary f = *unary;
    return [=] {
      const float* x = plan->data(in);
      float* y = plan->data(out);
#pragma omp parallel for num_threads(threads) schedule(static)
      for (int64_t i = 0; i < count; ++i) y[i] = f(x[i]);
    };
  }
  if (*combine == Combine::PRelu && operands.size() != 2) return std::nullopt;
  Combine how = *combine;
  return [=] {
    // Each operand broadcast to the output, then combined element by element.
    std::vector<std::vector<float>> full(operands.size(), std::vector<float>(count));
    for (size_t k = 0; k < operands.size(); ++k) {
      const Operand& o = operands[k];
      const float* src = o.tensor >= 0 ? plan->data(o.tensor) : o.values->data();
      broadcast_to(src, o.dims, full[k].data(), out_dims, threads);
    }
    float* y = plan->data(out);
    const float inverse = 1.0f / static_cast<float>(operands.size());
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t i = 0; i < count; ++i) {
      float acc = full[0][static_cast<size_t>(i)];
      if (how == Combine::PRelu) {
        float slope = full[1][static_cast<size_t>(i)];
        y[i] = acc < 0 ? slope * acc : acc;
        continue;
      }
      for (size_t k = 1; k < full.size(); ++k) {
        float v = full[k][static_cast<size_t>(i)];
        acc = how == Combine::Min   ? std::min(acc, v)
              : how == Combine::Max ? std::max(acc, v)
                                    : acc + v;
      }
      y[i] = how == Combine::Mean ? acc * inverse : acc;
    }
  };
}

}  // namespace tessera::run
