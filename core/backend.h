#pragma once
// Run-time choice of the CUDA implementation per op family: "hand" (our
// kernels, the default) or "vendor" (cuBLAS/cuDNN), so that tests and
// benchmarks compare both in one process:
//   nabla::set_backend("matmul", "vendor");
// Families with a vendor path: matmul (cuBLAS), conv (cuDNN: conv2d,
// conv_transpose2d and their gradients; refused with std::runtime_error in a
// build without cuDNN). The CPU ignores the setting.
// matmul also takes "tf32" (our tensor-core GEMM: float inputs rounded to
// TF32, fp32 accumulation, relative error ~1e-3 instead of ~1e-6) and
// "vendor_tf32" (cuBLAS with CUBLAS_TF32_TENSOR_OP_MATH); double matmuls stay
// exact under both. The default stays "hand" (exact fp32).
#include <string>

#include "kernels/backend.h"

namespace nabla {

// Throws std::invalid_argument for an unknown family or backend name.
void set_backend(const std::string& family, const std::string& backend);
kernels::Backend backend(const std::string& family);
const char* name(kernels::Backend b);

}  // namespace nabla
