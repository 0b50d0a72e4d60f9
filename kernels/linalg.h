#pragma once
// Matrix products on strided views.
//
// matmul: out[..., m, n] = a[..., m, k] @ b[..., k, n] for every index of the
// leading (batch) dims, which all three views share; a broadcast batch dim has
// stride 0 in a or b. Each matrix goes to Eigen's GEMM kernel in place when
// it is row-major (unit column stride) or column-major (unit row stride, e.g.
// a transposed view); any other layout is copied first. `out` is
// overwritten, never accumulated into. Results do not depend on the number
// of threads.
#include "kernels/view.h"

namespace nabla::kernels::cpu {

template <class T>
void matmul(View<T> out, View<const T> a, View<const T> b);

}  // namespace nabla::kernels::cpu
