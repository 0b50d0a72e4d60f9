#pragma once
// Copies: contiguous, clone, dtype and device conversion, in-place copy/fill.
#include "core/tensor.h"

namespace nabla::prim {

Tensor contiguous(const Tensor& x);  // x itself when already contiguous
Tensor clone(const Tensor& x);       // always a fresh contiguous copy
Tensor to(const Tensor& x, DType dtype);    // x itself when the dtype matches
Tensor to(const Tensor& x, Device device);  // x itself when already there
// Mixed precision: an op given bf16 computes in float and rounds its result
// to bf16 once. These are its two conversions.
inline bool is_bf16(const Tensor& x) { return x.defined() && x.dtype() == DType::bf16; }
inline Tensor promote_f32(const Tensor& x) { return prim::to(x, DType::f32); }
inline Tensor round_bf16(const Tensor& x) { return prim::to(x, DType::bf16); }
// dst[...] = src, src broadcast to dst's shape, converted to dst's dtype;
// bumps dst's version.
void copy_(const Tensor& dst, const Tensor& src);
void fill_(const Tensor& dst, double value);

}  // namespace nabla::prim
