#include "core/pool.h"

#include <string>
#include <utility>

#include "core/check.h"
#include "core/copy.h"
#include "core/views.h"
#include "kernels/cuda/pool.h"
#include "kernels/pool.h"

namespace nabla::prim {

namespace {

using kernels::Pool2d;

std::string str(Size2 s) {
  std::string out = "(";  // appended piecewise: GCC 12 warns (-Wrestrict) on "(" + to_string(...)
  out += std::to_string(s.h);
  out += ", ";
  out += std::to_string(s.w);
  out += ")";
  return out;
}

// x as [N, C, H, W]: a 3-D [C, H, W] input gets a batch dim of 1.
Tensor as_nchw(const char* op, const Tensor& x) {
  check_defined(op, x);
  if (x.dim() != 3 && x.dim() != 4)
    throw_invalid(op, "expected a 3-D [C, H, W] or 4-D [N, C, H, W] input, got " + describe(x));
  return x.dim() == 3 ? unsqueeze(x, 0) : x;
}

// The [N, C, H, W] form of a 3-D or 4-D shape.
Shape nchw(const Shape& s) {
  if (s.size() == 4) return s;
  return {1, s[0], s[1], s[2]};
}

// A 4-D result in the rank of the op's input.
Tensor in_rank(const Tensor& out, int64_t rank) { return rank == 3 ? squeeze(out, 0) : out; }

// Checks the window against the input and resolves the default stride.
Pool2d resolve(const char* op, const Tensor& x, Size2 kernel, Size2 stride, Size2 padding, Size2 dilation) {
  if (stride.h == 0 && stride.w == 0) stride = kernel;
  if (kernel.h <= 0 || kernel.w <= 0 || stride.h <= 0 || stride.w <= 0 || dilation.h <= 0 || dilation.w <= 0)
    throw_invalid(op, "kernel, stride and dilation must be positive, got kernel " + str(kernel) + ", stride " +
                          str(stride) + ", dilation " + str(dilation));
  const Size2 span{dilation.h * (kernel.h - 1) + 1, dilation.w * (kernel.w - 1) + 1};  // the effective kernel
  if (padding.h < 0 || padding.w < 0 || 2 * padding.h > span.h || 2 * padding.w > span.w)
    throw_invalid(op, "padding " + str(padding) + " must be non-negative and at most half the kernel " + str(span));
  const int64_t H = x.shape()[x.dim() - 2], W = x.shape()[x.dim() - 1];
  if (H + 2 * padding.h < span.h || W + 2 * padding.w < span.w)
    throw_invalid(op, "kernel " + str(span) + " is larger than the padded input " +
                          std::to_string(H + 2 * padding.h) + "x" + std::to_string(W + 2 * padding.w) + " of " +
                          describe(x) + " (padding " + str(padding) + ")");
  return {kernel.h, kernel.w, stride.h, stride.w, padding.h, padding.w, dilation.h, dilation.w};
}

// Calls the CPU or the CUDA kernel by device.
template <class Cpu, class Cuda, class... A>
void run(Device dev, Cpu cpu, Cuda cuda, A&&... args) {
  if (dev.is_cuda()) cuda(std::forward<A>(args)...);
  else cpu(std::forward<A>(args)...);
}

// [N, C, OH, OW] for an input of shape in4 = [N, C, H, W].
Shape pooled(const Shape& in4, const Pool2d& p) {
  const int64_t oh = (in4[2] + 2 * p.ph - p.dh * (p.kh - 1) - 1) / p.sh + 1;
  const int64_t ow = (in4[3] + 2 * p.pw - p.dw * (p.kw - 1) - 1) / p.sw + 1;
  return {in4[0], in4[1], oh, ow};
}

// The backward ops take a gradient of the output's rank and an input shape
// with the same batch and channel dims.
void check_backward_shapes(const char* op, const Tensor& g, const Shape& input_shape) {
  const Shape& gs = g.shape();
  const bool ok = (input_shape.size() == 3 || input_shape.size() == 4) && input_shape.size() == gs.size() &&
                  std::equal(gs.begin(), gs.end() - 2, input_shape.begin());
  if (!ok) throw_invalid(op, "gradient " + describe(g) + " does not fit the input shape " + nabla::str(input_shape));
}

// Argmax indices: i64, one per output, each inside a plane of plane_size.
void check_indices(const char* op, const Tensor& indices, const Tensor& like, int64_t plane_size) {
  check_same_device(op, {indices, like});
  if (indices.dtype() != DType::i64) throw_invalid(op, "expected i64 indices, got " + describe(indices));
  if (indices.shape() != like.shape())
    throw_invalid(op, "expected indices of shape " + nabla::str(like.shape()) + ", got " + describe(indices));
  const Tensor flat = contiguous(to(indices, Device::cpu()));  // CUDA indices: checked on a host copy
  const int64_t* p = flat.data<int64_t>();
  for (int64_t i = 0; i < flat.numel(); ++i)
    if (p[i] < -1 || p[i] >= plane_size)
      throw_invalid(op, "index " + std::to_string(p[i]) + " out of range for a plane of " + std::to_string(plane_size));
}

void check_spatial(const char* op, const Tensor& x, Size2 size, const char* what) {
  if (size.h <= 0 || size.w <= 0) throw_invalid(op, std::string(what) + " must be positive, got " + str(size));
  if (x.shape()[x.dim() - 2] == 0 || x.shape()[x.dim() - 1] == 0)
    throw_invalid(op, "expected a non-empty image, got " + describe(x));
}

}  // namespace

std::pair<Tensor, Tensor> max_pool2d_with_indices(const Tensor& x, Size2 kernel, Size2 stride, Size2 padding,
                                                  Size2 dilation) {
  const char* op = "max_pool2d";
  const Tensor x4 = as_nchw(op, x);
  const Pool2d p = resolve(op, x, kernel, stride, padding, dilation);
  const Shape shape = pooled(x4.shape(), p);
  Tensor out = make_tensor(shape, x.dtype(), x.device());
  Tensor indices = make_tensor(shape, DType::i64, x.device());
  dispatch_float(x.dtype(), op, [&]<class T>() {
    run(out.device(), kernels::cpu::max_pool2d<T>, kernels::cuda::max_pool2d<T>, out.view<T>(), indices.view<int64_t>(),
        x4.view<const T>(), p);
  });
  return {in_rank(out, x.dim()), in_rank(indices, x.dim())};
}

Tensor max_pool2d(const Tensor& x, Size2 kernel, Size2 stride, Size2 padding, Size2 dilation) {
  return max_pool2d_with_indices(x, kernel, stride, padding, dilation).first;
}

Tensor max_pool2d_backward(const Tensor& g, const Tensor& indices, const Shape& input_shape) {
  const char* op = "max_pool2d_backward";
  const Tensor g4 = as_nchw(op, g);
  check_backward_shapes(op, g, input_shape);
  const Shape in4 = nchw(input_shape);
  check_indices(op, indices, g, in4[2] * in4[3]);
  Tensor out = make_tensor(in4, g.dtype(), g.device());
  dispatch_float(g.dtype(), op, [&]<class T>() {
    run(out.device(), kernels::cpu::max_pool2d_backward<T>, kernels::cuda::max_pool2d_backward<T>, out.view<T>(),
        g4.view<const T>(), as_nchw(op, indices).view<const int64_t>());
  });
  return view(out, input_shape);
}

Tensor max_pool2d_gather(const Tensor& x, const Tensor& indices) {
  const char* op = "max_pool2d_gather";
  const Tensor x4 = as_nchw(op, x);
  const Tensor i4 = as_nchw(op, indices);
  check_same_device(op, {x, indices});
  if (indices.dim() != x.dim() || !std::equal(x.shape().begin(), x.shape().end() - 2, indices.shape().begin()))
    throw_invalid(op, "indices " + describe(indices) + " do not fit the input " + describe(x));
  check_indices(op, indices, indices, x4.shape()[2] * x4.shape()[3]);
  Tensor out = make_tensor(i4.shape(), x.dtype(), x.device());
  dispatch_float(x.dtype(), op, [&]<class T>() {
    run(out.device(), kernels::cpu::max_pool2d_gather<T>, kernels::cuda::max_pool2d_gather<T>, out.view<T>(),
        x4.view<const T>(), i4.view<const int64_t>());
  });
  return in_rank(out, x.dim());
}

Tensor avg_pool2d(const Tensor& x, Size2 kernel, Size2 stride, Size2 padding, bool count_include_pad) {
  const char* op = "avg_pool2d";
  const Tensor x4 = as_nchw(op, x);
  Pool2d p = resolve(op, x, kernel, stride, padding, 1);
  p.count_include_pad = count_include_pad;
  Tensor out = make_tensor(pooled(x4.shape(), p), x.dtype(), x.device());
  dispatch_float(x.dtype(), op, [&]<class T>() {
    run(out.device(), kernels::cpu::avg_pool2d<T>, kernels::cuda::avg_pool2d<T>, out.view<T>(), x4.view<const T>(), p);
  });
  return in_rank(out, x.dim());
}

Tensor avg_pool2d_backward(const Tensor& g, const Shape& input_shape, Size2 kernel, Size2 stride, Size2 padding,
                           bool count_include_pad) {
  const char* op = "avg_pool2d_backward";
  const Tensor g4 = as_nchw(op, g);
  check_backward_shapes(op, g, input_shape);
  const Shape in4 = nchw(input_shape);
  Tensor out = make_tensor(in4, g.dtype(), g.device());
  Pool2d p = resolve(op, out, kernel, stride, padding, 1);
  p.count_include_pad = count_include_pad;
  if (pooled(in4, p) != g4.shape())
    throw_invalid(op, "gradient " + describe(g) + " does not match the pooled shape " + nabla::str(pooled(in4, p)) +
                          " of input " + nabla::str(input_shape));
  dispatch_float(g.dtype(), op, [&]<class T>() {
    run(out.device(), kernels::cpu::avg_pool2d_backward<T>, kernels::cuda::avg_pool2d_backward<T>, out.view<T>(),
        g4.view<const T>(), p);
  });
  return view(out, input_shape);
}

Tensor upsample_nearest2d(const Tensor& x, Size2 scale_factor) {
  const char* op = "upsample_nearest2d";
  const Tensor x4 = as_nchw(op, x);
  check_spatial(op, x, scale_factor, "scale factor");
  return upsample_nearest2d_to(x, {x4.shape()[2] * scale_factor.h, x4.shape()[3] * scale_factor.w});
}

Tensor upsample_nearest2d_to(const Tensor& x, Size2 output_size) {
  const char* op = "upsample_nearest2d";
  const Tensor x4 = as_nchw(op, x);
  check_spatial(op, x, output_size, "output size");
  Tensor out = make_tensor({x4.shape()[0], x4.shape()[1], output_size.h, output_size.w}, x.dtype(), x.device());
  dispatch_float(x.dtype(), op, [&]<class T>() {
    run(out.device(), kernels::cpu::upsample_nearest2d<T>, kernels::cuda::upsample_nearest2d<T>, out.view<T>(),
        x4.view<const T>());
  });
  return in_rank(out, x.dim());
}

Tensor upsample_nearest2d_backward(const Tensor& g, const Shape& input_shape) {
  const char* op = "upsample_nearest2d_backward";
  const Tensor g4 = as_nchw(op, g);
  check_backward_shapes(op, g, input_shape);
  const Shape in4 = nchw(input_shape);
  Tensor out = make_tensor(in4, g.dtype(), g.device());
  check_spatial(op, out, {g4.shape()[2], g4.shape()[3]}, "gradient size");
  dispatch_float(g.dtype(), op, [&]<class T>() {
    run(out.device(), kernels::cpu::upsample_nearest2d_backward<T>, kernels::cuda::upsample_nearest2d_backward<T>,
        out.view<T>(), g4.view<const T>());
  });
  return view(out, input_shape);
}

}  // namespace nabla::prim
