#!/usr/bin/env bash
# tessera map: JSON fields, determinism across thread counts, YAML round trip, distribution
# files, whole-model and fusion-study modes.
set -euo pipefail
BIN="$1"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
PY=/usr/bin/python3
P=matmul:m=512,k=768,n=3072

"$BIN" map "$P" --hw gemmini --mapper random --samples 2000 --format json > "$TMP/r.json"
$PY - "$TMP/r.json" <<'PYEOF'
import json, sys
j = json.load(open(sys.argv[1]))
for key in ("evaluated", "valid", "wall_s", "best"):
    assert key in j, key
assert j["valid"] == 2000 and j["evaluated"] >= 2000
b = j["best"]
for key in ("mapping", "cycles", "energy_j", "edp", "utilization"):
    assert key in b, key
assert b["valid"] and 0 < b["utilization"] <= 1 and b["cycles"] > 0
PYEOF

# Same seed, same answer on 1 and 2 threads.
for t in 1 2; do
  "$BIN" map "$P" --mapper random --samples 3000 --seed 7 --threads "$t" --format json |
    $PY -c 'import json,sys; j=json.load(sys.stdin); print(j["best"]["edp"], j["evaluated"])' > "$TMP/t$t"
done
cmp "$TMP/t1" "$TMP/t2"

# The best mapping as YAML evaluates to the same cost.
"$BIN" map "$P" --mapper genetic --format yaml > "$TMP/m.yaml"
"$BIN" map "$P" --mapper genetic --format json | $PY -c 'import json,sys; print(json.load(sys.stdin)["best"]["edp"])' > "$TMP/a"
"$BIN" map "$P" --mapping "$TMP/m.yaml" --format json | $PY -c 'import json,sys; print(json.load(sys.stdin)["best"]["edp"])' > "$TMP/b"
cmp "$TMP/a" "$TMP/b"

# Heuristic, exhaustive (small), the loop nest in the table.
"$BIN" map "$P" --mapper heuristic | grep -q "(Spatial-X)"
"$BIN" map matmul:m=8,k=8,n=8 --mapper exhaustive --format json | $PY -c 'import json,sys; j=json.load(sys.stdin); assert j["valid"] > 0'
"$BIN" map --list | grep -q genetic
"$BIN" map --list | grep -q "^mip"
"$BIN" map "$P" --mapper mip --format json | $PY -c 'import json,sys; j=json.load(sys.stdin); assert j["mapper"] == "mip" and j["valid"] >= 1 and j["best"]["valid"]' 

# Distribution: CSV and SVG files, p10 and share in the JSON.
"$BIN" map "$P" --distribution 3000 --full-array --csv "$TMP/d.csv" --svg "$TMP/d.svg" --format json > "$TMP/d.json"
head -1 "$TMP/d.csv" | grep -q "series,bin_low,bin_high,count,share,cdf"
grep -q "<svg" "$TMP/d.svg"
$PY -c 'import json,sys; d=json.load(open(sys.argv[1]))["distribution"]; assert d["p10_relative_edp"] >= 1 and 0 < d["within_3x_share"] <= 1' "$TMP/d.json"

# Whole model and fusion study.
"$BIN" map --model bert-base:seq=128 --format json | $PY -c 'import json,sys; j=json.load(sys.stdin); assert j["latency_s"] > 0 and j["energy_j"] > 0 and j["distinct_problems"] >= 4'
"$BIN" map --fusion-study | grep -q "MHA QxK + Softmax"

# Energies from the chip model: same mapping and latency, the chip's energies, the binding shown.
"$BIN" map "$P" --mapper heuristic --format json > "$TMP/spec.json"
"$BIN" map "$P" --mapper heuristic --chip tpu-v1 --chip-level scratchpad=unified_buffer --chip-level l2=spec --format json > "$TMP/chip.json"
$PY -c '
import json,sys
s=json.load(open(sys.argv[1])); c=json.load(open(sys.argv[2]))
assert s["best"]["latency_s"] == c["best"]["latency_s"]
assert s["best"]["energy_j"] != c["best"]["energy_j"]
src={l["level"]: l["source"] for l in c["energy_source"]["levels"]}
assert src["accumulator"] == "memory:accumulators" and src["dram"] == "memory_controller", src
' "$TMP/spec.json" "$TMP/chip.json"
"$BIN" map --model bert-base:seq=128 --mapper heuristic --chip gemmini --chip-level l2=spec --chip-level dram=spec --format json | $PY -c 'import json,sys; j=json.load(sys.stdin); assert j["energy_j"] > 0 and "chip:gemmini" in j["hardware"]'
echo ok
