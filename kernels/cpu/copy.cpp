#include "kernels/copy.h"

#include <cstdint>

#include "kernels/bf16.h"
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
// bf16 converts to and from the floating types only (through float).
template void cast<bf16, float>(View<bf16>, View<const float>);
template void cast<bf16, double>(View<bf16>, View<const double>);
template void cast<bf16, bf16>(View<bf16>, View<const bf16>);
template void cast<float, bf16>(View<float>, View<const bf16>);
template void cast<double, bf16>(View<double>, View<const bf16>);
template void fill<bf16>(View<bf16>, bf16);

}  // namespace nabla::kernels::cpu
