// End-to-end memory network (Sukhbaatar et al., NeurIPS 2015) as NLP-Fast profiles it (002
// Sec. II-A, Table I: "multiple consecutive attention mechanisms followed by a simple
// fully-connected layer with softmax"; Table IV: n_s = 100M memory slots, d = 64).
//
// Per question batch of n_q questions (parameter `batch`):
//   u = mean of the question's word embeddings                      (Embedding)
//   each hop k: S = u M_in^k^T                [n_q, n_s]             (AttentionScore, "dot
//   product")
//               P = softmax(S)                                       (Softmax)
//               o = P M_out^k                 [n_q, d]               (AttentionContext, "weighted
//               sum") u = u + o                                            (Residual)
//   answer = softmax(u W)                     [n_q, vocab]           (Classifier)
// The memories are embedded once, offline (as in MnnFast/NLP-Fast, which stream pre-embedded
// memories): each hop reads M_in and M_out as stored state (TensorClass::KvCache), with the
// paper's adjacent weight tying M_in^{k+1} = M_out^k, so K hops read K+1 distinct memories.
#include "model/zoo/transformer_blocks.h"
#include "model/zoo/zoo_registry.h"
#include "tessera/core/error.h"

namespace tessera::model::zoo {
namespace {

constexpr int64_t kMaxHops = 1024;

std::vector<ParamSpec> memnet_params() {
  return {
      {"batch", "1", "questions answered together (n_q)"},
      {"memory", "100000000", "memory slots n_s (sentences in the knowledge base)"},
      {"d", "64", "embedding dimension d"},
      {"hops", "3", "attention hops over the memory (Sukhbaatar et al. use 3)"},
      {"question_words", "16", "words per question (bag-of-words embedding; assumed)"},
      {"vocab", "10000", "vocabulary: question embedding rows and answer classes (assumed)"},
  };
}

Graph build_memnet(const ModelParams& p) {
  const int64_t questions = p.get_int("batch");
  const int64_t slots = p.get_int("memory");
  const int64_t d = p.get_int("d");
  const int64_t hops = read_count(p, "hops", kMaxHops);
  const int64_t vocab = p.get_int("vocab");
  GraphBuilder b(p.model_name(), Domain::Transformer);
  TensorId words = b.input("question_ids", {questions, p.get_int("question_words")});

  b.set_layer(-1, "question.");
  TensorId embedded = b.embedding("embedding", words, vocab, d);
  Node mean;
  mean.name = "question.bag_of_words";
  mean.kind = OpKind::ReduceMean;
  mean.role = Role::Embedding;
  mean.inputs = {embedded};
  mean.axis = 1;
  NodeId mean_id = b.add_node(std::move(mean), {{questions, d}});
  TensorId u = b.graph().nodes[static_cast<size_t>(mean_id)].outputs[0];

  b.set_layer(0, "hop0.");
  TensorId memory_in = b.kv_cache("memory_in", {slots, d});
  for (int64_t k = 0; k < hops; ++k) {
    b.set_layer(static_cast<int32_t>(k), "hop" + std::to_string(k) + ".");
    TensorId memory_out = b.kv_cache("memory_out", {slots, d});
    TensorId scores = b.matmul("dot_product", Role::AttentionScore, u, memory_in,
                               /*transpose_b=*/true, 1);
    TensorId probs = b.softmax("softmax", scores);
    TensorId read = b.matmul("weighted_sum", Role::AttentionContext, probs, memory_out, false, 1);
    u = residual(b, "update", u, read);
    memory_in = memory_out;  // adjacent tying: this hop's output memory is the next one's input
  }

  b.set_layer(-1, "answer.");
  TensorId logits = b.linear("fc", Role::Classifier, u, vocab, /*bias=*/false);
  b.mark_output(b.softmax("softmax", logits, Role::Classifier));
  return std::move(b).finish();
}

}  // namespace

FamilyGroup memnet_families() {
  FamilyGroup group;
  ZooFamily f;
  f.name = "memnet";
  f.domain = Domain::Transformer;
  f.description = "End-to-end memory network: attention hops over pre-embedded memory (002)";
  f.params = memnet_params();
  f.build = build_memnet;
  group.families.push_back(std::move(f));
  // The family's defaults are NLP-Fast's base configuration. MemNet has no d_FF: no F-4x.
  group.presets = {
      {"memnet", "memnet", {}, "NLP-Fast base MemNet: n_s=100M slots, d=64 (002 Table IV)"},
      {"memnet-s4x", "memnet", {{"memory", "400000000"}}, "NLP-Fast MemNet S-4x: 4x n_s"},
      {"memnet-h4x", "memnet", {{"d", "256"}}, "NLP-Fast MemNet H-4x: 4x d"},
  };
  return group;
}

}  // namespace tessera::model::zoo
