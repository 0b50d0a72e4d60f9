#include "models/gan/bgan.h"

#include <algorithm>

#include "autograd/nabla.h"
#include "models/gan/nets.h"
#include "models/gan/streams.h"
#include "models/gan/toy2d.h"
#include "models/train/data.h"
#include "models/train/state.h"

namespace nabla::gan {

namespace {

constexpr int64_t kToyPoints = 65536;
constexpr int64_t kEvalPoints = 2500;
constexpr int64_t kScatterPoints = 1000;

nn::ModulePtr mlp(int64_t in, int64_t hidden, int64_t out, bool relu_out, Generator* gen) {
  std::vector<nn::ModulePtr> layers{linear_layer(in, hidden, gen), std::make_shared<nn::ReLU>(),
                                    linear_layer(hidden, out, gen)};
  if (relu_out) layers.push_back(std::make_shared<nn::ReLU>());
  return std::make_shared<nn::Sequential>(layers);
}

}  // namespace

BatchDiscriminator::BatchDiscriminator(BatchD kind, int64_t in, int64_t hidden, Generator* gen)
    : BatchDiscriminator(kind, mlp(in, hidden, hidden, true, gen), hidden, gen) {}

BatchDiscriminator::BatchDiscriminator(BatchD kind, nn::ModulePtr phi, int64_t features, Generator* gen)
    : kind_(kind) {
  phi_ = register_module("phi", std::move(phi));
  head_ = register_module("head", mlp(kind == BatchD::pooled ? features : 2 * features, 128, 1, false, gen));
}

Tensor BatchDiscriminator::forward(const Tensor& x) {
  const Tensor h = (*phi_)(x);
  const Tensor pooled = mean(h, {0}, true);  // [1, hidden]: the batch's symmetric statistic
  if (kind_ == BatchD::pooled) return (*head_)(pooled);
  return (*head_)(cat({h, expand(pooled, h.shape())}, 1));
}

namespace {

// DCGAN-28's D without batch norm up to 128 features per image.
nn::ModulePtr image_phi(Generator* gen) {
  nn::ConvOptions c;
  c.stride = {2, 2};
  c.padding = {1, 1};
  auto phi = std::make_shared<nn::Sequential>(std::vector<nn::ModulePtr>{
      std::make_shared<nn::Conv2d>(1, 64, std::array<int64_t, 2>{4, 4}, c, Options{}, gen),
      std::make_shared<nn::LeakyReLU>(0.2),
      std::make_shared<nn::Conv2d>(64, 128, std::array<int64_t, 2>{4, 4}, c, Options{}, gen),
      std::make_shared<nn::LeakyReLU>(0.2), std::make_shared<nn::Flatten>(), linear_layer(128 * 7 * 7, 128, gen),
      std::make_shared<nn::LeakyReLU>(0.2)});
  nn::dcgan_init(*phi, gen);
  return phi;
}

}  // namespace

Tensor batch_d_loss(const Tensor& logits, double q) {
  return binary_cross_entropy_with_logits(logits, full_like(logits, q));
}

Tensor batch_g_loss(const Tensor& logits) { return binary_cross_entropy_with_logits(logits, zeros_like(logits)); }

BganTrainer::BganTrainer(const train::TrainConfig& config, BatchD kind)
    : config_(config), noise_(config.seed ^ kNoiseStream), run_data_(config) {
  config.check_options(metrics::scoring_option_names({"data"}));
  const std::string data = config.option<std::string>("data", "ring8");
  scorer_.emplace(config, metrics::Scorable{.fashion_images = data == "fashion", .latent = true});
  if (!is_toy_set(data) && data != "fashion")
    throw std::invalid_argument(config.model + ": option data must be ring8, grid25 or fashion, got " + data);
  Generator init(config.seed ^ kInitStream);
  if (data == "fashion") {
    z_dim_ = kDcganZDim;
    g_ = dcgan28_generator(z_dim_, &init);
    d_ = std::make_shared<BatchDiscriminator>(kind, image_phi(&init), 128, &init);
  } else {
    toy_ = make_toy_set(data, kToyPoints, config.seed ^ kToyDataStream, config.model);
    run_data_.use_toy({toy_->points});
    z_dim_ = kToyZDim;
    g_ = toy_generator(z_dim_, &init);
    d_ = std::make_shared<BatchDiscriminator>(kind, 2, 128, &init);
  }
  g_->to(config.device);
  d_->to(config.device);
  nn::AdamOptions adam;
  adam.beta1 = 0.5;
  adam.beta2 = 0.999;
  opt_g_ = std::make_unique<nn::Adam>(g_->parameters(), config.lr, adam);
  opt_d_ = std::make_unique<nn::Adam>(d_->parameters(), config.lr, adam);
}

int64_t BganTrainer::batches_per_epoch() { return run_data_.batches_per_epoch(); }

BganTrainer::Mixed BganTrainer::mixed_batch() {
  const Tensor real = to(run_data_.next()[0], config_.device);
  const int64_t n = real.size(0);
  const Tensor fake = (*g_)(randn({n, z_dim_}, config_.device, &noise_));
  const double q = rand({1}, DType::f64, &noise_).item();
  Shape mask_shape(static_cast<size_t>(real.dim()), 1);
  mask_shape[0] = n;
  const Tensor mask = to(bernoulli(mask_shape, q, DType::f32, &noise_), config_.device);
  return {mask * fake + (1.0 - mask) * real, q};
}

std::map<std::string, double> BganTrainer::step() {
  const Mixed m = mixed_batch();
  opt_d_->zero_grad();
  const Tensor ld = batch_d_loss((*d_)(detach(m.batch)), m.q);
  backward(ld);
  opt_d_->step();
  opt_g_->zero_grad();
  const Tensor lg = batch_g_loss((*d_)(m.batch));
  backward(lg);
  opt_g_->step();
  ++steps_done_;
  std::map<std::string, double> metrics{{"loss_d", ld.item()}, {"loss_g", lg.item()}, {"q", m.q}};
  if (toy_ && steps_done_ % config_.log_every == 0) {
    Generator eval(config_.seed ^ kEvalStream);
    const ModeStats s = mode_stats(sample(kEvalPoints, eval), toy_->centres, toy_->std);
    metrics["modes"] = static_cast<double>(s.modes_covered);
    metrics["high_quality"] = s.high_quality;
  }
  return metrics;
}

std::map<std::string, Tensor> BganTrainer::losses() {
  const Mixed m = mixed_batch();
  return {{"loss_d", batch_d_loss((*d_)(detach(m.batch)), m.q)}, {"loss_g", batch_g_loss((*d_)(m.batch))}};
}

Tensor BganTrainer::generate(const Tensor& z) {
  g_->eval();
  Tensor out = (*g_)(z);
  g_->train();
  return out;
}

Tensor BganTrainer::sample(int64_t n, Generator& gen) {
  NoGradGuard no_grad;
  g_->eval();
  Tensor out = to((*g_)(randn({n, z_dim_}, config_.device, &gen)), Device::cpu());
  g_->train();
  return out;
}

Tensor BganTrainer::picture(int64_t n, Generator& gen) {
  if (!toy_) return Trainer::picture(n, gen);
  return scatter_plot(sample(std::max(n, kScatterPoints), gen), *toy_).to_tensor();
}

train::Parts BganTrainer::parts() const {
  return {{{"G", g_.get()}, {"D", d_.get()}}, {{"opt_G", opt_g_.get()}, {"opt_D", opt_d_.get()}}};
}

NamedTensors BganTrainer::named_parameters() const { return train::named_parameters(parts()); }

train::TrainerState BganTrainer::state() const {
  return train::put_run({parts(), "bgan_steps"}, noise_, steps_done_, run_data_.position());
}

void BganTrainer::load(const train::TrainerState& s) {
  steps_done_ = train::get_run(s, {parts(), "bgan_steps"}, noise_, run_data_.position());
}

}  // namespace nabla::gan
