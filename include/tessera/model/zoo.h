// The model zoo and model loading (issue #2): families with every size a parameter, named
// presets, overrides ("bert-base:seq=512,heads=4"), YAML model files and (via onnx_import.h)
// ONNX files. Families are listed once in src/model/zoo/families.def.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tessera/model/graph.h"
#include "tessera/model/model_params.h"

namespace tessera::model {

struct ZooFamily {
  std::string name;  // e.g. "transformer-encoder"
  Domain domain = Domain::Other;
  std::string description;
  std::vector<ParamSpec> params;
  std::function<Graph(const ModelParams&)> build;
  // Autoregressive decoders only: the graph that generates one token when `context` tokens
  // (including the new one) are in the KV cache. Empty for encoders and CNNs.
  std::function<Graph(const ModelParams&, int64_t context)> build_decode_step;
  // Decoders only, optional: the work done once before the first generated token, for a prompt
  // of `prompt` tokens (0 = none), e.g. an encoder-decoder's encoder and cross-attention K/V.
  // Its graph name describes it. Unset: the prefill is build() with seq = prompt, if any.
  std::function<Graph(const ModelParams&, int64_t prompt)> build_prefill;
};

struct ZooPreset {
  std::string name;    // e.g. "bert-base"
  std::string family;  // e.g. "transformer-encoder"
  std::map<std::string, std::string> overrides;
  std::string description;
};

const std::vector<ZooFamily>& zoo_families();
const std::vector<ZooPreset>& zoo_presets();
const ZooFamily& find_family(const std::string& name);  // throws tessera::Error if unknown

// Options for loading a model by name or path.
struct LoadOptions {
  int64_t batch = 0;                    // 0 = the model's own default
  std::map<std::string, int64_t> dims;  // ONNX symbolic dimension bindings
  bool strict = false;                  // ONNX: unsupported ops are errors
};

// A resolved model: its family (when from the zoo), parameters and graph builders.
struct ModelHandle {
  std::string spec;                   // what the user wrote
  const ZooFamily* family = nullptr;  // null for ONNX models
  ModelParams params{"", {}};
  Graph build() const;  // the whole-sequence / single-image graph
  bool is_decoder() const { return family && family->build_decode_step; }
  Graph build_decode_step(int64_t context) const;  // throws if not a decoder
  Graph onnx_graph;                                // filled for ONNX models
};

// Resolves "preset[:k=v,...]", "family:k=v,...", a .yaml model file or a .onnx file.
// Throws tessera::Error (naming the model and the offending override) on bad input.
ModelHandle resolve_model(const std::string& spec, const LoadOptions& options = {});
// resolve_model(spec).build() in one step.
Graph load_model(const std::string& spec, const LoadOptions& options = {});

}  // namespace tessera::model
