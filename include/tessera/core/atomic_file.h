// Output files are written whole or not at all (DESIGN.md "Conventions": never a half-written
// output): content goes to a temporary file beside the target, then is renamed over it.
#pragma once

#include <string>

namespace tessera {

// Writes `content` to `path` atomically. Throws tessera::Error naming the path on failure.
void write_file_atomically(const std::string& path, const std::string& content);

// Reads a whole file; throws tessera::Error naming the path when it is missing or unreadable.
std::string read_file(const std::string& path);

}  // namespace tessera
