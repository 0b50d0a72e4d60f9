#pragma once
// Device memory for the CUDA backend. A build without CUDA links
// kernels/no_cuda, whose functions throw "<what>: built without CUDA"
// (device_count returns 0).
#include <cstddef>

namespace nabla::kernels::cuda {
// Number of usable CUDA devices; any driver or runtime error counts as zero.
int device_count();
void* malloc(size_t nbytes, int device);
void free(void* ptr, int device);
// Copies nbytes between host and device memory (kinds inferred by the runtime).
void memcpy(void* dst, const void* src, size_t nbytes, int device);
}  // namespace nabla::kernels::cuda
