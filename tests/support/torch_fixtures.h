// The PyTorch-exported ONNX fixtures (tests/fixtures/onnx/make_torch.py, which imports
// make_torch_runtime.py) shared by the ONNX import tests and the runtime's PyTorch-reference
// tests. They are generated once per version of the scripts (a directory keyed by their sizes and
// times) and reused by every test process, since ctest runs each test in its own; a staging
// directory renamed into place makes concurrent generation safe.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace tessera::test_support {

// The fixture directory; it holds expected.json only when /usr/bin/python3 has torch and onnx
// (callers skip otherwise).
inline std::filesystem::path torch_fixture_dir() {
  namespace fs = std::filesystem;
  const std::string script = std::string(TESSERA_SOURCE_DIR) + "/tests/fixtures/onnx/make_torch.py";
  // make_torch.py imports make_torch_runtime.py: a change to either regenerates.
  const std::string runtime_script =
      std::string(TESSERA_SOURCE_DIR) + "/tests/fixtures/onnx/make_torch_runtime.py";
  std::error_code ec;
  auto stamp = fs::last_write_time(script, ec).time_since_epoch().count() ^
               fs::last_write_time(runtime_script, ec).time_since_epoch().count();
  auto size = fs::file_size(script, ec) + 100000 * fs::file_size(runtime_script, ec);
  fs::path dir =
      fs::temp_directory_path() / ("tessera_onnx_fixtures_" + std::to_string(::getuid()) + "_" +
                                   std::to_string(size) + "_" + std::to_string(stamp));
  if (!fs::exists(dir / "expected.json")) {
    fs::path staging = dir.string() + ".tmp" + std::to_string(::getpid());
    std::string command =
        "/usr/bin/python3 -c 'import torch, onnx' >/dev/null 2>&1 && /usr/bin/python3 " + script +
        " " + staging.string() + " >/dev/null 2>&1";
    if (fs::exists("/usr/bin/python3") && std::system(command.c_str()) == 0)
      fs::rename(staging, dir, ec);  // a concurrent process may have won: use its copy
    fs::remove_all(staging, ec);
  }
  return dir;
}

}  // namespace tessera::test_support
