#pragma once
// CUDA reductions (kernels/cuda/reduce.cu): the same contract as
// kernels::cpu::reduce and arg_reduce (kernels/reduce.h): `in` has out.ndim
// kept dims followed by the reduced dims. One thread block per output row,
// combined in a fixed tree order (no atomics): the same input gives the same
// bits on every run. The order differs from the CPU's serial one, so sums
// agree with the CPU to rounding, max/min/argmax exactly. float and double;
// int64_t for sum, prod, max, min (exact, wrapping like the CPU) and arg_reduce.
#include "kernels/reduce.h"

namespace nabla::kernels::cuda {
template <class T>
void reduce(Reduce op, View<T> out, View<const T> in, ReduceArgs args = {});
template <class T>
void arg_reduce(Reduce op, View<int64_t> index, View<T> value, View<const T> in);
}  // namespace nabla::kernels::cuda
