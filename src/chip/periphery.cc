// Chip periphery (NeuroMeter 003 Sec. II-A, Fig. 2(b)): memory controllers with DDR/HBM PHYs,
// PCIe, inter-chip links and the DMA engine. PHY and SerDes areas and energies per bit are
// published vendor/ISSCC ranges (data/chip/periphery.yaml, docs/chip-model.md); analog I/O
// shrinks much more slowly than logic, so their area scales as sqrt(node / reference node).
#include <cmath>

#include "chip/components.h"
#include "tessera/chip/circuits.h"
#include "tessera/chip/sram.h"

namespace tessera::chip {
namespace {

struct InterfaceRow {
  DramKind kind;
  const char* name;
  double gbps_per_unit;  // GB/s of one channel / stack
  double phy_mm2;        // PHY area of one unit at ref_node_nm
  double ref_node_nm;
  double pj_per_bit;  // chip-side PHY + controller energy
  double controller_ge;
  // DRAM-device access energy (core + its I/O) and whether the devices sit in the chip's
  // package (under the same lid and heat sink, so inside the package TDP).
  double device_pj_per_bit;
  bool in_package;
};

constexpr InterfaceRow kDram[] = {
    // Device energies per bit as encoded by the Accelergy CACTI plug-in (cacti_wrapper.py):
    // DDR3 70 pJ/b (Malladi ISCA'12), LPDDR4 8 pJ/b, HBM2 3.9 pJ/b (Chatterjee MICRO'17);
    // DDR4 40 pJ/b between DDR3 and LPDDR4 (estimate). Only in-package (HBM) devices count.
    {DramKind::Ddr3, "ddr3", 17.0, 3.0, 28, 15.0, 150e3, 70.0, false},
    {DramKind::Ddr4, "ddr4", 25.6, 3.0, 28, 10.0, 150e3, 40.0, false},
    {DramKind::Lpddr4, "lpddr4", 12.8, 1.5, 28, 5.0, 100e3, 8.0, false},
    {DramKind::Hbm2, "hbm2", 256.0, 12.0, 16, 1.5, 400e3, 3.9, true},
};

// PCIe SerDes lane ~0.25 mm^2 at 28 nm (Gen3, 8 GT/s), ~8 pJ/bit; 25-28 Gb/s chip-link SerDes
// lane ~0.2 mm^2 at 16 nm, ~6 pJ/bit.
constexpr double kPcieLaneMm2At28 = 0.25;
constexpr double kPciePjPerBit = 8.0;
constexpr double kPcieControllerGe = 200e3;
constexpr double kLinkLaneGbps = 25.0;
constexpr double kLinkLaneMm2At16 = 0.2;
constexpr double kLinkPjPerBit = 6.0;
constexpr double kDmaGe = 50e3;
// PHY static power (DLLs, termination, bias) as a share of its full-bandwidth power.
constexpr double kPhyStaticShare = 0.2;

double io_scale(const Technology& t, double ref_nm) { return std::sqrt(t.node_nm / ref_nm); }

ComponentReport interface(const Technology& t, const std::string& name, double mm2,
                          double bits_per_s, double pj_per_bit, double controller_ge,
                          double clock_hz) {
  const Block ctl = random_logic(t, controller_ge, 0.1);
  ComponentReport r;
  r.name = name;
  r.area_mm2 = mm2 + ctl.area_um2 * 1e-6;
  const double phy_w = bits_per_s * pj_per_bit * 1e-12;
  r.dynamic_w = phy_w * (1 - kPhyStaticShare) + ctl.energy_pj * 1e-12 * clock_hz;
  r.leakage_w = phy_w * kPhyStaticShare + ctl.leakage_w;
  r.energy_pj["bit"] = pj_per_bit;
  r.critical_path_s = ctl.delay_s;
  return r;
}

}  // namespace

double in_package_dram_w(const ChipSpec& spec) {
  const auto& o = spec.offchip;
  for (const auto& row : kDram)
    if (row.kind == o.dram && row.in_package && o.dram_gbps > 0)
      return o.dram_gbps * 8e9 * row.device_pj_per_bit * 1e-12;
  return 0;
}

std::vector<ComponentReport> periphery(const CoreContext& c) {
  const Technology& t = c.tech;
  const auto& o = c.spec.offchip;
  std::vector<ComponentReport> out;
  if (o.dram != DramKind::None && o.dram_gbps > 0) {
    for (const auto& row : kDram) {
      if (row.kind != o.dram) continue;
      const double units = std::ceil(o.dram_gbps / row.gbps_per_unit - 1e-9);
      auto r = interface(t, "memory_controller", units * row.phy_mm2 * io_scale(t, row.ref_node_nm),
                         o.dram_gbps * 8e9, row.pj_per_bit, units * row.controller_ge, c.clock_hz);
      r.instances = static_cast<int64_t>(units);
      r.detail = std::string(row.name) + " " + std::to_string(o.dram_gbps) + " GB/s, " +
                 std::to_string(r.instances) + " PHY(s)";
      out.push_back(r);
    }
  }
  if (o.pcie_gen > 0 && o.pcie_lanes > 0) {
    const double lane_gbps =
        o.pcie_gen <= 2 ? 5.0 * o.pcie_gen / 2 * 2 : 8.0 * (1 << (o.pcie_gen - 3));
    auto r = interface(
        t, "pcie",
        o.pcie_lanes * kPcieLaneMm2At28 * io_scale(t, 28) * (o.pcie_gen >= 4 ? 1.2 : 1.0),
        2.0 * o.pcie_lanes * lane_gbps * 1e9, kPciePjPerBit, kPcieControllerGe, c.clock_hz);
    r.detail = "gen" + std::to_string(o.pcie_gen) + " x" + std::to_string(o.pcie_lanes);
    out.push_back(r);
  }
  if (o.chip_links > 0 && o.link_gbps > 0) {
    const double lanes = o.chip_links * std::ceil(o.link_gbps / kLinkLaneGbps) * 2;  // tx + rx
    // Each link terminates in a switch port: a router with 4-flit buffers of 256 b.
    const auto buf = memory_array(t, {4 * 32, 32, 1, 1, CellKind::Dff});
    auto r = interface(
        t, "chip_links",
        lanes * kLinkLaneMm2At16 * io_scale(t, 16) + o.chip_links * 2 * buf.area_um2 * 1e-6,
        2.0 * o.chip_links * o.link_gbps * 1e9, kLinkPjPerBit, o.chip_links * 50e3, c.clock_hz);
    r.detail = std::to_string(o.chip_links) + " links x " + std::to_string(o.link_gbps) +
               " Gb/s, " + std::to_string(static_cast<int64_t>(lanes)) + " SerDes lanes";
    out.push_back(r);
  }
  {
    const auto buf = memory_array(t, {4096, 32, 1, 1, CellKind::Sram});
    const Block logic = random_logic(t, kDmaGe, 0.1);
    ComponentReport r;
    r.name = "dma";
    r.area_mm2 = (logic.area_um2 + buf.area_um2) * 1e-6;
    r.dynamic_w = (logic.energy_pj + buf.read_energy_pj) * 1e-12 * c.clock_hz;
    r.leakage_w = logic.leakage_w + buf.leakage_w;
    r.critical_path_s = std::max(logic.delay_s, buf.cycle_time_s);
    r.detail = "descriptor engine + 4 KiB staging buffer";
    out.push_back(r);
  }
  if (c.spec.control_kge > 0) {
    const Block logic = random_logic(t, c.spec.control_kge * 1e3, 0.1);
    ComponentReport r;
    r.name = "chip_control";
    r.area_mm2 = logic.area_um2 * 1e-6;
    r.dynamic_w = logic.energy_pj * 1e-12 * c.clock_hz;
    r.leakage_w = logic.leakage_w;
    r.critical_path_s = logic.delay_s;
    r.detail = std::to_string(c.spec.control_kge) + " kGE";
    out.push_back(r);
  }
  return out;
}

}  // namespace tessera::chip
