#!/usr/bin/env python3
"""Helpers of tools/gpu_pack and tools/gpu_session: cutting an IDX split, and
turning what the GPU session wrote (GoogleTest XML, Google Benchmark JSON,
e2e JSON, `nabla eval` lines) into short Markdown tables.

  gpu_report.py idx-head SRC DST N        first N training images and labels
  gpu_report.py gtest FILE.xml            tests, failures, skips; failed names
  gpu_report.py sanlog TOOL LOG TSV [LIST] a compute-sanitizer run of test_cuda:
                                          each report put on the test that ran,
                                          one TSV row per suite; LIST is
                                          --gtest_list_tests (names what was not reached)
  gpu_report.py sanitizer FILE.tsv        the TSV as a table
  gpu_report.py bench OUT.json IN.json..  merge benchmark JSONs (and *torch.json from
                                          bench/peers/linalg_torch.py), print a table
                                          and issue 8's kernel targets
  gpu_report.py e2e OUT.json IN.json..    merge e2e.py JSONs, print a table
  gpu_report.py metrics OUT.json LOG      the eval lines of LOG, cuda vs cpu
"""
import gzip
import json
import re
import statistics
import struct
import sys
import xml.etree.ElementTree as ET


def idx_head(src, dst, n):
    """Writes the first n records of the training split's two IDX files."""
    for name in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"):
        with gzip.open(f"{src}/{name}", "rb") as f:
            data = f.read()
        ndim = data[3]
        dims = list(struct.unpack(f">{ndim}I", data[4:4 + 4 * ndim]))
        if dims[0] < n:
            sys.exit(f"idx-head: {name} has {dims[0]} records, not {n}")
        record = 1
        for d in dims[1:]:
            record *= d
        head = 4 + 4 * ndim
        out = data[:4] + struct.pack(f">{ndim}I", n, *dims[1:]) + data[head:head + n * record]
        with gzip.open(f"{dst}/{name}", "wb", compresslevel=9) as f:
            f.write(out)


def gtest(path):
    root = ET.parse(path).getroot()
    total = int(root.get("tests", 0))
    failed, skipped = [], 0
    for case in root.iter("testcase"):
        name = f"{case.get('classname')}.{case.get('name')}"
        if case.find("failure") is not None:
            failed.append(name)
        elif case.get("result") == "skipped" or case.find("skipped") is not None:
            skipped += 1
    passed = total - len(failed) - skipped - int(root.get("disabled", 0))
    print(f"| test_cuda | tests {total} | passed {passed} | failed {len(failed)} | skipped {skipped} "
          f"| {float(root.get('time', 0)):.1f} s |")
    for name in failed:
        print(f"  FAILED {name}")


def sanitizer(path):
    """The TSV as one row per suite, a column per tool: result (reports, API errors)."""
    rows = [line.rstrip("\n").split("\t") for line in open(path) if line.strip()]
    tools, suites, cells = [], {}, {}
    for tool, suite, tests, result, reports, api in rows:
        tools += [tool] if tool not in tools else []
        suites[suite] = tests
        cells[(suite, tool)] = result + (f" ({reports}, {api} API)" if reports != "0" or api != "0" else "")
    print("| suite | tests | " + " | ".join(tools) + " |")
    print("|---|---|" + "---|" * len(tools))
    for suite, tests in suites.items():
        print(f"| {suite} | {tests} | " + " | ".join(cells.get((suite, t), "-") for t in tools) + " |")
    for tool in tools:
        counts = {}
        for t, suite, tests, result, *_ in rows:
            if t == tool:
                counts[result] = counts.get(result, 0) + int(tests)
        print(f"{tool}: " + ", ".join(f"{n} tests {r}" for r, n in sorted(counts.items())))


GTEST = re.compile(r"^\[ *(RUN|OK|FAILED|SKIPPED) *\] (\S+)(?: \(\d+ ms\))?")
BANNERS = ("COMPUTE-SANITIZER", "ERROR SUMMARY", "RACECHECK SUMMARY", "LEAK SUMMARY", "Target application returned",
           "Error: process didn't terminate successfully", "This ", "Saved host backtrace")


def listed_tests(path):
    """The test names of a --gtest_list_tests output, in order."""
    names, suite = [], None
    for line in open(path):
        line = line.split("#")[0].rstrip()
        if not line:
            continue
        if not line.startswith(" "):
            suite = line.rstrip(".")
        elif suite:
            names.append(f"{suite}.{line.strip()}")
    return names


