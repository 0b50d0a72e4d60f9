#include "models/ar/pixelcnn.h"

#include <stdexcept>
#include <string>

#include "autograd/nabla.h"
#include "models/ar/masked_conv.h"
#include "models/nn/nn.h"

namespace nabla::ar {

namespace {

std::shared_ptr<nn::Conv2d> conv1x1(int64_t in, int64_t out, Generator* gen) {
  return std::make_shared<nn::Conv2d>(in, out, std::array<int64_t, 2>{1, 1}, nn::ConvOptions{}, Options{}, gen);
}

// x + (1x1 -> 3x3 type B -> 1x1)(x), each conv after a ReLU (paper fig. 5).
class ResidualBlock : public nn::Module {
 public:
  ResidualBlock(int64_t width, Generator* gen) {
    const int64_t h = width / 2;
    register_module("0", conv1x1(width, h, gen));
    register_module("1", std::make_shared<MaskedConv2d>(MaskType::B, h, h, 3, Options{}, gen));
    register_module("2", conv1x1(h, width, gen));
  }
  Tensor forward(const Tensor& x) override {
    Tensor y = x;
    for (const auto& [name, m] : children()) y = m->forward(relu(y));
    return x + y;
  }
  std::string type_name() const override { return "PixelCnnBlock"; }
};

void check(const PixelCnnOptions& o) {
  if (o.levels != 2 && o.levels != 256)
    throw std::invalid_argument("pixelcnn: levels must be 2 or 256, got " + std::to_string(o.levels));
  if (o.width < 2 || o.blocks < 0 || o.out_hidden < 1)
    throw std::invalid_argument("pixelcnn: need width >= 2, blocks >= 0, out_hidden >= 1");
}

}  // namespace

PixelCnn::PixelCnn(const PixelCnnOptions& o, Generator* gen) : options(o) {
  check(o);
  auto net = std::make_shared<nn::Sequential>();
  net->push_back(std::make_shared<MaskedConv2d>(MaskType::A, 1, o.width, 7, Options{}, gen));
  for (int64_t b = 0; b < o.blocks; ++b) net->push_back(std::make_shared<ResidualBlock>(o.width, gen));
  net->push_back(std::make_shared<nn::ReLU>());
  net->push_back(conv1x1(o.width, o.out_hidden, gen));
  net->push_back(std::make_shared<nn::ReLU>());
  net->push_back(conv1x1(o.out_hidden, o.levels == 2 ? 1 : o.levels, gen));
  net_ = register_module("net", net);
}

// The input is scaled to [0, 1]; zero padding then reads as black.
Tensor PixelCnn::forward(const Tensor& x) { return net_->forward(x / static_cast<double>(options.levels - 1)); }

Tensor PixelCnn::nll(const Tensor& x) {
  const Tensor logits = forward(x);
  if (options.levels == 2)
    return sum(binary_cross_entropy_with_logits(logits, x, Reduction::none), {1, 2, 3});
  const Tensor target = nabla::to(squeeze(x, 1), DType::i64);
  return sum(cross_entropy(logits, target, Reduction::none), {1, 2});
}

// Row i's conditionals need rows 0..i only: each pass runs on that crop
// (valid because every layer is causal), halving the cost on average.
Tensor PixelCnn::complete(const Tensor& x0, int64_t from_row, Generator& gen) {
  NoGradGuard no_grad;
  const int64_t n = x0.size(0), height = x0.size(2), width = x0.size(3);
  Tensor x = x0;
  for (int64_t i = from_row; i < height; ++i)
    for (int64_t j = 0; j < width; ++j) {
      const Tensor logits = slice(slice(forward(slice(x, 2, 0, i + 1)), 2, i, i + 1), 3, j, j + 1);
      Tensor v;  // [n, 1, 1, 1]
      if (options.levels == 2) {
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

}  // namespace nabla::ar
