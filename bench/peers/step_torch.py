#!/usr/bin/python3
"""Milliseconds per full training step in PyTorch of the models that
bench/step_bench.cpp times in nabla: the same nets (nets.py), batch sizes,
losses and optimizers, and the same step structure (the GAN trainers' n_critic
D updates on fresh real batches and fresh z, then one G update on the last
fake batch; the losses read back with .item() each step, as nabla's step()
does).

Data: synthetic batches of the right shape and range (a pool of 8, cycled),
so that the peer needs no data set; the step's arithmetic does not depend on
the pixel values.

  /usr/bin/python3 bench/peers/step_torch.py --model dcgan              # CPU, 2 threads
  python3 bench/peers/step_torch.py --model dcgan --device cuda [--compile default]

On CUDA: torch.backends.cudnn.benchmark = True; TF32 for matmuls and cuDNN
convolutions is OFF unless --tf32 (nabla computes in full fp32); both flags
are printed in the result. --compile MODE wraps every network in
torch.compile(mode=MODE) (the optimizer step stays eager); a double-backward
penalty (wgan-gp) cannot go through a compiled graph, so its critic stays eager
and the result says so.

Prints one JSON line: model, device, ms (mean wall time per step over the
timed window), cpu_ms (the process's CPU time per step, all threads), steps,
peak_MB (torch.cuda.max_memory_allocated on CUDA, else the process's peak
resident set), and the settings.
"""
import argparse
import json
import resource
import sys
import time

import torch
import torch.nn.functional as F

import nets

# name: (batch, lr) as models/registry.cpp gives them.
DEFAULTS = {"mlpgan": (64, 2e-4), "dcgan": (64, 2e-4), "wgan-gp": (64, 1e-4), "vae": (128, 1e-3),
            "realnvp": (64, 1e-3), "pixelcnn": (32, 1e-3)}


def batches(shape, kind, device, pool=8):
    """Cycles through `pool` synthetic batches: kind "signed" in [-1, 1]
    (GAN images), "binary" in {0, 1}, "unit" in [0, 1) (dequantised)."""
    g = torch.Generator().manual_seed(0)
    data = []
    for _ in range(pool):
        u = torch.rand(shape, generator=g)
        x = {"signed": 2 * u - 1, "binary": (u > 0.5).float(), "unit": u}[kind]
        data.append(x.to(device))
    i = 0
    while True:
        yield data[i % pool]
        i += 1


def bce(logits, target):
    return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, target))


def gradient_penalty(d, real, fake, lam):
    eps = torch.rand(real.shape[0], 1, 1, 1, device=real.device)
    x_hat = (eps * real.detach() + (1.0 - eps) * fake.detach()).requires_grad_(True)
    g, = torch.autograd.grad(d(x_hat).sum(), x_hat, create_graph=True)
    return lam * (torch.sqrt(g.flatten(1).square().sum(1)) - 1.0).square().mean()


class GanStep:
    """gan_trainer.cpp's step(): ns loss (mlpgan, dcgan) or Wasserstein with
    gradient penalty 10 and 5 critic steps (wgan-gp)."""

    def __init__(self, name, device, lr, batch, compile_mode):
        self.wgan = name == "wgan-gp"
        if name == "mlpgan":
            self.z_dim, g, d = 64, nets.mlp_generator(), nets.mlp_discriminator()
        else:
            self.z_dim, g, d = 100, nets.dcgan28_generator(), nets.dcgan28_discriminator(batch_norm=not self.wgan)
        self.g, self.d = g.to(device), d.to(device)
        betas = (0.5, 0.9) if self.wgan else (0.5, 0.999)
        self.opt_g = torch.optim.Adam(self.g.parameters(), lr, betas=betas)
        self.opt_d = torch.optim.Adam(self.d.parameters(), lr, betas=betas)
        self.note = ""
        if compile_mode:
            self.g = torch.compile(self.g, mode=compile_mode)
            if self.wgan:
                self.note = "critic eager (double backward)"
            else:
                self.d = torch.compile(self.d, mode=compile_mode)
        self.modules = [g, d]
        self.n_critic = 5 if self.wgan else 1
        self.batch, self.device = batch, device
        self.data = batches((batch, 1, 28, 28), "signed", device)

    def __call__(self):
        for i in range(self.n_critic):
            real = next(self.data)
            with torch.set_grad_enabled(i == self.n_critic - 1):
                fake = self.g(torch.randn(self.batch, self.z_dim, device=self.device))
            self.opt_d.zero_grad(set_to_none=True)
            d_real, d_fake = self.d(real), self.d(fake.detach())
            if self.wgan:
                ld = d_fake.mean() - d_real.mean() + gradient_penalty(self.d, real, fake, 10.0)
            else:
                ld = bce(d_real, 1.0) + bce(d_fake, 0.0)
            ld.backward()
            self.opt_d.step()
            ld.item()
        self.opt_g.zero_grad(set_to_none=True)
        # As gan_trainer.cpp: G's step computes no weight gradients of D.
        for p in self.modules[1].parameters():
            p.requires_grad_(False)
        d_fake = self.d(fake)
        lg = -d_fake.mean() if self.wgan else bce(d_fake, 1.0)
        lg.backward()
        for p in self.modules[1].parameters():
            p.requires_grad_(True)
        self.opt_g.step()
        return lg.item()


