#pragma once
// CUDA random fills (kernels/cuda/random.cu): the same Philox stream as
// kernels::cpu::random (kernels/random.h), element i from block (offset + i).
// uniform, randint and bernoulli give the CPU's bits exactly; normal goes
// through the device's log/cos/sqrt, which may differ from the host's libm
// in the last bit or two.
#include <cstdint>

#include "kernels/random.h"

namespace nabla::kernels::cuda {
// out is contiguous. float, double, int64_t, uint8_t, bool.
template <class T>
void random(View<T> out, RandomArgs args, uint64_t seed, uint64_t offset);
}  // namespace nabla::kernels::cuda
