// The CPU-only build's stand-ins for the fused and batched linear-algebra
// CUDA kernels (kernels/cuda/optim.h, det.h, svdvals.h): each throws
// "<op>: built without CUDA".
#include "kernels/cuda/det.h"
#include "kernels/cuda/optim.h"
#include "kernels/cuda/svdvals.h"
#include "kernels/no_cuda/no_cuda.h"

namespace nabla::kernels::cuda {

template <class T>
void adam_step(View<T>, View<T>, View<T>, View<const T>, const AdamStep&, const double*) { no_cuda("adam_step"); }

template <class T>
void slogdet(View<T>, View<T>, View<const T>) { no_cuda("slogdet"); }
template <class T>
void inverse(View<T>, View<const T>) { no_cuda("inv"); }
template <class T>
void svdvals(View<T>, View<const T>) { no_cuda("svdvals"); }

#define NABLA_FLOAT(T)                                                                    \
  template void adam_step<T>(View<T>, View<T>, View<T>, View<const T>, const AdamStep&, const double*); \
  template void slogdet<T>(View<T>, View<T>, View<const T>);                             \
  template void inverse<T>(View<T>, View<const T>);                                      \
  template void svdvals<T>(View<T>, View<const T>);
NABLA_FLOAT(float)
NABLA_FLOAT(double)
#undef NABLA_FLOAT

}  // namespace nabla::kernels::cuda
