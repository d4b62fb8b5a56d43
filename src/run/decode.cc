#include "tessera/run/decode.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>

#include "run/blocks.h"
#include "tessera/core/error.h"
#include "tessera/core/rng.h"
#include "tessera/model/zoo.h"

namespace tessera::run {
namespace {

using model::Graph;
using model::NodeId;
using model::Role;
using model::TensorId;

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// A cache tensor [B, h, context, dh] of the step graph, and the projection output that holds
// the new token's row ([B, 1, h*dh]).
struct CacheLink {
  TensorId cache = -1, fresh = -1;
  NodeId fresh_producer = -1;
};

std::vector<CacheLink> link_caches(const Graph& g) {
  auto consumers = consumers_of(g);
  std::map<std::pair<int32_t, Role>, TensorId> fresh;  // (layer, K/V) -> new row
  for (TensorId out : g.outputs) {
    NodeId p = g.tensor(out).producer;
    if (p < 0) continue;
    const model::Node& n = g.nodes[static_cast<size_t>(p)];
    if (n.role == Role::KeyProjection || n.role == Role::ValueProjection)
      fresh[{n.layer, n.role}] = out;
  }
  std::vector<CacheLink> links;
  for (size_t t = 0; t < g.tensors.size(); ++t) {
    if (g.tensors[t].tensor_class != model::TensorClass::KvCache) continue;
    for (NodeId c : consumers[t]) {
      const model::Node& n = g.nodes[static_cast<size_t>(c)];
      Role role = n.role == Role::AttentionScore     ? Role::KeyProjection
                  : n.role == Role::AttentionContext ? Role::ValueProjection
                                                     : Role::Other;
      auto it = fresh.find({n.layer, role});
      if (it == fresh.end()) continue;
      links.push_back({static_cast<TensorId>(t), it->second, g.tensor(it->second).producer});
      break;
    }
  }
  return links;
}

class CacheWriter : public ExecutionListener {
 public:
  CacheWriter(Plan& plan, const std::vector<CacheLink>& links,
              std::map<std::string, std::vector<float>>& store, int64_t position, int64_t capacity)
      : plan_(plan), links_(links), store_(store), position_(position), capacity_(capacity) {}
  void on_step_begin(const Step&, size_t) override {}
  void on_step_end(const Step& step, size_t) override {
    for (const CacheLink& link : links_) {
      if (std::find(step.nodes.begin(), step.nodes.end(), link.fresh_producer) == step.nodes.end())
        continue;
      const Graph& g = plan_.graph();
      const model::Shape& s = g.tensor(link.cache).shape;  // [B, h, context, dh]
      int64_t batch = s[0], heads = s[1], context = s[2], dh = s[3];
      const float* row = plan_.data(link.fresh);  // [B, 1, h*dh]
      float* cache = plan_.data(link.cache);
      std::vector<float>& kept = store_[g.tensor(link.cache).name];
      for (int64_t b = 0; b < batch; ++b)
        for (int64_t h = 0; h < heads; ++h) {
          const float* src = row + (b * heads + h) * dh;
          std::memcpy(cache + ((b * heads + h) * context + position_) * dh, src,
                      sizeof(float) * dh);
          std::memcpy(kept.data() + ((b * heads + h) * capacity_ + position_) * dh, src,
                      sizeof(float) * dh);
        }
    }
  }

