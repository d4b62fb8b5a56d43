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
// Validator of every output-file option: the file's folder must exist and be writable, and the
// path must not be a folder. Checked while parsing, so a bad path fails before any work is done
// and before any other output file is written (no half of a pair of outputs left behind).
CLI::Validator writable_file();
// Validator of unsigned options (--seed): CLI11 would read "-1" into a uint64_t as 2^64-1.
CLI::Validator not_negative();
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
