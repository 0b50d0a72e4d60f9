#pragma once
// CUDA running sums (kernels/cuda/scan.cu), the contract of kernels/scan.h:
// out[..., j] = sum of in[..., i] for i <= j (i >= j when reverse) along the
// last dim. One thread per row scans it serially in double (in int64_t for
// i64), as the CPU does (same bits). float, double and int64_t.
#include "kernels/view.h"

namespace nabla::kernels::cuda {
template <class T>
void cumsum(View<T> out, View<const T> in, bool reverse);
}  // namespace nabla::kernels::cuda
