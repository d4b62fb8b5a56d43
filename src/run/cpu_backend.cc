// The fp32 CPU backend. prepare() turns a graph into steps: one per node (the framework
// baseline of 002 Sec. V-A, every intermediate materialised, each op multi-threaded) or, with
// NLP-Opt switches on, fused attention / feed-forward steps where blocks match (run/blocks.h).
#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <set>

#include "run/blocks.h"
#include "run/einsum_views.h"
#include "run/extra_steps.h"
#include "run/fused.h"
#include "run/onnx_operands.h"
#include "run/plan_memory.h"
#include "tessera/core/error.h"
#include "tessera/run/backend.h"
#include "tessera/run/kernels.h"
#include "tessera/workload/analysis.h"

namespace tessera::run {

struct Buffer {
  explicit Buffer(int64_t bytes)
      : data(static_cast<float*>(
            std::aligned_alloc(64, static_cast<size_t>((bytes + 63) / 64 * 64)))) {
    if (!data) throw Error("cannot allocate " + std::to_string(bytes) + " bytes");
  }
  ~Buffer() { std::free(data); }
  float* data;
};

Plan::Plan(model::Graph graph) : graph_(std::move(graph)) {}
Plan::~Plan() = default;
float* Plan::data(model::TensorId id) { return tensor_data_.at(static_cast<size_t>(id)); }
const float* Plan::data(model::TensorId id) const {
  return tensor_data_.at(static_cast<size_t>(id));
}

namespace {

using model::Graph;
using model::Node;
using model::NodeId;
using model::OpKind;
using model::TensorId;

Dims dims_of(const Graph& g, TensorId t) { return g.tensor(t).shape; }

double physical_memory_bytes() {
  return static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGE_SIZE));
}

std::string gib(double bytes) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.2f GiB", bytes / (1024.0 * 1024.0 * 1024.0));
  return text;
}

std::vector<int64_t> permutation_of(const Graph& g, const Node& n) {
  if (!n.permutation.empty()) return n.permutation;
  // Graphs recorded before permutations were kept: infer the axis order from the shapes.
  const model::Shape& in = g.tensor(n.inputs[0]).shape;
  const model::Shape& out = g.tensor(n.outputs[0]).shape;
  std::vector<int64_t> p;
  std::vector<bool> used(in.size(), false);
  for (size_t i = 0; i < out.size(); ++i)
    for (size_t j = 0; j < in.size(); ++j)
      if (!used[j] && in[j] == out[i]) {
        used[j] = true;
        p.push_back(static_cast<int64_t>(j));
        break;
      }
  return p;
}

bool node_supported(const Node& n) {
  switch (n.kind) {
    case OpKind::MatMul:
    case OpKind::LayerNorm:
    case OpKind::Softmax:
    case OpKind::Reshape:
    case OpKind::Transpose:
    case OpKind::Slice:
    case OpKind::Concat:
    case OpKind::Embedding:
    case OpKind::ReduceMean:
    case OpKind::Gather:
    case OpKind::Split:
    case OpKind::Expand:
    case OpKind::Cast:
    case OpKind::Where:
      return true;
    default:
      return is_unary_kind(n.kind) || is_binary_kind(n.kind) || extra_step_kind(n.kind);
  }
}

// The op as the user knows it: tessera's kind, and the source file's op type when it differs
// (an ONNX op the importer keeps as "unsupported" is named by its own type).
std::string op_label(const Node& n) {
  std::string kind(model::op_kind_name(n.kind));
  if (n.source_op.empty() || n.source_op.rfind("fused:", 0) == 0) return kind;
  if (n.kind == OpKind::Unsupported) return "ONNX " + n.source_op;
  return kind + ", ONNX " + n.source_op;
}

}  // namespace

class PlanBuilder {
 public:
  PlanBuilder(Plan& plan, const PrepareOptions& options) : plan_(plan), o_(options) {}

  void build() {
    const Graph& g = plan_.graph_;
    plan_.threads_ = std::max(1, o_.threads);
    plan_.weights_ = o_.weights ? o_.weights : std::make_shared<WeightStore>(o_.seed);
    plan_.stats_.threads = plan_.threads_;
    plan_.tensor_data_.assign(g.tensors.size(), nullptr);
    operands_ = std::make_unique<OnnxOperands>(g, plan_.weights_->onnx_source());
    choose_blocks();
    for (size_t i = 0; i < g.nodes.size(); ++i)
      if (!covered_.count(static_cast<NodeId>(i)) && !node_supported(g.nodes[i]) &&
          !computed_from_file(g, g.nodes[i], *operands_, *plan_.weights_))
        throw Error("node '" + g.nodes[i].name + "' (" + op_label(g.nodes[i]) +
                    ") is not supported by the cpu backend");
    make_steps();
    allocate();
  }

