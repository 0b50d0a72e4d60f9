#include "models/flow/realnvp.h"

#include <stdexcept>

#include "autograd/nabla.h"
#include "models/flow/conv1x1.h"
#include "models/flow/coupling.h"
#include "models/nn/nn.h"

namespace nabla::flow {

namespace {

std::shared_ptr<nn::Conv2d> conv3(int64_t in, int64_t out, Generator* gen) {
  nn::ConvOptions c;
  c.padding = {1, 1};
  return std::make_shared<nn::Conv2d>(in, out, std::array<int64_t, 2>{3, 3}, c, Options{}, gen);
}

class ResBlock : public nn::Module {
 public:
  ResBlock(int64_t width, Generator* gen) {
    register_module("conv1", conv3(width, width, gen));
    register_module("conv2", conv3(width, width, gen));
  }
  Tensor forward(const Tensor& x) override {
    const Tensor h = (*children()[0].second)(relu(x));
    return x + (*children()[1].second)(relu(h));
  }
  std::string type_name() const override { return "ResBlock"; }
};

void add_step(FlowNet& net, nn::ModulePtr st, Mask mask, int parity, const RealNvpOptions& o, Generator* gen) {
  const int64_t c = net.current_shape()[0];
  net.add(std::make_shared<ActNorm>(c));
  if (o.conv1x1 && c > 1) net.add(std::make_shared<InvertibleConv1x1>(c, gen, o.conv1x1_param));
  net.add(std::make_shared<AffineCoupling>(std::move(st), mask, parity, c));
}

void add_checkerboards(FlowNet& net, int count, const RealNvpOptions& o, Generator* gen) {
  for (int i = 0; i < count; ++i) {
    const int64_t c = net.current_shape()[0];
    add_step(net, st_resnet(c, c, o.width, o.blocks, gen), Mask::checkerboard, i % 2, o, gen);
  }
}

}  // namespace

nn::ModulePtr st_resnet(int64_t in, int64_t out, int64_t width, int64_t blocks, Generator* gen) {
  auto net = std::make_shared<nn::Sequential>();
  net->push_back(conv3(in, width, gen));
  net->push_back(std::make_shared<nn::ReLU>());
  for (int64_t i = 0; i < blocks; ++i) net->push_back(std::make_shared<ResBlock>(width, gen));
  net->push_back(std::make_shared<nn::ReLU>());
  auto last = conv3(width, 2 * out, gen);
  {
    NoGradGuard no_grad;
    for (const Tensor& p : last->parameters()) zero_(p);
  }
  net->push_back(last);
  return net;
}

std::shared_ptr<FlowNet> make_realnvp(const Shape& image_shape, const RealNvpOptions& o, Generator* gen) {
  if (o.scales < 1 || o.width < 1 || o.blocks < 0)
    throw std::invalid_argument("realnvp: scales and width must be positive, blocks non-negative");
  auto net = std::make_shared<FlowNet>(image_shape, Prior::gaussian);
  net->add(std::make_shared<LogitTransform>());
  for (int64_t s = 0; s + 1 < o.scales; ++s) {
    const Shape& cur = net->current_shape();
    if (cur[1] % 2 || cur[2] % 2)
      throw std::invalid_argument("realnvp: " + std::to_string(o.scales) + " scales need the image side divisible by 2^" +
                                  std::to_string(o.scales - 1));
    add_checkerboards(*net, 3, o, gen);
    net->add(std::make_shared<Squeeze>());
    for (int i = 0; i < 3; ++i) {
      const int64_t c = net->current_shape()[0];
      add_step(*net, st_resnet(c / 2, c / 2, o.width, o.blocks, gen), Mask::channel, i % 2, o, gen);
    }
    net->factor_out();
  }
  add_checkerboards(*net, 4, o, gen);
  return net;
}

}  // namespace nabla::flow
