#pragma once
// The Row LSTM layer (van den Oord, Kalchbrenner & Kavukcuoglu 2016, "Pixel
// Recurrent Neural Networks", sec. 3.1): an LSTM that runs over the rows of
// a feature map, top to bottom, updating a whole row at once. For row i,
//   [o_i, f_i, i_i, g_i] = sigma(K^ss (*) h_{i-1} + K^is (*) x_i)   (eq. 3)
//   c_i = f_i . c_{i-1} + i_i . g_i,   h_i = o_i . tanh(c_i)
// with sigma the logistic function for o, f, i and tanh for g. K^is is a
// k x 1 conv along the row, masked (type B) to the pixels left of and at
// the current one, computed for the whole map before the recurrence; K^ss
// is an unmasked k x 1 conv over the previous row's hidden state. Row i
// thus sees rows < i (a triangle widening by k/2 per row) and, through the
// input features, its own row up to the current pixel: causal as long as
// the input features at a pixel exclude that pixel's value (the type-A
// first layer of the net sees to that). The initial state is zero.
#include <cstdint>

#include "core/random.h"
#include "models/nn/layers.h"
#include "models/nn/module.h"

namespace nabla::ar {

class RowLstm : public nn::Module {
 public:
  // in_channels -> hidden channels; kernel k odd.
  RowLstm(int64_t in_channels, int64_t hidden, int64_t kernel, Generator* gen = nullptr);
  // x [N, in, H, W] -> h [N, hidden, H, W].
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "RowLstm"; }
  int64_t hidden;
};

}  // namespace nabla::ar
