#pragma once
// The last step of a weight gradient summed over the batch in fixed chunks
// (conv.cpp, conv_f32.cpp, conv_s1.cpp): out[i] = the chunks' partials of
// element i added in chunk order, in Acc<T> (double for float). The order
// depends only on the chunk count, which the callers fix from the shapes, so
// the result never depends on the thread count. A run of kRun elements at a
// time, so that the loop over elements vectorises.
#include <algorithm>
#include <cstdint>

#include "kernels/cpu/loop.h"

namespace nabla::kernels::cpu {

template <class T>
void sum_chunks_in_order(T* out, const T* partial, int64_t chunks, int64_t size, int64_t parallel_work) {
  constexpr int64_t kRun = 256;
#pragma omp parallel for if (size * chunks >= parallel_work) schedule(static)
  for (int64_t i0 = 0; i0 < size; i0 += kRun) {
    const int64_t run = std::min(kRun, size - i0);
    Acc<T> sum[kRun] = {};
    for (int64_t c = 0; c < chunks; ++c) {
      const T* p = partial + c * size + i0;
      for (int64_t i = 0; i < run; ++i) sum[i] += p[i];
    }
    for (int64_t i = 0; i < run; ++i) out[i0 + i] = static_cast<T>(sum[i]);
  }
}

}  // namespace nabla::kernels::cpu
