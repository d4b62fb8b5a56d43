#include "model/onnx/onnx_view.h"

#include <cctype>
#include <cstring>
#include <deque>
#include <limits>

#include "tessera/core/error.h"

namespace tessera::model::onnx_import {
namespace {

bool is_float_type(int32_t type) {
  return type == onnx::TensorProto::FLOAT || type == onnx::TensorProto::FLOAT16 ||
         type == onnx::TensorProto::BFLOAT16 || type == onnx::TensorProto::DOUBLE;
}

int64_t tensor_elements(const onnx::TensorProto& t) {
  int64_t n = 1;
  for (int64_t d : t.dims()) n = (d < 0 || n > (int64_t{1} << 50)) ? -1 : n * d;
  return n;
}

// Ops that only relabel or copy a tensor: applied to a weight they are weight preprocessing
// that any runtime folds offline.
bool is_view_op(const std::string& op) {
  return op == "Transpose" || op == "Reshape" || op == "Cast" || op == "Squeeze" ||
         op == "Unsqueeze" || op == "Flatten" || op == "Identity" || op == "Dropout";
}

// Ops whose output is known without the values of their inputs.
bool is_static_source(const std::string& op) {
  return op == "Shape" || op == "Size" || op == "Constant" || op == "ConstantOfShape";
}

// A weight is a parameter only where some op uses it as one: BatchNorm running statistics are
// buffers (frameworks do not count them), also when exporters route them through Identity
// copies or de-duplicate them with equal-valued parameters.
bool used_as_weight(const GraphView& view, const std::string& name, int depth = 0) {
  auto it = view.consumers.find(name);
  if (it == view.consumers.end() || depth > 8) return false;
  for (int c : it->second) {
    const onnx::NodeProto& n = *view.nodes[static_cast<size_t>(c)];
    if (n.op_type() == "BatchNormalization") {
      for (int i = 0; i < 3 && i < n.input_size(); ++i)
        if (n.input(i) == name) return true;
    } else if (is_view_op(n.op_type()) && n.output_size() > 0 &&
               view.cls(n.output(0)) == ValueClass::Weight) {
      if (used_as_weight(view, n.output(0), depth + 1)) return true;
    } else {
      return true;
    }
  }
  return false;
}

void mark_unused_weights(GraphView& view) {
  std::vector<std::string> unused;
  for (const auto& [name, cls] : view.value_class)
    if (cls == ValueClass::Weight && !used_as_weight(view, name)) unused.push_back(name);
  for (const auto& name : unused) view.value_class[name] = ValueClass::Static;
}

}  // namespace

ValueClass GraphView::cls(const std::string& name) const {
  auto it = value_class.find(name);
  return it == value_class.end() ? ValueClass::Activation : it->second;
}

const ValueShape* GraphView::shape(const std::string& name) const {
  auto it = shapes->find(name);
  return it == shapes->end() || !it->second.known ? nullptr : &it->second;
}

int64_t GraphView::elements(const std::string& name) const {
  const ValueShape* s = shape(name);
  if (!s) return -1;
  int64_t n = 1;
  for (int64_t d : s->dims) {
    if (d > 0 && n > std::numeric_limits<int64_t>::max() / d) return -1;  // absurd: unknown
    n *= d;
  }
  return n;
}

std::optional<double> GraphView::scalar(const std::string& name) const {
  auto it = constants.find(name);
  if (it == constants.end()) return std::nullopt;
  const onnx::TensorProto& t = *it->second;
  if (tensor_elements(t) != 1) return std::nullopt;
  if (t.float_data_size() == 1) return t.float_data(0);
  if (t.double_data_size() == 1) return t.double_data(0);
  if (t.int64_data_size() == 1) return static_cast<double>(t.int64_data(0));
  if (t.int32_data_size() == 1 && t.data_type() != onnx::TensorProto::FLOAT16)
    return t.int32_data(0);
  const std::string& raw = t.raw_data();
  auto read = [&](auto v) -> std::optional<double> {
    if (raw.size() != sizeof(v)) return std::nullopt;
    std::memcpy(&v, raw.data(), sizeof(v));
    return static_cast<double>(v);
  };
  switch (t.data_type()) {
    case onnx::TensorProto::FLOAT:
      return read(float{});
    case onnx::TensorProto::DOUBLE:
      return read(double{});
    case onnx::TensorProto::INT64:
      return read(int64_t{});
    case onnx::TensorProto::INT32:
      return read(int32_t{});
    default:
      return std::nullopt;
  }
}

std::string GraphView::node_name(int index) const {
  const onnx::NodeProto& n = *nodes.at(static_cast<size_t>(index));
  return n.name().empty() ? n.op_type() + "_" + std::to_string(index) : n.name();
}

const onnx::AttributeProto* find_attr(const onnx::NodeProto& node, const std::string& name) {
  for (const auto& a : node.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}
int64_t attr_int(const onnx::NodeProto& node, const std::string& name, int64_t fallback) {
  const auto* a = find_attr(node, name);
  return a && a->type() == onnx::AttributeProto::INT ? a->i() : fallback;
}
std::vector<int64_t> attr_ints(const onnx::NodeProto& node, const std::string& name) {
  const auto* a = find_attr(node, name);
  if (!a) return {};
  return {a->ints().begin(), a->ints().end()};
}
std::string attr_string(const onnx::NodeProto& node, const std::string& name) {
  const auto* a = find_attr(node, name);
  return a && a->type() == onnx::AttributeProto::STRING ? a->s() : "";
}

void normalize_graph(onnx::GraphProto& graph, const std::string& model_name) {
  auto fail = [&](const std::string& what) { throw Error(model_name + ": " + what); };
  auto node_label = [&](int i) {
    const auto& n = graph.node(i);
    return "node '" + (n.name().empty() ? "#" + std::to_string(i) : n.name()) + "'";
  };
  std::unordered_set<std::string> defined;
  for (const auto& t : graph.initializer())
    if (!defined.insert(t.name()).second) fail("initializer '" + t.name() + "' is defined twice");
  for (const auto& v : graph.input()) {
    if (!v.type().has_tensor_type())
      fail("graph input '" + v.name() + "' is not a tensor (no tensor type)");
    defined.insert(v.name());
  }
  std::unordered_map<std::string, int> producer;
  for (int i = 0; i < graph.node_size(); ++i) {
    const auto& n = graph.node(i);
    if (n.op_type().empty()) fail(node_label(i) + " has no op_type");
    for (char ch : n.op_type())
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_')
        fail(node_label(i) + " has an invalid op_type");
    for (const auto& out : n.output()) {
      if (out.empty()) continue;
      if (defined.count(out) || !producer.emplace(out, i).second)
        fail("value '" + out + "' is defined twice (" + node_label(i) + ")");
    }
  }
  for (int i = 0; i < graph.node_size(); ++i)
    for (const auto& in : graph.node(i).input())
      if (!in.empty() && !defined.count(in) && !producer.count(in))
        fail(node_label(i) + " (" + graph.node(i).op_type() + ") uses undefined value '" + in +
             "'");
  // Kahn's algorithm, stable in file order.
  const int count = graph.node_size();
  std::vector<int> pending(static_cast<size_t>(count), 0);
  std::vector<std::vector<int>> users(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i)
    for (const auto& in : graph.node(i).input()) {
      auto p = in.empty() || defined.count(in) ? producer.end() : producer.find(in);
      if (p == producer.end()) continue;
      ++pending[static_cast<size_t>(i)];
      users[static_cast<size_t>(p->second)].push_back(i);
    }
  std::deque<int> ready;
  for (int i = 0; i < count; ++i)
    if (pending[static_cast<size_t>(i)] == 0) ready.push_back(i);
  std::vector<int> order;
  while (!ready.empty()) {
    int i = ready.front();
    ready.pop_front();
    order.push_back(i);
    for (int u : users[static_cast<size_t>(i)])
      if (--pending[static_cast<size_t>(u)] == 0) ready.push_back(u);
  }
  if (static_cast<int>(order.size()) != count) fail("the graph has a cycle");
  bool sorted = true;
  for (int i = 0; i < count; ++i) sorted = sorted && order[static_cast<size_t>(i)] == i;
  if (sorted) return;
  google::protobuf::RepeatedPtrField<onnx::NodeProto> nodes;
  for (int i : order) *nodes.Add() = graph.node(i);
  graph.mutable_node()->Swap(&nodes);
}

GraphView make_view(const onnx::GraphProto& graph, const ShapeMap& shapes,
                    const std::string& model_name) {
  GraphView view;
  view.shapes = &shapes;
  std::unordered_set<std::string> defined;
  for (const auto& t : graph.initializer()) {
    defined.insert(t.name());
    view.constants[t.name()] = &t;
    bool weight = is_float_type(t.data_type()) && tensor_elements(t) > 1;
    view.value_class[t.name()] = weight ? ValueClass::Weight : ValueClass::Static;
  }
  for (const auto& v : graph.input())
    if (!defined.count(v.name())) {
      defined.insert(v.name());
      view.value_class[v.name()] = ValueClass::Activation;
    }
  for (const auto& v : graph.output()) view.graph_outputs.insert(v.name());

  // Kahn's algorithm in file order: ONNX requires topological order, but not every tool obeys.
  const int count = graph.node_size();
  std::unordered_map<std::string, int> producer;
  for (int i = 0; i < count; ++i)
    for (const auto& out : graph.node(i).output())
      if (!out.empty()) producer[out] = i;
  std::vector<int> pending(static_cast<size_t>(count), 0);
  std::vector<std::vector<int>> users(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i)
    for (const auto& in : graph.node(i).input()) {
      if (in.empty() || defined.count(in)) continue;
      auto p = producer.find(in);
      if (p == producer.end())
        throw Error(
            model_name + ": node '" +
            (graph.node(i).name().empty() ? "#" + std::to_string(i) : graph.node(i).name()) +
            "' (" + graph.node(i).op_type() + ") uses undefined value '" + in + "'");
      ++pending[static_cast<size_t>(i)];
      users[static_cast<size_t>(p->second)].push_back(i);
    }
  std::deque<int> ready;
  for (int i = 0; i < count; ++i)
    if (pending[static_cast<size_t>(i)] == 0) ready.push_back(i);
  while (!ready.empty()) {
    int i = ready.front();
    ready.pop_front();
    view.nodes.push_back(&graph.node(i));
    for (int u : users[static_cast<size_t>(i)])
      if (--pending[static_cast<size_t>(u)] == 0) ready.push_back(u);
  }
  if (static_cast<int>(view.nodes.size()) != count)
    throw Error(model_name + ": the graph has a cycle");

  for (int i = 0; i < static_cast<int>(view.nodes.size()); ++i) {
    const onnx::NodeProto& node = *view.nodes[static_cast<size_t>(i)];
    bool all_static = true, any_weight = false, any_activation = false;
    for (const auto& in : node.input()) {
      if (in.empty()) continue;
      view.consumers[in].push_back(i);
      ValueClass c = view.cls(in);
      all_static = all_static && c == ValueClass::Static;
      any_weight = any_weight || c == ValueClass::Weight;
      any_activation = any_activation || c == ValueClass::Activation;
    }
    ValueClass out = ValueClass::Activation;
    if (is_static_source(node.op_type()) || all_static)
      out = ValueClass::Static;
    else if (is_view_op(node.op_type()) && any_weight && !any_activation)
      out = ValueClass::Weight;
    if (node.op_type() == "Constant") {
      const auto* value = find_attr(node, "value");
      if (value && value->has_t() && node.output_size() > 0)
        view.constants[node.output(0)] = &value->t();
    }
    for (const auto& o : node.output()) {
      if (o.empty()) continue;
      view.producer[o] = i;
      view.value_class[o] = out;
    }
  }
  mark_unused_weights(view);
  return view;
}

}  // namespace tessera::model::onnx_import
