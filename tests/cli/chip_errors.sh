#!/usr/bin/env bash
# Bad chip specs: exit 2, one error line naming the problem, nothing on stdout, no output file.
# Then the happy paths: JSON of show/sparsity/sweep, clock search.
# Usage: chip_errors.sh TESSERA_BINARY SOURCE_DIR
set -u
bin="$1"
source "$(dirname "$0")/lib/common.sh"
tmp="$work"
expect_error() {  # pattern, yaml
  printf '%s\n' "$2" >"$work/spec.yaml"
  expect_rejected "$1" "$bin" chip show "$work/spec.yaml" -o "$work/out"
}
base='name: t
technology: {node_nm: 28}
tensor_unit: {rows: 16, cols: 16}'
expect_error "unknown technology node 13" "name: t
technology: {node_nm: 13}
clock_mhz: 700
tensor_unit: {rows: 16, cols: 16}"
expect_error "tensor_unit.rows: required and must be positive" "name: t
technology: {node_nm: 28}
clock_mhz: 700
tensor_unit: {rows: 0, cols: 16}"
expect_error "cores: must be positive" "$base
clock_mhz: 700
cores: -4"
expect_error "unknown key" "$base
clock_mhz: 700
colour: blue"
expect_error "critical path" "$base
target_tops: 2000"
expect_error "contradictory spec" "$base
clock_mhz: 700
target_tops: 50"
expect_error "exceeds the area budget" "$base
clock_mhz: 700
area_budget_mm2: 0.001"
expect_error "memories\[0\].port: expected auto, central or distributed" "$base
clock_mhz: 700
memories:
  - {name: m, capacity_kib: 64, port: sideways}"
expect_rejected "unknown chip 'nosuchchip'" "$bin" chip show nosuchchip
"$bin" chip show tpu-v1 --format json -o "$tmp/ok.json" || fail "tpu-v1 show"
grep -q '"tdp_w"' "$tmp/ok.json" || fail "json output"
printf '%s\n' "$base" "target_tops: 0.3" > "$tmp/search.yaml"
"$bin" chip validate "$tmp/search.yaml" > "$tmp/v.txt" || fail "clock search validate"
grep -q "^ok: t meets its clock (585" "$tmp/v.txt" || fail "searched clock: $(cat "$tmp/v.txt")"
"$bin" chip sparsity | grep -q "TU8_gain" || fail "sparsity output"
"$bin" chip sparsity --format json -o "$tmp/sp.json" || fail "sparsity json"
/usr/bin/python3 -c "import json,sys; j=json.load(open(sys.argv[1])); assert len(j['curves'])==4" \
  "$tmp/sp.json" || fail "sparsity json content"
"$bin" chip sweep --format json -o "$tmp/sweep.json" || fail "sweep json"
/usr/bin/python3 -c "
import json, sys
j = json.load(open(sys.argv[1]))
assert len(j['points']) >= 15 and len(j['paper_points']) == 3
for s in ('batch 1', 'latency-bounded (10 ms)', 'batch 256'):
    assert set(j['winners'][s]) >= {'throughput', 'utilization', 'tops_per_w', 'tops_per_tco'}
" "$tmp/sweep.json" || fail "sweep json content"
expect_rejected "csv not in" "$bin" chip sweep --format csv
finish chip_errors
