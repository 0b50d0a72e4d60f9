#include "models/ae/ae_trainer.h"

#include <stdexcept>

#include "autograd/nabla.h"
#include "models/train/data.h"
#include "models/train/state.h"
#include "models/vae/grids.h"

namespace nabla::ae {

namespace {

constexpr uint64_t kInitStream = 0x1000, kNoiseStream = 0x2000, kEvalStream = 0x4000;
constexpr int64_t kEvalBatch = 1000;

const char* model_name(AeKind kind) {
  switch (kind) {
    case AeKind::sparse: return "sparse-ae";
    case AeKind::denoising: return "denoising-ae";
    default: return "ae";
  }
}

void require_non_negative(const std::string& model, const char* name, double v) {
  if (!(v >= 0)) throw std::invalid_argument(model + ": option " + name + " must be non-negative");
}

Tensor flat_unit(const Tensor& images_symmetric) {
  return reshape((images_symmetric + 1.0) * 0.5, {images_symmetric.size(0), 784});
}

Tensor as_images(const Tensor& x) { return reshape(x, {x.size(0), 1, 28, 28}); }

}  // namespace

AeOptions ae_options(const train::TrainConfig& config, AeKind kind) {
  const std::string model = model_name(kind);
  std::vector<std::string> known{"code", "hidden", "eval_n"};
  if (kind == AeKind::sparse) known.insert(known.end(), {"l1", "kl", "rho"});
  if (kind == AeKind::denoising) known.insert(known.end(), {"noise", "level"});
  config.check_options(known);
  AeOptions o;
  o.arch.code = config.option<int64_t>("code", kind == AeKind::sparse ? 64 : 32);
  o.arch.hidden = {config.option<int64_t>("hidden", 256)};
  o.arch.sigmoid_code = kind == AeKind::sparse;
  o.eval_n = config.option<int64_t>("eval_n", 10000);
  if (o.arch.code <= 0 || o.arch.hidden[0] <= 0 || o.eval_n <= 0)
    throw std::invalid_argument(model + ": code, hidden and eval_n must be positive");
  if (kind == AeKind::sparse) {
    o.l1 = config.option<double>("l1", 0.0);
    o.kl = config.option<double>("kl", 3.0);
    o.rho = config.option<double>("rho", 0.05);
    require_non_negative(model, "l1", o.l1);
    require_non_negative(model, "kl", o.kl);
    if (!(o.rho > 0 && o.rho < 1)) throw std::invalid_argument(model + ": option rho must lie in (0, 1)");
  }
  if (kind == AeKind::denoising) {
    o.noise = parse_noise(model, config.option<std::string>("noise", "masking"));
    o.level = config.option<double>("level", 0.25);
    require_non_negative(model, "level", o.level);
    if (o.noise == Noise::masking && o.level >= 1)
      throw std::invalid_argument(model + ": a masked fraction (level) must be below 1");
  }
  return o;
}

AeTrainer::AeTrainer(const train::TrainConfig& config, AeKind kind)
    : config_(config), options_(ae_options(config, kind)), noise_(config.seed ^ kNoiseStream) {
  Generator init(config.seed ^ kInitStream);
  net_ = make_autoencoder(options_.arch, &init);
  net_.encoder->to(config.device);
  net_.decoder->to(config.device);
  opt_ = std::make_unique<nn::Adam>(net_.parameters(), config.lr);
}

data::Loader& AeTrainer::loader() {
  if (!loader_) {
    loader_.emplace(train::training_loader(config_));
    loader_position_.bind(*loader_);
  }
  return *loader_;
}

int64_t AeTrainer::batches_per_epoch() { return loader().batches_per_epoch(); }

// Squared error summed over pixels, mean over the batch, plus the penalties.
std::pair<Tensor, Tensor> AeTrainer::loss_of(const data::Batch& batch) {
  const Tensor x = flat_unit(to(batch.images, config_.device));
  const Tensor h = net_.code(corrupt(x, options_.noise, options_.level, &noise_));
  const Tensor mse = sum(square((*net_.decoder)(h) - x)) / static_cast<double>(x.size(0));
  Tensor loss = mse;
  if (options_.l1 > 0) loss = loss + options_.l1 * l1_sparsity(h);
  if (options_.kl > 0) loss = loss + options_.kl * kl_sparsity(h, options_.rho);
  return {loss, mse};
}

std::map<std::string, double> AeTrainer::step() {
  opt_->zero_grad();
  const auto [loss, mse] = loss_of(loader().next());
  backward(loss);
  opt_->step();
  return {{"loss", loss.item()}, {"mse", mse.item()}};
}

std::map<std::string, Tensor> AeTrainer::losses() { return {{"loss", loss_of(loader().next()).first}}; }

Tensor AeTrainer::test_pixels(int64_t n) {
  if (!test_) test_ = data::load_fashion_mnist(data::Split::test, config_.data);
  n = std::min(n, test_->size());
  return to(reshape(to(slice(test_->images, 0, 0, n), DType::f32) / 255.0, {n, 784}), config_.device);
}

std::map<std::string, double> AeTrainer::scores() {
  NoGradGuard no_grad;
  Generator gen(config_.seed ^ kEvalStream);
  const Tensor x = test_pixels(options_.eval_n);
  double clean = 0, denoised = 0, activation = 0;
  for (int64_t start = 0; start < x.size(0); start += kEvalBatch) {
    const Tensor xb = slice(x, 0, start, std::min(x.size(0), start + kEvalBatch));
    const Tensor h = net_.code(xb);
    clean += sum(to(square((*net_.decoder)(h) - xb), DType::f64)).item();
    activation += sum(to(h, DType::f64)).item();
    if (options_.noise != Noise::none)
      denoised += sum(to(square(net_.reconstruct(corrupt(xb, options_.noise, options_.level, &gen)) - xb), DType::f64)).item();
  }
  const double n = static_cast<double>(x.size(0));
  std::map<std::string, double> s{{"test_mse", clean / n}};
  if (options_.noise != Noise::none) s["test_mse_denoised"] = denoised / n;
  if (options_.arch.sigmoid_code) s["test_mean_activation"] = activation / (n * static_cast<double>(options_.arch.code));
  return s;
}

Tensor AeTrainer::random_test(int64_t n, Generator& gen) {
  if (!test_) test_ = data::load_fashion_mnist(data::Split::test, config_.data);
  const Tensor index = randint(0, test_->size(), {n}, DType::i64, &gen);
  return to(reshape(to(index_select(test_->images, 0, index), DType::f32) / 255.0, {n, 784}), config_.device);
}

Tensor AeTrainer::sample(int64_t n, Generator& gen) {
  NoGradGuard no_grad;
  const Tensor x = corrupt(random_test(n, gen), options_.noise, options_.level, &gen);
  return as_images(net_.reconstruct(x)) * 2.0 - 1.0;
}

Tensor AeTrainer::picture(int64_t n, Generator& gen) {
  NoGradGuard no_grad;
  const Tensor x = corrupt(random_test(n, gen), options_.noise, options_.level, &gen);
  const Tensor y = net_.reconstruct(x);
  const char* title = options_.noise == Noise::none ? "test images over their reconstructions"
                                                    : "corrupted test images over their reconstructions";
  return vae::stack_panels({{title, to(as_images(vae::input_over_output(clamp(x, 0, 1), y, 8)), Device::cpu()), 8}});
}

train::Parts AeTrainer::parts() const {
  return {{{"encoder", net_.encoder.get()}, {"decoder", net_.decoder.get()}}, {{"opt", opt_.get()}}};
}

NamedTensors AeTrainer::named_parameters() const { return train::named_parameters(parts()); }

train::TrainerState AeTrainer::state() const {
  train::TrainerState s;
  train::put_parts(s, parts());
  train::put_generator(s, "noise", noise_);
  loader_position_.put(s, "loader");
  return s;
}

void AeTrainer::load(const train::TrainerState& s) {
  train::get_parts(s, parts());
  train::get_generator(s, "noise", noise_);
  loader_position_.get(s, "loader");
}

}  // namespace nabla::ae
