#include "models/gan/gan_trainer.h"

#include <algorithm>

#include "autograd/nabla.h"
#include "models/gan/jacobian_penalties.h"
#include "models/gan/lens.h"
#include "models/gan/penalties.h"
#include "models/gan/streams.h"
#include "models/train/data.h"
#include "models/train/state.h"

namespace nabla::gan {

namespace {

// Its streams beside models/gan/streams.h's: the lens's parameters, the Jacobian options' draws.
constexpr uint64_t kLensInitStream = 0x5000;
constexpr uint64_t kJacobianStream = 0x6000;

constexpr int64_t kToyPoints = 65536;    // the 2-D training set
constexpr int64_t kEvalPoints = 2500;    // PacGAN's sample count for the mode metrics
constexpr int64_t kScatterPoints = 1000;

// While G trains, D's own parameters (those G's optimizer does not hold) stop
// requiring grad: backward then skips their weight gradients (a GEMM per D
// layer and their accumulation), which D's optimizer would zero before its
// next step anyway. Restores the flags on scope exit.
class FreezeOthers {
 public:
  FreezeOthers(const std::vector<Tensor>& frozen, const std::vector<Tensor>& trained) {
    std::vector<const void*> keep;
    for (const Tensor& t : trained) keep.push_back(t.impl_ptr().get());
    for (const Tensor& t : frozen)
      if (t.requires_grad() && std::find(keep.begin(), keep.end(), t.impl_ptr().get()) == keep.end()) {
        t.requires_grad_(false);
        frozen_.push_back(t);
      }
  }
  ~FreezeOthers() {
    for (const Tensor& t : frozen_) t.requires_grad_(true);
  }
  FreezeOthers(const FreezeOthers&) = delete;
  FreezeOthers& operator=(const FreezeOthers&) = delete;