def sanlog(tool, log, tsv, listing=None):
    """Puts each compute-sanitizer report on the test that was running; returns 1 unless all is clean."""
    state, reports, api, first, order, current = {}, {}, {}, {}, [], None
    for line in open(log, errors="replace"):
        line = line.rstrip("\n")
        m = GTEST.match(line)
        if m:
            what, name = m.groups()
            if what == "RUN":
                current = name
                state[name] = "running"
                order.append(name)
            elif name == current:
                state[name] = {"OK": "passed", "FAILED": "failed", "SKIPPED": "skipped"}[what]
                current = None
            continue
        if line.startswith("========= ") and len(line) > 10 and line[10] != " ":
            body = line[10:]
            if body.startswith(BANNERS):
                continue
            where = current or "(outside any test)"
            bucket = api if body.startswith("Program hit") else reports
            bucket[where] = bucket.get(where, 0) + 1
            first.setdefault(where, body)
    names = listed_tests(listing) if listing else []
    names += [n for n in order if n not in names]
    suites = {}
    for n in names:
        suites.setdefault(n.split(".")[0], []).append(n)
    ok = True
    with open(tsv, "a") as f:
        for suite, tests in suites.items():
            st = [state.get(t, "not reached") for t in tests]
            nrep = sum(reports.get(t, 0) for t in tests)
            napi = sum(api.get(t, 0) for t in tests)
            if nrep:
                result = "REPORTS"
            elif "failed" in st:
                result = "failed"
            elif "running" in st:
                result = "stopped"
            elif all(s == "not reached" for s in st):
                result = "not reached"
            elif all(s == "skipped" for s in st):
                result = "skipped"
            elif "not reached" in st:
                result = "partial"
            else:
                result = "clean"
            ok = ok and result in ("clean", "skipped")
            f.write(f"{tool}\t{suite}\t{len(tests)}\t{result}\t{nrep}\t{napi}\n")
    for where in sorted(set(reports) | set(api)):
        print(f"{tool}: {where}: {reports.get(where, 0)} reports, {api.get(where, 0)} API errors; first: {first[where]}")
    for n in names:
        if state.get(n) in ("failed", "running"):
            print(f"{tool}: {n} {'FAILED' if state[n] == 'failed' else 'was running when the run stopped'}")
    left = [s for s, tests in suites.items() if any(state.get(t, "not reached") in ("not reached", "running") for t in tests)]
    if left:
        print(f"{tool}: not finished: {len(left)} suites; next call: tools/gpu_session sanitize --tools {tool} "
              f"--suites {','.join(left)}")
    if reports.get("(outside any test)"):
        ok = False
    return 0 if ok else 1


def merge(out, inputs, key):
    merged = {}
    for p in inputs:
        with open(p) as f:
            d = json.load(f)
        if key:
            merged.setdefault("context", d.get("context"))
            merged.setdefault(key, []).extend(d.get(key, []))
        else:
            merged.update(d)
    with open(out, "w") as f:
        json.dump(merged, f, indent=1)
    return merged


def find_bench(benchmarks, prefix):
    return [b for b in benchmarks if b["name"].startswith(prefix) and not b.get("error_occurred")]


def bench_targets(benchmarks, torch_ms):
    """Issue 8's kernel targets, from the benchmarks and PyTorch's timings."""
    rows = []
    for b in find_bench(benchmarks, "BM_Sgemm/4096/4096/4096"):
        rows.append(("SGEMM 4096^3 fp32, ours / cuBLAS", b.get("hand_over_cublas"), 0.9))
        if "tf32_over_cublas_tf32" in b:
            rows.append(("GEMM 4096^3 TF32, ours / cuBLAS TF32", b["tf32_over_cublas_tf32"], 0.8))
    # Elementwise, reductions and normalisations: >= 85% of the copy bandwidth.
    for b in benchmarks:
        if "over_memcpy" in b and not b.get("error_occurred"):
            rows.append((f"{b['name'].replace('/manual_time', '')}, of the copy bandwidth", b["over_memcpy"], 0.85))
    pairs = [("BM_SvdvalsCuda/64/784/100", "svdvals_64x784x100_ms", "svdvals 64 of 784x100, torch / ours", 10.0),
             ("BM_SlogdetCuda/1024/32", "slogdet_1024x32_ms", "slogdet 1024 of 32x32, torch / ours", 3.0),
             ("BM_SlogdetCuda/64/128", "slogdet_64x128_ms", "slogdet 64 of 128x128, torch / ours", None),
             ("BM_InverseCuda/1024/32", "inv_1024x32_ms", "inv 1024 of 32x32, torch / ours", None)]
    for name, key, what, goal in pairs:
        for b in find_bench(benchmarks, name):
            if key in torch_ms and b.get("ours_ms"):
                rows.append((what, torch_ms[key] / b["ours_ms"], goal))
    return rows


