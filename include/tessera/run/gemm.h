// The one GEMM interface of the runtime (DESIGN.md "Dependencies": oneDNN behind one small
// interface, OpenBLAS as the fallback). Row-major, fp32.
//
// Threading: a call from outside an OpenMP parallel region uses the OpenMP thread count
// (omp_set_num_threads); a call from inside a worker runs on that worker alone, which is what
// the NLP-Opt path wants (002 Sec. V-A: its own workers call single-threaded GEMMs).
#pragma once

#include <cstdint>
#include <string_view>

namespace tessera::run {

// C[m,n] = alpha * op(A) * op(B) + beta * C, op(X) = X or X^T; leading dimensions in elements.
void sgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
           int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc);

// Which library the build uses ("oneDNN" or "OpenBLAS").
std::string_view gemm_library();

}  // namespace tessera::run
