#!/usr/bin/env bash
# tessera estimate --evaluator mapped --chip: the mapped evaluator takes its energies from the chip
# model (levels bound by role, map/chip_energy.h); misuse is one clear error line, exit 2.
BIN="$1"
source "$(dirname "$0")/lib/common.sh"
PY=/usr/bin/python3

"$BIN" estimate bert-base:seq=128 --hw gemmini --evaluator mapped --format json > "$work/spec.json" || fail "spec run"
"$BIN" estimate bert-base:seq=128 --hw gemmini --evaluator mapped --chip gemmini \
  --chip-level l2=spec --chip-level dram=spec --format json > "$work/chip.json" || fail "chip run"
$PY -c '
import json,sys
s=json.load(open(sys.argv[1]))["totals"]; c=json.load(open(sys.argv[2]))["totals"]
# DRAM keeps the spec energy; the PE registers are inside the chip MAC; the MAC energy is the chip tensor unit.
assert c["energy_by_component_j"]["pe_registers"] == 0, c
assert s["energy_by_component_j"]["pe_registers"] > 0, s
assert c["energy_by_component_j"]["mac"] != s["energy_by_component_j"]["mac"]
' "$work/spec.json" "$work/chip.json" || fail "chip energies not applied"

expect_rejected "apply to --evaluator mapped only" "$BIN" estimate bert-base:seq=128 --hw gemmini --chip gemmini -o "$work/out"
expect_rejected "level 'l2' (role shared buffer)" "$BIN" estimate bert-base:seq=128 --hw gemmini --evaluator mapped --chip gemmini -o "$work/out"
expect_rejected "unknown chip" "$BIN" estimate bert-base:seq=128 --hw gemmini --evaluator mapped --chip nochip -o "$work/out"
finish map_estimate_chip
