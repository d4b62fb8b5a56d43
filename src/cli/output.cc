#include "cli/output.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "tessera/core/atomic_file.h"
#include "tessera/core/error.h"
#include "tessera/model/model_params.h"

namespace tessera::cli {

void add_output_options(CLI::App& app, OutputOptions& options, bool with_csv) {
  std::vector<std::string> formats = {"table", "json"};
  if (with_csv) formats.push_back("csv");
  app.add_option("--format", options.format, "Output format")
      ->check(CLI::IsMember(formats))
      ->capture_default_str();
  app.add_option("-o,--output", options.output, "Write to FILE instead of standard output")
      ->check(writable_file());
}

CLI::Validator writable_file() {
  return CLI::Validator(
      [](std::string& path) -> std::string {
        std::error_code ec;
        if (path.empty()) return "empty file name";
        auto status = std::filesystem::status(path, ec);
        if (std::filesystem::is_directory(status))
          return "cannot write '" + path + "': is a folder";
        // A device or FIFO (/dev/stdout, /dev/null) is written as a stream: nothing to probe.
        if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) return "";
        // Probe with a scratch file beside the target (the target itself is left alone: it is
        // replaced atomically only once the output exists).
        std::string probe = path + ".tmp.probe." + std::to_string(::getpid());
        int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd < 0) return "cannot write '" + path + "': " + std::strerror(errno);
        ::close(fd);
        ::unlink(probe.c_str());
        return "";
      },
      "FILE");
}

CLI::Validator not_negative() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        return text.find('-') == std::string::npos ? "" : "'" + text + "' must not be negative";
      },
      "");
}

void emit(const OutputOptions& options, const std::string& text) {
  if (options.output.empty()) {
    std::cout << text;
    if (!text.empty() && text.back() != '\n') std::cout << '\n';
    std::cout.flush();
    return;
  }
  write_file_atomically(options.output, text.empty() || text.back() == '\n' ? text : text + "\n");
}

void add_model_options(CLI::App& app, ModelOptions& options) {
  app.add_option("--batch", options.batch, "Batch size (default: the model's own)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 30));
  app.add_option("--dim", options.dims, "Bind a symbolic ONNX dimension: NAME=VALUE (repeatable)");
  app.add_flag("--strict", options.strict, "ONNX: unsupported ops are errors");
}

model::LoadOptions to_load_options(const ModelOptions& options) {
  model::LoadOptions load;
  load.batch = options.batch;
  load.strict = options.strict;
  for (const std::string& d : options.dims) {
    size_t eq = d.find('=');
    if (eq == std::string::npos || eq == 0) throw Error("--dim '" + d + "' is not NAME=VALUE");
    load.dims[d.substr(0, eq)] =
        model::parse_positive_int(d.substr(eq + 1), "--dim " + d.substr(0, eq));
  }
  return load;
}

}  // namespace tessera::cli
