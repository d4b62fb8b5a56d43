// tessera::Error — the one exception type the library throws for bad input or impossible
// requests. DESIGN.md "Conventions": the library throws with context (file, field, op name);
// the CLI turns it into one line and exit code 2 (bad input) or 1 (failure).
#pragma once

#include <stdexcept>
#include <string>

namespace tessera {

enum class ErrorKind { BadInput, Failure };

class Error : public std::runtime_error {
 public:
  explicit Error(std::string message, ErrorKind kind = ErrorKind::BadInput)
      : std::runtime_error(std::move(message)), kind_(kind) {}
  ErrorKind kind() const { return kind_; }
  int exit_code() const { return kind_ == ErrorKind::BadInput ? 2 : 1; }

 private:
  ErrorKind kind_;
};

// Prefixes context ("bert-base: ", "gemmini.yaml: pe_array.rows: ") to an error's message.
[[noreturn]] void rethrow_with_context(const std::string& context);

}  // namespace tessera
