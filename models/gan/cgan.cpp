#include "models/gan/cgan.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "autograd/nabla.h"
#include "models/data/synthetic.h"
#include "models/gan/losses.h"
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
constexpr int64_t kEvalPoints = 2500;
constexpr int64_t kScatterPoints = 1000;

// i64 labels [n] with label(i) for i in [0, n).
template <class F>
Tensor make_labels(int64_t n, F label) {
  std::vector<int64_t> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = label(i);
  return tensor<int64_t>(v, {n});
}

std::vector<double> as_doubles(const Tensor& t) {
  const Tensor c = contiguous(to(to(t, Device::cpu()), DType::f64));
  return std::vector<double>(c.data<double>(), c.data<double>() + c.numel());
}

}  // namespace

ModulePtr conditional_dcgan28_discriminator(int64_t classes, Generator* gen) {
  nn::ConvOptions halving;
  halving.stride = {2, 2};
  halving.padding = {1, 1};
  // Batch norm + LeakyReLU as one fused op (autograd/fused_act.h).
  const auto bn_act =
      nn::fuse_activation(make_shared<nn::BatchNorm2d>(128), Activation{Act::leaky_relu, 0.2}, "LeakyReLU");
  auto d = make_shared<nn::Sequential>(std::vector<ModulePtr>{
      make_shared<nn::Conv2d>(1 + classes, 64, std::array<int64_t, 2>{4, 4}, halving, Options{}, gen),
      make_shared<nn::LeakyReLU>(0.2),
      make_shared<nn::Conv2d>(64, 128, std::array<int64_t, 2>{4, 4}, halving, Options{}, gen),
      bn_act.first, bn_act.second, make_shared<nn::Flatten>(),
      linear_layer(128 * 7 * 7, 1, gen)});
  nn::dcgan_init(*d, gen);
  return d;
}

ModulePtr conditional_toy_discriminator(int64_t classes, Generator* gen) {
  return make_shared<nn::Sequential>(std::vector<ModulePtr>{linear_layer(2 + classes, 128, gen),
                                                            make_shared<nn::ReLU>(),
                                                            linear_layer(128, 128, gen), make_shared<nn::ReLU>(),
                                                            linear_layer(128, 1, gen)});
}

Tensor one_hot_rows(const Tensor& labels, int64_t classes) {
  return to(one_hot(labels, classes, DType::f32), labels.device());
}

Tensor with_condition(const Tensor& x, const Tensor& onehot) {
  const Tensor y = to(onehot, x.dtype());
  if (x.dim() == 2) return cat({x, y}, 1);
  const int64_t n = x.size(0), k = y.size(1);
  const Tensor planes = expand(reshape(y, {n, k, 1, 1}), {n, k, x.size(2), x.size(3)});
  return cat({x, planes}, 1);
}

double on_class_share(const Tensor& points, const Tensor& labels, const Tensor& centres) {
  const std::vector<double> p = as_doubles(points), c = as_doubles(centres), l = as_doubles(labels);
  const size_t n = p.size() / 2;
  int64_t hits = 0;
  for (size_t i = 0; i < n; ++i) {
    size_t best = 0;
    double best_d = std::numeric_limits<double>::infinity();
    for (size_t k = 0; k < c.size() / 2; ++k) {
      const double dx = p[2 * i] - c[2 * k], dy = p[2 * i + 1] - c[2 * k + 1];
      if (dx * dx + dy * dy < best_d) best_d = dx * dx + dy * dy, best = k;
    }
    hits += static_cast<double>(best) == l[i];
  }
  return n ? static_cast<double>(hits) / static_cast<double>(n) : 0;
}

CganTrainer::CganTrainer(const train::TrainConfig& config)
    : config_(config), noise_(config.seed ^ kNoiseStream), run_data_(config) {
  config.check_options(metrics::scoring_option_names({"data"}));
  data_ = config.option<std::string>("data", "fashion");
  scorer_.emplace(config, metrics::Scorable{.fashion_images = data_ == "fashion", .latent = false});
  Generator init(config.seed ^ kInitStream);
  if (data_ == "fashion") {
    classes_ = kFashionClasses;
    z_dim_ = kDcganZDim;
    g_ = dcgan28_generator(z_dim_ + classes_, &init);
    d_ = conditional_dcgan28_discriminator(classes_, &init);
  } else {
    toy_ = make_toy_set(data_, kToyPoints, config.seed ^ kToyDataStream, config.model, &toy_labels_);
    run_data_.use_toy({toy_->points, toy_labels_});
    classes_ = toy_->centres.size(0);
    z_dim_ = kToyZDim;
    g_ = toy_generator(z_dim_ + classes_, &init);
    d_ = conditional_toy_discriminator(classes_, &init);
  }
  g_->to(config.device);
  d_->to(config.device);
  nn::AdamOptions adam;
  adam.beta1 = 0.5;
  adam.beta2 = 0.999;
  opt_g_ = std::make_unique<nn::Adam>(g_->parameters(), config.lr, adam);
  opt_d_ = std::make_unique<nn::Adam>(d_->parameters(), config.lr, adam);
}

