#!/usr/bin/env python3
# Index-level emulation of kernels/cuda/gemm_f32.cuh, for checking its thread
# maps without a GPU: the tile loader (16-byte and scalar copies, zero-fill
# past the edges, padded storage so that a stray read of the padding shows),
# the k-tile order, the SIMT register tiles of sgemm<128> (8 x 8) and
# sgemm<64> (4 x 4), the mma.m16n8k8 fragment maps (as the PTX ISA gives
# them) and the stores; every C element must be written exactly once and
# equal A @ B (in float64, so TF32 rounding is not modelled). Then conv's use
# (kernels/cuda/conv.cu): the Mat / Batch arguments of its three GEMMs and
# gemm.cu's 16-byte-copy tests, against a direct convolution. Mirror any
# change of the kernels' maps or of conv's GEMM arguments here. 1-3 minutes:
#   /usr/bin/python3 tests/cuda/gemm_f32_index_sim.py
import numpy as np
BK, T, STAGES = 16, 256, 3
TILES = {'sgemm': (128, 128), 'sgemm64': (64, 64), 'tf32': (128, 256)}

def load_tile(S, Ld, R, vec, base, sr, sk, rows, r0, k0, K, flat):
    # flat: the operand's storage (1-D), base offset
    for tid in range(T):
        if vec:
            kq = R // 4; step = T // kq
            r = 4 * (tid % kq); k = tid // kq
            left = rows - (r0 + r)
            nbytes = 4 * min(left, 4) if left > 0 else 0
            for i in range(BK // step):
                ok = nbytes > 0 and k0 + k + step * i < K
                dst = (k + step * i) * Ld + r
                for q in range(4):
                    S[dst + q] = flat[base + (r0 + r + q) + (k0 + k + step * i) * sk] if ok and q < nbytes // 4 else 0.0
        else:
            k = tid % 8; r = tid // 8
            for i in range(R * BK // T):
                dk = 8 * (i % 2); dr = 32 * (i // 2)
                ok = k0 + k + dk < K and r0 + r + dr < rows
                S[(k + dk) * Ld + r + dr] = flat[base + (r0 + r + dr) * sr + (k0 + k + dk) * sk] if ok else 0.0

def run(kind, A, B, a_layout, b_layout):
    M, K = A.shape; N = B.shape[1]
    # storage: a_layout 'row' -> A stored [M,K] rs=K cs=1 ; 'col' -> stored [K,M] rs=1 cs=M
    if a_layout == 'row': fa = A.ravel().copy(); ars, acs = K, 1
    else:
        ld = (M + 3) // 4 * 4; st = np.full((K, ld), 1e30); st[:, :M] = A.T; fa = st.ravel(); ars, acs = 1, ld
    if b_layout == 'row':
        ld = (N + 3) // 4 * 4; st = np.full((K, ld), 1e30); st[:, :N] = B; fb = st.ravel(); brs, bcs = ld, 1
    else: fb = B.T.ravel().copy(); brs, bcs = 1, K
    vec_a = ars == 1 and acs % 4 == 0
    vec_b = bcs == 1 and brs % 4 == 0
    C = np.full((M, N), np.nan)
    def store(gm, gn, v):
        assert np.isnan(C[gm, gn]); C[gm, gn] = v
    entry(kind, M, N, K, fa, 0, ars, acs, vec_a, fb, 0, brs, bcs, vec_b, store)
    return C

# One batch entry of a kernel: A element (m, k) at fa[oa + m ars + k acs], B's
# (k, n) at fb[ob + k brs + n bcs]; store(gm, gn, value) for each C element.
def entry(kind, M, N, K, fa, oa, ars, acs, vec_a, fb, ob, brs, bcs, vec_b, store):
    BM, BN = TILES[kind]
    H = BM // 64  # sgemm: 64-row halves, register tile 4H x 4H
    LdA, LdB = BM + 8, BN + 8
    for by in range((M + BM - 1) // BM):
        for bx in range((N + BN - 1) // BN):
            row0, col0 = by * BM, bx * BN
            ntiles = (K + BK - 1) // BK
            acc = {}
            for t in range(ntiles):
                As = np.full(BK * LdA, np.nan); Bs = np.full(BK * LdB, np.nan)
                load_tile(As, LdA, BM, vec_a, oa, ars, acs, M, row0, t * BK, K, fa)
                load_tile(Bs, LdB, BN, vec_b, ob, bcs, brs, N, col0, t * BK, K, fb)
                for tid in range(T):
                    if kind != 'tf32':
                        lane_, warp_ = tid % 32, tid // 32; ty = 4 * (warp_ // 2) + lane_ // 8; tx = 8 * (warp_ % 2) + lane_ % 8
                        for k in range(BK):
                            ra = [As[k*LdA + 64*h + ty*4 + q] for h in range(H) for q in range(4)]
                            rb = [Bs[k*LdB + 64*h + tx*4 + q] for h in range(H) for q in range(4)]
                            for i in range(4 * H):
                                for j in range(4 * H):
                                    acc[(tid, i, j)] = acc.get((tid, i, j), 0.0) + ra[i] * rb[j]
                # tf32 done per warp below
                for warp in (range(8) if kind == 'tf32' else []):
                    wm, wn = warp // 4, warp % 4
                    for kk in (0, 8):
                        for mi in range(4):
                            for ni in range(8):
                                # per lane fragments -> reconstruct 16x8x8 product via PTX layout
                                Am = np.zeros((16, 8)); Bm = np.zeros((8, 8))
                                for lane in range(32):
                                    g, tt = lane // 4, lane % 4
                                    a_lo = (kk + tt) * LdA + wm * 64 + g; a_hi = a_lo + 4 * LdA
                                    b_lo = (kk + tt) * LdB + wn * 64 + g; b_hi = b_lo + 4 * LdB
                                    f = [As[a_lo + 16*mi], As[a_lo + 16*mi + 8], As[a_hi + 16*mi], As[a_hi + 16*mi + 8]]
                                    Am[g, tt], Am[g+8, tt], Am[g, tt+4], Am[g+8, tt+4] = f
                                    Bm[tt, g], Bm[tt+4, g] = Bs[b_lo + 8*ni], Bs[b_hi + 8*ni]
                                D = Am @ Bm
                                for lane in range(32):
                                    g, tt = lane // 4, lane % 4
                                    d = [D[g, 2*tt], D[g, 2*tt+1], D[g+8, 2*tt], D[g+8, 2*tt+1]]
                                    for ci in range(4):
                                        key = (warp * 32 + lane, mi, ni, ci)
                                        acc[key] = acc.get(key, 0.0) + d[ci]
            # stores
            for tid in range(T):
                if kind != 'tf32':
                    lane_, warp_ = tid % 32, tid // 32; ty = 4 * (warp_ // 2) + lane_ // 8; tx = 8 * (warp_ % 2) + lane_ % 8
                    for i in range(4 * H):
                        gm = row0 + 64 * (i // 4) + ty * 4 + i % 4
                        if gm >= M: continue
                        for h in range(H):
                            gn = col0 + 64 * h + tx * 4
                            for j in range(4):
                                if gn + j < N:
                                    store(gm, gn + j, acc.get((tid, i, 4*h + j), 0.0))
                else:
                    lane, warp = tid % 32, tid // 32; g, tt = lane // 4, lane % 4; wm, wn = warp // 4, warp % 4
                    for mi in range(4):
                        for half in range(2):
                            gm = row0 + wm * 64 + mi * 16 + g + 8 * half
                            if gm >= M: continue
                            for ni in range(8):
                                gn = col0 + wn * 64 + ni * 8 + 2 * tt
                                for q in range(2):
                                    if gn + q < N:
                                        store(gm, gn + q, acc.get((tid, mi, ni, 2*half + q), 0.0))

rng = np.random.default_rng(0)
import sys
for (M, N, K) in [(1, 1, 1), (37, 129, 20), (130, 258, 33), (5, 3, 17)]:
    for al in ('row', 'col'):
        for bl in ('row', 'col'):
            for kind in ('sgemm', 'sgemm64', 'tf32'):
                A = rng.standard_normal((M, K)); B = rng.standard_normal((K, N))
                C = run(kind, A, B, al, bl)
                err = np.abs(C - A @ B).max()
                print(kind, M, N, K, al, bl, 'vec', (al=='col', bl=='row'), 'maxerr', err, 'nan', np.isnan(C).sum(), flush=True)
                assert err < 1e-9 and not np.isnan(C).any()

# ---------------------------------------------------------------- conv's use
# kernels/cuda/conv.cu: col [C_in kH kW, nb P] (ld = nb P) from im2col, then
# three batched GEMMs through gemm::run (gemm.cu's 16-byte-copy tests).
class Flat:  # storage that refuses reads outside it (numpy would wrap negative indices)
    def __init__(self, a): self.a = a
    def __getitem__(self, i):
        assert 0 <= i < len(self.a), i
        return self.a[i]

def vector_ok(off, unit, row, bstrides):  # off: elements past a 16-byte aligned allocation
    return off % 4 == 0 and unit == 1 and row % 4 == 0 and all(b % 4 == 0 for b in bstrides)

def gemm_batched(kind, c, coff, crs, ccs, a, aoff, ars, acs, b, boff, brs, bcs, M, N, K, sizes, sc, sa, sb):
    vec_a, vec_b = vector_ok(aoff, ars, acs, sa), vector_ok(boff, bcs, brs, sb)
    written = set()
    for z in range(int(np.prod(sizes))):
        oc = oa = ob = 0; i = z
        for d in reversed(range(len(sizes))):
            idx = i % sizes[d]; i //= sizes[d]
            oc += idx * sc[d]; oa += idx * sa[d]; ob += idx * sb[d]
        def store(gm, gn, v, oc=oc):
            e = coff + oc + gm * crs + gn * ccs
            assert 0 <= e < len(c) and e not in written; written.add(e); c[e] = v
        entry(kind, M, N, K, Flat(a), aoff + oa, ars, acs, vec_a, Flat(b), boff + ob, brs, bcs, vec_b, store)
    return vec_a, vec_b

def conv_case(kind, Nn, C_in, H, W, C_out, kH, kW, st, pad, dil, G):
    Ho = (H + 2 * pad[0] - dil[0] * (kH - 1) - 1) // st[0] + 1
    Wo = (W + 2 * pad[1] - dil[1] * (kW - 1) - 1) // st[1] + 1
    Cg, Co = C_in // G, C_out // G
    K, P = Cg * kH * kW, Ho * Wo
    nb, ld = Nn, Nn * P  # one chunk
    x = rng.standard_normal((Nn, C_in, H, W)); w = rng.standard_normal((C_out, Cg, kH, kW))
    g = rng.standard_normal((Nn, C_out, Ho, Wo))
    def taps():  # (i, j, ta, tb, h, v): output pixel (i, j) reads (h, v) through tap (ta, tb)
        for i in range(Ho):
            for j in range(Wo):
                for ta in range(kH):
                    for tb in range(kW):
                        h, v = i * st[0] - pad[0] + ta * dil[0], j * st[1] - pad[1] + tb * dil[1]
                        if 0 <= h < H and 0 <= v < W: yield i, j, ta, tb, h, v
    col = np.zeros((C_in * kH * kW, ld))  # as im2col_kernel
    for c in range(C_in):
        for m in range(nb):
            for i, j, ta, tb, h, v in taps(): col[(c * kH + ta) * kW + tb, m * P + i * Wo + j] = x[m, c, h, v]
    fcol = col.ravel()
    # forward: Y_ng = W_g col_ng over the batch (m, g)
    y = np.full(Nn * C_out * P, np.nan)
    va, vb = gemm_batched(kind, y, 0, P, 1, w.ravel(), 0, K, 1, fcol, 0, ld, 1, Co, P, K,
                          [nb, G], [C_out * P, Co * P], [0, Co * K], [P, K * ld])
    want = np.zeros((Nn, C_out, Ho, Wo))  # the direct convolution
    for n in range(Nn):
        for o in range(C_out):
            for c in range(Cg):
                for i, j, ta, tb, h, v in taps(): want[n, o, i, j] += w[o, c, ta, tb] * x[n, o // Co * Cg + c, h, v]
    err_f = np.abs(y - want.ravel()).max()
    # input gradient: col_ng = W_g^T G_ng (W_g read transposed)
    gcol = np.full(C_in * kH * kW * ld, np.nan)
    vi = gemm_batched(kind, gcol, 0, ld, 1, w.ravel(), 0, 1, K, g.ravel(), 0, P, 1, K, P, Co,
                 [nb, G], [P, K * ld], [0, Co * K], [C_out * P, Co * P])
    gm = g.reshape(Nn, G, Co, P)
    want_col = np.concatenate([np.concatenate([w[gi * Co:(gi + 1) * Co].reshape(Co, K).T @ gm[m, gi] for m in range(nb)], 1)
                               for gi in range(G)], 0)
    err_i = np.abs(gcol - want_col.ravel()).max()
    # weight gradient: W_g' = Gt_g col_g^T (col_g read transposed), Gt = g as [C_out, nb P]
    gt = g.transpose(1, 0, 2, 3).reshape(C_out, ld)
    gw = np.full(C_out * K, np.nan)
    vw = gemm_batched(kind, gw, 0, K, 1, gt.ravel(), 0, ld, 1, fcol, 0, 1, ld, Co, K, ld, [G], [Co * K], [Co * ld], [K * ld])
    want_w = np.concatenate([gt[gi * Co:(gi + 1) * Co] @ col[gi * K:(gi + 1) * K].T for gi in range(G)], 0)
    err_w = np.abs(gw - want_w.ravel()).max()
    print('conv', kind, (Nn, C_in, H, W), '->', (C_out, Ho, Wo), 'G', G, '16-byte copies of (A, B) fwd/in/w',
          (va, vb), vi, vw, 'err', err_f, err_i, err_w, flush=True)
    assert all(np.isfinite(e) and e < 1e-9 for e in (err_f, err_i, err_w))

for kind in ('sgemm', 'sgemm64'):
    conv_case(kind, 2, 3, 5, 4, 4, 3, 3, (1, 1), (1, 1), (1, 1), 1)       # ld = 40: 16-byte copies of col
    conv_case(kind, 3, 4, 6, 7, 6, 3, 2, (2, 1), (1, 0), (1, 2), 2)       # groups, odd P = 15: scalar copies
    conv_case(kind, 1, 1, 1, 1, 1, 1, 1, (1, 1), (0, 0), (1, 1), 1)       # size 1
