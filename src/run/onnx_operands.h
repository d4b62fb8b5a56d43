// What an imported model's ONNX file says beyond the graph IR, for the cpu backend (issue #7):
// the IR keeps an exported graph's data flow for costing, but computing it also needs Slice
// starts and steps, Split axes, Transpose perms, Cast targets, scale factors, Gather indices and
// masks kept as constants, the layouts behind Einsum views and the form of a fused GELU. Read
// only when the weights file is the file the graph was imported from; otherwise every query
// answers "unknown" and the backend uses the zoo conventions.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "run/einsum_views.h"
#include "run/onnx_statics.h"
#include "tessera/model/graph.h"
#include "tessera/run/kernels.h"

namespace tessera::run {

class OnnxOperands {
 public:
  // `onnx_file`: the weights' read of an ONNX file (may be null); used when it is the file
  // `graph` was imported from.
  OnnxOperands(const model::Graph& graph, const std::shared_ptr<const model::OnnxFile>& onnx_file);
  bool active() const { return onnx_ != nullptr; }

  // A GELU the importer fused from the tanh form (GPT-2, approximate="tanh").
  bool is_tanh_gelu(const model::Node& n) const;
  // A constant's values evaluated from the ONNX file (masks built by Trilu, Gather indices).
  const StaticValue* static_values(const model::Tensor& tensor) const;
  const OnnxNodeInfo* onnx_node(const model::Node& n) const;
  std::vector<int64_t> static_ints(const OnnxNodeInfo& info, size_t input) const;
  // ONNX Slice operands (inputs since opset 10, attributes before) as a start and a step per
  // axis; false when the graph has no ONNX node to read them from.
  bool slice_operands(const model::Node& n, const Dims& xd, Dims& starts, Dims& steps) const;
  // The split axis: the ONNX attribute when known, else the one axis where outputs differ.
  size_t split_axis(const model::Node& n) const;
  // The factor of a Scale node: the file's scalar (x * c or x / c) when the graph comes from an
  // ONNX file, else attention's 1/sqrt(d_k) (zoo graphs fold no other constant into a Scale).
  float scale_of(const model::Node& n) const;
  std::optional<double> file_scale(const model::Node& n) const;
  // Views the importer made around an Einsum ("<einsum>/a", "/b", "/out") that must move data:
  // null for plain reshapes (identity permutation or not an Einsum view).
  std::optional<EinsumView> einsum_layout(const model::Node& n) const;
  // ONNX Transpose's perm (default: reversed axes); empty without a file node. Inferring the
  // order from shapes is ambiguous when sizes repeat (seq = head size).
  std::vector<int64_t> file_permutation(const model::Node& n) const;
  CastTarget cast_target(const model::Node& n) const;
  // LayerNormalization's epsilon attribute, or the constant a decomposed LayerNorm adds to the
  // variance before its Sqrt (HF BERT: 1e-12); 1e-5 (PyTorch's default) without a file.
  float layernorm_epsilon(const model::Node& n) const;

  // The file's node behind `n`, also for ops the importer fused (named after their last node).
  const OnnxNodeInfo* source_node(const model::Node& n) const;
  const OnnxStatics* statics() const { return onnx_; }
  // Values of input `input` of a file node when static (constants, folded shape values).
  const StaticValue* static_input(const OnnxNodeInfo& info, size_t input) const;
  const StaticValue* static_named(const std::string& value) const;
  // Why a value is not static because of its size (a line), or empty.
  std::string too_large_reason(const std::string& value) const;
  std::optional<double> float_attr(const OnnxNodeInfo& info, const std::string& name) const;

 private:
  const model::Graph& graph_;
  std::shared_ptr<const OnnxStatics> onnx_holder_;
  const OnnxStatics* onnx_ = nullptr;
  std::map<std::string, StaticValue> statics_;    // every static value, by ONNX value name
  std::map<std::string, std::string> too_large_;  // values refused for their size: why
};

}  // namespace tessera::run
