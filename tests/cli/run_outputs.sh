#!/usr/bin/env bash
# tessera run / profile: JSON has the documented fields, the SVG is written, software counters
# are exercised (they exist on every Linux, also in VMs without a PMU).
set -eu
tessera="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
small="nlpfast-bert:layers=1,seq=32,d=64,heads=4,ffn=128,vocab=50"

"$tessera" run "$small" --opt all --threads 2 --repeat 2 --format json > "$tmp/run.json"
for field in '"median_s"' '"threads": 2' '"ops"' '"role"' '"options"' '"nlp_opt"' \
             '"scheduler_utilization"' '"output_deviation"' '"denormals_flushed": true'; do
  grep -q "$field" "$tmp/run.json" || { echo "run JSON lacks $field"; cat "$tmp/run.json"; exit 1; }
done

"$tessera" profile "$small" "nlp-fast-memnet:memory=128" --configs "base;S-4x" --repeat 1 \
  --mode custom --events task-clock,context-switches,page-faults --svg "$tmp/chart.svg" \
  --format csv > "$tmp/profile.csv"
grep -q "^model,config,operation,median_s,share,task-clock" "$tmp/profile.csv" \
  || { echo "profile CSV header wrong"; head -3 "$tmp/profile.csv"; exit 1; }
grep -q "softmax" "$tmp/profile.csv" || { echo "profile CSV lacks softmax"; exit 1; }
# task-clock of the dot product is a positive number of nanoseconds.
awk -F, '$3=="dot product" && $6 > 0 {found=1} END {exit !found}' "$tmp/profile.csv" \
  || { echo "task-clock not counted"; cat "$tmp/profile.csv"; exit 1; }
grep -q "<svg" "$tmp/chart.svg" && grep -q "<rect" "$tmp/chart.svg" \
  || { echo "SVG chart missing"; exit 1; }
"$tessera" profile "$small" --mode cachestat --repeat 1 --format json > "$tmp/cache.json"
grep -q '"events"' "$tmp/cache.json" || { echo "cachestat JSON lacks events"; exit 1; }
"$tessera" profile "$small" --repeat 1 --estimate host --format json > "$tmp/join.json"
grep -q '"estimated_s"' "$tmp/join.json" && grep -q '"measured_over_estimated"' "$tmp/join.json" \
  || { echo "profile --estimate join missing"; exit 1; }
# The zoo's MemNet runs end to end (its question encoding is a ReduceMean).
"$tessera" run memnet:memory=256,vocab=500 --repeat 1 --format json > "$tmp/memnet.json"
grep -q '"median_s"' "$tmp/memnet.json" || { echo "zoo memnet did not run"; exit 1; }
# An imported ONNX model runs with its own initializers (the JSON names the file as weights).
"$tessera" run "${2:-.}/tests/fixtures/onnx/tiny_mlp.onnx" --dim batch=1 --dim seq=4 --repeat 1 \
  --format json > "$tmp/onnx.json"
grep -q '"weights": ".*tiny_mlp.onnx"' "$tmp/onnx.json" || { echo "ONNX weights not used"; exit 1; }
# ... also when the initializer lives in an external data file.
"$tessera" run "${2:-.}/tests/fixtures/onnx/tiny_ext.onnx" --repeat 1 --format json > "$tmp/ext.json" \
  || { echo "ONNX model with external data did not run"; exit 1; }
echo "run_outputs: all passed"
