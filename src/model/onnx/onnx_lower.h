// Lowering an indexed ONNX graph to tessera's IR (issue #3): one node per costed op, static
// (shape-computation) subgraphs dropped, weight relabelling folded, fusions emitted as their
// semantic op. Roles are assigned afterwards (onnx_roles.h).
#pragma once

#include <map>
#include <string>

#include "model/onnx/onnx_patterns.h"
#include "model/onnx/onnx_view.h"
#include "tessera/model/graph.h"

namespace tessera::model::onnx_import {

struct Lowered {
  Graph graph;
  std::map<std::string, int64_t> unsupported;  // op type -> nodes not costed
  int64_t source_nodes = 0;                    // ONNX nodes in the file
};

// Throws tessera::Error for inconsistent shapes (e.g. a MatMul whose inner dimensions differ).
Lowered lower_graph(const onnx::GraphProto& graph, const GraphView& view, const Fusions& fusions,
                    const std::string& name);

}  // namespace tessera::model::onnx_import
