#!/usr/bin/env bash
# The `nabla` command end to end: listing, errors, a tiny training run,
# resuming it, sampling from its checkpoint, the graph.
# Usage: cli_test.sh <path to nabla>
set -uo pipefail
nabla=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
# expect <status> <text in output> -- command...
expect() {
  local status=$1 text=$2
  shift 3
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  [ "$rc" -eq "$status" ] || fail "$* exited $rc, expected $status: $out"
  grep -qF -- "$text" <<<"$out" || fail "$* did not print '$text': $out"
}

expect 0 "dcgan" -- "$nabla" models
expect 0 "mlpgan" -- "$nabla" models
expect 0 "classifier" -- "$nabla" models
expect 1 'unknown model "nosuch"' -- "$nabla" train nosuch
expect 1 "no such CUDA device" -- "$nabla" train mlpgan --device cuda:7
expect 1 "expected \"cpu\", \"cuda\" or \"cuda:N\"" -- "$nabla" train mlpgan --device tpu
# --cuda-graph: refused on the CPU, and for a step that cannot be captured, before any run folder.
expect 1 "train: --cuda-graph needs a CUDA device (--device cuda), got cpu" -- "$nabla" train mlpgan --device cpu --cuda-graph --out "$work/graph"
expect 1 "train: vae cannot run with --cuda-graph: its trainer does not split its step" -- "$nabla" train vae --cuda-graph --out "$work/graph"
expect 1 "train: wgan-gp cannot run with --cuda-graph: option gp" -- "$nabla" train wgan-gp --set data=ring8 --cuda-graph --out "$work/graph"
[ -e "$work/graph" ] && fail "a refused --cuda-graph run made its folder"

# --precision: refused where a trainer has no mixed-precision path, and bad values, before any run folder.
expect 1 "train: vae cannot run with --precision bf16: its trainer has no mixed-precision path" -- "$nabla" train vae --precision bf16 --out "$work/bf16"
expect 1 "--precision: expected f32 or bf16, got \"f16\"" -- "$nabla" train mlpgan --precision f16 --out "$work/bf16"
expect 1 "--loss-scale dynamic needs --precision bf16" -- "$nabla" train mlpgan --loss-scale dynamic --out "$work/bf16"
[ -e "$work/bf16" ] && fail "a refused --precision run made its folder"
expect 2 "--batch" -- "$nabla" train mlpgan --batch many
expect 1 "--lr must be positive" -- "$nabla" train mlpgan --lr -1 --out "$work/bad"
expect 1 "none.safetensors" -- "$nabla" sample "$work/none.safetensors"
expect 1 'mlpgan: unknown option "foo"; its options: fid_classifier, fid_samples' -- "$nabla" train mlpgan --set foo=1 --out "$work/bad"
expect 1 "--set expects name=value" -- "$nabla" train mlpgan --set foo --out "$work/bad"
expect 0 "digraph autograd" -- "$nabla" graph mlpgan --batch 4
expect 1 'no loss "x"' -- "$nabla" graph mlpgan --loss x
expect 0 "wgan-gp" -- "$nabla" models
expect 1 'gan: unknown loss "hinge"' -- "$nabla" train gan --set loss=hinge --out "$work/bad"
expect 0 "glsgan" -- "$nabla" models
expect 1 "glsgan: option slope must lie in [0, 1]" -- "$nabla" train glsgan --set data=ring8 --set slope=2 --out "$work/bad"
expect 0 "high_quality" -- "$nabla" train lsgan-qi --set data=ring8 --steps 2 --batch 16 --log-every 1 --out "$work/qi"
# A 2-D GAN needs no dataset: train, resume, and a scatter plot from its checkpoint.
expect 0 "high_quality" -- "$nabla" train wgan-gp --set data=ring8 --steps 2 --batch 16 --log-every 1 --out "$work/ring"
expect 0 "resuming wgan-gp at step 2 of 3" -- "$nabla" train --resume "$work/ring/checkpoints/step-00000002.safetensors" --steps 3
expect 0 "samples of wgan-gp at step 3" -- "$nabla" sample "$work/ring/checkpoints/step-00000003.safetensors" --out "$work/ring.png"
[ -s "$work/ring.png" ] || fail "sample wrote no scatter plot"
expect 1 "eval: bpd needs a likelihood model (vae, conv-vae, cvae, nice, realnvp, pixelcnn, pixelrnn); wgan-gp has no test likelihood" -- "$nabla" eval "$work/ring/checkpoints/step-00000003.safetensors" --metrics bpd

