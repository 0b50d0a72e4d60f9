#include "core/backend.h"

#include <atomic>
#include <iterator>
#include <stdexcept>

#include "kernels/cuda/cudnn_conv.h"

namespace nabla {

namespace {
const char* const kFamilies[] = {"matmul", "conv"};
std::atomic<kernels::Backend> settings[std::size(kFamilies)];

size_t family_index(const std::string& family) {
  for (size_t i = 0; i < std::size(kFamilies); ++i)
    if (family == kFamilies[i]) return i;
  throw std::invalid_argument("set_backend: unknown op family \"" + family + "\" (families with a vendor path: matmul, conv)");
}
}  // namespace

void set_backend(const std::string& family, const std::string& backend) {
  const size_t i = family_index(family);
  if (backend == "hand") settings[i] = kernels::Backend::hand;
  else if (backend == "vendor") {
    if (family == "conv" && !kernels::cuda::cudnn::available())
      throw std::runtime_error("set_backend: conv has no vendor path in this build (cuDNN was not found when nabla "
                               "was configured; see the README's CUDA section)");
    settings[i] = kernels::Backend::vendor;
  }
  else if ((backend == "tf32" || backend == "vendor_tf32") && family == "matmul")
    settings[i] = backend == "tf32" ? kernels::Backend::tf32 : kernels::Backend::vendor_tf32;
  else
    throw std::invalid_argument("set_backend: expected \"hand\" or \"vendor\"" +
                                std::string(family == "matmul" ? ", \"tf32\" or \"vendor_tf32\"" : "") + " for " +
                                family + ", got \"" + backend + "\"");
}

kernels::Backend backend(const std::string& family) { return settings[family_index(family)].load(); }

const char* name(kernels::Backend b) {
  switch (b) {
    case kernels::Backend::vendor: return "vendor";
    case kernels::Backend::tf32: return "tf32";
    case kernels::Backend::vendor_tf32: return "vendor_tf32";
    default: return "hand";
  }
}

}  // namespace nabla
