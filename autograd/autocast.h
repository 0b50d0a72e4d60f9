#pragma once
// Mixed precision, as PyTorch's autocast: inside an AutocastGuard(DType::bf16)
// the matrix products and convolutions (matmul, bmm, linear, conv2d,
// conv_transpose2d, conv_transpose2d_act) cast their f32 operands to bf16 with
// the differentiable to(), so they compute on bf16 operands (float
// accumulation) and return bf16. The parameters stay f32 (master weights):
// to()'s vjp brings their gradients back as f32. Ops given bf16 outside that
// list compute in float and round to bf16 (elementwise, reductions), except
// the ones that keep f32 statistics: batch norm (and batch_norm_act) take a
// bf16 input as f32 (autocast_f32) and return f32. The guard is thread-local;
// backward needs none (each node recorded the dtypes it saw).
#include "core/dtype.h"
#include "core/tensor.h"

namespace nabla {

// The dtype the autocast ops compute in: DType::f32 when autocast is off.
DType autocast_dtype();
inline bool autocast_enabled() { return autocast_dtype() != DType::f32; }

// Sets the autocast dtype for a scope (bf16, or f32 to turn it off) and
// restores the previous one on exit.
class AutocastGuard {
 public:
  explicit AutocastGuard(DType dtype);
  ~AutocastGuard();
  AutocastGuard(const AutocastGuard&) = delete;
  AutocastGuard& operator=(const AutocastGuard&) = delete;

 private:
  DType previous_;
};

// x cast (differentiably) to the autocast dtype when autocast is on and x is
// f32; x itself otherwise (undefined, f64, already bf16, autocast off).
Tensor autocast(const Tensor& x);
// The f32 copy (differentiable) of a bf16 x; x itself otherwise.
Tensor autocast_f32(const Tensor& x);

}  // namespace nabla
