// cuDNN convolution, the vendor path (see kernels/cuda/cudnn_conv.h): one
// handle per device on nabla's stream, one RAII set of descriptors per call
// (ConvDescriptors, shared by the three passes), the algorithm from cuDNN's
// heuristics (cudnnGet*Algorithm_v7), workspace from the caching allocator.
// Operands that are not contiguous are copied first.
#include <cudnn.h>

#include <climits>
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

// One cuDNN descriptor, created by the constructor and destroyed by the
// destructor. A set of them is built as members (ConvDescriptors): when a
// later Create or Set call throws, the members already built are destroyed,
// so a failing setup leaks nothing.
template <class D, cudnnStatus_t (*Create)(D*), cudnnStatus_t (*Destroy)(D)>
struct Descriptor {
  D d = nullptr;
  Descriptor() { CUDNN_CHECK(Create(&d)); }
  ~Descriptor() { Destroy(d); }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
};
using TensorDesc = Descriptor<cudnnTensorDescriptor_t, cudnnCreateTensorDescriptor, cudnnDestroyTensorDescriptor>;
using FilterDesc = Descriptor<cudnnFilterDescriptor_t, cudnnCreateFilterDescriptor, cudnnDestroyFilterDescriptor>;
using ConvolutionDesc = Descriptor<cudnnConvolutionDescriptor_t, cudnnCreateConvolutionDescriptor,
                                   cudnnDestroyConvolutionDescriptor>;

// cuDNN takes sizes as int.
int to_int(int64_t v) {
  if (v < 0 || v > INT_MAX)
    throw std::invalid_argument("conv2d (vendor): size " + std::to_string(v) + " is outside cuDNN's int");
  return static_cast<int>(v);
}

// A contiguous NCHW tensor of sizes s[0..3].
void set_tensor(const TensorDesc& t, cudnnDataType_t type, const int64_t* s) {
  CUDNN_CHECK(cudnnSetTensor4dDescriptor(t.d, CUDNN_TENSOR_NCHW, type, to_int(s[0]), to_int(s[1]), to_int(s[2]),
                                         to_int(s[3])));
}

// What all three passes describe: x [N, C_in, H, W], the filter w
// [C_out, C_in/groups, kH, kW] and y [N, C_out, Ho, Wo], contiguous, and the
// convolution: cross-correlation (that of kernels/conv.h) with FMA math (no
// TF32 tensor-core rounding of f32 operands). The forward pass reads x and w
// into y, backward_input reads y (the gradient) and w into x, backward_weight
// reads x and y into w.
template <class T>
struct ConvDescriptors {
  TensorDesc x, y;
  FilterDesc w;
  ConvolutionDesc conv;
  ConvDescriptors(const int64_t* x_size, const int64_t* w_size, const int64_t* y_size, const Conv2dArgs& a) {
    set_tensor(x, kType<T>, x_size);
    set_tensor(y, kType<T>, y_size);
    CUDNN_CHECK(cudnnSetFilter4dDescriptor(w.d, kType<T>, CUDNN_TENSOR_NCHW, to_int(w_size[0]), to_int(w_size[1]),
                                           to_int(w_size[2]), to_int(w_size[3])));
    CUDNN_CHECK(cudnnSetConvolution2dDescriptor(conv.d, to_int(a.padding[0]), to_int(a.padding[1]),
                                                to_int(a.stride[0]), to_int(a.stride[1]), to_int(a.dilation[0]),
                                                to_int(a.dilation[1]), CUDNN_CROSS_CORRELATION, kType<T>));
    CUDNN_CHECK(cudnnSetConvolutionGroupCount(conv.d, to_int(a.groups)));
    CUDNN_CHECK(cudnnSetConvolutionMathType(conv.d, CUDNN_FMA_MATH));
  }
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
  const TensorDesc bd, yd;
  const int64_t bias_size[4] = {1, y.size[1], 1, 1};
  set_tensor(bd, kType<T>, bias_size);
  set_tensor(yd, kType<T>, y.size);
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

// The sequence the three passes share: the heuristics' algorithm, its
// workspace, the call. cuDNN's entry points of each pass (Find, Workspace,
// Run) take their descriptors in one order: the two operands read (a, b), the
// convolution, the one written (out).
template <class Perf, int kAlgos, auto Find, auto Workspace, auto Run, class DA, class DB, class DOut, class T>
void run_pass(const char* op, cudnnHandle_t h, DA da, const T* a, DB db, const T* b,
              cudnnConvolutionDescriptor_t conv, DOut dout, T* out, int dev) {
  Perf perf[kAlgos];
  int count = 0;
  CUDNN_CHECK(Find(h, da, db, conv, dout, kAlgos, &count, perf));
  const auto algo = pick(perf, count, op);
  size_t bytes = 0;
  CUDNN_CHECK(Workspace(h, da, db, conv, dout, algo, &bytes));
  Buffer work(bytes, dev);
  const T one = 1, zero = 0;
  CUDNN_CHECK(Run(h, &one, da, a, db, b, conv, algo, work.data, bytes, &zero, dout, out));
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
  const ConvDescriptors<T> d(x.size, w.size, out.size, a);
  run_pass<cudnnConvolutionFwdAlgoPerf_t, CUDNN_CONVOLUTION_FWD_ALGO_COUNT, cudnnGetConvolutionForwardAlgorithm_v7,
           cudnnGetConvolutionForwardWorkspaceSize, cudnnConvolutionForward>(
      "conv2d", h, d.x.d, xd.data, d.w.d, w.data, d.conv.d, d.y.d, out.data, dev);
  add_bias(h, out, bias, dev);
}

template <class T>
void conv2d_backward_input(View<T> gx, View<const T> g, View<const T> w, View<const T> bias,
                           const Conv2dArgs& a) {
  if (gx.numel() == 0) return;
  const int dev = device_of(gx.data);
  if (empty_sum(gx, w.numel() * g.size[2] * g.size[3], bias, dev)) return;
  const cudnnHandle_t h = handle(dev);
  const ConvDescriptors<T> d(gx.size, w.size, g.size, a);
  run_pass<cudnnConvolutionBwdDataAlgoPerf_t, CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT,
           cudnnGetConvolutionBackwardDataAlgorithm_v7, cudnnGetConvolutionBackwardDataWorkspaceSize,
           cudnnConvolutionBackwardData>("conv_transpose2d", h, d.w.d, w.data, d.y.d, g.data, d.conv.d, d.x.d,
                                         gx.data, dev);
  add_bias(h, gx, bias, dev);
}

template <class T>
void conv2d_backward_weight(View<T> gw, View<const T> x, View<const T> g, const Conv2dArgs& a) {
  if (gw.numel() == 0) return;
  const int dev = device_of(gw.data);
  if (empty_sum(gw, g.size[0] * g.size[2] * g.size[3], View<const T>{}, dev)) return;
  const cudnnHandle_t h = handle(dev);
  const Dense<T> xd(x, dev);
  const ConvDescriptors<T> d(x.size, gw.size, g.size, a);
  run_pass<cudnnConvolutionBwdFilterAlgoPerf_t, CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT,
           cudnnGetConvolutionBackwardFilterAlgorithm_v7, cudnnGetConvolutionBackwardFilterWorkspaceSize,
           cudnnConvolutionBackwardFilter>("conv2d_weight", h, d.x.d, xd.data, d.y.d, g.data, d.conv.d, d.w.d,
                                           gw.data, dev);
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
