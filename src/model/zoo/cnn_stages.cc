// cnn-stages: a CNN built from a stage table given by the user, in the form of 004 Table 1
// (one row per stage: operator, #OC, #L repeats, kernel, stride, SE ratio, activation), so an
// EfficientNet-X-like network can be written in a YAML model file (docs/models-cnn.md,
// examples/models/efficientnet-x-like.yaml). Width/depth multipliers scale it as compound
// scaling does (filters rounded to multiples of 8, repeats rounded up).
#include <yaml-cpp/yaml.h>

#include <set>

#include "model/zoo/cnn_blocks.h"
#include "model/zoo/cnn_families.h"
#include "tessera/core/error.h"

namespace tessera::model::zoo {
namespace {

using cnn::Act;

struct Stage {
  std::string op;
  int64_t out = 0, kernel = 1, stride = 1, repeats = 1, expand = 1;
  double se = 0;
  Act act = Act::Relu;
};

const std::set<std::string> kOps = {"conv", "mbconv", "fused_mbconv", "maxpool", "avgpool", "head"};
const std::set<std::string> kKeys = {"op",     "out", "kernel", "stride", "repeats",
                                     "expand", "se",  "act",    "name"};

int64_t stage_int(const YAML::Node& row, const std::string& key, int64_t fallback,
                  const std::string& what) {
  if (!row[key]) return fallback;
  return parse_positive_int(row[key].as<std::string>(), what + ": " + key);
}

Stage parse_stage(const YAML::Node& row, const std::string& what) {
  if (!row.IsMap()) throw Error(what + ": a stage must be a mapping like {op: mbconv, out: 24}");
  for (const auto& kv : row) {
    std::string key = kv.first.as<std::string>();
    if (!kKeys.count(key))
      throw Error(what + ": unknown key '" + key +
                  "' (expected op, out, kernel, stride, repeats, expand, se, act, name)");
  }
  Stage s;
  if (!row["op"]) throw Error(what + ": needs 'op'");
  s.op = row["op"].as<std::string>();
  if (!kOps.count(s.op))
    throw Error(what + ": unknown op '" + s.op +
                "' (expected conv, mbconv, fused_mbconv, maxpool, avgpool or head)");
  const bool needs_out = s.op == "conv" || s.op == "mbconv" || s.op == "fused_mbconv";
  if (needs_out && !row["out"]) throw Error(what + ": " + s.op + " needs 'out' channels");
  s.out = row["out"] ? stage_int(row, "out", 0, what) : 0;
  s.kernel = stage_int(row, "kernel", s.op == "head" ? 1 : 3, what);
  s.stride = stage_int(row, "stride", 1, what);
  s.repeats = stage_int(row, "repeats", 1, what);
  s.expand = stage_int(row, "expand", s.op == "conv" ? 1 : 6, what);
  if (row["se"]) {
    std::string text = row["se"].as<std::string>();
    char* end = nullptr;
    s.se = std::strtod(text.c_str(), &end);
    if (*end != '\0' || !(s.se >= 0 && s.se <= 1))
      throw Error(what + ": se must be a ratio in [0, 1], got '" + text + "'");
  }
  if (row["act"]) s.act = cnn::parse_act(row["act"].as<std::string>(), what);
  return s;
}

std::vector<Stage> parse_stages(const std::string& text, const std::string& model) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error(model + ": stages: malformed stage table: " + e.msg);
  }
  if (!root.IsSequence() || root.size() == 0)
    throw Error(model + ": stages must be a non-empty list of stage mappings");
  std::vector<Stage> stages;
  try {
    for (size_t i = 0; i < root.size(); ++i)
      stages.push_back(parse_stage(root[i], model + ": stages[" + std::to_string(i) + "]"));
  } catch (const YAML::Exception& e) {
    throw Error(model + ": stages: " + e.msg);
  }
  return stages;
}

