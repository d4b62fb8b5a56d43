// An indexed view of an ONNX graph for lowering (issue #3): nodes in topological order,
// producers and consumers by value name, and what each value is — an activation computed at
// run time, a weight (parameters), or static (known at export: initializers of shape type,
// Constant/Shape outputs and everything computed only from them, which costs nothing).
#pragma once

#include <onnx/onnx_pb.h>

#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "model/onnx/onnx_shapes.h"

namespace tessera::model::onnx_import {

enum class ValueClass { Activation, Weight, Static };

struct GraphView {
  std::vector<const onnx::NodeProto*> nodes;  // topological order
  std::unordered_map<std::string, int> producer;
  std::unordered_map<std::string, std::vector<int>> consumers;
  std::unordered_map<std::string, ValueClass> value_class;
  std::unordered_map<std::string, const onnx::TensorProto*> constants;  // initializers + Constant
  std::unordered_set<std::string> graph_outputs;
  const ShapeMap* shapes = nullptr;

  ValueClass cls(const std::string& name) const;
  const ValueShape* shape(const std::string& name) const;  // null when unknown
  int64_t elements(const std::string& name) const;         // -1 when unknown
  // The value of a static scalar (initializer or Constant node), when known.
  std::optional<double> scalar(const std::string& name) const;
  std::string node_name(int index) const;
};

// Checks the graph's structure before anything (libonnx included) walks it, and puts its nodes
// in topological order: every value defined once, every input defined, op types that are
// identifiers, graph inputs with tensor types, no cycles. Throws tessera::Error naming the
// offending value or node.
void normalize_graph(onnx::GraphProto& graph, const std::string& model_name);

// Builds the view; throws tessera::Error for cycles and values used but never defined.
GraphView make_view(const onnx::GraphProto& graph, const ShapeMap& shapes,
                    const std::string& model_name);

// Attribute helpers.
const onnx::AttributeProto* find_attr(const onnx::NodeProto& node, const std::string& name);
int64_t attr_int(const onnx::NodeProto& node, const std::string& name, int64_t fallback);
std::vector<int64_t> attr_ints(const onnx::NodeProto& node, const std::string& name);
std::string attr_string(const onnx::NodeProto& node, const std::string& name);

}  // namespace tessera::model::onnx_import
