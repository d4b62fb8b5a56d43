#include "tessera/report/workload_report.h"

#include <sstream>

#include "tessera/core/text_table.h"

namespace tessera::report {
namespace {

nlohmann::json shapes_json(const std::vector<model::Shape>& shapes) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : shapes) out.push_back(s);
  return out;
}

nlohmann::json problem_json(const workload::Problem& p) {
  nlohmann::json j;
  j["kind"] = workload::problem_kind_name(p.kind);
  switch (p.kind) {
    case workload::ProblemKind::Matmul:
      j["batch"] = p.matmul.batch;
      j["m"] = p.matmul.m;
      j["k"] = p.matmul.k;
      j["n"] = p.matmul.n;
      j["b_is_weight"] = p.matmul.b_is_weight;
      break;
    case workload::ProblemKind::Conv: {
      const auto& c = p.conv;
      j.update({{"n", c.n},
                {"k", c.k},
                {"c", c.c},
                {"p", c.p},
                {"q", c.q},
                {"r", c.r},
                {"s", c.s},
                {"stride", {c.stride_h, c.stride_w}},
                {"dilation", {c.dilation_h, c.dilation_w}},
                {"groups", c.groups},
                {"transposed", c.transposed}});
      break;
    }
    case workload::ProblemKind::Vector:
      j["elements"] = p.vector.elements;
      j["flops_per_element"] = p.vector.flops_per_element;
      break;
    case workload::ProblemKind::None:
      break;
  }
  return j;
}

nlohmann::json totals_json(const std::string& name, const workload::Totals& t,
                           const workload::Totals& whole) {
  nlohmann::json j;
  if (!name.empty()) j["name"] = name;
  j["flops"] = t.flops;
  j["macs"] = t.macs;
  j["bytes"] = t.bytes;
  j["intensity"] = t.intensity();
  j["flops_share"] = whole.flops ? static_cast<double>(t.flops) / whole.flops : 0.0;
  j["bytes_share"] = whole.bytes ? static_cast<double>(t.bytes) / whole.bytes : 0.0;
  return j;
}

// Imported models: which op types were not costed and what share of the file's nodes they are.
nlohmann::json unsupported_json(const workload::Workload& w) {
  int64_t count = 0;
  for (const auto& [op, n] : w.unsupported_ops) count += n;
  nlohmann::json j;
  j["ops"] = w.unsupported_ops;
  j["nodes_not_costed"] = count;
  j["source_nodes"] = w.source_nodes;
  j["share_not_costed"] = w.source_nodes ? static_cast<double>(count) / w.source_nodes : 0.0;
  return j;
}

std::string mode_name(const workload::Workload& w) {
  return w.options.mode == workload::Mode::Encoder ? "encoder" : "decoder";
}

}  // namespace

nlohmann::json assumptions_json(const workload::Workload& w) {
  nlohmann::json a;
  a["precision"] = w.options.precision.name;
  a["activation_bytes"] = w.options.precision.activation_bytes;
  a["weight_bytes"] = w.options.precision.weight_bytes;
  a["batch"] = w.config.count("batch") ? std::stoll(w.config.at("batch")) : 1;
  a["mode"] = mode_name(w);
  a["fusion"] = workload::fusion_name(w.options.fusion);
  a["flops_per_mac"] = 2;
  a["memory_model"] = "ideal: each op reads its inputs and writes its outputs once";
  if (!w.decoder_note.empty()) a["decoder"] = w.decoder_note;
  if (w.source_nodes > 0) a["unsupported"] = unsupported_json(w);
  return a;
}

nlohmann::json workload_json(const workload::Workload& w) {
  nlohmann::json j;
  j["model"] = w.model;
  j["domain"] = model::domain_name(w.domain);
  j["config"] = w.config;
  j["assumptions"] = assumptions_json(w);
  nlohmann::json totals = totals_json("", w.totals, w.totals);
  totals.erase("flops_share");
  totals.erase("bytes_share");
  totals["params"] = w.totals.params;
  if (w.peak_activation_bytes > 0) totals["peak_activation_bytes"] = w.peak_activation_bytes;
  j["totals"] = totals;
  j["groups"] = nlohmann::json::array();
  for (const auto& g : w.groups) j["groups"].push_back(totals_json(g.name, g.totals, w.totals));
  j["layers"] = nlohmann::json::array();
  for (const auto& l : w.layers) j["layers"].push_back(totals_json(l.name, l.totals, w.totals));
  j["ops"] = nlohmann::json::array();
  for (const auto& op : w.ops) {
    nlohmann::json o;
    o["name"] = op.name;
    o["role"] = model::role_name(op.role);
    o["kind"] = model::op_kind_name(op.kind);
    o["group"] = op.group;
    o["layer"] = op.layer;
    o["flops"] = op.flops;
    o["macs"] = op.macs;
    o["bytes"] = op.bytes();
    o["bytes_read"] = op.bytes_read;
    o["bytes_written"] = op.bytes_written;
    o["intensity"] = op.intensity();
    o["params"] = op.params;
    o["fused"] = op.fused;
    if (op.unsupported) o["unsupported"] = true;
    o["problem"] = problem_json(op.problem);
    o["input_shapes"] = shapes_json(op.input_shapes);
    o["output_shapes"] = shapes_json(op.output_shapes);
    j["ops"].push_back(std::move(o));
  }
  return j;
}

