#!/usr/bin/env bash
# Crash safety: a small training run (gan on ring8, a checkpoint every step)
# is SIGKILLed at seeded random moments, many times, and resumed from its
# latest checkpoint after each kill. After every kill:
#   - every file under a final name in checkpoints/ is whole (its size is the
#     8-byte length + header + the data every checkpoint holds), and the only
#     other files are the atomic writer's "*.tmp.*" leftovers;
#   - the latest checkpoint loads (`nabla sample` draws from it).
# At the end the run is resumed to its last step, and its final checkpoint's
# tensors and its whole metrics.jsonl (wall times aside) must equal those of a
# run never interrupted, bit for bit.
# Usage: kill_test.sh <path to nabla> [kills (30)] [seed (1)] [steps (100)]
set -uo pipefail
nabla=$1
kills=${2:-30}
seed=${3:-1}
steps=${4:-100}
# The sanitizer build (NABLA_SANITIZE=1) starts nabla several times slower:
# a third of the kills.
if [ -n "${NABLA_SANITIZE:-}" ] && [ "$NABLA_SANITIZE" != 0 ]; then
  kills=$(((kills + 2) / 3))
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

args=(gan --set data=ring8 --steps "$steps" --batch 16 --checkpoint-every 1 --log-every 1 --sample-every 1000)
ckpt_name() { printf 'step-%08d.safetensors' "$1"; }
# The 8-byte little-endian header length of a safetensors file.
header_len() { od -An -t u8 -j 0 -N 8 "$1" | tr -d ' '; }
data_bytes() { echo $(($(stat -c %s "$1") - 8 - $(header_len "$1"))); }
# The data section: every tensor's bytes, without the header (whose metadata names the run folder).
data_of() { tail -c +$((9 + $(header_len "$1"))) "$1"; }
# metrics.jsonl without the wall times.
metrics_of() { sed -E 's/,?"wall_time":[^,}]*//' "$1"; }
# The highest step with a checkpoint under its final name, or 0.
latest_step() {
  local f last=0 n
  for f in "$run"/checkpoints/step-*.safetensors; do
    [ -e "$f" ] || continue
    n=$(basename "$f" .safetensors)
    n=$((10#${n#step-}))
    [ "$n" -gt "$last" ] && last=$n
  done
  echo "$last"
}

start=$SECONDS
"$nabla" train "${args[@]}" --out "$work/ref" >"$work/ref.log" 2>&1 || { cat "$work/ref.log"; exit 1; }
ref_ckpt="$work/ref/checkpoints/$(ckpt_name "$steps")"
ref_data=$(data_bytes "$ref_ckpt")
ref_seconds=$((SECONDS - start))

run="$work/run"
RANDOM=$seed
mid_write=0 resumes=0 kill_no=0
while [ "$kill_no" -lt "$kills" ]; do
  last=$(latest_step)
  [ "$last" -ge "$steps" ] && break
  if [ "$last" -eq 0 ]; then
    rm -rf "$run"  # killed before its first checkpoint: start again
    "$nabla" train "${args[@]}" --out "$run" >"$work/run.log" 2>&1 &
  else
    resumes=$((resumes + 1))
    "$nabla" train --resume "$run/checkpoints/$(ckpt_name "$last")" >"$work/run.log" 2>&1 &
  fi
  pid=$!
  # 30 to 329 ms: start-up, the steps and their checkpoint writes.
  delay=$(printf "0.%03d" $((30 + RANDOM % 300)))
  sleep "$delay"
  if [ $((kill_no % 2)) -eq 1 ]; then
    # Every other kill waits for this process's next checkpoint temporary
    # and lands while it is being written.
    for ((poll = 0; poll < 20000; ++poll)); do
      compgen -G "$run/checkpoints/*.tmp.$pid.*" >/dev/null && break
      kill -0 "$pid" 2>/dev/null || break
    done
  fi
  [ -n "${KILL_TEST_TRACE:-}" ] && echo "kill $kill_no at +$((SECONDS - start))s delay $delay poll ${poll:-}"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  kill_no=$((kill_no + 1))

  tmp_before=${tmp_count:-0}
  tmp_count=0
  for f in "$run"/checkpoints/*; do
    [ -e "$f" ] || continue
    name=$(basename "$f")
    case "$name" in
      step-[0-9]*.safetensors.tmp.*) tmp_count=$((tmp_count + 1)) ;;
      step-[0-9]*.safetensors)
        # Files older than the last kill's latest were checked then.
        n=${name#step-}
        [ $((10#${n%.safetensors})) -le "$last" ] && continue
        [ "$(data_bytes "$f")" = "$ref_data" ] || fail "kill $kill_no (after ${delay}s): $name is torn ($(stat -c %s "$f") bytes)" ;;
      *) fail "kill $kill_no: unexpected file $name in checkpoints/" ;;
    esac
  done
  [ "$tmp_count" -gt "$tmp_before" ] && mid_write=$((mid_write + 1))
  last=$(latest_step)
  if [ "$last" -gt 0 ]; then
    out=$("$nabla" sample "$run/checkpoints/$(ckpt_name "$last")" --n 16 --out "$work/s.png" 2>&1) ||
      fail "kill $kill_no: the latest checkpoint (step $last) does not load: $out"
  fi
done
killed_at=$(latest_step)

# Finish the run uninterrupted and compare with the reference.
if [ "$killed_at" -lt "$steps" ]; then
  if [ "$killed_at" -eq 0 ]; then
    rm -rf "$run"
    "$nabla" train "${args[@]}" --out "$run" >"$work/run.log" 2>&1 || fail "the last run failed: $(cat "$work/run.log")"
  else
    "$nabla" train --resume "$run/checkpoints/$(ckpt_name "$killed_at")" >"$work/run.log" 2>&1 ||
      fail "the last resume failed: $(cat "$work/run.log")"
  fi
fi
final="$run/checkpoints/$(ckpt_name "$steps")"
if [ -e "$final" ]; then
  cmp -s <(data_of "$final") <(data_of "$ref_ckpt") || fail "final checkpoint's tensors differ from the uninterrupted run's"
else
  fail "no final checkpoint $final"
fi
cmp -s <(metrics_of "$run/metrics.jsonl") <(metrics_of "$work/ref/metrics.jsonl") ||
  fail "metrics.jsonl differs from the uninterrupted run's: $(diff <(metrics_of "$run/metrics.jsonl") <(metrics_of "$work/ref/metrics.jsonl") | head -5)"
grep -q "\"step\":$steps," "$run/metrics.jsonl" || fail "metrics.jsonl has no line for step $steps"

echo "kill test: $kill_no SIGKILLs (seed $seed), $resumes resumes from the latest checkpoint, $mid_write kills left a" \
  "checkpoint's .tmp file (killed mid-write), $tmp_count .tmp leftovers in all, the killed runs reached step $killed_at" \
  "of $steps; the uninterrupted run took ${ref_seconds}s, the whole test $((SECONDS - start))s"
[ "$failures" -eq 0 ] && echo "kill test passed: final tensors and metrics bit for bit equal to an uninterrupted run"
exit $((failures > 0))
