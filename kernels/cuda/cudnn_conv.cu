// cuDNN convolution, the vendor path (see kernels/cuda/cudnn_conv.h): one
// handle per device on nabla's stream, descriptors per call, the algorithm
// from cuDNN's heuristics (cudnnGet*Algorithm_v7), workspace from the
// caching allocator. Operands that are not contiguous are copied first.
#include <cudnn.h>

#include <mutex>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "kernels/cuda/copy.h"
#include "kernels/cuda/cudnn_conv.h"
#include "kernels/cuda/launch.cuh"
#include "kernels/device.h"

#define CUDNN_CHECK(expr)                                                                           \
  do {                                                                                              \
    const cudnnStatus_t status_ = (expr);                                                           \
    if (status_ != CUDNN_STATUS_SUCCESS)                                                            \
      throw std::runtime_error(std::string("cuDNN error ") + cudnnGetErrorString(status_) + " in " + \
                               #expr + " at " + __FILE__ + ":" + std::to_string(__LINE__));         \
  } while (0)

namespace nabla::kernels::cuda::cudnn {

namespace {

cudnnHandle_t handle(int device) {
  static std::mutex mutex;
  static std::vector<cudnnHandle_t> handles;
  std::lock_guard lock(mutex);
  if (handles.size() <= static_cast<size_t>(device)) handles.resize(device + 1, nullptr);
  cudaStream_t s = stream(device);
  if (!handles[device]) CUDNN_CHECK(cudnnCreate(&handles[device]));
  CUDNN_CHECK(cudnnSetStream(handles[device], s));
  return handles[device];
}

template <class T>
constexpr cudnnDataType_t kType = std::is_same_v<T, float> ? CUDNN_DATA_FLOAT : CUDNN_DATA_DOUBLE;

// Device memory from the caching allocator, freed at scope exit.
struct Buffer {
  void* data = nullptr;
  int device = 0;
  Buffer(size_t bytes, int dev) : data(bytes ? cuda::malloc(bytes, dev) : nullptr), device(dev) {}
  ~Buffer() {
    if (data) cuda::free(data, device);
  }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
};

// v's data when contiguous, else a contiguous copy of v.
template <class T>
struct Dense {
  Buffer copy;
  const T* data;
  Dense(View<const T> v, int dev) : copy(v.contiguous() ? 0 : sizeof(T) * v.numel(), dev), data(v.data) {
    if (!copy.data) return;
    View<T> dst{static_cast<T*>(copy.data), v.ndim};
    for (int64_t d = v.ndim - 1, s = 1; d >= 0; s *= v.size[d], --d) dst.size[d] = v.size[d], dst.stride[d] = s;
    cast<T, T>(dst, v);
    data = dst.data;
  }
};

// The descriptors, created and destroyed with the object.
struct TensorDesc {
  cudnnTensorDescriptor_t d = nullptr;
  TensorDesc(cudnnDataType_t type, int64_t n, int64_t c, int64_t h, int64_t w) {
    CUDNN_CHECK(cudnnCreateTensorDescriptor(&d));
    CUDNN_CHECK(cudnnSetTensor4dDescriptor(d, CUDNN_TENSOR_NCHW, type, static_cast<int>(n), static_cast<int>(c),
                                           static_cast<int>(h), static_cast<int>(w)));
  }
  template <class T>
  TensorDesc(const View<T>& v)  // a contiguous NCHW view
      : TensorDesc(kType<std::remove_const_t<T>>, v.size[0], v.size[1], v.size[2], v.size[3]) {}
  ~TensorDesc() { cudnnDestroyTensorDescriptor(d); }
};

struct FilterDesc {
  cudnnFilterDescriptor_t d = nullptr;
  template <class T>
  FilterDesc(const View<T>& w) {  // [C_out, C_in/groups, kH, kW], contiguous
    CUDNN_CHECK(cudnnCreateFilterDescriptor(&d));
    CUDNN_CHECK(cudnnSetFilter4dDescriptor(d, kType<std::remove_const_t<T>>, CUDNN_TENSOR_NCHW,
                                           static_cast<int>(w.size[0]), static_cast<int>(w.size[1]),
                                           static_cast<int>(w.size[2]), static_cast<int>(w.size[3])));
  }
  ~FilterDesc() { cudnnDestroyFilterDescriptor(d); }
};

// Cross-correlation (the convolution of kernels/conv.h), FMA math: no TF32
// tensor-core rounding of f32 operands.
struct ConvDesc {
  cudnnConvolutionDescriptor_t d = nullptr;
  ConvDesc(const Conv2dArgs& a, cudnnDataType_t type) {
    CUDNN_CHECK(cudnnCreateConvolutionDescriptor(&d));
    CUDNN_CHECK(cudnnSetConvolution2dDescriptor(
        d, static_cast<int>(a.padding[0]), static_cast<int>(a.padding[1]), static_cast<int>(a.stride[0]),
        static_cast<int>(a.stride[1]), static_cast<int>(a.dilation[0]), static_cast<int>(a.dilation[1]),
        CUDNN_CROSS_CORRELATION, type));
    CUDNN_CHECK(cudnnSetConvolutionGroupCount(d, static_cast<int>(a.groups)));
    CUDNN_CHECK(cudnnSetConvolutionMathType(d, CUDNN_FMA_MATH));
  }
  ~ConvDesc() { cudnnDestroyConvolutionDescriptor(d); }
};

// The heuristics' best algorithm that runs and is deterministic, else the
// best that runs.
template <class Perf>
auto pick(const Perf* perf, int count, const char* op) -> decltype(perf->algo) {
  for (int i = 0; i < count; ++i)
    if (perf[i].status == CUDNN_STATUS_SUCCESS && perf[i].determinism == CUDNN_DETERMINISTIC) return perf[i].algo;
  for (int i = 0; i < count; ++i)
    if (perf[i].status == CUDNN_STATUS_SUCCESS) return perf[i].algo;
  throw std::runtime_error(std::string(op) + " (vendor): cuDNN offers no algorithm for these shapes");
}

// y [N, C, H, W] += bias [C] (broadcast over N, H, W).
template <class T>
void add_bias(cudnnHandle_t h, View<T> y, View<const T> bias, int dev) {
  if (!bias.data) return;
  const Dense<T> b(bias, dev);
  const TensorDesc bd(kType<T>, 1, y.size[1], 1, 1), yd(y);
  const T one = 1;
  CUDNN_CHECK(cudnnAddTensor(h, &one, bd.d, b.data, &one, yd.d, y.data));
}

// For an empty reduction (no input channels, no images): out = 0 (+ bias).
template <class T>
bool empty_sum(View<T> out, int64_t terms, View<const T> bias, int dev) {
  if (terms != 0) return false;
  fill<T>(out, T(0));
  if (bias.data) add_bias(handle(dev), out, bias, dev);
  return true;
}

}  // namespace

bool available() { return true; }

template <class T>
void conv2d_forward(View<T> out, View<const T> x, View<const T> w, View<const T> bias, const Conv2dArgs& a) {
  if (out.numel() == 0) return;
  const int dev = device_of(out.data);
  if (empty_sum(out, w.numel(), bias, dev)) return;
  const cudnnHandle_t h = handle(dev);
  const Dense<T> xd(x, dev);
  const TensorDesc xdesc(x), ydesc(out);
  const FilterDesc wdesc(w);
  const ConvDesc conv(a, kType<T>);
  cudnnConvolutionFwdAlgoPerf_t perf[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
  int count = 0;
  CUDNN_CHECK(cudnnGetConvolutionForwardAlgorithm_v7(h, xdesc.d, wdesc.d, conv.d, ydesc.d,
                                                     CUDNN_CONVOLUTION_FWD_ALGO_COUNT, &count, perf));
  const cudnnConvolutionFwdAlgo_t algo = pick(perf, count, "conv2d");
  size_t bytes = 0;
  CUDNN_CHECK(cudnnGetConvolutionForwardWorkspaceSize(h, xdesc.d, wdesc.d, conv.d, ydesc.d, algo, &bytes));
  Buffer work(bytes, dev);
  const T one = 1, zero = 0;
  CUDNN_CHECK(cudnnConvolutionForward(h, &one, xdesc.d, xd.data, wdesc.d, w.data, conv.d, algo, work.data, bytes,
                                      &zero, ydesc.d, out.data));
  add_bias(h, out, bias, dev);
}

template <class T>
void conv2d_backward_input(View<T> gx, View<const T> g, View<const T> w, View<const T> bias,
                           const Conv2dArgs& a) {
  if (gx.numel() == 0) return;
  const int dev = device_of(gx.data);
  if (empty_sum(gx, w.numel() * g.size[2] * g.size[3], bias, dev)) return;
  const cudnnHandle_t h = handle(dev);
  const TensorDesc gdesc(g), gxdesc(gx);
  const FilterDesc wdesc(w);
  const ConvDesc conv(a, kType<T>);
  cudnnConvolutionBwdDataAlgoPerf_t perf[CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT];
  int count = 0;
  CUDNN_CHECK(cudnnGetConvolutionBackwardDataAlgorithm_v7(h, wdesc.d, gdesc.d, conv.d, gxdesc.d,
                                                          CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT, &count, perf));
  const cudnnConvolutionBwdDataAlgo_t algo = pick(perf, count, "conv_transpose2d");
  size_t bytes = 0;
  CUDNN_CHECK(cudnnGetConvolutionBackwardDataWorkspaceSize(h, wdesc.d, gdesc.d, conv.d, gxdesc.d, algo, &bytes));
  Buffer work(bytes, dev);
  const T one = 1, zero = 0;
  CUDNN_CHECK(cudnnConvolutionBackwardData(h, &one, wdesc.d, w.data, gdesc.d, g.data, conv.d, algo, work.data,
                                           bytes, &zero, gxdesc.d, gx.data));
  add_bias(h, gx, bias, dev);
}

template <class T>
void conv2d_backward_weight(View<T> gw, View<const T> x, View<const T> g, const Conv2dArgs& a) {
  if (gw.numel() == 0) return;
  const int dev = device_of(gw.data);
  if (empty_sum(gw, g.size[0] * g.size[2] * g.size[3], View<const T>{}, dev)) return;
  const cudnnHandle_t h = handle(dev);
  const Dense<T> xd(x, dev);
  const TensorDesc xdesc(x), gdesc(g);
  const FilterDesc wdesc(gw);
  const ConvDesc conv(a, kType<T>);
  cudnnConvolutionBwdFilterAlgoPerf_t perf[CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT];
  int count = 0;
  CUDNN_CHECK(cudnnGetConvolutionBackwardFilterAlgorithm_v7(h, xdesc.d, gdesc.d, conv.d, wdesc.d,
                                                            CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT, &count, perf));
  const cudnnConvolutionBwdFilterAlgo_t algo = pick(perf, count, "conv2d_weight");
  size_t bytes = 0;
  CUDNN_CHECK(cudnnGetConvolutionBackwardFilterWorkspaceSize(h, xdesc.d, gdesc.d, conv.d, wdesc.d, algo, &bytes));
  Buffer work(bytes, dev);
  const T one = 1, zero = 0;
  CUDNN_CHECK(cudnnConvolutionBackwardFilter(h, &one, xdesc.d, xd.data, gdesc.d, g.data, conv.d, algo, work.data,
                                             bytes, &zero, wdesc.d, gw.data));
}

#define NABLA_CONV_INSTANTIATE(T)                                                                         \
  template void conv2d_forward<T>(View<T>, View<const T>, View<const T>, View<const T>, const Conv2dArgs&); \
  template void conv2d_backward_input<T>(View<T>, View<const T>, View<const T>, View<const T>,             \
                                         const Conv2dArgs&);                                               \
  template void conv2d_backward_weight<T>(View<T>, View<const T>, View<const T>, const Conv2dArgs&);
NABLA_CONV_INSTANTIATE(float)
NABLA_CONV_INSTANTIATE(double)
#undef NABLA_CONV_INSTANTIATE

}  // namespace nabla::kernels::cuda::cudnn
