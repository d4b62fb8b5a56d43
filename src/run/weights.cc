// Weight values: random from (seed, tensor name) with a scale that keeps activations O(1)
// (uniform +-1/sqrt(fan_in), LayerNorm gamma 1 and beta 0), or read from a safetensors file.
#include "tessera/run/weights.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tessera/core/error.h"
#include "tessera/core/rng.h"

namespace tessera::run {
namespace {

using model::OpKind;

uint64_t hash_name(const std::string& name) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a
  for (unsigned char c : name) h = (h ^ c) * 1099511628211ULL;
  return h;
}

// Constant fill for normalisation parameters, else the random scale; by the consuming node.
struct Fill {
  bool constant = false;
  float value = 0.0f;
};
Fill fill_for(const model::Graph& graph, model::TensorId id, float& scale) {
  const model::Tensor& t = graph.tensor(id);
  scale = 1.0f;
  for (const model::Node& node : graph.nodes) {
    for (size_t i = 0; i < node.inputs.size(); ++i) {
      if (node.inputs[i] != id) continue;
      if (node.kind == OpKind::LayerNorm || node.kind == OpKind::BatchNorm)
        return {true, i == 1 ? 1.0f : 0.0f};
      if (node.kind == OpKind::MatMul) {
        const model::Shape& w = graph.tensor(node.inputs[1]).shape;
        int64_t fan_in = node.matmul.transpose_b ? w.back() : w[w.size() - 2];
        scale = 1.0f / std::sqrt(static_cast<float>(fan_in));
        return {};
      }
      if (node.kind == OpKind::Conv2d && t.shape.size() == 4) {
        scale = 1.0f / std::sqrt(static_cast<float>(t.shape[1] * t.shape[2] * t.shape[3]));
        return {};
      }
      return {};
    }
  }
  return {};
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? "," : "") + std::to_string(shape[i]);
  return text + "]";
}

}  // namespace

void fill_random(std::vector<float>& values, uint64_t seed, const std::string& name, float scale) {
  RandomStream stream(seed, hash_name(name));
  for (float& v : values) v = static_cast<float>((stream.uniform() * 2.0 - 1.0) * scale);
}

const std::vector<float>& WeightStore::get(const model::Graph& graph, model::TensorId id) {
  const model::Tensor& t = graph.tensor(id);
  auto loaded = loaded_.find(t.name);
  // A Conv1d weight [K, C/g, R] is the importer's 2-D convolution weight [K, C/g, 1, R].
  auto lifted_1d = [&](const std::vector<int64_t>& file) {
    return file.size() == 3 && t.shape == std::vector<int64_t>{file[0], file[1], 1, file[2]};
  };
  if (loaded != loaded_.end() && loaded->second != t.shape && !lifted_1d(loaded->second))
    throw Error("weights: tensor '" + t.name + "' has shape " + shape_text(loaded->second) +
                " in the file but " + shape_text(t.shape) + " in the model");
  if (!strict_file_.empty() && loaded == loaded_.end()) {
    auto other = unusable_.find(t.name);
    if (other != unusable_.end())
      throw Error("weights: initializer '" + t.name + "' in '" + strict_file_ + "' is " +
                  other->second + "; the fp32 engine needs FLOAT");
    throw Error("weights: '" + strict_file_ + "' has no initializer named '" + t.name +
                "' (a model weight with " + std::to_string(t.elements()) + " elements)");
  }
  auto it = values_.find(t.name);
  if (it != values_.end()) {
    if (static_cast<int64_t>(it->second.size()) != t.elements())
      throw Error("weights: tensor '" + t.name + "' changes size between graphs");
    return it->second;
  }
  std::vector<float> values(static_cast<size_t>(t.elements()));
  float scale = 1.0f;
  Fill fill = fill_for(graph, id, scale);
  if (fill.constant)
    std::fill(values.begin(), values.end(), fill.value);
  else
    fill_random(values, seed_, t.name, scale);
  return values_.emplace(t.name, std::move(values)).first->second;
}

void WeightStore::load_file(const std::string& path) {
  if (path.size() >= 5 && path.compare(path.size() - 5, 5, ".onnx") == 0)
    load_onnx(path);
  else
    load_safetensors(path);
}

const std::vector<float>* WeightStore::loaded_values(const std::string& name,
                                                     int64_t elements) const {
  if (!loaded_.count(name)) return nullptr;
  const std::vector<float>& v = values_.at(name);
  return static_cast<int64_t>(v.size()) == elements ? &v : nullptr;
}

void WeightStore::load_safetensors(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("weights: cannot open '" + path + "'");
  uint8_t size_bytes[8];
  if (!in.read(reinterpret_cast<char*>(size_bytes), 8))
    throw Error("weights: '" + path + "' is too short to be a safetensors file");
  uint64_t header_size = 0;
  for (int i = 7; i >= 0; --i) header_size = (header_size << 8) | size_bytes[i];
  in.seekg(0, std::ios::end);
  uint64_t file_size = static_cast<uint64_t>(in.tellg());
  if (header_size > file_size - 8)
    throw Error("weights: '" + path + "': header length " + std::to_string(header_size) +
                " exceeds the file");
  std::string header(header_size, '\0');
  in.seekg(8);
  in.read(header.data(), static_cast<std::streamsize>(header_size));
  nlohmann::json json = nlohmann::json::parse(header, nullptr, false);
  if (json.is_discarded() || !json.is_object())
    throw Error("weights: '" + path + "': header is not a JSON object");
  uint64_t data_begin = 8 + header_size;
  for (auto& [name, entry] : json.items()) {
    if (name == "__metadata__") continue;
    if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") ||
        !entry.contains("data_offsets"))
      throw Error("weights: '" + path + "': tensor '" + name + "' lacks dtype/shape/offsets");
    std::string dtype;
    std::vector<int64_t> shape;
    std::vector<uint64_t> offsets;
    try {  // a string where a list belongs escaped as a bare nlohmann type_error (exit 1)
      dtype = entry["dtype"].get<std::string>();
      shape = entry["shape"].get<std::vector<int64_t>>();
      offsets = entry["data_offsets"].get<std::vector<uint64_t>>();
    } catch (const nlohmann::json::exception&) {
      throw Error("weights: '" + path + "': tensor '" + name +
                  "': dtype must be a string, shape and data_offsets lists of integers");
    }
    if (dtype != "F32")
      throw Error("weights: '" + path + "': tensor '" + name + "' is " + dtype +
                  "; only F32 is supported");
    uint64_t count = 1;
    for (int64_t d : shape) {
      if (d < 0) throw Error("weights: '" + path + "': tensor '" + name + "' has a negative dim");
      // A product that wraps around 2^64 could match small offsets and pass every check below.
      if (d > 0 && count > (UINT64_MAX / 4) / static_cast<uint64_t>(d))
        throw Error("weights: '" + path + "': tensor '" + name + "' is absurdly large");
      count *= static_cast<uint64_t>(d);
    }
    if (offsets.size() != 2 || offsets[1] < offsets[0] || offsets[1] - offsets[0] != count * 4 ||
        data_begin + offsets[1] > file_size)
      throw Error("weights: '" + path + "': tensor '" + name + "' has bad data offsets");
    std::vector<float> values(count);
    in.seekg(static_cast<std::streamoff>(data_begin + offsets[0]));
    in.read(reinterpret_cast<char*>(values.data()), static_cast<std::streamsize>(count * 4));
    values_[name] = std::move(values);
    loaded_[name] = shape;
  }
}

}  // namespace tessera::run
