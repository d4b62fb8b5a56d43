#!/usr/bin/python3
"""tessera's CPU engine against PyTorch (fp32, same shapes, same thread count).

Runs a BERT encoder stack (Table IV base: s=256, d_H=1024, d_FF=4096, 16 heads) written op by op
in PyTorch -- the framework baseline of NLP-Fast 002 Sec. V-A -- and `tessera run` on the same
shapes (baseline and NLP-Opt), and prints medians and ratios measured in one go. Also PyTorch's
fused scaled_dot_product_attention for reference at long sequences.

  OPENBLAS_CORETYPE=SkylakeX OMP_WAIT_POLICY=passive /usr/bin/python3 bench/compare_pytorch.py \
      --tessera build/tessera --threads 1 2 --seq 256 512 4096
"""
import argparse
import json
import statistics
import subprocess
import sys
import time

try:
    import torch
except ImportError:  # the comparison needs torch; say so instead of failing obscurely
    print("compare_pytorch: torch is not installed for this python; skipped")
    sys.exit(0)


def bert_layer_torch(x, w, heads, fused_attention):
    b, s, d = x.shape
    dk = d // heads
    def split(t):
        return t.view(b, s, heads, dk).transpose(1, 2)
    q = split(x @ w["wq"] + w["bq"])
    k = split(x @ w["wk"] + w["bk"])
    v = split(x @ w["wv"] + w["bv"])
    if fused_attention:
        ctx = torch.nn.functional.scaled_dot_product_attention(q, k, v)
    else:
        scores = (q @ k.transpose(-1, -2)) * (1.0 / dk ** 0.5)
        ctx = torch.softmax(scores, dim=-1) @ v
    z = ctx.transpose(1, 2).reshape(b, s, d) @ w["wo"] + w["bo"]
    a = torch.nn.functional.layer_norm(x + z, (d,))
    t = torch.nn.functional.gelu(a @ w["w1"] + w["b1"])
    return torch.nn.functional.layer_norm(a + (t @ w["w2"] + w["b2"]), (d,))


def time_torch(layers, seq, d, ffn, heads, threads, repeat, fused):
    torch.set_num_threads(threads)
    g = torch.Generator().manual_seed(1)
    def rnd(*shape, scale=1.0):
        return (torch.rand(*shape, generator=g) * 2 - 1) * scale
    ws = []
    for _ in range(layers):
        ws.append({"wq": rnd(d, d, scale=d ** -0.5), "wk": rnd(d, d, scale=d ** -0.5),
                   "wv": rnd(d, d, scale=d ** -0.5), "wo": rnd(d, d, scale=d ** -0.5),
                   "bq": rnd(d), "bk": rnd(d), "bv": rnd(d), "bo": rnd(d),
                   "w1": rnd(d, ffn, scale=d ** -0.5), "b1": rnd(ffn),
                   "w2": rnd(ffn, d, scale=ffn ** -0.5), "b2": rnd(d)})
    x = rnd(1, seq, d)
    times = []
    with torch.inference_mode():
        for i in range(repeat + 1):
            start = time.perf_counter()
            y = x
            for w in ws:
                y = bert_layer_torch(y, w, heads, fused)
            if i > 0:  # the first run warms up
                times.append(time.perf_counter() - start)
    return statistics.median(times)


def time_tessera(binary, spec, opt, threads, repeat):
    out = subprocess.run([binary, "run", spec, "--opt", opt, "--threads", str(threads),
                          "--repeat", str(repeat), "--format", "json"],
                         check=True, capture_output=True, text=True).stdout
    result = json.loads(out)
    return result["median_s"], result["gflops_per_s"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--tessera", default="build/tessera")
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--seq", type=int, nargs="+", default=[256, 4096])
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--repeat", type=int, default=3)
    a = p.parse_args()
    d, ffn, heads = 1024, 4096, 16
    print(f"torch {torch.__version__}, BERT layers={a.layers} d={d} d_ff={ffn} heads={heads}, fp32")
    print("seq threads | torch_ops_s torch_sdpa_s | tessera_base_s (GF/s) tessera_opt_s (GF/s) |"
          " base/torch opt/torch")
    for seq in a.seq:
        layers = a.layers if seq <= 1024 else 1
        spec = f"nlp-fast-bert:layers={layers},seq={seq},hidden={d},ffn={ffn},heads={heads}"
        for t in a.threads:
            torch_ops = time_torch(layers, seq, d, ffn, heads, t, a.repeat, False)
            torch_sdpa = time_torch(layers, seq, d, ffn, heads, t, a.repeat, True)
            base, base_gf = time_tessera(a.tessera, spec, "none", t, a.repeat)
            opt, opt_gf = time_tessera(a.tessera, spec, "mp", t, a.repeat)
            print(f"{seq:5d} {t:3d} | {torch_ops:10.4f} {torch_sdpa:10.4f} | {base:10.4f} "
                  f"({base_gf:5.0f}) {opt:10.4f} ({opt_gf:5.0f}) | {torch_ops / base:6.2f}x "
                  f"{torch_ops / opt:6.2f}x", flush=True)


if __name__ == "__main__":
    main()
