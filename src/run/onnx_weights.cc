// Weights from an ONNX file's initializers (issue #7): the imported graph keeps initializer
// names for its weight tensors, so `tessera run model.onnx` runs with the file's own values, and
// a zoo model runs with `--weights file.onnx` whose initializers carry the zoo's tensor names.
// The file is read once (model::read_onnx: the graph's structure, with the place of every large
// payload); FLOAT tensors come from float_data, raw_data, a payload read in place or external
// data. Other dtypes are remembered so that a model weight bound to one is a clear error rather
// than a silent random fill. The same read gives the engine the output names and the static
// operands (integer/bool buffers such as a [4096, 4096] causal mask, read packed).
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

// Integer constants read from the file are held up to this size (the file itself is < 2 GB).
constexpr int64_t kMaxPackedBytes = int64_t{1} << 30;

std::string dtype_name(int32_t type) {
  if (onnx::TensorProto_DataType_IsValid(type))
    return onnx::TensorProto_DataType_Name(static_cast<onnx::TensorProto_DataType>(type));
  return "type " + std::to_string(type);
}

// Where an initializer's data lies outside the proto: the .onnx file itself (a payload the
// reader skipped) or an external data file.
struct DataRange {
  std::string file;
  int64_t offset = 0, bytes = 0;
  bool values_as_bytes = true;
};

std::optional<DataRange> data_range(const onnx::TensorProto& t, const model::OnnxFile& file,
                                    int64_t expected_bytes) {
  if (t.data_location() == onnx::TensorProto::EXTERNAL) {
    DataRange r;
    std::string location;
    r.bytes = expected_bytes;
    for (const auto& entry : t.external_data()) {
      if (entry.key() == "location") location = entry.value();
      if (entry.key() == "offset") r.offset = std::stoll(entry.value());
      if (entry.key() == "length") r.bytes = std::stoll(entry.value());
    }
    r.file = (std::filesystem::path(file.path).parent_path() / location).string();
    if (location.empty())
      throw Error("weights: '" + file.path + "': initializer '" + t.name() +
                  "' points at external data '" + location + "' which cannot be opened");
    return r;
  }
  auto it = file.payloads.find(t.name());
  if (it == file.payloads.end()) return std::nullopt;
  return DataRange{file.path, it->second.offset, it->second.bytes, it->second.values_as_bytes};
}

void read_range(const DataRange& r, const std::string& name, char* dest) {
  std::ifstream in(r.file, std::ios::binary);
  if (!in)
    throw Error("weights: initializer '" + name + "': cannot open its data file '" + r.file + "'");
  in.seekg(static_cast<std::streamoff>(r.offset));
  if (!in.read(dest, static_cast<std::streamsize>(r.bytes)))
    throw Error("weights: initializer '" + name + "': data in '" + r.file + "' is too short");
}

int64_t element_count(const onnx::TensorProto& t, const std::string& path) {
  int64_t count = 1;
  for (int64_t d : t.dims()) {
    if (d < 0)
      throw Error("weights: '" + path + "': initializer '" + t.name() + "' has a negative dim");
    count *= d;  // the reader checked the product
  }
  return count;
}

// Bytes per element of the integer dtypes whose values the engine evaluates; 0 for others.
int integer_bytes(int32_t type) {
  return model::onnx_is_static_integer(type) ? static_cast<int>(model::onnx_element_bytes(type))
                                             : 0;
}

// An integer/bool initializer whose data lies outside the proto, read compactly: as doubles up
// to kMaxStaticElements, packed above. Exporters write raw_data; varint int32_data/int64_data
// are decoded to int64. Null (with a line in `too_large`) past kMaxPackedBytes.
std::optional<StaticValue> file_constant(const onnx::TensorProto& t, const DataRange& r,
                                         int64_t count,
                                         std::map<std::string, std::string>& too_large) {
  int bytes_per = integer_bytes(t.data_type());
  if (bytes_per == 0) return std::nullopt;
  if (r.bytes > kMaxPackedBytes) {
    too_large[t.name()] = "initializer '" + t.name() + "' (" + std::to_string(count) +
                          " elements, " + std::to_string(r.bytes) +
                          " bytes) is over the 1 GiB limit for constants read at load time";
    return std::nullopt;
  }
  auto packed = std::make_shared<PackedInts>();
  packed->bytes.resize(static_cast<size_t>(r.bytes));
  read_range(r, t.name(), packed->bytes.data());
  packed->element_bytes = bytes_per;
  packed->is_unsigned =
      t.data_type() == onnx::TensorProto::UINT8 || t.data_type() == onnx::TensorProto::BOOL;
  if (!r.values_as_bytes) {  // varints, sign-extended to 64 bits
    std::string decoded;
    uint64_t x = 0;
    int shift = 0;
    for (char c : packed->bytes) {
      x |= static_cast<uint64_t>(static_cast<uint8_t>(c) & 0x7f) << shift;
      shift += 7;
      if ((static_cast<uint8_t>(c) & 0x80) == 0 || shift >= 64) {
        decoded.append(reinterpret_cast<const char*>(&x), 8);
        x = 0, shift = 0;
      }
    }
    packed->bytes = std::move(decoded);
    packed->element_bytes = 8;
    packed->is_unsigned = false;
  }
  if (static_cast<int64_t>(packed->bytes.size()) != count * packed->element_bytes)
    throw Error("initializer '" + t.name() + "' has " + std::to_string(packed->bytes.size()) +
                " bytes of data for " + std::to_string(count) + " elements");
  StaticValue v;
  v.dims.assign(t.dims().begin(), t.dims().end());
  v.integer = true;
  v.packed = std::move(packed);
  if (count > kMaxStaticElements) return v;
  v.data.resize(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) v.data[static_cast<size_t>(i)] = v.at(i);
  v.packed.reset();
  return v;
}

