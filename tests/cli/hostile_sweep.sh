#!/usr/bin/env bash
# Hostile-input sweep over every `tessera` subcommand (DESIGN.md "Errors"): unknown names, zero,
# negative, non-numeric and absurd sizes, malformed spec files, missing or unwritable output
# paths, impossible targets. Each probe runs under `timeout 20` (a timeout is a hang) and must
# exit 2 with exactly one stderr line starting "tessera: error:", print nothing on stdout and
# leave no file in the output folder. Usage: hostile_sweep.sh TESSERA_BINARY SOURCE_DIR
set -u
tessera="$1"
source "$(dirname "$0")/lib/common.sh"

o="$work/o"            # every output path of a probe points in here; it must stay empty
missing="$work/no/such/dir"

# probe ARGS...: `tessera ARGS...` must be rejected cleanly (see the header). Bash builtins only
# besides `timeout`: the sweep runs some 500 probes and must stay well under a minute.
shopt -s nullglob dotglob
mkdir -p "$o"
probe() {
  local start=$EPOCHREALTIME
  timeout 20 "$tessera" "$@" >"$work/stdout" 2>"$work/stderr"
  local rc=$?
  # SWEEP_TIMES=FILE: appends each probe's wall time (microseconds) to FILE, to find slow ones.
  [ -z "${SWEEP_TIMES:-}" ] ||
    echo "$((${EPOCHREALTIME/./} - ${start/./})) tessera $*" >>"$SWEEP_TIMES"
  local err=()
  mapfile -t err <"$work/stderr"
  local left=("$o"/*)
  if [ "$rc" -eq 124 ]; then
    fail "tessera $*: hung (killed after 20 s)"
  else
    [ "$rc" -eq 2 ] || fail "tessera $*: exit $rc, expected 2: ${err[0]:-}"
    [ "${#err[@]}" -eq 1 ] || fail "tessera $*: ${#err[@]} stderr lines, expected 1: ${err[*]:0:3}"
    [[ "${err[0]:-}" == "tessera: error: "* ]] ||
      fail "tessera $*: stderr does not start 'tessera: error:': ${err[0]:-}"
    [ ! -s "$work/stdout" ] || fail "tessera $*: wrote to stdout"
  fi
  if [ "${#left[@]}" -ne 0 ]; then
    fail "tessera $*: left files: ${left[*]##*/}"
    rm -rf "${left[@]}"
  fi
}

spec() {  # spec NAME CONTENT: writes $work/NAME
  printf '%s\n' "$2" >"$work/$1"
}

# --- spec files shared by every command that reads one -----------------------------------------
spec empty.yaml ''
spec notyaml.yaml 'key: [unclosed, {also: unclosed'
spec list.yaml '- a
- b'
spec scalar.yaml '42'
spec dupkeys.yaml 'name: a
name: b'
head -c 600 /dev/urandom | tr -d '\000' >"$work/garbage.yaml"
printf 'name: x\n\000\001\002binary\n' >"$work/nul.yaml"
mkdir -p "$work/adir.yaml"
bad_files=("$work/empty.yaml" "$work/notyaml.yaml" "$work/list.yaml" "$work/scalar.yaml"
           "$work/dupkeys.yaml" "$work/garbage.yaml" "$work/nul.yaml" "$work/adir.yaml"
           "$work/missing.yaml")
if [ "$(id -u)" -ne 0 ]; then
  spec unreadable.yaml 'name: x'
  chmod 000 "$work/unreadable.yaml"
  bad_files+=("$work/unreadable.yaml")
fi

# --- models (zoo names, overrides, model files) ---------------------------------------------------
bad_models=(no-such-model "bert-base:seq=0" "bert-base:seq=abc"
  "bert-base:seq=1e12" "bert-base:seq=9223372036854775808" "bert-base:seq=2.5"
  "bert-base:d=0" "bert-base:heads=0" "bert-base:heads=5"
  "bert-base:d=9223372036854775807" "bert-base:layers=1000000000000"
  "bert-base:nosuchkey=3" "bert-base:seq" "bert-base:=5" "bert-base:seq=nan" "bert-base:seq=inf"
  "bert-base:" "gpt2:heads=7" "resnet50:depth=17" "resnet50:batch=0"
  "efficientnet-b0:width=0" "efficientnet-b0:resolution=0"
  "efficientnet-b0:width=nan" "efficientnet-b0:width=1e300"
  "memnet:memory=0" "mobilenetv2:width=0")
