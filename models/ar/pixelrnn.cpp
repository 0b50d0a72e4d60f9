#include "models/ar/pixelrnn.h"

#include <stdexcept>
#include <string>

#include "autograd/nabla.h"
#include "models/ar/masked_conv.h"
#include "models/ar/row_lstm.h"
#include "models/nn/nn.h"

namespace nabla::ar {

namespace {

// x + 1x1(RowLstm(x)) (sec. 3.3, residual connections).
class RowLstmLayer : public nn::Module {
 public:
  RowLstmLayer(int64_t hidden, int64_t kernel, Generator* gen) {
    register_module("lstm", std::make_shared<RowLstm>(2 * hidden, hidden, kernel, gen));
    register_module("up", conv1x1(hidden, 2 * hidden, gen));
  }
  Tensor forward(const Tensor& x) override { return x + (*children()[1].second)((*children()[0].second)(x)); }
  std::string type_name() const override { return "PixelRnnLayer"; }
};

void check(const PixelRnnOptions& o) {
  if (o.hidden < 1 || o.layers < 0 || o.out_hidden < 1 || o.kernel < 1 || o.kernel % 2 == 0)
    throw std::invalid_argument("pixelrnn: need hidden >= 1, layers >= 0, out_hidden >= 1 and an odd kernel >= 1");
}

}  // namespace

PixelRnn::PixelRnn(const PixelRnnOptions& o, Generator* gen) : PixelModel("pixelrnn", o.levels), options(o) {
  check(o);
  auto net = std::make_shared<nn::Sequential>();
  net->push_back(std::make_shared<MaskedConv2d>(MaskType::A, 1, 2 * o.hidden, 7, Options{}, gen));
  for (int64_t l = 0; l < o.layers; ++l) net->push_back(std::make_shared<RowLstmLayer>(o.hidden, o.kernel, gen));
  add_output_head(*net, 2 * o.hidden, o.out_hidden, o.levels, gen);
  net_ = register_module("net", net);
}

// The input is scaled to [0, 1]; zero padding then reads as black.
Tensor PixelRnn::forward(const Tensor& x) { return net_->forward(x / static_cast<double>(options.levels - 1)); }

}  // namespace nabla::ar
