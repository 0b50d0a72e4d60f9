// The CPU-only build's stand-ins for the CUDA kernels' entry points
// (kernels/cuda/<family>.h): the same symbols, each throwing
// "<op>: built without CUDA". core/ calls them only for CUDA tensors, which
// a build without CUDA cannot make, so they are a safety net.
#include "kernels/instantiate.h"
#include "kernels/cuda/conv.h"
#include "kernels/cuda/copy.h"
#include "kernels/cuda/cudnn_conv.h"
#include "kernels/cuda/eigh.h"
#include "kernels/cuda/elementwise.h"
#include "kernels/cuda/index.h"
#include "kernels/cuda/linalg.h"
#include "kernels/cuda/loss.h"
#include "kernels/cuda/norm.h"
#include "kernels/cuda/pool.h"
#include "kernels/cuda/random.h"
#include "kernels/cuda/reduce.h"
#include "kernels/cuda/scan.h"
#include "kernels/cuda/softmax.h"
#include "kernels/no_cuda/no_cuda.h"

namespace nabla::kernels::cuda {

bool cudnn::available() { return false; }

template <class To, class From>
void cast(View<To>, View<const From>) { no_cuda("cast"); }
template <class T>
void fill(View<T>, T) { no_cuda("fill"); }
template <class T>
void random(View<T>, RandomArgs, uint64_t, uint64_t) { no_cuda("random"); }
template <class T>
void unary(Unary op, UnaryArgs, View<T>, View<const T>) { no_cuda(name(op)); }
template <class T>
void binary(Binary op, View<T>, View<const T>, View<const T>) { no_cuda(name(op)); }
template <class T>
void compare(Compare op, View<bool>, View<const T>, View<const T>) { no_cuda(name(op)); }
template <class T>
void where(View<T>, View<const bool>, View<const T>, View<const T>) { no_cuda("where"); }
template <class T>
void relu_backward(View<T>, View<const T>, View<const T>, T, bool) { no_cuda("relu_backward"); }
template <class T>
void reduce(Reduce op, View<T>, View<const T>, ReduceArgs) { no_cuda(name(op)); }
template <class T>
void arg_reduce(Reduce op, View<int64_t>, View<T>, View<const T>) { no_cuda(name(op)); }
template <class T>
void matmul(View<T>, View<const T>, View<const T>, Backend) { no_cuda("matmul"); }
template <class T>
void softmax(View<T>, View<const T>, bool) { no_cuda("softmax"); }
template <class T>
void norm_forward(View<T>, View<T>, View<T>, View<T>, View<const T>, View<const T>, View<const T>, double) {
  no_cuda("norm");
}
template <class T>
void scale_shift(View<T>, View<const T>, View<const T>, View<const T>) { no_cuda("batch_norm"); }
template <class T>
void bce_with_logits(View<T>, View<const T>, View<const T>, View<const T>) { no_cuda("bce_with_logits"); }

template <class T>
void cross_entropy(View<T>, View<T>, View<const T>, View<const int64_t>, double) { no_cuda("cross_entropy"); }
template <class T>
void nll(View<T>, View<const T>, View<const int64_t>) { no_cuda("nll_loss"); }
template <class T>
void gather(View<T>, View<const T>, int, View<const int64_t>) { no_cuda("gather"); }
template <class T>
void scatter_add(View<T>, int, View<const int64_t>, View<const T>) { no_cuda("scatter_add"); }
template <class T>
void flip(View<T>, View<const T>, uint32_t) { no_cuda("flip"); }
template <class T>
void one_hot(View<T>, View<const int64_t>) { no_cuda("one_hot"); }

template <class T>
void max_pool2d(View<T>, View<int64_t>, View<const T>, const Pool2d&) { no_cuda("max_pool2d"); }
template <class T>
void max_pool2d_backward(View<T>, View<const T>, View<const int64_t>) { no_cuda("max_pool2d_backward"); }
template <class T>
void max_pool2d_gather(View<T>, View<const T>, View<const int64_t>) { no_cuda("max_pool2d_gather"); }
template <class T>
void avg_pool2d(View<T>, View<const T>, const Pool2d&) { no_cuda("avg_pool2d"); }
template <class T>
void avg_pool2d_backward(View<T>, View<const T>, const Pool2d&) { no_cuda("avg_pool2d_backward"); }
template <class T>
void upsample_nearest2d(View<T>, View<const T>) { no_cuda("upsample_nearest2d"); }
template <class T>
void upsample_nearest2d_backward(View<T>, View<const T>) { no_cuda("upsample_nearest2d_backward"); }

template <class T>
void conv2d_forward(View<T>, View<const T>, View<const T>, View<const T>, const Conv2dArgs&, Backend) {
  no_cuda("conv2d");
}
template <class T>
void conv2d_backward_input(View<T>, View<const T>, View<const T>, View<const T>, const Conv2dArgs&, Backend) {
  no_cuda("conv_transpose2d");
}
template <class T>
void conv2d_backward_weight(View<T>, View<const T>, View<const T>, const Conv2dArgs&, Backend) {
  no_cuda("conv2d_weight");
}

template <class T>
void cumsum(View<T>, View<const T>, bool) { no_cuda("cumsum"); }
template <class T>
void eigh(View<T>, View<T>, View<const T>) { no_cuda("eigh"); }

NABLA_INSTANTIATE_CAST_AND_FILL()
template void random<float>(View<float>, RandomArgs, uint64_t, uint64_t);
template void random<double>(View<double>, RandomArgs, uint64_t, uint64_t);
template void random<int64_t>(View<int64_t>, RandomArgs, uint64_t, uint64_t);
template void random<uint8_t>(View<uint8_t>, RandomArgs, uint64_t, uint64_t);
template void random<bool>(View<bool>, RandomArgs, uint64_t, uint64_t);

NABLA_INSTANTIATE_ELEMENTWISE()
NABLA_INSTANTIATE_POOL()

#define NABLA_FLOAT(T)                                                                \
  template void reduce<T>(Reduce, View<T>, View<const T>, ReduceArgs);                \
  template void arg_reduce<T>(Reduce, View<int64_t>, View<T>, View<const T>);         \
  template void matmul<T>(View<T>, View<const T>, View<const T>, Backend);       \
  template void softmax<T>(View<T>, View<const T>, bool);                        \
  template void bce_with_logits<T>(View<T>, View<const T>, View<const T>, View<const T>);        \
  template void norm_forward<T>(View<T>, View<T>, View<T>, View<T>, View<const T>, View<const T>, \
                                View<const T>, double);                                           \
  template void scale_shift<T>(View<T>, View<const T>, View<const T>, View<const T>);                \
  template void cross_entropy<T>(View<T>, View<T>, View<const T>, View<const int64_t>, double);      \
  template void nll<T>(View<T>, View<const T>, View<const int64_t>);                                 \
  template void gather<T>(View<T>, View<const T>, int, View<const int64_t>);                         \
  template void scatter_add<T>(View<T>, int, View<const int64_t>, View<const T>);                    \
  template void flip<T>(View<T>, View<const T>, uint32_t);                                           \
  template void one_hot<T>(View<T>, View<const int64_t>);                                            \
  template void conv2d_forward<T>(View<T>, View<const T>, View<const T>, View<const T>, const Conv2dArgs&, \
                                  Backend);                                                                \
  template void conv2d_backward_input<T>(View<T>, View<const T>, View<const T>, View<const T>,       \
                                         const Conv2dArgs&, Backend);                                \
  template void conv2d_backward_weight<T>(View<T>, View<const T>, View<const T>, const Conv2dArgs&, Backend); \
  template void cumsum<T>(View<T>, View<const T>, bool);                                             \
  template void eigh<T>(View<T>, View<T>, View<const T>);
NABLA_FLOAT(float)
NABLA_FLOAT(double)
#undef NABLA_FLOAT

// The integer dtypes the CUDA kernels take (see kernels/cuda/*.h).
#define NABLA_COPY(T)                                                                  \
  template void gather<T>(View<T>, View<const T>, int, View<const int64_t>);          \
  template void flip<T>(View<T>, View<const T>, uint32_t);                            \
  template void one_hot<T>(View<T>, View<const int64_t>);
NABLA_COPY(int64_t)
NABLA_COPY(uint8_t)
NABLA_COPY(bool)
#undef NABLA_COPY
template void scatter_add<int64_t>(View<int64_t>, int, View<const int64_t>, View<const int64_t>);
template void scatter_add<uint8_t>(View<uint8_t>, int, View<const int64_t>, View<const uint8_t>);
template void reduce<int64_t>(Reduce, View<int64_t>, View<const int64_t>, ReduceArgs);
template void arg_reduce<int64_t>(Reduce, View<int64_t>, View<int64_t>, View<const int64_t>);
template void cumsum<int64_t>(View<int64_t>, View<const int64_t>, bool);

}  // namespace nabla::kernels::cuda
