#!/usr/bin/env bash
# Configures and builds tessera (Release, warnings as errors) into ./build.
set -euo pipefail
cd "$(dirname "$0")/.."
generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
if [ ! -f build/CMakeCache.txt ]; then
  cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DTESSERA_WERROR=ON
else
  cmake -S . -B build >/dev/null
fi
cmake --build build --parallel "$(nproc)"
