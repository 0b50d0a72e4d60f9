#include "models/flow/flow_trainer.h"

#include <cmath>
#include <stdexcept>

#include "autograd/nabla.h"
#include "models/flow/nice.h"
#include "models/io/png.h"
#include "models/flow/realnvp.h"
#include "models/metrics/likelihood.h"
#include "models/train/state.h"

namespace nabla::flow {

namespace {

// conv1x1: 0 (none), 1 or "lu" (LU parametrisation), "direct" (W and its slogdet).
void parse_conv1x1(const train::TrainConfig& c, RealNvpOptions& o) {
  if (!c.options.contains("conv1x1")) return;
  const nlohmann::json& v = c.options.at("conv1x1");
  if (v.is_number_integer() && (v.get<int64_t>() == 0 || v.get<int64_t>() == 1)) {
    o.conv1x1 = v.get<int64_t>() == 1;
  } else if (v.is_string() && (v.get<std::string>() == "lu" || v.get<std::string>() == "direct")) {
    o.conv1x1 = true;
    o.conv1x1_param = v.get<std::string>() == "lu" ? Conv1x1Param::lu : Conv1x1Param::direct;
  } else {
    throw std::invalid_argument("realnvp: conv1x1=" + v.dump() + " is not one of 0, 1, lu, direct");
  }
}


constexpr uint64_t kInitStream = 0x1000;
constexpr uint64_t kEvalNoiseStream = 0x2000;
const Shape kImage{1, 28, 28};

std::shared_ptr<FlowNet> build(const train::TrainConfig& c, FlowKind kind, Generator* gen) {
  if (kind == FlowKind::nice) {
    c.check_options({"temperature", "eval_n", "prior", "couplings", "hidden", "hidden_layers"});
    NiceOptions o;
    o.prior = parse_prior(c.option<std::string>("prior", "logistic"));
    o.couplings = c.option<int64_t>("couplings", o.couplings);
    o.hidden = c.option<int64_t>("hidden", o.hidden);
    o.hidden_layers = c.option<int64_t>("hidden_layers", o.hidden_layers);
    return make_nice(kImage, o, gen);
  }
  c.check_options({"temperature", "eval_n", "scales", "width", "blocks", "conv1x1"});
  RealNvpOptions o;
  o.scales = c.option<int64_t>("scales", o.scales);
  o.width = c.option<int64_t>("width", o.width);
  o.blocks = c.option<int64_t>("blocks", o.blocks);
  parse_conv1x1(c, o);
  return make_realnvp(kImage, o, gen);
}

// Mean NLL in bits/dim of the dequantised images y [N, 1, 28, 28] in [0, 1).
Tensor mean_bits_per_dim(FlowNet& net, const Tensor& y) {
  const double d = static_cast<double>(net.dims());
  const Tensor nll = -mean(net.log_prob(y));
  return (nll + metrics::dequantisation_offset(net.dims())) / (d * std::log(2.0));
}

// n samples at temperature t as images in [-1, 1] on the CPU.
Tensor images_at(FlowNet& net, int64_t n, double t, Generator& gen) {
  const Tensor y = net.sample(n, t, gen);
  return to(clamp(to(y, Device::cpu()), 0.0, 1.0) * 2.0 - 1.0, DType::f32);
}

}  // namespace

FlowTrainer::FlowTrainer(const train::TrainConfig& config, FlowKind kind)
    : config_(config),
      temperature_(config.options.contains("temperature")
                       ? std::optional<double>(config.option<double>("temperature", 1.0))
                       : std::nullopt),
      eval_n_(config.option<int64_t>("eval_n", 2000)) {
  if (eval_n_ <= 0) throw std::invalid_argument(config.model + ": option eval_n must be positive");
  if (temperature_ && *temperature_ <= 0) throw std::invalid_argument(config.model + ": option temperature must be positive");
  Generator init(config.seed ^ kInitStream);
  net_ = build(config, kind, &init);
  net_->to(config.device);
  opt_ = std::make_unique<nn::Adam>(net_->parameters(), config.lr);
}

data::Loader& FlowTrainer::loader() {
  if (!loader_) {
    data::LoaderOptions o;
    o.batch_size = config_.batch;
    o.drop_last = true;
    o.seed = config_.seed;
    o.range = data::PixelRange::unit;
    o.dequantize = true;
    loader_.emplace(data::load_fashion_mnist(data::Split::train, config_.data), o);
    loader_position_.bind(*loader_);
  }
  return *loader_;
}

int64_t FlowTrainer::batches_per_epoch() { return loader().batches_per_epoch(); }

Tensor FlowTrainer::loss_of(const Tensor& y) { return mean_bits_per_dim(*net_, to(y, config_.device)); }

std::map<std::string, double> FlowTrainer::step() {
  opt_->zero_grad();
  const Tensor loss = loss_of(loader().next().images);
  backward(loss);
  opt_->step();
  return {{"bpd", loss.item()}};
}

std::map<std::string, Tensor> FlowTrainer::losses() { return {{"bpd", loss_of(loader().next().images)}}; }

double FlowTrainer::test_bits_per_dim(int64_t n) {
  if (!test_) test_ = data::load_fashion_mnist(data::Split::test, config_.data);
  const int64_t count = std::min(n, test_->size());
  NoGradGuard no_grad;
  const bool was_training = net_->is_training();
  net_->eval();
  Generator noise(config_.seed ^ kEvalNoiseStream);
  double total = 0;
  for (int64_t start = 0; start < count; start += 500) {
    const int64_t end = std::min(count, start + 500);
    const Tensor pixels = to(slice(test_->images, 0, start, end), DType::f32);
    const Tensor y = (pixels + rand(pixels.shape(), {}, &noise)) / 256.0;
    total += sum(to(net_->log_prob(to(y, config_.device)), DType::f64)).item();
  }
  net_->train(was_training);
  return metrics::dequantised_bits_per_dim(-total / static_cast<double>(count), net_->dims());
}

std::map<std::string, double> FlowTrainer::scores() { return {{"test_bpd", test_bits_per_dim(eval_n_)}}; }

std::vector<std::string> FlowTrainer::likelihood_metrics() const { return {"bpd", "nll"}; }

std::map<std::string, double> FlowTrainer::likelihood_scores(const metrics::LikelihoodOptions& o) {
  const double bpd = test_bits_per_dim(o.n);
  std::map<std::string, double> s;
  for (const std::string& m : o.metrics) {
    if (m == "bpd") s[m] = bpd;
    if (m == "nll") s[m] = bpd * static_cast<double>(net_->dims()) * std::log(2.0);
  }
  return s;
}

Tensor FlowTrainer::sample(int64_t n, Generator& gen) { return images_at(*net_, n, temperature_.value_or(1.0), gen); }

Tensor FlowTrainer::picture(int64_t n, Generator& gen) {
  if (temperature_ || n < 4) return Trainer::picture(n, gen);
  const double bands[] = {1.0, 0.85, 0.7, 0.5};
  std::vector<Tensor> parts;
  for (int i = 0; i < 4; ++i) parts.push_back(images_at(*net_, i < 3 ? n / 4 : n - 3 * (n / 4), bands[i], gen));
  return io::image_grid(cat(parts, 0), 8, 2, -1, 1);
}

train::Parts FlowTrainer::parts() const { return {{{"flow", net_.get()}}, {{"opt", opt_.get()}}}; }

NamedTensors FlowTrainer::named_parameters() const { return train::named_parameters(parts()); }

train::TrainerState FlowTrainer::state() const {
  train::TrainerState s;
  train::put_parts(s, parts());
  loader_position_.put(s, "loader");
  return s;
}

void FlowTrainer::load(const train::TrainerState& s) {
  train::get_parts(s, parts());
  loader_position_.get(s, "loader");
}

}  // namespace nabla::flow