class LossStep:
    """vae, realnvp, pixelcnn: one Adam step on model.loss(batch)."""

    def __init__(self, name, device, lr, batch, compile_mode):
        if name == "vae":
            self.model, shape, kind = nets.MlpVae(), (batch, 784), "binary"
        elif name == "realnvp":
            self.model, shape, kind = nets.RealNvp(), (batch, 1, 28, 28), "unit"
        else:
            self.model, shape, kind = nets.PixelCnn(), (batch, 1, 28, 28), "binary"
        self.model.to(device)
        self.modules = [self.model]
        self.opt = torch.optim.Adam(self.model.parameters(), lr)
        self.loss = torch.compile(self.model.loss, mode=compile_mode) if compile_mode else self.model.loss
        self.note = ""
        self.data = batches(shape, kind, device)

    def __call__(self):
        self.opt.zero_grad(set_to_none=True)
        loss = self.loss(next(self.data))
        loss.backward()
        self.opt.step()
        return loss.item()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", required=True, choices=sorted(DEFAULTS))
    p.add_argument("--device", default="cpu")
    p.add_argument("--threads", type=int, default=2, help="CPU threads (torch.set_num_threads)")
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--min-time", type=float, default=2.0, help="seconds of timed steps (at least --min-steps)")
    p.add_argument("--min-steps", type=int, default=1)
    p.add_argument("--compile", default="", help="torch.compile mode: default, reduce-overhead, max-autotune")
    p.add_argument("--tf32", action="store_true", help="allow TF32 in matmuls and cuDNN convolutions")
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    device = torch.device(a.device)
    cuda = device.type == "cuda"
    if cuda:
        torch.backends.cudnn.benchmark = True
        torch.backends.cuda.matmul.allow_tf32 = a.tf32
        torch.backends.cudnn.allow_tf32 = a.tf32
    if a.compile and not hasattr(torch, "compile"):
        sys.exit(f"torch {torch.__version__} has no torch.compile")
    batch, lr = DEFAULTS[a.model]
    step = (GanStep if a.model in ("mlpgan", "dcgan", "wgan-gp") else LossStep)(a.model, device, lr, batch, a.compile)

    def sync():
        if cuda:
            torch.cuda.synchronize()

    for _ in range(a.warmup):
        step()
    sync()
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    steps, start, cpu_start = 0, time.perf_counter(), time.process_time()
    while steps < a.min_steps or time.perf_counter() - start < a.min_time:
        step()
        steps += 1
    sync()
    ms = (time.perf_counter() - start) * 1e3 / steps
    cpu_ms = (time.process_time() - cpu_start) * 1e3 / steps
    peak = torch.cuda.max_memory_allocated() / 1e6 if cuda else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    params = sum(p.numel() for m in step.modules for p in m.parameters())
    print(json.dumps({"model": a.model, "params": params, "device": str(device), "ms": ms, "cpu_ms": cpu_ms, "steps": steps, "batch": batch,
                      "peak_MB": peak, "threads": a.threads, "torch": torch.__version__, "compile": a.compile,
                      "tf32": a.tf32 if cuda else None, "cudnn_benchmark": True if cuda else None,
                      "note": step.note}))


if __name__ == "__main__":
    main()
