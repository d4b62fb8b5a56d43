// The importer lowers a matmul-like Einsum to views "/a", "/b" (operands as [batch, M, K] and
// [batch, K, N]), a MatMul and a view "/out" back to the output's labels. For costing these are
// free reshapes; for computing, the labels must be moved into that order first (GPT-style
// "bqhd,bkhd->bhqk" puts the head axis h between q and d). This gives the axis permutation each
// view needs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tessera::run {

struct EinsumView {
  std::vector<int64_t> in_dims;      // the view's input, one axis per label
  std::vector<int64_t> permutation;  // transpose of in_dims giving the view's data order
  // When a batch label broadcasts (size 1 here, larger in the other operand): the transposed
  // dims expanded to the matmul's batch; empty otherwise.
  std::vector<int64_t> broadcast_dims;
};

// `which` is "/a", "/b" or "/out"; `in_dims` the view input's dims (for "/out" the flattened
// [batch, M, N] product), `out_dims` the view's output dims. Empty when the equation is not one
// the importer lowers as a matmul or the shapes do not fit it.
std::optional<EinsumView> einsum_view(const std::string& equation, const std::string& which,
                                      const std::vector<int64_t>& a_dims,
                                      const std::vector<int64_t>& b_dims,
                                      const std::vector<int64_t>& einsum_out_dims);

}  // namespace tessera::run
