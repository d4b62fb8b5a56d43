#!/bin/bash
# pe_array.fold_schedule (docs/evaluators.md "SCALE-Sim side by side"): the scalesim-32x32 preset
# shows serial folds, serial estimates are slower than pipelined ones on the same array, and
# unknown or malformed schedules are rejected with one line naming the field.
# Usage: hw_fold_schedule.sh TESSERA SOURCE_DIR
tessera="$1"
src="$2"
. "$src/tests/cli/lib/common.sh"

"$tessera" hw show scalesim-32x32 >"$work/show" 2>&1 || fail "hw show scalesim-32x32 failed"
grep -q "32x32 ws int8 (accumulates in int8), serial folds" "$work/show" ||
  fail "hw show lacks the serial fold schedule: $(head -5 "$work/show")"

latency() {  # total latency in seconds from the JSON of `estimate`
  "$tessera" estimate resnet18 --hw scalesim-32x32 --evaluator analytical --format json "$@" |
    /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["totals"]["latency_s"])'
}
if [ -x /usr/bin/python3 ]; then
  serial=$(latency) || fail "estimate with serial folds failed"
  pipelined=$(latency --set pe_array.fold_schedule=pipelined) || fail "pipelined estimate failed"
  /usr/bin/python3 -c "import sys; sys.exit(0 if $serial > $pipelined > 0 else 1)" ||
    fail "serial folds ($serial s) should be slower than pipelined ($pipelined s)"
fi

sed 's/fold_schedule: serial/fold_schedule: serail/' "$src/data/hw/scalesim-32x32.yaml" \
  >"$work/typo.yaml"
expect_rejected "fold_schedule" "$tessera" hw validate "$work/typo.yaml"
expect_rejected "did you mean 'serial'" "$tessera" hw validate "$work/typo.yaml"
sed 's/fold_schedule: serial/fold_schedule: [serial]/' "$src/data/hw/scalesim-32x32.yaml" \
  >"$work/list.yaml"
expect_rejected "fold_schedule" "$tessera" hw validate "$work/list.yaml"
expect_rejected "fold schedule" "$tessera" estimate resnet18 --hw scalesim-32x32 \
  --evaluator analytical --set pe_array.fold_schedule=drained -o "$work/out"

finish hw_fold_schedule
