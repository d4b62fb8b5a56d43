// CNN performance of a many-TU chip through the analytical evaluator (cnn_performance.h).
#include "tessera/explore/cnn_performance.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "tessera/chip/energy_export.h"
#include "tessera/core/error.h"
#include "tessera/model/zoo.h"
#include "tessera/perf/analytical.h"

namespace tessera::explore {
namespace {

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// What one op shape looks like to the splitter: rows that can be split (images x output rows,
// or matmul rows) and channel groups that can be split (output-channel tiles of the TU, or
// groups of a grouped/depthwise conv).
struct Extents {
  int64_t rows = 1;      // at the batch asked for
  int64_t channels = 1;  // splittable units along the output channels
};

Extents extents(const workload::Op& op, int64_t batch, int64_t x) {
  Extents e;
  if (op.problem.kind == workload::ProblemKind::Conv) {
    const auto& c = op.problem.conv;
    e.rows = batch * c.n * c.p;
    e.channels = c.groups > 1 ? c.groups : ceil_div(c.k, x);
  } else if (op.problem.kind == workload::ProblemKind::Matmul) {
    const auto& m = op.problem.matmul;
    e.rows = m.b_is_weight ? batch * m.batch * m.m : batch * m.batch;
    e.channels = ceil_div(m.n, x);
  } else if (op.problem.kind == workload::ProblemKind::Vector) {
    e.rows = batch * std::max<int64_t>(1, op.problem.vector.elements);  // element-wise
  } else {
    e.rows = batch;
  }
  return e;
}

void scale_traffic(workload::Op& op, double in_frac, double w_frac, double out_frac) {
  op.bytes_read = op.bytes_written = 0;
  for (auto& t : op.traffic) {
    const double f = t.is_output                                    ? out_frac
                     : t.tensor_class == model::TensorClass::Weight ? w_frac
                                                                    : in_frac;
    t.elements = static_cast<int64_t>(std::ceil(static_cast<double>(t.elements) * f));
    t.bytes = static_cast<int64_t>(std::ceil(static_cast<double>(t.bytes) * f));
    (t.is_output ? op.bytes_written : op.bytes_read) += t.bytes;
  }
}

// One TU's share of a batch-1 op run at `batch`, split `p_rows` ways along the rows and
// `p_channels` ways along the channels. The TUs sharing a weight slice (or an input slice)
// each fetch 1/p of it from HBM and get the rest from the others (CDB or NoC), so the HBM
// sees every byte once.
workload::Op tu_share(const workload::Op& op, int64_t batch, int64_t x, int64_t p_rows,
                      int64_t p_channels) {
  workload::Op s = op;
  double in_frac = 1, w_frac = 1, out_frac = 1;
  if (op.problem.kind == workload::ProblemKind::Conv) {
    auto& c = s.problem.conv;
    const auto& o = op.problem.conv;
    const int64_t rows = ceil_div(batch * o.n * o.p, p_rows);
    c.n = 1;
    c.p = rows;
    c.h = std::min(o.h * batch * o.n, (rows - 1) * o.stride_h + (o.r - 1) * o.dilation_h + 1);
    if (o.groups > 1) {
      c.groups = ceil_div(o.groups, p_channels);
      c.c = o.c / o.groups * c.groups;
      c.k = o.k / o.groups * c.groups;
    } else {
      c.k = std::min(o.k, ceil_div(ceil_div(o.k, x), p_channels) * x);
    }
    in_frac = static_cast<double>(c.c * c.h) / static_cast<double>(o.c * o.h);
    w_frac = static_cast<double>(c.k) / static_cast<double>(o.k);
    out_frac = static_cast<double>(c.k * c.p) / static_cast<double>(o.k * o.p);
    // Depthwise: pack floor(X / RS) channels block-diagonally into one X x X weight tile (the
    // usual systolic mapping) instead of one channel per tile; the evaluator sees a grouped
    // conv with that many channels per group (zeros included in its cycle count, MACs and
    // traffic stay the real ones).
    const int64_t rs = o.r * o.s;
    if (o.groups > 1 && o.c == o.groups && o.k == o.groups && rs < x) {
      const int64_t pack = x / rs;
      c.groups = ceil_div(c.groups, pack);
      c.c = c.k = c.groups * pack;
    }
  } else if (op.problem.kind == workload::ProblemKind::Matmul) {
    auto& m = s.problem.matmul;
    const auto& o = op.problem.matmul;
    m.n = std::min(o.n, ceil_div(ceil_div(o.n, x), p_channels) * x);
    w_frac = o.b_is_weight ? static_cast<double>(m.n) / static_cast<double>(o.n) : 1;
    if (o.b_is_weight) {
      m.m = ceil_div(batch * o.batch * o.m, p_rows);
      m.batch = 1;
      in_frac = static_cast<double>(m.m) / static_cast<double>(o.batch * o.m);
    } else {
      m.batch = ceil_div(batch * o.batch, p_rows);
      in_frac = static_cast<double>(m.batch) / static_cast<double>(o.batch);
      w_frac = in_frac * static_cast<double>(m.n) / static_cast<double>(o.n);
    }
    out_frac = in_frac * static_cast<double>(m.n) / static_cast<double>(o.n);
  } else if (op.problem.kind == workload::ProblemKind::Vector) {
    const int64_t elements = ceil_div(batch * op.problem.vector.elements, p_rows);
    in_frac = out_frac = w_frac =
        static_cast<double>(elements) / static_cast<double>(op.problem.vector.elements);
    s.problem.vector.elements = elements;
  } else {
    in_frac = out_frac = static_cast<double>(batch) / static_cast<double>(p_rows);
  }
  s.macs = static_cast<int64_t>(std::ceil(static_cast<double>(op.macs) * out_frac));
  s.flops = static_cast<int64_t>(std::ceil(static_cast<double>(op.flops) * out_frac));
  const bool grouped = op.problem.kind == workload::ProblemKind::Conv && op.problem.conv.groups > 1;
  if (op.problem.kind == workload::ProblemKind::Conv ||
      op.problem.kind == workload::ProblemKind::Matmul) {
    w_frac /= static_cast<double>(p_rows);
    // A grouped conv's channel split already partitions its input (in_frac above).
    if (!grouped) in_frac /= static_cast<double>(p_channels);
  }
  scale_traffic(s, in_frac, w_frac, out_frac);
  return s;
}

double input_bytes(const workload::Op& op, bool weights) {
  double b = 0;
  for (const auto& t : op.traffic)
    if (!t.is_output && (t.tensor_class == model::TensorClass::Weight) == weights)
      b += static_cast<double>(t.bytes);
  return b;
}

// The chip as seen by one of its `units` TUs while `used` of them share the HBM.
hw::Hardware tu_hardware(const chip::ChipReport& chip, double units, double used) {
  hw::Hardware h = chip::chip_hardware(chip);
  const auto& s = chip.spec;
  const auto table = chip::chip_energy_table(chip);
  const auto& pe = *h.pe_array;
  h.matrix.ops_per_s = {{pe.dtype, 2.0 * static_cast<double>(pe.rows * pe.cols) * chip.clock_hz}};
  for (auto& [type, rate] : h.vector.ops_per_s) rate /= units;
  const auto& mem = s.memories.front();
  hw::MemoryLevel sp;
  sp.name = "scratchpad";
  sp.capacity_bytes = static_cast<int64_t>(static_cast<double>(mem.capacity_bytes) / units);
  sp.bandwidth_bytes_per_s =
      static_cast<double>(pe.rows * model::dtype_bytes(pe.dtype)) * chip.clock_hz;
  sp.double_buffered = true;
  sp.read_energy_pj_per_byte = table.read(mem.name);
  sp.write_energy_pj_per_byte = table.write(mem.name);
  hw::MemoryLevel dram = h.dram();
  dram.bandwidth_bytes_per_s = s.offchip.dram_gbps * 1e9 / used;
  h.memory = {sp, dram};
  return h;
}

}  // namespace

CnnModel load_cnn(const std::string& name) {
  model::LoadOptions load;
  load.batch = 1;
  const auto graph = model::load_model(name, load);
  workload::AnalysisOptions options;
  options.fusion = workload::Fusion::BnReluFolded;  // TF-Sim's XLA-style graph optimisation
  const auto w = workload::analyze_graph(graph, options);
  CnnModel m;
  m.name = name;
  m.peak_activation_bytes = static_cast<double>(w.peak_activation_bytes);
  std::map<std::tuple<int, std::string>, size_t> seen;
  for (const auto& op : w.ops) {
    if (op.fused || (op.flops == 0 && op.bytes() == 0)) continue;
    m.macs_per_image += static_cast<double>(op.macs);
    m.weight_bytes += input_bytes(op, true);
    // Key: everything the evaluator looks at (problem and traffic sizes).
    std::string key;
    const auto& c = op.problem.conv;
    const auto& mm = op.problem.matmul;
    for (int64_t v : {c.n,
                      c.k,
                      c.c,
                      c.p,
                      c.q,
                      c.r,
                      c.s,
                      c.stride_h,
                      c.stride_w,
                      c.groups,
                      c.h,
                      c.w,
                      mm.batch,
                      mm.m,
                      mm.k,
                      mm.n,
                      int64_t{mm.b_is_weight},
                      op.problem.vector.elements,
                      op.flops,
                      op.macs})
      key += std::to_string(v) + ",";
    for (const auto& t : op.traffic)
      key += std::to_string(t.bytes) + (t.is_output ? "o" : "i") +
             std::to_string(static_cast<int>(t.tensor_class)) + ",";
    auto [it, fresh] = seen.try_emplace({static_cast<int>(op.problem.kind), key}, m.shapes.size());
    if (fresh)
      m.shapes.push_back({op, 1});
    else
      ++m.shapes[it->second].count;
  }
  return m;
}

CnnRun run_cnn(const chip::ChipReport& chip, const CnnModel& model, int64_t batch) {
  const auto& s = chip.spec;
  if (s.tensor_unit.rows <= 0 || s.memories.empty())
    throw Error("run_cnn: '" + s.name + "' needs tensor units and a distributed memory");
  if (batch < 1) throw Error("run_cnn: batch must be >= 1");
  const int64_t x = s.tensor_unit.rows, per_core = s.tensor_unit.count, cores = s.cores;
  const double units = static_cast<double>(per_core * cores);
  const double bisection = s.noc.bisection_gbps * 1e9;
  const perf::AnalyticalEvaluator evaluator;
  // What stays in the 32 MiB (Table II's #Param and #Data against the capacity): the weights
  // if they all fit, then the live activations of the batch if they fit beside them.
  const double capacity = static_cast<double>(s.memories.front().capacity_bytes);
  const bool weights_on_chip = model.weight_bytes <= capacity;
  const bool activations_on_chip = static_cast<double>(batch) * model.peak_activation_bytes <=
                                   capacity - (weights_on_chip ? model.weight_bytes : 0);
  // Resident data moves at the memory's own rate: one TU-wide vector read and one written
  // per cycle (the bandwidth the memory is banked for).
  const double onchip_bytes_per_s =
      2.0 * static_cast<double>(x * model::dtype_bytes(s.tensor_unit.dtype)) * chip.clock_hz;
  std::map<int64_t, hw::Hardware> hardware;  // by TUs in use
  // The one-TU hardware for a share: its backing store's bandwidth blends HBM (for what does
  // not stay on chip) and the distributed memory (for what does). Returns the HBM fraction.
  hw::Hardware h;
  auto hw_for = [&](int64_t used, const workload::Op& share,
                    double& hbm_fraction) -> const hw::Hardware& {
    auto it = hardware.find(used);
    if (it == hardware.end())
      it = hardware.emplace(used, tu_hardware(chip, units, static_cast<double>(used))).first;
    const double total = static_cast<double>(share.bytes());
    const double weights = input_bytes(share, true);
    const double hbm =
        (weights_on_chip ? 0 : weights) + (activations_on_chip ? 0 : total - weights);
    hbm_fraction = total > 0 ? hbm / total : 0;
    h = it->second;
    auto& backing = h.memory.back();
    const double seconds = hbm / backing.bandwidth_bytes_per_s + (total - hbm) / onchip_bytes_per_s;
    if (seconds > 0) backing.bandwidth_bytes_per_s = total / seconds;
    return h;
  };
  CnnRun run;
  for (const auto& [op, count] : model.shapes) {
    const Extents e = extents(op, batch, x);
    const bool matrix = op.problem.kind == workload::ProblemKind::Matmul ||
                        op.problem.kind == workload::ProblemKind::Conv;
    double best_s = -1;
    perf::Cost best_cost;
    double best_noc = 0, best_used = 0, best_hbm_fraction = 0;
    // Cores split c_rows x (cores / c_rows); inside a core the TUs take channels or rows.
    for (int64_t c_rows = 1; c_rows <= cores; c_rows *= 2) {
      for (int64_t t_rows : {int64_t{1}, per_core}) {
        if (!matrix && (c_rows != cores || t_rows != per_core)) continue;
        const int64_t p_rows = std::min(e.rows, c_rows * t_rows);
        const int64_t p_channels = std::min(e.channels, (cores / c_rows) * (per_core / t_rows));
        const int64_t c_channels =
            std::min(cores / c_rows, ceil_div(p_channels, per_core / t_rows));
        const int64_t used = p_rows * p_channels;
        const auto share = tu_share(op, batch, x, p_rows, p_channels);
        double hbm_fraction = 0;
        const perf::Cost cost = evaluator.evaluate(share, hw_for(used, share, hbm_fraction), {});
        // Bytes crossing the bisection: inputs all-gathered by the cores splitting channels,
        // weights multicast to the cores splitting rows.
        double noc = 0;
        if (matrix && c_channels > 1)
          noc += input_bytes(op, false) * static_cast<double>(batch) *
                 (1 - 1.0 / static_cast<double>(c_channels));
        const int64_t c_rows_used = std::min(c_rows, ceil_div(p_rows, t_rows));
        if (matrix && c_rows_used > 1)
          noc += input_bytes(op, true) * (1 - 1.0 / static_cast<double>(c_rows_used));
        const double noc_s = bisection > 0 ? noc / bisection : 0;
        const double latency = std::max(cost.latency_s, noc_s);
        if (best_s < 0 || latency < best_s) {
          best_s = latency, best_cost = cost, best_noc = noc, best_used = double(used);
          best_hbm_fraction = hbm_fraction;
        }
      }
    }
    const double n = static_cast<double>(count);
    run.latency_s += n * best_s;
    run.macs += n * static_cast<double>(op.macs * batch);
    run.noc_bytes += n * best_noc;
    if (matrix) {
      const auto it = best_cost.breakdown_s.find("compute");
      const double compute_s = it == best_cost.breakdown_s.end() ? 0 : it->second;
      run.busy_cell_cycles +=
          n * compute_s * chip.clock_hz * static_cast<double>(x * x) * best_used;
    } else {
      run.vector_ops += n * static_cast<double>(op.flops * batch);
    }
    for (const auto& t : best_cost.traffic)
      run.hbm_bytes +=
          n * best_used * best_hbm_fraction * static_cast<double>(t.read_bytes + t.write_bytes);
  }
  run.utilization =
      run.latency_s > 0 ? run.macs / (run.latency_s * units * double(x * x) * chip.clock_hz) : 0;
  return run;
}

}  // namespace tessera::explore
