#!/usr/bin/python3
"""Runs nabla's bench/step_bench and bench/peers/step_torch.py interleaved:
for each repetition, model by model, one nabla process and one PyTorch process
(their order alternating between repetitions), so that both see the same load.
Prints per-model medians over the repetitions and the median of the paired
ratios torch / nabla (> 1: nabla is faster), of the wall time per step and,
on the CPU, of the process CPU time per step (all threads; on a shared
machine it moves less with the load). Targets are judged on the wall time. Called by bench/run_e2e.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = ["mlpgan", "dcgan", "wgan-gp", "vae", "realnvp", "pixelcnn"]
# The targets: minimum torch / nabla ratio per model and engine.
TARGETS = {("dcgan", "cpu", "torch"): 2.0, ("mlpgan", "cpu", "torch"): 1.3, ("vae", "cpu", "torch"): 1.3,
           ("dcgan", "cuda", "torch"): 3.0, ("dcgan", "cuda", "compile"): 1.3}


def env_for(threads):
    env = dict(os.environ)
    env.update(OMP_NUM_THREADS=str(threads), OMP_WAIT_POLICY="passive", OPENBLAS_NUM_THREADS=str(threads))
    return env


def run_nabla(a, model):
    env = env_for(a.threads)
    if a.device != "cpu":
        env["NABLA_BENCH_DEVICE"] = a.device
    out = subprocess.run([a.nabla, f"--benchmark_filter=^step/{model}/", f"--benchmark_min_time={a.min_time}",
                          "--benchmark_format=json"], env=env, capture_output=True, text=True, check=True).stdout
    b = json.loads(out)["benchmarks"][0]
    if b.get("error_occurred"):
        raise RuntimeError(f"nabla {model}: {b.get('error_message')}")
    return {"ms": b["real_time"], "cpu_ms": b["cpu_time"], "params": b.get("params"), "peak_MB": b.get("peak_MB"), "alloc_MB": b.get("alloc_MB")}


def run_torch(a, model, compile_mode=""):
    cmd = [a.python, os.path.join(HERE, "step_torch.py"), "--model", model, "--device", a.device,
           "--threads", str(a.threads), "--min-time", str(a.min_time)]
    if compile_mode:
        cmd += ["--compile", compile_mode]
    if a.tf32:
        cmd.append("--tf32")
    out = subprocess.run(cmd, env=env_for(a.threads), capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--device", default="cpu")
    p.add_argument("--nabla", default="build/bench/step_bench")
    p.add_argument("--python", default=sys.executable)
    p.add_argument("--models", default=",".join(MODELS))
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--min-time", type=float, default=2.0)
    p.add_argument("--tf32", action="store_true")
    p.add_argument("--compile", default="default", help="torch.compile mode on CUDA ('' to skip)")
    p.add_argument("--json", default="", help="also write every measurement to this file")
    a = p.parse_args()
    models = a.models.split(",")
    engines = ["nabla", "torch"] + (["compile"] if a.device != "cpu" and a.compile else [])
    runs = {m: {e: [] for e in engines} for m in models}
    start = time.time()
    for rep in range(a.reps):
        for m in models:
            order = list(engines) if rep % 2 == 0 else engines[::-1]
            for e in order:
                if e not in engines:
                    continue
                try:
                    r = run_nabla(a, m) if e == "nabla" else run_torch(a, m, a.compile if e == "compile" else "")
                except subprocess.CalledProcessError as err:
                    if e != "compile":
                        sys.exit(f"{e} {m} failed:\n{err.stderr}")
                    print(f"warning: torch.compile failed ({err.stderr.strip().splitlines()[-1:]}); "
                          "dropping the compile column", file=sys.stderr)
                    engines.remove("compile")
                    continue
                runs[m][e].append(r)
            if runs[m]["nabla"][-1]["params"] != runs[m]["torch"][-1]["params"]:
                print(f"warning: {m}: nabla trains {runs[m]['nabla'][-1]['params']:.0f} parameters, "
                      f"torch {runs[m]['torch'][-1]['params']}", file=sys.stderr)
            print(f"rep {rep + 1}/{a.reps} {m}: " + ", ".join(f"{e} {runs[m][e][-1]['ms']:.1f} ms" for e in engines),
                  file=sys.stderr, flush=True)
    print(f"\n{a.reps} interleaved repetitions, {a.threads} threads, device {a.device}, {time.time() - start:.0f} s")
    cpu = a.device == "cpu"
    header = ["model", "nabla ms", "torch ms", "torch/nabla"]
    if "compile" in engines:
        header += ["compile ms", "compile/nabla"]
    if cpu:
        header += ["nabla CPU ms", "torch CPU ms", "CPU torch/nabla"]
    header += ["nabla peak MB", "torch peak MB", "target"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for m in models:
        med = {e: statistics.median(r["ms"] for r in runs[m][e]) for e in engines}
        row = [m, f"{med['nabla']:.2f}", f"{med['torch']:.2f}"]
        ratios = {e: statistics.median(t["ms"] / n["ms"] for t, n in zip(runs[m][e], runs[m]["nabla"]))
                  for e in engines if e != "nabla"}
        row.append(f"{ratios['torch']:.2f}x")
        if "compile" in engines:
            row += [f"{med['compile']:.2f}", f"{ratios['compile']:.2f}x"]
        if cpu:
            cpu_ratio = statistics.median(t["cpu_ms"] / n["cpu_ms"] for t, n in zip(runs[m]["torch"], runs[m]["nabla"]))
            row += [f"{statistics.median(r['cpu_ms'] for r in runs[m]['nabla']):.2f}",
                    f"{statistics.median(r['cpu_ms'] for r in runs[m]['torch']):.2f}", f"{cpu_ratio:.2f}x"]
        row += [f"{statistics.median(r['peak_MB'] for r in runs[m]['nabla']):.0f}",
                f"{statistics.median(r['peak_MB'] for r in runs[m]['torch']):.0f}"]
        goals = [(e, TARGETS[(m, a.device, e)]) for e in engines if (m, a.device, e) in TARGETS]
        row.append("; ".join(f">= {g}x vs {e}: " + ("met" if ratios[e] >= g else f"missed ({ratios[e] / g:.2f} of it)")
                             for e, g in goals) or "-")
        print("| " + " | ".join(row) + " |")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(runs, f, indent=1)


if __name__ == "__main__":
    main()
