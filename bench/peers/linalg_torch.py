#!/usr/bin/env python3
"""PyTorch's side of issue 8's batched linear-algebra targets, on the shapes of
bench/fused_bench: torch.linalg.svdvals of 64 float32 matrices of 784x100
(target: ours >= 10x faster), torch.linalg.slogdet of 1024 of 32x32 (>= 3x)
and of 64 of 128x128, torch.linalg.inv of 1024 of 32x32. Prints one JSON
line, milliseconds per call (the median of --reps timed calls, CUDA events,
after warm-up calls). tools/gpu_session's bench stage runs it.

  python3 bench/peers/linalg_torch.py [--device cuda] [--reps 20]
"""
import argparse
import json
import statistics
import time

import torch


def time_ms(fn, reps, device):
    for _ in range(3):
        fn()
    times = []
    for _ in range(reps):
        if device.type == "cuda":
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            fn()
            end.record()
            torch.cuda.synchronize()
            times.append(start.elapsed_time(end))
        else:

            t = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--device", default="cuda")
    p.add_argument("--reps", type=int, default=20)
    a = p.parse_args()
    device = torch.device(a.device)
    torch.backends.cuda.matmul.allow_tf32 = False
    gen = torch.Generator(device="cpu").manual_seed(0)
    randn = lambda *shape: torch.randn(*shape, generator=gen).to(device)
    jac, sq32, sq128 = randn(64, 784, 100), randn(1024, 32, 32), randn(64, 128, 128)
    out = {"device": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu", "torch": torch.__version__,
           "svdvals_64x784x100_ms": time_ms(lambda: torch.linalg.svdvals(jac), a.reps, device),
           "slogdet_1024x32_ms": time_ms(lambda: torch.linalg.slogdet(sq32), a.reps, device),
           "slogdet_64x128_ms": time_ms(lambda: torch.linalg.slogdet(sq128), a.reps, device),
           "inv_1024x32_ms": time_ms(lambda: torch.linalg.inv(sq32), a.reps, device)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
