#include "model/onnx/onnx_shapes.h"

#include <onnx/defs/schema.h>
#include <onnx/shape_inference/implementation.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <map>
#include <set>
#include <unordered_set>

#include "tessera/core/error.h"

namespace tessera::model::onnx_import {
namespace {

std::string join(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none" : out;
}

void substitute(google::protobuf::RepeatedPtrField<onnx::ValueInfoProto>& values,
                const std::map<std::string, int64_t>& bound) {
  for (auto& value : values) {
    if (!value.type().has_tensor_type() || !value.type().tensor_type().has_shape()) continue;
    auto* shape = value.mutable_type()->mutable_tensor_type()->mutable_shape();
    for (auto& dim : *shape->mutable_dim()) {
      auto it = bound.find(dim.dim_param());
      if (dim.has_dim_param() && it != bound.end()) dim.set_dim_value(it->second);
    }
  }
}

void collect(const onnx::ValueInfoProto& value, ShapeMap& shapes) {
  ValueShape vs;
  const auto& type = value.type();
  if (!type.has_tensor_type()) return;
  vs.elem_type = type.tensor_type().elem_type();
  if (type.tensor_type().has_shape()) {
    vs.known = true;
    for (const auto& dim : type.tensor_type().shape().dim()) {
      int64_t d = dim.has_dim_value() ? dim.dim_value() : -1;
      if (d < 0) vs.known = false;
      vs.dims.push_back(d);
    }
  }
  shapes[value.name()] = std::move(vs);
}

}  // namespace

void bind_dimensions(onnx::ModelProto& model, const LoadOptions& options, const std::string& name) {
  onnx::GraphProto& graph = *model.mutable_graph();
  std::unordered_set<std::string> initializers;
  for (const auto& t : graph.initializer()) initializers.insert(t.name());
  const int64_t batch = options.batch > 0 ? options.batch : 1;
  std::map<std::string, int64_t> bound;
  std::set<std::string> symbolic, unbound;
  for (auto& input : *graph.mutable_input()) {
    if (initializers.count(input.name()) || !input.type().has_tensor_type() ||
        !input.type().tensor_type().has_shape())
      continue;
    auto* shape = input.mutable_type()->mutable_tensor_type()->mutable_shape();
    for (int i = 0; i < shape->dim_size(); ++i) {
      auto* dim = shape->mutable_dim(i);
      if (dim->has_dim_value()) {
        if (i == 0 && options.batch > 0 && dim->dim_value() != options.batch)
          throw Error(name + ": input '" + input.name() + "' has a fixed batch dimension " +
                      std::to_string(dim->dim_value()) + "; export it with a dynamic batch axis " +
                      "to analyse batch " + std::to_string(options.batch));
        continue;
      }
      std::string param = dim->has_dim_param() ? dim->dim_param() : "";
      if (!param.empty()) symbolic.insert(param);
      auto given = options.dims.find(param);
      int64_t value = 0;
      if (!param.empty() && given != options.dims.end())
        value = given->second;
      else if (!param.empty() && bound.count(param))
        value = bound[param];
      else if (i == 0)
        value = batch;
      if (value <= 0) {
        unbound.insert(param.empty() ? input.name() + "[" + std::to_string(i) + "]" : param);
        continue;
      }
      if (!param.empty()) bound[param] = value;
      dim->set_dim_value(value);
    }
  }
  for (const auto& [dim, value] : options.dims)
    if (!symbolic.count(dim))
      throw Error(name + ": --dim " + dim + "=" + std::to_string(value) +
                  ": the model has no symbolic dimension '" + dim +
                  "' (its symbolic dimensions: " + join(symbolic) + ")");
  if (!unbound.empty())
    throw Error(name + ": unbound symbolic dimension(s) " + join(unbound) +
                " (bind each with --dim NAME=VALUE)");
  substitute(*graph.mutable_output(), bound);
  substitute(*graph.mutable_value_info(), bound);
}

namespace {

// Whether a tensor's inline data is exactly what its type and shape say. libonnx 1.12's
// data-dependent inference (Reshape, Range, ...) indexes such data without checking, so anything
// else must never reach it.
bool data_consistent(const onnx::TensorProto& t) {
  int64_t n = 1;
  for (int64_t d : t.dims()) {
    if (d < 0 || (d > 0 && n > (int64_t{1} << 40) / d)) return false;
    n *= d;
  }
  int64_t size = 0;
  switch (t.data_type()) {
    case onnx::TensorProto::FLOAT:
      size = t.float_data_size();
      break;
    case onnx::TensorProto::INT64:
      size = t.int64_data_size();
      break;
    case onnx::TensorProto::DOUBLE:
      size = t.double_data_size();
      break;
    case onnx::TensorProto::UINT32:
    case onnx::TensorProto::UINT64:
      size = t.uint64_data_size();
      break;
    case onnx::TensorProto::STRING:
      size = t.string_data_size();
      break;
    default:
      size = t.int32_data_size();
  }
  int64_t typed = t.float_data_size() + t.int64_data_size() + t.double_data_size() +
                  t.uint64_data_size() + t.string_data_size() + t.int32_data_size();
  if (t.has_raw_data()) {
    static const std::map<int, int64_t> kBytes = {
        {onnx::TensorProto::FLOAT, 4},    {onnx::TensorProto::INT64, 8},
        {onnx::TensorProto::INT32, 4},    {onnx::TensorProto::DOUBLE, 8},
        {onnx::TensorProto::INT8, 1},     {onnx::TensorProto::UINT8, 1},
        {onnx::TensorProto::BOOL, 1},     {onnx::TensorProto::INT16, 2},
        {onnx::TensorProto::UINT16, 2},   {onnx::TensorProto::FLOAT16, 2},
        {onnx::TensorProto::BFLOAT16, 2}, {onnx::TensorProto::UINT32, 4},
        {onnx::TensorProto::UINT64, 8}};
    auto it = kBytes.find(t.data_type());
    return typed == 0 && it != kBytes.end() &&
           static_cast<int64_t>(t.raw_data().size()) == n * it->second;
  }
  return typed == size && (size == n || (size == 0 && n == 0));
}

// A copy of the model that libonnx can infer safely: initializers whose data was skipped (large
// weights), is external or is inconsistent become typed graph inputs (inference needs only
// their shapes); a Constant node with inconsistent data is an error.
onnx::ModelProto inference_copy(const onnx::ModelProto& model, const std::string& name) {
  onnx::ModelProto copy = model;
  onnx::GraphProto& g = *copy.mutable_graph();
  std::set<std::string> inputs;
  for (const auto& v : g.input()) inputs.insert(v.name());
  google::protobuf::RepeatedPtrField<onnx::TensorProto> kept;
  for (auto& t : *g.mutable_initializer()) {
    if (t.data_location() != onnx::TensorProto::EXTERNAL && data_consistent(t)) {
      kept.Add()->Swap(&t);
      continue;
    }
    if (inputs.count(t.name())) continue;
    onnx::ValueInfoProto* v = g.add_input();
    v->set_name(t.name());
    auto* tensor = v->mutable_type()->mutable_tensor_type();
    tensor->set_elem_type(t.data_type());
    auto* shape = tensor->mutable_shape();
    for (int64_t d : t.dims()) shape->add_dim()->set_dim_value(d);
  }
  g.mutable_initializer()->Swap(&kept);
  for (const auto& node : g.node())
    if (node.op_type() == "Constant")
      for (const auto& a : node.attribute())
        if (a.has_t() && !data_consistent(a.t()))
          throw Error(name + ": Constant node '" + node.name() +
                      "' holds data that does not match its type and shape");
  return copy;
}

// libonnx's inference functions index inputs and attributes without checking them, so each node
// with a known schema is verified first (input/output counts, attribute types), and convolutions
// and pools get the rank checks their inference assumes.
void verify_nodes(const onnx::ModelProto& model, const std::string& name) {
  std::map<std::string, int> opset;
  for (const auto& o : model.opset_import())
    opset[o.domain() == "ai.onnx" ? "" : o.domain()] = static_cast<int>(o.version());
  std::map<std::string, int> rank;
  const auto& g = model.graph();
  for (const auto& t : g.initializer()) rank[t.name()] = t.dims_size();
  for (const auto* list : {&g.input(), &g.value_info()})
    for (const auto& v : *list)
      if (v.type().tensor_type().has_shape())
        rank[v.name()] = v.type().tensor_type().shape().dim_size();
  for (int i = 0; i < g.node_size(); ++i) {
    const auto& n = g.node(i);
    std::string label = "node '" + (n.name().empty() ? "#" + std::to_string(i) : n.name()) + "' (" +
                        n.op_type() + ")";
    auto version = opset.find(n.domain() == "ai.onnx" ? "" : n.domain());
    if (version == opset.end()) continue;  // no opset for its domain: unsupported, not inferred
    const onnx::OpSchema* schema =
        onnx::OpSchemaRegistry::Schema(n.op_type(), version->second, n.domain());
    if (!schema) continue;
    try {
      schema->Verify(n);
    } catch (const std::exception& e) {
      std::string what = e.what();
      if (auto nl = what.find('\n'); nl != std::string::npos) what.resize(nl);
      throw Error(name + ": invalid " + label + ": " + what);
    }
    const std::string& op = n.op_type();
    bool conv = op == "Conv" || op == "ConvTranspose" || op == "ConvInteger" || op == "QLinearConv";
    bool pool = op.find("Pool") != std::string::npos;
    if (!conv && !pool) continue;
    auto known = [&](int k) {
      return k < n.input_size() && rank.count(n.input(k)) ? rank.at(n.input(k)) : -1;
    };
    int x = known(0), w = conv ? known(op == "QLinearConv" ? 3 : 1) : -1;
    if ((x >= 0 && x < 3) || (w >= 0 && w < 3) || (x >= 0 && w >= 0 && x != w))
      throw Error(name + ": inconsistent shapes: " + label + " needs [N, C, spatial...] input" +
                  " and a weight of the same rank");
    for (const char* attr : {"kernel_shape", "strides", "dilations"})
      for (const auto& a : n.attribute())
        if (a.name() == attr && x >= 0 && a.ints_size() != x - 2)
          throw Error(name + ": inconsistent shapes: " + label + " attribute " + attr +
                      " does not match the input rank");
  }
}

// libonnx 1.12's shape inference functions crash (rather than throw) on some malformed graphs
// (e.g. a Conv whose inferred input rank differs from its weight's), so inference runs in a forked
// child: the parent gets the inferred model back through a pipe, or one error line when the child
// failed. Returns the inference error message ("" on success; the model then holds the result).
std::string run_inference_isolated(onnx::ModelProto& model, int error_mode,
                                   const std::string& name) {
  int fds[2];
  if (::pipe(fds) != 0) throw Error(name + ": cannot create a pipe", ErrorKind::Failure);
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw Error(name + ": cannot fork for shape inference", ErrorKind::Failure);
  }
  if (pid == 0) {
    ::close(fds[0]);
    // A crash here is the parent's error to report, not a crash of the program: drop inherited
    // crash handlers (sanitizers, fuzzers) so the child just dies.
    for (int sig : {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL}) std::signal(sig, SIG_DFL);
    std::string out;
    try {
      onnx::ShapeInferenceOptions options(/*check_type=*/false, error_mode,
                                          /*enable_data_propagation=*/true);
      onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), options);
      out = "K" + model.SerializeAsString();
    } catch (const std::exception& e) {
      out = std::string("E") + e.what();
    }
    for (size_t done = 0; done < out.size();) {
      ssize_t n = ::write(fds[1], out.data() + done, out.size() - done);
      if (n <= 0) ::_exit(3);
      done += static_cast<size_t>(n);
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string result;
  char buffer[65536];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    result.append(buffer, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || result.empty())
    throw Error(name + ": malformed model: ONNX shape inference failed on it" +
                (WIFSIGNALED(status) ? " (signal " + std::to_string(WTERMSIG(status)) + ")" : ""));
  if (result[0] == 'E') return result.substr(1).empty() ? "unknown error" : result.substr(1);
  if (!model.ParseFromString(result.substr(1)))
    throw Error(name + ": shape inference returned a malformed model", ErrorKind::Failure);
  return "";
}

}  // namespace

