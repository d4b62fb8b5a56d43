#!/usr/bin/python3
"""Writes adversarial ONNX seeds for the loader fuzzer (issue #3): invalid attributes, wrong
shapes, cycles, undefined values, huge or empty dimensions, odd einsums, 1-D operands.
Run: /usr/bin/python3 tests/fuzz/make_corpus.py tests/fuzz/corpus"""
import os
import sys

out = sys.argv[1] if len(sys.argv) > 1 else "."
import onnx, numpy as np
from onnx import helper as h, TensorProto as T, numpy_helper as nh
def model(nodes, inputs, inits=(), name="m", opset=13, outputs=None):
    outs = outputs or [h.make_tensor_value_info(nodes[-1].output[0], T.FLOAT, None)]
    g = h.make_graph(nodes, name, inputs, outs, list(inits))
    return h.make_model(g, opset_imports=[h.make_opsetid("", opset)])
x4 = h.make_tensor_value_info("x", T.FLOAT, [1, 3, 8, 8])
x2 = h.make_tensor_value_info("x", T.FLOAT, [4, 8])
x1 = h.make_tensor_value_info("x", T.FLOAT, [8])
w = lambda n, s: nh.from_array(np.ones(s, np.float32), n)
i64 = lambda n, v: nh.from_array(np.array(v, np.int64), n)
cases = {
 "conv_big_kernel": model([h.make_node("Conv", ["x","w"], ["y"], kernel_shape=[11,11])], [x4], [w("w",[4,3,11,11])]),
 "conv_bad_group": model([h.make_node("Conv", ["x","w"], ["y"], group=0)], [x4], [w("w",[4,3,3,3])]),
 "conv_wrong_channels": model([h.make_node("Conv", ["x","w"], ["y"])], [x4], [w("w",[4,5,3,3])]),
 "conv_1d": model([h.make_node("Conv", ["x","w"], ["y"])], [h.make_tensor_value_info("x", T.FLOAT, [1,3,8])], [w("w",[4,3,3])]),
 "matmul_vec": model([h.make_node("MatMul", ["x","w"], ["y"])], [x1], [w("w",[8,5])]),
 "matmul_vecvec": model([h.make_node("MatMul", ["x","w"], ["y"])], [x1], [w("w",[8])]),
 "gemm_1d": model([h.make_node("Gemm", ["x","w"], ["y"])], [x1], [w("w",[8,5])]),
 "gemm_transA": model([h.make_node("Gemm", ["x","w","b"], ["y"], transA=1)], [x2], [w("w",[4,5]), w("b",[5])]),
 "einsum_weird": model([h.make_node("Einsum", ["x","x"], ["y"], equation="ij,jk")], [x2]),
 "einsum_trace": model([h.make_node("Einsum", ["x"], ["y"], equation="ii->i")], [h.make_tensor_value_info("x", T.FLOAT, [4,4])]),
 "einsum_3": model([h.make_node("Einsum", ["x","x","x"], ["y"], equation="ij,ij,ij->ij")], [x2]),
 "reshape_bad": model([h.make_node("Reshape", ["x","s"], ["y"])], [x2], [i64("s",[3,-1,7])]),
 "reshape_zero": model([h.make_node("Reshape", ["x","s"], ["y"])], [x2], [i64("s",[0,0,0])]),
 "transpose_bad": model([h.make_node("Transpose", ["x"], ["y"], perm=[5,0])], [x2]),
 "concat_axis": model([h.make_node("Concat", ["x","x"], ["y"], axis=9)], [x2]),
 "split_many": model([h.make_node("Split", ["x"], ["a","b","c"], axis=0)], [x2], outputs=[h.make_tensor_value_info("a", T.FLOAT, None)]),
 "huge_dim": model([h.make_node("Relu", ["x"], ["y"])], [h.make_tensor_value_info("x", T.FLOAT, [1<<40, 1<<40])]),
 "neg_dim": model([h.make_node("Relu", ["x"], ["y"])], [h.make_tensor_value_info("x", T.FLOAT, [-3, 4])]),
 "zero_dim": model([h.make_node("Relu", ["x"], ["y"])], [h.make_tensor_value_info("x", T.FLOAT, [0, 4])]),
 "no_nodes": model([], [x2], outputs=[h.make_tensor_value_info("x", T.FLOAT, None)]) if False else None,
 "undefined_input": model([h.make_node("Relu", ["nope"], ["y"])], [x2]),
 "cycle": model([h.make_node("Add", ["x","b"], ["a"]), h.make_node("Relu", ["a"], ["b"])], [x2]),
 "pool_no_kernel": model([h.make_node("MaxPool", ["x"], ["y"])], [x4]),
 "gap_2d": model([h.make_node("GlobalAveragePool", ["x"], ["y"])], [x2]),
 "bn_short": model([h.make_node("BatchNormalization", ["x","s"], ["y"])], [x4], [w("s",[3])]),
 "gather_weight_oob": model([h.make_node("Gather", ["w","i"], ["y"])], [h.make_tensor_value_info("i", T.INT64, [4])], [w("w",[10,4])]),
 "slice_shape": model([h.make_node("Shape", ["x"], ["s"]), h.make_node("Slice", ["s","a","b"], ["t"]), h.make_node("Reshape", ["x","t"], ["y"])], [x2], [i64("a",[5]), i64("b",[-9])]),
 "range_huge": model([h.make_node("Range", ["a","b","c"], ["r"]), h.make_node("Reshape", ["x","r"], ["y"])], [x2], [i64("a",0), i64("b",1<<40), i64("c",1)]),
 "const_of_shape_huge": model([h.make_node("ConstantOfShape", ["s"], ["c"]), h.make_node("Add", ["x","c"], ["y"])], [x2], [i64("s",[1<<30, 1<<30])]),
 "layernorm_noaffine": model([h.make_node("LayerNormalization", ["x","g"], ["y"])], [x2], [w("g",[8])], opset=17),
 "where_bcast": model([h.make_node("Where", ["c","x","x"], ["y"])], [x2, h.make_tensor_value_info("c", T.BOOL, [1,8])]),
 "softmax_scalar": model([h.make_node("Softmax", ["x"], ["y"])], [h.make_tensor_value_info("x", T.FLOAT, [])]),
 "opset99": model([h.make_node("Relu", ["x"], ["y"])], [x2], opset=99),
}
for k, m in cases.items():
    if m is None: continue
    with open(os.path.join(out, k + ".onnx"), "wb") as f: f.write(m.SerializeToString())
