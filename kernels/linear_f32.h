#pragma once
// The f32 CPU kernel of linear layers: out = x w^T (+ bias), through the
// packed SGEMM (kernels/cpu/sgemm.h), the bias added by the thread that
// computed those outputs right after them (the same float add as a separate
// pass, while they are in cache).
//
// Rounding: out(i, j) = sum_l x(i, l) w(j, l) in kSgemmKc-long blocks, each
// summed in order from l = 0 with one FMA per term (sgemm.h), then + bias(j).
// The work is split over column (or row) blocks across OpenMP threads; the
// sum of an element depends on k only, so the bits do not depend on the
// number of threads.
#include "kernels/view.h"

namespace nabla::kernels::cpu {

// out [m, n] with unit column stride; x [m, k] and w [n, k] any strides;
// bias [n] any stride, or bias.data == nullptr for none.
void linear_f32(View<float> out, View<const float> x, View<const float> w, View<const float> bias);

}  // namespace nabla::kernels::cpu
