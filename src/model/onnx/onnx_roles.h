// Roles for imported graphs (issue #3; taxonomy in role.h): attention is found from its
// softmax (QK^T -> scale/mask -> softmax -> x V), projections by their position around it
// (Q/K/V feed QK^T and x V, the output projection consumes the context), FFN linears by the
// activation between them, convolutions by their groups and kernel, squeeze-excite by its
// pool -> conv -> conv -> gate -> scale shape. Transformer blocks become layers.
#pragma once

#include "tessera/model/graph.h"

namespace tessera::model::onnx_import {

// Sets node roles, heads, layers and the graph's domain.
void assign_roles(Graph& graph);

}  // namespace tessera::model::onnx_import
