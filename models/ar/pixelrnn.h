#pragma once
// PixelRNN with Row LSTM layers (van den Oord, Kalchbrenner & Kavukcuoglu
// 2016, "Pixel Recurrent Neural Networks", sec. 3.1, 3.3 and fig. 5) for
// one-channel images; likelihood and sampling as PixelCNN's (pixel_model.h).
//
// Net: a 7x7 type-A masked conv to 2h channels (h = `hidden`); then `layers`
// residual Row LSTM layers, each x + 1x1 conv(h -> 2h)(RowLstm(x)) (sec. 3.3:
// the LSTM's h output features are upsampled to 2h by a 1x1 conv and added
// to the layer's input); then ReLU -> 1x1 conv to `out_hidden` -> ReLU -> 1x1
// conv to the logits (one per pixel for levels 2, 256 for levels 256).
// The paper's MNIST/CIFAR nets are far larger (h = 128, 12 layers for the
// CIFAR-10 Row LSTM); the CPU defaults here are small.
//
// Diagonal BiLSTM (sec. 3.2) is not implemented: it needs the skew/unskew
// of the map and a second LSTM run right to left whose output is shifted
// down a row to stay causal; its per-step work is one diagonal, twice the
// steps of the Row LSTM's rows, and it is the slowest of the paper's models.
#include <cstdint>
#include <memory>

#include "models/ar/pixel_model.h"

namespace nabla::ar {

struct PixelRnnOptions {
  int64_t levels = 2;  // 2 (binarised) or 256
  int64_t hidden = 16;  // h: the LSTM state; the residual stream has 2h channels
  int64_t layers = 2;
  int64_t kernel = 3;  // k of the k x 1 input-to-state and state-to-state convs
  int64_t out_hidden = 32;
};

class PixelRnn : public PixelModel {
 public:
  explicit PixelRnn(const PixelRnnOptions& options, Generator* gen = nullptr);
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "PixelRnn"; }

  const PixelRnnOptions options;

 private:
  std::shared_ptr<nn::Module> net_;
};

}  // namespace nabla::ar