spec model_unknown_key.yaml 'family: transformer-decoder
params: {layers: 2}
extra: 1'
spec model_bad_family.yaml 'family: nope
params: {layers: 2}'
spec model_neg.yaml 'family: transformer-encoder
params: {layers: -2, d: 768, heads: 12, seq: 128}'
spec model_huge.yaml 'family: transformer-encoder
params: {layers: 2, d: 1.0e300, heads: 12, seq: 128}'
spec model_nan.yaml 'family: transformer-encoder
params: {layers: 2, d: .nan, heads: 12, seq: 128}'
spec model_list_params.yaml 'family: transformer-encoder
params: [1, 2]'
spec model_stages_bad.yaml 'family: cnn-stages
params:
  resolution: 224
  stages:
    - {op: conv, kernel: 0, stride: 2, out: 32, act: swish}'
spec model_stages_empty.yaml 'family: cnn-stages
params: {resolution: 224, stages: []}'
spec model_stages_huge.yaml 'family: cnn-stages
params:
  resolution: 32
  stages: [{op: mbconv, expand: 1000000, kernel: 3, out: 1000000, repeats: 1000000}]'
spec model_stages_wide.yaml 'family: cnn-stages
params: {resolution: 32, stages: [{op: mbconv, expand: 1000000, kernel: 3, out: 1000000}]}'
spec model_name_map.yaml 'family: transformer-encoder
name: {a: 1}'
spec model_family_list.yaml 'family: [1]'
spec model_both.yaml 'preset: bert-base
family: gpt2'
bad_models+=("$work/model_stages_huge.yaml" "$work/model_stages_wide.yaml" "$work/model_name_map.yaml"
  "$work/model_family_list.yaml" "$work/model_both.yaml")
bad_models+=("${bad_files[@]}" "$work/model_unknown_key.yaml" "$work/model_bad_family.yaml"
  "$work/model_neg.yaml" "$work/model_huge.yaml" "$work/model_nan.yaml"
  "$work/model_list_params.yaml" "$work/model_stages_bad.yaml" "$work/model_stages_empty.yaml"
  "$work/missing.onnx")

for m in "${bad_models[@]}"; do
  probe analyze "$m" -o "$o/out"
done
# Every cost command resolves models the same way: a sample of the above for the others.
for m in no-such-model "bert-base:seq=0" "bert-base:heads=5" "bert-base:" "$work/notyaml.yaml" \
         "$work/adir.yaml" "$work/model_nan.yaml"; do
  probe estimate "$m" --hw gemmini -o "$o/out"
  probe roofline "$m" --hw gemmini --svg "$o/r.svg" --data "$o/r.csv"
  probe map --model "$m" --hw gemmini -o "$o/out"
  probe map "$m#op" --hw gemmini -o "$o/out"
  probe run "$m" -o "$o/out"
  probe profile "$m" -o "$o/out"
done

# --- common option values -------------------------------------------------------------------------
probe analyze bert-base --format xml
probe analyze bert-base --precision int3
probe analyze bert-base --precision ''
probe analyze bert-base --batch 0
probe analyze bert-base --batch -1
probe analyze bert-base --batch 1e12
probe analyze bert-base --batch abc
probe analyze bert-base --mode decoder --generate 0
probe analyze bert-base --mode decoder --position 0
probe analyze bert-base --dim x
probe analyze bert-base --dim =3
probe analyze bert-base --dim n=0
probe analyze bert-base --dim n=-4
probe analyze bert-base -o "$missing/out"
probe analyze bert-base -o "$work/adir.yaml"
probe models --format xml
# A device is written as a stream, never renamed over (as root that replaced /dev/full and
# /dev/null with regular files): a full device is an error, /dev/null a normal sink.
if [ -c /dev/full ]; then
  probe analyze bert-base -o /dev/full
  [ -c /dev/full ] || fail "analyze -o /dev/full replaced the device node"
