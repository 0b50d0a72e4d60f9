#include "models/gan/cyclegan.h"

#include <algorithm>

#include "autograd/nabla.h"
#include "models/data/mnist.h"
#include "models/gan/cyclegan_nets.h"
#include "models/io/png.h"
#include "models/train/state.h"

namespace nabla::gan {

namespace {

// Streams of one seed kept apart: parameters and the two domains' shuffles.
constexpr uint64_t kInitStream = 0x1000;
constexpr uint64_t kDomainBStream = 0x5000;
constexpr int64_t kPictureColumns = 8;

void require(bool ok, const train::TrainConfig& c, const std::string& what) {
  if (!ok) throw std::invalid_argument(c.model + ": option " + what);
}

// Every image of class `label`, in [-1, 1], in dataset order.
Tensor class_images(const data::Dataset& set, int64_t label) {
  data::LoaderOptions o;
  o.batch_size = std::max<int64_t>(1, set.size());
  o.shuffle = false;
  o.prefetch = false;
  o.classes = {label};
  o.range = data::PixelRange::symmetric;
  return data::Loader(set, o).next().images;
}

Tensor ls(const Tensor& scores, double target) { return mean(square(scores - target)); }
Tensor l1(const Tensor& x, const Tensor& y) { return mean(abs(x - y)); }

// Share of images [n, 1, H, W] nearer (L2) to `other` than to `own`.
double share_nearer(const Tensor& images, const Tensor& own, const Tensor& other) {
  const Tensor d_own = sum(square(images - own), {1, 2, 3});
  const Tensor d_other = sum(square(images - other), {1, 2, 3});
  return mean(to(lt(d_other, d_own), DType::f64)).item();
}

}  // namespace

CycleGanOptions CycleGanOptions::from(const train::TrainConfig& c) {
  c.check_options({"a", "b", "cycle", "identity", "eval_n"});
  CycleGanOptions o;
  o.a = c.option<int64_t>("a", o.a);
  o.b = c.option<int64_t>("b", o.b);
  o.cycle = c.option<double>("cycle", o.cycle);
  o.identity = c.option<double>("identity", o.identity);
  o.eval_n = c.option<int64_t>("eval_n", o.eval_n);
  require(o.a >= 0 && o.a < 10 && o.b >= 0 && o.b < 10, c, "a and b must be class labels 0..9");
  require(o.a != o.b, c, "a and b must be different classes, got " + std::to_string(o.a) + " twice");
  require(o.cycle >= 0, c, "cycle must be >= 0");
  require(o.identity >= 0, c, "identity must be >= 0");
  require(o.eval_n >= 1 && o.eval_n <= 1000, c, "eval_n must be in 1..1000");
  return o;
}

CycleGanTrainer::CycleGanTrainer(const train::TrainConfig& config)
    : config_(config), options_(CycleGanOptions::from(config)) {
  Generator init(config.seed ^ kInitStream);
  g_ab_ = cyclegan_generator(&init);
  g_ba_ = cyclegan_generator(&init);
  d_a_ = cyclegan_discriminator(&init);
  d_b_ = cyclegan_discriminator(&init);
  for (const nn::ModulePtr& m : {g_ab_, g_ba_, d_a_, d_b_}) m->to(config.device);
  nn::AdamOptions adam;  // the paper's Adam(2e-4, 0.5, 0.999)
  adam.beta1 = 0.5;
  adam.beta2 = 0.999;
  std::vector<Tensor> g = g_ab_->parameters(), d = d_a_->parameters();
  for (const Tensor& p : g_ba_->parameters()) g.push_back(p);
  for (const Tensor& p : d_b_->parameters()) d.push_back(p);
  opt_g_ = std::make_unique<nn::Adam>(g, config.lr, adam);
  opt_d_ = std::make_unique<nn::Adam>(d, config.lr, adam);
}

void CycleGanTrainer::make_loaders() {
  const data::Dataset train_set = data::load_fashion_mnist(data::Split::train, config_.data);
  auto make = [&](int64_t label, uint64_t seed) {
    data::LoaderOptions o;
    o.batch_size = config_.batch;
    o.drop_last = true;
    o.seed = seed;
    o.range = data::PixelRange::symmetric;
    o.classes = {label};
    return data::Loader(train_set, o);
  };
  loader_a_.emplace(make(options_.a, config_.seed));
  loader_b_.emplace(make(options_.b, config_.seed ^ kDomainBStream));
  if (pending_a_) loader_a_->restore(*pending_a_);
  if (pending_b_) loader_b_->restore(*pending_b_);
  if (!mean_a_.defined()) {
    mean_a_ = mean(class_images(train_set, options_.a), {0}, true);
    mean_b_ = mean(class_images(train_set, options_.b), {0}, true);
  }
}

void CycleGanTrainer::load_test() {
  if (test_a_.defined()) return;
  const data::Dataset test_set = data::load_fashion_mnist(data::Split::test, config_.data);
  test_a_ = class_images(test_set, options_.a);
  test_b_ = class_images(test_set, options_.b);
  if (!mean_a_.defined()) {
    const data::Dataset train_set = data::load_fashion_mnist(data::Split::train, config_.data);
    mean_a_ = mean(class_images(train_set, options_.a), {0}, true);
    mean_b_ = mean(class_images(train_set, options_.b), {0}, true);
  }
}

int64_t CycleGanTrainer::batches_per_epoch() {
  if (!loader_a_) make_loaders();
  return std::min(loader_a_->batches_per_epoch(), loader_b_->batches_per_epoch());
}

CycleGanTrainer::Losses CycleGanTrainer::compute_losses(const Tensor& a, const Tensor& b) {
  Losses l;
  const Tensor fake_b = (*g_ab_)(a), fake_a = (*g_ba_)(b);
  l.cycle = l1((*g_ba_)(fake_b), a) + l1((*g_ab_)(fake_a), b);
  l.g = ls((*d_b_)(fake_b), 1) + ls((*d_a_)(fake_a), 1) + options_.cycle * l.cycle;
  if (options_.identity > 0) {
    l.identity = l1((*g_ba_)(a), a) + l1((*g_ab_)(b), b);
    l.g = l.g + options_.identity * l.identity;
  }
  const Tensor da = 0.5 * (ls((*d_a_)(a), 1) + ls((*d_a_)(detach(fake_a)), 0));
  const Tensor db = 0.5 * (ls((*d_b_)(b), 1) + ls((*d_b_)(detach(fake_b)), 0));
  l.d = da + db;
  return l;
}

std::map<std::string, double> CycleGanTrainer::step() {
  if (!loader_a_) make_loaders();
  const Tensor a = to(loader_a_->next().images, config_.device);
  const Tensor b = to(loader_b_->next().images, config_.device);
  const Losses l = compute_losses(a, b);
  // G's update first (its backward also reaches the D's; those grads are
  // cleared before D's), then D's on the same fakes, detached.
  opt_g_->zero_grad();
  backward(l.g);
  opt_g_->step();
  opt_d_->zero_grad();
  backward(l.d);
  opt_d_->step();
  std::map<std::string, double> metrics{
      {"loss_g", l.g.item()}, {"loss_d", l.d.item()}, {"loss_cycle", l.cycle.item()}};
  if (l.identity.defined()) metrics["loss_identity"] = l.identity.item();
  return metrics;
}

std::map<std::string, Tensor> CycleGanTrainer::losses() {
  if (!loader_a_) make_loaders();
  const Losses l = compute_losses(to(loader_a_->next().images, config_.device),
                                  to(loader_b_->next().images, config_.device));
  return {{"loss_g", l.g}, {"loss_d", l.d}};
}

Tensor CycleGanTrainer::translate(nn::Module& g, const Tensor& x) {
  NoGradGuard no_grad;
  g.eval();
  Tensor out = to(g(to(x, config_.device)), Device::cpu());
  g.train();
  return out;
}

Tensor CycleGanTrainer::pick(const Tensor& images, int64_t n, Generator& gen) const {
  return index_select(images, 0, randint(0, images.size(0), {n}, DType::i64, &gen));
}

Tensor CycleGanTrainer::sample(int64_t n, Generator& gen) {
  load_test();
  return translate(*g_ab_, pick(test_a_, n, gen));
}

Tensor CycleGanTrainer::picture(int64_t, Generator& gen) {
  load_test();
  const Tensor a = pick(test_a_, kPictureColumns, gen), b = pick(test_b_, kPictureColumns, gen);
  const Tensor ab = translate(*g_ab_, a), ba = translate(*g_ba_, b);
  const Tensor rows = cat({a, ab, translate(*g_ba_, ab), b, ba, translate(*g_ab_, ba)}, 0);
  return io::image_grid(rows, static_cast<int>(kPictureColumns), 2, -1, 1);
}

CycleEval CycleGanTrainer::evaluate(int64_t n) {
  load_test();
  n = std::min({n, test_a_.size(0), test_b_.size(0)});
  const Tensor a = narrow(test_a_, 0, 0, n), b = narrow(test_b_, 0, 0, n);
  const Tensor ab = translate(*g_ab_, a), ba = translate(*g_ba_, b);
  NoGradGuard no_grad;
  CycleEval e;
  e.cycle_l1_a = l1(translate(*g_ba_, ab), a).item();
  e.cycle_l1_b = l1(translate(*g_ab_, ba), b).item();
  e.a_as_b = share_nearer(a, mean_a_, mean_b_);
  e.b_as_a = share_nearer(b, mean_b_, mean_a_);
  e.translated_a_as_b = share_nearer(ab, mean_a_, mean_b_);
  e.translated_b_as_a = share_nearer(ba, mean_b_, mean_a_);
  return e;
}

std::map<std::string, double> CycleGanTrainer::scores() {
  const CycleEval e = evaluate(options_.eval_n);
  return {{"test_cycle_l1_a", e.cycle_l1_a},
          {"test_cycle_l1_b", e.cycle_l1_b},
          {"test_translated_a_as_b", e.translated_a_as_b},
          {"test_translated_b_as_a", e.translated_b_as_a}};
}

NamedTensors CycleGanTrainer::named_parameters() const {
  NamedTensors out;
  for (const auto& [prefix, m] : {std::pair{"G_AB.", g_ab_}, {"G_BA.", g_ba_}, {"D_A.", d_a_}, {"D_B.", d_b_}})
    for (const auto& [name, p] : m->named_parameters()) out.emplace_back(prefix + name, p);
  return out;
}

train::TrainerState CycleGanTrainer::state() const {
  train::TrainerState s;
  train::put_module(s, "G_AB", *g_ab_);
  train::put_module(s, "G_BA", *g_ba_);
  train::put_module(s, "D_A", *d_a_);
  train::put_module(s, "D_B", *d_b_);
  train::put_optimizer(s, "opt_G", *opt_g_);
  train::put_optimizer(s, "opt_D", *opt_d_);
  if (loader_a_) {
    train::put_loader(s, "loader_a", loader_a_->state());
    train::put_loader(s, "loader_b", loader_b_->state());
  } else if (pending_a_) {
    train::put_loader(s, "loader_a", *pending_a_);
    train::put_loader(s, "loader_b", *pending_b_);
  }
  return s;
}

void CycleGanTrainer::load(const train::TrainerState& s) {
  train::get_module(s, "G_AB", *g_ab_);
  train::get_module(s, "G_BA", *g_ba_);
  train::get_module(s, "D_A", *d_a_);
  train::get_module(s, "D_B", *d_b_);
  train::get_optimizer(s, "opt_G", *opt_g_);
  train::get_optimizer(s, "opt_D", *opt_d_);
  if (s.values.contains("loader_a")) {
    pending_a_ = train::get_loader(s, "loader_a");
    pending_b_ = train::get_loader(s, "loader_b");
    if (loader_a_) {
      loader_a_->restore(*pending_a_);
      loader_b_->restore(*pending_b_);
    }
  }
}

}  // namespace nabla::gan
