#include "models/vae/model.h"

#include <cmath>
#include <stdexcept>

#include "autograd/nabla.h"
#include "models/nn/fused.h"
#include "models/nn/nn.h"
#include "models/vae/bounds.h"

namespace nabla::vae {

namespace {

using nn::ModulePtr;
using std::make_shared;

// The smallest learned decoder variance: keeps the density of pixels that
// are exactly 0 or 1 (most of Fashion-MNIST's background) finite.
constexpr double kMinVariance = 1e-4;

ModulePtr seq(std::vector<ModulePtr> m) { return make_shared<nn::Sequential>(std::move(m)); }
ModulePtr linear(int64_t in, int64_t out, Generator* gen) {
  return make_shared<nn::Linear>(in, out, true, Options{}, gen);
}
ModulePtr relu() { return make_shared<nn::ReLU>(); }

nn::ConvOptions stride2() {
  nn::ConvOptions c;
  c.stride = {2, 2};
  c.padding = {1, 1};
  return c;
}

// [N, in] (the image flattened, with the one-hot label) -> [N, 2Z].
ModulePtr mlp_encoder(int64_t in, const VaeArch& a, Generator* gen) {
  return seq({linear(in, a.hidden, gen), relu(), linear(a.hidden, 2 * a.z_dim, gen)});
}

ModulePtr mlp_decoder(int64_t in, int64_t out, const VaeArch& a, Generator* gen) {
  return seq({linear(in, a.hidden, gen), relu(), linear(a.hidden, out, gen)});
}

// [N, 784 + C] -> the image part to [N, 1, 28, 28], two stride-2 4x4 convs
// (28 -> 14 -> 7), the label appended to the features, a linear map to [N, 2Z].
class ConvEncoder : public nn::Module {
 public:
  ConvEncoder(const VaeArch& a, int64_t classes, Generator* gen) {
    body_ = register_module("body", seq({make_shared<nn::Reshape>(Shape{1, 28, 28}),
                                         make_shared<nn::Conv2d>(1, 32, std::array<int64_t, 2>{4, 4}, stride2(), Options{}, gen),
                                         relu(),
                                         make_shared<nn::Conv2d>(32, 64, std::array<int64_t, 2>{4, 4}, stride2(), Options{}, gen),
                                         relu(), make_shared<nn::Flatten>()}));
    head_ = register_module("head", linear(64 * 7 * 7 + classes, 2 * a.z_dim, gen));
  }
  Tensor forward(const Tensor& x) override {
    const Tensor features = (*body_)(slice(x, 1, 0, kPixels));
    return (*head_)(cat({features, slice(x, 1, kPixels, x.size(1))}, 1));
  }
  std::string type_name() const override { return "ConvEncoder"; }

