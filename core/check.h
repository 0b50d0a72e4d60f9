#pragma once
// Checks every op front-end runs at the door: defined inputs, one device,
// one dtype, a CPU kernel or a clear "has no CUDA kernel" error.
#include <initializer_list>
#include <string>

#include "core/tensor.h"

namespace nabla {

[[noreturn]] void throw_invalid(const std::string& op, const std::string& message);
void check_defined(const char* op, const Tensor& t);
// All tensors on one device; "<op>: expected tensors on one device, got f32[2] cpu and ...".
void check_same_device(const char* op, std::initializer_list<Tensor> ts);
// All tensors of one dtype (nabla does not promote: convert with to(dtype)).
void check_same_dtype(const char* op, std::initializer_list<Tensor> ts);
// Ops without a CUDA kernel yet throw "<op> has no CUDA kernel" for CUDA tensors.
void require_cpu(const char* op, std::initializer_list<Tensor> ts);
// CUDA kernels are built for f32 and f64 only: for CUDA tensors of another
// dtype, "<op> has no CUDA kernel for <dtype>".
void require_cuda_float(const char* op, std::initializer_list<Tensor> ts);

}  // namespace nabla
