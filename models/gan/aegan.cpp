#include "models/gan/aegan.h"

#include <algorithm>

#include "autograd/nabla.h"
#include "models/gan/nets.h"
#include "models/gan/streams.h"
#include "models/io/png.h"
#include "models/nn/fused.h"
#include "models/train/data.h"
#include "models/train/state.h"

namespace nabla::gan {

using nn::ModulePtr;
using std::make_shared;

namespace {

constexpr int64_t kToyPoints = 65536;
constexpr int64_t kScatterPoints = 1000;
constexpr int64_t kPictureColumns = 10;
constexpr int64_t kPicturePairs = 4;

// BCE with logits against an all-ones (real) or all-zeros (fake) target:
// softplus(-d) or softplus(d), averaged.
Tensor bce_real(const Tensor& d) { return mean(softplus(-d)); }
Tensor bce_fake(const Tensor& d) { return mean(softplus(d)); }

std::unique_ptr<nn::Optimizer> adam(std::vector<Tensor> params, double lr) {
  nn::AdamOptions o;
  o.beta1 = 0.5;
  o.beta2 = 0.999;
  return std::make_unique<nn::Adam>(std::move(params), lr, o);
}

}  // namespace

ModulePtr aegan_encoder(int64_t z_dim, Generator* gen) {
  nn::ConvOptions halving;
  halving.stride = {2, 2};
  halving.padding = {1, 1};
  // Batch norm + LeakyReLU as one fused op (autograd/fused_act.h).
  const auto bn_act =
      nn::fuse_activation(make_shared<nn::BatchNorm2d>(128), Activation{Act::leaky_relu, 0.2}, "LeakyReLU");
  auto e = make_shared<nn::Sequential>(std::vector<ModulePtr>{
      make_shared<nn::Conv2d>(1, 64, std::array<int64_t, 2>{4, 4}, halving, Options{}, gen),
      make_shared<nn::LeakyReLU>(0.2),
      make_shared<nn::Conv2d>(64, 128, std::array<int64_t, 2>{4, 4}, halving, Options{}, gen),
      bn_act.first, bn_act.second, make_shared<nn::Flatten>(),
      linear_layer(128 * 7 * 7, z_dim, gen)});
  nn::dcgan_init(*e, gen);
  return e;
}

ModulePtr latent_discriminator(int64_t z_dim, int64_t hidden, Generator* gen) {
  return make_shared<nn::Sequential>(std::vector<ModulePtr>{
      linear_layer(z_dim, hidden, gen), make_shared<nn::LeakyReLU>(0.2), linear_layer(hidden, hidden, gen),
      make_shared<nn::LeakyReLU>(0.2), linear_layer(hidden, 1, gen)});
}

ModulePtr toy_encoder(int64_t z_dim, Generator* gen) {
  return make_shared<nn::Sequential>(std::vector<ModulePtr>{linear_layer(2, 128, gen), make_shared<nn::ReLU>(),
                                                            linear_layer(128, 128, gen), make_shared<nn::ReLU>(),
                                                            linear_layer(128, z_dim, gen)});
}

AeganTrainer::AeganTrainer(const train::TrainConfig& config)
    : config_(config), noise_(config.seed ^ kNoiseStream), run_data_(config) {
  config.check_options(metrics::scoring_option_names({"data", "rec_x", "rec_z"}));
  data_ = config.option<std::string>("data", "fashion");
  scorer_.emplace(config, metrics::Scorable{.fashion_images = data_ == "fashion", .latent = true});
  rec_x_ = config.option<double>("rec_x", 10.0);
  rec_z_ = config.option<double>("rec_z", 5.0);
  if (rec_x_ < 0 || rec_z_ < 0) throw std::invalid_argument(config.model + ": options rec_x and rec_z must be >= 0");
  if (data_ != "fashion" && !is_toy_set(data_))
    throw std::invalid_argument(config.model + ": option data must be fashion, ring8 or grid25, got " + data_);
  Generator init(config.seed ^ kInitStream);
  if (data_ == "fashion") {
    z_dim_ = kAeganZDim;
    g_ = dcgan28_generator(z_dim_, &init);
    e_ = aegan_encoder(z_dim_, &init);
    dx_ = dcgan28_discriminator(&init);
    dz_ = latent_discriminator(z_dim_, 256, &init);
  } else {
    toy_ = make_toy_set(data_, kToyPoints, config.seed ^ kToyDataStream, config.model);
    run_data_.use_toy({toy_->points});
    z_dim_ = kAeganToyZDim;
    g_ = toy_generator(z_dim_, &init);
    e_ = toy_encoder(z_dim_, &init);
    dx_ = toy_discriminator(&init);
    dz_ = latent_discriminator(z_dim_, 128, &init);
  }
  for (const ModulePtr& m : {g_, e_, dx_, dz_}) m->to(config.device);
  std::vector<Tensor> ge = g_->parameters();
  for (const Tensor& p : e_->parameters()) ge.push_back(p);
  opt_ge_ = adam(ge, config.lr);
  opt_dx_ = adam(dx_->parameters(), config.lr);
  opt_dz_ = adam(dz_->parameters(), config.lr);
}

int64_t AeganTrainer::batches_per_epoch() { return run_data_.batches_per_epoch(); }

Tensor AeganTrainer::next_real() { return to(run_data_.next()[0], config_.device); }

AeganTrainer::Forward AeganTrainer::forward() {
  Forward f;
  f.x = next_real();
  f.z = randn({f.x.size(0), z_dim_}, config_.device, &noise_);
  f.x_hat = (*g_)(f.z);
  f.z_hat = (*e_)(f.x);
  f.x_tilde = (*g_)(f.z_hat);
  f.z_tilde = (*e_)(f.x_hat);
  return f;
}

std::map<std::string, Tensor> AeganTrainer::discriminator_losses(const Forward& f) {
  return {{"loss_dx", bce_real((*dx_)(f.x)) + bce_fake((*dx_)(detach(f.x_hat))) + bce_fake((*dx_)(detach(f.x_tilde)))},
          {"loss_dz", bce_real((*dz_)(f.z)) + bce_fake((*dz_)(detach(f.z_hat))) + bce_fake((*dz_)(detach(f.z_tilde)))}};
}

std::map<std::string, Tensor> AeganTrainer::generator_losses(const Forward& f) {
  const Tensor adversarial = bce_real((*dx_)(f.x_hat)) + bce_real((*dx_)(f.x_tilde)) + bce_real((*dz_)(f.z_hat)) +
                             bce_real((*dz_)(f.z_tilde));
  const Tensor rec_x = l1_loss(f.x_tilde, f.x), rec_z = mse_loss(f.z_tilde, f.z);
  return {{"loss_ge", adversarial + rec_x_ * rec_x + rec_z_ * rec_z}, {"rec_x", rec_x}, {"rec_z", rec_z}};
}

std::map<std::string, double> AeganTrainer::step() {
  const Forward f = forward();
  std::map<std::string, Tensor> d = discriminator_losses(f);
  opt_dx_->zero_grad();
  opt_dz_->zero_grad();
  backward(d["loss_dx"] + d["loss_dz"]);
  opt_dx_->step();
  opt_dz_->step();
  const std::map<std::string, Tensor> g = generator_losses(f);
  opt_ge_->zero_grad();
  backward(g.at("loss_ge"));
  opt_ge_->step();
  ++steps_done_;
  std::map<std::string, double> metrics;
  for (const auto& [name, t] : d) metrics[name] = t.item();
  for (const auto& [name, t] : g) metrics[name] = t.item();
  return metrics;
}

std::map<std::string, Tensor> AeganTrainer::losses() {
  const Forward f = forward();
  std::map<std::string, Tensor> out = discriminator_losses(f);
  out["loss_ge"] = generator_losses(f).at("loss_ge");
  return out;
}

template <class F>
Tensor AeganTrainer::evaluated(F fn) {
  NoGradGuard no_grad;
  for (const ModulePtr& m : {g_, e_}) m->eval();
  Tensor out = to(fn(), Device::cpu());
  for (const ModulePtr& m : {g_, e_}) m->train();
  return out;
}

Tensor AeganTrainer::generate(const Tensor& z) {
  g_->eval();
  Tensor out = (*g_)(z);
  g_->train();
  return out;
}

Tensor AeganTrainer::sample(int64_t n, Generator& gen) {
  return evaluated([&] { return (*g_)(randn({n, z_dim_}, config_.device, &gen)); });
}

Tensor AeganTrainer::reconstruct(const Tensor& x) {
  return evaluated([&] { return (*g_)((*e_)(to(x, config_.device))); });
}

Tensor AeganTrainer::reencode(const Tensor& z) {
  return evaluated([&] { return (*e_)((*g_)(to(z, config_.device))); });
}

Tensor AeganTrainer::interpolation(const Tensor& a, const Tensor& b, int64_t between) {
  return evaluated([&] {
    const Tensor za = (*e_)(to(a, config_.device)), zb = (*e_)(to(b, config_.device));
    std::vector<Tensor> rows;
    for (int64_t p = 0; p < a.size(0); ++p) {
      std::vector<Tensor> row{to(slice(a, 0, p, p + 1), config_.device)};
      const Tensor zap = slice(za, 0, p, p + 1), zbp = slice(zb, 0, p, p + 1);
      for (int64_t k = 1; k <= between; ++k) {
        const double t = static_cast<double>(k) / static_cast<double>(between + 1);
        row.push_back((*g_)((1 - t) * zap + t * zbp));
      }
      row.push_back(to(slice(b, 0, p, p + 1), config_.device));
      rows.push_back(cat(row, 0));
    }
    return cat(rows, 0);
  });
}

const data::Dataset& AeganTrainer::test_images() {
  if (!test_) test_ = data::load_fashion_mnist(data::Split::test, config_.data);
  return *test_;
}

Tensor AeganTrainer::interpolation_picture(int64_t pairs, Generator& gen) {
  const data::Dataset& test = test_images();
  const Tensor index = randint(0, test.size(), {2 * pairs}, DType::i64, &gen);
  const Tensor x = to(index_select(test.images, 0, index), DType::f32) / 127.5 - 1.0;
  const Tensor grid = interpolation(slice(x, 0, 0, pairs), slice(x, 0, pairs, 2 * pairs), kPictureColumns - 2);
  return io::image_grid(grid, static_cast<int>(kPictureColumns), 2, -1, 1);
}

Tensor AeganTrainer::picture(int64_t n, Generator& gen) {
  if (toy_) return scatter_plot(sample(std::max(n, kScatterPoints), gen), *toy_).to_tensor();
  const int64_t rows = std::max<int64_t>(1, (n + kPictureColumns - 1) / kPictureColumns);
  const Tensor samples = sample(rows * kPictureColumns, gen);
  const data::Dataset& test = test_images();
  const Tensor index = randint(0, test.size(), {2 * kPicturePairs}, DType::i64, &gen);
  const Tensor x = to(index_select(test.images, 0, index), DType::f32) / 127.5 - 1.0;
  const Tensor blank = full({kPictureColumns, 1, 28, 28}, -1.0);
  const Tensor pairs =
      interpolation(slice(x, 0, 0, kPicturePairs), slice(x, 0, kPicturePairs, 2 * kPicturePairs), kPictureColumns - 2);
  return io::image_grid(cat({samples, blank, pairs}, 0), static_cast<int>(kPictureColumns), 2, -1, 1);
}

train::Parts AeganTrainer::parts() const {
  return {{{"G", g_.get()}, {"E", e_.get()}, {"Dx", dx_.get()}, {"Dz", dz_.get()}},
          {{"opt_GE", opt_ge_.get()}, {"opt_Dx", opt_dx_.get()}, {"opt_Dz", opt_dz_.get()}}};
}

NamedTensors AeganTrainer::named_parameters() const { return train::named_parameters(parts()); }

train::TrainerState AeganTrainer::state() const {
  return train::put_run({parts(), "aegan_steps"}, noise_, steps_done_, run_data_.position());
}

void AeganTrainer::load(const train::TrainerState& s) {
  steps_done_ = train::get_run(s, {parts(), "aegan_steps"}, noise_, run_data_.position());
}

}  // namespace nabla::gan
