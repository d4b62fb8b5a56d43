#!/usr/bin/env bash
# Runs every benchmark in bench/ (Google Benchmark) with repetitions and prints medians.
# Usage: scripts/bench.sh [FILTER]   e.g. scripts/bench.sh map
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh >/dev/null
filter="${1:-}"
for exe in build/bench/*_bench; do
  [ -x "$exe" ] || continue
  case "$(basename "$exe")" in *"$filter"*) ;; *) continue ;; esac
  echo "== $(basename "$exe") =="
  "$exe" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
    --benchmark_display_aggregates_only=true 2>&1 | grep -E "median|^-|Benchmark" || true
done
echo "PyTorch comparison of the runtime: /usr/bin/python3 bench/compare_pytorch.py --help"
