#pragma once
// Reduction kernels. The front-end permutes the input so that the reduced
// dims come last: `in` has out.ndim kept dims followed by the reduced dims,
// and out[i] = reduce over in[i, ...]. Accumulation is serial per output
// element (deterministic); outputs are split across threads.
#include "kernels/view.h"

namespace nabla::kernels {

enum class Reduce { sum };

namespace cpu {
template <class T>
void reduce(Reduce op, View<T> out, View<const T> in);
}  // namespace cpu

}  // namespace nabla::kernels