def bench(out, inputs):
    torch_files = [p for p in inputs if p.endswith("torch.json")]
    d = merge(out, [p for p in inputs if p not in torch_files], "benchmarks")
    torch_ms = {}
    for p in torch_files:
        with open(p) as f:
            torch_ms.update(json.loads(f.read().strip().splitlines()[-1]))
    d["torch"] = torch_ms
    with open(out, "w") as f:
        json.dump(d, f, indent=1)
    ctx = d.get("context") or {}
    print(f"{ctx.get('date', '')} {ctx.get('host_name', '')}")
    print("| benchmark | ms | counters |")
    print("|---|---|---|")
    for b in d["benchmarks"]:
        if b.get("error_occurred"):
            print(f"| {b['name']} | - | error: {b.get('error_message')} |")
            continue
        skip = {"real_time", "cpu_time", "iterations", "repetitions", "repetition_index", "threads",
                "time_unit", "run_name", "run_type", "family_index", "per_family_instance_index", "name"}
        counters = ", ".join(f"{k} {v:.4g}" for k, v in b.items() if k not in skip and isinstance(v, (int, float)))
        scale = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[b.get("time_unit", "ns")]
        print(f"| {b['name']} | {b['real_time'] * scale:.4g} | {counters} |")
    if torch_ms:
        print("torch: " + ", ".join(f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}" for k, v in torch_ms.items()))
    rows = bench_targets(d["benchmarks"], torch_ms)
    if rows:
        print("| target | measured | goal | |")
        print("|---|---|---|---|")
        for what, v, goal in rows:
            met = "-" if goal is None or v is None else ("met" if v >= goal else f"missed ({v / goal:.2f} of it)")
            print(f"| {what} | {'-' if v is None else f'{v:.3g}x'} | {'-' if goal is None else f'>= {goal}x'} | {met} |")


def e2e(out, inputs):
    runs = merge(out, inputs, None)
    print("| model | nabla ms | torch ms | torch/nabla | compile ms | compile/nabla | nabla peak MB | torch peak MB |")
    print("|---|---|---|---|---|---|---|---|")
    for m, engines in runs.items():
        med = {e: statistics.median(r["ms"] for r in rs) for e, rs in engines.items() if rs}
        ratio = {e: statistics.median(t["ms"] / n["ms"] for t, n in zip(engines[e], engines["nabla"]))
                 for e in engines if e != "nabla" and engines[e]}
        peak = {e: statistics.median(r.get("peak_MB") or 0 for r in rs) for e, rs in engines.items() if rs}
        cell = lambda d, e, f: f.format(d[e]) if e in d else "-"
        print(f"| {m} | {cell(med, 'nabla', '{:.2f}')} | {cell(med, 'torch', '{:.2f}')} | {cell(ratio, 'torch', '{:.2f}x')} "
              f"| {cell(med, 'compile', '{:.2f}')} | {cell(ratio, 'compile', '{:.2f}x')} "
              f"| {cell(peak, 'nabla', '{:.0f}')} | {cell(peak, 'torch', '{:.0f}')} |")


# "dcgan at step 300, 2000 samples: fid 91.7 is 3.95 ..." after a "## eval <tag> <device>" line.
EVAL_LINE = re.compile(r"^(\S+) at step (\d+), ([^:]+): (.*)$")


def metrics(out, log):
    scores, tag = {}, None
    for line in open(log):
        line = line.rstrip("\n")
        if line.startswith("## eval "):
            tag = tuple(line.split()[2:4])
        m = EVAL_LINE.match(line)
        if m and tag:
            words = m.group(4).split()
            scores.setdefault(tag[0], {})[tag[1]] = dict(zip(words[::2], map(float, words[1::2])))
            tag = None
    with open(out, "w") as f:
        json.dump(scores, f, indent=1)
    print("| checkpoint | metric | cuda | cpu | rel. diff |")
    print("|---|---|---|---|---|")
    for what, by_device in scores.items():
        gpu, cpu = by_device.get("cuda", {}), by_device.get("cpu", {})
        for k in sorted(set(gpu) | set(cpu)):
            g, c = gpu.get(k), cpu.get(k)
            diff = f"{abs(g - c) / max(abs(c), 1e-12):.2e}" if g is not None and c is not None else "-"
            fmt = lambda v: "-" if v is None else f"{v:.6g}"
            print(f"| {what} | {k} | {fmt(g)} | {fmt(c)} | {diff} |")


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "idx-head":
        idx_head(args[0], args[1], int(args[2]))
    elif cmd == "gtest":
        gtest(args[0])
    elif cmd == "sanlog":
        sys.exit(sanlog(*args))
    elif cmd == "sanitizer":
        sanitizer(args[0])
    elif cmd == "bench":
        bench(args[0], args[1:])
    elif cmd == "e2e":
        e2e(args[0], args[1:])
    elif cmd == "metrics":
        metrics(args[0], args[1])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