 private:
  void choose_blocks() {
    const Graph& g = plan_.graph_;
    const OptOptions& o = o_.opt;
    if (o.partial_head || o.column_based || o.zero_skip || o.vgen_skip || o.qkv_fused)
      for (AttentionBlock& b : find_attention_blocks(g)) {
        if (scale_chain_from_file(b)) continue;
        for (NodeId n : b.nodes) covered_.insert(n);
        attention_.push_back(std::move(b));
      }
    if (o.ffn_split)
      for (FfnBlock& b : find_ffn_blocks(g)) {
        if (has_tanh_gelu(b.nodes)) continue;  // the split kernel applies the erf form
        for (NodeId n : b.nodes) covered_.insert(n);
        ffn_.push_back(std::move(b));
      }
    // Baseline: the causal mask is applied inside the softmax (by position, as framework
    // masked-softmax kernels do) instead of a separate pass that adds the mask tensor.
    auto consumers = consumers_of(g);
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      const Node& n = g.nodes[i];
      if (covered_.count(static_cast<NodeId>(i)) || !is_causal_mask_add(g, n) ||
          from_file(n.inputs[1]))
        continue;
      const auto& next = consumers[static_cast<size_t>(n.outputs[0])];
      if (next.size() != 1 || g.nodes[static_cast<size_t>(next[0])].kind != OpKind::Softmax ||
          covered_.count(next[0]) ||
          std::find(g.outputs.begin(), g.outputs.end(), n.outputs[0]) != g.outputs.end())
        continue;
      covered_.insert(static_cast<NodeId>(i));
      causal_softmax_[next[0]] = static_cast<NodeId>(i);
    }
  }

  bool has_tanh_gelu(const std::vector<NodeId>& nodes) const {
    for (NodeId id : nodes)
      if (operands_->is_tanh_gelu(plan_.graph_.nodes[static_cast<size_t>(id)])) return true;
    return false;
  }

  // Constants are neutral (1) unless a weights file supplies them (ONNX initializers); then a
  // fused block that assumes neutral scale/mask constants would be wrong: run it op by op.
  bool from_file(TensorId t) const {
    const model::Tensor& tensor = plan_.graph_.tensor(t);
    return tensor.tensor_class == model::TensorClass::Constant &&
           (plan_.weights_->loaded_values(tensor.name, tensor.elements()) != nullptr ||
            operands_->static_values(tensor) != nullptr);
  }
  bool scale_chain_from_file(const AttentionBlock& b) const {
    for (NodeId id : b.nodes) {
      const Node& n = plan_.graph_.nodes[static_cast<size_t>(id)];
      if (n.role == model::Role::AttentionScale) {
        for (TensorId t : n.inputs)
          if (from_file(t)) return true;
        // The fused kernel scales by 1/sqrt(d_k); a file with another factor runs op by op.
        std::optional<double> c = operands_->file_scale(n);
        double expected = scale_factor(plan_.graph_, n);
        if (c && std::fabs(*c - expected) > 1e-6 * std::fabs(expected)) return true;
      }
    }
    return false;
  }

  int64_t flops_of(const std::vector<NodeId>& nodes) const {
    const Graph& g = plan_.graph_;
    int64_t total = 0;
    for (NodeId id : nodes) {
      const Node& n = g.nodes[static_cast<size_t>(id)];
      if (n.kind == OpKind::Conv2d || n.kind == OpKind::ConvTranspose2d) {
        // Every output (input, when transposed) takes a MAC per weight of its group's filter.
        const model::Shape& w = g.tensor(n.inputs[1]).shape;
        int64_t per = w.size() == 4 ? w[1] * w[2] * w[3] : 1;
        TensorId side = n.kind == OpKind::Conv2d ? n.outputs[0] : n.inputs[0];
        total += 2 * g.tensor(side).elements() * per;
        continue;
      }
      if (n.kind != OpKind::MatMul) {
        total += g.tensor(n.outputs[0]).elements();
        continue;
      }
      const model::Shape& a = g.tensor(n.inputs[0]).shape;
      total += 2 * g.tensor(n.outputs[0]).elements() * a.back();
    }
    return total;
  }

  void make_steps() {
    const Graph& g = plan_.graph_;
    std::vector<int> block_at(g.nodes.size(), -1);  // step position of fused blocks
    for (size_t i = 0; i < attention_.size(); ++i)
      block_at[static_cast<size_t>(attention_[i].nodes.back())] = static_cast<int>(i);
    std::vector<int> ffn_at(g.nodes.size(), -1);
    for (size_t i = 0; i < ffn_.size(); ++i)
      ffn_at[static_cast<size_t>(ffn_[i].nodes.back())] = static_cast<int>(i);
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      if (block_at[i] >= 0) {
        add_attention_step(attention_[static_cast<size_t>(block_at[i])]);
      } else if (ffn_at[i] >= 0) {
        add_ffn_step(ffn_[static_cast<size_t>(ffn_at[i])]);
      } else if (!covered_.count(static_cast<NodeId>(i))) {
        add_node_step(static_cast<NodeId>(i));
      }
    }
  }

  // Records which tensors a step reads and writes; closures fetch pointers at run time from
  // plan_.tensor_data_, which allocate() fills.
  void add_step(Step step, std::vector<TensorId> reads, std::vector<TensorId> writes) {
    step.flops = flops_of(step.nodes);
    reads_.push_back(std::move(reads));
    writes_.push_back(std::move(writes));
    plan_.steps_.push_back(std::move(step));
  }

  void add_node_step(NodeId id) {
    const Graph& g = plan_.graph_;
    const Node& n = g.nodes[static_cast<size_t>(id)];
    Step step;
    step.name = n.name;
    step.role = std::string(model::role_name(n.role));
    step.nodes = {id};
    Plan* plan = &plan_;
    int threads = plan_.threads_;
    TensorId out = n.outputs[0];
    std::vector<TensorId> in = n.inputs;
    // CNN ops, and exported forms that differ from the zoo's conventions (run/extra_steps.h).
    if (!causal_softmax_.count(id))
      if (auto body = extra_step(g, n, *operands_, *plan_.weights_, plan, threads)) {
        step.run = std::move(*body);
        add_step(std::move(step), in, n.outputs);
        return;
      }
    switch (n.kind) {
      case OpKind::MatMul: {
        bool tb = n.matmul.transpose_b;
        Dims ad = dims_of(g, in[0]), bd = dims_of(g, in[1]), od = dims_of(g, out);
        TensorId bias = in.size() >= 3 ? in[2] : -1;
        step.run = [=] {
          matmul(plan->data(in[0]), ad, plan->data(in[1]), bd, tb,
                 bias >= 0 ? plan->data(bias) : nullptr, plan->data(out), od, threads);
        };
        break;
      }
      case OpKind::LayerNorm: {
        float eps = operands_->layernorm_epsilon(n);
        int64_t cols = g.tensor(in[0]).shape.back(), rows = g.tensor(in[0]).elements() / cols;
        step.run = [=] {
          layernorm_rows(plan->data(in[0]), plan->data(in[1]), plan->data(in[2]), plan->data(out),
                         rows, cols, eps, threads);
        };
        break;
      }
      case OpKind::Softmax: {
        int64_t cols = g.tensor(in[0]).shape.back(), rows = g.tensor(in[0]).elements() / cols;
        auto masked = causal_softmax_.find(id);
        if (masked != causal_softmax_.end()) {
          const Node& add = g.nodes[static_cast<size_t>(masked->second)];
          in = {add.inputs[0]};
          step.nodes = {masked->second, id};
          const model::Shape& xs = g.tensor(in[0]).shape;
          int64_t per_matrix = xs[xs.size() - 2];
          step.run = [=] {
            softmax_rows_causal(plan->data(in[0]), plan->data(out), rows, cols, per_matrix,
                                threads);
          };
          break;
        }
        step.run = [=] { softmax_rows(plan->data(in[0]), plan->data(out), rows, cols, threads); };
        break;
      }
      case OpKind::Reshape: {
        if (std::optional<EinsumView> v = operands_->einsum_layout(n)) {
          Dims xd = v->in_dims;
          std::vector<int64_t> perm = v->permutation;
          step.run = [=] { transpose(plan->data(in[0]), xd, perm, plan->data(out), threads); };
          break;
        }
        aliases_.emplace_back(out, in[0]);
        step.run = [] {};
        break;
      }
      case OpKind::Transpose: {
        Dims xd = dims_of(g, in[0]);
        std::vector<int64_t> perm = operands_->file_permutation(n);
        if (perm.empty()) perm = permutation_of(g, n);
        step.run = [=] { transpose(plan->data(in[0]), xd, perm, plan->data(out), threads); };
        break;
      }
      case OpKind::Concat: {
        std::vector<Dims> ds;
        for (TensorId t : in) ds.push_back(dims_of(g, t));
        int64_t axis = n.axis;
        step.run = [=] {
          std::vector<const float*> xs;
          for (TensorId t : in) xs.push_back(plan->data(t));
          concat(xs, ds, axis, plan->data(out));
        };
        break;
      }
      case OpKind::Slice: {
        Dims xd = dims_of(g, in[0]), od = dims_of(g, out), starts, steps;
        if (operands_->slice_operands(n, xd, starts, steps) && od.size() == xd.size()) {
          step.run = [=] {
            slice_strided(plan->data(in[0]), xd, starts, steps, plan->data(out), od, threads);
          };
          break;
        }
        // Zoo graphs (no file): slices start at 0 and may drop the axis (BERT's pooler takes
        // the first token).
        size_t axis =
            static_cast<size_t>(n.axis < 0 ? n.axis + static_cast<int64_t>(xd.size()) : n.axis);
        int64_t outer = 1;
        for (size_t i = 0; i < axis && i < xd.size(); ++i) outer *= xd[i];
        int64_t in_per = g.tensor(in[0]).elements() / outer,
                out_per = g.tensor(out).elements() / outer;
        step.run = [=] {
          slice_leading(plan->data(in[0]), outer, in_per, out_per, plan->data(out));
        };
        break;
      }
      case OpKind::Split: {
        Dims xd = dims_of(g, in[0]);
        size_t axis = operands_->split_axis(n);
        std::vector<TensorId> outs = n.outputs;
        std::vector<Dims> ods;
        std::vector<Dims> starts;
        int64_t offset = 0;
        for (TensorId t : outs) {
          ods.push_back(dims_of(g, t));
          Dims start(xd.size(), 0);
          start[axis] = offset;
          offset += ods.back()[axis];
          starts.push_back(start);
        }
        if (offset != xd[axis])
          throw Error("node '" + n.name + "' (split): outputs do not add up to the input");
        Dims steps(xd.size(), 1);
        step.run = [=] {
          for (size_t k = 0; k < outs.size(); ++k)
            slice_strided(plan->data(in[0]), xd, starts[k], steps, plan->data(outs[k]), ods[k],
                          threads);
        };
        add_step(std::move(step), in, outs);
        return;
      }
      case OpKind::Gather: {
        Dims xd = dims_of(g, in[0]);
        int64_t axis = n.axis, count = g.tensor(in[1]).elements();
        step.run = [=] {
          gather_axis(plan->data(in[0]), xd, axis, plan->data(in[1]), count, plan->data(out),
                      threads);
        };
        break;
      }
      case OpKind::Expand: {
        Dims xd = dims_of(g, in[0]), od = dims_of(g, out);
        step.run = [=] { broadcast_to(plan->data(in[0]), xd, plan->data(out), od, threads); };
        break;
      }
      case OpKind::Cast: {
        int64_t count = g.tensor(out).elements();
        CastTarget target = operands_->cast_target(n);
        step.run = [=] { cast_values(plan->data(in[0]), plan->data(out), count, target, threads); };
        break;
      }
      case OpKind::Where: {
        if (in.size() != 3) throw Error("node '" + n.name + "' (where) needs 3 inputs");
        Dims cd = dims_of(g, in[0]), ad = dims_of(g, in[1]), bd = dims_of(g, in[2]),
             od = dims_of(g, out);
        step.run = [=] {
          where_select(plan->data(in[0]), cd, plan->data(in[1]), ad, plan->data(in[2]), bd,
                       plan->data(out), od, threads);
        };
        break;
      }
      case OpKind::ReduceMean: {
        const model::Shape& xs = g.tensor(in[0]).shape;
        size_t axis =
            static_cast<size_t>(n.axis < 0 ? n.axis + static_cast<int64_t>(xs.size()) : n.axis);
        int64_t outer = 1, inner = 1;
        for (size_t i = 0; i < axis; ++i) outer *= xs[i];
        for (size_t i = axis + 1; i < xs.size(); ++i) inner *= xs[i];
        int64_t extent = xs.at(axis);
        step.run = [=] {
          reduce_mean_axis(plan->data(in[0]), outer, extent, inner, plan->data(out), threads);
        };
        break;
      }
      case OpKind::Embedding: {
        const model::Shape& table = g.tensor(in[1]).shape;
        int64_t count = g.tensor(in[0]).elements(), vocab = table[0], dim = table[1];
        const std::string node_name = n.name;
        step.run = [=] {
          int64_t outside = embedding(plan->data(in[0]), count, plan->data(in[1]), vocab, dim,
                                      plan->data(out), threads);
          if (outside > 0)
            throw Error("node '" + node_name + "': " + std::to_string(outside) + " of " +
                        std::to_string(count) + " lookup indices are outside [-" +
                        std::to_string(vocab) + ", " + std::to_string(vocab) + ")");
        };
        break;
      }
      default:
        if (operands_->is_tanh_gelu(n)) {
          int64_t count = g.tensor(out).elements();  // the exporter's tanh form, as written
          step.run = [=] { gelu_tanh(plan->data(in[0]), plan->data(out), count, threads); };
        } else if (is_unary_kind(n.kind)) {
          OpKind kind = n.kind;
          int64_t count = g.tensor(out).elements();
          float scale = kind == OpKind::Scale ? operands_->scale_of(n) : 1.0f;
          step.run = [=] {
            unary(kind, plan->data(in[0]), plan->data(out), count, scale, threads);
          };
        } else {
          OpKind kind = n.kind;
          Dims ad = dims_of(g, in[0]), bd = dims_of(g, in[1]), od = dims_of(g, out);
          step.run = [=] {
            binary(kind, plan->data(in[0]), ad, plan->data(in[1]), bd, plan->data(out), od,
                   threads);
          };
        }
    }
    add_step(std::move(step), in, {out});
  }

  void add_attention_step(const AttentionBlock& b) {
    Step step;
    step.name = plan_.graph_.nodes[static_cast<size_t>(b.nodes.back())].name + "[nlp-opt]";
    step.role = b.has_projections ? "attention_block" : "attention_core";
    step.nodes = b.nodes;
    Plan* plan = &plan_;
    int threads = plan_.threads_;
    OptOptions opt = o_.opt;
    auto block = std::make_shared<const AttentionBlock>(b);
    auto workspace = std::make_shared<AttentionWorkspace>();
    std::vector<TensorId> reads;
    for (TensorId t :
         {b.xq, b.xk, b.xv, b.wq, b.bq, b.wk, b.bk, b.wv, b.bv, b.wo, b.bo, b.q, b.k, b.v})
      if (t >= 0) reads.push_back(t);
    step.run = [=] {
      auto ptr = [&](TensorId t) -> const float* { return t >= 0 ? plan->data(t) : nullptr; };
      AttentionPointers p{ptr(block->xq), ptr(block->xk), ptr(block->xv),           ptr(block->wq),
                          ptr(block->bq), ptr(block->wk), ptr(block->bk),           ptr(block->wv),
                          ptr(block->bv), ptr(block->wo), ptr(block->bo),           ptr(block->q),
                          ptr(block->k),  ptr(block->v),  plan->data(block->output)};
      run_attention_block(*block, p, opt, threads, plan->stats_, workspace.get());
    };
    add_step(std::move(step), reads, {b.output});
  }

  void add_ffn_step(const FfnBlock& b) {
    Step step;
    step.name = plan_.graph_.nodes[static_cast<size_t>(b.nodes.back())].name + "[nlp-opt]";
    step.role = "ffn_block";
    step.nodes = b.nodes;
    Plan* plan = &plan_;
    int threads = plan_.threads_;
    OptOptions opt = o_.opt;
    auto block = std::make_shared<const FfnBlock>(b);
    std::vector<TensorId> reads;
    for (TensorId t : {b.x, b.w1, b.b1, b.w2, b.b2})
      if (t >= 0) reads.push_back(t);
    step.run = [=] {
      auto ptr = [&](TensorId t) -> const float* { return t >= 0 ? plan->data(t) : nullptr; };
      FfnPointers p{ptr(block->x),  ptr(block->w1), ptr(block->b1),
                    ptr(block->w2), ptr(block->b2), plan->data(block->output)};
      run_ffn_block(*block, p, opt, threads);
    };
    add_step(std::move(step), reads, {b.output});
  }

  TensorId root(TensorId t) const {
    auto it = alias_of_.find(t);
    return it == alias_of_.end() ? t : root(it->second);
  }

  void allocate() {
    const Graph& g = plan_.graph_;
    for (auto& [alias, source] : aliases_) alias_of_[alias] = source;
    // Activation requests per root tensor: written at one step, read until the last step.
    std::map<TensorId, PoolRequest> requests;
    for (size_t s = 0; s < plan_.steps_.size(); ++s)
      for (TensorId t : writes_[s]) {
        if (alias_of_.count(t)) continue;
        requests[t] = {g.tensor(t).elements() * 4, static_cast<int>(s), static_cast<int>(s)};
      }
    for (size_t s = 0; s < plan_.steps_.size(); ++s)
      for (TensorId t : reads_[s]) {
        auto it = requests.find(root(t));
        if (it != requests.end())
          it->second.last_step = std::max(it->second.last_step, static_cast<int>(s));
      }
    // Aliases read later extend their root's life.
    for (size_t s = 0; s < plan_.steps_.size(); ++s)
      for (TensorId t : writes_[s])
        if (alias_of_.count(t)) {
          auto it = requests.find(root(t));
          if (it != requests.end()) {
            for (size_t r = s; r < plan_.steps_.size(); ++r)
              for (TensorId x : reads_[r])
                if (x == t)
                  it->second.last_step = std::max(it->second.last_step, static_cast<int>(r));
          }
        }
    for (TensorId t : g.outputs) {
      auto it = requests.find(root(t));
      if (it != requests.end()) it->second.last_step = INT_MAX;
    }
    std::vector<TensorId> ids;
    std::vector<PoolRequest> list;
    for (auto& [t, r] : requests) {
      ids.push_back(t);
      list.push_back(r);
    }
    PoolLayout layout = layout_pool(list);
    // Everything else read by a step: weights, inputs, constants.
    int64_t weight_bytes = 0, input_bytes = 0;
    std::set<TensorId> sources;
    for (auto& reads : reads_)
      for (TensorId t : reads)
        if (!requests.count(root(t)) && !alias_of_.count(t)) sources.insert(t);
    for (TensorId t : sources) {
      int64_t bytes = g.tensor(t).elements() * 4;
      (g.tensor(t).tensor_class == model::TensorClass::Weight ? weight_bytes : input_bytes) +=
          bytes;
    }
    double total = static_cast<double>(layout.total_bytes() + weight_bytes + input_bytes);
    double limit =
        o_.memory_limit_bytes > 0 ? o_.memory_limit_bytes : 0.8 * physical_memory_bytes();
    if (total > limit)
      throw Error("model '" + g.name + "' needs " + gib(total) + " (weights " +
                  gib(static_cast<double>(weight_bytes)) + ", activations " +
                  gib(static_cast<double>(layout.total_bytes())) + ") but only " + gib(limit) +
                  " may be used");
    plan_.activation_bytes_ = layout.total_bytes();
    for (int64_t bytes : layout.slot_bytes)
      plan_.buffers_.push_back(std::make_unique<Buffer>(bytes));
    for (size_t i = 0; i < ids.size(); ++i)
      plan_.tensor_data_[static_cast<size_t>(ids[i])] =
          plan_.buffers_[static_cast<size_t>(layout.slot_of_request[i])]->data;
    for (TensorId t : sources) fill_source(t);
    for (auto& [alias, source] : aliases_)
      plan_.tensor_data_[static_cast<size_t>(alias)] =
          plan_.tensor_data_[static_cast<size_t>(root(alias))];
  }

  void fill_source(TensorId t) {
    const Graph& g = plan_.graph_;
    const model::Tensor& tensor = g.tensor(t);
    if (tensor.tensor_class == model::TensorClass::Weight) {
      plan_.tensor_data_[static_cast<size_t>(t)] =
          const_cast<float*>(plan_.weights_->get(g, t).data());
      return;
    }
    auto buffer = std::make_unique<Buffer>(tensor.elements() * 4);
    std::vector<float> values(static_cast<size_t>(tensor.elements()));
    const std::vector<float>* from_file =
        tensor.tensor_class == model::TensorClass::Constant
            ? plan_.weights_->loaded_values(tensor.name, tensor.elements())
            : nullptr;
    const StaticValue* computed = tensor.tensor_class == model::TensorClass::Constant
                                      ? operands_->static_values(tensor)
                                      : nullptr;
    if (from_file) {
      values = *from_file;  // an ONNX initializer the importer kept as a constant
    } else if (computed) {
      for (size_t i = 0; i < values.size(); ++i)
        values[i] = static_cast<float>(computed->data[i]);  // evaluated from the file's nodes
    } else if (tensor.tensor_class == model::TensorClass::Constant) {
      // Lookup indices and (in an ONNX file) select conditions have no neutral value: filling
      // them would silently pick one row or one branch.
      auto config = g.config.find("source");
      const bool from_onnx = config != g.config.end() && config->second == "onnx";
      for (const Node& n : g.nodes)
        if ((n.kind == OpKind::Embedding || (from_onnx && n.kind == OpKind::Where)) &&
            !n.inputs.empty() && n.inputs[0] == t) {
          std::string why = operands_->too_large_reason(tensor.name);
          throw Error("model '" + g.name + "': the " +
                      (n.kind == OpKind::Where ? "condition '" : "indices '") + tensor.name +
                      "' of '" + n.name +
                      (why.empty() ? "' come from ops or data the cpu backend cannot evaluate"
                                   : "' cannot be computed: " + why));
        }
      // Constants (masks, scale factors) are 1: neutral for a mask added before a softmax
      // and for a multiply/divide; their real values are not part of the graph IR. The zoo's
      // causal mask ([.., L, L], named so) is the one exception: 0 on and below the
      // diagonal, -1e9 above, so a full-sequence decoder pass equals token-by-token decoding.
      std::fill(values.begin(), values.end(), 1.0f);
      if (tensor.name.find("causal_mask") != std::string::npos && tensor.shape.size() >= 2) {
        int64_t rows = tensor.shape[tensor.shape.size() - 2], cols = tensor.shape.back();
        for (int64_t i = 0; i < static_cast<int64_t>(values.size()); ++i) {
          int64_t r = (i / cols) % rows, c = i % cols;
          values[static_cast<size_t>(i)] = c <= r ? 0.0f : -1e9f;
        }
      }
    } else {
      fill_random(values, plan_.weights_->seed() ^ 0x9e3779b9ULL, tensor.name, 1.0f);
      for (const Node& n : g.nodes)
        if (n.kind == OpKind::Embedding && n.inputs[0] == t) {
          float vocab = static_cast<float>(g.tensor(n.inputs[1]).shape[0]);
          for (float& v : values) v = std::min(std::floor(std::fabs(v) * vocab), vocab - 1);
        }
    }
    std::memcpy(buffer->data, values.data(), values.size() * 4);
    plan_.tensor_data_[static_cast<size_t>(t)] = buffer->data;
    plan_.buffers_.push_back(std::move(buffer));
  }

  Plan& plan_;
  const PrepareOptions& o_;
  std::unique_ptr<OnnxOperands> operands_;  // what the ONNX file says beyond the graph IR
  std::set<NodeId> covered_;
  std::vector<AttentionBlock> attention_;
  std::vector<FfnBlock> ffn_;
  std::map<NodeId, NodeId> causal_softmax_;  // softmax node -> the causal-mask Add it absorbs
  std::vector<std::vector<TensorId>> reads_, writes_;
  std::vector<std::pair<TensorId, TensorId>> aliases_;
  std::map<TensorId, TensorId> alias_of_;
};

class CpuBackend : public Backend {
 public:
  std::string_view name() const override { return "cpu"; }
  bool supports(const model::Graph&, const model::Node& node) const override {
    return node_supported(node);
  }
  std::unique_ptr<Plan> prepare(const model::Graph& graph, const PrepareOptions& options) override {
    auto plan = std::make_unique<Plan>(graph);
    PlanBuilder(*plan, options).build();
    return plan;
  }
  void execute(Plan& plan, ExecutionListener* listener) override {
    omp_set_num_threads(plan.threads_);
    for (size_t i = 0; i < plan.steps_.size(); ++i) {
      const Step& step = plan.steps_[i];
      if (listener) listener->on_step_begin(step, i);
      step.run();
      if (listener) listener->on_step_end(step, i);
    }
  }
};

std::unique_ptr<Backend> make_cpu_backend() { return std::make_unique<CpuBackend>(); }

}  // namespace tessera::run
