// Model inputs and outputs as JSON files, so that `tessera run model.onnx --inputs in.json
// --save-outputs out.json` can be compared with a framework running the same file (issue #7:
// exported models computed as the framework computes them). The format is the one
// tests/fixtures/onnx/make_torch.py writes: {"inputs": {NAME: {"shape": [..], "data": [..]}}}
// (a bare {NAME: ...} map is read too); outputs are written as {"outputs": {NAME: ...}}.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::run {

struct NamedTensor {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> data;  // row-major; integer inputs (token ids, masks) as their values
};

// Throws tessera::Error (one line naming the file and tensor) for unreadable or malformed files
// and for data whose length is not the shape's element count.
std::vector<NamedTensor> read_tensors_json(const std::string& path);
// {"outputs": {NAME: {"shape": [..], "data": [..]}}} with `key` in place of "outputs".
std::string tensors_json(const std::vector<NamedTensor>& tensors, const std::string& key);

}  // namespace tessera::run
