#pragma once
// Register tiles of the stride-1 f32 convolution (kernels/cpu/conv_s1.cpp).
//
// out_tile: R x 8V outputs of C = A B, A packed by rows of 6 (a[l 6 + r]),
// B read in place: B(l, j) = base[off[l] + j], 8V adjacent floats per l (a
// stride-1 convolution reads adjacent output positions of a padded image row
// through tap l from adjacent floats). Each output is the sum over l in
// order, one FMA per term, then added to C (add) or stored: the same value
// whatever the tile's shape.
//
// dot_tile: RO x RL sums of products of rows of equal length: acc[o][l] (8
// lanes) += g_o[v] x_l[v] over 8-float vectors v, lane by lane; the caller
// reduces the lanes (lane_sum) once at the end.
#include <cmath>
#include <cstdint>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#endif

namespace nabla::kernels::cpu::conv_s1 {

inline constexpr int64_t kMr = 6, kNr = 16, kLanes = 8, kDotO = 4, kDotL = 3;

#if defined(__AVX2__) && defined(__FMA__)
using Lanes = __m256;
inline Lanes zero_lanes() { return _mm256_setzero_ps(); }
inline Lanes load_lanes(const float* p) { return _mm256_loadu_ps(p); }
inline void store_lanes(float* p, Lanes v) { _mm256_storeu_ps(p, v); }

template <int R, int V>
inline void out_tile(int64_t kc, const float* a, const float* base, const int32_t* off, float* c, int64_t ldc,
                     bool add) {
  __m256 acc[R][V];
#pragma GCC unroll 6
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
    for (int v = 0; v < V; ++v) acc[r][v] = _mm256_setzero_ps();
  for (int64_t l = 0; l < kc; ++l, a += kMr) {
    const float* b = base + off[l];
    __m256 bv[V];
#pragma GCC unroll 8
    for (int v = 0; v < V; ++v) bv[v] = _mm256_loadu_ps(b + 8 * v);
#pragma GCC unroll 6
    for (int r = 0; r < R; ++r) {
      const __m256 x = _mm256_broadcast_ss(a + r);
#pragma GCC unroll 8
      for (int v = 0; v < V; ++v) acc[r][v] = _mm256_fmadd_ps(x, bv[v], acc[r][v]);
    }
  }
#pragma GCC unroll 6
  for (int r = 0; r < R; ++r) {
    float* row = c + r * ldc;
#pragma GCC unroll 8
    for (int v = 0; v < V; ++v) {
      if (add) acc[r][v] = _mm256_add_ps(_mm256_loadu_ps(row + 8 * v), acc[r][v]);
      _mm256_storeu_ps(row + 8 * v, acc[r][v]);
    }
  }
}

template <int RO, int RL>
inline void dot_tile(int64_t nvec, const float* const* g, const float* const* x, Lanes (&acc)[kDotO][kDotL]) {
  __m256 s[RO][RL];
#pragma GCC unroll 4
  for (int o = 0; o < RO; ++o)
#pragma GCC unroll 3
    for (int l = 0; l < RL; ++l) s[o][l] = acc[o][l];
  for (int64_t v = 0; v < nvec * kLanes; v += kLanes) {
    __m256 xv[RL];
#pragma GCC unroll 3
    for (int l = 0; l < RL; ++l) {
      xv[l] = _mm256_loadu_ps(x[l] + v);
      asm("" : "+x"(xv[l]));  // loaded once: not folded into each FMA as a memory operand
    }
#pragma GCC unroll 4
    for (int o = 0; o < RO; ++o) {
      __m256 gv = _mm256_loadu_ps(g[o] + v);
      asm("" : "+x"(gv));
#pragma GCC unroll 3
      for (int l = 0; l < RL; ++l) s[o][l] = _mm256_fmadd_ps(gv, xv[l], s[o][l]);
    }
  }
#pragma GCC unroll 4
  for (int o = 0; o < RO; ++o)
#pragma GCC unroll 3
    for (int l = 0; l < RL; ++l) acc[o][l] = s[o][l];
}

// ((v0 + v4) + (v2 + v6)) + ((v1 + v5) + (v3 + v7)).
inline float lane_sum(Lanes v) {
  const __m128 h = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  const __m128 q = _mm_add_ps(h, _mm_movehl_ps(h, h));
  return _mm_cvtss_f32(_mm_add_ss(q, _mm_movehdup_ps(q)));
}
#else
struct Lanes {
  float v[kLanes];
};
inline Lanes zero_lanes() { return Lanes{}; }
inline Lanes load_lanes(const float* p) {
  Lanes r;
  for (int i = 0; i < kLanes; ++i) r.v[i] = p[i];
  return r;
}
inline void store_lanes(float* p, Lanes v) {
  for (int i = 0; i < kLanes; ++i) p[i] = v.v[i];
}

template <int R, int V>
inline void out_tile(int64_t kc, const float* a, const float* base, const int32_t* off, float* c, int64_t ldc,
                     bool add) {
  float acc[R][8 * V] = {};
  for (int64_t l = 0; l < kc; ++l, a += kMr)
    for (int r = 0; r < R; ++r)
      for (int j = 0; j < 8 * V; ++j) acc[r][j] = std::fma(a[r], base[off[l] + j], acc[r][j]);
  for (int r = 0; r < R; ++r)
    for (int j = 0; j < 8 * V; ++j) c[r * ldc + j] = add ? c[r * ldc + j] + acc[r][j] : acc[r][j];
}

template <int RO, int RL>
inline void dot_tile(int64_t nvec, const float* const* g, const float* const* x, Lanes (&acc)[kDotO][kDotL]) {
  for (int64_t v = 0; v < nvec * kLanes; v += kLanes)
    for (int o = 0; o < RO; ++o)
      for (int l = 0; l < RL; ++l)
        for (int i = 0; i < kLanes; ++i) acc[o][l].v[i] = std::fma(g[o][v + i], x[l][v + i], acc[o][l].v[i]);
}

inline float lane_sum(Lanes v) {
  return ((v.v[0] + v.v[4]) + (v.v[2] + v.v[6])) + ((v.v[1] + v.v[5]) + (v.v[3] + v.v[7]));
}
#endif

}  // namespace nabla::kernels::cpu::conv_s1
