// The full-size PyTorch exports (tests/fixtures/onnx/make_torch_fullsize.py: ResNet-50,
// MobileNetV2, EfficientNet-B0, ViT-B/16, BERT-base, GPT-2 small; about 1.8 GB, 80 s on two
// cores). Generated once per version of the script into a temporary directory keyed by its size
// and time and reused by every test process (ctest runs each test in its own). A lock file
// makes concurrent test processes wait for one generation instead of each running its own, and
// a new version removes the directories of older ones (they are large).
#pragma once

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace tessera::test_support {

// The directory; it holds expected.json only when /usr/bin/python3 has torch and onnx (callers
// skip otherwise).
inline std::filesystem::path fullsize_fixture_dir() {
  namespace fs = std::filesystem;
  const std::string script =
      std::string(TESSERA_SOURCE_DIR) + "/tests/fixtures/onnx/make_torch_fullsize.py";
  std::error_code ec;
  const std::string prefix = "tessera_onnx_fullsize_" + std::to_string(::getuid()) + "_";
  const std::string key =
      std::to_string(fs::file_size(script, ec)) + "_" +
      std::to_string(fs::last_write_time(script, ec).time_since_epoch().count());
  fs::path dir = fs::temp_directory_path() / (prefix + key);
  if (fs::exists(dir / "expected.json")) return dir;
  int lock =
      ::open((fs::temp_directory_path() / (prefix + "lock")).c_str(), O_CREAT | O_RDWR, 0600);
  if (lock >= 0) ::flock(lock, LOCK_EX);  // released when the descriptor is closed
  if (!fs::exists(dir / "expected.json")) {
    for (const auto& entry : fs::directory_iterator(fs::temp_directory_path(), ec)) {
      std::string name = entry.path().filename().string();
      if (name.rfind(prefix, 0) == 0 && name != prefix + "lock") fs::remove_all(entry.path(), ec);
    }
    fs::path staging = dir.string() + ".tmp" + std::to_string(::getpid());
    std::string command =
        "/usr/bin/python3 -c 'import torch, onnx' >/dev/null 2>&1 && /usr/bin/python3 " + script +
        " " + staging.string() + " >/dev/null 2>&1";
    if (fs::exists("/usr/bin/python3") && std::system(command.c_str()) == 0)
      fs::rename(staging, dir, ec);
    fs::remove_all(staging, ec);
  }
  if (lock >= 0) ::close(lock);
  return dir;
}

}  // namespace tessera::test_support
