"""PyTorch twins of nabla's networks, layer for layer (same shapes, biases,
masks and arithmetic order where it matters), for bench/peers/step_torch.py.

Sources they mirror: models/gan/nets.cpp (MLP GAN, DCGAN-28 and its critic),
models/vae/model.cpp (the MLP VAE), models/flow/{realnvp,coupling,flow}.cpp
(Real NVP), models/ar/{pixelcnn,masked_conv}.cpp (PixelCNN). Initialisation
is torch's default: it does not change the cost of a step.
"""
import math

import torch
from torch import nn
import torch.nn.functional as F


# --- GANs (models/gan/nets.cpp) ------------------------------------------

def mlp_generator(z_dim=64):
    return nn.Sequential(nn.Linear(z_dim, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(),
                         nn.Linear(256, 784), nn.Tanh(), nn.Unflatten(1, (1, 28, 28)))


def mlp_discriminator():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.LeakyReLU(0.2), nn.Linear(256, 256),
                         nn.LeakyReLU(0.2), nn.Linear(256, 1))


def dcgan28_generator(z_dim=100):
    return nn.Sequential(nn.Linear(z_dim, 128 * 7 * 7), nn.BatchNorm1d(128 * 7 * 7), nn.ReLU(),
                         nn.Unflatten(1, (128, 7, 7)),
                         nn.ConvTranspose2d(128, 64, 4, 2, 1), nn.BatchNorm2d(64), nn.ReLU(),
                         nn.ConvTranspose2d(64, 1, 4, 2, 1), nn.Tanh())


def dcgan28_discriminator(batch_norm=True):
    layers = [nn.Conv2d(1, 64, 4, 2, 1), nn.LeakyReLU(0.2), nn.Conv2d(64, 128, 4, 2, 1)]
    if batch_norm:
        layers.append(nn.BatchNorm2d(128))
    layers += [nn.LeakyReLU(0.2), nn.Flatten(), nn.Linear(128 * 7 * 7, 1)]
    return nn.Sequential(*layers)


# --- VAE (models/vae/model.cpp, bounds.cpp) -------------------------------

class MlpVae(nn.Module):
    """784-400-2Z encoder, Z-400-784 Bernoulli decoder."""

    def __init__(self, z_dim=20, hidden=400):
        super().__init__()
        self.z_dim = z_dim
        self.encoder = nn.Sequential(nn.Linear(784, hidden), nn.ReLU(), nn.Linear(hidden, 2 * z_dim))
        self.decoder = nn.Sequential(nn.Linear(z_dim, hidden), nn.ReLU(), nn.Linear(hidden, 784))

    def loss(self, x, beta=1.0):
        h = self.encoder(x)
        mu, logvar = h[:, :self.z_dim], h[:, self.z_dim:]
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        logits = self.decoder(z)
        rate = 0.5 * torch.sum(mu.square() + logvar.exp() - 1.0 - logvar, -1)
        distortion = torch.sum(F.binary_cross_entropy_with_logits(logits, x, reduction="none"), -1)
        return distortion.mean() + beta * rate.mean()


# --- Real NVP (models/flow/realnvp.cpp, coupling.cpp, flow.cpp) -----------

def conv3(cin, cout):
    return nn.Conv2d(cin, cout, 3, 1, 1)


