#include "kernels/copy.h"

#include <cstdint>

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

#define NABLA_CAST_FROM(To)                                         \
  template void cast<To, float>(View<To>, View<const float>);       \
  template void cast<To, double>(View<To>, View<const double>);     \
  template void cast<To, int64_t>(View<To>, View<const int64_t>);   \
  template void cast<To, uint8_t>(View<To>, View<const uint8_t>);   \
  template void cast<To, bool>(View<To>, View<const bool>);         \
  template void fill<To>(View<To>, To);
NABLA_CAST_FROM(float)
NABLA_CAST_FROM(double)
NABLA_CAST_FROM(int64_t)
NABLA_CAST_FROM(uint8_t)
NABLA_CAST_FROM(bool)
#undef NABLA_CAST_FROM

}  // namespace nabla::kernels::cpu
