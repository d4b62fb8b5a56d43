// Static values of an ONNX model for the engine (issue #7: exported models run with their own
// values). The importer keeps a graph's data flow but not the integer operands that steer data
// movement (Slice starts, Gather indices, the causal mask a Trilu builds, Cast targets); the
// engine recovers them here: the file's constants, plus a small evaluator over the nodes whose
// inputs are all static (shape arithmetic, Trilu, Where, Range, ...), with Shape taken from the
// imported graph's tensor shapes so that bound dimensions (--dim seq=16) are respected.
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

// Static values held as doubles (shape vectors, masks cut to the sequence): 4 Mi elements.
constexpr int64_t kMaxStaticElements = int64_t{1} << 22;

// A large integer/bool constant (a [4096, 4096] causal-mask buffer: 16 Mi elements) kept as the
// file's little-endian bytes, 1-8 per element, rather than as 8-byte doubles.
struct PackedInts {
  std::string bytes;
  int element_bytes = 1;  // 1 (bool, int8, uint8), 2 (int16), 4 (int32) or 8 (int64)
  bool is_unsigned = false;
  double at(int64_t i) const;
};

struct StaticValue {
  std::vector<int64_t> dims;
  std::vector<double> data;  // empty when `packed` holds the values
  bool integer = false;      // integer or bool dtype: division truncates
  std::shared_ptr<const PackedInts> packed;
  int64_t elements() const;
  double at(int64_t i) const { return packed ? packed->at(i) : data.at(static_cast<size_t>(i)); }
};

// One ONNX node as the engine needs it: op type, input value names, integer attributes.
struct OnnxNodeInfo {
  std::string op_type;
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::map<std::string, std::vector<int64_t>> ints;  // INT and INTS attributes
  std::map<std::string, StaticValue> tensors;        // TENSOR attributes (Constant, ...)
  std::map<std::string, std::string> strings;        // STRING attributes (Einsum equation)
  std::map<std::string, double> floats;              // FLOAT attributes (epsilon)
};

class OnnxStatics {
 public:
  // `nodes` in topological order with the importer's node names; `constants` the initializers
  // (small FLOAT ones and every integer/bool one) by value name; `shapes` of the file's values;
  // `too_large`: initializers left out for their size, with a line saying so.
  OnnxStatics(std::vector<std::pair<std::string, OnnxNodeInfo>> nodes,
              std::map<std::string, StaticValue> constants,
              std::map<std::string, std::vector<int64_t>> shapes,
              std::map<std::string, std::string> too_large = {});

  // Every value computable from constants and the graph's shapes, by name. Values are held as
  // doubles up to kMaxStaticElements; larger integer constants stay packed and are read only
  // through views (Slice, Gather, reshapes), so they are not in the result; `too_large` (when
  // given) gets, for each value left out for its size, a line saying so.
  std::map<std::string, StaticValue> evaluate(
      const model::Graph& graph, std::map<std::string, std::string>* too_large = nullptr) const;
  const OnnxNodeInfo* node(const std::string& name) const;
  // Whether a node of `op_type` feeds `node` within `depth` producer hops (the tanh form of a
  // GELU the importer fused into one op).
  bool has_ancestor(const std::string& node, const std::string& op_type, int depth) const;
  // The nearest node of `op_type` feeding `node` within `depth` hops (breadth first), with its
  // name; null when none.
  const std::pair<std::string, OnnxNodeInfo>* find_ancestor(const std::string& node,
                                                            const std::string& op_type,
                                                            int depth) const;
  // A value's shape after dimension binding and shape inference; null when unknown.
  const std::vector<int64_t>* shape(const std::string& value) const;

 private:
  std::vector<std::pair<std::string, OnnxNodeInfo>> nodes_;
  std::map<std::string, size_t> index_;
  std::map<std::string, size_t> producer_;  // value name -> node index
  std::map<std::string, StaticValue> constants_;
  std::map<std::string, std::vector<int64_t>> shapes_;
  std::map<std::string, std::string> too_large_;
};

// The names of an ONNX file's graph outputs, in order (the imported graph names its output
// tensors after the producing nodes).
std::vector<std::string> onnx_output_names(const model::OnnxFile& file);

// The static part of `file` (the file `graph` was imported from), prepared as the importer
// does with the dimension bindings recorded in graph.config. Integer/bool initializers the
// reader left in the file are read from it, packed. Throws tessera::Error for unreadable data.
std::shared_ptr<const OnnxStatics> read_onnx_statics(const model::OnnxFile& file,
                                                     const model::Graph& graph);

}  // namespace tessera::run
