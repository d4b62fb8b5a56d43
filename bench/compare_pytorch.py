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


def bert_layer_torch(x, w, heads, fused_attention, parts=None):
    """One BERT layer; `parts` (a dict) accumulates the seconds of the attention core
    (scores, softmax, context) and of everything else."""
    t0 = time.perf_counter()
    b, s, d = x.shape
    dk = d // heads
    def split(t):
        return t.view(b, s, heads, dk).transpose(1, 2)
    q = split(x @ w["wq"] + w["bq"])
    k = split(x @ w["wk"] + w["bk"])
    v = split(x @ w["wv"] + w["bv"])
    t1 = time.perf_counter()
    if fused_attention:
        ctx = torch.nn.functional.scaled_dot_product_attention(q, k, v)
    else:
        scores = (q @ k.transpose(-1, -2)) * (1.0 / dk ** 0.5)
        ctx = torch.softmax(scores, dim=-1) @ v
    t2 = time.perf_counter()
    z = ctx.transpose(1, 2).reshape(b, s, d) @ w["wo"] + w["bo"]
    a = torch.nn.functional.layer_norm(x + z, (d,))
    t = torch.nn.functional.gelu(a @ w["w1"] + w["b1"])
    y = torch.nn.functional.layer_norm(a + (t @ w["w2"] + w["b2"]), (d,))
    if parts is not None:
        parts["core"] = parts.get("core", 0.0) + t2 - t1
        parts["rest"] = parts.get("rest", 0.0) + time.perf_counter() - t0 - (t2 - t1)
    return y


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
    times, cpu_times, core_share = [], [], []
    with torch.inference_mode():
        for i in range(repeat + 1):
            start, cpu_start = time.perf_counter(), time.process_time()
            y, parts = x, {}
            for w in ws:
                y = bert_layer_torch(y, w, heads, fused, parts)
            if i > 0:  # the first run warms up
                times.append(time.perf_counter() - start)
                cpu_times.append(time.process_time() - cpu_start)
                core_share.append(parts["core"] / (parts["core"] + parts["rest"]))
    return statistics.median(times), statistics.median(cpu_times), statistics.median(core_share)


def time_tessera(binary, spec, opt, threads, repeat):
    out = subprocess.run([binary, "run", spec, "--opt", opt, "--threads", str(threads),
                          "--repeat", str(repeat), "--format", "json"],
                         check=True, capture_output=True, text=True).stdout
    result = json.loads(out)
    return result["median_s"], result["cpu_median_s"], result["flops"]


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
    has_sdpa = hasattr(torch.nn.functional, "scaled_dot_product_attention")
    print("wall = elapsed seconds, cpu = process CPU seconds (all threads); medians of", a.repeat)
    print("torch core = share of torch's wall time in the attention core (QK^T, softmax, PV)")
    print("seq thr | torch wall/cpu core | sdpa wall | tessera base wall/cpu (GF/s cpu) | "
          "tessera mp wall/cpu (GF/s cpu) | torch/base wall cpu | torch/mp wall cpu")
    for seq in a.seq:
        layers = a.layers if seq <= 1024 else 1
        # The zoo's BERT also embeds the tokens (a small cost next to the layers); no pooler.
        spec = (f"nlpfast-bert:layers={layers},seq={seq},d={d},ffn={ffn},heads={heads},"
                "pooler=false")
        for t in a.threads:
            tw, tc, core = time_torch(layers, seq, d, ffn, heads, t, a.repeat, False)
            sdpa = time_torch(layers, seq, d, ffn, heads, t, a.repeat, True)[0] if has_sdpa else 0
            bw, bc, flops = time_tessera(a.tessera, spec, "none", t, a.repeat)
            ow, oc, _ = time_tessera(a.tessera, spec, "mp", t, a.repeat)
            print(f"{seq:5d} {t:2d} | {tw:7.3f} {tc:7.3f} {100 * core:3.0f}% | {sdpa:7.3f} | {bw:7.3f} {bc:7.3f} "
                  f"({flops / bc / 1e9:5.0f}) | {ow:7.3f} {oc:7.3f} ({flops / oc / 1e9:5.0f}) | "
                  f"{tw / bw:5.2f}x {tc / bc:5.2f}x"
                  f" | {tw / ow:5.2f}x {tc / oc:5.2f}x", flush=True)


if __name__ == "__main__":
    main()
