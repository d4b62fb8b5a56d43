// Peak transient activation footprint (NeuroMeter 003 Sec. V-A, Table II "#Data": "the peak
// transient memory footprint per frame"). The paper gives no algorithm; tessera's definition:
//
//  - Nodes run one at a time in the graph's (topological) order.
//  - An activation tensor (graph inputs included) occupies memory from the start of the node that
//    produces it (program start for graph inputs) until the end of its last consumer; graph
//    outputs stay to the end. While a node runs its inputs and outputs are live together.
//  - Weights and constants are not counted (they are Table II's separate #Param column).
//  - Ops that move no data (Reshape, Identity, Expand) alias their input: one buffer.
//  - Optionally (`in_place_elementwise`), a unary elementwise op (BatchNorm, activations) whose
//    input has no later consumer writes over its input, as inference runtimes do.
//
// footprint(node) = sum of bytes of the tensors live while that node runs; the peak is the
// maximum over nodes. Counts are per frame only in the sense of the graph's batch.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tessera/model/graph.h"
#include "tessera/workload/analysis.h"

namespace tessera::workload {

struct FootprintOptions {
  Precision precision;                // bytes per activation element
  bool in_place_elementwise = false;  // unary elementwise ops reuse their input's buffer
};

struct FootprintResult {
  int64_t peak_elements = 0;
  int64_t peak_bytes = 0;
  model::NodeId peak_node = -1;  // the node during which the peak occurs
  std::vector<model::TensorId> live_at_peak;
  std::vector<int64_t> live_bytes;      // per node, in graph order
  int64_t largest_tensor_elements = 0;  // the single biggest activation (a lower bound)
};

// Throws tessera::Error for a graph whose nodes are not in topological order.
FootprintResult activation_footprint(const model::Graph& graph,
                                     const FootprintOptions& options = {});

}  // namespace tessera::workload
