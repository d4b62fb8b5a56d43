// Least-squares fits of arithmetic-unit energy/area (logic_fits.h).
#include "tessera/chip/logic_fits.h"

#include <array>

namespace tessera::chip {
namespace {

constexpr const char* kHorowitz = "Horowitz, ISSCC 2014, 45 nm 0.9 V";

struct Coefficients {
  std::array<double, 2> energy, area;  // adder: a + b w; multiplier: c1 w + c2 w^2
};

// Least squares of y = p0 f0(w) + p1 f1(w) over the points of one (floating, kind) family.
std::array<double, 2> fit(bool floating, LogicKind kind, bool energy) {
  double s00 = 0, s01 = 0, s11 = 0, t0 = 0, t1 = 0;
  for (const auto& p : logic_fit_points()) {
    if (p.floating != floating || p.kind != kind) continue;
    const double f0 = kind == LogicKind::Adder ? 1.0 : p.width_bits;
    const double f1 = kind == LogicKind::Adder ? p.width_bits : p.width_bits * p.width_bits;
    const double y = energy ? p.energy_pj : p.area_um2;
    s00 += f0 * f0, s01 += f0 * f1, s11 += f1 * f1, t0 += f0 * y, t1 += f1 * y;
  }
  const double det = s00 * s11 - s01 * s01;
  return {(t0 * s11 - t1 * s01) / det, (s00 * t1 - s01 * t0) / det};
}

double eval(const std::array<double, 2>& c, LogicKind kind, double w) {
  return kind == LogicKind::Adder ? c[0] + c[1] * w : c[0] * w + c[1] * w * w;
}

}  // namespace

const std::vector<LogicFitPoint>& logic_fit_points() {
  static const std::vector<LogicFitPoint> points = {
      {false, LogicKind::Adder, 8, 0.03, 36, kHorowitz},
      {false, LogicKind::Adder, 16, 0.05, 67, kHorowitz},
      {false, LogicKind::Adder, 32, 0.1, 137, kHorowitz},
      {false, LogicKind::Multiplier, 8, 0.2, 282, kHorowitz},
      {false, LogicKind::Multiplier, 32, 3.1, 3495, kHorowitz},
      {true, LogicKind::Adder, 11, 0.4, 1360, kHorowitz},      // fp16 add
      {true, LogicKind::Adder, 24, 0.9, 4184, kHorowitz},      // fp32 add
      {true, LogicKind::Multiplier, 11, 1.1, 1640, kHorowitz},  // fp16 mult
      {true, LogicKind::Multiplier, 24, 3.7, 7700, kHorowitz},  // fp32 mult
  };
  return points;
}

LogicFit logic_fit_for(model::DType type, LogicKind kind) {
  LogicFit f;
  switch (type) {
    case model::DType::Int8: f.width_bits = 8; break;
    case model::DType::Int16: f.width_bits = 16; break;
    case model::DType::Int32: f.width_bits = 32; break;
    case model::DType::Fp16: f.width_bits = 11, f.floating = true; break;
    case model::DType::Bf16: f.width_bits = 8, f.floating = true; break;
    default: f.width_bits = 24, f.floating = true; break;  // fp32
  }
  static const Coefficients coeff[2][2] = {
      {{fit(false, LogicKind::Adder, true), fit(false, LogicKind::Adder, false)},
       {fit(false, LogicKind::Multiplier, true), fit(false, LogicKind::Multiplier, false)}},
      {{fit(true, LogicKind::Adder, true), fit(true, LogicKind::Adder, false)},
       {fit(true, LogicKind::Multiplier, true), fit(true, LogicKind::Multiplier, false)}}};
  const auto& c = coeff[f.floating ? 1 : 0][kind == LogicKind::Adder ? 0 : 1];
  f.energy_pj_45 = eval(c.energy, kind, f.width_bits);
  f.area_um2_45 = eval(c.area, kind, f.width_bits);
  return f;
}

}  // namespace tessera::chip
