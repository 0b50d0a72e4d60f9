#include "models/ar/masked_conv.h"

#include <stdexcept>
#include <string>
#include <vector>

#include "autograd/nabla.h"

namespace nabla::ar {

namespace {

nn::ConvOptions same_padding(int64_t kernel) {
  if (kernel <= 0 || kernel % 2 == 0)
    throw std::invalid_argument("MaskedConv2d: kernel must be odd and positive, got " + std::to_string(kernel));
  nn::ConvOptions c;
  c.padding = {kernel / 2, kernel / 2};
  return c;
}

}  // namespace

Tensor causal_mask(MaskType type, int64_t kernel) {
  const int64_t c = kernel / 2;
  std::vector<float> m(static_cast<size_t>(kernel * kernel), 0.0f);
  for (int64_t r = 0; r < kernel; ++r)
    for (int64_t s = 0; s < kernel; ++s) {
      const bool before = r < c || (r == c && s < c);
      const bool centre = r == c && s == c;
      m[static_cast<size_t>(r * kernel + s)] = before || (centre && type == MaskType::B) ? 1.0f : 0.0f;
    }
  return tensor(m, {kernel, kernel});
}

MaskedConv2d::MaskedConv2d(MaskType type, int64_t in, int64_t out, int64_t kernel, Options options, Generator* gen)
    : nn::Conv2d(in, out, {kernel, kernel}, same_padding(kernel), options, gen), type(type) {
  // Not persistent: a constant of the type, rebuilt with the module.
  register_buffer("mask", nabla::to(nabla::to(causal_mask(type, kernel), get("weight").dtype()), get("weight").device()), false);
}

Tensor MaskedConv2d::forward(const Tensor& x) {
  return conv2d(x, get("weight") * get("mask"), find("bias"), params());
}

}  // namespace nabla::ar
