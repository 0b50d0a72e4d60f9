#include "models/ar/pixel_model.h"

#include <stdexcept>
#include <string>

#include "autograd/nabla.h"
#include "models/nn/nn.h"

namespace nabla::ar {

PixelModel::PixelModel(const std::string& model, int64_t levels) : levels_(levels) {
  if (levels != 2 && levels != 256)
    throw std::invalid_argument(model + ": levels must be 2 or 256, got " + std::to_string(levels));
}

Tensor PixelModel::nll(const Tensor& x) {
  const Tensor logits = forward(x);
  if (levels_ == 2) return sum(binary_cross_entropy_with_logits(logits, x, Reduction::none), {1, 2, 3});
  const Tensor target = nabla::to(squeeze(x, 1), DType::i64);
  return sum(cross_entropy(logits, target, Reduction::none), {1, 2});
}

// Row i's conditionals need rows 0..i only: each pass runs on that crop
// (valid because every layer is causal), halving the cost on average.
Tensor PixelModel::complete(const Tensor& x0, int64_t from_row, Generator& gen) {
  NoGradGuard no_grad;
  const int64_t n = x0.size(0), height = x0.size(2), width = x0.size(3);
  Tensor x = x0;
  for (int64_t i = from_row; i < height; ++i)
    for (int64_t j = 0; j < width; ++j) {
      const Tensor logits = slice(slice(forward(slice(x, 2, 0, i + 1)), 2, i, i + 1), 3, j, j + 1);
      Tensor v;  // [n, 1, 1, 1]
      if (levels_ == 2) {
        v = bernoulli(sigmoid(logits), &gen);
      } else {
        // Gumbel-max: argmax(logits + G) is a draw from softmax(logits).
        const Tensor u = clamp(rand(logits.shape(), Options{logits.dtype(), logits.device()}, &gen), 1e-12, 1.0 - 1e-7);
        v = nabla::to(reshape(argmax(logits - log(-log(u)), {1}), {n, 1, 1, 1}), x.dtype());
      }
      // x with pixel (i, j) replaced by v.
      const Tensor hot = nabla::to(eq(reshape(arange(height * width, Options{DType::i64, x.device()}), {1, 1, height, width}),
                               full({}, static_cast<double>(i * width + j), Options{DType::i64, x.device()})),
                            x.dtype());
      x = x * (1.0 - hot) + v * hot;
    }
  return x;
}

std::shared_ptr<nn::Conv2d> conv1x1(int64_t in, int64_t out, Generator* gen) {
  return std::make_shared<nn::Conv2d>(in, out, std::array<int64_t, 2>{1, 1}, nn::ConvOptions{}, Options{}, gen);
}

void add_output_head(nn::Sequential& head, int64_t width, int64_t hidden, int64_t levels, Generator* gen) {
  head.push_back(std::make_shared<nn::ReLU>());
  head.push_back(conv1x1(width, hidden, gen));
  head.push_back(std::make_shared<nn::ReLU>());
  head.push_back(conv1x1(hidden, levels == 2 ? 1 : levels, gen));
}

}  // namespace nabla::ar
