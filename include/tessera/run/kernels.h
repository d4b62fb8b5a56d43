// CPU kernels of the engine, one family per file in src/run/kernels/ (STYLE.md example 8).
// Every kernel takes `threads`: the baseline path runs them multi-threaded like a framework
// (002 Sec. V-A, the TensorFlow baseline); the NLP-Opt path calls them with threads = 1 from
// inside its own workers. Results do not depend on `threads` (no cross-thread reductions).
#pragma once

#include <cstdint>
#include <vector>

#include "tessera/model/op_kind.h"

namespace tessera::run {

using Dims = std::vector<int64_t>;

// Batched matmul with numpy broadcasting of the batch dims: [.., M, K] x [.., K, N] (or
// [.., N, K] when transpose_b) -> [.., M, N]; `bias` [N] is added when not null.
void matmul(const float* a, const Dims& a_dims, const float* b, const Dims& b_dims,
            bool transpose_b, const float* bias, float* out, const Dims& out_dims, int threads);

// Row softmax over the last axis, numerically stable (max subtracted).
void softmax_rows(const float* x, float* y, int64_t rows, int64_t cols, int threads);
// Softmax with the causal mask applied by position: row r is query r % rows_per_matrix of its
// matrix and sees columns j <= r % rows_per_matrix + cols - rows_per_matrix (0 elsewhere).
void softmax_rows_causal(const float* x, float* y, int64_t rows, int64_t cols,
                         int64_t rows_per_matrix, int threads);

// Layer normalisation over the last axis: y = (x - mean) / sqrt(var + eps) * gamma + beta.
void layernorm_rows(const float* x, const float* gamma, const float* beta, float* y, int64_t rows,
                    int64_t cols, float eps, int threads);

// Unary elementwise op (Gelu, Relu, Relu6, Sigmoid, Swish, Tanh, HardSigmoid, HardSwish, Erf,
// Sqrt, Identity, Scale with `scale`). Throws for kinds that are not unary.
void unary(model::OpKind kind, const float* x, float* y, int64_t count, float scale, int threads);
bool is_unary_kind(model::OpKind kind);
// GELU's tanh approximation (GPT-2, PyTorch approximate="tanh"); unary's Gelu is the erf form.
void gelu_tanh(const float* x, float* y, int64_t count, int threads);

// Binary elementwise op with numpy broadcasting (Add, Sub, Mul, Div, Pow).
void binary(model::OpKind kind, const float* a, const Dims& a_dims, const float* b,
            const Dims& b_dims, float* out, const Dims& out_dims, int threads);
bool is_binary_kind(model::OpKind kind);

// Data movement.
void transpose(const float* x, const Dims& x_dims, const std::vector<int64_t>& permutation,
               float* y, int threads);
void concat(const std::vector<const float*>& xs, const std::vector<Dims>& x_dims, int64_t axis,
            float* y);
// The leading part of x along `axis` (a slice starting at 0): per index of the dims before the
// axis, the first `out_per_outer` contiguous elements.
// Mean over the middle axis of x viewed as [outer, axis, inner] (MemNet's bag of words).
void reduce_mean_axis(const float* x, int64_t outer, int64_t axis, int64_t inner, float* y,
                      int threads);
void slice_leading(const float* x, int64_t outer, int64_t in_per_outer, int64_t out_per_outer,
                   float* y);
// Indexing (src/run/kernels/indexing.cc). Gather along `axis` by indices stored as floats
// (negative counts from the end; out of range throws); y has x's dims with the axis replaced by
// the index dims.
void gather_axis(const float* x, const Dims& x_dims, int64_t axis, const float* indices,
                 int64_t index_count, float* y, int threads);
// y[i] = x[starts + i * steps] per axis (steps may be negative); y_dims gives the extent.
void slice_strided(const float* x, const Dims& x_dims, const Dims& starts, const Dims& steps,
                   float* y, const Dims& y_dims, int threads);
// numpy broadcast of x to y_dims (Expand).
void broadcast_to(const float* x, const Dims& x_dims, float* y, const Dims& y_dims, int threads);
// y = condition != 0 ? a : b, all three broadcast to y_dims (Where).
void where_select(const float* condition, const Dims& c_dims, const float* a, const Dims& a_dims,
                  const float* b, const Dims& b_dims, float* y, const Dims& y_dims, int threads);
// Cast in fp32 storage: to an integer type truncates, to bool gives 0/1, to a float copies.
enum class CastTarget : uint8_t { Float, Integer, Bool };
void cast_values(const float* x, float* y, int64_t count, CastTarget target, int threads);
// Rows of `table` [vocab, dim] picked by ids (stored as floats), with ONNX Gather's range:
// -vocab <= id < vocab, a negative id counting from the end. Returns how many ids fall outside
// it (NaN and infinities included); their rows are zero and the caller must refuse the result.
int64_t embedding(const float* ids, int64_t count, const float* table, int64_t vocab, int64_t dim,
                  float* y, int threads);

// exp(x) for a block of floats, vectorisable (relative error < 2e-7 on [-87, 88]; 0 below).
void exp_inplace(float* x, int64_t count);
float fast_exp(float x);

}  // namespace tessera::run
