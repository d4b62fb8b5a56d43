#!/usr/bin/env bash
# Installs every Debian 12 package tessera builds, tests and benchmarks with (DESIGN.md,
# "Dependencies"). Debian packages only: nothing else is downloaded.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
packages=(
  build-essential cmake ninja-build pkg-config
  libgtest-dev libgmock-dev libbenchmark-dev
  libyaml-cpp-dev nlohmann-json3-dev libfmt-dev libcli11-dev
  libdnnl-dev libopenblas-dev
  libonnx-dev libprotobuf-dev protobuf-compiler
  libnlopt-dev libnlopt-cxx-dev libglpk-dev
  libsqlite3-dev libopenmpi-dev openmpi-bin
  libpfm4-dev
  python3  # the CLI tests read JSON reports with its json module
)
# Optional: python3-* only for tests that generate ONNX fixtures (skipped cleanly when absent);
# clang + libclang-rt-14-dev only for the libFuzzer target (-DTESSERA_FUZZ=ON, tests/fuzz).
optional=(python3-onnx python3-torch python3-numpy clang libclang-rt-14-dev)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if [ "${TESSERA_SKIP_OPTIONAL:-0}" != 1 ]; then
  opt_missing=()
  for p in "${optional[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || opt_missing+=("$p"); done
  if [ "${#opt_missing[@]}" -gt 0 ]; then
    $SUDO apt-get install -y -qq --no-install-recommends "${opt_missing[@]}" ||
      echo "note: optional packages ${opt_missing[*]} not installed; ONNX fixture tests will skip"
  fi
fi
