#!/usr/bin/env bash
# tessera run on CNN-style ONNX graphs (issue #7): convolutions, pools, batch norm, Pad and Clip
# run; attributes and operands the cpu backend does not support are one error line naming the
# node (exit 2): a 3-D convolution, training-mode BatchNormalization, Gemm with alpha != 1, a
# Clip bound computed at run time, a mean over non-adjacent axes, MaxPool's Indices output,
# cubic Resize.
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
rng = np.random.default_rng(0)
def model(nodes, inits, name, x_shape=(1, 4, 8, 8), opset=14, inputs=(), outputs=("y",)):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, list(x_shape))
    extra = [helper.make_tensor_value_info(n, TensorProto.FLOAT, []) for n in inputs]
    ys = [helper.make_tensor_value_info(o, TensorProto.FLOAT, None) for o in outputs]
    g = helper.make_graph(nodes, name, [x] + extra, ys, inits)
    save(helper.make_model(g, opset_imports=[helper.make_operatorsetid("", opset)]),
         f"{out}/{name}.onnx")
f32 = lambda shape, n: numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32), n)
ints = lambda v, n: numpy_helper.from_array(np.array(v, dtype=np.int64), n)
scalar = lambda v, n: numpy_helper.from_array(np.array(v, dtype=np.float32), n)
bn = lambda n: [f32([8], n + "s"), f32([8], n + "b"), f32([8], n + "m"),
                numpy_helper.from_array(rng.uniform(0.5, 1.5, 8).astype(np.float32), n + "v")]
# Conv (asymmetric pads, stride 2) -> BatchNorm -> Clip -> reflect Pad -> MaxPool -> AveragePool.
model([helper.make_node("Conv", ["x", "w", "cb"], ["c"], name="conv", pads=[0, 1, 1, 0],
                        strides=[2, 2]),
       helper.make_node("BatchNormalization", ["c", "bns", "bnb", "bnm", "bnv"], ["n"], name="bn"),
       helper.make_node("Clip", ["n", "lo", "hi"], ["k"], name="clip"),
       helper.make_node("Pad", ["k", "pads"], ["p"], name="pad", mode="reflect"),
       helper.make_node("MaxPool", ["p"], ["m"], name="max", kernel_shape=[2, 2]),
       helper.make_node("AveragePool", ["m"], ["y"], name="avg", kernel_shape=[2, 2],
                        pads=[1, 1, 1, 1], count_include_pad=1)],
      [f32([8, 4, 3, 3], "w"), f32([8], "cb"), *bn("bn"), scalar(-0.5, "lo"), scalar(0.5, "hi"),
       ints([0, 0, 1, 1, 0, 0, 1, 1], "pads")], "cnn")
model([helper.make_node("Conv", ["x", "w"], ["y"], name="conv3d")], [f32([2, 1, 3, 3, 3], "w")],
      "conv3d", x_shape=(1, 1, 6, 6, 6))
model([helper.make_node("BatchNormalization", ["x", "bns", "bnb", "bnm", "bnv"],
                        ["y", "mean", "var"], name="bn_train", training_mode=1)], bn("bn"),
      "bn_training", x_shape=(1, 8, 4, 4), outputs=("y", "mean", "var"))
model([helper.make_node("Flatten", ["x"], ["f"], name="flat"),
       helper.make_node("Gemm", ["f", "w", "b"], ["y"], name="fc", alpha=2.0, transB=1)],
      [f32([3, 256], "w"), f32([3], "b")], "gemm_alpha")
model([helper.make_node("Clip", ["x", "lo"], ["y"], name="clip_runtime")], [], "clip_runtime",
      inputs=["lo"])
model([helper.make_node("ReduceMean", ["x"], ["y"], name="mean_13", axes=[1, 3])], [],
      "mean_axes", opset=13)
model([helper.make_node("MaxPool", ["x"], ["y", "idx"], name="max_idx", kernel_shape=[2, 2])],
      [], "maxpool_indices")
model([helper.make_node("Resize", ["x", "", "scales"], ["y"], name="up_cubic", mode="cubic")],
      [numpy_helper.from_array(np.array([1, 1, 2, 2], dtype=np.float32), "scales")], "resize_cubic",
      opset=13)
