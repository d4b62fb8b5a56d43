// tessera's SRAM array model (NeuroMeter 003 Sec. II-B: CACTI-style arrays) side by side with
// CACTI's own outputs for the same configurations (data/chip/cacti_reference.yaml: every point
// with its repository, path and commit). Per point the ratios tessera / CACTI of read energy,
// access time and area are printed (the table in docs/chip-model.md, "CACTI side by side",
// is this output) and checked against explicit bands; the growth of the read energy and area
// with capacity (slope on log-log) is checked against CACTI's.
//
// RAM vs cache: tessera models RAM (no tags). CACTI's RAM points are compared directly. The
// 22 nm caches (2-way, 64 B lines, "normal" access: both ways' data are read to the sense
// amplifiers, one line leaves the bank, plus a tag array) are compared with a RAM of the
// same capacity and one line per access: CACTI should come out higher by the second way's
// bitlines and the tag array (up to ~1.5-2x in energy, ~1.1x in area).
//
// Nodes that are not in tessera's table (40 and 32 nm) are derived from the nearest one
// with the model's own shrink rules (chip::resolve_technology, base 45 and 28 nm).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "tessera/chip/chip_model.h"
#include "tessera/chip/sram.h"
#include "tessera/chip/technology.h"

namespace tessera::chip {
namespace {

struct Point {
  std::string id, kind;
  int node_nm = 0;
  int64_t capacity_bytes = 0, width_bits = 0;
  int rw_ports = 1;
  double read_pj = 0, access_ns = 0, area_mm2 = 0;  // 0 = not in the source
  bool address_generators = false;
};

std::vector<Point> load_points() {
  const auto root = YAML::LoadFile(std::string(TESSERA_DATA_DIR) + "/chip/cacti_reference.yaml");
  std::vector<Point> out;
  for (const auto& n : root["points"]) {
    Point p;
    p.id = n["id"].as<std::string>();
    p.kind = n["kind"].as<std::string>();
    p.node_nm = n["node_nm"].as<int>();
    p.capacity_bytes = n["capacity_bytes"].as<int64_t>();
    p.width_bits = n["width_bits"].as<int64_t>();
    p.rw_ports = n["rw_ports"].as<int>();
    p.read_pj = n["read_pj"].as<double>();
    if (n["access_ns"]) p.access_ns = n["access_ns"].as<double>();
    if (n["area_mm2"]) p.area_mm2 = n["area_mm2"].as<double>();
    if (n["includes_address_generators"]) p.address_generators = true;
    out.push_back(p);
  }
  return out;
}

Technology technology_at(int node_nm) {
  TechnologySpec s;
  s.node_nm = node_nm;
  for (const int known : known_nodes())
    if (known == node_nm) return resolve_technology(s);
  s.base_node_nm = node_nm > 35 ? 45 : 28;
  return resolve_technology(s);
}

struct Side {
  Point ref;
  ArrayResult tessera;
  double energy_ratio = 0, time_ratio = 0, area_ratio = 0;  // 0 = no reference
};

ArrayResult tessera_array(const Point& p) {
  // CACTI's read/write ports are shared ports: tessera's {n read-only, 0 write-only} with n >= 1
  // is n ports of a cell grown for n ports (sram.h); one RW port is {1, 0}.
  return memory_array(technology_at(p.node_nm),
                      {p.capacity_bytes, p.width_bits / 8, p.rw_ports, 0, CellKind::Sram});
}

const std::vector<Side>& sides() {
  static const std::vector<Side> all = [] {
    std::vector<Side> v;
    std::printf("  %-20s %5s %8s %5s | %9s %9s %5s | %7s %7s %5s | %8s %8s %5s\n", "point", "nm",
                "bytes", "bits", "CACTI pJ", "tessera", "x", "CACTI ns", "tessera", "x",
                "CACTI mm2", "tessera", "x");
    for (const auto& p : load_points()) {
      Side s{p, tessera_array(p)};
      s.energy_ratio = s.tessera.read_energy_pj / p.read_pj;
      if (p.access_ns > 0) s.time_ratio = s.tessera.access_time_s * 1e9 / p.access_ns;
      if (p.area_mm2 > 0) s.area_ratio = s.tessera.area_um2 * 1e-6 / p.area_mm2;
      std::printf(
          "  %-20s %5d %8lld %5lld | %9.3f %9.3f %5.2f | %7.3f %7.3f %5.2f | %8.4f %8.4f %5.2f"
          "  %s  [bl %.2f col %.2f dec %.2f tree %.2f]\n",
          p.id.c_str(), p.node_nm, static_cast<long long>(p.capacity_bytes),
          static_cast<long long>(p.width_bits), p.read_pj, s.tessera.read_energy_pj, s.energy_ratio,
          p.access_ns, s.tessera.access_time_s * 1e9, s.time_ratio, p.area_mm2,
          s.tessera.area_um2 * 1e-6, s.area_ratio, s.tessera.organisation().c_str(),
          s.tessera.bitline_pj, s.tessera.column_periphery_pj, s.tessera.decoder_wordline_pj,
          s.tessera.htree_pj);
      v.push_back(s);
    }
    return v;
  }();
  return all;
}

const Side& side(const std::string& id) {
  for (const auto& s : sides())
    if (s.ref.id == id) return s;
  ADD_FAILURE() << "no CACTI point " << id;
  static const Side none{};
  return none;
}

TEST(ChipCacti, ReferenceFileHasTenPointsOverThreeDecadesAndFourNodes) {
  const auto& all = sides();
  ASSERT_GE(all.size(), 10u);
  int64_t lo = all.front().ref.capacity_bytes, hi = lo;
  std::vector<int> nodes;
  for (const auto& s : all) {
    lo = std::min(lo, s.ref.capacity_bytes);
    hi = std::max(hi, s.ref.capacity_bytes);
    if (std::find(nodes.begin(), nodes.end(), s.ref.node_nm) == nodes.end())
      nodes.push_back(s.ref.node_nm);
  }
  EXPECT_LE(lo, 1024);
  EXPECT_GE(hi, 1024 * 1024);
  EXPECT_GE(nodes.size(), 4u);
}

// The breakdown the comparison below relies on adds up to the access energy.
TEST(ChipCacti, ReadEnergyBreakdownAddsUp) {
  for (const auto& s : sides()) {
    const auto& a = s.tessera;
    EXPECT_NEAR(a.bitline_pj + a.column_periphery_pj + a.decoder_wordline_pj + a.htree_pj,
                a.read_energy_pj, 1e-9 * a.read_energy_pj)
        << s.ref.id;
  }
}

// Read energy per access. RAM points: within [0.4, 2.5]x of CACTI. The pattern is systematic
// (docs/chip-model.md, "CACTI side by side"): tessera's small arrays cost more (its H-tree runs
// over a bank that its macro-level periphery makes 2-8x larger than CACTI's mats), its 64-128 KB
// arrays less (0.45-0.6x): CACTI's organisation for them reads 2048 bitlines for a 64-bit
// word (2 x 512-column subarrays per row, 32:1 column mux: bitlines 15.9 of 32.1 pJ at 100 KB,
// tmp_output.txt) where tessera reads 256 (2.3 pJ) at the same energy per column (CACTI 7.8 fJ,
// tessera 8.9 fJ), and CACTI charges its H-tree and subarray output drivers C V^2 per bit per
// access (every bit switching) where tessera's wires are charged 0.5 C V^2 with random data.
// Caches: the RAM of one line is below CACTI's 2-way cache, which also senses the second way
// and reads a tag array: [0.35, 1].
TEST(ChipCacti, ReadEnergyRatios) {
  for (const auto& s : sides()) {
    if (s.ref.kind == "ram") {
      EXPECT_GT(s.energy_ratio, 0.4) << s.ref.id;
      EXPECT_LT(s.energy_ratio, 2.5) << s.ref.id;
    } else {
      EXPECT_GT(s.energy_ratio, 0.35) << s.ref.id;
      EXPECT_LT(s.energy_ratio, 1.0) << s.ref.id;
    }
  }
  // Pinned: the 40 nm sweep (one tool, one objective, the same 2 ports).
  EXPECT_NEAR(side("c7_40nm_448B_16b").energy_ratio, 2.32, 0.15);
  EXPECT_NEAR(side("c7_40nm_8KB_64b").energy_ratio, 1.34, 0.1);
  EXPECT_NEAR(side("c7_40nm_100KB_64b").energy_ratio, 0.53, 0.05);
}

// Access time, where the source gives one: within 2x either way. tessera's 8 KB is 1.9x
// CACTI's (one 256 x 256 subarray: a 256-cell bitline discharged by a 25 uA cell, where CACTI
// splits it into 4 subarrays); its 1 MB cache 0.55x (CACTI's "normal" cache access adds the tag
// compare and the way select before the data leave the bank).
TEST(ChipCacti, AccessTimeRatios) {
  int compared = 0;
  for (const auto& s : sides()) {
    if (s.time_ratio <= 0) continue;
    ++compared;
    EXPECT_GT(s.time_ratio, 0.5) << s.ref.id;
    EXPECT_LT(s.time_ratio, 2.0) << s.ref.id;
  }
  EXPECT_GE(compared, 6);
}

// Area. tessera's arrays are larger: its first port's periphery (100 cell pitches of sense
// amplifier / precharge / write-driver strip and of decoder, 42 and 83 um at 45 nm) stands for
// the whole macro's periphery, where CACTI's mat strips are 11 and 7 um per port and omit the
// macro's control, I/O and rings; and tessera's H-tree takes 3 global tracks per bit over a
// bank side. Large arrays come within 1.2-1.9x, small and wide ones 2-3x; the tiny 2-port
// 448 B array 8x (a 64 x 64 subarray under fixed 100-pitch strips).
TEST(ChipCacti, AreaRatios) {
  for (const auto& s : sides()) {
    if (s.area_ratio <= 0) continue;
    EXPECT_GT(s.area_ratio, 1.0) << s.ref.id;
    if (s.ref.capacity_bytes >= 1024) {
      EXPECT_LT(s.area_ratio, 3.5) << s.ref.id;
    }
  }
  EXPECT_NEAR(side("c7_40nm_448B_16b").area_ratio, 8.2, 0.5);
  EXPECT_NEAR(side("c7_22nm_1MB_cache").area_ratio, 1.21, 0.1);
}

double slope(const Side& small, const Side& big, double tessera_value_small,
             double tessera_value_big) {
  return std::log(tessera_value_big / tessera_value_small) /
         std::log(static_cast<double>(big.ref.capacity_bytes) /
                  static_cast<double>(small.ref.capacity_bytes));
}

// Growth with capacity (log-log slope). CACTI's 40 nm RAM sweep (448 B -> 100 KB, one tool and
// objective): read energy ~ C^0.77, area ~ C^0.97. tessera grows more slowly in energy (C^0.49:
// its small arrays are dear, its large ones read fewer bitlines) and in area (C^0.73: its fixed
// periphery weighs on small arrays). Over the 22 nm caches (128 KB -> 1 MB) the slopes are closer
// (CACTI 0.53, tessera 0.46).
TEST(ChipCacti, GrowthWithCapacity) {
  const auto &s = side("c7_40nm_448B_16b"), &b = side("c7_40nm_100KB_64b");
  const double cacti_energy = slope(s, b, s.ref.read_pj, b.ref.read_pj);
  const double tessera_energy = slope(s, b, s.tessera.read_energy_pj, b.tessera.read_energy_pj);
  const double cacti_area = slope(s, b, s.ref.area_mm2, b.ref.area_mm2);
  const double tessera_area = slope(s, b, s.tessera.area_um2, b.tessera.area_um2);
  std::printf(
      "  40 nm 448 B -> 100 KB slopes: energy CACTI %.2f tessera %.2f, area CACTI %.2f "
      "tessera %.2f\n",
      cacti_energy, tessera_energy, cacti_area, tessera_area);
  EXPECT_NEAR(cacti_energy, 0.77, 0.02);
  EXPECT_NEAR(tessera_energy, 0.49, 0.05);
  EXPECT_NEAR(cacti_area, 0.97, 0.02);
  EXPECT_NEAR(tessera_area, 0.73, 0.05);
  const auto &m = side("c7_22nm_128KB_cache"), &l = side("c7_22nm_1MB_cache");
  const double cacti_cache = slope(m, l, m.ref.read_pj, l.ref.read_pj);
  const double tessera_cache = slope(m, l, m.tessera.read_energy_pj, l.tessera.read_energy_pj);
  std::printf("  22 nm 128 KB -> 1 MB slopes: energy CACTI %.2f tessera %.2f\n", cacti_cache,
              tessera_cache);
  EXPECT_NEAR(tessera_cache / cacti_cache, 0.86, 0.1);
}

// Extra ports: each adds its own decoder and column periphery sized in feature sizes (CACTI's
// mat), not another macro periphery. The 2-port 8 KB and 100 KB arrays at 40 nm are within 2.5x
// of CACTI's area (3.6x and 3.3x when every port repeated the 100-pitch strips), and a second
// port costs less area than the cell growth and one more macro periphery would.
TEST(ChipCacti, ExtraPortsAddTransistorSizedPeriphery) {
  EXPECT_LT(side("c7_40nm_8KB_64b").area_ratio, 2.6);
  EXPECT_LT(side("c7_40nm_100KB_64b").area_ratio, 2.4);
  const Technology t = technology_at(40);
  const double one = memory_array(t, {8192, 8, 1, 0, CellKind::Sram}).area_um2;
  const double two = memory_array(t, {8192, 8, 2, 0, CellKind::Sram}).area_um2;
  EXPECT_GT(two / one, 1.3);
  EXPECT_LT(two / one, 2.5);
}

}  // namespace
}  // namespace tessera::chip
