#pragma once
// CUDA batched singular values (kernels/cuda/svdvals.cu): the contract of
// kernels::cpu::svdvals (kernels/svdvals.h), one thread block per matrix,
// one warp per pair of a round. float and double (computed in double).
#include "kernels/view.h"

namespace nabla::kernels::cuda {
template <class T>
void svdvals(View<T> s, View<const T> a);
}  // namespace nabla::kernels::cuda