Graph build_cnn_stages(const ModelParams& params) {
  const std::string& model = params.model_name();
  const int64_t batch = params.get_int("batch");
  const int64_t resolution = params.get_int("resolution");
  const int64_t classes = params.get_int("classes");
  const double width = cnn::positive_double(params, "width", 64);
  const double depth = cnn::positive_double(params, "depth", 64);
  std::vector<Stage> stages = parse_stages(params.get_string("stages"), model);

  GraphBuilder b(model, Domain::Cnn);
  TensorId x = b.input("image", {batch, 3, resolution, resolution});
  bool has_head = false;
  int32_t layer = 0;
  for (size_t s = 0; s < stages.size(); ++s) {
    const Stage& st = stages[s];
    const std::string stage_name = "stage" + std::to_string(s + 1);
    if (has_head) throw Error(model + ": " + stage_name + ": nothing may follow the head");
    const int64_t out = st.out > 0 ? cnn::round_filters(st.out, width) : 0;
    const int64_t repeats = st.op == "conv" || st.op == "mbconv" || st.op == "fused_mbconv"
                                ? cnn::round_repeats(st.repeats, depth)
                                : st.repeats;
    // Each block is a handful of graph nodes: a stage table asking for millions of them (or for
    // millions of channels) describes no network, only minutes of graph building.
    constexpr int64_t kMaxBlocks = 4096, kMaxChannels = int64_t{1} << 20;
    if (layer + repeats > kMaxBlocks)
      throw Error(model + ": " + stage_name + ": more than " + std::to_string(kMaxBlocks) +
                  " blocks in all (repeats " + std::to_string(repeats) + ")");
    if (out > kMaxChannels || out * st.expand > kMaxChannels)
      throw Error(model + ": " + stage_name + ": out x expand = " + std::to_string(out) + " x " +
                  std::to_string(st.expand) + " channels is absurdly large (limit 2^20)");
    for (int64_t i = 0; i < repeats; ++i) {
      b.set_layer(layer++, stage_name + "." + std::to_string(i) + ".");
      const int64_t stride = i == 0 ? st.stride : 1;
      if (st.op == "conv") {
        x = cnn::conv_bn_act(b, "conv", x, out, st.kernel, stride, st.act);
      } else if (st.op == "maxpool" || st.op == "avgpool") {
        PoolAttrs pool;
        pool.kernel_h = pool.kernel_w = st.kernel;
        pool.stride_h = pool.stride_w = stride;
        pool.pad_top = pool.pad_left = (st.kernel - 1) / 2;
        pool.pad_bottom = pool.pad_right = st.kernel / 2;
        x = b.pool("pool", st.op == "maxpool" ? OpKind::MaxPool : OpKind::AvgPool, x, pool);
      } else if (st.op == "head") {
        if (out > 0) x = cnn::conv_bn_act(b, "conv", x, out, 1, 1, st.act);
        b.set_layer(-1, "");
        x = cnn::classifier_head(b, x, classes);
        has_head = true;
        break;
      } else {
        const int64_t in = b.shape(x)[1];
        cnn::MbConvSpec spec;
        spec.out_channels = out;
        spec.expand_ratio = st.expand;
        spec.kernel = st.kernel;
        spec.stride = stride;
        spec.fused = st.op == "fused_mbconv";
        spec.act = st.act;
        spec.se_channels =
            st.se > 0 ? std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(in) * st.se))
                      : 0;
        x = cnn::mbconv(b, "mbconv", x, spec);
      }
    }
  }
  if (!has_head) {
    // No explicit head: the network ends with pooling and the classifier.
    b.set_layer(-1, "");
    x = cnn::classifier_head(b, x, classes);
  }
  b.mark_output(x);
  return std::move(b).finish();
}

}  // namespace

FamilyGroup cnn_stages_group() {
  ZooFamily family;
  family.name = "cnn-stages";
  family.domain = Domain::Cnn;
  family.description = "CNN from a stage table (conv/mbconv/fused_mbconv/pool/head rows)";
  family.params = cnn::image_model_params(
      "224",
      {
          {"stages", "", "list of stages: {op, out, kernel, stride, repeats, expand, se, act}"},
          {"width", "1.0", "width multiplier on every 'out' (rounded to multiples of 8)"},
          {"depth", "1.0", "depth multiplier on every 'repeats' (rounded up)"},
      });
  family.build = build_cnn_stages;
  FamilyGroup group;
  group.families.push_back(std::move(family));
  return group;
}

}  // namespace tessera::model::zoo