# Generator-Jacobian options on 2-D data: clamping, tangent penalty, the lens,
# the spectrum logged (with its plot) and scored by `nabla eval`.
expect 0 "jacobian:    $work/jac/plots/jacobian.png" -- "$nabla" train gan --set data=ring8 --set jc=1 --set tangent=0.1 --set lens=1 --set jac_n=8 --steps 2 --batch 16 --out "$work/jac"
grep -q '"jc_q"' "$work/jac/metrics.jsonl" || fail "jc=1 logged no jc_q"
grep -q '"lens_dist"' "$work/jac/metrics.jsonl" || fail "lens=1 logged no lens_dist"
expect 0 "jac_logcond" -- "$nabla" eval "$work/jac/checkpoints/step-00000002.safetensors" --metrics jacobian --jacobian-n 8
expect 1 "fid needs a feature network" -- "$nabla" eval "$work/jac/checkpoints/step-00000002.safetensors" --metrics fid

# Batch GANs train on the 2-D sets.
expect 0 "high_quality" -- "$nabla" train m-bgan --steps 2 --batch 16 --log-every 1 --out "$work/mbgan"
[ -s "$work/mbgan/samples.png" ] || fail "m-bgan left no samples.png"
expect 1 "bgan: option data must be ring8, grid25 or fashion" -- "$nabla" train bgan --set data=moons --out "$work/bad"

# cgan and aegan on ring8: the conditional metric, AEGAN's reconstruction losses, a sample from a checkpoint.
expect 0 "on_class" -- "$nabla" train cgan --set data=ring8 --steps 2 --batch 16 --log-every 1 --out "$work/cgan"
expect 0 "samples of cgan at step 2" -- "$nabla" sample "$work/cgan/checkpoints/step-00000002.safetensors" --out "$work/cgan.png"
expect 0 "rec_z" -- "$nabla" train aegan --set data=ring8 --steps 2 --batch 16 --log-every 1 --out "$work/aegan"
expect 1 'aegan: unknown option "loss"' -- "$nabla" train aegan --set loss=ls --out "$work/bad"

# dirac-gan needs no data.
expect 0 "run folder:  $work/dirac" -- "$nabla" train dirac-gan --steps 20 --set loss=r1 --set update=alternating --out "$work/dirac"
[ -s "$work/dirac/samples.png" ] || fail "dirac-gan left no samples.png"
expect 1 "loss=lsgan is not one of gan, ns, wgan, wgan-gp, noise, r1" -- "$nabla" train dirac-gan --set loss=lsgan --out "$work/bad"

# An unknown command or flag is a usage error (status 2) naming it.
expect 2 'unknown command "frobnicate"; commands: train' -- "$nabla" frobnicate
expect 2 "--nosuch" -- "$nabla" train mlpgan --nosuch
# A missing dataset says how to install it or where to point --data, and leaves no run folder.
expect 1 "apt-get install dataset-fashion-mnist" -- "$nabla" train mlpgan --data "$work/nodata" --out "$work/nodata-run"
expect 1 "nabla train --data DIR" -- "$nabla" train dcgan --data "$work/nodata" --out "$work/nodata-run"
[ ! -e "$work/nodata-run" ] || fail "a run with no data left a run folder"
# A full disk (simulated by a file size limit) while writing a checkpoint: a
# clear error, no partial file, the previous checkpoint intact.
expect 0 "run folder:  $work/full" -- "$nabla" train gan --set data=ring8 --steps 2 --batch 16 --out "$work/full"
expect 1 "step-00000003.safetensors: write failed: File too large" -- bash -c "ulimit -f 200; exec \"\$0\" \"\$@\"" "$nabla" train --resume "$work/full/checkpoints/step-00000002.safetensors" --steps 3
[ "$(ls "$work/full/checkpoints")" = "$(printf 'step-00000001.safetensors\nstep-00000002.safetensors')" ] ||
  fail "a failed checkpoint write left: $(ls "$work/full/checkpoints")"
