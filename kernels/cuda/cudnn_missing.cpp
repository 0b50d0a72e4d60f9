// Built instead of kernels/cuda/cudnn_conv.cu when CMake found no cuDNN:
// the vendor convolution throws (and set_backend("conv", "vendor") refuses).
#include <stdexcept>
#include <string>

#include "kernels/cuda/cudnn_conv.h"

namespace nabla::kernels::cuda::cudnn {

namespace {
[[noreturn]] void missing(const char* op) {
  throw std::runtime_error(std::string(op) +
                           " (vendor): this build has no cuDNN (CMake found no libcudnn and cudnn.h; "
                           "install cuDNN and reconfigure, or use set_backend(\"conv\", \"hand\"))");
}
}  // namespace

bool available() { return false; }
template <class T>
void conv2d_forward(View<T>, View<const T>, View<const T>, View<const T>, const Conv2dArgs&) { missing("conv2d"); }
template <class T>
void conv2d_backward_input(View<T>, View<const T>, View<const T>, View<const T>, const Conv2dArgs&) {
  missing("conv_transpose2d");
}
template <class T>
void conv2d_backward_weight(View<T>, View<const T>, View<const T>, const Conv2dArgs&) { missing("conv2d_weight"); }

#define NABLA_CONV_INSTANTIATE(T)                                                                         \
  template void conv2d_forward<T>(View<T>, View<const T>, View<const T>, View<const T>, const Conv2dArgs&); \
  template void conv2d_backward_input<T>(View<T>, View<const T>, View<const T>, View<const T>,             \
                                         const Conv2dArgs&);                                               \
  template void conv2d_backward_weight<T>(View<T>, View<const T>, View<const T>, const Conv2dArgs&);
NABLA_CONV_INSTANTIATE(float)
NABLA_CONV_INSTANTIATE(double)
#undef NABLA_CONV_INSTANTIATE

}  // namespace nabla::kernels::cuda::cudnn
