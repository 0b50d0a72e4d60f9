// The CPU-only build's stand-ins for the CUDA activation epilogues
// (kernels/cuda/fused_act.h): each throws "<op>: built without CUDA".
#include "kernels/cuda/fused_act.h"
#include "kernels/no_cuda/no_cuda.h"

namespace nabla::kernels::cuda {

template <class T>
void activate_(T*, int64_t, Activation) { no_cuda("activate_"); }
template <class T>
void activation_backward(T*, T*, const T*, const T*, NCS, Activation) { no_cuda("activation_backward"); }

#define NABLA_FLOAT(T)                                 \
  template void activate_<T>(T*, int64_t, Activation); \
  template void activation_backward<T>(T*, T*, const T*, const T*, NCS, Activation);
NABLA_FLOAT(float)
NABLA_FLOAT(double)
#undef NABLA_FLOAT

}  // namespace nabla::kernels::cuda
