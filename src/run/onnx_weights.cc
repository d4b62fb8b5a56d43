// Weights from an ONNX file's initializers (issue #7): the imported graph keeps initializer
// names for its weight tensors, so `tessera run model.onnx` runs with the file's own values, and
// a zoo model runs with `--weights file.onnx` whose initializers carry the zoo's tensor names.
// Parsed with the ONNX protobuf classes (libonnx_proto, as src/model/onnx does); FLOAT tensors
// from float_data, raw_data or external data. Other dtypes are remembered so that a model weight
// bound to one is a clear error rather than a silent random fill.
#include <onnx/onnx_pb.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "tessera/core/error.h"
#include "tessera/run/weights.h"

namespace tessera::run {
namespace {

std::string dtype_name(int32_t type) {
  if (onnx::TensorProto_DataType_IsValid(type))
    return onnx::TensorProto_DataType_Name(static_cast<onnx::TensorProto_DataType>(type));
  return "type " + std::to_string(type);
}

std::vector<float> external_floats(const onnx::TensorProto& t, uint64_t count,
                                   const std::string& path) {
  std::string location;
  uint64_t offset = 0, length = count * 4;
  for (const auto& entry : t.external_data()) {
    if (entry.key() == "location") location = entry.value();
    if (entry.key() == "offset") offset = std::stoull(entry.value());
    if (entry.key() == "length") length = std::stoull(entry.value());
  }
  std::filesystem::path file = std::filesystem::path(path).parent_path() / location;
  std::ifstream in(file, std::ios::binary);
  if (location.empty() || !in)
    throw Error("weights: '" + path + "': initializer '" + t.name() +
                "' points at external data '" + location + "' which cannot be opened");
  if (length != count * 4)
    throw Error("weights: '" + path + "': initializer '" + t.name() + "' has " +
                std::to_string(length) + " bytes of external data for " + std::to_string(count) +
                " floats");
  std::vector<float> values(count);
  in.seekg(static_cast<std::streamoff>(offset));
  if (!in.read(reinterpret_cast<char*>(values.data()), static_cast<std::streamsize>(length)))
    throw Error("weights: '" + path + "': external data of '" + t.name() + "' is too short");
  return values;
}

}  // namespace

void WeightStore::load_onnx(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("weights: cannot open '" + path + "'");
  onnx::ModelProto model;
  if (!model.ParseFromIstream(&in) || !model.has_graph())
    throw Error("weights: '" + path + "' is not a readable ONNX model");
  strict_file_ = path;
  for (const onnx::TensorProto& t : model.graph().initializer()) {
    std::vector<int64_t> shape(t.dims().begin(), t.dims().end());
    uint64_t count = 1;
    for (int64_t d : shape) {
      if (d < 0)
        throw Error("weights: '" + path + "': initializer '" + t.name() + "' has a negative dim");
      count *= static_cast<uint64_t>(d);
    }
    if (t.data_type() != onnx::TensorProto::FLOAT) {
      unusable_[t.name()] = dtype_name(t.data_type());
      continue;
    }
    std::vector<float> values;
    if (t.data_location() == onnx::TensorProto::EXTERNAL) {
      values = external_floats(t, count, path);
    } else if (t.has_raw_data()) {
      if (t.raw_data().size() != count * 4)
        throw Error("weights: '" + path + "': initializer '" + t.name() + "' has " +
                    std::to_string(t.raw_data().size()) + " bytes of data for " +
                    std::to_string(count) + " floats");
      values.resize(count);
      std::memcpy(values.data(), t.raw_data().data(), count * 4);  // little-endian host
    } else {
      if (static_cast<uint64_t>(t.float_data_size()) != count)
        throw Error("weights: '" + path + "': initializer '" + t.name() + "' has " +
                    std::to_string(t.float_data_size()) + " values for shape of " +
                    std::to_string(count));
      values.assign(t.float_data().begin(), t.float_data().end());
    }
    values_[t.name()] = std::move(values);
    loaded_[t.name()] = shape;
  }
  // Exporters de-duplicate equal initializers with Identity nodes; the importer keeps the
  // Identity output as its own weight, so give it the source's values.
  for (const onnx::NodeProto& n : model.graph().node())
    if (n.op_type() == "Identity" && n.input_size() == 1 && n.output_size() == 1 &&
        loaded_.count(n.input(0)) && !loaded_.count(n.output(0))) {
      values_[n.output(0)] = values_[n.input(0)];
      loaded_[n.output(0)] = loaded_[n.input(0)];
    }
}

}  // namespace tessera::run
