// The engine plugs in like a backend (STYLE.md example 8): a Backend says which nodes it
// supports, prepares a Plan for a graph (buffers, weights, steps) and executes it. A listener
// observes every step of execute; the profiler is such a listener and never edits kernels.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/model/graph.h"
#include "tessera/run/nlp_opt.h"
#include "tessera/run/weights.h"

namespace tessera::run {

struct PrepareOptions {
  int threads = 1;
  OptOptions opt;
  uint64_t seed = 1;                     // weights and inputs when no file gives them
  std::shared_ptr<WeightStore> weights;  // shared between plans (decode steps); made if null
  double memory_limit_bytes = 0;         // 0 = 80% of physical memory
};

// One unit of execution: a node of the graph or a fused NLP-Opt block of several nodes.
struct Step {
  std::string name;
  std::string role;                  // role name (role.h) or "attention_block"/"ffn_block"
  std::vector<model::NodeId> nodes;  // graph nodes it covers
  int64_t flops = 0;                 // dense FLOPs of the covered nodes (MAC = 2 FLOPs)
  std::function<void()> run;
};

class ExecutionListener {
 public:
  virtual ~ExecutionListener() = default;
  virtual void on_step_begin(const Step& step, size_t index) = 0;
  virtual void on_step_end(const Step& step, size_t index) = 0;
};

struct Buffer;  // aligned float storage, private to the backend

class Plan {
 public:
  explicit Plan(model::Graph graph);
  ~Plan();
  Plan(const Plan&) = delete;
  Plan& operator=(const Plan&) = delete;

  const model::Graph& graph() const { return graph_; }
  const std::vector<Step>& steps() const { return steps_; }
  float* data(model::TensorId id);
  const float* data(model::TensorId id) const;
  int64_t activation_bytes() const { return activation_bytes_; }
  const OptStats& stats() const { return stats_; }
  void reset_stats() {
    stats_ = {};
    stats_.threads = threads_;
  }

 private:
  friend class CpuBackend;
  friend class PlanBuilder;
  model::Graph graph_;
  std::vector<Step> steps_;
  std::vector<std::unique_ptr<Buffer>> buffers_;
  std::vector<float*> tensor_data_;  // per tensor id; null when not materialised
  std::shared_ptr<WeightStore> weights_;
  int64_t activation_bytes_ = 0;
  int threads_ = 1;
  OptStats stats_;
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string_view name() const = 0;
  virtual bool supports(const model::Graph& graph, const model::Node& node) const = 0;
  // Throws tessera::Error naming the first unsupported node, or the memory it would need when
  // that exceeds the limit.
  virtual std::unique_ptr<Plan> prepare(const model::Graph& graph,
                                        const PrepareOptions& options) = 0;
  virtual void execute(Plan& plan, ExecutionListener* listener = nullptr) = 0;
};

// The fp32 CPU backend: op by op (the framework baseline) or with NLP-Opt blocks.
std::unique_ptr<Backend> make_cpu_backend();

}  // namespace tessera::run