model([helper.make_node("Resize", ["x", "", "scales"], ["y"], name="up", mode="nearest")],
      [numpy_helper.from_array(np.array([1, 1, 2, 2], dtype=np.float32), "scales")], "resize",
      opset=13)
PY

check "cnn ops run" '"median_s"' 0 run "$dir/cnn.onnx" --format json --threads 2
check "3-D conv" "node 'conv3d' (ONNX Conv) is not supported by the cpu backend" 2 \
  run "$dir/conv3d.onnx"
check "training batch norm" \
  "node 'bn_train' (BatchNormalization): training-mode BatchNormalization is not supported" 2 \
  run "$dir/bn_training.onnx"
check "gemm alpha" "node 'fc' (Gemm): Gemm with alpha != 1 is not supported" 2 \
  run "$dir/gemm_alpha.onnx"
check "clip bound at run time" "node 'clip_runtime' (Clip): operand 'lo' computed at run time" 2 \
  run "$dir/clip_runtime.onnx"
check "mean axes" "node 'mean_13' (ReduceMean): a mean over non-adjacent axes is not supported" 2 \
  run "$dir/mean_axes.onnx"
check "maxpool indices" "node 'max_idx' (MaxPool): MaxPool's Indices output is not supported" 2 \
  run "$dir/maxpool_indices.onnx"

check "resize runs" '"median_s"' 0 run "$dir/resize.onnx" --format json
check "resize cubic" "node 'up_cubic' (Resize): resize mode 'cubic' is not supported" 2 \
  run "$dir/resize_cubic.onnx"

# auto_pad SAME_UPPER / SAME_LOWER pools (the importer resolves the pads; an odd total pad goes
# at the end for UPPER, at the start for LOWER), checked against numpy.
/usr/bin/python3 - "$dir" <<'PY'
import json, sys
import numpy as np
from onnx import TensorProto, helper, save
out = sys.argv[1]
x = np.arange(98, dtype=np.float32).reshape(1, 2, 7, 7) * np.float32(0.37) % 5
nodes = [helper.make_node("MaxPool", ["x"], ["up"], name="max_upper", kernel_shape=[2, 2],
                          strides=[2, 2], auto_pad="SAME_UPPER"),
         helper.make_node("AveragePool", ["x"], ["low"], name="avg_lower", kernel_shape=[2, 2],
                          strides=[2, 2], auto_pad="SAME_LOWER", count_include_pad=0)]
g = helper.make_graph(nodes, "same_pools",
                      [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 7, 7])],
                      [helper.make_tensor_value_info(o, TensorProto.FLOAT, None)
                       for o in ("up", "low")])
save(helper.make_model(g, opset_imports=[helper.make_operatorsetid("", 13)]),
     f"{out}/same_pools.onnx")
json.dump({"inputs": {"x": {"shape": list(x.shape), "data": x.ravel().tolist()}}},
          open(f"{out}/same_in.json", "w"))
def pool(reduce, lo):  # 7 -> 4 with kernel 2, stride 2: one pad row/column, before or after
    res = np.empty((1, 2, 4, 4), np.float32)
    for i in range(4):
        for j in range(4):
            r0, c0 = max(2 * i - lo, 0), max(2 * j - lo, 0)
            res[:, :, i, j] = reduce(x[:, :, r0:2 * i - lo + 2, c0:2 * j - lo + 2], axis=(2, 3))
    return res
json.dump({"up": pool(np.max, 0).ravel().tolist(), "low": pool(np.mean, 1).ravel().tolist()},
          open(f"{out}/same_expected.json", "w"))
PY
check "auto_pad pools run" '"median_s"' 0 run "$dir/same_pools.onnx" --format json \
  --inputs "$dir/same_in.json" --save-outputs "$dir/same_out.json"
/usr/bin/python3 -c 'import json, sys
import numpy as np
got, want = json.load(open(sys.argv[1]))["outputs"], json.load(open(sys.argv[2]))
sys.exit(any(not np.allclose(got[k]["data"], want[k], rtol=1e-6, atol=1e-6) for k in want))' \
  "$dir/same_out.json" "$dir/same_expected.json" || fail "auto_pad SAME pools differ from numpy"

finish run_cnn_ops