fi
"$tessera" analyze bert-base -o /dev/null >"$work/stdout" 2>&1 || fail "analyze -o /dev/null failed"
[ -c /dev/null ] || fail "analyze -o /dev/null replaced the device node"
probe models -o "$missing/out"

# --- hardware specs and --set -----------------------------------------------------------------------
hw_base='name: t
kind: accelerator
clock_hz: 1.0e9
pe_array: {rows: 16, cols: 16, dataflow: ws}
memory:
  - {name: accumulator, capacity_bytes: 65536, bandwidth_bytes_per_s: 6.4e10, holds: [outputs]}
  - {name: scratchpad, capacity_bytes: 262144, bandwidth_bytes_per_s: 6.4e10, double_buffered: true}
  - {name: dram, bandwidth_bytes_per_s: 1.6e10, off_chip: true}'
spec hw_ok.yaml "$hw_base"
spec hw_nanclock.yaml "${hw_base/clock_hz: 1.0e9/clock_hz: .nan}"
spec hw_negclock.yaml "${hw_base/clock_hz: 1.0e9/clock_hz: -1}"
spec hw_zerorows.yaml "${hw_base/rows: 16/rows: 0}"
spec hw_hugerows.yaml "${hw_base/rows: 16/rows: 1.0e300}"
spec hw_fracrows.yaml "${hw_base/rows: 16/rows: 2.5}"
spec hw_negcap.yaml "${hw_base/capacity_bytes: 65536/capacity_bytes: -65536}"
spec hw_hugecap.yaml "${hw_base/capacity_bytes: 65536/capacity_bytes: 1.0e300}"
spec hw_nanbw.yaml "${hw_base/bandwidth_bytes_per_s: 1.6e10/bandwidth_bytes_per_s: .nan}"
spec hw_zerobw.yaml "${hw_base/bandwidth_bytes_per_s: 1.6e10/bandwidth_bytes_per_s: 0}"
spec hw_nomem.yaml 'name: t
kind: accelerator
clock_hz: 1.0e9
pe_array: {rows: 16, cols: 16, dataflow: ws}'
spec hw_memmap.yaml 'name: t
kind: accelerator
clock_hz: 1.0e9
memory: {dram: {bandwidth_bytes_per_s: 1.6e10}}'
spec hw_dupkey.yaml "$hw_base
clock_hz: 2.0e9"
spec hw_badkind.yaml "${hw_base/kind: accelerator/kind: toaster}"
spec hw_baddataflow.yaml "${hw_base/dataflow: ws/dataflow: zz}"
spec hw_nodram.yaml 'name: t
kind: accelerator
clock_hz: 1.0e9
pe_array: {rows: 16, cols: 16, dataflow: ws}
memory:
  - {name: accumulator, capacity_bytes: 65536, bandwidth_bytes_per_s: 6.4e10, holds: [outputs]}'
hw_bad=("${bad_files[@]}")
for f in hw_nanclock hw_negclock hw_zerorows hw_hugerows hw_fracrows hw_negcap \
         hw_hugecap hw_nanbw hw_zerobw hw_nomem hw_memmap hw_dupkey hw_badkind \
         hw_baddataflow hw_nodram; do
  hw_bad+=("$work/$f.yaml")
done
for h in "${hw_bad[@]}" no-such-hw ""; do
  probe hw validate "$h"
done
# `hw show`, `estimate` and `map` load hardware through the same parser: a sample.
for h in no-such-hw "" "$work/garbage.yaml" "$work/adir.yaml" "$work/hw_nanclock.yaml" \
         "$work/hw_dupkey.yaml" "$work/hw_zerorows.yaml" "$work/hw_nodram.yaml"; do
  probe hw show "$h"
  probe estimate bert-base --hw "$h" -o "$o/out"
  probe map matmul:m=64,k=64,n=64 --hw "$h" -o "$o/out"
