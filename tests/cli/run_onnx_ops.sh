#!/usr/bin/env bash
# tessera run on exported ONNX graphs: data-movement ops run; an op the cpu backend lacks is one
# error line naming the node and op (exit 2); a Gather index out of range is a clear error.
# Models are written with /usr/bin/python3's onnx package; skipped (exit 0) without it.
set -u
tessera="$1"
source "$(dirname "$0")/lib/common.sh"
require_python "onnx"
dir="$work"

/usr/bin/python3 - "$dir" <<'PY'
import sys
import numpy as np
from onnx import TensorProto, helper, numpy_helper, save
out = sys.argv[1]
x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 4, 6])
y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
def model(nodes, inits, name):
    g = helper.make_graph(nodes, name, [x], [y], inits)
    save(helper.make_model(g, opset_imports=[helper.make_operatorsetid("", 13)]),
         f"{out}/{name}.onnx")
idx = lambda v, n: numpy_helper.from_array(np.array(v, dtype=np.int64), n)
# Slice rows 1..3 of axis 1, split the last axis 2+4, concat back, gather index -1 of axis 1.
model([helper.make_node("Slice", ["x", "s", "e", "a"], ["t"], name="slice"),
       helper.make_node("Split", ["t", "sizes"], ["p", "q"], name="split", axis=2),
       helper.make_node("Concat", ["q", "p"], ["c"], name="concat", axis=2),
       helper.make_node("Gather", ["c", "i"], ["y"], name="gather", axis=1)],
      [idx([1], "s"), idx([3], "e"), idx([1], "a"), idx([2, 4], "sizes"), idx(-1, "i")], "moves")
model([helper.make_node("CumSum", ["x", "axis"], ["y"], name="running_total")],
      [idx(1, "axis")], "cumsum")
model([helper.make_node("Gather", ["x", "i"], ["y"], name="pick", axis=1)],
      [idx([7], "i")], "bad_index")
# A lookup into a weight table (run as an embedding): negative ids count from the end, ids
# outside [-4, 4) are an error (they were taken modulo the table).
def table_lookup(ids, name):
    g = helper.make_graph([helper.make_node("Gather", ["w", "i"], ["y"], name="lookup")], name,
                          [], [y], [numpy_helper.from_array(
                              np.arange(12, dtype=np.float32).reshape(4, 3), "w"), idx(ids, "i")])
    save(helper.make_model(g, opset_imports=[helper.make_operatorsetid("", 13)]),
         f"{out}/{name}.onnx")
table_lookup([3, -1, -4], "lookup_negative")
table_lookup([100, -100, 1], "lookup_outside")
PY

check "data movement runs" '"median_s"' 0 run "$dir/moves.onnx" --format json
check "unsupported op" "node 'running_total' (ONNX CumSum) is not supported by the cpu backend" 2 \
  run "$dir/cumsum.onnx"
check "gather index" "index 7 is out of range for an axis of 4" 2 run "$dir/bad_index.onnx"

check "table lookup" '"median_s"' 0 run "$dir/lookup_negative.onnx" --format json \
  --save-outputs "$dir/lookup.json"
/usr/bin/python3 -c 'import json, sys
rows = json.load(open(sys.argv[1]))["outputs"]["y"]["data"]
sys.exit(rows != [9, 10, 11, 9, 10, 11, 0, 1, 2])' "$dir/lookup.json" ||
  fail "lookup with negative ids picked the wrong rows"
check "lookup outside the table" "node 'lookup': 2 of 3 lookup indices are outside [-4, 4)" 2 \
  run "$dir/lookup_outside.onnx"

finish run_onnx_ops