// Values of a small tensor of any numeric dtype, as doubles (integers are exact below 2^53).
std::optional<StaticValue> static_value(const onnx::TensorProto& t) {
  StaticValue v;
  v.dims.assign(t.dims().begin(), t.dims().end());
  int64_t count = 1;
  for (int64_t d : v.dims) count *= d;
  if (count < 0 || count > kMaxStaticElements || t.data_location() == onnx::TensorProto::EXTERNAL)
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

// The reader's one-line error without its leading "PATH: ".
std::string reader_reason(const std::string& what, const std::string& path) {
  return what.rfind(path + ": ", 0) == 0 ? what.substr(path.size() + 2) : what;
}

}  // namespace

void WeightStore::load_onnx(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw Error("weights: cannot open '" + path + "'");
  std::shared_ptr<const model::OnnxFile> file;
  try {
    file = std::make_shared<const model::OnnxFile>(model::read_onnx(path));
  } catch (const Error& e) {
    throw Error("weights: '" + path + "' is not a readable ONNX model (" +
                reader_reason(e.what(), path) + ")");
  }
  load_onnx(std::move(file));
}

void WeightStore::load_onnx(std::shared_ptr<const model::OnnxFile> file) {
  const std::string& path = file->path;
  strict_file_ = path;
  for (const onnx::TensorProto& t : file->proto.graph().initializer()) {
    std::vector<int64_t> shape(t.dims().begin(), t.dims().end());
    const int64_t count = element_count(t, path);
    if (t.data_type() != onnx::TensorProto::FLOAT) {
      unusable_[t.name()] = dtype_name(t.data_type());
      continue;
    }
    std::vector<float> values;
    if (std::optional<DataRange> r = data_range(t, *file, count * 4)) {
      // A payload read in place: straight into the weight's own buffer.
      if (!r->values_as_bytes || r->bytes != count * 4)
        throw Error("weights: '" + path + "': initializer '" + t.name() + "' has " +
                    std::to_string(r->bytes) + " bytes of data for " + std::to_string(count) +
                    " floats");
      values.resize(static_cast<size_t>(count));
      read_range(*r, t.name(), reinterpret_cast<char*>(values.data()));
    } else if (t.has_raw_data()) {
      if (t.raw_data().size() != static_cast<size_t>(count) * 4)
        throw Error("weights: '" + path + "': initializer '" + t.name() + "' has " +
                    std::to_string(t.raw_data().size()) + " bytes of data for " +
                    std::to_string(count) + " floats");
      values.resize(static_cast<size_t>(count));
      std::memcpy(values.data(), t.raw_data().data(), values.size() * 4);  // little-endian host
    } else {
      if (t.float_data_size() != count)
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
  for (const onnx::NodeProto& n : file->proto.graph().node())
    if (n.op_type() == "Identity" && n.input_size() == 1 && n.output_size() == 1 &&
        loaded_.count(n.input(0)) && !loaded_.count(n.output(0))) {
      values_[n.output(0)] = values_[n.input(0)];
      loaded_[n.output(0)] = loaded_[n.input(0)];
    }
  onnx_source_ = std::move(file);
}

std::vector<std::string> onnx_output_names(const model::OnnxFile& file) {
  std::vector<std::string> names;
  for (const auto& o : file.proto.graph().output()) names.push_back(o.name());
  return names;
}

std::shared_ptr<const OnnxStatics> read_onnx_statics(const model::OnnxFile& file,
                                                     const model::Graph& graph) {
  // The importer's front half with the graph's own dimension bindings, so that node names,
  // folded shape values and value shapes are the ones the graph was built from.
  model::LoadOptions load;
  for (const auto& [key, value] : graph.config) {
    if (key.rfind("dim.", 0) == 0) load.dims[key.substr(4)] = std::stoll(value);
    if (key == "batch" && value != "1") load.batch = std::stoll(value);
  }
  model::PreparedOnnx prepared = model::prepare_onnx(file, load);
  const onnx::GraphProto& g = prepared.proto.graph();
  std::map<std::string, StaticValue> constants;
  std::map<std::string, std::string> too_large;
  for (const onnx::TensorProto& t : g.initializer()) {
    const int64_t count = element_count(t, file.path);
    if (t.data_type() == onnx::TensorProto::FLOAT && count > 4096) continue;  // weights
    const int bytes_per = integer_bytes(t.data_type());
    std::optional<DataRange> r =
        bytes_per > 0 ? data_range(t, file, count * bytes_per) : std::nullopt;
    if (r) {
      if (auto v = file_constant(t, *r, count, too_large)) constants[t.name()] = std::move(*v);
    } else if (auto v = static_value(t)) {
      constants[t.name()] = std::move(*v);
    }
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
                                             std::move(shapes), std::move(too_large));
}

}  // namespace tessera::run
