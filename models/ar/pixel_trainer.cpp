#include "models/ar/pixel_trainer.h"

#include <cmath>
#include <stdexcept>

#include "autograd/nabla.h"
#include "models/ar/pixelcnn.h"
#include "models/ar/pixelrnn.h"
#include "models/metrics/likelihood.h"
#include "models/train/data.h"
#include "models/train/state.h"
#include "models/vae/grids.h"

namespace nabla::ar {

namespace {

constexpr uint64_t kInitStream = 0x1000;
constexpr int64_t kEvalBatch = 250, kPixels = 28 * 28;

std::shared_ptr<PixelModel> make_net(const train::TrainConfig& c, PixelNet kind, Generator* gen) {
  if (kind == PixelNet::pixelcnn) {
    c.check_options({"levels", "width", "blocks", "out_hidden", "eval_n", "completions", "picture_n"});
    PixelCnnOptions o;
    o.levels = c.option<int64_t>("levels", o.levels);
    o.width = c.option<int64_t>("width", o.width);
    o.blocks = c.option<int64_t>("blocks", o.blocks);
    o.out_hidden = c.option<int64_t>("out_hidden", o.out_hidden);
    return std::make_shared<PixelCnn>(o, gen);
  }
  c.check_options({"levels", "hidden", "layers", "kernel", "out_hidden", "eval_n", "completions", "picture_n"});
  PixelRnnOptions o;
  o.levels = c.option<int64_t>("levels", o.levels);
  o.hidden = c.option<int64_t>("hidden", o.hidden);
  o.layers = c.option<int64_t>("layers", o.layers);
  o.kernel = c.option<int64_t>("kernel", o.kernel);
  o.out_hidden = c.option<int64_t>("out_hidden", o.out_hidden);
  return std::make_shared<PixelRnn>(o, gen);
}

}  // namespace

Tensor pixel_values(const Tensor& images, int64_t levels) {
  // [-1, 1] holds p / 127.5 - 1: p >= 128 is exactly > 0.
  if (levels == 2) return to(gt(images, zeros_like(images)), DType::f32);
  return to(to((images + 1.0) * 127.5 + 0.5, DType::i64), DType::f32);
}

PixelTrainer::PixelTrainer(const train::TrainConfig& config, PixelNet kind)
    : config_(config),
      name_(kind == PixelNet::pixelcnn ? "pixelcnn" : "pixelrnn"),
      eval_n_(config.option<int64_t>("eval_n", 1000)),
      completions_(config.option<int64_t>("completions", 2)),
      picture_n_(config.option<int64_t>("picture_n", 0)) {
  if (eval_n_ <= 0) throw std::invalid_argument(name_ + ": option eval_n must be positive");
  if (completions_ < 0) throw std::invalid_argument(name_ + ": option completions must be non-negative");
  if (picture_n_ < 0) throw std::invalid_argument(name_ + ": option picture_n must be non-negative");
  Generator init(config.seed ^ kInitStream);
  net_ = make_net(config, kind, &init);
  net_->to(config.device);
  opt_ = std::make_unique<nn::Adam>(net_->parameters(), config.lr);
}

data::Loader& PixelTrainer::loader() {
  if (!loader_) {
    loader_.emplace(train::training_loader(config_));
    loader_position_.bind(*loader_);
  }
  return *loader_;
}

const data::Dataset& PixelTrainer::test_set() {
  if (!test_) test_ = data::load_fashion_mnist(data::Split::test, config_.data);
  return *test_;
}

int64_t PixelTrainer::batches_per_epoch() { return loader().batches_per_epoch(); }

// Nats per image (levels 2) or bits/dim (levels 256), batch mean.
Tensor PixelTrainer::loss_of(const data::Batch& batch) {
  const Tensor nll = mean(net_->nll(to(pixel_values(batch.images, net_->levels()), config_.device)));
  return net_->levels() == 2 ? nll : nll / (kPixels * std::log(2.0));
}

std::map<std::string, double> PixelTrainer::step() {
  opt_->zero_grad();
  const Tensor loss = loss_of(loader().next());
  backward(loss);
  opt_->step();
  return {{"loss", loss.item()}};
}

std::map<std::string, Tensor> PixelTrainer::losses() { return {{"loss", loss_of(loader().next())}}; }

double PixelTrainer::test_nll_nats(int64_t n) {
  const data::Dataset& test = test_set();
  const int64_t count = std::min(n, test.size());
  NoGradGuard no_grad;
  double total = 0;
  for (int64_t start = 0; start < count; start += kEvalBatch) {
    const int64_t end = std::min(count, start + kEvalBatch);
    const Tensor images = to(slice(test.images, 0, start, end), DType::f32) / 127.5 - 1.0;
    const Tensor x = to(pixel_values(images, net_->levels()), config_.device);
    total += sum(to(net_->nll(x), DType::f64)).item();
  }
  return total / static_cast<double>(count);
}

std::map<std::string, double> PixelTrainer::scores() {
  const double nats = test_nll_nats(eval_n_);
  if (net_->levels() == 2) return {{"test_nll", nats}};
  return {{"test_bpd", metrics::bits_per_dim(nats, kPixels)}};
}

std::vector<std::string> PixelTrainer::likelihood_metrics() const { return {"bpd", "nll"}; }

std::map<std::string, double> PixelTrainer::likelihood_scores(const metrics::LikelihoodOptions& o) {
  const double nats = test_nll_nats(o.n);
  std::map<std::string, double> s;
  for (const std::string& m : o.metrics) {
    if (m == "bpd") s[m] = metrics::bits_per_dim(nats, kPixels);
    if (m == "nll") s[m] = nats;
  }
  return s;
}

Tensor PixelTrainer::sample(int64_t n, Generator& gen) {
  const Tensor x = zeros({n, 1, 28, 28}, Options{DType::f32, config_.device});
  const Tensor v = net_->complete(x, 0, gen);
  return to(v, Device::cpu()) * (2.0 / static_cast<double>(net_->levels() - 1)) - 1.0;
}

Tensor PixelTrainer::picture(int64_t n, Generator& gen) {
  NoGradGuard no_grad;
  const double top = static_cast<double>(net_->levels() - 1);
  std::vector<vae::Panel> panels;
  if (picture_n_ > 0) n = std::min(n, picture_n_);
  panels.push_back({"samples", (sample(n, gen) + 1.0) * 0.5, 8});
  if (completions_ > 0) {
    const Tensor images = to(slice(test_set().images, 0, 0, 8), DType::f32) / 127.5 - 1.0;
    const Tensor x = to(pixel_values(images, net_->levels()), config_.device);
    const Tensor upper = to(lt(reshape(arange(28, Options{DType::i64, config_.device}), {1, 1, 28, 1}),
                               full({}, 14.0, Options{DType::i64, config_.device})),
                            DType::f32);
    // The masked row shows the hidden half as mid grey.
    std::vector<Tensor> rows{x / top, (x / top) * upper + 0.5 * (1.0 - upper)};
    for (int64_t k = 0; k < completions_; ++k) rows.push_back(net_->complete(x * upper, 14, gen) / top);
    panels.push_back({"test images / lower half hidden / completions", to(cat(rows, 0), Device::cpu()), 8});
  }
  return vae::stack_panels(panels);
}

train::Parts PixelTrainer::parts() const { return {{{name_, net_.get()}}, {{"opt", opt_.get()}}}; }

NamedTensors PixelTrainer::named_parameters() const { return train::named_parameters(parts()); }

train::TrainerState PixelTrainer::state() const {
  train::TrainerState s;
  train::put_parts(s, parts());
  loader_position_.put(s, "loader");
  return s;
}

void PixelTrainer::load(const train::TrainerState& s) {
  train::get_parts(s, parts());
  loader_position_.get(s, "loader");
}

}  // namespace nabla::ar
