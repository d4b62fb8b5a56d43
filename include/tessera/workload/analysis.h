// Workload analysis (issue #2; survey 001 Sec. 2.2 and App. A.3-A.4): lowering a graph to ops
// with ideal FLOPs/bytes, roll-ups per role group, layer and model; decoder mode with closed
// forms over the KV cache (no loop over tokens).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tessera/model/zoo.h"
#include "tessera/workload/op.h"

namespace tessera::workload {

// Bytes per element by tensor class. The survey assumes 8-bit for everything (001 Sec. 2.2.1).
struct Precision {
  int64_t activation_bytes = 1;
  int64_t weight_bytes = 1;
  std::string name = "int8";
};
Precision parse_precision(const std::string& name);  // int8, int16, fp16, bf16, fp32, int32

enum class Fusion : uint8_t {
  None,
  BnReluFolded,  // BatchNorm folded into the conv, ReLU applied to accumulated outputs (Table 4)
  Compiler,      // what inference compilers fuse: epilogues, fused attention, add + LayerNorm
};
std::string_view fusion_name(Fusion fusion);
Fusion parse_fusion(const std::string& name);

enum class Mode : uint8_t {
  Encoder,  // every token at once (BERT-style), or one image for CNNs
  Decoder,  // autoregressive generation with a KV cache
};

struct AnalysisOptions {
  Precision precision;
  Fusion fusion = Fusion::None;
  Mode mode = Mode::Encoder;
  int64_t prompt = 0;    // decoder: tokens processed at once before generating (prefill)
  int64_t generate = 0;  // decoder: tokens generated (0 = the model's seq parameter)
};

struct Totals {
  int64_t flops = 0, macs = 0, bytes = 0, params = 0;
  double intensity() const { return bytes ? static_cast<double>(flops) / bytes : 0.0; }
};

struct GroupTotals {
  std::string name;
  Totals totals;
};

struct Workload {
  std::string model;
  model::Domain domain = model::Domain::Other;
  AnalysisOptions options;
  std::map<std::string, std::string> config;
  std::vector<Op> ops;
  Totals totals;
  std::vector<GroupTotals> groups;  // in first-appearance order
  std::vector<GroupTotals> layers;  // per layer index ("layer0", ...; "other" for -1)
  std::string decoder_note;         // what the decoder totals cover
  // Peak transient activation footprint (footprint.h, NeuroMeter Table II "#Data") of a
  // whole-sequence/one-image graph; 0 where it does not apply (decoder sums over steps).
  int64_t peak_activation_bytes = 0;
  // Imported models: op types not costed and their node counts; nodes in the source file.
  std::map<std::string, int64_t> unsupported_ops;
  int64_t source_nodes = 0;
};

// Lowers one op of a graph (no fusion context).
Op lower_node(const model::Graph& graph, model::NodeId node, const Precision& precision);
// Lowers a whole graph and rolls it up.
Workload analyze_graph(const model::Graph& graph, const AnalysisOptions& options);
// Encoder or decoder analysis of a resolved model, as `tessera analyze` does it.
Workload analyze_model(const model::ModelHandle& model, const AnalysisOptions& options);
// Recomputes totals, groups and layers from ops.
void roll_up(Workload& workload, int64_t params);

// Decoder closed forms: the per-step graph's counts are affine in the context length c
// (attention over c cached tokens), so the sum over c = first..last is exact from two probes.
Workload analyze_decoder(const model::ModelHandle& model, const AnalysisOptions& options,
                         int64_t first_context, int64_t last_context);

}  // namespace tessera::workload
