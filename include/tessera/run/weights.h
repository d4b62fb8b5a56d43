// Weights of a run: deterministic random values from a seed (NLP-Perf's initialisation phase,
// 002 Sec. IV), or loaded by tensor name from a safetensors file or an ONNX file's initializers.
// Values are keyed by tensor name, so every graph of a model (decode steps too) sees the same
// weights.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tessera/model/graph.h"

namespace tessera::model {
struct OnnxFile;  // tessera/model/onnx_front.h
}

namespace tessera::run {

class WeightStore {
 public:
  explicit WeightStore(uint64_t seed) : seed_(seed) {}

  // Loads every fp32 (F32) tensor of a safetensors file (JSON header + raw little-endian data).
  // Throws tessera::Error on malformed files.
  void load_safetensors(const std::string& path);
  // Loads the FLOAT initializers of an ONNX model (inline, raw or external data). After this,
  // every weight of a graph must come from the file: a missing name, another shape or another
  // dtype is an error naming the tensor. The file is read once (model::read_onnx: structure,
  // then each large payload straight into its weight); the engine reuses that read for the
  // file's output names and static operands.
  void load_onnx(const std::string& path);
  void load_onnx(std::shared_ptr<const model::OnnxFile> file);
  // By extension: .onnx -> load_onnx, anything else -> load_safetensors.
  void load_file(const std::string& path);

  // Values loaded from a file for a non-weight tensor (ONNX constants such as masks and scale
  // factors): null when the file has none of that name and element count.
  const std::vector<float>* loaded_values(const std::string& name, int64_t elements) const;

  // The values of a weight tensor of `graph`: from the file when it has a tensor of that name
  // (shape must match: error otherwise), else random with a scale chosen by how it is used.
  const std::vector<float>& get(const model::Graph& graph, model::TensorId id);

  size_t loaded_count() const { return loaded_.size(); }
  // The ONNX file load_onnx read (empty otherwise): the engine reads node operands from it.
  const std::string& onnx_file() const { return strict_file_; }
  const std::shared_ptr<const model::OnnxFile>& onnx_source() const { return onnx_source_; }
  uint64_t seed() const { return seed_; }

 private:
  uint64_t seed_;
  std::map<std::string, std::vector<float>> values_;
  std::map<std::string, std::vector<int64_t>> loaded_;  // shapes of tensors from the file
  std::map<std::string, std::string> unusable_;         // ONNX initializers of other dtypes
  std::string strict_file_;                             // an ONNX file every weight must come from
  std::shared_ptr<const model::OnnxFile> onnx_source_;  // that file as read (no weights)
};

// Deterministic random fill in [-scale, scale) from (seed, name).
void fill_random(std::vector<float>& values, uint64_t seed, const std::string& name, float scale);

}  // namespace tessera::run
