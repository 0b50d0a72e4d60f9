#include "models/vae/vae_trainer.h"

#include <algorithm>
#include <stdexcept>

#include "autograd/nabla.h"
#include "models/metrics/likelihood.h"
#include "models/train/data.h"
#include "models/train/state.h"
#include "models/vae/grids.h"

namespace nabla::vae {

namespace {

constexpr uint64_t kInitStream = 0x1000, kNoiseStream = 0x2000, kEvalStream = 0x4000, kIwaeStream = 0x8000;
constexpr int64_t kEvalBatch = 500;

const char* model_name(VaeKind kind) {
  switch (kind) {
    case VaeKind::conv: return "conv-vae";
    case VaeKind::conditional: return "cvae";
    default: return "vae";
  }
}

Decoder parse_decoder(const std::string& model, const std::string& name) {
  if (name == "bernoulli") return Decoder::bernoulli;
  if (name == "gaussian") return Decoder::gaussian;
  throw std::invalid_argument(model + ": decoder=" + name + " is not one of bernoulli, gaussian");
}

bool parse_variance(const std::string& model, const std::string& name) {
  if (name == "fixed") return false;
  if (name == "learned") return true;
  throw std::invalid_argument(model + ": variance=" + name + " is not one of fixed, learned");
}

void require_positive(const std::string& model, const char* name, double v, bool zero_ok = false) {
  if (v > 0 || (zero_ok && v == 0)) return;
  throw std::invalid_argument(model + ": option " + name + " must be " + (zero_ok ? "non-negative" : "positive"));
}

Tensor as_images(const Tensor& x) { return reshape(x, {x.size(0), 1, 28, 28}); }

// Labels 0, 1, ..., 9, 0, 1, ... i64 [n]: a CVAE sample's class.
Tensor class_cycle(int64_t n) {
  std::vector<int64_t> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = i % kClasses;
  return tensor(v, {n});
}

}  // namespace

VaeOptions vae_options(const train::TrainConfig& config, VaeKind kind) {
  const std::string model = model_name(kind);
  config.check_options({"z_dim", "hidden", "decoder", "variance", "sigma", "beta", "beta_schedule", "warmup",
                        "cycles", "ratio", "eval_n", "iwae_k", "iwae_n"});
  VaeOptions o;
  o.arch.conv = kind == VaeKind::conv;
  o.arch.conditional = kind == VaeKind::conditional;
  o.arch.z_dim = config.option<int64_t>("z_dim", 20);
  o.arch.hidden = config.option<int64_t>("hidden", 400);
  o.arch.decoder = parse_decoder(model, config.option<std::string>("decoder", "bernoulli"));
  o.arch.learned_variance = parse_variance(model, config.option<std::string>("variance", "fixed"));
  o.arch.sigma = config.option<double>("sigma", 0.1);
  o.beta.kind = parse_beta_kind(model, config.option<std::string>("beta_schedule", "constant"));
  o.beta.beta = config.option<double>("beta", 1.0);
  o.beta.warmup = config.option<int64_t>("warmup", config.steps > 0 ? config.steps / 10 : 1000);
  o.beta.total = config.steps > 0 ? config.steps : 10000;
  o.beta.cycles = config.option<int64_t>("cycles", 4);
  o.beta.ratio = config.option<double>("ratio", 0.5);
  o.eval_n = config.option<int64_t>("eval_n", 10000);
  o.iwae_k = config.option<int64_t>("iwae_k", 1000);
  o.iwae_n = config.option<int64_t>("iwae_n", 500);
  require_positive(model, "z_dim", static_cast<double>(o.arch.z_dim));
  require_positive(model, "hidden", static_cast<double>(o.arch.hidden));
  require_positive(model, "sigma", o.arch.sigma);
  require_positive(model, "beta", o.beta.beta, true);
  require_positive(model, "warmup", static_cast<double>(o.beta.warmup), true);
  require_positive(model, "cycles", static_cast<double>(o.beta.cycles));
  require_positive(model, "ratio", o.beta.ratio);
  require_positive(model, "eval_n", static_cast<double>(o.eval_n));
  require_positive(model, "iwae_k", static_cast<double>(o.iwae_k), true);
  require_positive(model, "iwae_n", static_cast<double>(o.iwae_n));
  return o;
}

Tensor vae_data(const Tensor& images, Decoder decoder) {
  const Tensor flat = reshape(images, {images.size(0), kPixels});
  // [-1, 1] holds p / 127.5 - 1: p >= 128 is exactly > 0.
  if (decoder == Decoder::bernoulli) return to(gt(flat, zeros_like(flat)), flat.dtype());
  return (flat + 1.0) * (127.5 / 255.0);
}

VaeTrainer::VaeTrainer(const train::TrainConfig& config, VaeKind kind)
    : config_(config), options_(vae_options(config, kind)), vae_([&] {
        Generator init(config.seed ^ kInitStream);
        return Vae(options_.arch, &init);
      }()),
      noise_(config.seed ^ kNoiseStream) {
  vae_.encoder().to(config.device);
  vae_.decoder().to(config.device);
  opt_ = std::make_unique<nn::Adam>(vae_.parameters(), config.lr);
}

data::Loader& VaeTrainer::loader() {
  if (!loader_) {
    loader_.emplace(train::training_loader(config_));
    loader_position_.bind(*loader_);
  }
  return *loader_;
}

const data::Dataset& VaeTrainer::test_set() {
  if (!test_) test_ = data::load_fashion_mnist(data::Split::test, config_.data);
  return *test_;
}

int64_t VaeTrainer::batches_per_epoch() { return loader().batches_per_epoch(); }

VaeTrainer::Loss VaeTrainer::loss_of(const data::Batch& batch) {
  const Tensor x = vae_data(to(batch.images, config_.device), options_.arch.decoder);
  const Tensor y = to(batch.labels, config_.device);
  const Terms t = vae_.terms(x, y, &noise_);
  const double beta = options_.beta.at(steps_);
  const Tensor rate = mean(t.rate), distortion = mean(t.distortion);
  return {distortion + beta * rate, rate, distortion, beta};
}

std::map<std::string, double> VaeTrainer::step() {
  opt_->zero_grad();
  const Loss l = loss_of(loader().next());
  backward(l.loss);
  opt_->step();
  ++steps_;
  return {{"loss", l.loss.item()}, {"rate", l.rate.item()}, {"distortion", l.distortion.item()}, {"beta", l.beta}};
}

std::map<std::string, Tensor> VaeTrainer::losses() { return {{"loss", loss_of(loader().next()).loss}}; }

std::pair<Tensor, Tensor> VaeTrainer::test_data(int64_t n) {
  const data::Dataset& test = test_set();
  n = std::min(n, test.size());
  const Tensor images = to(slice(test.images, 0, 0, n), DType::f32) / 127.5 - 1.0;
  return {to(vae_data(images, options_.arch.decoder), config_.device),
          to(slice(test.labels, 0, 0, n), config_.device)};
}

std::vector<std::string> VaeTrainer::likelihood_metrics() const {
  std::vector<std::string> m = {"elbo", "rate", "distortion", "iwae"};
  if (options_.arch.decoder == Decoder::bernoulli) m.insert(m.begin(), "bpd");
  return m;
}

std::map<std::string, double> VaeTrainer::likelihood_scores(const metrics::LikelihoodOptions& o) {
  NoGradGuard no_grad;
  auto wants = [&](const char* m) { return std::count(o.metrics.begin(), o.metrics.end(), m) > 0; };
  std::map<std::string, double> s;
  if (wants("elbo") || wants("rate") || wants("distortion") || wants("bpd")) {
    Generator gen(config_.seed ^ kEvalStream);
    const auto [x, y] = test_data(o.n);
    double rate = 0, distortion = 0;
    for (int64_t start = 0; start < x.size(0); start += kEvalBatch) {
      const int64_t end = std::min(x.size(0), start + kEvalBatch);
      const Terms t = vae_.terms(slice(x, 0, start, end), slice(y, 0, start, end), &gen);
      rate += sum(to(t.rate, DType::f64)).item();
      distortion += sum(to(t.distortion, DType::f64)).item();
    }
    const double n = static_cast<double>(x.size(0));
    for (const auto& [name, v] : {std::pair<const char*, double>{"rate", rate / n},
                                  {"distortion", distortion / n},
                                  {"elbo", -(rate + distortion) / n},
                                  {"bpd", metrics::bits_per_dim((rate + distortion) / n, kPixels)}})
      if (wants(name)) s[name] = v;
  }
  if (wants("iwae")) {
    // Its own stream: the same estimate whether or not the ELBO is asked for.
    Generator gen(config_.seed ^ kIwaeStream);
    const auto [x, y] = test_data(o.iwae_n);
    s["iwae"] = mean(to(vae_.iwae(x, y, o.iwae_k, &gen), DType::f64)).item();
  }
  return s;
}

std::map<std::string, double> VaeTrainer::scores() {
  metrics::LikelihoodOptions o{.metrics = {"elbo", "rate", "distortion"},
                               .n = options_.eval_n, .iwae_k = options_.iwae_k, .iwae_n = options_.iwae_n};
  // The IWAE estimate costs k decoder passes per image: only at the end of
  // the run (every time for a run counted in epochs, whose length the
  // trainer does not know).
  const bool last = config_.steps <= 0 || steps_ >= config_.steps;
  if (options_.iwae_k > 0 && last) o.metrics.push_back("iwae");
  const std::map<std::string, double> l = likelihood_scores(o);
  std::map<std::string, double> s{
      {"test_rate", l.at("rate")}, {"test_distortion", l.at("distortion")}, {"test_elbo", l.at("elbo")}};
  if (l.count("iwae")) s["test_nll_iwae"] = -l.at("iwae");
  return s;
}

Tensor VaeTrainer::sample(int64_t n, Generator& gen) {
  NoGradGuard no_grad;
  const Tensor z = randn({n, options_.arch.z_dim}, Options{DType::f32, config_.device}, &gen);
  const Tensor y = to(class_cycle(n), config_.device);
  return as_images(vae_.mean_image(vae_.decode(z, y))) * 2.0 - 1.0;
}

Tensor VaeTrainer::picture(int64_t n, Generator& gen) {
  NoGradGuard no_grad;
  const int per_row = options_.arch.conditional ? static_cast<int>(kClasses) : 8;
  std::vector<Panel> panels;
  panels.push_back({options_.arch.conditional ? "samples, a column per class" : "samples",
                    (to(sample(n, gen), Device::cpu()) + 1.0) * 0.5, per_row});
  // Reconstructions (at the posterior mean) of 16 random test images.
  const data::Dataset& test = test_set();
  const Tensor index = randint(0, test.size(), {16}, DType::i64, &gen);
  const Tensor images = to(index_select(test.images, 0, index), DType::f32) / 127.5 - 1.0;
  const Tensor x = to(vae_data(images, options_.arch.decoder), config_.device);
  const Tensor y = to(index_select(test.labels, 0, index), config_.device);
  const Tensor mu = vae_.encode(x, y).first;
  const Tensor recon = vae_.mean_image(vae_.decode(mu, y));
  panels.push_back({"test images over their reconstructions",
                    to(as_images(input_over_output(x, recon, 8)), Device::cpu()), 8});
  // Latent interpolation: posterior means of images 2i and 2i+1, 10 steps.
  std::vector<Tensor> rows;
  const Tensor steps = reshape(arange(0.0, 1.0 + 1e-9, 1.0 / 9, Options{DType::f32, config_.device}), {10, 1});
  for (int64_t i = 0; i < 4; ++i) {
    const Tensor a = slice(mu, 0, 2 * i, 2 * i + 1), b = slice(mu, 0, 2 * i + 1, 2 * i + 2);
    const Tensor z = a + steps * (b - a);
    const Tensor yi = expand(slice(y, 0, 2 * i, 2 * i + 1), {10});
    rows.push_back(vae_.mean_image(vae_.decode(z, yi)));
  }
  panels.push_back({"latent interpolations between test images", to(as_images(cat(rows, 0)), Device::cpu()), 10});
  return stack_panels(panels);
}

train::Parts VaeTrainer::parts() const {
  return {{{"encoder", &vae_.encoder()}, {"decoder", &vae_.decoder()}}, {{"opt", opt_.get()}}};
}

NamedTensors VaeTrainer::named_parameters() const { return train::named_parameters(parts()); }

train::TrainerState VaeTrainer::state() const {
  return train::put_run({parts(), "steps"}, noise_, steps_, loader_position_);
}

void VaeTrainer::load(const train::TrainerState& s) {
  steps_ = train::get_run(s, {parts(), "steps"}, noise_, loader_position_);
}

}  // namespace nabla::vae