std::string workload_table(const workload::Workload& w, bool show_ops) {
  std::ostringstream out;
  out << "model: " << w.model << "\n";
  std::string config;
  for (const auto& [key, value] : w.config)
    if (!value.empty()) config += (config.empty() ? "" : " ") + key + "=" + value;
  if (!config.empty()) out << "config: " << config << "\n";
  out << "assumptions: " << w.options.precision.name << " (" << w.options.precision.activation_bytes
      << " B/activation, " << w.options.precision.weight_bytes << " B/weight), mode "
      << mode_name(w) << ", fusion " << workload::fusion_name(w.options.fusion)
      << ", ideal memory traffic, 1 MAC = 2 FLOPs\n";
  if (!w.decoder_note.empty()) out << "decoder: " << w.decoder_note << "\n";
  if (!w.unsupported_ops.empty()) {
    nlohmann::json u = unsupported_json(w);
    out << "not costed (unsupported ops):";
    for (const auto& [op, n] : w.unsupported_ops) out << " " << op << " x" << n;
    out << " = " << u["nodes_not_costed"].get<int64_t>() << " of " << w.source_nodes << " nodes ("
        << format_percent(u["share_not_costed"].get<double>()) << ")\n";
  }
  out << "\n";
  TextTable groups({"group", "GFLOPs", "% FLOPs", "MOPs (GB)", "% MOPs", "intensity"});
  auto row = [&](const std::string& name, const workload::Totals& t) {
    groups.add_row({name, format_fixed(t.flops / 1e9, 3),
                    format_percent(w.totals.flops ? double(t.flops) / w.totals.flops : 0),
                    format_fixed(t.bytes / 1e9, 4),
                    format_percent(w.totals.bytes ? double(t.bytes) / w.totals.bytes : 0),
                    format_fixed(t.intensity(), 2)});
  };
  for (const auto& g : w.groups) row(g.name, g.totals);
  groups.add_separator();
  // The ops inside the numbered layers: the scope of the survey's per-layer tables (001 Table 3
  // covers the N Transformer layers, not the embeddings or the head).
  workload::Totals in_layers;
  int layer_count = 0;
  for (const auto& l : w.layers) {
    if (l.name == "other") continue;
    ++layer_count;
    in_layers.flops += l.totals.flops;
    in_layers.bytes += l.totals.bytes;
  }
  if (layer_count > 0 && in_layers.bytes != w.totals.bytes)
    row(std::to_string(layer_count) + (layer_count == 1 ? " layer" : " layers"), in_layers);
  row("total", w.totals);
  out << groups.render();
  out << "\nparams: " << format_si(static_cast<double>(w.totals.params), 4)
      << "  MACs: " << format_si(static_cast<double>(w.totals.macs), 4)
      << "  (MOPs: bytes moved; intensity: FLOPs per byte)\n";
  if (w.peak_activation_bytes > 0)
    out << "peak activation footprint: "
        << format_si(static_cast<double>(w.peak_activation_bytes), 4)
        << "B (live activations at the busiest op, graph order, weights excluded)\n";
  if (show_ops) {
    TextTable ops({"op", "role", "kind", "FLOPs", "bytes", "intensity"});
    for (const auto& op : w.ops)
      ops.add_row({op.name, std::string(model::role_name(op.role)),
                   std::string(model::op_kind_name(op.kind)), format_si(double(op.flops)),
                   format_si(double(op.bytes())), format_fixed(op.intensity(), 2)});
    out << "\n" << ops.render();
  }
  return out.str();
}

std::string workload_csv(const workload::Workload& w) {
  std::ostringstream out;
  out << "name,role,kind,group,layer,flops,macs,bytes_read,bytes_written,intensity,params\n";
  for (const auto& op : w.ops)
    out << op.name << ',' << model::role_name(op.role) << ',' << model::op_kind_name(op.kind) << ','
        << op.group << ',' << op.layer << ',' << op.flops << ',' << op.macs << ',' << op.bytes_read
        << ',' << op.bytes_written << ',' << op.intensity() << ',' << op.params << '\n';
  return out.str();
}

}  // namespace tessera::report
