// Sparsity mini-study (NeuroMeter 003 Sec. IV, Fig. 11): energy-efficiency gain of CSR SpMV
// over dense MV on TU8/TU32 (block-wise zero skipping of X x X blocks) and RT64/RT1024
// (vector-wise skipping), with the paper's roofline: t_d = max(C/F, (S_V+S_W)/B),
// t_s = max(a y C/F, (S_V + b x S_W)/B), gain = (P_d t_d)/(P_s t_s); energies from the chip.
#pragma once

#include <string>
#include <vector>

#include "tessera/chip/chip_model.h"

namespace tessera::explore {

struct SparsityPoint {
  double sparsity = 0;      // 1 - x (x = non-zero ratio)
  double skip_factor_y = 0; // fraction of blocks/vectors that must be computed
  double beta = 0;          // CSR storage overhead per non-zero weight byte
  double gain = 0;          // (TOPS/W)_sparse / (TOPS/W)_dense
};

struct SparsityCurve {
  std::string arch;         // "TU8", "TU32", "RT64", "RT1024"
  std::vector<SparsityPoint> points;
};

// The block of elements skipped together: X*X for a TU of length X, N for an N-input RT.
SparsityCurve sparsity_curve(const std::string& arch, const chip::ChipReport& chip,
                             int64_t block_elements, const std::vector<double>& sparsities);
// Fig. 11: TU8, TU32, RT64, RT1024 at sparsity 0, 0.1, ..., 0.9, 0.95, 0.99.
std::vector<SparsityCurve> sparsity_study();

}  // namespace tessera::explore
