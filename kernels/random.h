#pragma once
// Random fills over contiguous outputs, from the Philox stream (philox.h):
// element i uses block (offset + i). How each element type turns a block
// into a value is fixed here, so the CUDA kernels can match it bit for bit.
#include <cstdint>

#include "kernels/view.h"

namespace nabla::kernels {

enum class Distribution {
  uniform,    // low + (high - low) * U[0, 1)
  normal,     // mean + std * Box-Muller (cos branch)
  randint,    // low + (64 random bits mod (high - low)), for integer outputs
  bernoulli,  // 1 if U[0, 1) < p else 0
};

struct RandomArgs {
  Distribution dist = Distribution::uniform;
  double a = 0;  // uniform: low; normal: mean; randint: low; bernoulli: p
  double b = 1;  // uniform: high; normal: std; randint: high (exclusive)
};

namespace cpu {
template <class T>
void random(View<T> out, RandomArgs args, uint64_t seed, uint64_t offset);
}  // namespace cpu

}  // namespace nabla::kernels
