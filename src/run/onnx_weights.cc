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
#include <optional>

#include "run/onnx_statics.h"
#include "tessera/core/error.h"
#include "tessera/model/onnx_front.h"
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

// Values of a small tensor of any numeric dtype, as doubles (integers are exact below 2^53).
std::optional<StaticValue> static_value(const onnx::TensorProto& t) {
  StaticValue v;
  v.dims.assign(t.dims().begin(), t.dims().end());
  int64_t count = 1;
  for (int64_t d : v.dims) count *= d;
  if (count < 0 || count > (1 << 22) || t.data_location() == onnx::TensorProto::EXTERNAL)
    return std::nullopt;
  using T = onnx::TensorProto;
  v.integer = t.data_type() != T::FLOAT && t.data_type() != T::DOUBLE;
  const std::string& raw = t.raw_data();
  auto from_raw = [&](auto type) -> bool {
    if (raw.size() != static_cast<size_t>(count) * sizeof(type)) return false;
    for (int64_t i = 0; i < count; ++i) {
      decltype(type) x;
      std::memcpy(&x, raw.data() + i * static_cast<int64_t>(sizeof(x)), sizeof(x));
      v.data.push_back(static_cast<double>(x));
    }
    return true;
  };
  bool ok = true;
  switch (t.data_type()) {
    case T::FLOAT:
      if (t.has_raw_data())
        ok = from_raw(float{});
      else
        v.data.assign(t.float_data().begin(), t.float_data().end());
      break;
    case T::DOUBLE:
      if (t.has_raw_data())
        ok = from_raw(double{});
      else
        v.data.assign(t.double_data().begin(), t.double_data().end());
      break;
    case T::INT64:
      if (t.has_raw_data())
        ok = from_raw(int64_t{});
      else
        for (int64_t x : t.int64_data()) v.data.push_back(static_cast<double>(x));
      break;
    case T::INT32:
    case T::BOOL:
    case T::UINT8:
    case T::INT8:
      if (t.has_raw_data())
        ok = t.data_type() == T::INT32  ? from_raw(int32_t{})
             : t.data_type() == T::INT8 ? from_raw(int8_t{})
                                        : from_raw(uint8_t{});
      else
        for (int32_t x : t.int32_data()) v.data.push_back(x);
      break;
    default:
      return std::nullopt;
  }
  if (!ok || static_cast<int64_t>(v.data.size()) != count) return std::nullopt;
  return v;
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

std::vector<std::string> onnx_output_names(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  onnx::ModelProto model;
  if (!in || !model.ParseFromIstream(&in) || !model.has_graph())
    throw Error("'" + path + "' is not a readable ONNX model");
  std::vector<std::string> names;
  for (const auto& o : model.graph().output()) names.push_back(o.name());
  return names;
}

std::shared_ptr<const OnnxStatics> read_onnx_statics(const std::string& path,
                                                     const model::Graph& graph) {
  // The importer's front half with the graph's own dimension bindings, so that node names,
  // folded shape values and value shapes are the ones the graph was built from.
  model::LoadOptions load;
  for (const auto& [key, value] : graph.config) {
    if (key.rfind("dim.", 0) == 0) load.dims[key.substr(4)] = std::stoll(value);
    if (key == "batch" && value != "1") load.batch = std::stoll(value);
  }
  model::PreparedOnnx prepared = model::prepare_onnx(path, load);
  const onnx::GraphProto& g = prepared.proto.graph();
  std::map<std::string, StaticValue> constants;
  for (const onnx::TensorProto& t : g.initializer()) {
    int64_t count = 1;
    for (int64_t d : t.dims()) count *= d;
    if (t.data_type() == onnx::TensorProto::FLOAT && count > 4096) continue;  // weights
    if (auto v = static_value(t)) constants[t.name()] = std::move(*v);
  }
  std::map<std::string, std::vector<int64_t>> shapes = std::move(prepared.shapes);
  std::vector<std::pair<std::string, OnnxNodeInfo>> nodes;
  for (int i = 0; i < g.node_size(); ++i) {
    const onnx::NodeProto& n = g.node(i);
    OnnxNodeInfo info;
    info.op_type = n.op_type();
    info.inputs.assign(n.input().begin(), n.input().end());
    info.outputs.assign(n.output().begin(), n.output().end());
    for (const auto& a : n.attribute()) {
      if (a.type() == onnx::AttributeProto::INT) info.ints[a.name()] = {a.i()};
      if (a.type() == onnx::AttributeProto::INTS)
        info.ints[a.name()].assign(a.ints().begin(), a.ints().end());
      if (a.type() == onnx::AttributeProto::TENSOR)
        if (auto v = static_value(a.t())) info.tensors[a.name()] = std::move(*v);
      if (a.type() == onnx::AttributeProto::STRING) info.strings[a.name()] = a.s();
      if (a.type() == onnx::AttributeProto::FLOAT) info.floats[a.name()] = a.f();
    }
    // GraphView::node_name: the node's own name, else op type and topological index.
    std::string name = n.name().empty() ? n.op_type() + "_" + std::to_string(i) : n.name();
    nodes.emplace_back(std::move(name), std::move(info));
  }
  return std::make_shared<const OnnxStatics>(std::move(nodes), std::move(constants),
                                             std::move(shapes));
}

}  // namespace tessera::run
