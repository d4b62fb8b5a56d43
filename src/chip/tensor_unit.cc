// Tensor Unit (NeuroMeter 003 Sec. II-A, Fig. 2(c,d)): an array of systolic cells (MAC +
// pipeline registers + optional DFF/SRAM local buffer + optional cell controller), the wires
// between cells (unicast neighbour links, or multicast X/Y buses as in Eyeriss, modelled as
// pi-RC segments driven by the I/O FIFO), and the I/O FIFOs/skew buffers.
#include <algorithm>
#include <cmath>

#include "chip/components.h"
#include "tessera/chip/circuits.h"
#include "tessera/chip/sram.h"

namespace tessera::chip {

ComponentReport tensor_unit(const CoreContext& c) {
  const auto& tu = c.spec.tensor_unit;
  const Technology& t = c.tech;
  const double period = 1.0 / c.clock_hz;
  const int64_t op_bits = model::dtype_bytes(tu.dtype) * 8;
  const int64_t acc_bits = model::dtype_bytes(tu.accumulator) * 8;
  const double cells = static_cast<double>(tu.rows * tu.cols);

  ComponentReport r;
  r.name = "tensor_unit";
  r.detail = std::to_string(tu.rows) + "x" + std::to_string(tu.cols) + " " +
             std::string(model::dtype_name(tu.dtype)) + "/" +
             std::string(model::dtype_name(tu.accumulator)) +
             (tu.dataflow == TuDataflow::WeightStationary ? " WS" : " OS") +
             (tu.interconnect == TuInterconnect::Unicast ? " unicast" : " multicast");

  // One systolic cell.
  const Block mac_block = mac(t, tu.dtype, tu.accumulator);
  const bool multicast = tu.interconnect == TuInterconnect::Multicast;
  // Pipeline registers that switch every cycle, and those that only load (clock-gated).
  int64_t moving_bits = 0, held_bits = 0;
  if (multicast) {
    moving_bits = op_bits + acc_bits;  // latched bus operand + psum link register
  } else if (tu.dataflow == TuDataflow::WeightStationary) {
    // The input passes right and the psum down; the next tile's weights shift down the column
    // through each cell's weight shift register (Google's MXU cell: a weight register loaded
    // from a weight shift register, US patent 11,907,330) while the current tile computes --
    // the double buffer exists to hide that shifting (Jouppi et al., ISCA'17 Sec. 2), so at
    // the peak rate it runs every cycle. Only the weight in use is held (loaded once a tile).
    moving_bits = 2 * op_bits + acc_bits;
    held_bits = op_bits;
  } else {
    moving_bits = 2 * op_bits;  // input and weight pass through
    held_bits = acc_bits;       // stationary accumulator (switches every MAC)
    moving_bits += acc_bits, held_bits = 0;
  }
  const Block moving = flip_flops(t, moving_bits);
  const Block held = flip_flops(t, held_bits);
  Block local_sram{}, local_regs{};
  double local_energy_per_mac = 0;
  if (tu.local_sram_bytes > 0) {
    const auto a = memory_array(t, {tu.local_sram_bytes, op_bits / 8, 1, 0, CellKind::Sram});
    local_sram = {a.area_um2, a.read_energy_pj, a.leakage_w, a.access_time_s};
    local_energy_per_mac += a.read_energy_pj;  // one filter read per MAC
  }
  if (tu.local_register_bytes > 0) {
    const auto a = memory_array(t, {tu.local_register_bytes, op_bits / 8, 1, 1, CellKind::Dff});
    local_regs = {a.area_um2, a.read_energy_pj, a.leakage_w, a.access_time_s};
    // ifmap read + psum read + psum write per MAC (row-stationary PE, Eyeriss JSSC'17).
    local_energy_per_mac += 2 * a.read_energy_pj + a.write_energy_pj;
  }
  const Block control = random_logic(t, tu.cell_control_ge, 0.2);
  const double cell_area = mac_block.area_um2 + moving.area_um2 + held.area_um2 +
                           local_sram.area_um2 + local_regs.area_um2 + control.area_um2;
  const double pitch_m = std::sqrt(cell_area) * 1e-6;

  // Interconnect between cells.
  double wire_energy_per_cycle = 0;  // whole array
  double wire_delay = 0, wire_area = 0;
  int64_t bus_stages = 1;
  if (!multicast) {
    const Block h = wire(t, WireLayer::Local, pitch_m, op_bits);
    // Vertical links: the psum, and for WS the weight shift chain beside it.
    const int64_t v_bits =
        acc_bits + (tu.dataflow == TuDataflow::WeightStationary ? op_bits : int64_t{0});
    const Block v = wire(t, WireLayer::Local, pitch_m, v_bits);
    wire_energy_per_cycle = cells * (h.energy_pj + v.energy_pj);
    wire_delay = std::max(h.delay_s, v.delay_s);
  } else {
    // X bus per row (inputs), Y bus per column (weights), local psum links between rows.
    const Block x = wire(t, WireLayer::Global, pitch_m * static_cast<double>(tu.cols), op_bits);
    const Block y = wire(t, WireLayer::Global, pitch_m * static_cast<double>(tu.rows), op_bits);
    const Block p = wire(t, WireLayer::Local, pitch_m, acc_bits);
    // Each bus also drives the input latch of every cell on it.
    const double fanout_pj =
        static_cast<double>(op_bits) * 0.5 * 2 * t.gate_cap_f * t.vdd2() * 1e12;
    wire_energy_per_cycle = static_cast<double>(tu.rows) * (x.energy_pj + fanout_pj * tu.cols) +
                            static_cast<double>(tu.cols) * (y.energy_pj + fanout_pj * tu.rows) +
                            cells * p.energy_pj;
    wire_delay = std::max(x.delay_s, y.delay_s);
    wire_area =
        static_cast<double>(tu.rows) * x.area_um2 + static_cast<double>(tu.cols) * y.area_um2;
    const double budget = period - moving.delay_s;
    if (wire_delay > budget && budget > 0)
      bus_stages = static_cast<int64_t>(std::ceil(wire_delay / budget));
  }

  // The cell's pipeline: MAC (+ local buffer read) + register + wire; a second stage splits
  // the multiplier from the adder when one cycle is too short.
  const double local_delay = std::max(local_sram.delay_s, local_regs.delay_s);
  double stage = mac_block.delay_s + local_delay + moving.delay_s + (multicast ? 0 : wire_delay);
  int64_t cell_stages = 1;
  Block split{};
  if (stage > period) {
    cell_stages = 2;
    split = flip_flops(t, 2 * op_bits);
    const Block mul = multiplier(t, tu.dtype), add = adder(t, tu.accumulator);
    stage = std::max(mul.delay_s + local_delay, add.delay_s + (multicast ? 0 : wire_delay)) +
            moving.delay_s;
  }

  // I/O FIFOs: skew/deskew triangles for a systolic array, short FIFOs for buses.
  const int64_t depth =
      tu.fifo_depth >= 0 ? tu.fifo_depth : (multicast ? 4 : std::max<int64_t>(1, tu.rows / 2));
  const Block fifo = flip_flops(t, depth * (tu.rows * op_bits + tu.cols * acc_bits));
  const Block bus_regs = flip_flops(t, (bus_stages - 1) * (tu.rows + tu.cols) * op_bits);

  const double e_cell = mac_block.energy_pj + moving.energy_pj + split.energy_pj +
                        local_energy_per_mac + control.energy_pj;
  const double e_array_cycle =
      cells * e_cell + wire_energy_per_cycle + fifo.energy_pj + bus_regs.energy_pj;
  r.energy_pj["mac"] = e_array_cycle / cells;  // per MAC with the array busy
  // Split for runtime power: per MAC performed, the arithmetic and the local-buffer (spad)
  // operand reads and psum update -- an operand is read when it is consumed, and zero
  // gating (Eyeriss) skips both for zero operands; per busy cell-cycle, the rest (pipeline
  // registers, cell control, buses, FIFOs), which stays clocked while a PE waits for data.
  r.energy_pj["mac_datapath"] = mac_block.energy_pj + split.energy_pj + local_energy_per_mac;
  r.energy_pj["cell_cycle"] = r.energy_pj["mac"] - r.energy_pj["mac_datapath"];
  r.energy_pj["cycle"] = e_array_cycle;
  r.dynamic_w = e_array_cycle * 1e-12 * c.clock_hz;
  r.leakage_w = cells * (mac_block.leakage_w + moving.leakage_w + held.leakage_w + split.leakage_w +
                         local_sram.leakage_w + local_regs.leakage_w + control.leakage_w) +
                fifo.leakage_w + bus_regs.leakage_w;
  r.area_mm2 =
      (cells * (cell_area + split.area_um2) + wire_area + fifo.area_um2 + bus_regs.area_um2) * 1e-6;
  r.critical_path_s = std::max(
      stage, multicast ? wire_delay / static_cast<double>(bus_stages) + moving.delay_s : 0.0);
  r.pipeline_stages = cell_stages * bus_stages;

  auto part = [&](const char* name, double area_um2, double energy_pj_cycle, double leak) {
    ComponentReport p;
    p.name = name;
    p.area_mm2 = area_um2 * 1e-6;
    p.dynamic_w = energy_pj_cycle * 1e-12 * c.clock_hz;
    p.leakage_w = leak;
    add_part(r, p);
  };
  part("mac", cells * mac_block.area_um2, cells * mac_block.energy_pj, cells * mac_block.leakage_w);
  part("cell_registers", cells * (moving.area_um2 + held.area_um2 + split.area_um2),
       cells * (moving.energy_pj + split.energy_pj),
       cells * (moving.leakage_w + held.leakage_w + split.leakage_w));
  part("local_buffer", cells * (local_sram.area_um2 + local_regs.area_um2),
       cells * local_energy_per_mac, cells * (local_sram.leakage_w + local_regs.leakage_w));
  part("cell_control", cells * control.area_um2, cells * control.energy_pj,
       cells * control.leakage_w);
  part("interconnect", wire_area + bus_regs.area_um2, wire_energy_per_cycle + bus_regs.energy_pj,
       bus_regs.leakage_w);
  part("io_fifo", fifo.area_um2, fifo.energy_pj, fifo.leakage_w);
  return r;
}

}  // namespace tessera::chip
