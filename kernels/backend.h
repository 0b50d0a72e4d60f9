#pragma once
// Which implementation a CUDA op family runs: ours (`hand`, the default) or
// the vendor library's (`vendor`: cuBLAS, cuDNN), chosen at run time per
// family through nabla::set_backend (core/backend.h).
namespace nabla::kernels {
enum class Backend { hand, vendor };
}  // namespace nabla::kernels
