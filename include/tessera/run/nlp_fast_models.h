// The three model structures of NLP-Fast (002 Table I, base sizes of Table IV) recorded with
// model::GraphBuilder, with the roles NLP-Perf breaks time down by (Table II). The engine's
// tests and benches use them so they do not depend on the zoo's choices; `tessera run` takes
// zoo names as well.
#pragma once

#include <cstdint>

#include "tessera/model/graph.h"

namespace tessera::run {

struct NlpFastConfig {
  int64_t layers = 1;
  int64_t seq = 256;      // s (MemNet: n_s memory slots)
  int64_t hidden = 1024;  // d_H
  int64_t heads = 16;
  int64_t ffn = 4096;  // d_FF
  int64_t batch = 1;
  int64_t queries = 1;  // MemNet: questions per batch
  int64_t hops = 3;     // MemNet
};

// BERT encoder layers: Q/K/V-Gen, dot product, scale, softmax, weighted sum, attention FC,
// residual, layernorm, linear-1, GELU, linear-2, residual, layernorm.
model::Graph build_bert(const NlpFastConfig& config);
// Transformer encoder-decoder: `layers` encoder and `layers` decoder layers (ReLU; the decoder
// has self-attention and encoder-decoder attention whose K/V come from the encoder output).
model::Graph build_transformer(const NlpFastConfig& config);
// End-to-end memory network: `hops` attention hops of queries over the memory (no projections).
model::Graph build_memnet(const NlpFastConfig& config);

}  // namespace tessera::run