done
for h in no-such-hw "$work/hw_nanclock.yaml" "$work/garbage.yaml"; do
  probe roofline bert-base --hw "$h" --svg "$o/r.svg" --data "$o/r.csv"
  probe profile nlpfast-bert:layers=1,seq=8,d=64,heads=2,ffn=64 --estimate "$h" --repeat 1 -o "$o/out"
done
bad_sets=(nosuch.key=1 clock_hz=abc clock_hz=nan clock_hz=-1 clock_hz=0
  pe_array.rows=0 pe_array.rows=2.5 pe_array.rows=1e300
  pe_array.rows=9223372036854775808 scratchpad.capacity_bytes=-1 scratchpad.capacity_bytes=abc
  scratchpad.nosuch=1 dram.bandwidth_bytes_per_s=0 clock_hz
  =5 "clock_hz=" pe_array=3 memory=3 name= kind=toaster pe_array.dataflow=zz)
for s in "${bad_sets[@]}"; do
  probe hw show gemmini --set "$s"
done
for s in nosuch.key=1 clock_hz=nan pe_array.rows=0 scratchpad.capacity_bytes=-1 =5; do
  probe estimate bert-base --hw gemmini --set "$s" -o "$o/out"
done
probe roofline bert-base --hw gemmini --set clock_hz=0 --svg "$o/r.svg" --data "$o/r.csv"
for e in matmul=0 matmul=-1 matmul=2 matmul=nan matmul=inf matmul=abc nosuch=0.5 matmul =0.5; do
  probe estimate bert-base --hw gemmini --efficiency "$e" -o "$o/out"
done
probe estimate bert-base --hw gemmini --evaluator nosuch -o "$o/out"
probe estimate bert-base --hw gemmini --precision int3
probe estimate bert-base --hw gemmini --fusion maybe
probe estimate bert-base --hw gemmini --format xml
probe estimate bert-base --hw gemmini -o "$missing/out"
probe estimate bert-base --hw gemmini --measure -o "$o/out"
probe estimate bert-base --hw gemmini --evaluator mapped --chip no-such-chip -o "$o/out"
probe estimate bert-base --hw gemmini --evaluator mapped --chip-level bogus -o "$o/out"
probe estimate bert-base --hw gemmini --evaluator mapped --chip gemmini --chip-level nolevel=scratchpad -o "$o/out"
probe estimate bert-base --hw gemmini --evaluator mapped --chip gemmini --chip-level scratchpad=nomem -o "$o/out"
probe hw show gemmini --measure
probe hw list extra

# --- roofline output paths: neither file may be written when either fails ---------------------------
probe roofline bert-base --hw gemmini --svg "$o/r.svg" --data "$missing/r.csv"
probe roofline bert-base --hw gemmini --svg "$missing/r.svg" --data "$o/r.csv"
probe roofline bert-base --hw gemmini --svg "$work/adir.yaml" --data "$o/r.csv"
probe roofline bert-base --hw gemmini --svg "$o/r.svg" --data "$work/adir.yaml"

