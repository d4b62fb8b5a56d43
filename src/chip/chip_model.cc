// Chip assembly and clock search (chip_model.h).
#include "tessera/chip/chip_model.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "chip/components.h"
#include "tessera/chip/circuits.h"
#include "tessera/core/error.h"

namespace tessera::chip {
namespace {

void scale(ComponentReport& r, int64_t n) {
  r.instances *= n;
  r.area_mm2 *= static_cast<double>(n);
  r.dynamic_w *= static_cast<double>(n);
  r.leakage_w *= static_cast<double>(n);
  for (auto& p : r.parts) scale(p, n), p.instances = r.instances;
}

// McPAT's TDP: peak access rates with average (random) data + leakage (chip_model.h).
void finish_tdp(ComponentReport& r) {
  r.tdp_w = r.dynamic_w + r.leakage_w;
  for (auto& p : r.parts) finish_tdp(p);
}

std::string ns(double s) {
  std::ostringstream o;
  o.precision(3);
  o << s * 1e9 << " ns";
  return o.str();
}

}  // namespace

int64_t ChipSpec::macs_per_cycle() const {
  int64_t per_core = 0;
  if (tensor_unit.rows > 0) per_core += tensor_unit.rows * tensor_unit.cols * tensor_unit.count;
  if (reduction_tree.inputs > 0) per_core += reduction_tree.inputs * reduction_tree.count;
  return per_core * cores;
}

const ComponentReport* ChipReport::find(const std::string& name) const {
  for (const auto& c : components)
    if (c.name == name) return &c;
  return nullptr;
}
double ChipReport::area_share(const std::string& name) const {
  const auto* c = find(name);
  return c == nullptr || area_mm2 <= 0 ? 0 : c->area_mm2 / area_mm2;
}
double ChipReport::tdp_share(const std::string& name) const {
  const auto* c = find(name);
  return c == nullptr || tdp_w <= 0 ? 0 : c->tdp_w / tdp_w;
}

Technology resolve_technology(const TechnologySpec& s) {
  const bool custom = s.base_node_nm > 0 && s.base_node_nm != s.node_nm;
  Technology t = technology_for(custom ? s.base_node_nm : s.node_nm, s.vdd_v, s.flavor);
  if (custom) {
    if (s.node_nm <= 0) throw Error("technology.node_nm must be positive");
    // Shrink what is not overridden by the Stillmaker-style power laws used in the table.
    const double k = static_cast<double>(s.node_nm) / static_cast<double>(s.base_node_nm);
    t.node_nm = s.node_nm;
    t.logic_area_scale *= k * k;
    t.nand2_area_um2 *= k * k;
    t.dff_area_um2 *= k * k;
    t.sram_cell_area_um2 *= k * k;
    t.edram_cell_area_um2 *= k * k;
    t.logic_energy_scale *= std::pow(k, 0.6);
    t.fo4_s *= k;
    t.wire_pitch_local_m *= k;
    t.wire_pitch_global_m *= k;
    t.wire_res_local_ohm_per_m /= k * k;
    t.wire_res_global_ohm_per_m /= k * k;
  }
  if (s.fo4_ps > 0) t.fo4_s = s.fo4_ps * 1e-12;
  if (s.nand2_area_um2 > 0) {
    const double r = s.nand2_area_um2 / t.nand2_area_um2;
    t.nand2_area_um2 *= r, t.dff_area_um2 *= r, t.logic_area_scale *= r;
  }
  if (s.sram_cell_area_um2 > 0) t.sram_cell_area_um2 = s.sram_cell_area_um2;
  if (s.logic_energy_scale > 0) t.logic_energy_scale = s.logic_energy_scale;
  return t;
}

namespace {

void check_spec(const ChipSpec& s) {
  auto positive = [](double v, const std::string& what) {
    if (!(v > 0)) throw Error(what + " must be positive (got " + std::to_string(v) + ")");
  };
  positive(static_cast<double>(s.cores), "cores");
  if (s.tensor_unit.rows < 0 || s.tensor_unit.cols < 0 ||
      (s.tensor_unit.rows > 0) != (s.tensor_unit.cols > 0))
    throw Error("tensor_unit.rows and tensor_unit.cols must both be positive (or both absent)");
  if (s.tensor_unit.rows > 0)
    positive(static_cast<double>(s.tensor_unit.count), "tensor_unit.count");
  if (s.reduction_tree.inputs < 0) throw Error("reduction_tree.inputs must be positive");
  if (s.reduction_tree.inputs > 0)
    positive(static_cast<double>(s.reduction_tree.count), "reduction_tree.count");
  if (s.macs_per_cycle() <= 0)
    throw Error("the chip has no compute: give tensor_unit rows/cols or reduction_tree inputs");
  if (s.tensor_unit.rows > 4096 || s.tensor_unit.cols > 4096 || s.cores > 65536)
    throw Error("sizes beyond the modelled range (tensor_unit <= 4096x4096, cores <= 65536)");
  if (s.clock_hz < 0) throw Error("clock must be positive");
  if (s.target_tops < 0) throw Error("target_tops must be positive");
  if (s.clock_hz == 0 && s.target_tops == 0)
    throw Error("give either clock_mhz or target_tops (the clock is searched from the target)");
  if (s.white_space < 0 || s.white_space >= 0.9)
    throw Error("white_space must be a fraction in [0, 0.9)");
  for (const auto& m : s.memories)
    if (m.capacity_bytes <= 0) throw Error("memory '" + m.name + "': capacity must be positive");
}

ChipReport assemble(const ChipSpec& spec, const Technology& tech, double clock_hz) {
  ChipReport rep;
  rep.spec = spec;
  rep.technology = tech;
  rep.clock_hz = clock_hz;
  const CoreContext ctx{tech, spec, clock_hz};
  std::vector<ComponentReport> core;
  std::vector<BusLink> links;
  const auto& tus = spec.tensor_unit;
  if (tus.rows > 0) {
    auto tu = tensor_unit(ctx);
    const int64_t in_bits = tus.rows * model::dtype_bytes(tus.dtype) * 8;
    const int64_t out_bits = tus.cols * model::dtype_bytes(tus.accumulator) * 8;
    const int64_t groups = spec.vector_unit.port_groups > 0
                               ? std::min(spec.vector_unit.port_groups, tus.count)
                               : tus.count;
    for (int64_t i = 0; i < groups; ++i) links.push_back({in_bits + out_bits, tu.area_mm2, 1});
    scale(tu, tus.count);
    core.push_back(tu);
  }
  if (spec.reduction_tree.inputs > 0) {
    auto rt = reduction_tree(ctx);
    const auto& rts = spec.reduction_tree;
    const int64_t groups = spec.vector_unit.port_groups > 0
                               ? std::min(spec.vector_unit.port_groups, rts.count)
                               : rts.count;
    for (int64_t i = 0; i < groups; ++i)
      links.push_back({rts.inputs * model::dtype_bytes(rts.dtype) * 8, rt.area_mm2, 1});
    scale(rt, rts.count);
    core.push_back(rt);
  }
  if (vector_lanes(spec) > 0) {
    auto vu = vector_unit(ctx);
    links.push_back({vector_lanes(spec) * std::max<int64_t>(1, spec.vector_unit.sublanes) * 32,
                     vu.area_mm2, 1});
    core.push_back(vu);
    core.push_back(vector_registers(ctx));
  }
  std::vector<ComponentReport> shared;
  for (const auto& m : spec.memories) {
    auto r = memory(ctx, m);
    if (m.per_core) {
      r.instances = 1;
      const double width_bits = 8 * r.energy_pj.at("read_access") / r.energy_pj.at("read_byte");
      links.push_back({static_cast<int64_t>(std::lround(width_bits)), r.area_mm2, 1});
      core.push_back(r);
    } else {
      shared.push_back(r);
    }
  }
  if (spec.scalar_unit) core.push_back(scalar_unit(ctx));
  core.push_back(ifu_lsu(ctx));
  double core_area = 0;
  for (const auto& c : core) core_area += c.area_mm2;
  if (vector_lanes(spec) > 0 && !links.empty()) {
    auto cdb = central_data_bus(ctx, links);
    core_area += cdb.area_mm2;
    core.push_back(cdb);
  }
  for (auto& c : core) {
    scale(c, spec.cores);
    rep.components.push_back(c);
  }
  for (auto& c : shared) rep.components.push_back(c);
  double shared_area = 0;
  for (const auto& c : shared) shared_area += c.area_mm2;
  const double tile_area = core_area + shared_area / static_cast<double>(spec.cores);
  auto n = noc(ctx, tile_area);
  if (n.area_mm2 > 0) rep.components.push_back(n);
  for (auto& p : periphery(ctx)) rep.components.push_back(p);
  {
    double die = 0, logic = 0;
    for (const auto& c : rep.components) {
      die += c.area_mm2;
      if (c.name.rfind("memory:", 0) != 0) logic += c.area_mm2;
    }
    die /= 1 - spec.white_space;
    rep.components.push_back(clock_network(ctx, die, logic));
  }
  double modelled = 0;
  for (auto& c : rep.components) {
    finish_tdp(c);
    modelled += c.area_mm2;
    rep.tdp_w += c.tdp_w;
    rep.leakage_w += c.leakage_w;
    if (c.critical_path_s > rep.critical_path_s) {
      rep.critical_path_s = c.critical_path_s;
      rep.critical_component = c.name;
    }
  }
  rep.in_package_dram_w = in_package_dram_w(spec);
  rep.package_tdp_w = rep.tdp_w + rep.in_package_dram_w;
  rep.area_mm2 = modelled / (1 - spec.white_space);
  rep.white_space_mm2 = rep.area_mm2 - modelled;
  rep.peak_tops = 2.0 * static_cast<double>(spec.macs_per_cycle()) * clock_hz / 1e12;
  rep.max_clock_hz = rep.critical_path_s > 0 ? 1 / rep.critical_path_s : 0;
  return rep;
}

}  // namespace

ChipReport evaluate_chip(const ChipSpec& spec) {
  check_spec(spec);
  const Technology tech = resolve_technology(spec.technology);
  const double macs = static_cast<double>(spec.macs_per_cycle());
  double clock = spec.clock_hz;
  const bool searched = clock == 0;
  if (searched) {
    clock = spec.target_tops * 1e12 / (2 * macs);
  } else if (spec.target_tops > 0 && 2 * macs * clock / 1e12 < spec.target_tops * (1 - 1e-6)) {
    throw Error("contradictory spec: " + std::to_string(static_cast<int64_t>(macs)) + " MACs at " +
                std::to_string(clock / 1e6) + " MHz give " +
                std::to_string(2 * macs * clock / 1e12) + " TOPS, below target_tops " +
                std::to_string(spec.target_tops));
  }
  ChipReport rep;
  try {
    rep = assemble(spec, tech, clock);
  } catch (const Error& e) {
    // At an absurd clock (a target_tops no design reaches) a component model fails on the
    // near-zero clock period with a message about some memory bank: name the real cause.
    constexpr double kMaxClockHz = 100e9;
    if (clock <= kMaxClockHz) throw;
    throw Error(std::string(searched ? "target_tops " + std::to_string(spec.target_tops) +
                                           " needs a clock of "
                                     : "clock_mhz ") +
                std::to_string(clock / 1e6) + " MHz, beyond any modelled chip (" + e.what() + ")");
  }
  if (rep.critical_path_s > 1 / clock * (1 + 1e-9))
    throw Error(std::string(searched ? "target_tops " + std::to_string(spec.target_tops) +
                                           " needs a clock of "
                                     : "clock ") +
                std::to_string(clock / 1e6) + " MHz but " + rep.critical_component +
                "'s critical path " + ns(rep.critical_path_s) + " allows at most " +
                std::to_string(1e-6 / rep.critical_path_s) + " MHz");
  if (searched) rep.notes.push_back("clock searched from target_tops");
  if (spec.area_budget_mm2 > 0 && rep.area_mm2 > spec.area_budget_mm2)
    throw Error("area " + std::to_string(rep.area_mm2) + " mm2 exceeds the area budget " +
                std::to_string(spec.area_budget_mm2) + " mm2");
  if (spec.power_budget_w > 0 && rep.tdp_w > spec.power_budget_w)
    throw Error("TDP " + std::to_string(rep.tdp_w) + " W exceeds the power budget " +
                std::to_string(spec.power_budget_w) + " W");
  return rep;
}

ComponentReport from_block(const std::string& name, double area_um2, double dynamic_w,
                           double leakage_w, double delay_s) {
  ComponentReport r;
  r.name = name;
  r.area_mm2 = area_um2 * 1e-6;
  r.dynamic_w = dynamic_w;
  r.leakage_w = leakage_w;
  r.critical_path_s = delay_s;
  return r;
}

void add_part(ComponentReport& parent, ComponentReport part) {
  part.instances = parent.instances;
  parent.parts.push_back(std::move(part));
}

}  // namespace tessera::chip
