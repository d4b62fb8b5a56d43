#!/usr/bin/env bash
# `tessera estimate` / `tessera roofline` on bad input: exit code 2, one error line, no output
# file. Then the happy paths: the JSON report has its documented keys, the roofline writes an
# SVG with the roofs and a CSV with one row per op.
# Usage: estimate_bad_input.sh TESSERA_BINARY SOURCE_DIR
set -u
tessera="$1"
source "$(dirname "$0")/lib/common.sh"

expect_bad() {  # expect_bad EXPECTED_TEXT COMMAND ARGS...: also no chart or data file
  local expected="$1"
  shift
  rm -f "$work/chart.svg" "$work/chart.csv"
  if [ "$1" = roofline ]; then
    expect_rejected "$expected" "$tessera" "$@" --svg "$work/chart.svg" --data "$work/chart.csv"
  else
    expect_rejected "$expected" "$tessera" "$@" --format json --output "$work/out"
  fi
  [ ! -e "$work/chart.svg" ] && [ ! -e "$work/chart.csv" ] || fail "$*: a chart file was created"
}

for cmd in estimate roofline; do
  expect_bad "unknown hardware 'tpu-v9'" $cmd bert-base --hw tpu-v9
  expect_bad "unknown model" $cmd bert-bsae --hw gemmini
  expect_bad "no field 'scratchpd'" $cmd bert-base --hw gemmini --set scratchpd.capacity_bytes=1
  expect_bad "bandwidth must be positive" $cmd bert-base --hw gemmini --set dram.bandwidth_bytes_per_s=0
  expect_bad "efficiency.matmul: must be in (0, 1]" $cmd bert-base --hw v100 --efficiency matmul=1.5
  expect_bad "is not a number" $cmd bert-base --hw v100 --efficiency matmul=fast
  expect_bad "unknown precision" $cmd bert-base --hw v100 --precision int3
  expect_bad "cannot open" $cmd bert-base --hw "$work/nope.yaml"
done
expect_bad "evaluator" estimate bert-base --hw gemmini --evaluator mapped-by-magic

# Happy paths.
for ev in roofline analytical; do
  "$tessera" estimate bert-base:seq=128 --hw gemmini --evaluator $ev --format json -o "$work/e.json" 2>"$work/stderr" ||
    fail "estimate --evaluator $ev: $(cat "$work/stderr")"
  for key in '"model"' '"assumptions"' '"evaluator"' '"hardware"' '"totals"' '"groups"' '"ops"' '"latency_s"' '"energy_j"'; do
    grep -q "$key" "$work/e.json" || fail "estimate $ev JSON lacks $key"
  done
done
"$tessera" estimate resnet50 --hw tpu-v3 --precision bf16 --format csv -o "$work/e.csv" 2>/dev/null || fail "csv failed"
head -1 "$work/e.csv" | grep -q "latency_s" || fail "csv header lacks latency_s"
"$tessera" roofline bert-base --hw v100 --svg "$work/r.svg" --data "$work/r.csv" >/dev/null 2>"$work/stderr" ||
  fail "roofline: $(cat "$work/stderr")"
grep -q "matrix roof" "$work/r.svg" || fail "SVG lacks the matrix roof"
grep -q "ridge" "$work/r.svg" || fail "SVG lacks the ridge point"
grep -q "^op," "$work/r.csv" || fail "CSV lacks op rows"
grep -q "^ridge," "$work/r.csv" || fail "CSV lacks the ridge row"
finish estimate_bad_input
