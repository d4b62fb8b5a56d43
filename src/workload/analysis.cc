// Whole-model workload analysis: fusion, roll-ups, decoder closed forms (001 Sec. 2.2).
#include "tessera/workload/analysis.h"

#include <algorithm>

#include "tessera/core/checked_math.h"
#include "tessera/core/error.h"
#include "tessera/workload/footprint.h"
#include "workload/compiler_fusion.h"

namespace tessera::workload {
namespace {

using model::OpKind;

bool is_conv(OpKind k) { return k == OpKind::Conv2d || k == OpKind::ConvTranspose2d; }
bool is_relu(OpKind k) { return k == OpKind::Relu || k == OpKind::Relu6; }

// BatchNorm folded into the preceding conv (weights rescaled offline: no FLOPs, no traffic);
// ReLU applied to the accumulated conv outputs (FLOPs stay, traffic goes). 001 Sec. 2.2.2.
void apply_bn_relu_fusion(const model::Graph& graph, std::vector<Op>& ops) {
  std::vector<bool> conv_like(graph.nodes.size(), false);  // node output comes straight from a conv
  for (Op& op : ops) {
    const model::Node& node = graph.nodes[static_cast<size_t>(op.node)];
    model::NodeId producer = graph.tensor(node.inputs.at(0)).producer;
    bool after_conv = producer >= 0 && conv_like[static_cast<size_t>(producer)];
    // A ReLU after a residual add is applied to the add's output in the same pass (the survey's
    // fused total, 0.06 G MOPs, has no ReLU traffic left at all).
    bool after_residual_add =
        producer >= 0 && graph.nodes[static_cast<size_t>(producer)].kind == OpKind::Add &&
        graph.nodes[static_cast<size_t>(producer)].role == model::Role::Residual;
    if (is_conv(op.kind)) conv_like[static_cast<size_t>(op.node)] = true;
    if (op.kind == OpKind::BatchNorm && after_conv) {
      op.flops = 0;
      op.bytes_read = op.bytes_written = 0;
      op.traffic.clear();
      op.fused = true;
      conv_like[static_cast<size_t>(op.node)] = true;
    } else if (is_relu(op.kind) && (after_conv || after_residual_add)) {
      op.bytes_read = op.bytes_written = 0;
      op.traffic.clear();
      op.fused = true;
    }
  }
}

// A transpose whose result only feeds matmuls (directly or through reshapes, which are views)
// is the head split/merge of attention: the matmul reads its operand with strides, so the
// layout change moves no data of its own. The survey's MOP model (001 Sec. 2.2.1: each matmul
// reads its operands once) has no layout ops; without this, Table 3's MOPs gain 8*l*d bytes a
// layer. FLOPs are zero either way.
void absorb_layout_transposes(const model::Graph& graph, std::vector<Op>& ops) {
  std::vector<std::vector<model::NodeId>> consumers(graph.tensors.size());
  for (size_t n = 0; n < graph.nodes.size(); ++n)
    for (model::TensorId t : graph.nodes[n].inputs)
      consumers[static_cast<size_t>(t)].push_back(static_cast<model::NodeId>(n));
  auto only_matmuls = [&](model::TensorId t) {
    std::vector<model::TensorId> frontier = {t};
    bool any = false;
    while (!frontier.empty()) {
      model::TensorId cur = frontier.back();
      frontier.pop_back();
      for (model::NodeId c : consumers[static_cast<size_t>(cur)]) {
        const model::Node& consumer = graph.nodes[static_cast<size_t>(c)];
        if (consumer.kind == OpKind::Reshape) {
          frontier.push_back(consumer.outputs.at(0));
        } else if (consumer.kind == OpKind::MatMul) {
          any = true;
        } else {
          return false;
        }
      }
    }
    return any;
  };
  for (Op& op : ops) {
    if (op.kind != OpKind::Transpose) continue;
    const model::Node& node = graph.nodes[static_cast<size_t>(op.node)];
    if (node.outputs.size() != 1 || !only_matmuls(node.outputs[0])) continue;
    op.bytes_read = op.bytes_written = 0;
    op.traffic.clear();
    op.fused = true;
  }
}

void scale_sum(int64_t& value, int64_t first, int64_t second, int64_t count) {
  // Sum over c = c0 .. c0+count-1 of an affine f with f(c0) = first, f(c0+1) = second.
  int64_t slope = second - first;
  int64_t pairs =
      count % 2 == 0 ? checked_mul(count / 2, count - 1) : checked_mul(count, (count - 1) / 2);
  value = checked_add(checked_mul(count, first, "decoder sum"),
                      checked_mul(slope, pairs, "decoder sum"), "decoder sum");
}

}  // namespace

Precision parse_precision(const std::string& name) {
  Precision p;
  p.name = name;
  if (name == "int8")
    p.activation_bytes = p.weight_bytes = 1;
  else if (name == "int16" || name == "fp16" || name == "bf16")
    p.activation_bytes = p.weight_bytes = 2;
  else if (name == "int32" || name == "fp32")
    p.activation_bytes = p.weight_bytes = 4;
  else
    throw Error("unknown precision '" + name +
                "' (expected int8, int16, fp16, bf16, int32 or fp32)");
  return p;
}

std::string_view fusion_name(Fusion fusion) {
  switch (fusion) {
    case Fusion::None:
      return "none";
    case Fusion::BnReluFolded:
      return "bn-relu";
    case Fusion::Compiler:
      return "fused";
  }
  return "none";
}

Fusion parse_fusion(const std::string& name) {
  if (name == "none" || name == "unfused") return Fusion::None;
  if (name == "bn-relu") return Fusion::BnReluFolded;
  if (name == "fused") return Fusion::Compiler;
  throw Error("unknown fusion '" + name + "' (expected none, bn-relu or fused)");
}

void roll_up(Workload& workload, int64_t params) {
  workload.totals = Totals{};
  workload.groups.clear();
  workload.layers.clear();
  auto add = [](Totals& t, const Op& op) {
    t.flops = checked_add(t.flops, op.flops, "FLOPs");
    t.macs = checked_add(t.macs, op.macs, "MACs");
    t.bytes = checked_add(t.bytes, op.bytes(), "bytes");
    t.params = checked_add(t.params, op.params, "#params");
  };
  auto bucket = [](std::vector<GroupTotals>& list, const std::string& name) -> Totals& {
    for (auto& g : list)
      if (g.name == name) return g.totals;
    list.push_back({name, {}});
    return list.back().totals;
  };
  for (const Op& op : workload.ops) {
    add(workload.totals, op);
    add(bucket(workload.groups, op.group), op);
    add(bucket(workload.layers, op.layer >= 0 ? "layer" + std::to_string(op.layer) : "other"), op);
  }
  // Reports list groups in the papers' row order (001 Tables 3 and 4), then anything else.
  static const std::vector<std::string> kOrder = {
      "mha_projections", "act_to_act", "ffn_projections", "convolution", "batchnorm",
      "activation",      "other",      "embedding",       "classifier"};
  auto rank = [](const std::string& name) {
    return std::find(kOrder.begin(), kOrder.end(), name) - kOrder.begin();
  };
  std::stable_sort(
      workload.groups.begin(), workload.groups.end(),
      [&](const GroupTotals& a, const GroupTotals& b) { return rank(a.name) < rank(b.name); });
  // Shared weights (tied embeddings) are counted once in the model total.
  workload.totals.params = params;
}

Workload analyze_graph(const model::Graph& graph, const AnalysisOptions& options) {
  Workload w;
  w.model = graph.name;
  w.domain = graph.domain;
  w.options = options;
  w.config = graph.config;
  w.unsupported_ops = graph.unsupported_ops;
  w.source_nodes = graph.source_nodes;
  w.ops.reserve(graph.nodes.size());
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    w.ops.push_back(lower_node(graph, static_cast<model::NodeId>(i), options.precision));
  absorb_layout_transposes(graph, w.ops);
  if (options.fusion == Fusion::BnReluFolded) apply_bn_relu_fusion(graph, w.ops);
  if (options.fusion == Fusion::Compiler) apply_compiler_fusion(graph, w.ops);
  roll_up(w, graph.parameter_count());
  FootprintOptions footprint;
  footprint.precision = options.precision;
  w.peak_activation_bytes = activation_footprint(graph, footprint).peak_bytes;
  return w;
}

Workload analyze_decoder(const model::ModelHandle& model, const AnalysisOptions& options,
                         int64_t first_context, int64_t last_context) {
  if (first_context < 1 || last_context < first_context)
    throw Error(model.spec + ": decoder context range [" + std::to_string(first_context) + ", " +
                std::to_string(last_context) + "] is empty");
  AnalysisOptions step_options = options;
  step_options.mode = Mode::Encoder;
  Workload first = analyze_graph(model.build_decode_step(first_context), step_options);
  const int64_t steps = last_context - first_context + 1;
  if (steps > 1) {
    Workload second = analyze_graph(model.build_decode_step(first_context + 1), step_options);
    if (second.ops.size() != first.ops.size())
      throw Error(model.spec + ": decode-step graphs differ in structure", ErrorKind::Failure);
    for (size_t i = 0; i < first.ops.size(); ++i) {
      Op& a = first.ops[i];
      const Op& b = second.ops[i];
      scale_sum(a.flops, a.flops, b.flops, steps);
      scale_sum(a.macs, a.macs, b.macs, steps);
      scale_sum(a.bytes_read, a.bytes_read, b.bytes_read, steps);
      scale_sum(a.bytes_written, a.bytes_written, b.bytes_written, steps);
      for (size_t t = 0; t < a.traffic.size() && t < b.traffic.size(); ++t) {
        scale_sum(a.traffic[t].bytes, a.traffic[t].bytes, b.traffic[t].bytes, steps);
        scale_sum(a.traffic[t].elements, a.traffic[t].elements, b.traffic[t].elements, steps);
      }
      a.output_shapes = b.output_shapes;
    }
  }
  first.options = options;
  first.peak_activation_bytes = 0;  // a sum over steps has no single peak
  first.decoder_note = "sum over " + std::to_string(steps) + " generated tokens, context " +
                       std::to_string(first_context) + ".." + std::to_string(last_context);
  Workload result = std::move(first);
  // The whole model's parameters (an encoder-decoder's step graph lacks the encoder).
  roll_up(result, model.build().parameter_count());
  return result;
}

Workload analyze_model(const model::ModelHandle& model, const AnalysisOptions& options) {
  if (options.mode == Mode::Encoder) {
    Workload w = analyze_graph(model.build(), options);
    w.model = model.spec;
    return w;
  }
  if (!model.is_decoder()) throw Error(model.spec + ": has no decoder mode");
  int64_t generate = options.generate;
  if (generate <= 0) generate = model.params.has("seq") ? model.params.get_int("seq") : 1;
  Workload decode = analyze_decoder(model, options, options.prompt + 1, options.prompt + generate);
  decode.model = model.spec;
  // Prefill: the work before the first generated token. By default the whole prompt at once,
  // as an encoder with causal attention; families with more (an encoder) say so themselves.
  model::Graph prefill_graph;
  std::string prefill_what = "prefill of " + std::to_string(options.prompt) + " tokens";
  if (model.family->build_prefill) {
    try {
      prefill_graph = model.family->build_prefill(model.params, options.prompt);
    } catch (...) {
      rethrow_with_context(model.spec);
    }
    prefill_what = prefill_graph.name;
  } else if (options.prompt > 0) {
    model::ModelHandle prefill_model = model;
    prefill_model.params.set("seq", std::to_string(options.prompt));
    prefill_graph = prefill_model.build();
  }
  if (prefill_graph.nodes.empty()) return decode;
  AnalysisOptions prefill_options = options;
  prefill_options.mode = Mode::Encoder;
  Workload prefill = analyze_graph(prefill_graph, prefill_options);
  Workload combined = decode;
  combined.ops.clear();
  for (Op op : prefill.ops) {
    op.name = "prefill/" + op.name;
    combined.ops.push_back(std::move(op));
  }
  for (Op op : decode.ops) {
    op.name = "decode/" + op.name;
    combined.ops.push_back(std::move(op));
  }
  combined.decoder_note = prefill_what + " + " + decode.decoder_note;
  roll_up(combined, decode.totals.params);
  return combined;
}

}  // namespace tessera::workload
