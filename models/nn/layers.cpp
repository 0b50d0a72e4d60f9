#include "models/nn/layers.h"

#include <stdexcept>

#include "autograd/nabla.h"
#include "models/nn/init.h"

namespace nabla::nn {

namespace {
void check_positive(const char* layer, const char* what, int64_t v) {
  if (v <= 0)
    throw std::invalid_argument(std::string(layer) + ": " + what + " must be positive, got " + std::to_string(v));
}
Conv2dParams to_params(const ConvOptions& c) {
  return {.stride = c.stride, .padding = c.padding, .dilation = c.dilation, .groups = c.groups,
          .output_padding = c.output_padding};
}
void check_groups(const char* layer, int64_t in, int64_t out, int64_t groups) {
  if (groups <= 0 || in % groups || out % groups)
    throw std::invalid_argument(std::string(layer) + ": groups " + std::to_string(groups) +
                                " must divide in_channels " + std::to_string(in) + " and out_channels " +
                                std::to_string(out));
}
}  // namespace

Linear::Linear(int64_t in, int64_t out, bool bias, Options options, Generator* gen)
    : in_features(in), out_features(out) {
  check_positive("Linear", "in_features", in);
  check_positive("Linear", "out_features", out);
  options.requires_grad = false;
  Tensor w = register_parameter("weight", empty({out, in}, options));
  Tensor b = bias ? register_parameter("bias", empty({out}, options)) : Tensor();
  default_layer_init_(w, b, gen);
}

Tensor Linear::forward(const Tensor& x) {
  if (x.dim() < 1 || x.size(-1) != in_features)
    throw std::invalid_argument("Linear: expected input [..., " + std::to_string(in_features) + "], got " +
                                describe(x));
  return linear(x, get("weight"), find("bias"));
}

Conv2d::Conv2d(int64_t in, int64_t out, std::array<int64_t, 2> k, ConvOptions c, Options options, Generator* gen)
    : in_channels(in), out_channels(out), conv(c) {
  check_positive("Conv2d", "in_channels", in);
  check_positive("Conv2d", "out_channels", out);
  check_groups("Conv2d", in, out, c.groups);
  options.requires_grad = false;
  Tensor w = register_parameter("weight", empty({out, in / c.groups, k[0], k[1]}, options));
  Tensor b = c.bias ? register_parameter("bias", empty({out}, options)) : Tensor();
  default_layer_init_(w, b, gen);
}

Conv2dParams Conv2d::params() const { return to_params(conv); }

Tensor Conv2d::forward(const Tensor& x) {
  if (activation.kind != Act::identity) return conv2d_act(x, get("weight"), find("bias"), params(), activation);
  return conv2d(x, get("weight"), find("bias"), params());
}

ConvTranspose2d::ConvTranspose2d(int64_t in, int64_t out, std::array<int64_t, 2> k, ConvOptions c,
                                 Options options, Generator* gen)
    : in_channels(in), out_channels(out), conv(c) {
  check_positive("ConvTranspose2d", "in_channels", in);
  check_positive("ConvTranspose2d", "out_channels", out);
  check_groups("ConvTranspose2d", in, out, c.groups);
  options.requires_grad = false;
  Tensor w = register_parameter("weight", empty({in, out / c.groups, k[0], k[1]}, options));
  Tensor b = c.bias ? register_parameter("bias", empty({out}, options)) : Tensor();
  default_layer_init_(w, b, gen);
}

Conv2dParams ConvTranspose2d::params() const { return to_params(conv); }

Tensor ConvTranspose2d::forward(const Tensor& x) {
  if (activation.kind != Act::identity)
    return conv_transpose2d_act(x, get("weight"), find("bias"), params(), activation);
  return conv_transpose2d(x, get("weight"), find("bias"), params());
}

Embedding::Embedding(int64_t num, int64_t dim, Options options, Generator* gen)
    : num_embeddings(num), embedding_dim(dim) {
  check_positive("Embedding", "num_embeddings", num);
  check_positive("Embedding", "embedding_dim", dim);
  options.requires_grad = false;
  normal_(register_parameter("weight", empty({num, dim}, options)), 0, 1, gen);
}

Tensor Embedding::forward(const Tensor& indices) {
  if (indices.dtype() != DType::i64)
    throw std::invalid_argument("Embedding: expected i64 indices, got " + describe(indices));
  Shape out = indices.shape();
  out.push_back(embedding_dim);
  Tensor flat = reshape(indices, {indices.numel()});
  return reshape(index_select(get("weight"), 0, flat), out);
}

}  // namespace nabla::nn