class ResBlock(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.conv1, self.conv2 = conv3(width, width), conv3(width, width)

    def forward(self, x):
        return x + self.conv2(F.relu(self.conv1(F.relu(x))))


def st_resnet(cin, cout, width=16, blocks=1):
    last = conv3(width, 2 * cout)
    nn.init.zeros_(last.weight)
    nn.init.zeros_(last.bias)
    return nn.Sequential(conv3(cin, width), nn.ReLU(), *[ResBlock(width) for _ in range(blocks)], nn.ReLU(), last)


class ActNorm(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(1, channels, 1, 1))
        self.log_scale = nn.Parameter(torch.zeros(1, channels, 1, 1))
        self.initialised = False

    def forward(self, x):
        if not self.initialised:  # data-dependent initialisation on the first batch
            with torch.no_grad():
                mu = x.mean((0, 2, 3), keepdim=True)
                sd = (x - mu).square().mean((0, 2, 3), keepdim=True).sqrt()
                self.bias.copy_(-mu)
                self.log_scale.copy_(-torch.log(sd + 1e-6))
            self.initialised = True
        hw = x.shape[2] * x.shape[3]
        logdet = (hw * self.log_scale.sum()).reshape(1).expand(x.shape[0])
        return (x + self.bias) * torch.exp(self.log_scale), logdet


class AffineCoupling(nn.Module):
    def __init__(self, st, checkerboard, parity, channels):
        super().__init__()
        self.st, self.checkerboard, self.parity = st, checkerboard, parity
        acted = channels if checkerboard else channels // 2
        self.scale = nn.Parameter(torch.ones(1, acted, 1, 1))
        self.masks = {}

    def mask(self, x):
        key = (x.shape[2], x.shape[3], x.dtype, x.device)
        if key not in self.masks:
            i = torch.arange(x.shape[2]).reshape(-1, 1)
            j = torch.arange(x.shape[3]).reshape(1, -1)
            self.masks[key] = ((i + j) % 2 == self.parity).to(x.dtype).to(x.device).reshape(1, 1, *x.shape[2:])
        return self.masks[key]

    def scale_shift(self, cond):
        out = self.st(cond)
        c = out.shape[1] // 2
        return self.scale * torch.tanh(out[:, :c]), out[:, c:]

    def forward(self, x):
        if self.checkerboard:
            b = self.mask(x)
            rest = 1.0 - b
            s, t = self.scale_shift(x * b)
            s = s * rest
            z = x * b + rest * (x * torch.exp(s) + t)
            return z, torch.flatten(s, 1).sum(1)
        half = x.shape[1] // 2
        keep, act = x[:, :half], x[:, half:]
        if self.parity:
            keep, act = act, keep
        s, t = self.scale_shift(keep)
        moved = act * torch.exp(s) + t
        z = torch.cat([moved, keep] if self.parity else [keep, moved], 1)
        return z, torch.flatten(s, 1).sum(1)


def squeeze(x):
    n, c, h, w = x.shape
    p = x.reshape(n, c, h // 2, 2, w // 2, 2)
    return p.permute(0, 1, 3, 5, 2, 4).reshape(n, 4 * c, h // 2, w // 2)


class RealNvp(nn.Module):
    """2 scales on [1, 28, 28]: 3 checkerboard couplings, squeeze, 3 channel
    couplings, factor out half; then 4 checkerboard couplings. ActNorm before
    every coupling; logit transform (alpha 0.05) first; Gaussian prior."""

    def __init__(self, width=16, blocks=1, alpha=0.05):
        super().__init__()
        self.alpha = alpha
        self.scale0 = nn.ModuleList()
        for i in range(3):
            self.scale0.append(ActNorm(1))
            self.scale0.append(AffineCoupling(st_resnet(1, 1, width, blocks), True, i % 2, 1))
        self.channel = nn.ModuleList()
        for i in range(3):
            self.channel.append(ActNorm(4))
            self.channel.append(AffineCoupling(st_resnet(2, 2, width, blocks), False, i % 2, 4))
        self.scale1 = nn.ModuleList()
        for i in range(4):
            self.scale1.append(ActNorm(2))
            self.scale1.append(AffineCoupling(st_resnet(2, 2, width, blocks), True, i % 2, 2))

    def log_prob(self, y):
        a = self.alpha
        p = a + (1 - 2 * a) * y
        h = torch.log(p) - torch.log(1.0 - p)
        logdet = torch.zeros(y.shape[0], dtype=y.dtype, device=y.device)
        logdet = logdet + torch.flatten(math.log(1 - 2 * a) - torch.log(p) - torch.log(1.0 - p), 1).sum(1)
        for layer in self.scale0:
            h, ld = layer(h)
            logdet = logdet + ld
        h = squeeze(h)
        for layer in self.channel:
            h, ld = layer(h)
            logdet = logdet + ld
        factored = torch.flatten(h[:, :2], 1)
        h = h[:, 2:]
        for layer in self.scale1:
            h, ld = layer(h)
            logdet = logdet + ld
        z = torch.cat([factored, torch.flatten(h, 1)], 1)
        prior = torch.sum(-0.5 * z.square() - 0.5 * math.log(2 * math.pi), 1)
        return prior + logdet

    def loss(self, y):
        """Mean bits/dim of dequantised y in [0, 1) (flow_trainer.cpp)."""
        d = 784
        nll = -self.log_prob(y).mean()
        return (nll + d * math.log(256.0)) / (d * math.log(2.0))


# --- PixelCNN (models/ar/pixelcnn.cpp, masked_conv.cpp) --------------------

def causal_mask(kind, k):
    c = k // 2
    m = torch.zeros(k, k)
    for r in range(k):
        for s in range(k):
            if r < c or (r == c and s < c) or (r == c and s == c and kind == "B"):
                m[r, s] = 1.0
    return m


class MaskedConv2d(nn.Conv2d):
    def __init__(self, kind, cin, cout, k):
        super().__init__(cin, cout, k, 1, k // 2)
        self.register_buffer("mask", causal_mask(kind, k), persistent=False)

    def forward(self, x):
        return F.conv2d(x, self.weight * self.mask, self.bias, 1, self.padding)


class PixelBlock(nn.Module):
    def __init__(self, width):
        super().__init__()
        h = width // 2
        self.convs = nn.ModuleList([nn.Conv2d(width, h, 1), MaskedConv2d("B", h, h, 3), nn.Conv2d(h, width, 1)])

    def forward(self, x):
        y = x
        for m in self.convs:
            y = m(F.relu(y))
        return x + y


class PixelCnn(nn.Module):
    """Binarised (levels 2): 7x7 type A, 4 blocks of width 32, 1x1 32 -> 1."""

    def __init__(self, width=32, blocks=4, out_hidden=32):
        super().__init__()
        self.net = nn.Sequential(MaskedConv2d("A", 1, width, 7), *[PixelBlock(width) for _ in range(blocks)],
                                 nn.ReLU(), nn.Conv2d(width, out_hidden, 1), nn.ReLU(), nn.Conv2d(out_hidden, 1, 1))

    def loss(self, x):
        logits = self.net(x)
        return F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum((1, 2, 3)).mean()
