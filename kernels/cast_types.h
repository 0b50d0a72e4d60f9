#pragma once
// The conversions of cast<To, From> and the element types of fill<T>
// (kernels/copy.h, kernels/cuda/copy.h), listed once for every backend's
// explicit instantiations: each pair of float, double, int64_t, uint8_t and
// bool; bf16 to and from float, double and bf16.
#include <cstdint>

#include "kernels/bf16.h"
#include "kernels/view.h"

// X(To, From) for every pair cast converts.
#define NABLA_CASTS_TO(X, To) X(To, float) X(To, double) X(To, int64_t) X(To, uint8_t) X(To, bool)
#define NABLA_CAST_PAIRS(X)                                                                             \
  NABLA_CASTS_TO(X, float) NABLA_CASTS_TO(X, double) NABLA_CASTS_TO(X, int64_t) NABLA_CASTS_TO(X, uint8_t) \
  NABLA_CASTS_TO(X, bool) X(bf16, float) X(bf16, double) X(bf16, bf16) X(float, bf16) X(double, bf16)
// X(T) for every type fill writes.
#define NABLA_FILL_TYPES(X) X(float) X(double) X(int64_t) X(uint8_t) X(bool) X(bf16)

// Instantiates the enclosing namespace's cast and fill over those lists.
#define NABLA_CAST_INSTANTIATE(To, From) template void cast<To, From>(View<To>, View<const From>);
#define NABLA_FILL_INSTANTIATE(T) template void fill<T>(View<T>, T);
#define NABLA_INSTANTIATE_CAST_AND_FILL() \
  NABLA_CAST_PAIRS(NABLA_CAST_INSTANTIATE) NABLA_FILL_TYPES(NABLA_FILL_INSTANTIATE)
