#!/usr/bin/env bash
# `tessera hw show host`: the run-time detected preset, with and without the DRAM bandwidth
# measurement (~1 s). The measured figure must be a positive number marked as measured, and the
# detected spec must print as YAML that `hw validate` accepts (what users save and edit).
# Usage: hw_host.sh TESSERA_BINARY SOURCE_DIR
set -u
tessera="$1"
source "$(dirname "$0")/lib/common.sh"

"$tessera" hw show host >"$work/plain" 2>&1 || fail "hw show host exited $?"
grep -q "cores: [1-9][0-9]* online" "$work/plain" || fail "hw show host names no core count"

"$tessera" hw show host --measure >"$work/measured" 2>&1 || fail "hw show host --measure exited $?"
dram_line=$(grep '^dram' "$work/measured")
echo "$dram_line" | grep -q "measured" || fail "dram line not marked measured: $dram_line"
# The bandwidth column is "<number> GB/s" (or MB/s / TB/s); it must parse as a positive number.
bw=$(echo "$dram_line" | awk '{for (i = 1; i < NF; ++i) if ($(i + 1) ~ /B\/s$/) { print $i; exit }}')
awk -v b="$bw" 'BEGIN { exit !(b + 0 > 0) }' || fail "measured DRAM bandwidth not positive: '$bw'"

"$tessera" hw show host --yaml >"$work/host.yaml" 2>&1 || fail "hw show host --yaml exited $?"
"$tessera" hw validate "$work/host.yaml" >"$work/validate" 2>&1 ||
  fail "detected host spec does not validate: $(cat "$work/validate")"

expect_rejected "measure" "$tessera" hw show tpu-v3 --measure
finish hw_host
