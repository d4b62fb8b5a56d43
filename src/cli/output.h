// Shared output options of commands: --format table|json|csv and --output FILE (written
// atomically: never half-written).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "tessera/model/zoo.h"

namespace tessera::cli {

struct OutputOptions {
  std::string format = "table";
  std::string output;  // empty = stdout
};

void add_output_options(CLI::App& app, OutputOptions& options, bool with_csv = true);
// Writes `text` to the output file (atomically) or to stdout.
void emit(const OutputOptions& options, const std::string& text);

// Model-loading options shared by every command that takes a MODEL (--batch, --dim, --strict).
struct ModelOptions {
  int64_t batch = 0;
  std::vector<std::string> dims;  // "name=value"
  bool strict = false;
};
void add_model_options(CLI::App& app, ModelOptions& options);
model::LoadOptions to_load_options(const ModelOptions& options);

}  // namespace tessera::cli
