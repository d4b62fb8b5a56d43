// Sparsity mini-study (sparsity.h).
#include "tessera/explore/sparsity.h"

#include <cmath>

#include "tessera/explore/brawny_wimpy.h"

namespace tessera::explore {
namespace {

// The microbenchmark of Sec. IV: M x N int8 weights, N x K batched dense vectors.
constexpr double kM = 1024, kN = 1024, kK = 32;
constexpr double kAlpha = 1.0;          // decompression overlapped with compute (paper)
constexpr double kHbmBytesPerS = 700e9; // Table I

// CSR over 256x256 tiles: 1 B column index per non-zero, 1 B per tile row, 2 B per tile.
double csr_bytes(double x) { return kM * kN * (2 * x) + kM * (kN / 256) + 2 * (kM / 256) * (kN / 256); }

}  // namespace

SparsityCurve sparsity_curve(const std::string& arch, const chip::ChipReport& chip,
                             int64_t block_elements, const std::vector<double>& sparsities) {
  SparsityCurve curve;
  curve.arch = arch;
  const double f = chip.peak_tops * 1e12;
  const double c = 2 * kM * kN * kK;
  const double s_v = (kN + kM) * kK, s_w = kM * kN;
  double e_op = 0, e_byte = 0;
  for (const auto& comp : chip.components) {
    if (comp.name == "tensor_unit" || comp.name == "reduction_tree") e_op = comp.energy_pj.at("mac") / 2;
    if (comp.name == "memory:mem") e_byte += comp.energy_pj.at("read_byte");
    if (comp.name == "memory_controller") e_byte += 8 * comp.energy_pj.at("bit");
  }
  auto energy = [&](double ops, double bytes, double t) {
    return chip.leakage_w * t + (ops * e_op + bytes * e_byte) * 1e-12;
  };
  const double t_d = std::max(c / f, (s_v + s_w) / kHbmBytesPerS);
  const double e_d = energy(c, s_v + s_w, t_d);
  for (double sp : sparsities) {
    SparsityPoint p;
    p.sparsity = sp;
    const double x = 1 - sp;
    // A block must be computed unless all its elements are zero (uniform random zeros).
    p.skip_factor_y = 1 - std::pow(1 - x, static_cast<double>(block_elements));
    p.beta = x > 0 ? csr_bytes(x) / (x * s_w) : 0;
    const double bytes = s_v + csr_bytes(x);
    const double t_s = std::max(kAlpha * p.skip_factor_y * c / f, bytes / kHbmBytesPerS);
    p.gain = e_d / energy(p.skip_factor_y * c, bytes, t_s);
    curve.points.push_back(p);
  }
  return curve;
}

std::vector<SparsityCurve> sparsity_study() {
  const std::vector<double> sp = {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99};
  // TU8 = (8,4,4,8) and TU32 = (32,4,2,4) from the latency-bounded study; the RTs keep the
  // OPS per compute unit: RT64 for TU8 (64 MACs), RT1024 for TU32 (1024 MACs).
  const DesignPoint tu8{8, 4, 4, 8}, tu32{32, 4, 2, 4};
  std::vector<SparsityCurve> out;
  out.push_back(sparsity_curve("TU8", chip::evaluate_chip(datacenter_spec(tu8)), 64, sp));
  out.push_back(sparsity_curve("TU32", chip::evaluate_chip(datacenter_spec(tu32)), 1024, sp));
  out.push_back(sparsity_curve("RT64", chip::evaluate_chip(datacenter_spec(tu8, 64)), 64, sp));
  out.push_back(
      sparsity_curve("RT1024", chip::evaluate_chip(datacenter_spec(tu32, 1024)), 1024, sp));
  return out;
}

}  // namespace tessera::explore
