#include "core/copy.h"

#include "core/check.h"
#include "core/views.h"
#include "kernels/copy.h"
#include "kernels/cuda/copy.h"
#include "kernels/device.h"

namespace nabla::prim {

namespace {
// Calls f.template operator()<T>() with T one of float, double, bf16.
template <class F>
void dispatch_bf16_pair(DType t, const char* op, F&& f) {
  switch (t) {
    case DType::f32: return f.template operator()<float>();
    case DType::f64: return f.template operator()<double>();
    case DType::bf16: return f.template operator()<kernels::bf16>();
    default: throw_dtype(op, t, "f32, f64 or bf16 (bf16 converts to and from the floating dtypes only)");
  }
}

// dst = src elementwise (same shape, any strides, any dtypes; bf16 with the
// floating ones), on their device.
void cast_into(const char* op, const Tensor& dst, const Tensor& src) {
  check_same_device(op, {dst, src});
  const bool cuda = dst.device().is_cuda();
  if (dst.dtype() == DType::bf16 || src.dtype() == DType::bf16) {
    return dispatch_bf16_pair(dst.dtype(), op, [&]<class To>() {
      dispatch_bf16_pair(src.dtype(), op, [&]<class From>() {
        if (cuda) kernels::cuda::cast<To, From>(dst.view<To>(), src.view<const From>());
        else kernels::cpu::cast<To, From>(dst.view<To>(), src.view<const From>());
      });
    });
  }
  dispatch_all(dst.dtype(), op, [&]<class To>() {
    dispatch_all(src.dtype(), op, [&]<class From>() {
      if (cuda) kernels::cuda::cast<To, From>(dst.view<To>(), src.view<const From>());
      else kernels::cpu::cast<To, From>(dst.view<To>(), src.view<const From>());
    });
  });
}
}  // namespace

Tensor contiguous(const Tensor& x) {
  check_defined("contiguous", x);
  return x.is_contiguous() ? x : clone(x);
}

Tensor clone(const Tensor& x) {
  check_defined("clone", x);
  Tensor out = make_tensor(x.shape(), x.dtype(), x.device());
  if (x.device().is_cuda() && x.is_contiguous()) {
    kernels::cuda::memcpy_device(out.data_ptr(), x.data_ptr(), x.numel() * itemsize(x.dtype()), x.device().index);
    return out;
  }
  cast_into("clone", out, x);
  return out;
}

Tensor to(const Tensor& x, DType dtype) {
  check_defined("to", x);
  if (x.dtype() == dtype) return x;
  Tensor out = make_tensor(x.shape(), dtype, x.device());
  cast_into("to(dtype)", out, x);
  return out;
}

Tensor to(const Tensor& x, Device device) {
  check_defined("to", x);
  if (x.device() == device) return x;
  const Tensor src = contiguous(x);  // on x's device: the strided copy kernel of CPU or CUDA
  Tensor out = make_tensor(x.shape(), x.dtype(), device);
  // The copy runs on the stream of the CUDA side (the destination's when both
  // are): queued after earlier work there. Another device's work is awaited.
  if (device.is_cuda() && src.device().is_cuda()) kernels::cuda::synchronize(src.device().index);
  const int index = device.is_cuda() ? device.index : src.device().index;
  kernels::cuda::memcpy(out.data_ptr(), src.data_ptr(), src.numel() * itemsize(src.dtype()), index);
  return out;
}

void copy_(const Tensor& dst, const Tensor& src) {
  check_same_device("copy_", {dst, src});
  if (broadcast_shapes(dst.shape(), src.shape(), "copy_") != dst.shape())
    throw_invalid("copy_", "cannot copy " + describe(src) + " into " + describe(dst) +
                               ": the source must broadcast to the destination's shape");
  cast_into("copy_", dst, expand(src, dst.shape()));
  dst.bump_version();
}

void fill_(const Tensor& dst, double value) {
  check_defined("fill_", dst);
  if (dst.dtype() == DType::bf16) {
    const kernels::bf16 v(value);
    if (dst.device().is_cuda()) kernels::cuda::fill<kernels::bf16>(dst.view<kernels::bf16>(), v);
    else kernels::cpu::fill<kernels::bf16>(dst.view<kernels::bf16>(), v);
    dst.bump_version();
    return;
  }
  dispatch_all(dst.dtype(), "fill_", [&]<class T>() {
    if (dst.device().is_cuda()) kernels::cuda::fill<T>(dst.view<T>(), static_cast<T>(value));
    else kernels::cpu::fill<T>(dst.view<T>(), static_cast<T>(value));
  });
  dst.bump_version();
}

}  // namespace nabla::prim
