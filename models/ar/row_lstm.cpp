#include "models/ar/row_lstm.h"

#include <stdexcept>
#include <string>
#include <vector>

#include "autograd/nabla.h"

namespace nabla::ar {

namespace {

nn::ConvOptions along_row(int64_t kernel, bool bias) {
  if (kernel <= 0 || kernel % 2 == 0)
    throw std::invalid_argument("RowLstm: kernel must be odd and positive, got " + std::to_string(kernel));
  nn::ConvOptions c;
  c.padding = {0, kernel / 2};
  c.bias = bias;
  return c;
}

// K^is: a [1, k] conv whose taps right of the centre are zeroed (mask type B
// along the row).
class RowMaskedConv : public nn::Conv2d {
 public:
  RowMaskedConv(int64_t in, int64_t out, int64_t kernel, Generator* gen)
      : nn::Conv2d(in, out, {1, kernel}, along_row(kernel, true), Options{}, gen) {
    std::vector<float> m(static_cast<size_t>(kernel));
    for (int64_t s = 0; s < kernel; ++s) m[static_cast<size_t>(s)] = s <= kernel / 2 ? 1.0f : 0.0f;
    const Tensor& w = get("weight");
    register_buffer("mask", nabla::to(nabla::to(tensor(m, {1, kernel}), w.dtype()), w.device()), false);
  }
  Tensor forward(const Tensor& x) override { return conv2d(x, get("weight") * get("mask"), find("bias"), params()); }
  std::string type_name() const override { return "RowMaskedConv"; }
};

}  // namespace

RowLstm::RowLstm(int64_t in, int64_t hidden, int64_t kernel, Generator* gen) : hidden(hidden) {
  if (in < 1 || hidden < 1) throw std::invalid_argument("RowLstm: need in_channels >= 1 and hidden >= 1");
  register_module("input_to_state", std::make_shared<RowMaskedConv>(in, 4 * hidden, kernel, gen));
  register_module("state_to_state",
                  std::make_shared<nn::Conv2d>(hidden, 4 * hidden, std::array<int64_t, 2>{1, kernel},
                                               along_row(kernel, false), Options{}, gen));
}

Tensor RowLstm::forward(const Tensor& x) {
  const int64_t height = x.size(2), h = hidden;
  nn::Module& state_to_state = *children()[1].second;
  const Tensor input_gates = children()[0].second->forward(x);  // [N, 4h, H, W], all rows at once
  std::vector<Tensor> rows;
  Tensor hid, cell;
  for (int64_t i = 0; i < height; ++i) {
    Tensor gates = slice(input_gates, 2, i, i + 1);
    if (i > 0) gates = gates + state_to_state(hid);  // h_{-1} = 0 adds nothing
    const Tensor o = sigmoid(slice(gates, 1, 0, h));
    const Tensor f = sigmoid(slice(gates, 1, h, 2 * h));
    const Tensor in = sigmoid(slice(gates, 1, 2 * h, 3 * h));
    const Tensor g = tanh(slice(gates, 1, 3 * h, 4 * h));
    cell = i > 0 ? f * cell + in * g : in * g;
    hid = o * tanh(cell);
    rows.push_back(hid);
  }
  return cat(rows, 2);
}

}  // namespace nabla::ar
