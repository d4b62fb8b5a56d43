#!/usr/bin/env bash
# The main job on built-in defaults: a full workload analysis of BERT-Base and ResNet-50, then
# whatever cost estimates this build offers.
set -euo pipefail
cd "$(dirname "$0")/.."
t=./build/tessera
echo "== BERT-Base, sequence 128, int8 (survey Table 3) =="
$t analyze bert-base
echo
echo "== ResNet-50, BatchNorm folded and ReLU fused (survey Table 4) =="
$t analyze resnet50 --fusion bn-relu
if $t --help | grep -q '^  estimate'; then
  echo
  echo "== BERT-Base on the Gemmini preset, analytical model =="
  $t estimate bert-base --hw gemmini --evaluator analytical
fi
