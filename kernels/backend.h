#pragma once
// Which implementation a CUDA op family runs: ours (`hand`, the default) or
// the vendor library's (`vendor`: cuBLAS, cuDNN), chosen at run time per
// family through nabla::set_backend (core/backend.h). matmul also has TF32
// tensor-core modes for float (fp32 accumulation, inputs rounded to 10-bit
// mantissas): ours (`tf32`) and cuBLAS's (`vendor_tf32`, TF32 tensor-op math).
namespace nabla::kernels {
enum class Backend { hand, vendor, tf32, vendor_tf32 };
}  // namespace nabla::kernels
