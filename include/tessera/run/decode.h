// GPT-2-style autoregressive decoding with a KV cache (survey 001 Sec. 2.1.2; issue #7): each
// step runs the zoo's decode-step graph for one token; the new token's K and V rows are
// written into the per-layer caches as soon as their projections run, so the step attends to
// itself and every earlier token. The prompt is fed token by token, then tokens are chosen
// greedily (argmax of the logits).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tessera/run/engine.h"

namespace tessera::run {

struct DecodeOptions {
  int64_t prompt = 8;
  int64_t generate = 16;
  RunOptions run;  // threads, seed, opt; repeat is ignored
};

struct DecodeResult {
  std::string model;
  int64_t prompt = 0, generate = 0;
  double prefill_s = 0.0, decode_s = 0.0;  // wall time of the prompt steps / generated steps
  double tokens_per_s = 0.0;               // generated tokens per second of decode_s
  std::vector<double> step_s;              // per step
  std::vector<int64_t> tokens;             // prompt followed by the generated tokens
  int64_t cache_bytes = 0;                 // K and V caches at the end
  std::vector<float> last_logits;          // of the last step, first sequence
};

// Throws tessera::Error when the model is not a decoder or the sizes are bad.
DecodeResult decode(const std::string& spec, const DecodeOptions& options);

}  // namespace tessera::run