# --- chip specs -----------------------------------------------------------------------------------
chip_base="$(cat "$2/data/chip/presets/gemmini.yaml")"
spec chip_ok.yaml "$chip_base"
spec chip_zeroclock.yaml "${chip_base/clock_mhz: 1000/clock_mhz: 0}"
spec chip_nanclock.yaml "${chip_base/clock_mhz: 1000/clock_mhz: .nan}"
spec chip_hugeclock.yaml "${chip_base/clock_mhz: 1000/clock_mhz: 1.0e300}"
spec chip_negcores.yaml "${chip_base/cores: 1/cores: -1}"
spec chip_hugecores.yaml "${chip_base/cores: 1/cores: 1.0e18}"
spec chip_zerorows.yaml "${chip_base/rows: 16/rows: 0}"
spec chip_hugerows.yaml "${chip_base/rows: 16/rows: 1000000000}"
spec chip_fracrows.yaml "${chip_base/rows: 16/rows: 2.5}"
spec chip_badnode.yaml "${chip_base/node_nm: 22/node_nm: 3}"
spec chip_zeronode.yaml "${chip_base/node_nm: 22/node_nm: 0}"
spec chip_negcap.yaml "${chip_base/capacity_kib: 256/capacity_kib: -256}"
spec chip_zerocap.yaml "${chip_base/capacity_kib: 256/capacity_kib: 0}"
spec chip_hugecap.yaml "${chip_base/capacity_kib: 256/capacity_kib: 1.0e300}"
spec chip_nancap.yaml "${chip_base/capacity_kib: 256/capacity_kib: .nan}"
spec chip_zerobanks.yaml "${chip_base/banks: 4/banks: -1}"
spec chip_baddtype.yaml "${chip_base/dtype: int8/dtype: int3}"
spec chip_baddataflow.yaml "${chip_base/dataflow: ws/dataflow: zz}"
spec chip_negws.yaml "${chip_base/white_space: 0/white_space: -0.5}"
spec chip_bigws.yaml "${chip_base/white_space: 0/white_space: 1.5}"
spec chip_dupkey.yaml "$chip_base
cores: 2"
spec chip_unknownkey.yaml "$chip_base
bogus_key: 2"
spec chip_memmap.yaml "$(grep -v '^  - {name' <<<"${chip_base/memories:/memories: {a: 1\}}")"
# Targets no design can meet: a clock searched from an unreachable throughput, tiny budgets.
spec chip_target.yaml "${chip_base/clock_mhz: 1000/target_tops: 1.0e9}"
spec chip_area.yaml "$chip_base
area_budget_mm2: 0.0001"
spec chip_power.yaml "$chip_base
power_budget_w: 0.000001"
chip_bad=("${bad_files[@]}" no-such-chip)
for f in chip_zeroclock chip_nanclock chip_hugeclock chip_negcores \
         chip_hugecores chip_zerorows chip_hugerows chip_fracrows chip_badnode chip_zeronode \
         chip_negcap chip_zerocap chip_hugecap chip_nancap chip_zerobanks chip_baddtype \
         chip_baddataflow chip_negws chip_bigws chip_dupkey chip_unknownkey chip_memmap \
         chip_target chip_area chip_power; do
  chip_bad+=("$work/$f.yaml")
done
for c in "${chip_bad[@]}"; do
  probe chip show "$c" -o "$o/out"
done
# `chip validate` reads specs with the same parser: a sample, with the impossible targets.
for c in no-such-chip "$work/garbage.yaml" "$work/chip_nanclock.yaml" "$work/chip_dupkey.yaml" \
         "$work/chip_target.yaml" "$work/chip_area.yaml" "$work/chip_power.yaml"; do
  probe chip validate "$c" -o "$o/out"
done
for c in no-such-chip "$work/garbage.yaml" "$work/chip_nanclock.yaml" "$work/chip_dupkey.yaml"; do
  probe map matmul:m=64,k=64,n=64 --hw gemmini --chip "$c" -o "$o/out"
  probe estimate bert-base --hw gemmini --evaluator mapped --chip "$c" -o "$o/out"
done
probe chip show gemmini --format xml
probe chip show gemmini -o "$missing/out"
probe chip sweep -o "$missing/out"
probe chip sparsity --format csv
probe chip bogus

# --- map ------------------------------------------------------------------------------------------
for p in matmul: matmul:m=0,k=64,n=64 matmul:m=-1,k=64,n=64 matmul:m=abc,k=64,n=64 \
         matmul:m=1e12,k=64,n=64 matmul:m=9223372036854775808,k=64,n=64 matmul:m=2.5,k=64,n=64 \
         matmul:m=64,k=64 matmul:m=64,k=64,n=64,x=3 matmul:m=64,m=32,k=64,n=64 \
         conv:n=1,k=8,c=8,p=7,q=7,r=3,s=3,stride=0 conv:n=1,k=8,c=8,p=0,q=7,r=3,s=3 \
         conv:n=1,k=8,c=8,p=7,q=7,r=3,s=3,stride=-1 "conv:" nosuch:m=1 "bert-base#nosuchop" \
         "#" "bert-base#" "matmul:m=4294967296,k=4294967296,n=4294967296"; do
  probe map "$p" --hw gemmini -o "$o/out"