 private:
  std::vector<Tensor> frozen_;
};

std::unique_ptr<nn::Optimizer> make_optimizer(const GanOptions& o, std::vector<Tensor> params, double lr) {
  if (o.optimizer == Optim::rmsprop) {
    nn::RMSpropOptions rms;
    rms.weight_decay = o.weight_decay;
    return std::make_unique<nn::RMSprop>(std::move(params), lr, rms);
  }
  nn::AdamOptions adam;
  adam.weight_decay = o.weight_decay;
  adam.beta1 = o.beta1;
  adam.beta2 = o.beta2;
  return std::make_unique<nn::Adam>(std::move(params), lr, adam);
}

}  // namespace

GanTrainer::GanTrainer(const train::TrainConfig& config, const GanModel& model)
    : config_(config),
      precision_(config.precision == "bf16" ? DType::bf16 : DType::f32),
      scaler_(train::LossScaler::parse(config.loss_scale)),
      noise_(config.seed ^ kNoiseStream),
      run_data_(config) {
  if (model.configurable) {
    options_ = resolve_gan_options(config, model.defaults);
  } else {
    config.check_options(metrics::scoring_option_names());
    options_ = model.defaults;
    resolve_scoring_options(config, options_);
  }
  scorer_.emplace(config, options_.scoring);
  if (is_toy_set(options_.data)) {
    if (!model.toy) throw std::invalid_argument(config.model + ": has no nets for data=" + options_.data);
    toy_ = make_toy_set(options_.data, kToyPoints, config.seed ^ kToyDataStream, config.model);
    run_data_.use_toy({toy_->points});
  }
  const GanNets& nets = toy_ ? *model.toy : model.image;
  z_dim_ = nets.z_dim;
  Generator init(config.seed ^ kInitStream);
  g_ = nets.generator(z_dim_, &init);
  d_ = nets.discriminator(&init);
  g_->to(config.device);
  d_->to(config.device);
  opt_g_ = make_optimizer(options_, g_->parameters(), config.lr);
  opt_d_ = make_optimizer(options_, d_->parameters(), config.lr);
  if (options_.lens) {
    Generator lens_init(config.seed ^ kLensInitStream);
    lens_ = toy_ ? toy_lens(&lens_init) : image_lens(&lens_init);
    lens_->to(config.device);
    opt_lens_ = make_optimizer(options_, lens_->parameters(), config.lr);
  }
}

int64_t GanTrainer::batches_per_epoch() {
  return std::max<int64_t>(1, run_data_.batches_per_epoch() / options_.n_critic);
}

Tensor GanTrainer::next_real() { return to(run_data_.next()[0], config_.device); }

Tensor GanTrainer::run_g(const Tensor& z) {
  AutocastGuard autocast(precision_);
  return autocast_f32((*g_)(z));
}

Tensor GanTrainer::run_d(const Tensor& x) {
  AutocastGuard autocast(precision_);
  return autocast_f32((*d_)(x));
}

void GanTrainer::backward_and_step(const Tensor& loss, nn::Optimizer& opt) {
  backward(scaler_.scale_loss(loss));
  if (scaler_.unscale(opt.params())) opt.step();
}

Tensor GanTrainer::make_fake(int64_t n, Tensor* z) {
  const Tensor latent = randn({n, z_dim_}, config_.device, &noise_);
  if (z) *z = latent;
  return run_g(latent);
}

Tensor GanTrainer::generate(const Tensor& z) {
  g_->eval();
  Tensor out = run_g(z);
  g_->train();
  return out;
}

Tensor GanTrainer::lensed(const Tensor& real) {
  if (!lens_) return real;
  NoGradGuard no_grad;
  return (*lens_)(real);
}

void GanTrainer::lens_step(const Tensor& real, const Tensor& fake, std::map<std::string, double>* metrics) {
  const int64_t k = options_.lens_steps > 0 ? options_.lens_steps : std::max<int64_t>(1, config_.steps / 2);
  const double lambda = lens_lambda(steps_done_, k);
  opt_lens_->zero_grad();
  const Tensor x = (*lens_)(real);
  const Tensor diff = reshape(x - real, {real.size(0), -1});
  Tensor loss = mean(sum(square(diff), {1}));  // ||x - L(x)||^2, no sqrt: its gradient at L = identity is 0/0
  if (lambda > 0) {
    Tensor d_fake;
    {
      NoGradGuard no_grad;
      d_fake = run_d(noisy(detach(fake), noise_std()));
    }
    // Sajjadi et al. eq. 4: the lens maximises D's loss on its output.
    loss = loss - lambda * d_loss(options_.loss, run_d(noisy(x, noise_std())), d_fake);
  }
  backward(loss);
  opt_lens_->step();
  (*metrics)["lens_lambda"] = lambda;
  NoGradGuard no_grad;
  (*metrics)["lens_dist"] = mean(per_sample_norm(diff)).item();
}

double GanTrainer::noise_std() const {
  return instance_noise_std(options_.noise, steps_done_, options_.noise_steps > 0 ? options_.noise_steps : config_.steps);
}

Tensor GanTrainer::noisy(const Tensor& x, double sigma) {
  return sigma > 0 ? x + sigma * randn_like(x, &noise_) : x;
}

// An input that a penalty differentiates D with respect to.
static Tensor penalised(const Tensor& x, bool on) {
  if (!on) return x;
  Tensor leaf = detach(x);
  leaf.requires_grad_(true);
  return leaf;
}

Tensor GanTrainer::critic_loss(const Tensor& real, const Tensor& fake, std::map<std::string, double>* metrics) {
  const double sigma = noise_std();
  const Tensor x_real = penalised(noisy(real, sigma), options_.r1 > 0);
  const Tensor x_fake = penalised(noisy(detach(fake), sigma), options_.r2 > 0);
  const Tensor d_real = run_d(x_real), d_fake = run_d(x_fake);
  Tensor loss = d_objective(real, fake, d_real, d_fake);
  auto add = [&](const char* name, const Tensor& penalty) {
    loss = loss + penalty;
    if (metrics) (*metrics)[name] = penalty.item();
  };
  if (options_.gp > 0) add("gp", gradient_penalty(*d_, x_real, x_fake, noise_, options_.gp));
  if (options_.r1 > 0) add("r1", gradient_norm_penalty(d_real, x_real, options_.r1));
  if (options_.r2 > 0) add("r2", gradient_norm_penalty(d_fake, x_fake, options_.r2));
  return loss;
}

Tensor GanTrainer::generator_loss(const Tensor& fake, const Tensor& z, std::map<std::string, double>* metrics) {
  Tensor loss = adversarial_g_loss(fake);
  const GeneratorFn g = [this](const Tensor& x) { return (*g_)(x); };
  if (options_.jc > 0) {
    const ClampingResult jc = jacobian_clamping(g, z, fake, {options_.jc_eps, options_.jc_min, options_.jc_max}, noise_);
    loss = loss + options_.jc * jc.penalty;
    if (metrics) (*metrics)["jc"] = jc.penalty.item(), (*metrics)["jc_q"] = mean(jc.q).item();
  }
  if (options_.tangent > 0) {
    const Tensor penalty = tangent_orthonormality(g, z, options_.tangent_dirs, noise_);
    loss = loss + options_.tangent * penalty;
    if (metrics) (*metrics)["tangent"] = penalty.item();
  }
  return loss;
}

Tensor GanTrainer::d_objective(const Tensor& real, const Tensor& fake, const Tensor& d_real,
                               const Tensor& d_fake) const {
  if (options_.loss != Loss::loss_sensitive) return d_loss(options_.loss, d_real, d_fake);
  const Tensor margin = l1_margin(real, fake, options_.qi.tau);
  return ls_critic_loss(loss_values(d_real, options_.qi.nonneg), loss_values(d_fake, options_.qi.nonneg), margin,
                        options_.qi);
}

Tensor GanTrainer::adversarial_g_loss(const Tensor& fake) {
  const Tensor d_fake = run_d(noisy(fake, noise_std()));
  if (options_.loss == Loss::loss_sensitive) return ls_generator_loss(loss_values(d_fake, options_.qi.nonneg));
  return g_loss(options_.loss, d_fake);
}

Tensor GanTrainer::critic_update(const Tensor& real, const Tensor& z, bool keep_graph, Tensor& fake,
                                 std::map<std::string, double>* metrics) {
  {
    // Only the last critic step's fake batch trains G: the others need no graph.
    GradModeGuard graph(grad_enabled() && keep_graph);
    fake = run_g(z);
  }
  opt_d_->zero_grad();
  const Tensor ld = critic_loss(lensed(real), fake, metrics);
  backward_and_step(ld, *opt_d_);
  if (options_.clip > 0) nn::clip_weights_(d_->parameters(), options_.clip);
  return ld;
}

Tensor GanTrainer::generator_update(const Tensor& fake, const Tensor& z, std::map<std::string, double>* metrics) {
  opt_g_->zero_grad();
  Tensor lg;
  {
    FreezeOthers freeze(opt_d_->params(), opt_g_->params());
    lg = generator_loss(fake, z, metrics);
    backward(scaler_.scale_loss(lg));
  }
  if (scaler_.unscale(opt_g_->params())) opt_g_->step();
  return lg;
}

void GanTrainer::end_step(std::map<std::string, double>& metrics) {
  ++steps_done_;
  if (scaler_.enabled()) {
    metrics["loss_scale"] = scaler_.scale();
    metrics["skipped_steps"] = static_cast<double>(scaler_.skipped());
    scaler_.update();
  }
  if (toy_ && steps_done_ % config_.log_every == 0) {
    Generator eval(config_.seed ^ kEvalStream);
    const ModeStats s = mode_stats(sample(kEvalPoints, eval), toy_->centres, toy_->std);
    metrics["modes"] = static_cast<double>(s.modes_covered);
    metrics["high_quality"] = s.high_quality;
  }
}

std::map<std::string, double> GanTrainer::step() {
  std::map<std::string, double> metrics;
  Tensor fake, z, real;
  for (int64_t i = 0; i < options_.n_critic; ++i) {
    real = next_real();
    z = randn({real.size(0), z_dim_}, config_.device, &noise_);
    metrics["loss_d"] = critic_update(real, z, i == options_.n_critic - 1, fake, &metrics).item();
  }
  if (lens_) lens_step(real, fake, &metrics);
  metrics["loss_g"] = generator_update(fake, z, &metrics).item();
  end_step(metrics);
  return metrics;
}

// Each option below draws random numbers inside the step (their Philox
// offsets would be frozen in the graph) or reads a value on the host there.
std::string GanTrainer::graph_unsupported() const {
  if (scaler_.enabled()) return "--loss-scale (the finite check of the gradients reads them on the host)";
  if (options_.noise > 0) return "option noise (instance noise is drawn inside the step)";
  if (options_.gp > 0) return "option gp (the gradient penalty draws its interpolation weights inside the step)";
  if (options_.r1 > 0 || options_.r2 > 0) return "options r1/r2 (their penalties are read on the host to be logged)";
  if (options_.jc > 0) return "option jc (Jacobian clamping draws its directions inside the step)";
  if (options_.tangent > 0) return "option tangent (the penalty draws its directions inside the step)";
  if (lens_) return "option lens (its schedule and logged distance are host values of the step)";
  return "";
}

// CUDA graphs: the batches and z of the step's n_critic D updates are drawn
// by prepare, in step()'s order, into static tensors; the body is step()'s
// device work on them; finish is step()'s host bookkeeping.
train::GraphStep GanTrainer::graph_step() {
  train::GraphStep split;
  split.unsupported = graph_unsupported();
  if (!split.unsupported.empty()) return split;
  split.prepare = [this] {
    if (graph_reals_.empty()) {
      opt_d_->begin_graph(options_.n_critic);
      opt_g_->begin_graph();
    }
    for (size_t i = 0; i < static_cast<size_t>(options_.n_critic); ++i) {
      const Tensor real = next_real();
      const Tensor z = randn({real.size(0), z_dim_}, config_.device, &noise_);
      if (graph_reals_.size() <= i) {
        graph_reals_.push_back(empty_like(real));
        graph_zs_.push_back(empty_like(z));
      }
      if (real.shape() != graph_reals_[i].shape())
        throw std::runtime_error(config_.model + ": --cuda-graph needs batches of one shape, got " + describe(real) +
                                 " after " + describe(graph_reals_[i]));
      copy_(graph_reals_[i], real);
      copy_(graph_zs_[i], z);
    }
    opt_d_->graph_prepare();
    opt_g_->graph_prepare();
  };
  split.body = [this] {
    Tensor fake, ld;
    for (size_t i = 0; i < graph_reals_.size(); ++i)
      ld = critic_update(graph_reals_[i], graph_zs_[i], i + 1 == graph_reals_.size(), fake, nullptr);
    const Tensor lg = generator_update(fake, graph_zs_.back(), nullptr);
    return std::map<std::string, Tensor>{{"loss_d", detach(ld)}, {"loss_g", detach(lg)}};
  };
  split.finish = [this](std::map<std::string, double>& metrics) {
    opt_d_->graph_advance();
    opt_g_->graph_advance();
    end_step(metrics);
  };
  split.end = [this] {
    opt_d_->end_graph();
    opt_g_->end_graph();
    graph_reals_.clear();
    graph_zs_.clear();
  };
  return split;
}

std::map<std::string, Tensor> GanTrainer::losses() {
  const Tensor real = next_real();
  Tensor z;
  const Tensor fake = make_fake(real.size(0), &z);
  return {{"loss_d", critic_loss(lensed(real), fake, nullptr)}, {"loss_g", generator_loss(fake, z, nullptr)}};
}

metrics::EvalOptions GanTrainer::fid_options() const { return scorer_->eval_options(); }

std::map<std::string, double> GanTrainer::scores() {
  std::map<std::string, double> out;
  if (options_.jac_n > 0) {
    Generator gen(config_.seed ^ kJacobianStream);
    out = metrics::spectrum_scores(metrics::jacobian_spectrum(*this, options_.jac_n, gen, config_.device));
  }
  out.merge((*scorer_)(*this));
  return out;
}

train::Parts GanTrainer::parts() const {
  train::Parts p{{{"G", g_.get()}, {"D", d_.get()}}, {{"opt_G", opt_g_.get()}, {"opt_D", opt_d_.get()}}};
  if (lens_) {
    p.modules.emplace_back("L", lens_.get());
    p.optimizers.emplace_back("opt_L", opt_lens_.get());
  }
  return p;
}

NamedTensors GanTrainer::named_parameters() const { return train::named_parameters(parts()); }

Tensor GanTrainer::sample(int64_t n, Generator& gen) {
  NoGradGuard no_grad;
  g_->eval();
  Tensor out = to(run_g(randn({n, z_dim_}, config_.device, &gen)), Device::cpu());
  g_->train();
  return out;
}

Tensor GanTrainer::picture(int64_t n, Generator& gen) {
  if (!toy_) return Trainer::picture(n, gen);
  return scatter_plot(sample(std::max(n, kScatterPoints), gen), *toy_).to_tensor();
}

train::TrainerState GanTrainer::state() const {
  train::TrainerState s = train::put_run({parts(), "gan_steps"}, noise_, steps_done_, run_data_.position());
  if (scaler_.enabled()) s.values["loss_scaler"] = scaler_.state();
  return s;
}

void GanTrainer::load(const train::TrainerState& s) {
  steps_done_ = train::get_run(s, {parts(), "gan_steps"}, noise_, run_data_.position());
  if (scaler_.enabled() && s.values.contains("loss_scaler")) scaler_.load(s.values.at("loss_scaler"));
}

}  // namespace nabla::gan
