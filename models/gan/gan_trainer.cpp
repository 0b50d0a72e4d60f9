#include "models/gan/gan_trainer.h"

#include "autograd/nabla.h"
#include "models/data/mnist.h"
#include "models/train/state.h"

namespace nabla::gan {

namespace {

// Streams of one seed kept apart: parameters, z, the data order.
constexpr uint64_t kInitStream = 0x1000;
constexpr uint64_t kNoiseStream = 0x2000;

Tensor bce_to(const Tensor& logits, double target) {
  return binary_cross_entropy_with_logits(logits, full_like(logits, target));
}

}  // namespace

GanTrainer::GanTrainer(const train::TrainConfig& config, GanNets nets, GanOptions options)
    : config_(config), z_dim_(nets.z_dim), noise_(config.seed ^ kNoiseStream) {
  config.check_options({});
  Generator init(config.seed ^ kInitStream);
  g_ = nets.generator(z_dim_, &init);
  d_ = nets.discriminator(&init);
  g_->to(config.device);
  d_->to(config.device);
  nn::AdamOptions adam;
  adam.beta1 = options.beta1;
  adam.beta2 = options.beta2;
  opt_g_ = std::make_unique<nn::Adam>(g_->parameters(), config.lr, adam);
  opt_d_ = std::make_unique<nn::Adam>(d_->parameters(), config.lr, adam);
}

data::Loader& GanTrainer::loader() {
  if (!loader_) {
    data::Dataset train = config_.data.empty() ? data::load_fashion_mnist(data::Split::train)
                                               : data::load_fashion_mnist(data::Split::train, config_.data);
    data::LoaderOptions o;
    o.batch_size = config_.batch;
    o.drop_last = true;
    o.seed = config_.seed;
    o.range = data::PixelRange::symmetric;
    loader_.emplace(train, o);
    if (pending_loader_state_) loader_->restore(*pending_loader_state_);
  }
  return *loader_;
}

int64_t GanTrainer::batches_per_epoch() { return loader().batches_per_epoch(); }

std::pair<Tensor, Tensor> GanTrainer::real_and_fake() {
  Tensor real = to(loader().next().images, config_.device);
  const Tensor z = randn({real.size(0), z_dim_}, config_.device, &noise_);
  return {real, (*g_)(z)};
}

Tensor GanTrainer::loss_d(const Tensor& real, const Tensor& fake) {
  return bce_to((*d_)(real), 1) + bce_to((*d_)(detach(fake)), 0);
}

// Non-saturating: G maximises log D(G(z)) instead of minimising log(1 - D(G(z))).
Tensor GanTrainer::loss_g(const Tensor& fake) { return bce_to((*d_)(fake), 1); }

std::map<std::string, double> GanTrainer::step() {
  const auto [real, fake] = real_and_fake();
  opt_d_->zero_grad();
  const Tensor ld = loss_d(real, fake);
  backward(ld);
  opt_d_->step();

  opt_g_->zero_grad();
  const Tensor lg = loss_g(fake);
  backward(lg);
  opt_g_->step();
  return {{"loss_d", ld.item()}, {"loss_g", lg.item()}};
}

std::map<std::string, Tensor> GanTrainer::losses() {
  const auto [real, fake] = real_and_fake();
  return {{"loss_d", loss_d(real, fake)}, {"loss_g", loss_g(fake)}};
}

NamedTensors GanTrainer::named_parameters() const {
  NamedTensors out;
  for (const auto& [name, p] : g_->named_parameters()) out.emplace_back("G." + name, p);
  for (const auto& [name, p] : d_->named_parameters()) out.emplace_back("D." + name, p);
  return out;
}

Tensor GanTrainer::sample(int64_t n, Generator& gen) {
  NoGradGuard no_grad;
  g_->eval();
  Tensor images = to((*g_)(randn({n, z_dim_}, config_.device, &gen)), Device::cpu());
  g_->train();
  return images;
}

train::TrainerState GanTrainer::state() const {
  train::TrainerState s;
  train::put_module(s, "G", *g_);
  train::put_module(s, "D", *d_);
  train::put_optimizer(s, "opt_G", *opt_g_);
  train::put_optimizer(s, "opt_D", *opt_d_);
  train::put_generator(s, "noise", noise_);
  if (loader_) train::put_loader(s, "loader", loader_->state());
  else if (pending_loader_state_) train::put_loader(s, "loader", *pending_loader_state_);
  return s;
}

void GanTrainer::load(const train::TrainerState& s) {
  train::get_module(s, "G", *g_);
  train::get_module(s, "D", *d_);
  train::get_optimizer(s, "opt_G", *opt_g_);
  train::get_optimizer(s, "opt_D", *opt_d_);
  train::get_generator(s, "noise", noise_);
  if (s.values.contains("loader")) {
    pending_loader_state_ = train::get_loader(s, "loader");
    if (loader_) loader_->restore(*pending_loader_state_);
  }
}

}  // namespace nabla::gan
