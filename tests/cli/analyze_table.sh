#!/usr/bin/env bash
# `tessera analyze` table output for the survey's models: the rows a reader compares with the
# survey's Tables 3 and 11 (001) are present with tessera's numbers.
# Usage: analyze_table.sh TESSERA_BINARY SOURCE_DIR
set -u
tessera="$1"
failures=0

expect_row() {  # expect_row OUTPUT_FILE GROUP GFLOPS: the row for GROUP starts with these values
  local file="$1" group="$2" gflops="$3"
  grep -Eq "^$group +$gflops " "$file" || {
    echo "FAIL: no row '$group $gflops' in:" >&2
    cat "$file" >&2
    failures=$((failures + 1))
  }
}

out="$(mktemp)"
trap 'rm -f "$out"' EXIT

"$tessera" analyze bert-base >"$out" || failures=$((failures + 1))
expect_row "$out" mha_projections 7.248
expect_row "$out" act_to_act 0.604
expect_row "$out" ffn_projections 14.496
expect_row "$out" "12 layers" 22.423
grep -q "params: 109.5 M" "$out" || { echo "FAIL: bert-base params" >&2; failures=$((failures + 1)); }
grep -q "1 MAC = 2 FLOPs" "$out" || { echo "FAIL: assumptions line" >&2; failures=$((failures + 1)); }

"$tessera" analyze gpt2 --mode decoder --generate 4096 >"$out" || failures=$((failures + 1))
expect_row "$out" mha_projections 231.928
expect_row "$out" act_to_act 309.313
grep -q "sum over 4096 generated tokens" "$out" || { echo "FAIL: decoder note" >&2; failures=$((failures + 1)); }

"$tessera" analyze bert-base:seq=512 --ops >"$out" || failures=$((failures + 1))
grep -Eq "^layer11\.attn\.qk +qk_matmul +matmul" "$out" || { echo "FAIL: --ops lists layer ops" >&2; failures=$((failures + 1)); }

[ "$failures" -eq 0 ] || exit 1
echo "analyze_table: all checks passed"
