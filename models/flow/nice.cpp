#include "models/flow/nice.h"

#include <stdexcept>

#include "models/flow/coupling.h"
#include "models/nn/nn.h"

namespace nabla::flow {

namespace {

nn::ModulePtr mlp(int64_t dims, const NiceOptions& o, Generator* gen) {
  auto m = std::make_shared<nn::Sequential>();
  int64_t in = dims;
  for (int64_t i = 0; i < o.hidden_layers; ++i) {
    m->push_back(std::make_shared<nn::Linear>(in, o.hidden, true, Options{}, gen));
    m->push_back(std::make_shared<nn::ReLU>());
    in = o.hidden;
  }
  m->push_back(std::make_shared<nn::Linear>(in, dims, true, Options{}, gen));
  return m;
}

}  // namespace

std::shared_ptr<FlowNet> make_nice(const Shape& image_shape, const NiceOptions& o, Generator* gen) {
  if (o.couplings < 1 || o.hidden < 1 || o.hidden_layers < 1)
    throw std::invalid_argument("nice: couplings, hidden and hidden_layers must be positive");
  int64_t dims = 1;
  for (int64_t d : image_shape) dims *= d;
  if (dims % 2) throw std::invalid_argument("nice: the image size must be even");
  auto net = std::make_shared<FlowNet>(image_shape, o.prior);
  net->add(std::make_shared<FlowReshape>(image_shape, Shape{dims}));
  for (int64_t i = 0; i < o.couplings; ++i)
    net->add(std::make_shared<AdditiveCoupling>(mlp(dims / 2, o, gen), static_cast<int>(i % 2)));
  net->add(std::make_shared<DiagonalScaling>(dims));
  return net;
}

}  // namespace nabla::flow