 private:
  Plan& plan_;
  const std::vector<CacheLink>& links_;
  std::map<std::string, std::vector<float>>& store_;
  int64_t position_, capacity_;
};

// The KV cache grows to `capacity` tokens: refuse, with the number, before allocating any of it
// when it cannot fit in 80% of physical memory (the engine's limit for one plan).
void check_cache_fits(const model::ModelHandle& handle, int64_t capacity, const std::string& spec) {
  Graph first = handle.build_decode_step(1);
  double bytes = 0;
  for (const CacheLink& link : link_caches(first)) {
    const model::Shape& s = first.tensor(link.cache).shape;
    bytes += static_cast<double>(s[0]) * static_cast<double>(s[1]) * static_cast<double>(s[3]) *
             static_cast<double>(capacity) * 4.0;
  }
  double limit = 0.8 * static_cast<double>(sysconf(_SC_PHYS_PAGES)) *
                 static_cast<double>(sysconf(_SC_PAGE_SIZE));
  if (bytes > limit)
    throw Error(
        fmt::format("model '{}': a KV cache of {} tokens needs {:.1f} GiB but only {:.1f} "
                    "GiB may be used",
                    spec, capacity, bytes / 1073741824.0, limit / 1073741824.0));
}

}  // namespace

DecodeResult decode(const std::string& spec, const DecodeOptions& o) {
  if (o.prompt < 1 || o.generate < 1)
    throw Error("decode: --prompt and --generate must be at least 1");
  model::ModelHandle handle = model::resolve_model(spec);
  if (!handle.is_decoder())
    throw Error("model '" + spec + "' is not an autoregressive decoder (no KV-cache decode step)");
  int64_t capacity = o.prompt + o.generate;
  // Past its position-embedding rows a decoder's positions would wrap around (the embedding
  // kernel takes ids modulo the table): refuse instead of generating meaningless tokens for hours.
  if (handle.params.declares("positions") && capacity > handle.params.get_int("positions"))
    throw Error("model '" + spec + "': --prompt + --generate = " + std::to_string(capacity) +
                " tokens exceed its " + std::to_string(handle.params.get_int("positions")) +
                " positions");
  check_cache_fits(handle, capacity, spec);
  DecodeResult result;
  result.model = spec;
  result.prompt = o.prompt;
  result.generate = o.generate;
  set_flush_denormals(o.run.threads);
  auto backend = make_cpu_backend();
  PrepareOptions prepare;
  prepare.threads = o.run.threads;
  prepare.opt = o.run.opt;
  prepare.weights = std::make_shared<WeightStore>(o.run.seed);
  if (!o.run.weights_file.empty()) prepare.weights->load_file(o.run.weights_file);
  RandomStream prompt_tokens(o.run.seed, 0x70c3e5);
  std::map<std::string, std::vector<float>> store;
  int64_t next_token = -1;
  for (int64_t t = 1; t <= capacity; ++t) {
    Graph g = handle.build_decode_step(t);
    auto plan = backend->prepare(g, prepare);
    std::vector<CacheLink> links = link_caches(g);
    for (const CacheLink& link : links) {
      const model::Shape& s = g.tensor(link.cache).shape;
      int64_t rows = s[0] * s[1], dh = s[3];
      auto& kept = store[g.tensor(link.cache).name];
      kept.resize(static_cast<size_t>(rows * capacity * dh), 0.0f);
      float* cache = plan->data(link.cache);
      for (int64_t r = 0; r < rows; ++r)
        std::memcpy(cache + r * t * dh, kept.data() + r * capacity * dh,
                    sizeof(float) * static_cast<size_t>((t - 1) * dh));
    }
    int64_t vocab = 0;
    for (const model::Node& n : g.nodes)
      if (n.kind == model::OpKind::Embedding && g.tensor(n.inputs[0]).name == "input_ids")
        vocab = g.tensor(n.inputs[1]).shape[0];
    int64_t token = t <= o.prompt || next_token < 0
                        ? static_cast<int64_t>(prompt_tokens.below(
                              static_cast<uint64_t>(std::max<int64_t>(vocab, 1))))
                        : next_token;
    result.tokens.push_back(token);
    for (TensorId in : g.inputs) {
      const std::string& name = g.tensor(in).name;
      float value = name == "input_ids"      ? static_cast<float>(token)
                    : name == "position_ids" ? static_cast<float>(t - 1)
                                             : 0.0f;
      if (name == "input_ids" || name == "position_ids")
        std::fill(plan->data(in), plan->data(in) + g.tensor(in).elements(), value);
    }
    CacheWriter writer(*plan, links, store, t - 1, capacity);
    double start = now_s();
    backend->execute(*plan, &writer);
    double elapsed = now_s() - start;
    result.step_s.push_back(elapsed);
    (t <= o.prompt ? result.prefill_s : result.decode_s) += elapsed;
    // Greedy choice from the logits of the first sequence (the last output).
    TensorId logits = g.outputs.back();
    int64_t width = g.tensor(logits).shape.back();
    const float* l = plan->data(logits);
    next_token = std::max_element(l, l + width) - l;
    result.last_logits.assign(l, l + width);
  }
  result.tokens.resize(static_cast<size_t>(capacity));
  for (auto& [name, kept] : store) result.cache_bytes += static_cast<int64_t>(kept.size()) * 4;
  result.tokens_per_s = result.decode_s > 0 ? static_cast<double>(o.generate) / result.decode_s : 0;
  return result;
}

}  // namespace tessera::run