ShapeMap infer_shapes(onnx::ModelProto& original, const std::string& name) {
  verify_nodes(original, name);
  onnx::ModelProto model = inference_copy(original, name);
  // Strict inference first so that inconsistent shapes are reported; exporters often write
  // element types that disagree with inference, which says nothing about shapes, so a type-only
  // complaint falls back to lenient inference.
  for (int error_mode : {1, 0}) {
    std::string what = run_inference_isolated(model, error_mode, name);
    if (what.empty()) break;
    if (auto nl = what.find('\n'); nl != std::string::npos) what.resize(nl);
    bool type_only = what.find("TypeInferenceError") != std::string::npos &&
                     what.find("ShapeInferenceError] Incompatible") == std::string::npos &&
                     what.find("dimension") == std::string::npos;
    if (error_mode == 0 || !type_only) throw Error(name + ": inconsistent shapes: " + what);
  }
  ShapeMap shapes;
  const auto& graph = model.graph();
  for (const auto& v : graph.input()) collect(v, shapes);
  for (const auto& v : graph.value_info()) collect(v, shapes);
  for (const auto& v : graph.output()) collect(v, shapes);
  for (const auto& t : original.graph().initializer()) {
    ValueShape vs;
    vs.known = true;
    vs.elem_type = t.data_type();
    vs.dims.assign(t.dims().begin(), t.dims().end());
    shapes[t.name()] = std::move(vs);
  }
  return shapes;
}

}  // namespace tessera::model::onnx_import
