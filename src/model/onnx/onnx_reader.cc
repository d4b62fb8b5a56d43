// Streaming ModelProto reader (issue #3): protobuf's generated parser would copy every weight
// into memory; this one walks the wire format of ModelProto -> GraphProto -> TensorProto by
// hand and skips large initializer payloads, handing everything else to the generated parser.
#include "model/onnx/onnx_reader.h"

#include <fcntl.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/wire_format_lite.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <filesystem>

#include "tessera/core/checked_math.h"
#include "tessera/core/error.h"
#include "tessera/model/onnx_front.h"

namespace tessera::model {

// Integer and bool initializers are masks and index tables (GPT-2's [1, 1, 1024, 1024] causal
// mask buffer, BERT's position ids) whose values the runtime needs: kept up to a larger size.
bool onnx_is_static_integer(int32_t type) {
  return type == onnx::TensorProto::BOOL || type == onnx::TensorProto::INT64 ||
         type == onnx::TensorProto::INT32 || type == onnx::TensorProto::INT8 ||
         type == onnx::TensorProto::UINT8 || type == onnx::TensorProto::INT16;
}
// Bytes per element of ONNX TensorProto data types; 0 for variable-size (string) or unknown.
int64_t onnx_element_bytes(int32_t type) {
  switch (type) {
    case onnx::TensorProto::UINT8:
    case onnx::TensorProto::INT8:
    case onnx::TensorProto::BOOL:
      return 1;
    case onnx::TensorProto::UINT16:
    case onnx::TensorProto::INT16:
    case onnx::TensorProto::FLOAT16:
    case onnx::TensorProto::BFLOAT16:
      return 2;
    case onnx::TensorProto::FLOAT:
    case onnx::TensorProto::INT32:
    case onnx::TensorProto::UINT32:
      return 4;
    case onnx::TensorProto::INT64:
    case onnx::TensorProto::UINT64:
    case onnx::TensorProto::DOUBLE:
    case onnx::TensorProto::COMPLEX64:
      return 8;
    case onnx::TensorProto::COMPLEX128:
      return 16;
    default:
      return 0;
  }
}

}  // namespace tessera::model

namespace tessera::model::onnx_import {
namespace {

namespace pb = google::protobuf;
using WFL = pb::internal::WireFormatLite;

// Field numbers from onnx.proto (ONNX IR).
constexpr int kModelGraph = 7;
constexpr int kGraphInitializer = 5;
constexpr int kTensorRawData = 9;
constexpr int kTensorDataType = 2;

// Typed payload fields of TensorProto: float, int32, string, int64, double, uint64.
bool is_payload_field(int field) {
  return field == 4 || field == 5 || field == 6 || field == 7 || field == 10 || field == 11 ||
         field == kTensorRawData;
}

class WireReader {
 public:
  WireReader(pb::io::ZeroCopyInputStream* stream, int64_t size, std::string name,
             std::string base_dir)
      : in_(stream), name_(std::move(name)), base_dir_(std::move(base_dir)) {
    in_.SetTotalBytesLimit(INT_MAX);
    in_.PushLimit(static_cast<int>(size));
  }

