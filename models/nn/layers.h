#pragma once
// Layers with weights: Linear, Conv2d, ConvTranspose2d, Embedding. Each is
// initialised as PyTorch does (init.h: default_layer_init_; Embedding N(0, 1))
// from gen, or the default generator when null. Options give the dtype and
// device of the parameters.
#include <array>
#include <cstdint>

#include "core/conv.h"
#include "core/fused_act.h"
#include "core/factory.h"
#include "core/random.h"
#include "models/nn/module.h"

namespace nabla::nn {

// y = x W^T + b for x [..., in]; weight [out, in], bias [out].
class Linear : public Module {
 public:
  Linear(int64_t in_features, int64_t out_features, bool bias = true, Options options = {},
         Generator* gen = nullptr);
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Linear"; }
  int64_t in_features, out_features;
};

struct ConvOptions {
  std::array<int64_t, 2> stride{1, 1};
  std::array<int64_t, 2> padding{0, 0};
  std::array<int64_t, 2> dilation{1, 1};
  int64_t groups = 1;
  std::array<int64_t, 2> output_padding{0, 0};  // ConvTranspose2d only
  bool bias = true;
};

// weight [out, in/groups, kH, kW], bias [out].
class Conv2d : public Module {
 public:
  Conv2d(int64_t in_channels, int64_t out_channels, std::array<int64_t, 2> kernel_size, ConvOptions conv = {},
         Options options = {}, Generator* gen = nullptr);
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Conv2d"; }
  Conv2dParams params() const;
  int64_t in_channels, out_channels;
  ConvOptions conv;
  // An activation applied to the output by the fused conv2d_act
  // (autograd/fused_act.h); identity: plain conv2d.
  Activation activation;
};

// weight [in, out/groups, kH, kW] (PyTorch's layout), bias [out].
class ConvTranspose2d : public Module {
 public:
  ConvTranspose2d(int64_t in_channels, int64_t out_channels, std::array<int64_t, 2> kernel_size,
                  ConvOptions conv = {}, Options options = {}, Generator* gen = nullptr);
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "ConvTranspose2d"; }
  Conv2dParams params() const;
  int64_t in_channels, out_channels;
  ConvOptions conv;
  // An activation applied to the output by the fused conv_transpose2d_act
  // (autograd/fused_act.h); identity: plain conv_transpose2d.
  Activation activation;
};

// Rows of weight [num_embeddings, dim] picked by an i64 index tensor of any
// shape: the result is index.shape + [dim].
class Embedding : public Module {
 public:
  Embedding(int64_t num_embeddings, int64_t embedding_dim, Options options = {}, Generator* gen = nullptr);
  Tensor forward(const Tensor& indices) override;
  std::string type_name() const override { return "Embedding"; }
  int64_t num_embeddings, embedding_dim;
};

}  // namespace nabla::nn