expect 0 "samples of gan at step 2" -- "$nabla" sample "$work/full/checkpoints/step-00000002.safetensors" --out "$work/full.png"
expect 1 "--set cannot change a resumed run's options" -- "$nabla" train --resume "$work/full/checkpoints/step-00000002.safetensors" --steps 3 --set loss=ns

if [ -e /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  expect 0 "run folder:  $work/run" -- "$nabla" train mlpgan --steps 4 --batch 8 --out "$work/run"
  for f in config.json metrics.jsonl samples.png plots/loss.png checkpoints/step-00000004.safetensors; do
    [ -s "$work/run/$f" ] || fail "train left no $f"
  done
  expect 0 "resuming mlpgan at step 4 of 6" -- "$nabla" train --resume "$work/run/checkpoints/step-00000004.safetensors" --steps 6
  [ -s "$work/run/checkpoints/step-00000006.safetensors" ] || fail "resume wrote no step-6 checkpoint"
  expect 1 "is a checkpoint of mlpgan, not dcgan" -- "$nabla" train dcgan --resume "$work/run/checkpoints/step-00000006.safetensors"
  expect 0 "16 samples of mlpgan at step 6" -- "$nabla" sample "$work/run/checkpoints/step-00000006.safetensors" --n 16 --out "$work/s.png"
  [ "$(head -c 8 "$work/s.png" | od -An -tx1 | tr -d ' ')" = "89504e470d0a1a0a" ] || fail "sample wrote no PNG"
  expect 1 "missing $work/nowhere/train-images-idx3-ubyte" -- "$nabla" train mlpgan --steps 2 --data "$work/nowhere" --out "$work/run2"
  [ ! -e "$work/run2" ] || fail "a run with no data left a run folder"
  expect 0 "run folder:  $work/clf" -- "$nabla" train classifier --steps 3 --batch 16 --set eval_n=32 --out "$work/clf"
  grep -qF '"test_accuracy"' "$work/clf/metrics.jsonl" || fail "classifier logged no test_accuracy"
  clf="$work/clf/checkpoints/step-00000003.safetensors"
  expect 0 "mlpgan at step 6, 200 samples: fid" -- "$nabla" eval "$work/run/checkpoints/step-00000006.safetensors" --classifier "$clf" --n 200 --batch 100
  # --device cpu where both already are: the same scores; a GPU that is not there: an error.
  on_cpu=$("$nabla" eval "$work/run/checkpoints/step-00000006.safetensors" --classifier "$clf" --n 200 --batch 100 2>&1)
  [ "$on_cpu" = "$("$nabla" eval "$work/run/checkpoints/step-00000006.safetensors" --classifier "$clf" --n 200 --batch 100 --device cpu 2>&1)" ] ||
    fail "eval --device cpu changed the scores of a CPU run: $on_cpu"
  expect 1 "no such CUDA device" -- "$nabla" eval "$clf" --classifier "$clf" --n 200 --device cuda:7
  expect 0 " recall " -- "$nabla" eval "$work/run/checkpoints/step-00000006.safetensors" --classifier "$clf" --metrics pr --pr-k 5 --n 200 --batch 100
  expect 1 "need more samples than feature dims" -- "$nabla" eval "$clf" --classifier "$clf" --n 100
  expect 0 "classifier at step 3, 100 samples: fid" -- "$nabla" eval "$clf" --classifier "$clf" --n 100 --regularise 1e-6
  expect 1 'unknown metric "nosuch"' -- "$nabla" eval "$work/run/checkpoints/step-00000006.safetensors" --classifier "$clf" --metrics fid,nosuch --n 100
  expect 0 "mlpgan at step 6, 200 samples: birthday_rate_s10" -- "$nabla" eval "$work/run/checkpoints/step-00000006.safetensors" --metrics gs,birthday,mre --n 200 --gs-n 100 --gs-landmarks 16 --gs-gamma 0.125 --gs-repeats 2 --gs-plot "$work/mrlt.png" --birthday-sizes 10,20 --birthday-batches 2 --birthday-pairs "$work/pairs.png" --mre-images 2 --mre-steps 3
  [ -s "$work/mrlt.png" ] && [ -s "$work/pairs.png" ] || fail "eval wrote no MRLT chart or closest pairs"
  expect 1 "fid needs a feature network (--classifier)" -- "$nabla" eval "$work/run/checkpoints/step-00000006.safetensors" --metrics fid --n 200
  expect 1 "mre needs a GAN's generator" -- "$nabla" eval "$clf" --metrics mre --mre-images 2
  expect 1 "not of the classifier" -- "$nabla" eval "$clf" --classifier "$work/run/checkpoints/step-00000006.safetensors"
  expect 0 "run folder:  $work/cyc" -- "$nabla" train cyclegan --steps 2 --batch 4 --log-every 1 --set eval_n=4 --out "$work/cyc"
  [ -s "$work/cyc/samples.png" ] || fail "cyclegan left no samples.png"
  grep -qF '"test_cycle_l1_a"' "$work/cyc/metrics.jsonl" || fail "cyclegan logged no test_cycle_l1_a"
  expect 1 "cyclegan: option a and b must be different classes" -- "$nabla" train cyclegan --set a=9 --out "$work/bad"

  # FID and IS logged while training, as `nabla eval` computes them with --seed 0.
  expect 0 "run folder:  $work/fid" -- "$nabla" train mlpgan --steps 2 --batch 8 --set fid_classifier="$clf" --set fid_samples=150 --out "$work/fid"
  grep -qF '"fid"' "$work/fid/metrics.jsonl" || fail "mlpgan with fid_classifier logged no fid"
  expect 0 "run folder:  $work/pr" -- "$nabla" train mlpgan --steps 2 --batch 8 --set fid_classifier="$clf" --set fid_samples=150 --set eval_metrics=fid,pr --out "$work/pr"
  grep -qF '"recall"' "$work/pr/metrics.jsonl" || fail "mlpgan with eval_metrics=fid,pr logged no recall"
  # The GAN trainers that are not GanTrainer take the same scoring options.
  expect 0 "run folder:  $work/cgan" -- "$nabla" train cgan --steps 2 --batch 8 --set eval_metrics=gs --set fid_samples=150 --set eval_gs_repeats=2 --out "$work/cgan"
  grep -qF '"gs"' "$work/cgan/metrics.jsonl" || fail "cgan with eval_metrics=gs logged no gs"
  expect 1 "cgan: option eval_metrics: mre needs a generator of z alone" -- "$nabla" train cgan --set eval_metrics=mre --out "$work/bad"

  # The default run's feature network (tools/fid_classifier, 2000 steps in
  # tools/run; 3 here): trained once, then reused; an interrupted one resumes.
  fidclf="$(dirname "$0")/../../tools/fid_classifier"
  expect 0 "training it first" -- "$fidclf" "$nabla" "$work/fidclf" 3 --batch 16 --set eval_n=32
  [ "$("$fidclf" "$nabla" "$work/fidclf" 3 2>/dev/null)" = "$work/fidclf/checkpoints/step-00000003.safetensors" ] ||
    fail "fid_classifier printed no checkpoint path"
  expect 0 "reusing $work/fidclf/checkpoints/step-00000003.safetensors" -- "$fidclf" "$nabla" "$work/fidclf" 3
  rm "$work/fidclf/checkpoints/step-00000003.safetensors"
  expect 0 "resuming classifier at step 2 of 3" -- "$fidclf" "$nabla" "$work/fidclf" 3
  [ -s "$work/fidclf/checkpoints/step-00000003.safetensors" ] || fail "fid_classifier did not resume"
  expect 1 "is not a classifier run folder" -- "$fidclf" "$nabla" "$work/run" 3

  # A VAE: ELBO terms at each grid, the IWAE estimate at the last step; an autoencoder.
  expect 0 "run folder:  $work/vae" -- "$nabla" train vae --steps 2 --batch 8 --set eval_n=20 --set iwae_k=4 --set iwae_n=3 --out "$work/vae"
  grep -qF '"test_nll_iwae"' "$work/vae/metrics.jsonl" || fail "vae logged no test_nll_iwae"
  expect 0 "vae at step 2, 20 test images: bpd " -- "$nabla" eval "$work/vae/checkpoints/step-00000002.safetensors" --metrics bpd,elbo,rate,distortion,iwae --n 20 --iwae-k 4 --iwae-n 3
  expect 0 "resuming vae at step 2 of 3" -- "$nabla" train --resume "$work/vae/checkpoints/step-00000002.safetensors" --steps 3
  expect 0 "run folder:  $work/dae" -- "$nabla" train denoising-ae --steps 2 --batch 8 --set eval_n=20 --set noise=gaussian --out "$work/dae"
  expect 1 "vae: decoder=poisson is not one of bernoulli, gaussian" -- "$nabla" train vae --set decoder=poisson --out "$work/bad"

  # The flows: test bits/dim logged, resume, a sample grid.
  expect 0 "run folder:  $work/nice" -- "$nabla" train nice --steps 2 --batch 8 --set hidden=16 --set eval_n=20 --out "$work/nice"
  grep -qF '"test_bpd"' "$work/nice/metrics.jsonl" || fail "nice logged no test_bpd"
  expect 0 "nice at step 2, 20 test images: bpd " -- "$nabla" eval "$work/nice/checkpoints/step-00000002.safetensors" --metrics bpd,nll --n 20
  expect 1 "eval: elbo does not apply to nice; its likelihood metrics: bpd, nll" -- "$nabla" eval "$work/nice/checkpoints/step-00000002.safetensors" --metrics elbo --n 20
  expect 0 "resuming nice at step 2 of 3" -- "$nabla" train --resume "$work/nice/checkpoints/step-00000002.safetensors" --steps 3
  expect 0 "run folder:  $work/nvp" -- "$nabla" train realnvp --steps 1 --batch 8 --set width=4 --set conv1x1=direct --set temperature=0.7 --set eval_n=20 --out "$work/nvp"
  expect 0 "8 samples of realnvp at step 1" -- "$nabla" sample "$work/nvp/checkpoints/step-00000001.safetensors" --n 8 --out "$work/nvp.png"
  expect 1 "prior must be gaussian or logistic" -- "$nabla" train nice --set prior=cauchy --out "$work/bad"
  expect 1 "realnvp: conv1x1=\"qr\" is not one of 0, 1, lu, direct" -- "$nabla" train realnvp --set conv1x1=qr --out "$work/bad"
  expect 0 "run folder:  $work/pcnn" -- "$nabla" train pixelcnn --steps 2 --batch 8 --set width=4 --set blocks=1 --set out_hidden=4 --set eval_n=20 --set completions=1 --set picture_n=8 --out "$work/pcnn"
  grep -qF '"test_nll"' "$work/pcnn/metrics.jsonl" || fail "pixelcnn logged no test_nll"
  expect 0 "pixelcnn at step 2, 20 test images: bpd " -- "$nabla" eval "$work/pcnn/checkpoints/step-00000002.safetensors" --metrics bpd,nll --n 20
  expect 0 "resuming pixelcnn at step 2 of 3" -- "$nabla" train --resume "$work/pcnn/checkpoints/step-00000002.safetensors" --steps 3
  expect 0 "8 samples of pixelcnn at step 2" -- "$nabla" sample "$work/pcnn/checkpoints/step-00000002.safetensors" --n 8 --out "$work/pcnn.png"
  expect 1 "pixelcnn: levels must be 2 or 256, got 3" -- "$nabla" train pixelcnn --set levels=3 --out "$work/bad"
  expect 0 "run folder:  $work/prnn" -- "$nabla" train pixelrnn --steps 2 --batch 8 --set hidden=2 --set layers=1 --set out_hidden=4 --set eval_n=20 --set completions=1 --set picture_n=8 --out "$work/prnn"
  grep -qF '"test_nll"' "$work/prnn/metrics.jsonl" || fail "pixelrnn logged no test_nll"
  expect 0 "resuming pixelrnn at step 2 of 3" -- "$nabla" train --resume "$work/prnn/checkpoints/step-00000002.safetensors" --steps 3
else
  echo "Fashion-MNIST absent: the training part is skipped"
fi

[ "$failures" -eq 0 ] && echo "all CLI checks passed"
exit $((failures > 0))
