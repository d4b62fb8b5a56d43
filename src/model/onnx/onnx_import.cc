// ONNX import pipeline (issue #3): read (weights skipped) -> bind symbolic dimensions -> ONNX
// shape inference -> index and classify values -> recognise decomposed ops -> lower -> roles.
#include "tessera/model/onnx_import.h"

#include <filesystem>
#include <new>

#include "model/onnx/onnx_fold.h"
#include "model/onnx/onnx_lower.h"
#include "model/onnx/onnx_patterns.h"
#include "model/onnx/onnx_reader.h"
#include "model/onnx/onnx_roles.h"
#include "model/onnx/onnx_shapes.h"
#include "model/onnx/onnx_view.h"
#include "tessera/core/error.h"

namespace tessera::model {
namespace {

Graph import_read_model(onnx_import::ReadModel read, const std::string& name,
                        const LoadOptions& options) {
  using namespace onnx_import;
  onnx::ModelProto& proto = read.proto;
  if (proto.opset_import_size() == 0) throw Error(name + ": the model declares no opset_import");
  normalize_graph(*proto.mutable_graph(), name);
  bind_dimensions(proto, options, name);
  ShapeMap shapes = fold_and_infer(proto, name);
  GraphView view = make_view(proto.graph(), shapes, name);
  Fusions fusions = find_fusions(view);
  Lowered lowered = lower_graph(proto.graph(), view, fusions, name);
  if (options.strict && !lowered.unsupported.empty()) {
    std::string list;
    for (const auto& [op, count] : lowered.unsupported)
      list += (list.empty() ? "" : ", ") + op + " x" + std::to_string(count);
    throw Error(name + ": unsupported ops (--strict): " + list);
  }
  Graph graph = std::move(lowered.graph);
  graph.name = name;
  graph.unsupported_ops = std::move(lowered.unsupported);
  graph.source_nodes = lowered.source_nodes;
  assign_roles(graph);
  graph.config["source"] = "onnx";
  graph.config["producer"] = proto.producer_name() + " " + proto.producer_version();
  for (const auto& opset : proto.opset_import())
    if (opset.domain().empty() || opset.domain() == "ai.onnx")
      graph.config["opset"] = std::to_string(opset.version());
  graph.config["batch"] = std::to_string(options.batch > 0 ? options.batch : 1);
  for (const auto& [dim, value] : options.dims) graph.config["dim." + dim] = std::to_string(value);
  return graph;
}

// Every failure is one tessera::Error that names the model: errors from shared helpers (checked
// arithmetic, the graph builder) get the model's name; anything else escaping libonnx or
// protobuf on a hostile file becomes a Failure instead of a crash.
template <typename Load>
Graph with_context(const std::string& name, Load load) {
  try {
    return load();
  } catch (const Error& e) {
    if (std::string(e.what()).rfind(name, 0) == 0) throw;
    throw Error(name + ": " + e.what(), e.kind());
  } catch (const std::bad_alloc&) {
    throw Error(name + ": out of memory while importing", ErrorKind::Failure);
  } catch (const std::exception& e) {
    throw Error(name + ": cannot import: " + e.what(), ErrorKind::Failure);
  }
}

}  // namespace

Graph import_onnx(const std::string& path, const LoadOptions& options) {
  return with_context(
      path, [&] { return import_read_model(onnx_import::read_onnx_file(path), path, options); });
}

Graph import_onnx_bytes(const void* data, size_t size, const std::string& name,
                        const LoadOptions& options, const std::string& base_dir) {
  return with_context(name, [&] {
    return import_read_model(onnx_import::read_onnx_bytes(data, size, name, base_dir), name,
                             options);
  });
}

}  // namespace tessera::model
