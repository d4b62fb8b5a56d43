#!/usr/bin/env bash
# CNN zoo on the command line: bad model specs exit 2 with one error line and leave no output
# file; the survey's fused ResNet-50 analysis works end to end.
# Usage: analyze_cnn_bad_input.sh <tessera-binary> <source-dir>
set -u
bin="$1"
src="$2"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail=0

cat > "$tmp/bad_stage.yaml" <<'YAML'
family: cnn-stages
params:
  stages:
    - {op: conv, out: 32, stride: 2}
    - {op: teleport, out: 8}
YAML
printf 'family: cnn-stages\nparams: {stages: [ {op: conv, out: 8}\n' > "$tmp/malformed.yaml"

bad_specs=(
  "resnet50:resolution=0"
  "resnet50:width=-1"
  "resnet50:colour=red"
  "resnet50:depth=42"
  "resnet51"
  "efficientnet-b0:width=-1"
  "efficientnet-b9"
  "efficientnet-x-b0:variant=cpu"
  "mobilenetv2:width=0"
  "inception-v3:resolution=10"
  "cnn-stages"
  "cnn-stages:stages=[{op: conv}]"
  "$tmp/bad_stage.yaml"
  "$tmp/malformed.yaml"
)
for spec in "${bad_specs[@]}"; do
  out="$tmp/out.json"
  rm -f "$out"
  "$bin" analyze "$spec" --format json -o "$out" > "$tmp/stdout" 2> "$tmp/stderr"
  rc=$?
  lines=$(wc -l < "$tmp/stderr")
  if [[ $rc -ne 2 ]]; then
    echo "FAIL: '$spec' exited $rc (expected 2)"; fail=1
  fi
  if [[ $lines -ne 1 ]] || ! grep -q '^tessera: error: ' "$tmp/stderr"; then
    echo "FAIL: '$spec' stderr is not one error line:"; cat "$tmp/stderr"; fail=1
  fi
  if [[ -e "$out" ]]; then
    echo "FAIL: '$spec' left an output file"; fail=1
  fi
done

# Happy path: the survey's fused ResNet-50 (Table 4: intensity 121.36).
"$bin" analyze resnet50 --fusion bn-relu --format json -o "$tmp/fused.json" 2> "$tmp/stderr"
rc=$?
if [[ $rc -ne 0 ]]; then
  echo "FAIL: fused resnet50 exited $rc"; cat "$tmp/stderr"; fail=1
elif ! grep -q '"fusion": *"bn-relu"' "$tmp/fused.json"; then
  echo "FAIL: fused resnet50 JSON does not state the fusion"; fail=1
elif [[ -x /usr/bin/python3 ]]; then
  /usr/bin/python3 - "$tmp/fused.json" <<'PY' || fail=1
import json, sys
d = json.load(open(sys.argv[1]))
t = d["totals"]
intensity = t["flops"] / t["bytes"]
groups = {g["name"]: g for g in d["groups"]}
ok = abs(intensity - 121.0) < 1.0 and groups["batchnorm"]["flops"] == 0 and t["macs"] > 3.8e9
if not ok:
    print("FAIL: fused resnet50 totals", t)
sys.exit(0 if ok else 1)
PY
fi

# Every CNN preset analyses, and the example stage table loads.
for model in resnet18 resnet152 mobilenetv2 efficientnet-b7 efficientnet-x-b0-gpu inception-v3 \
             "$src/examples/models/efficientnet-x-like.yaml"; do
  if ! "$bin" analyze "$model" > /dev/null 2> "$tmp/stderr"; then
    echo "FAIL: analyze $model"; cat "$tmp/stderr"; fail=1
  fi
done
exit $fail
