#!/usr/bin/env bash
# tessera run / profile: bad input gets one clear error line and exit 2, never a crash.
set -u
tessera="$1"
failures=0

expect_error() {  # expect_error "what the message must contain" args...
  local needle="$1"; shift
  local out rc
  out=$("$tessera" "$@" 2>&1); rc=$?
  if [[ $rc -ne 2 ]]; then
    echo "FAIL (rc=$rc, want 2): tessera $*"; echo "$out"; failures=$((failures + 1)); return
  fi
  if [[ "$out" != *"$needle"* ]]; then
    echo "FAIL (message lacks '$needle'): tessera $*"; echo "$out"; failures=$((failures + 1))
  fi
}

small="nlpfast-bert:layers=1,seq=16,d=32,heads=4,ffn=64,vocab=50"
expect_error "does not divide" run "nlpfast-bert:heads=5"
expect_error "unknown parameter 'depth'" run "nlpfast-bert:depth=3"
expect_error "unknown parameter 'hidden'" run "nlp-fast-bert:hidden=64"  # aliases take zoo keys
expect_error "GiB" run "nlp-fast-bert:seq=200000,layers=1"
expect_error "outside [0, 1]" run "$small" --opt zs --score-threshold 1.5
expect_error "outside [0, 1]" run "$small" --opt zs --zero-ratio-threshold -0.5
expect_error "unknown --opt" run "$small" --opt turbo
expect_error "unknown schedule" run "$small" --schedule fastest
expect_error "cannot open" run "$small" --weights /nonexistent.safetensors
# ONNX initializers as weights: a zoo model whose weights the file does not name, an ONNX model
# without its symbolic dimensions bound.
fixtures="${2:-.}/tests/fixtures/onnx"
expect_error "has no initializer named" run "$small" --weights "$fixtures/tiny_mlp.onnx"
expect_error "seq" run "$fixtures/tiny_mlp.onnx"
expect_error "has no initializer named" run "gpt2:layers=1,d=32,heads=4,ffn=64,vocab=60" \
  --generate 2 --prompt 2 --weights "$fixtures/tiny_mlp.onnx"  # decoding reads --weights too
garbage=$(mktemp --suffix=.onnx)
echo "not a model" > "$garbage"
expect_error "not a readable ONNX model" run "$fixtures/tiny_mlp.onnx" --dim batch=1 --dim seq=4 \
  --weights "$garbage"
rm -f "$garbage"
expect_error "unknown event" profile "$small" --mode custom --events no-such-event
expect_error "unknown profile mode" profile "$small" --mode everything
expect_error "unknown configuration" profile "$small" --configs "Z-9x"
expect_error "custom mode needs" profile "$small" --mode custom
expect_error "not an autoregressive decoder" run "bert-base:layers=1" --generate 2
expect_error "no feed-forward" profile "memnet:memory=64" --configs "F-4x"
expect_error "no feed-forward" profile "nlp-fast-memnet" --configs "F-4x"

if [[ $failures -gt 0 ]]; then echo "$failures failure(s)"; exit 1; fi
echo "run_bad_input: all passed"
