// libFuzzer target for the ONNX loader (issue #3): any bytes must either load or fail with
// tessera::Error — no crash, no other exception, no hang, no unbounded allocation. Built with
// -DTESSERA_FUZZ=ON and clang (tests/fuzz/CMakeLists.txt); the seed corpus in tests/fuzz/corpus
// also runs through the loader in every normal build (tests/unit/onnx).
#include <cstddef>
#include <cstdint>

#include "tessera/core/error.h"
#include "tessera/model/onnx_import.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using tessera::model::LoadOptions;
  LoadOptions plain;
  LoadOptions with_seq;
  with_seq.dims["seq"] = 4;
  for (const LoadOptions* options : {&plain, &with_seq}) {
    try {
      tessera::model::import_onnx_bytes(data, size, "fuzz", *options, "/nonexistent");
    } catch (const tessera::Error&) {
    }
  }
  return 0;
}
