#!/usr/bin/env bash
# tessera map: bad input gives one clear error line naming the problem and exit code 2, and never
# a half-written output file.
# Usage: map_bad_input.sh TESSERA_BINARY SOURCE_DIR
set -u
tessera="$1"
SRC="$2"
source "$(dirname "$0")/lib/common.sh"

expect_error() {  # expect_error "message fragment" args...
  local want="$1"
  shift
  expect_rejected "$want" "$tessera" "$@" -o "$work/out"
}

expect_error "m = 0 must be" map matmul:m=0,k=4,n=4
expect_error "unknown field 'x'" map matmul:m=4,k=4,n=4,x=3
expect_error "missing field n" map matmul:m=4,k=4
expect_error "is not an integer" map matmul:m=4,k=four,n=4
expect_error "groups = 3 must divide" map conv:n=1,k=8,c=8,p=4,q=4,r=3,s=3,groups=3
expect_error "is not matmul" map gemm:m=4
expect_error "unknown mapper 'annealing'" map matmul:m=4,k=4,n=4 --mapper annealing
expect_error "unknown objective" map matmul:m=4,k=4,n=4 --objective speed
expect_error "has no op 'nope'" map 'bert-base:seq=128#nope'

# Contradictory constraints.
printf 'levels: {scratchpad: {temporal: {N: 64}}}\n' > "$work/c1.yaml"
expect_error "fixed factors multiply to 64 > N = 16" map matmul:m=64,k=64,n=16 --constraints "$work/c1.yaml"
printf 'spatial_x_factors: {M: 4}\n' > "$work/c2.yaml"
expect_error "spatial_x.M" map matmul:m=64,k=64,n=16 --constraints "$work/c2.yaml"
printf 'levels: {accumulator: {keep: [weights]}}\n' > "$work/c3.yaml"
expect_error "cannot hold weights" map matmul:m=64,k=64,n=16 --constraints "$work/c3.yaml"
printf 'levles: {}\n' > "$work/c4.yaml"
expect_error "unknown key" map matmul:m=64,k=64,n=16 --constraints "$work/c4.yaml"
printf 'levels: [unclosed\n' > "$work/c5.yaml"
expect_error "constraints YAML" map matmul:m=64,k=64,n=16 --constraints "$work/c5.yaml"

# Buffers too small for the smallest tile the constraints allow.
sed 's/capacity_bytes: 262144/capacity_bytes: 600/' "$SRC/data/hw/gemmini.yaml" > "$work/small.yaml"
printf 'levels: {scratchpad: {temporal: {K: 512}}}\n' > "$work/c6.yaml"
expect_error "no valid mapping: scratchpad holds 600 bytes" map matmul:m=64,k=512,n=64 --hw "$work/small.yaml" --constraints "$work/c6.yaml"

# Malformed and impossible mappings.
printf 'levels: [{level: nowhere}]\n' > "$work/m1.yaml"
expect_error "no such memory level" map matmul:m=64,k=64,n=16 --mapping "$work/m1.yaml"
printf 'levels: [{level: dram, temporal: {K: 2}}]\n' > "$work/m2.yaml"
expect_error "factors of" map matmul:m=64,k=64,n=16 --mapping "$work/m2.yaml"
printf 'levels: [{level: dram, temporal: {M: 1, K: 1, N: 1}}, {level: scratchpad, temporal: {M: 64, K: 64, N: 16}, keep: [weights, inputs]}]\n' > "$work/m3.yaml"
expect_error "over capacity at level scratchpad" map matmul:m=64,k=64,n=16 --mapping "$work/m3.yaml" --hw "$work/small.yaml"

# The MIP mapper allocates prime factors: a fixed factor must divide its bound.
printf 'levels: {scratchpad: {temporal: {K: 3}}}\n' > "$work/c7.yaml"
expect_error "fixed factor 3 of K at scratchpad does not divide its bound 64" map matmul:m=64,k=64,n=16 --mapper mip --constraints "$work/c7.yaml"

# Energies from a chip model: levels it cannot price, bad bindings, unknown chips.
expect_error "level 'l2' (role shared buffer)" map matmul:m=64,k=64,n=16 --hw gemmini-like --chip gemmini
expect_error "no DRAM interface" map matmul:m=64,k=64,n=16 --hw gemmini-like --chip gemmini --chip-level l2=spec
expect_error "has no memory 'sram'" map matmul:m=64,k=64,n=16 --hw gemmini-like --chip gemmini --chip-level l2=sram
expect_error "without a chip" map matmul:m=64,k=64,n=16 --chip-level l2=spec
expect_error "nochip" map matmul:m=64,k=64,n=16 --chip nochip

# Fusion study on hardware without normalisation units.
expect_error "no special-function unit" map --fusion-study --hw gemmini
finish map_bad_input
