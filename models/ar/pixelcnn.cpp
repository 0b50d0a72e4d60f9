#include "models/ar/pixelcnn.h"

#include <stdexcept>
#include <string>

#include "autograd/nabla.h"
#include "models/ar/masked_conv.h"
#include "models/nn/nn.h"

namespace nabla::ar {

namespace {

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
  if (o.width < 2 || o.blocks < 0 || o.out_hidden < 1)
    throw std::invalid_argument("pixelcnn: need width >= 2, blocks >= 0, out_hidden >= 1");
}

}  // namespace

PixelCnn::PixelCnn(const PixelCnnOptions& o, Generator* gen) : PixelModel("pixelcnn", o.levels), options(o) {
  check(o);
  auto net = std::make_shared<nn::Sequential>();
  net->push_back(std::make_shared<MaskedConv2d>(MaskType::A, 1, o.width, 7, Options{}, gen));
  for (int64_t b = 0; b < o.blocks; ++b) net->push_back(std::make_shared<ResidualBlock>(o.width, gen));
  add_output_head(*net, o.width, o.out_hidden, o.levels, gen);
  net_ = register_module("net", net);
}

// The input is scaled to [0, 1]; zero padding then reads as black.
Tensor PixelCnn::forward(const Tensor& x) { return net_->forward(x / static_cast<double>(options.levels - 1)); }

}  // namespace nabla::ar
