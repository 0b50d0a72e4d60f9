#include "models/gan/dirac_gan.h"

#include <cmath>
#include <stdexcept>

#include "autograd/nabla.h"
#include "models/gan/dirac_plot.h"

namespace nabla::gan {

namespace {

struct LossName {
  const char* name;
  DiracLoss loss;
};
constexpr LossName kLosses[] = {{"gan", DiracLoss::gan},         {"ns", DiracLoss::ns},       {"wgan", DiracLoss::wgan},
                                {"wgan-gp", DiracLoss::wgan_gp}, {"noise", DiracLoss::noise}, {"r1", DiracLoss::r1}};

bool wasserstein(DiracLoss l) { return l == DiracLoss::wgan || l == DiracLoss::wgan_gp; }

// f(t) = -log(1 + exp(-t)) for the GAN losses, f(t) = t for the WGANs.
Tensor f(const Tensor& t, DiracLoss l) { return wasserstein(l) ? t : -softplus(-t); }

// Instance noise in expectation, not sampled: E[g(z)], z ~ N(0, 1), as
// sum_k w_k g(z_k) over a grid on [-6, 6] with Gaussian weights (the
// trapezoid rule, spectrally accurate for smooth g).
std::pair<Tensor, Tensor> gauss_nodes(const Tensor& like) {
  constexpr int kNodes = 121;
  std::vector<double> z(kNodes), w(kNodes);
  double total = 0;
  for (int k = 0; k < kNodes; ++k) {
    z[k] = -6.0 + 12.0 * k / (kNodes - 1);
    w[k] = std::exp(-0.5 * z[k] * z[k]);
    total += w[k];
  }
  for (double& v : w) v /= total;
  const Options o{DType::f64, like.device()};
  return {tensor<double>(z, {kNodes}, o), tensor<double>(w, {kNodes}, o)};
}

// grad_x sum(D_psi(x)) at x, kept in the graph (double backward).
Tensor input_gradient(const Tensor& psi, const Tensor& x) {
  return grad({sum(psi * x)}, {x}, {}, {.create_graph = true})[0];
}

Tensor leaf_like(const Tensor& x) {
  Tensor leaf = clone(detach(x));
  leaf.requires_grad_();
  return leaf;
}

}  // namespace

DiracOptions DiracOptions::from(const train::TrainConfig& config) {
  config.check_options({"loss", "update", "theta0", "psi0", "gamma", "sigma", "clip"});
  DiracOptions o;
  const std::string loss = config.option<std::string>("loss", "gan");
  bool found = false;
  for (const LossName& l : kLosses)
    if (loss == l.name) o.loss = l.loss, found = true;
  if (!found)
    throw std::invalid_argument(config.model + ": loss=" + loss + " is not one of gan, ns, wgan, wgan-gp, noise, r1");
  const std::string update = config.option<std::string>("update", "simultaneous");
  if (update != "simultaneous" && update != "alternating")
    throw std::invalid_argument(config.model + ": update=" + update + " is not simultaneous or alternating");
  o.alternating = update == "alternating";
  o.theta0 = config.option<double>("theta0", o.theta0);
  o.psi0 = config.option<double>("psi0", o.psi0);
  o.gamma = config.option<double>("gamma", o.gamma);
  o.sigma = config.option<double>("sigma", o.sigma);
  o.clip = config.option<double>("clip", o.clip);
  if (o.gamma < 0 || o.sigma < 0 || o.clip <= 0)
    throw std::invalid_argument(config.model + ": gamma and sigma must be >= 0 and clip > 0");
  return o;
}

std::string DiracOptions::describe() const {
  std::string name;
  for (const LossName& l : kLosses)
    if (l.loss == loss) name = l.name;
  return name + ", " + (alternating ? "alternating" : "simultaneous");
}

DiracLosses dirac_losses(const Tensor& theta, const Tensor& psi, const DiracOptions& o) {
  const DiracLoss l = o.loss;
  if (l == DiracLoss::noise) {
    // L = E f(psi (theta + sigma z)) + E f(-psi (0 + sigma z)).
    const auto [z, w] = gauss_nodes(theta);
    const Tensor th = unsqueeze(theta, -1), ps = unsqueeze(psi, -1);
    const Tensor fake = sum(w * f(ps * (th + o.sigma * z), l), {-1});
    const Tensor real = sum(w * f(-(ps * (o.sigma * z)), l), {-1});
    const Tensor game = fake + real;
    return {-game, game};
  }
  const Tensor fake = psi * theta, real = psi * zeros_like(psi);  // D(theta), D(0)
  const Tensor game = f(fake, l) + f(-real, l);
  DiracLosses out{-game, l == DiracLoss::ns ? -f(-fake, l) : game};
  if (l == DiracLoss::r1) {
    // R1 = gamma/2 E_{p_D} |grad_x D(x)|^2 = gamma/2 psi^2.
    const Tensor dx = input_gradient(psi, leaf_like(zeros_like(psi)));
    out.d = out.d + (o.gamma / 2) * square(dx);
  } else if (l == DiracLoss::wgan_gp) {
    // At x_hat = u theta + (1 - u) 0; D is linear, so every u gives the same
    // gradient: u = 1/2. The paper's form gamma/2 (|grad| - 1)^2.
    const Tensor dx = input_gradient(psi, leaf_like(theta * 0.5));
    out.d = out.d + (o.gamma / 2) * square(abs(dx) - 1.0);
  }
  return out;
}

std::pair<Tensor, Tensor> dirac_field(const Tensor& theta, const Tensor& psi, const DiracOptions& options) {
  const Tensor th = leaf_like(to(theta, DType::f64)), ps = leaf_like(to(psi, DType::f64));
  const DiracLosses l = dirac_losses(th, ps, options);
  const Tensor g_theta = grad({sum(l.g)}, {th}, {}, {.retain_graph = true})[0];
  const Tensor g_psi = grad({sum(l.d)}, {ps})[0];
  NoGradGuard no_grad;
  return {-g_theta, -g_psi};
}

DiracGanTrainer::DiracGanTrainer(const train::TrainConfig& config)
    : config_(config), options_(DiracOptions::from(config)) {
  const Options o{DType::f64, config.device, true};
  theta_ = scalar(options_.theta0, o);
  psi_ = scalar(options_.psi0, o);
  history_ = {options_.theta0, options_.psi0};
}

void DiracGanTrainer::apply(const Tensor& param, const Tensor& grad) {
  NoGradGuard no_grad;
  add_(param, grad, -config_.lr);
}

void DiracGanTrainer::clip_psi() {
  if (options_.loss != DiracLoss::wgan) return;
  NoGradGuard no_grad;
  copy_(psi_, clamp(psi_, -options_.clip, options_.clip));
}

std::map<std::string, double> DiracGanTrainer::step() {
  if (options_.alternating) {
    const Tensor g_psi = grad({dirac_losses(theta_, psi_, options_).d}, {psi_})[0];
    apply(psi_, g_psi);
    clip_psi();
    const Tensor g_theta = grad({dirac_losses(theta_, psi_, options_).g}, {theta_})[0];
    apply(theta_, g_theta);
  } else {
    const DiracLosses l = dirac_losses(theta_, psi_, options_);
    const Tensor g_theta = grad({l.g}, {theta_}, {}, {.retain_graph = true})[0];
    const Tensor g_psi = grad({l.d}, {psi_})[0];
    apply(theta_, g_theta);
    apply(psi_, g_psi);
    clip_psi();
  }
  const double t = theta(), p = psi();
  history_.push_back(t);
  history_.push_back(p);
  return {{"theta", t}, {"psi", p}, {"distance", std::hypot(t, p)}};
}

Tensor DiracGanTrainer::sample(int64_t, Generator&) { return sample_history(); }

Tensor DiracGanTrainer::picture(int64_t, Generator&) {
  return draw_dirac_game(options_, history_, "dirac-gan: " + options_.describe()).to_tensor();
}

std::map<std::string, Tensor> DiracGanTrainer::losses() {
  const DiracLosses l = dirac_losses(theta_, psi_, options_);
  return {{"loss_d", l.d}, {"loss_g", l.g}};
}

NamedTensors DiracGanTrainer::named_parameters() const { return {{"theta", theta_}, {"psi", psi_}}; }

train::TrainerState DiracGanTrainer::state() const {
  train::TrainerState s;
  s.tensors = {{"theta", detach(theta_)}, {"psi", detach(psi_)}, {"history", sample_history()}};
  return s;
}

void DiracGanTrainer::load(const train::TrainerState& s) {
  auto find = [&](const std::string& name) -> const Tensor& {
    for (const auto& [n, t] : s.tensors)
      if (n == name) return t;
    throw std::runtime_error("dirac-gan state: no tensor \"" + name + "\"");
  };
  NoGradGuard no_grad;
  copy_(theta_, find("theta"));
  copy_(psi_, find("psi"));
  const Tensor& h = find("history");
  if (h.dim() != 2 || h.size(1) != 2) throw std::runtime_error("dirac-gan state: history is not [n, 2]");
  history_ = to_vector<double>(h);
}

Tensor DiracGanTrainer::sample_history() const {
  return tensor<double>(history_, {static_cast<int64_t>(history_.size() / 2), 2});
}

}  // namespace nabla::gan
