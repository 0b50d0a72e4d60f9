#include "models/ae/ae.h"

#include <stdexcept>

#include "autograd/nabla.h"
#include "models/nn/nn.h"

namespace nabla::ae {

namespace {

using nn::ModulePtr;
using std::make_shared;

// widths[0] -> widths[1] -> ... with ReLU between layers unless linear.
std::vector<ModulePtr> stack(const std::vector<int64_t>& widths, bool linear, Generator* gen) {
  std::vector<ModulePtr> m;
  for (size_t i = 0; i + 1 < widths.size(); ++i) {
    if (i > 0 && !linear) m.push_back(make_shared<nn::ReLU>());
    m.push_back(make_shared<nn::Linear>(widths[i], widths[i + 1], true, Options{}, gen));
  }
  return m;
}

}  // namespace

std::vector<Tensor> Autoencoder::parameters() const {
  std::vector<Tensor> p = encoder->parameters();
  for (const Tensor& t : decoder->parameters()) p.push_back(t);
  return p;
}

Autoencoder make_autoencoder(const AeArch& arch, Generator* init) {
  if (arch.in <= 0 || arch.code <= 0) throw std::invalid_argument("ae: input and code sizes must be positive");
  std::vector<int64_t> down{arch.in};
  down.insert(down.end(), arch.hidden.begin(), arch.hidden.end());
  down.push_back(arch.code);
  const std::vector<int64_t> up(down.rbegin(), down.rend());
  std::vector<ModulePtr> enc = stack(down, arch.linear, init), dec = stack(up, arch.linear, init);
  if (arch.sigmoid_code) enc.push_back(make_shared<nn::Sigmoid>());
  else if (!arch.linear) enc.push_back(make_shared<nn::ReLU>());
  if (!arch.linear) dec.push_back(make_shared<nn::Sigmoid>());
  return {make_shared<nn::Sequential>(enc), make_shared<nn::Sequential>(dec)};
}

Tensor l1_sparsity(const Tensor& h) { return mean(sum(abs(h), {1})); }

Tensor kl_sparsity(const Tensor& h, double rho) {
  const Tensor rho_hat = mean(h, {0});
  return sum(rho * log(rho / rho_hat) + (1 - rho) * log((1 - rho) / (1.0 - rho_hat)));
}

Noise parse_noise(const std::string& model, const std::string& name) {
  if (name == "none") return Noise::none;
  if (name == "gaussian") return Noise::gaussian;
  if (name == "masking") return Noise::masking;
  throw std::invalid_argument(model + ": noise=" + name + " is not one of none, gaussian, masking");
}

Tensor corrupt(const Tensor& x, Noise noise, double level, Generator* gen) {
  switch (noise) {
    case Noise::gaussian:
      return x + level * randn(x.shape(), Options::like(x), gen);
    case Noise::masking:
      return x * bernoulli(x.shape(), 1 - level, Options::like(x), gen);
    case Noise::none:
      break;
  }
  return x;
}

}  // namespace nabla::ae