int64_t CganTrainer::batches_per_epoch() { return run_data_.batches_per_epoch(); }

// Toy points and their labels, or images and theirs.
CganTrainer::Real CganTrainer::next_real() {
  const std::vector<Tensor> b = run_data_.next();
  return {to(b[0], config_.device), to(b[1], config_.device)};
}

Tensor CganTrainer::generate(const Tensor& onehot, Generator& gen) {
  const Tensor z = randn({onehot.size(0), z_dim_}, config_.device, &gen);
  return (*g_)(cat({z, to(onehot, z.dtype())}, 1));
}

Tensor CganTrainer::critic_loss(const Tensor& x, const Tensor& fake, const Tensor& onehot) {
  return d_loss(Loss::non_saturating, (*d_)(with_condition(x, onehot)), (*d_)(with_condition(detach(fake), onehot)));
}

Tensor CganTrainer::generator_loss(const Tensor& fake, const Tensor& onehot) {
  return g_loss(Loss::non_saturating, (*d_)(with_condition(fake, onehot)));
}

std::map<std::string, double> CganTrainer::step() {
  std::map<std::string, double> metrics;
  const Real real = next_real();
  const Tensor onehot = one_hot_rows(real.labels, classes_);
  const Tensor fake = generate(onehot, noise_);
  opt_d_->zero_grad();
  const Tensor ld = critic_loss(real.x, fake, onehot);
  backward(ld);
  opt_d_->step();
  opt_g_->zero_grad();
  const Tensor lg = generator_loss(fake, onehot);
  backward(lg);
  opt_g_->step();
  metrics["loss_d"] = ld.item();
  metrics["loss_g"] = lg.item();
  ++steps_done_;
  if (toy_ && steps_done_ % config_.log_every == 0) {
    Generator eval(config_.seed ^ kEvalStream);
    const Tensor labels = make_labels(kEvalPoints, [&](int64_t i) { return i % classes_; });
    const Tensor points = sample_labels(labels, eval);
    const ModeStats s = mode_stats(points, toy_->centres, toy_->std);
    metrics["modes"] = static_cast<double>(s.modes_covered);
    metrics["high_quality"] = s.high_quality;
    metrics["on_class"] = on_class_share(points, labels, toy_->centres);
  }
  return metrics;
}

std::map<std::string, Tensor> CganTrainer::losses() {
  const Real real = next_real();
  const Tensor onehot = one_hot_rows(real.labels, classes_);
  const Tensor fake = generate(onehot, noise_);
  return {{"loss_d", critic_loss(real.x, fake, onehot)}, {"loss_g", generator_loss(fake, onehot)}};
}

Tensor CganTrainer::sample_labels(const Tensor& labels, Generator& gen) {
  NoGradGuard no_grad;
  g_->eval();
  Tensor out = to(generate(one_hot_rows(to(labels, config_.device), classes_), gen), Device::cpu());
  g_->train();
  return out;
}

Tensor CganTrainer::sample(int64_t n, Generator& gen) { return sample_labels(make_labels(n, [&](int64_t i) { return i % classes_; }), gen);
}

Tensor CganTrainer::picture(int64_t n, Generator& gen) {
  if (!toy_) {
    const int64_t cols = std::max<int64_t>(1, (n + classes_ - 1) / classes_);
    return io::image_grid(sample_labels(make_labels(cols * classes_, [&](int64_t i) { return i / cols; }), gen), static_cast<int>(cols), 2, -1, 1);
  }
  const Tensor labels = make_labels(std::max(n, kScatterPoints), [&](int64_t i) { return i % classes_; });
  const Tensor points = sample_labels(labels, gen);
  io::Canvas canvas = scatter_plot(points, *toy_);
  // Recolour each point by its class, with scatter_plot's mapping (size 480, title 20 px).
  static const io::Rgb palette[] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44},   {214, 39, 40},  {148, 103, 189},
                                    {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};
  const double extent = toy_->extent, scale = (480 - 1) / (2 * extent);
  const std::vector<double> p = as_doubles(points), l = as_doubles(labels);
  for (size_t i = 0; i < l.size(); ++i) {
    const int x = static_cast<int>(std::lround((p[2 * i] + extent) * scale));
    const int y = static_cast<int>(std::lround(20 + (extent - p[2 * i + 1]) * scale));
    canvas.fill_rect(x - 1, y - 1, x + 1, y + 1, palette[static_cast<size_t>(l[i]) % 10]);
  }
  return canvas.to_tensor();
}

train::Parts CganTrainer::parts() const {
  return {{{"G", g_.get()}, {"D", d_.get()}}, {{"opt_G", opt_g_.get()}, {"opt_D", opt_d_.get()}}};
}

NamedTensors CganTrainer::named_parameters() const { return train::named_parameters(parts()); }

train::TrainerState CganTrainer::state() const {
  return train::put_run({parts(), "gan_steps"}, noise_, steps_done_, run_data_.position());
}

void CganTrainer::load(const train::TrainerState& s) {
  steps_done_ = train::get_run(s, {parts(), "gan_steps"}, noise_, run_data_.position());
}

}  // namespace nabla::gan
