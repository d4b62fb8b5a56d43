#!/usr/bin/env bash
# `tessera hw` on bad specs: exit code 2, one error line naming the key path, nothing on stdout.
# Then the happy paths: list names every preset, `show --yaml` prints a spec that validates.
# Usage: hw_bad_input.sh TESSERA_BINARY SOURCE_DIR
set -u
tessera="$1"
source "$(dirname "$0")/lib/common.sh"

expect_bad() {
  local expected="$1"
  shift
  expect_rejected "$expected" "$tessera" hw "$@"
}

spec() {  # spec NAME BODY: writes $work/NAME.yaml
  printf '%s\n' "$2" >"$work/$1.yaml"
}

base='name: t
kind: accelerator
clock_hz: 1.0e9
memory:
  - {name: accumulator, capacity_bytes: 65536, bandwidth_bytes_per_s: 6.4e10, holds: [outputs]}
  - {name: scratchpad, capacity_bytes: 262144, bandwidth_bytes_per_s: 6.4e10, double_buffered: true}
  - {name: dram, bandwidth_bytes_per_s: 1.6e10, off_chip: true}'

spec ok "$base
pe_array: {rows: 16, cols: 16, dataflow: ws}"
spec typo "$base
pe_array: {rows: 16, cols: 16, dataflw: ws}"
spec dataflow "$base
pe_array: {rows: 16, cols: 16, dataflow: rs}"
spec zero_bw 'name: t
matrix: {fp32: 1.0e12}
memory: [{name: dram, bandwidth_bytes_per_s: 0}]'
spec neg_size 'name: t
matrix: {fp32: 1.0e12}
memory:
  - {name: sram, capacity_bytes: -4, bandwidth_bytes_per_s: 1e9}
  - {name: dram, bandwidth_bytes_per_s: 1e9}'
spec starved "$base
pe_array: {rows: 1024, cols: 1024}"
spec zero_pe "$base
pe_array: {rows: 0, cols: 16}"
spec malformed 'name: [unclosed'
spec badtype 'name: t
matrix: {fp32: lots}
memory: [{name: dram, bandwidth_bytes_per_s: 1e9}]'
spec unknown_op "$base
pe_array: {rows: 16, cols: 16}
special_units: [{name: u, ops: [softmaxx]}]"
: >"$work/empty.yaml"

expect_bad "pe_array.dataflw: unknown key (did you mean 'dataflow'?)" validate "$work/typo.yaml"
expect_bad "unknown dataflow 'rs'" validate "$work/dataflow.yaml"
expect_bad "bandwidth must be positive" validate "$work/zero_bw.yaml"
expect_bad "capacity_bytes" validate "$work/neg_size.yaml"
expect_bad "cannot be fed" validate "$work/starved.yaml"
expect_bad "rows and cols must be positive" validate "$work/zero_pe.yaml"
expect_bad "malformed YAML" validate "$work/malformed.yaml"
expect_bad "matrix.fp32: expected ops per second" validate "$work/badtype.yaml"
expect_bad "unknown op 'softmaxx'" validate "$work/unknown_op.yaml"
expect_bad "empty hardware spec" validate "$work/empty.yaml"
expect_bad "cannot open" validate "$work/missing.yaml"
expect_bad "unknown hardware 'gemini'" show gemini
expect_bad "did you mean 'gemmini'" show gemini
expect_bad "no field 'scratchpd'" show gemmini --set scratchpd.capacity_bytes=1
expect_bad "is not PATH=VALUE" show gemmini --set scratchpad.capacity_bytes
expect_bad "scratchpad" show gemmini --set scratchpad.capacity_bytes=0
expect_bad "dma.latency_s: latency must be positive" show gemmini --set dma.latency_s=0
expect_bad "dma.request_bytes" show gemmini --set dma.request_bytes=-64
expect_bad "pe_array.bias_matrix_bytes" show survey-analytical --set pe_array.bias_matrix_bytes=-1

# Happy paths.
"$tessera" hw validate "$work/ok.yaml" >/dev/null 2>&1 || fail "valid spec rejected"
list=$("$tessera" hw list 2>&1) || fail "hw list failed"
for name in gemmini gemmini-transformer tpu-v1 tpu-v2 tpu-v3 v100 a100 h100 xeon-6242 xeon-8180 host; do
  echo "$list" | grep -q "^$name " || fail "hw list lacks $name"
  "$tessera" hw show "$name" --yaml >"$work/$name.out.yaml" 2>"$work/stderr" || fail "show $name: $(cat "$work/stderr")"
  "$tessera" hw validate "$work/$name.out.yaml" >/dev/null 2>&1 || fail "show $name --yaml does not validate"
done
finish hw_bad_input