done
probe map --hw gemmini -o "$o/out"
probe map matmul:m=64,k=64,n=64 --mapper nosuch
probe map matmul:m=64,k=64,n=64 --objective nosuch
probe map matmul:m=64,k=64,n=64 --threads -1
probe map matmul:m=64,k=64,n=64 --threads 100000
probe map matmul:m=64,k=64,n=64 --population 0
probe map matmul:m=64,k=64,n=64 --generations 0
probe map matmul:m=64,k=64,n=64 --samples 0
probe map matmul:m=64,k=64,n=64 --max-evals 0
probe map matmul:m=64,k=64,n=64 --distribution 0
probe map matmul:m=64,k=64,n=64 --seed -1
probe map matmul:m=64,k=64,n=64 --dataflow zz
probe map matmul:m=64,k=64,n=64 --format csv
probe map matmul:m=64,k=64,n=64 -o "$missing/out"
probe map matmul:m=64,k=64,n=64 --distribution 50 --csv "$missing/d.csv" --svg "$o/d.svg"
probe map matmul:m=64,k=64,n=64 --distribution 50 --csv "$o/d.csv" --svg "$missing/d.svg"
probe map matmul:m=64,k=64,n=64 --distribution 50 --csv "$o/d.csv" --svg "$o/d.svg" -o "$missing/out"
for f in "${bad_files[@]}"; do
  probe map matmul:m=64,k=64,n=64 --constraints "$f" -o "$o/out"
  probe map matmul:m=64,k=64,n=64 --mapping "$f" -o "$o/out"
done
spec cons_unknown.yaml 'bogus: 1'
spec cons_zerofactor.yaml 'levels: {scratchpad: {temporal: {K: 0}}}'
spec cons_negfactor.yaml 'levels: {scratchpad: {temporal: {K: -4}}}'
spec cons_hugefactor.yaml 'levels: {scratchpad: {temporal: {K: 1.0e300}}}'
spec cons_nanfactor.yaml 'levels: {scratchpad: {temporal: {K: .nan}}}'
spec cons_nolevel.yaml 'levels: {nolevel: {temporal: {K: 4}}}'
spec cons_nodim.yaml 'levels: {scratchpad: {temporal: {Z: 4}}}'
spec cons_keepbypass.yaml 'levels: {scratchpad: {keep: [weights], bypass: [weights]}}'
spec cons_badtensor.yaml 'levels: {scratchpad: {keep: [nosuch]}}'
spec cons_baddataflow.yaml 'dataflow: zz'
spec cons_spatial.yaml 'spatial_x_factors: {N: 1000}'
spec cons_dataflow_map.yaml 'dataflow: {a: 1}'
spec cons_level_scalar.yaml 'levels: {scratchpad: 5}'
for f in cons_unknown cons_zerofactor cons_negfactor cons_hugefactor cons_nanfactor cons_nolevel \
         cons_nodim cons_keepbypass cons_badtensor cons_baddataflow cons_spatial \
         cons_dataflow_map cons_level_scalar; do
  probe map matmul:m=64,k=64,n=64 --constraints "$work/$f.yaml" -o "$o/out"
done
spec map_tiny.yaml "${hw_base/capacity_bytes: 65536/capacity_bytes: 1}"
spec map_tiny2.yaml "${hw_base/capacity_bytes: 262144/capacity_bytes: 16}"
probe map matmul:m=512,k=512,n=512 --hw "$work/map_tiny.yaml" -o "$o/out"
for m in genetic exhaustive random heuristic mip; do
  probe map matmul:m=512,k=512,n=512 --hw "$work/map_tiny2.yaml" --mapper $m -o "$o/out"
