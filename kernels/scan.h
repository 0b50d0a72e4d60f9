#pragma once
// Scan kernels: running sums along one dim. The front-end moves that dim
// last, so each kernel scans the innermost dim of same-shaped views.
#include "kernels/view.h"

namespace nabla::kernels::cpu {

// out[..., j] = sum of in[..., i] for i <= j (i >= j when reverse). Float sums
// run in double. Rows are split across threads; each row is scanned serially.
template <class T>
void cumsum(View<T> out, View<const T> in, bool reverse);

}  // namespace nabla::kernels::cpu
