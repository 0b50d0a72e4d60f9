#!/usr/bin/env python3
# Index-level emulation of kernels/cuda/gemm_f32.cuh, for checking its thread
# maps without a GPU: the tile loader (16-byte and scalar copies, zero-fill
# past the edges, padded storage so that a stray read of the padding shows),
# the k-tile order, the SIMT 8 x 8 register tiles, the mma.m16n8k8 fragment
# maps (as the PTX ISA gives them) and the stores; every C element must be
# written exactly once and equal A @ B (in float64, so TF32 rounding is not
# modelled). Mirror any change of the kernel's maps here. About 30 s:
#   /usr/bin/python3 tests/cuda/gemm_f32_index_sim.py
import numpy as np
BM, BK, T, STAGES = 128, 16, 256, 3

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
    BN = 128 if kind == 'sgemm' else 256
    LdA, LdB = BM + 8, BN + 8
    C = np.full((M, N), np.nan)
    for by in range((M + BM - 1) // BM):
        for bx in range((N + BN - 1) // BN):
            row0, col0 = by * BM, bx * BN
            ntiles = (K + BK - 1) // BK
            acc = {}
            for t in range(ntiles):
                As = np.full(BK * LdA, np.nan); Bs = np.full(BK * LdB, np.nan)
                load_tile(As, LdA, BM, vec_a, 0, ars, acs, M, row0, t * BK, K, fa)
                load_tile(Bs, LdB, BN, vec_b, 0, bcs, brs, N, col0, t * BK, K, fb)
                for tid in range(T):
                    if kind == 'sgemm':
                        lane_, warp_ = tid % 32, tid // 32; ty = 4 * (warp_ // 2) + lane_ // 8; tx = 8 * (warp_ % 2) + lane_ % 8
                        for k in range(BK):
                            ra = [As[k*LdA + ty*4 + q] for q in range(4)] + [As[k*LdA + 64 + ty*4 + q] for q in range(4)]
                            rb = [Bs[k*LdB + tx*4 + q] for q in range(4)] + [Bs[k*LdB + 64 + tx*4 + q] for q in range(4)]
                            for i in range(8):
                                for j in range(8):
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
                if kind == 'sgemm':
                    lane_, warp_ = tid % 32, tid // 32; ty = 4 * (warp_ // 2) + lane_ // 8; tx = 8 * (warp_ % 2) + lane_ % 8
                    for i in range(8):
                        gm = row0 + (0 if i < 4 else 64) + ty * 4 + i % 4
                        if gm >= M: continue
                        for h in range(2):
                            gn = col0 + 64 * h + tx * 4
                            for j in range(4):
                                if gn + j < N:
                                    assert np.isnan(C[gm, gn + j]); C[gm, gn + j] = acc.get((tid, i, 4*h + j), 0.0)
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
                                        assert np.isnan(C[gm, gn + q]); C[gm, gn + q] = acc.get((tid, mi, ni, 2*half + q), 0.0)
    return C

rng = np.random.default_rng(0)
import sys
for (M, N, K) in [(1, 1, 1), (37, 129, 20), (130, 258, 33), (5, 3, 17)]:
    for al in ('row', 'col'):
        for bl in ('row', 'col'):
            for kind in ('sgemm', 'tf32'):
                A = rng.standard_normal((M, K)); B = rng.standard_normal((K, N))
                C = run(kind, A, B, al, bl)
                err = np.abs(C - A @ B).max()
                print(kind, M, N, K, al, bl, 'vec', (al=='col', bl=='row'), 'maxerr', err, 'nan', np.isnan(C).sum(), flush=True)
                assert err < 1e-9 and not np.isnan(C).any()