done
probe map matmul:m=512,k=512,n=512 --hw "$work/map_tiny2.yaml" --distribution 10 --csv "$o/d.csv" -o "$o/out"
probe map --model bert-base:layers=1 --hw "$work/map_tiny2.yaml" -o "$o/out"
probe estimate bert-base:layers=1 --hw "$work/map_tiny2.yaml" --evaluator mapped -o "$o/out"
probe map matmul:m=512,k=512,n=512 --hw "$work/map_tiny.yaml" --mapper exhaustive -o "$o/out"
probe map matmul:m=512,k=512,n=512 --hw "$work/map_tiny.yaml" --mapper random -o "$o/out"
probe map matmul:m=512,k=512,n=512 --hw "$work/map_tiny.yaml" --mapper heuristic -o "$o/out"
probe map matmul:m=512,k=512,n=512 --hw "$work/map_tiny.yaml" --distribution 10 --csv "$o/d.csv" -o "$o/out"
probe map --model bert-base:layers=1 --hw "$work/map_tiny.yaml" -o "$o/out"
probe map --fusion-study --hw "$work/map_tiny.yaml" -o "$o/out"

# --- run ------------------------------------------------------------------------------------------
small=nlpfast-bert:layers=1,seq=8,d=64,heads=2,ffn=64
probe run "$small" --repeat 0
probe run "$small" --repeat -1
probe run "$small" --threads 0
probe run "$small" --threads -1
probe run "$small" --threads 100000
probe run "$small" --score-threshold -0.1
probe run "$small" --score-threshold 1.5
probe run "$small" --score-threshold nan
probe run "$small" --zero-ratio-threshold 2
probe run "$small" --zero-ratio-threshold -1
probe run "$small" --zero-ratio-threshold inf
probe run "$small" --opt nosuch
probe run "$small" --opt ""
probe run "$small" --schedule nosuch
probe run "$small" --key-chunk 0
probe run "$small" --row-block -5
probe run "$small" --format xml
probe run "$small" --weights "$work/missing.safetensors" -o "$o/out"
probe run "$small" --weights "$work/garbage.yaml" -o "$o/out"
# safetensors files: the 8-byte little-endian header length, the JSON header, then DATA zeros.
safetensors() {  # safetensors NAME HEADER DATA_BYTES
  local n=${#2}
  printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x\\x00\\x00\\x00\\x00' $((n & 255)) \
    $((n >> 8 & 255)) $((n >> 16 & 255)) $((n >> 24 & 255)))" >"$work/$1"
  printf '%s' "$2" >>"$work/$1"
  head -c "$3" /dev/zero >>"$work/$1"
}
q=layer0.attn.q.weight
safetensors st_oob.safetensors '{"'$q'": {"dtype": "F32", "shape": [64, 64], "data_offsets": [0, 1099511627776]}}' 64
safetensors st_shape.safetensors '{"'$q'": {"dtype": "F32", "shape": [3, 3], "data_offsets": [0, 36]}}' 36
safetensors st_f16.safetensors '{"'$q'": {"dtype": "F16", "shape": [2], "data_offsets": [0, 4]}}' 4
safetensors st_wrap.safetensors '{"'$q'": {"dtype": "F32", "shape": [4611686018427387904, 4], "data_offsets": [0, 0]}}' 0
safetensors st_neg.safetensors '{"'$q'": {"dtype": "F32", "shape": [-4], "data_offsets": [0, 16]}}' 16
safetensors st_types.safetensors '{"'$q'": {"dtype": "F32", "shape": "abc", "data_offsets": [0, 16]}}' 16
safetensors st_list.safetensors '[1, 2]' 0
for f in st_oob st_shape st_f16 st_wrap st_neg st_types st_list; do
  probe run "$small" --weights "$work/$f.safetensors" -o "$o/out"
done
probe run "$small" --inputs "$work/missing.json" -o "$o/out"
probe run "$small" --inputs "$work/garbage.yaml" -o "$o/out"
probe run "$small" --inputs "$work/adir.yaml" -o "$o/out"
spec inputs_list.json '[1, 2]'
spec inputs_wrong.json '{"inputs": {"nosuch": {"shape": [1], "data": [1]}}}'
spec inputs_shape.json '{"inputs": {"x": {"shape": [-1, 1e300], "data": []}}}'
probe run "$small" --inputs "$work/inputs_list.json" -o "$o/out"
# An id of 1e300 made the embedding's float-to-int conversion undefined (segfault); ids outside
# the table are now refused (ONNX Gather semantics, as PyTorch's index error).
spec inputs_huge_id.json '{"inputs": {"input_ids": {"shape": [1, 8], "data": [1,2,3,4,5,6,7,1e300]},
  "position_ids": {"shape": [1, 8], "data": [0,1,2,3,4,5,6,7]},
  "token_type_ids": {"shape": [1, 8], "data": [0,0,0,0,0,0,0,0]}}}'