 private:
  ModulePtr body_, head_;
};

// [N, Z + C] -> linear to [N, 64, 7, 7], two stride-2 4x4 transposed convs
// (7 -> 14 -> 28) to `channels` maps, flattened channel-major to [N, channels * 784].
ModulePtr conv_decoder(int64_t in, int64_t channels, Generator* gen) {
  // The first transposed conv + bias + ReLU as one fused op (autograd/fused_act.h).
  // The layers draw their initial weights from gen in this order.
  const ModulePtr fc = linear(in, 64 * 7 * 7, gen);
  const auto [up, act] = nn::fuse_activation(
      make_shared<nn::ConvTranspose2d>(64, 32, std::array<int64_t, 2>{4, 4}, stride2(), Options{}, gen),
      Activation{Act::relu}, "ReLU");
  const ModulePtr out =
      make_shared<nn::ConvTranspose2d>(32, channels, std::array<int64_t, 2>{4, 4}, stride2(), Options{}, gen);
  return seq({fc, relu(), make_shared<nn::Reshape>(Shape{64, 7, 7}), up, act, out, make_shared<nn::Flatten>()});
}

}  // namespace

Vae::Vae(const VaeArch& arch, Generator* init) : arch_(arch) {
  if (arch.z_dim <= 0 || arch.hidden <= 0) throw std::invalid_argument("vae: z_dim and hidden must be positive");
  if (!(arch.sigma > 0)) throw std::invalid_argument("vae: sigma must be positive");
  const int64_t classes = arch.conditional ? kClasses : 0;
  const int64_t channels = arch.decoder == Decoder::gaussian && arch.learned_variance ? 2 : 1;
  if (arch.conv) {
    encoder_ = make_shared<ConvEncoder>(arch, classes, init);
    decoder_ = conv_decoder(arch.z_dim + classes, channels, init);
  } else {
    encoder_ = mlp_encoder(kPixels + classes, arch, init);
    decoder_ = mlp_decoder(arch.z_dim + classes, channels * kPixels, arch, init);
  }
}

std::vector<Tensor> Vae::parameters() const {
  std::vector<Tensor> p = encoder_->parameters();
  for (const Tensor& t : decoder_->parameters()) p.push_back(t);
  return p;
}

Tensor Vae::condition(const Tensor& x, const Tensor& y) const {
  if (!arch_.conditional) return x;
  if (!y.defined()) throw std::invalid_argument("cvae: a class label per example is required");
  return cat({x, one_hot(y, kClasses, x.dtype())}, 1);
}

std::pair<Tensor, Tensor> Vae::encode(const Tensor& x, const Tensor& y) const {
  const Tensor h = (*encoder_)(condition(x, y));
  return {slice(h, 1, 0, arch_.z_dim), slice(h, 1, arch_.z_dim, 2 * arch_.z_dim)};
}

Decoded Vae::decode(const Tensor& z, const Tensor& y) const {
  const Tensor out = (*decoder_)(condition(z, y));
  if (arch_.decoder == Decoder::bernoulli) return {out, Tensor()};
  if (!arch_.learned_variance) return {out, scalar(2 * std::log(arch_.sigma), Options::like(out))};
  return {slice(out, 1, 0, kPixels), log(softplus(slice(out, 1, kPixels, 2 * kPixels)) + kMinVariance)};
}

Tensor Vae::log_likelihood(const Tensor& x, const Decoded& d) const {
  if (arch_.decoder == Decoder::bernoulli) return log_bernoulli(x, d.loc);
  return log_normal_diag(x, d.loc, d.logvar);
}

Tensor Vae::mean_image(const Decoded& d) const {
  return arch_.decoder == Decoder::bernoulli ? sigmoid(d.loc) : clamp(d.loc, 0, 1);
}

Terms Vae::terms(const Tensor& x, const Tensor& y, Generator* gen) const {
  Terms t;
  std::tie(t.mu, t.logvar) = encode(x, y);
  const Tensor z = reparameterise(t.mu, t.logvar, randn(t.mu.shape(), Options::like(t.mu), gen));
  t.decoded = decode(z, y);
  t.rate = kl_standard_normal(t.mu, t.logvar);
  t.distortion = -log_likelihood(x, t.decoded);
  return t;
}

// log w_i = log p(x|z_i) + log p(z_i) - log q(z_i|x), z_i ~ q(z|x), i = 1..k.
Tensor Vae::iwae_rows(const Tensor& x, const Tensor& y, int64_t k, Generator* gen) const {
  const auto [mu, logvar] = encode(x, y);
  const int64_t n = x.size(0), zd = arch_.z_dim;
  const Tensor eps = randn({k, n, zd}, Options::like(mu), gen);
  const Tensor z = reparameterise(unsqueeze(mu, 0), unsqueeze(logvar, 0), eps);  // [k, n, Z]
  const Tensor flat_z = reshape(z, {k * n, zd});
  Tensor flat_y;
  if (y.defined()) flat_y = reshape(expand(unsqueeze(y, 0), {k, n}), {k * n});
  const Tensor flat_x = reshape(expand(unsqueeze(x, 0), {k, n, x.size(1)}), {k * n, x.size(1)});
  const Tensor log_px = reshape(log_likelihood(flat_x, decode(flat_z, flat_y)), {k, n});
  const Tensor log_w = log_px + log_standard_normal(z) - log_normal_diag(z, unsqueeze(mu, 0), unsqueeze(logvar, 0));
  return iwae_bound(log_w);
}

Tensor Vae::iwae(const Tensor& x, const Tensor& y, int64_t k, Generator* gen, int64_t chunk) const {
  if (k <= 0) throw std::invalid_argument("vae: the IWAE bound needs k >= 1 samples");
  const int64_t rows = std::max<int64_t>(1, chunk / k);
  std::vector<Tensor> parts;
  for (int64_t start = 0; start < x.size(0); start += rows) {
    const int64_t end = std::min(x.size(0), start + rows);
    parts.push_back(iwae_rows(slice(x, 0, start, end), y.defined() ? slice(y, 0, start, end) : Tensor(), k, gen));
  }
  return cat(parts, 0);
}

}  // namespace nabla::vae
