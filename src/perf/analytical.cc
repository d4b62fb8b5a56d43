// Analytical tiled-accelerator evaluator (001 Sec. 3.3): see include/tessera/perf/analytical.h.
#include "tessera/perf/analytical.h"

#include <algorithm>

#include "perf/host_cost.h"
#include "perf/neighbors.h"
#include "tessera/perf/placement.h"
#include "tessera/perf/roofline.h"

namespace tessera::perf {
namespace {

struct MatrixShape {
  int64_t batch = 1, m = 1, k = 1, n = 1;
};

MatrixShape matrix_shape(const workload::Op& op) {
  MatrixShape s;
  if (op.problem.kind == workload::ProblemKind::Matmul) {
    const auto& mm = op.problem.matmul;
    s = {mm.batch, mm.m, mm.k, mm.n};
    if (mm.b_is_weight) s = {1, mm.batch * mm.m, mm.k, mm.n};  // shared weights: fold batch
    return s;
  }
  const auto& c = op.problem.conv;  // im2col view, one matmul per group
  if (c.transposed) return {c.groups, c.n * c.h * c.w, c.c / c.groups, c.k / c.groups * c.r * c.s};
  return {c.groups, c.n * c.p * c.q, c.c / c.groups * c.r * c.s, c.k / c.groups};
}

int64_t wide_bytes(const hw::Hardware& hw) {
  return hw.pe_array ? model::dtype_bytes(hw.pe_array->accumulator_dtype) : 4;
}

// A special-function unit takes the op's input from the accumulator of the matrix op before it.
bool fused_into_producer(const workload::Workload& w, size_t i, const hw::Hardware& hw,
                         const AnalyticalOptions& options) {
  if (w.ops[i].fused) return true;
  return options.fuse_nonlinear && hw.has_special_unit(w.ops[i].kind) && reads_from_matrix_op(w, i);
}

// Whether a matrix op hands its output on chip to a fused consumer instead of writing it.
bool output_fused(const workload::Workload& w, size_t i, const hw::Hardware& hw,
                  const AnalyticalOptions& options) {
  if (!options.fuse_nonlinear) return false;
  for (size_t j = i + 1; j < w.ops.size() && j <= i + 4; ++j)
    if (hw.has_special_unit(w.ops[j].kind) && reads_from_matrix_op(w, j) &&
        producer_of(w, j, w.ops[j].traffic.empty() ? -1 : w.ops[j].traffic[0].tensor) ==
            static_cast<int64_t>(i))
      return true;
  return false;
}

// Bytes that move inside the accelerator for one op (energy only; not DRAM traffic).
struct OnChipBytes {
  double scratchpad_read = 0, scratchpad_write = 0, accumulator_read = 0, accumulator_write = 0;
};

double level_energy_j(const hw::MemoryLevel* level, double read_bytes, double write_bytes) {
  if (!level) return 0;
  return (read_bytes * level->read_energy_pj_per_byte +
          write_bytes * level->write_energy_pj_per_byte) *
         1e-12;
}

// MACs, DRAM, the levels between the scratchpad and DRAM (the DRAM traffic passes through
// them), the scratchpad and the accumulator, each at the spec's per-byte energies.
void add_energy(const workload::Op& op, const hw::Hardware& hw, double read_bytes,
                double write_bytes, Cost& cost, const OnChipBytes& on_chip = {}) {
  const hw::MemoryLevel& dram = hw.dram();
  double mac_pj = hw.pe_array ? hw.pe_array->mac_energy_pj : 0;
  if (mac_pj <= 0 && dram.read_energy_pj_per_byte <= 0) return;
  double compute_j = static_cast<double>(op.macs) * mac_pj * 1e-12;
  cost.energy_by_component_j["compute"] = compute_j;
  cost.energy_j = compute_j;
  auto charge = [&cost](const std::string& name, double joules) {
    if (joules <= 0) return;
    cost.energy_by_component_j[name] += joules;
    cost.energy_j += joules;
  };
  charge(dram.name, level_energy_j(&dram, read_bytes, write_bytes));
  bool beyond = false;
  for (const auto& level : hw.memory) {
    if (beyond && &level != &dram)
      charge(level.name, level_energy_j(&level, read_bytes, write_bytes));
    if (level.name == "scratchpad") beyond = true;
  }
  if (const hw::MemoryLevel* sp = hw.find_level("scratchpad"))
    charge(sp->name, level_energy_j(sp, on_chip.scratchpad_read, on_chip.scratchpad_write));
  if (const hw::MemoryLevel* acc = hw.find_level("accumulator"))
    charge(acc->name, level_energy_j(acc, on_chip.accumulator_read, on_chip.accumulator_write));
}

// Scratchpad and accumulator bytes of a tiled matmul. The stationary operand is read from the
// scratchpad once per tile that reloads it; the streamed one once per array-wide block of the
// other dimension; partial sums are written and read back once per array-deep block of K.
OnChipBytes matmul_on_chip_bytes(const hw::Hardware& hw, const MatmulTiling& t, int64_t batch,
                                 int64_t m, int64_t k, int64_t n, double a_total, double b_total,
                                 double operand_reads, double acc_element_bytes) {
  const hw::PeArray& pe = *hw.pe_array;
  auto ceil_div = [](int64_t a, int64_t b) { return static_cast<double>((a + b - 1) / b); };
  OnChipBytes bytes;
  bytes.scratchpad_write = operand_reads;  // every operand byte from DRAM lands here
  switch (pe.dataflow) {
    case hw::Dataflow::WeightStationary:
      bytes.scratchpad_read = a_total * ceil_div(n, pe.cols) + b_total * ceil_div(m, t.tile_m);
      break;
    case hw::Dataflow::OutputStationary:
      bytes.scratchpad_read = a_total * ceil_div(n, pe.cols) + b_total * ceil_div(m, pe.rows);
      break;
    case hw::Dataflow::InputStationary:
      bytes.scratchpad_read = a_total * ceil_div(n, t.tile_n) + b_total * ceil_div(m, pe.cols);
      break;
  }
  double partial_sums =
      static_cast<double>(batch * m * n) * acc_element_bytes * ceil_div(k, pe.rows);
  bytes.accumulator_write = partial_sums;
  bytes.accumulator_read = partial_sums;
  return bytes;
}

void set_traffic(Cost& cost, const hw::Hardware& hw, double read_bytes, double write_bytes,
                 double flops) {
  cost.traffic.push_back(
      {hw.dram().name, static_cast<int64_t>(read_bytes), static_cast<int64_t>(write_bytes)});
  double total = read_bytes + write_bytes;
  cost.intensity = total > 0 ? flops / total : 0;
}

Cost evaluate_matrix(const workload::Op& op, const hw::Hardware& hw, const workload::Workload* w,
                     size_t index, const AnalyticalOptions& options) {
  Cost cost;
  MatrixShape s = matrix_shape(op);
  double a_bytes = 0, b_bytes = 0, other_bytes = 0, a_elements = 0, out_elements = 0, out_bytes = 0;
  int input_index = 0;
  for (const auto& tr : op.traffic) {
    if (tr.is_output) {
      out_elements += static_cast<double>(tr.elements);
      out_bytes += static_cast<double>(tr.bytes);
    } else if (input_index++ == 0) {
      a_bytes = static_cast<double>(tr.bytes), a_elements = static_cast<double>(tr.elements);
    } else if (input_index == 2) {
      b_bytes = static_cast<double>(tr.bytes);
    } else {
      other_bytes += static_cast<double>(tr.bytes);  // bias: read once
    }
  }
  // A bias that enters the accumulator as a full matrix (Gemmini's D) is read once per output.
  if (other_bytes > 0 && hw.pe_array->bias_matrix_bytes > 0)
    other_bytes = static_cast<double>(s.batch * s.m * s.n) * hw.pe_array->bias_matrix_bytes;
  bool wide = w && options.wide_outputs_before_nonlinear && emits_wide(*w, index);
  bool handed_on = w && output_fused(*w, index, hw, options);
  if (wide && !handed_on) out_bytes = out_elements * static_cast<double>(wide_bytes(hw));
  if (handed_on) out_bytes = 0;
  double per_item = static_cast<double>(s.batch);
  double operand_element = a_elements > 0 ? a_bytes / a_elements : 1;
  MatmulTiling t = best_matmul_tiling(
      hw, s.batch, s.m, s.k, s.n, a_bytes / per_item,
      b_bytes / (op.problem.kind == workload::ProblemKind::Matmul && op.problem.matmul.b_is_weight
                     ? 1.0
                     : per_item),
      out_bytes / per_item, operand_element);
  double traffic = t.traffic_bytes + other_bytes;
  double compute_s = t.compute_cycles / hw.clock_hz;
  double memory_s = tile_memory_s(hw, traffic - out_bytes, out_bytes);
  cost.latency_s = std::max(compute_s, memory_s) + t.overhead_s;
  cost.cycles = cost.latency_s * hw.clock_hz;
  cost.unit = "matrix";
  cost.bound = compute_s >= memory_s ? Bound::Compute : Bound::Memory;
  cost.breakdown_s = {{"compute", compute_s}, {"memory", memory_s}, {"overhead", t.overhead_s}};
  double peak = hw.matrix.at(hw.pe_array->dtype);
  if (peak <= 0)
    peak = 2.0 * static_cast<double>(hw.pe_array->rows * hw.pe_array->cols) * hw.clock_hz;
  cost.utilization = cost.latency_s > 0 ? static_cast<double>(op.flops) / cost.latency_s / peak : 0;
  cost.attainable_ops_per_s =
      cost.latency_s > 0 ? static_cast<double>(op.flops) / cost.latency_s : 0;
  set_traffic(cost, hw, traffic - out_bytes, out_bytes, static_cast<double>(op.flops));
  cost.note = "tile " + std::to_string(t.tile_m) + "x" + std::to_string(t.tile_k) + "x" +
              std::to_string(t.tile_n) + (wide && !handed_on ? ", 32-bit output" : "") +
              (handed_on ? ", output fused into the next op" : "");
  OnChipBytes on_chip =
      matmul_on_chip_bytes(hw, t, s.batch, s.m, s.k, s.n, a_bytes, b_bytes,
                           t.traffic_bytes - out_bytes, static_cast<double>(wide_bytes(hw)));
  add_energy(op, hw, traffic - out_bytes, out_bytes, cost, on_chip);
  return cost;
}

// Input and output bytes of a vector op as the accelerator moves them: wide where the value
// comes from (or goes to) a 32-bit accumulator path, nothing where fused.
void vector_bytes(const workload::Op& op, const hw::Hardware& hw, const workload::Workload* w,
                  size_t index, const AnalyticalOptions& options, double& read, double& write) {
  read = write = 0;
  const double wide = static_cast<double>(wide_bytes(hw));
  bool wide_out = w && options.wide_outputs_before_nonlinear && emits_wide(*w, index);
  for (const auto& tr : op.traffic) {
    double bytes = static_cast<double>(tr.bytes);
    if (tr.is_output) {
      write += wide_out ? static_cast<double>(tr.elements) * wide : bytes;
      continue;
    }
    if (w && tr.tensor_class != model::TensorClass::Weight) {
      int64_t j = producer_of(*w, index, tr.tensor);
      if (j >= 0) {
        size_t pj = static_cast<size_t>(j);
        if (is_matrix_op(w->ops[pj]) && output_fused(*w, pj, hw, options)) continue;
        if (options.wide_outputs_before_nonlinear && emits_wide(*w, pj))
          bytes = static_cast<double>(tr.elements) * wide;
      }
    }
    read += bytes;
  }
}

}  // namespace

Cost AnalyticalEvaluator::evaluate(const workload::Op& op, const hw::Hardware& hw,
                                   const EvalContext& context) const {
  if (!hw.pe_array) {
    Cost cost = RooflineEvaluator().evaluate(op, hw, context);
    if (cost.note.empty()) cost.note = "no PE array: roofline";
    return cost;
  }
  const workload::Workload* w = context.workload;
  const size_t index = context.op_index;
  Placement p = place_op(op, hw, workload_dtype(w));
  Cost cost;
  cost.unit = std::string(unit_name(p.unit));
  switch (p.unit) {
    case Unit::None:
      cost.bound = Bound::Unsupported;
      cost.note = p.note;
      return cost;
    case Unit::NoWork:
      return cost;
    case Unit::Matrix:
      return evaluate_matrix(op, hw, w, index, options_);
    case Unit::Vector:
      return RooflineEvaluator().evaluate(op, hw, context);
    default:
      break;
  }
  double read = 0, write = 0;
  OnChipBytes on_chip;
  vector_bytes(op, hw, w, index, options_, read, write);
  // Through the DMA's reader and writer, which overlap (see tile_memory_s).
  const double transfer_s = tile_memory_s(hw, read, write);
  if (p.unit == Unit::Host) {
    apply_host_time(host_time(op, hw), op, hw, cost);
    set_traffic(cost, hw, read, write, static_cast<double>(op.flops));
  } else if (p.unit == Unit::Dma) {
    cost.latency_s = transfer_s;
    cost.bound = Bound::Memory;
    cost.breakdown_s["memory"] = cost.latency_s;
    set_traffic(cost, hw, read, write, 0);
  } else {  // special-function unit: one cycle per vector of elements_per_cycle, per pass
    const hw::SpecialFunctionUnit& sfu = *hw.find_special_unit(op.kind);
    auto it = sfu.passes.find(op.kind);
    double passes = it == sfu.passes.end() ? 1.0 : it->second;
    double vectors = static_cast<double>(op.problem.vector.elements) / sfu.elements_per_cycle;
    bool fused = w && fused_into_producer(*w, index, hw, options_);
    // Fused: the first pass rides on the producer's output stream; later passes still cost.
    double compute_s = (fused ? passes - 1 : passes) * vectors / hw.clock_hz;
    double memory_s = transfer_s;
    cost.latency_s = std::max(compute_s, memory_s);
    cost.bound = compute_s >= memory_s ? Bound::Compute : Bound::Memory;
    cost.breakdown_s = {{"compute", compute_s}, {"memory", memory_s}};
    double peak = sfu.elements_per_cycle * hw.clock_hz * op.problem.vector.flops_per_element;
    cost.utilization =
        cost.latency_s > 0 && peak > 0 ? static_cast<double>(op.flops) / cost.latency_s / peak : 0;
    cost.attainable_ops_per_s =
        cost.latency_s > 0 ? static_cast<double>(op.flops) / cost.latency_s : 0;
    set_traffic(cost, hw, read, write, static_cast<double>(op.flops));
    cost.unit = "special";
    cost.note = sfu.name + (fused ? " (fused)" : "");
    // The unit reads its operands from the accumulator once per pass (001 Sec. 3.4.4); what
    // came from DRAM was written there first.
    on_chip.accumulator_write = read;
    on_chip.accumulator_read = passes * static_cast<double>(op.problem.vector.elements) *
                               static_cast<double>(wide_bytes(hw));
  }
  cost.cycles = cost.latency_s * hw.clock_hz;
  add_energy(op, hw, read, write, cost, on_chip);
  return cost;
}

}  // namespace tessera::perf
