#!/usr/bin/env bash
# tessera run --inputs / --save-outputs (issue #7: compare an exported model with the framework):
# given inputs are used (the saved outputs equal numpy's for the same model, under the file's
# output names), and bad input files are one error line, exit 2: unknown or missing input names,
# another shape, a data length that is not the shape's, malformed JSON, --generate.
# Models are written with /usr/bin/python3's onnx package; skipped (exit 0) without it.
set -u
tessera="$1"
source "$(dirname "$0")/lib/common.sh"
require_python "onnx, numpy"
dir="$work"

/usr/bin/python3 - "$dir" <<'PY'
import json, sys
import numpy as np
from onnx import TensorProto, helper, numpy_helper, save
out = sys.argv[1]
rng = np.random.default_rng(3)
w = rng.standard_normal((3, 4)).astype(np.float32)
b = rng.standard_normal(4).astype(np.float32)
inputs = [helper.make_tensor_value_info(n, TensorProto.FLOAT, [2, 3]) for n in ("x", "z")]
graph = helper.make_graph(
    [helper.make_node("Add", ["x", "z"], ["s"], name="sum"),
     helper.make_node("MatMul", ["s", "w"], ["m"], name="fc"),
     helper.make_node("Add", ["m", "b"], ["a"], name="bias"),
     helper.make_node("Relu", ["a"], ["logits"], name="relu")],
    "io", inputs, [helper.make_tensor_value_info("logits", TensorProto.FLOAT, None)],
    [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
save(helper.make_model(graph, opset_imports=[helper.make_operatorsetid("", 13)]), f"{out}/io.onnx")
x = rng.standard_normal((2, 3)).astype(np.float32)
z = rng.standard_normal((2, 3)).astype(np.float32)
tensor = lambda a: {"shape": list(a.shape), "data": a.reshape(-1).tolist()}
json.dump({"inputs": {"x": tensor(x), "z": tensor(z)}}, open(f"{out}/in.json", "w"))
json.dump({"logits": tensor(np.maximum((x + z) @ w + b, 0))}, open(f"{out}/expect.json", "w"))
json.dump({"x": tensor(x), "q": tensor(z)}, open(f"{out}/unknown.json", "w"))
json.dump({"x": tensor(x)}, open(f"{out}/missing.json", "w"))
json.dump({"x": tensor(x.T), "z": tensor(z)}, open(f"{out}/shape.json", "w"))
json.dump({"x": {"shape": [2, 3], "data": [1, 2, 3, 4, 5]}, "z": tensor(z)},
          open(f"{out}/short.json", "w"))
open(f"{out}/broken.json", "w").write('{"inputs": {"x": ')
PY

check "given inputs" '"median_s"' 0 run "$dir/io.onnx" --inputs "$dir/in.json" \
  --save-outputs "$dir/out.json" --format json --threads 2
if ! /usr/bin/python3 - "$dir" <<'PY'
import json, sys
import numpy as np
d = sys.argv[1]
got = json.load(open(f"{d}/out.json"))["outputs"]["logits"]
expect = json.load(open(f"{d}/expect.json"))["logits"]
assert got["shape"] == expect["shape"], (got["shape"], expect["shape"])
a, b = np.array(got["data"]), np.array(expect["data"])
assert np.abs(a - b).max() <= 1e-5 * np.abs(b).max(), np.abs(a - b).max()
PY
then
  fail "saved outputs differ from numpy"
fi
check "unknown input" "inputs: model '$dir/io.onnx' has no input 'q' (its inputs: 'x', 'z')" 2 \
  run "$dir/io.onnx" --inputs "$dir/unknown.json"
check "missing input" "inputs: no values for the model's input 'z'" 2 \
  run "$dir/io.onnx" --inputs "$dir/missing.json"
check "other shape" "inputs: 'x' has shape [3,2] but the model's input is [2,3]" 2 \
  run "$dir/io.onnx" --inputs "$dir/shape.json"
check "short data" "tensor 'x' has 5 values for a shape of 6 elements" 2 \
  run "$dir/io.onnx" --inputs "$dir/short.json"
check "broken json" "is not valid JSON" 2 run "$dir/io.onnx" --inputs "$dir/broken.json"
check "missing file" "inputs: cannot read '$dir/none.json'" 2 \
  run "$dir/io.onnx" --inputs "$dir/none.json"
check "generate" "--inputs and --save-outputs are for single runs, not --generate" 2 \
  run gpt2:layers=1,d=64,heads=2 --generate 2 --inputs "$dir/in.json"

finish run_inputs_outputs
