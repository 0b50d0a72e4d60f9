#pragma once
// The one type kernels see: a pointer plus sizes and strides (in elements).
// Kernels know nothing of Tensor, autograd or dtype tags; core/ builds views.
#include <cstdint>

namespace nabla::kernels {

inline constexpr int kMaxDims = 8;

template <class T>
struct View {
  T* data = nullptr;
  int ndim = 0;
  int64_t size[kMaxDims] = {};
  int64_t stride[kMaxDims] = {};

  int64_t numel() const {
    int64_t n = 1;
    for (int d = 0; d < ndim; ++d) n *= size[d];
    return n;
  }
  bool contiguous() const {
    int64_t expected = 1;
    for (int d = ndim - 1; d >= 0; --d) {
      if (size[d] != 1 && stride[d] != expected) return false;
      expected *= size[d];
    }
    return true;
  }
  // The same view, read-only.
  View<const T> as_const() const {
    View<const T> v;
    v.data = data;
    v.ndim = ndim;
    for (int d = 0; d < ndim; ++d) v.size[d] = size[d], v.stride[d] = stride[d];
    return v;
  }
};

}  // namespace nabla::kernels
