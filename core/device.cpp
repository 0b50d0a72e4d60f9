#include "core/device.h"

#include <stdexcept>

#include "kernels/device.h"

namespace nabla {

Device Device::parse(const std::string& text) {
  if (text == "cpu") return cpu();
  if (text == "cuda") return cuda(0);
  if (text.rfind("cuda:", 0) == 0 && text.size() > 5 &&
      text.find_first_not_of("0123456789", 5) == std::string::npos && text.size() < 9)
    return cuda(std::stoi(text.substr(5)));
  throw std::invalid_argument("device: expected \"cpu\", \"cuda\" or \"cuda:N\", got \"" + text + "\"");
}

std::string Device::str() const {
  return is_cpu() ? "cpu" : "cuda:" + std::to_string(index);
}

int cuda_device_count() { return kernels::cuda::device_count(); }

}  // namespace nabla
