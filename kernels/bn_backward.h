#pragma once
// Batch norm's backward with batch statistics in two passes over the data
// (kernels/cpu/bn_backward.cpp), for the CPU when no graph of the backward is
// built. Tensors are NCS, contiguous (kernels/fused_act.h). With
// x_hat = (x - mean) rstd, g_hat = g w (g when w is null), M = N S:
//   gx = rstd ((g_hat - mean(g_hat)) - x_hat mean(g_hat x_hat))
//   gw = sum(g x_hat),  gb = sum(g)
// per channel, each operation rounded as autograd/norm.cpp's composite of
// elementwise ops and reductions rounds it (the sums in double, in (n, s)
// order as kernels::cpu::reduce sums one output that is not split into
// chunks; the means as float(sum) / M): bitwise the composite's results.
#include <cstdint>

#include "kernels/fused_act.h"

namespace nabla::kernels::cpu {

// Any of gx, gw, gb may be null (not wanted); w may be null (no weight).
template <class T>
void batch_norm_backward(T* gx, T* gw, T* gb, const T* g, const T* x, const T* w, const T* mean, const T* rstd,
                         NCS shape);

}  // namespace nabla::kernels::cpu
