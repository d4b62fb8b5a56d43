#!/usr/bin/env bash
# `tessera analyze` on bad input: exit code 2, one error line on stderr naming the problem, and
# no output file left behind. Then one happy path: the JSON report has its documented keys.
# Usage: analyze_bad_input.sh TESSERA_BINARY SOURCE_DIR
set -u
tessera="$1"
source "$(dirname "$0")/lib/common.sh"

# expect_bad EXPECTED_TEXT ARGS...: `analyze ARGS` is rejected and writes no output file.
expect_bad() {
  local expected="$1"
  shift
  expect_rejected "$expected" "$tessera" analyze "$@" --format json --output "$work/out"
}

# Usage errors caught by the option parser: the same one-line format as every other error.
expect_rejected "not expected: --bogus" "$tessera" analyze bert-base --bogus
expect_rejected "yaml not in" "$tessera" analyze bert-base --format yaml
expect_rejected "A subcommand is required" "$tessera"

expect_bad "unknown model 'bert-bsae'" bert-bsae
expect_bad "did you mean 'bert-base'" bert-bsae
expect_bad "unknown parameter 'sequence'" bert-base:sequence=512
expect_bad "seq: 0 must be positive" bert-base:seq=0
expect_bad "seq: -1 must be positive" bert-base:seq=-1
expect_bad "seq: 'abc' is not an integer" bert-base:seq=abc
expect_bad "heads=5 does not divide d=768" bert-base:heads=5
expect_bad "lists 2 values for 12 layers" bert-base:heads=12/12
expect_bad "absurdly large" bert-base:seq=2000000000000
expect_bad "overflows" bert-base:seq=1099511627776,d=1099511627776,heads=16
expect_bad "absurdly large" gpt2:layers=99999999
expect_bad "activation 'swish'" gpt2:activation=swish
expect_bad "has no decoder mode" bert-base --mode decoder

printf 'preset: bert-base\nparams: {seq: [1, 2\n' >"$work/malformed.yaml"
expect_bad "malformed YAML" "$work/malformed.yaml"
printf 'preset: bert-base\nparams:\n  heads: 5\n' >"$work/heads.yaml"
expect_bad "heads=5 does not divide d=768" "$work/heads.yaml"
printf 'preset: bert-base\nlayers: 3\n' >"$work/unknown_key.yaml"
expect_bad "unknown key 'layers'" "$work/unknown_key.yaml"
expect_bad "$work/missing.yaml" "$work/missing.yaml"

# Happy path: JSON with the documented keys, and a YAML model file with per-layer lists.
if ! "$tessera" analyze bert-base --format json --output "$work/bert.json" 2>"$work/stderr"; then
  fail "analyze bert-base --format json failed: $(cat "$work/stderr")"
elif ! /usr/bin/python3 - "$work/bert.json" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
for key in ("model", "assumptions", "totals", "groups", "ops", "layers", "config"):
    assert key in report, key
for key in ("flops", "macs", "bytes", "intensity", "params"):
    assert key in report["totals"], key
assert report["model"] == "bert-base"
assert report["totals"]["params"] == 109482240, report["totals"]["params"]
groups = [g["name"] for g in report["groups"]]
for g in ("mha_projections", "act_to_act", "ffn_projections", "other", "embedding"):
    assert g in groups, groups
assert report["assumptions"]["precision"] == "int8"
assert any(op["role"] == "qk_matmul" and op["layer"] == 11 for op in report["ops"])
EOF
then
  fail "bert-base JSON report lacks documented keys"
fi

printf 'family: transformer-encoder\nname: tiny\nparams:\n  layers: 3\n  d: 96\n  heads: [12, 6, 4]\n  ffn: [100, 200, 300]\n' >"$work/tiny.yaml"
"$tessera" analyze "$work/tiny.yaml" >"$work/tiny.txt" 2>"$work/stderr" ||
  fail "analyze tiny.yaml failed: $(cat "$work/stderr")"
grep -q "model: tiny" "$work/tiny.txt" || fail "tiny.yaml: report does not name the model"

"$tessera" analyze gpt2 --mode decoder --generate 32768 >"$work/gpt2.txt" 2>"$work/stderr" ||
  fail "gpt2 decoder mode failed: $(cat "$work/stderr")"
grep -q "32768 generated tokens" "$work/gpt2.txt" || fail "gpt2 decoder note missing"

finish analyze_bad_input