probe run "$small" --repeat 1 --inputs "$work/inputs_huge_id.json" -o "$o/out"
probe run "$small" --inputs "$work/inputs_wrong.json" -o "$o/out"
probe run "$small" --inputs "$work/inputs_shape.json" -o "$o/out"
probe run "$small" --repeat 1 --save-outputs "$missing/o.json" -o "$o/out"
probe run "$small" --repeat 1 --save-outputs "$o/o.json" -o "$missing/out"
probe run "$small" --repeat 1 --save-outputs "$work/adir.yaml"
probe run "$small" --repeat 1 -o "$missing/out"
probe run "$small" --generate 0
probe run "$small" --generate 4
probe run "$small" --prompt 0 --generate 4
probe run gpt2:layers=1 --generate 4 --inputs "$work/inputs_list.json"
# Too big for memory: must refuse with the estimate, before allocating.
probe run nlpfast-bert:seq=1000000000 -o "$o/out"
probe run nlpfast-bert:d=1000000,heads=1 -o "$o/out"
probe run nlpfast-bert:layers=1000000000 -o "$o/out"
probe run memnet:memory=100000000000000 -o "$o/out"
probe run gpt2 --prompt 1048576 --generate 1048576 -o "$o/out"              # past its positions
probe run gpt2:positions=100000000 --prompt 1048576 --generate 1048576 -o "$o/out"  # KV cache
probe run resnet50 --batch 1073741824 -o "$o/out"
probe run bert-base --batch 1073741824 -o "$o/out"

# --- profile --------------------------------------------------------------------------------------
probe profile "$small" --mode nosuch
probe profile "$small" --mode custom --events nosuch-event --repeat 1 -o "$o/out"
probe profile "$small" --mode custom --events "" --repeat 1 -o "$o/out"
probe profile "$small" --mode custom --repeat 1 -o "$o/out"
probe profile "$small" --events cycles
probe profile "$small" --configs nosuch --repeat 1 -o "$o/out"
probe profile "$small" --configs seq=0 --repeat 1 -o "$o/out"
probe profile "$small" --configs seq=-5 --repeat 1 -o "$o/out"
probe profile "$small" --configs "d=63" --repeat 1 -o "$o/out"
probe profile "$small" --repeat 0
probe profile "$small" --threads 0
probe profile "$small" --opt nosuch
probe profile "$small" --format xml
probe profile "$small" --repeat 1 --svg "$missing/p.svg" -o "$o/out"
probe profile "$small" --repeat 1 --svg "$o/p.svg" -o "$missing/out"
probe profile "$small" --repeat 1 --estimate host --evaluator nosuch -o "$o/out"
probe profile nlpfast-bert:seq=1000000000 --repeat 1 -o "$o/out"

# --- ONNX graphs with nothing to run (the importer's own bad input is onnx_bad_input.sh) --------
if /usr/bin/python3 -c "import onnx" >/dev/null 2>&1; then
  /usr/bin/python3 - "$work" <<'PY'
import sys, onnx
from onnx import helper as h, TensorProto as T
vi = h.make_tensor_value_info
def save(name, nodes, inputs, outputs):
    m = h.make_model(h.make_graph(nodes, name, inputs, outputs),
                     opset_imports=[h.make_opsetid("", 17)])
    m.ir_version = 8
    onnx.save(m, sys.argv[1] + "/" + name + ".onnx")
save("no_nodes", [], [vi("x", T.FLOAT, [2])], [vi("x", T.FLOAT, [2])])
PY
  probe run "$work/no_nodes.onnx" --repeat 1 -o "$o/out"      # was a segfault
fi

# --- the parser itself ------------------------------------------------------------------------------
probe
probe nosuch
probe hw nosuch
probe chip nosuch extra
probe analyze
probe estimate bert-base
probe analyze bert-base --nosuch-option

finish hostile_sweep
