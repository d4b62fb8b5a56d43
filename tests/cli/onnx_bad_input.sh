#!/usr/bin/env bash
# `tessera analyze FILE.onnx` on bad ONNX input (issue #3): malformed, truncated or non-ONNX
# files, missing external data, inconsistent shapes, unbound or unknown symbolic dimensions and
# --strict with an unsupported op each give exit code 2, one error line, no output file. Then
# the happy paths: dimension binding, and the unsupported-op section of the JSON report.
# Usage: onnx_bad_input.sh TESSERA_BINARY SOURCE_DIR
set -u
tessera="$1"
fixtures="$2/tests/fixtures/onnx"
source "$(dirname "$0")/lib/common.sh"

expect_bad() {
  local expected="$1"
  shift
  expect_rejected "$expected" "$tessera" analyze "$@" --format json --output "$work/out"
}

printf 'this is not a model\n' >"$work/text.onnx"
head -c 1200 "$fixtures/tiny_mlp.onnx" >"$work/truncated.onnx"
: >"$work/empty.onnx"
head -c 4096 /dev/urandom >"$work/random.onnx" 2>/dev/null || printf '\xff\xff\xff\xff' >"$work/random.onnx"
mkdir "$work/dir.onnx"

expect_bad "no such file" "$work/missing.onnx"
expect_bad "not a regular file" "$work/dir.onnx"
expect_bad "$work/text.onnx" "$work/text.onnx"
expect_bad "$work/empty.onnx" "$work/empty.onnx"
expect_bad "truncated" "$work/truncated.onnx" --dim seq=4
expect_bad "$work/random.onnx" "$work/random.onnx"
expect_bad "external data file" "$fixtures/tiny_ext_missing.onnx"
expect_bad "does_not_exist.bin" "$fixtures/tiny_ext_missing.onnx"
expect_bad "inconsistent shapes" "$fixtures/tiny_bad_shape.onnx" --dim seq=4
expect_bad "unbound symbolic dimension(s) seq" "$fixtures/tiny_mlp.onnx"
expect_bad "no symbolic dimension 'sequence'" "$fixtures/tiny_mlp.onnx" --dim seq=4 --dim sequence=4
expect_bad "FooOp" "$fixtures/tiny_custom.onnx" --dim seq=4 --strict

# Happy paths.
"$tessera" analyze "$fixtures/tiny_mlp.onnx" --dim seq=4 --batch 2 --format json \
  --output "$work/mlp.json" || fail "tiny_mlp with --dim seq=4 --batch 2"
grep -q '"macs": 6144' "$work/mlp.json" || fail "tiny_mlp: expected 2*(4*16*32 + 4*32*8) MACs"
"$tessera" analyze "$fixtures/tiny_custom.onnx" --dim seq=4 --format json \
  --output "$work/custom.json" || fail "tiny_custom without --strict should succeed"
grep -q '"FooOp": 1' "$work/custom.json" || fail "tiny_custom: unsupported FooOp not listed"
grep -q '"share_not_costed"' "$work/custom.json" || fail "tiny_custom: share not reported"
"$tessera" analyze "$fixtures/tiny_custom.onnx" --dim seq=4 >"$work/custom.txt" ||
  fail "tiny_custom table"
grep -q "not costed (unsupported ops): FooOp x1" "$work/custom.txt" || fail "table lacks the unsupported section"

finish onnx_bad_input