  ReadModel run() {
    ReadModel result;
    std::string rest;
    {
      pb::io::StringOutputStream sink(&rest);
      pb::io::CodedOutputStream out(&sink);
      for (uint32_t tag = in_.ReadTag(); tag != 0; tag = in_.ReadTag()) {
        if (WFL::GetTagFieldNumber(tag) == kModelGraph &&
            WFL::GetTagWireType(tag) == WFL::WIRETYPE_LENGTH_DELIMITED) {
          auto limit = push_length();
          read_graph(*result.proto.mutable_graph(), result);
          pop(limit);
        } else if (!WFL::SkipField(&in_, tag, &out)) {
          fail("truncated or malformed protobuf");
        }
      }
    }
    if (in_.BytesUntilLimit() != 0) fail("malformed protobuf (invalid field tag)");
    if (!result.proto.MergeFromString(rest)) fail("malformed ModelProto");
    if (!result.proto.has_graph() || result.proto.ir_version() <= 0)
      fail("not an ONNX model (no ir_version or graph)");
    return result;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { throw Error(name_ + ": " + what); }

  int push_length() {
    uint32_t length = 0;
    if (!in_.ReadVarint32(&length)) fail("truncated protobuf");
    if (static_cast<int64_t>(length) > in_.BytesUntilLimit())
      fail("truncated file (a field of " + std::to_string(length) + " bytes runs past the end)");
    return in_.PushLimit(static_cast<int>(length));
  }
  void pop(int limit) {
    if (in_.BytesUntilLimit() != 0) fail("malformed protobuf (message not fully consumed)");
    in_.PopLimit(limit);
  }

  void read_graph(onnx::GraphProto& graph, ReadModel& result) {
    std::string rest;
    {
      pb::io::StringOutputStream sink(&rest);
      pb::io::CodedOutputStream out(&sink);
      for (uint32_t tag = in_.ReadTag(); tag != 0; tag = in_.ReadTag()) {
        if (WFL::GetTagFieldNumber(tag) == kGraphInitializer &&
            WFL::GetTagWireType(tag) == WFL::WIRETYPE_LENGTH_DELIMITED) {
          auto limit = push_length();
          InitializerInfo info;
          onnx::TensorProto* tensor = graph.add_initializer();
          read_tensor(*tensor, info);
          pop(limit);
          check_tensor(*tensor, info);
          result.initializers[tensor->name()] = info;
        } else if (!WFL::SkipField(&in_, tag, &out)) {
          fail("truncated or malformed GraphProto");
        }
      }
    }
    if (!graph.MergeFromString(rest)) fail("malformed GraphProto");
  }

  void read_tensor(onnx::TensorProto& tensor, InitializerInfo& info) {
    std::string kept;
    {
      pb::io::StringOutputStream sink(&kept);
      pb::io::CodedOutputStream out(&sink);
      uint64_t data_type = 0;  // serializers write it (field 2) before the payload fields
      for (uint32_t tag = in_.ReadTag(); tag != 0; tag = in_.ReadTag()) {
        int field = WFL::GetTagFieldNumber(tag);
        if (field == kTensorDataType && WFL::GetTagWireType(tag) == WFL::WIRETYPE_VARINT) {
          if (!in_.ReadVarint64(&data_type)) fail("truncated initializer");
          out.WriteTag(tag);
          out.WriteVarint64(data_type);
        } else if (is_payload_field(field) &&
                   WFL::GetTagWireType(tag) == WFL::WIRETYPE_LENGTH_DELIMITED) {
          uint32_t length = 0;
          if (!in_.ReadVarint32(&length)) fail("truncated initializer");
          if (static_cast<int64_t>(length) > in_.BytesUntilLimit())
            fail("truncated file (initializer data runs past the end)");
          const bool first_payload = info.payload_bytes == 0;
          info.payload_bytes += length;
          info.raw = info.raw || field == kTensorRawData;
          if (!first_payload) info.payload_offset = -1;  // split payloads are not read in place
          if (length <= (onnx_is_static_integer(static_cast<int32_t>(data_type))
                             ? kKeptStaticInitializerBytes
                             : kKeptInitializerBytes)) {
            std::string bytes;
            if (!in_.ReadString(&bytes, static_cast<int>(length))) fail("truncated initializer");
            out.WriteTag(tag);
            out.WriteVarint32(length);
            out.WriteString(bytes);
          } else {
            if (first_payload) info.payload_offset = in_.CurrentPosition();
            info.values_as_bytes = field == kTensorRawData || field == 4 || field == 10;
            if (!in_.Skip(static_cast<int>(length))) fail("truncated initializer data");
            skipped_ = true;
          }
        } else if (!WFL::SkipField(&in_, tag, &out)) {
          fail("truncated or malformed TensorProto");
        }
      }
    }
    if (!tensor.ParseFromString(kept)) fail("malformed initializer TensorProto");
    info.data_kept = !skipped_;
    skipped_ = false;
  }

  // Shapes must be sane and inline data must fill them; external data must exist.
  void check_tensor(const onnx::TensorProto& t, InitializerInfo& info) const {
    std::string what = "initializer '" + t.name() + "'";
    int64_t elements = 1;
    for (int64_t d : t.dims()) {
      if (d < 0) fail(what + " has negative dimension " + std::to_string(d));
      elements = checked_mul(elements, d, "initializer size");
    }
    int64_t expected =
        checked_mul(elements, onnx_element_bytes(t.data_type()), "initializer bytes");
    if (t.data_location() == onnx::TensorProto::EXTERNAL) {
      info.external = true;
      check_external(t, expected, what);
      return;
    }
    if (info.raw && expected > 0 && info.payload_bytes != expected)
      fail(what + " holds " + std::to_string(info.payload_bytes) + " bytes but its shape needs " +
           std::to_string(expected) + " (truncated or corrupt file)");
  }

  void check_external(const onnx::TensorProto& t, int64_t expected, const std::string& what) const {
    std::string location;
    int64_t offset = 0, length = -1;
    for (const auto& entry : t.external_data()) {
      try {
        if (entry.key() == "location") location = entry.value();
        if (entry.key() == "offset") offset = std::stoll(entry.value());
        if (entry.key() == "length") length = std::stoll(entry.value());
      } catch (const std::exception&) {
        fail(what + ": bad external_data " + entry.key() + " '" + entry.value() + "'");
      }
    }
    if (location.empty()) fail(what + " is external but names no location");
    if (offset < 0 || length < -1) fail(what + ": negative external data offset or length");
    std::filesystem::path file = std::filesystem::path(base_dir_) / location;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
      fail("external data file '" + file.string() + "' of " + what + " not found");
    auto size = static_cast<int64_t>(std::filesystem::file_size(file, ec));
    int64_t needed = checked_add(offset, length >= 0 ? length : expected, "external data size");
    if (ec || size < needed)
      fail("external data file '" + file.string() + "' has " + std::to_string(size) +
           " bytes but " + what + " needs " + std::to_string(needed));
  }

  pb::io::CodedInputStream in_;
  std::string name_, base_dir_;
  bool skipped_ = false;
};

}  // namespace

ReadModel read_onnx_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw Error(path + ": no such file");
  if (!std::filesystem::is_regular_file(path, ec)) throw Error(path + ": not a regular file");
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(path + ": cannot open");
  struct ::stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    throw Error(path + ": cannot stat");
  }
  if (st.st_size >= INT_MAX) {
    ::close(fd);
    throw Error(path + ": " + std::to_string(st.st_size) +
                " bytes; ONNX files over 2 GB must keep their weights in external data files");
  }
  pb::io::FileInputStream stream(fd);
  stream.SetCloseOnDelete(true);
  std::string base_dir = std::filesystem::path(path).parent_path().string();
  WireReader reader(&stream, st.st_size, path, base_dir.empty() ? "." : base_dir);
  return reader.run();
}

ReadModel read_onnx_bytes(const void* data, size_t size, const std::string& name,
                          const std::string& base_dir) {
  if (size >= INT_MAX) throw Error(name + ": model over 2 GB");
  pb::io::ArrayInputStream stream(data, static_cast<int>(size));
  WireReader reader(&stream, static_cast<int64_t>(size), name, base_dir);
  return reader.run();
}

}  // namespace tessera::model::onnx_import
