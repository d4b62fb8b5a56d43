#!/usr/bin/env bash
# The main job on built-in defaults: what BERT-Base and ResNet-50 cost, why, and what changes it.
set -euo pipefail
cd "$(dirname "$0")/.."
t=./build/tessera
section() { printf '\n== %s ==\n' "$1"; }
section "BERT-Base, sequence 128, int8: FLOPs, bytes, intensity (survey Table 3)"
$t analyze bert-base
section "ResNet-50, BatchNorm folded and ReLU fused (survey Table 4)"
$t analyze resnet50 --fusion bn-relu
section "BERT-Base on Gemmini: CPU-offloaded nonlinear ops dominate (survey Sec. 3.4)"
$t estimate bert-base --hw gemmini --evaluator analytical
section "... and with I-BERT normalisation/activation units (gemmini-transformer)"
$t estimate bert-base --hw gemmini-transformer --evaluator analytical
section "The best mapping of BERT-Base's FFN W1 on Gemmini (survey Sec. 5)"
$t map matmul:m=512,k=768,n=3072 --hw gemmini --mapper genetic
section "TPU-v1 from the chip model: area, TDP, breakdown (NeuroMeter Sec. II-C)"
$t chip show tpu-v1
