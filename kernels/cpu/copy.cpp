#include "kernels/copy.h"

#include <cstdint>

#include "kernels/instantiate.h"
#include "kernels/cpu/loop.h"

namespace nabla::kernels::cpu {

template <class To, class From>
void cast(View<To> out, View<const From> in) {
  map(out, [](From x) { return static_cast<To>(x); }, in);
}

template <class T>
void fill(View<T> out, T value) {
  map(out, [value]() { return value; });
}

NABLA_INSTANTIATE_CAST_AND_FILL()

}  // namespace nabla::kernels::cpu
