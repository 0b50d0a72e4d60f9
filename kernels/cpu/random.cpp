// CPU random fills: element i is draw<T> (kernels/random_draw.h, shared with
// the CUDA kernel) of Philox block (offset + i).
#include "kernels/random.h"

#include "kernels/cpu/loop.h"
#include "kernels/philox.h"
#include "kernels/random_draw.h"

namespace nabla::kernels::cpu {

template <class T>
void random(View<T> out, RandomArgs args, uint64_t seed, uint64_t offset) {
  const int64_t n = out.numel();  // out is contiguous
#pragma omp parallel for if (n >= kParallelGrain) schedule(static)
  for (int64_t i = 0; i < n; ++i)
    out.data[i] = draw<T>(philox4x32_10(offset + static_cast<uint64_t>(i), 0, seed), args);
}

template void random<float>(View<float>, RandomArgs, uint64_t, uint64_t);
template void random<double>(View<double>, RandomArgs, uint64_t, uint64_t);
template void random<int64_t>(View<int64_t>, RandomArgs, uint64_t, uint64_t);
template void random<uint8_t>(View<uint8_t>, RandomArgs, uint64_t, uint64_t);
template void random<bool>(View<bool>, RandomArgs, uint64_t, uint64_t);

}  // namespace nabla::kernels::cpu
