#!/usr/bin/env bash
# tools/gpu_session without a GPU (ctest tools.gpu_session): a dry run over a
# stand-in pack lists every stage's commands and passes; a pack without a
# binary or a data file fails and names what is missing; the report helper
# cuts an IDX split and reads GoogleTest XML.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; cat "$work/log" 2>/dev/null; exit 1; }

pack=$work/pack
mkdir -p "$pack/bin" "$pack/lib" "$pack/data/fashion-mnist"
for t in test_cuda nabla cuda_bench fused_bench step_bench; do
  printf '#!/bin/sh\nexit 0\n' > "$pack/bin/$t"
  chmod +x "$pack/bin/$t"
done
for f in t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz; do
  : > "$pack/data/fashion-mnist/$f"
done
printf 'nabla GPU pack\ncommit: test\n' > "$pack/MANIFEST"

session() { OUT=$work/out NABLA_GPU_WORK=$work/tmp "$repo/tools/gpu_session" --dry-run --pack "$pack" "$@" > "$work/log" 2>&1; }

session check tests bench e2e metrics || fail "the dry run over a whole pack failed"
for want in "test_cuda --gtest_filter=* --gtest_output=xml:$work/out/test_cuda.xml" "cuda_bench --benchmark_min_time=0.2" \
            "fused_bench --benchmark_min_time=0.2" "e2e.py --device cuda --nabla $work/tmp/step_bench --models dcgan" \
            "e2e.py --device cuda --nabla $work/tmp/step_bench --models pixelcnn" \
            "nabla train classifier --device cuda" "nabla eval $work/tmp/metrics/dcgan/checkpoints/step-00000300.safetensors --device cpu" \
            "--metrics fid,is,pr,gs,birthday,mre,jacobian" "--metrics bpd,elbo,rate,distortion,iwae" "==== summary"; do
  grep -qF -- "$want" "$work/log" || fail "the dry run does not show: $want"
done
[ -s "$work/tmp/step_bench" ] || fail "no step_bench wrapper for e2e.py"

rm "$pack/bin/fused_bench" "$pack/data/fashion-mnist/train-images-idx3-ubyte.gz"
if session tests; then fail "a dry run over a pack without fused_bench passed"; fi
grep -qF "missing $pack/bin/fused_bench" "$work/log" || fail "the missing binary is not named"
grep -qF "missing $pack/data/fashion-mnist/train-images-idx3-ubyte.gz" "$work/log" || fail "the missing data is not named"
if OUT=$work/out "$repo/tools/gpu_session" --dry-run nosuch > "$work/log" 2>&1; then fail "an unknown stage passed"; fi
grep -qF "unknown argument nosuch" "$work/log" || fail "an unknown stage is not named"

# idx-head keeps the header's other sizes and the first n records of both files.
REPORT=$repo/tools/gpu_report.py python3 - "$work" <<'EOF' || fail "idx-head"
import gzip, os, struct, subprocess, sys
w = sys.argv[1]
src = f"{w}/src"
os.makedirs(src)
os.makedirs(f"{w}/dst")
with gzip.open(f"{src}/train-images-idx3-ubyte.gz", "wb") as f:
    f.write(b"\0\0\x08\x03" + struct.pack(">3I", 5, 2, 3) + bytes(range(30)))
with gzip.open(f"{src}/train-labels-idx1-ubyte.gz", "wb") as f:
    f.write(b"\0\0\x08\x01" + struct.pack(">I", 5) + bytes([9, 8, 7, 6, 5]))
subprocess.run([sys.executable, os.environ["REPORT"], "idx-head", src, f"{w}/dst", "2"], check=True)
images = gzip.open(f"{w}/dst/train-images-idx3-ubyte.gz").read()
labels = gzip.open(f"{w}/dst/train-labels-idx1-ubyte.gz").read()
assert images == b"\0\0\x08\x03" + struct.pack(">3I", 2, 2, 3) + bytes(range(12)), images
assert labels == b"\0\0\x08\x01" + struct.pack(">I", 2) + bytes([9, 8]), labels
EOF

cat > "$work/t.xml" <<'EOF'
<testsuites tests="3" failures="1" disabled="0" time="1.5">
  <testsuite name="A"><testcase name="x" classname="A"/><testcase name="y" classname="A" result="skipped"><skipped/></testcase>
  <testcase name="z" classname="A"><failure message="no"/></testcase></testsuite>
</testsuites>
EOF
python3 "$repo/tools/gpu_report.py" gtest "$work/t.xml" > "$work/log" || fail "gtest report"
grep -qF "| test_cuda | tests 3 | passed 1 | failed 1 | skipped 1 | 1.5 s |" "$work/log" || fail "gtest counts"
grep -qF "FAILED A.z" "$work/log" || fail "the failed test is not named"
# sanlog puts each compute-sanitizer report on the test that was running and
# names what a stopped run did not reach.
printf 'CudaA.\n  one\n  two\nCudaB.\n  three\n' > "$work/list.txt"
cat > "$work/san.log" <<'LOG'
========= COMPUTE-SANITIZER
[ RUN      ] CudaA.one
[       OK ] CudaA.one (5 ms)
[ RUN      ] CudaA.two
========= Invalid __global__ write of size 4 bytes
=========     at kernel+0x10
[       OK ] CudaA.two (5 ms)
[ RUN      ] CudaB.three
LOG
if python3 "$repo/tools/gpu_report.py" sanlog memcheck "$work/san.log" "$work/san.tsv" "$work/list.txt" > "$work/log"; then
  fail "sanlog passed a log with a report"
fi
grep -qF "memcheck: CudaA.two: 1 reports" "$work/log" || fail "sanlog did not put the report on CudaA.two"
grep -qF -- "--tools memcheck --suites CudaB" "$work/log" || fail "sanlog did not name the suite left"
printf 'memcheck\tCudaA\t2\tREPORTS\t1\t0\nmemcheck\tCudaB\t1\tstopped\t0\t0\n' > "$work/want.tsv"
cmp -s "$work/san.tsv" "$work/want.tsv" || fail "sanlog rows: $(cat "$work/san.tsv")"
echo "gpu_session: ok"
