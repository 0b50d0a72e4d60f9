#!/usr/bin/env bash
# A benchmark program runs to the end (issue 3: "the benchmarks build and
# run"): one short pass of every benchmark (or of those a filter picks),
# exit status 0, at least one benchmark reported, and no error but "no CUDA
# device" (what a CUDA benchmark reports on a machine without a GPU, and in a
# build without CUDA). Timings are not checked.
# Usage: bench_smoke.sh <benchmark program> [more arguments, e.g. --benchmark_filter=...]
set -uo pipefail
program=$1
shift
out=$("$program" --benchmark_min_time=0.01 "$@" 2>&1)
rc=$?
fail() {
  echo "FAIL: $(basename "$program") $*"
  echo "$out"
  exit 1
}
[ "$rc" -eq 0 ] || fail "exited $rc"
# A result line: wall time, CPU time, iterations; or the error it reported.
ran=$(grep -cE ' [0-9.e+-]+ (ns|us|ms|s) +[0-9.e+-]+ (ns|us|ms|s) +[0-9]+|ERROR OCCURRED' <<<"$out")
[ "$ran" -gt 0 ] || fail "reported no benchmark"
errors=$(grep -F 'ERROR OCCURRED' <<<"$out" | grep -vF "'no CUDA device'")
[ -z "$errors" ] || fail "reported an error: $errors"
skipped=$(grep -cF "ERROR OCCURRED: 'no CUDA device'" <<<"$out")
echo "$(basename "$program"): $ran benchmarks, $skipped of them 'no CUDA device'"
