#!/usr/bin/env bash
# tessera run on exports whose causal-mask buffers are over 4 Mi elements (a [1, 1, 4096, 4096]
# bool tril and a [2100, 2100] int32 one, cut to the sequence at run time): the outputs equal
# PyTorch's on 1 and 2 threads (bit-identical), and a model that computes over the whole buffer
# before cutting it is one error line naming the value and its size, exit 2. Models written by
# tests/fixtures/onnx/make_long_mask.py; skipped (exit 0) without torch.
set -u
tessera="$1"
source "$(dirname "$0")/lib/common.sh"
require_python "torch, onnx"
src="${2:-.}"
/usr/bin/python3 "$src/tests/fixtures/onnx/make_long_mask.py" "$work" >/dev/null 2>&1 ||
  { echo "FAIL: make_long_mask.py" >&2; exit 1; }

for threads in 1 2; do
  "$tessera" run "$work/long_mask.onnx" --dim seq=7 --repeat 1 --threads "$threads" \
    --inputs "$work/long_mask.ref.json" --save-outputs "$work/out$threads.json" >/dev/null ||
    fail "long_mask.onnx did not run on $threads thread(s)"
done
cmp -s "$work/out1.json" "$work/out2.json" || fail "1 and 2 threads give different outputs"
/usr/bin/python3 - "$work" <<'PY' || fail "outputs differ from PyTorch's"
import json, sys
ref = json.load(open(sys.argv[1] + "/long_mask.ref.json"))["y"]
out = json.load(open(sys.argv[1] + "/out1.json"))["outputs"]["y"]
assert out["shape"] == ref["shape"], (out["shape"], ref["shape"])
scale = max(abs(v) for v in ref["data"])
error = max(abs(a - b) for a, b in zip(out["data"], ref["data"])) / scale
print("long_mask: max relative error vs PyTorch %.2e" % error)
assert error < 1e-5, error
PY
expect_rejected "16777216 elements) is over the limit" \
  "$tessera" run "$work/full_mask.onnx" --dim seq=7 --repeat 1 -o "$work/out"
finish run_long_mask
