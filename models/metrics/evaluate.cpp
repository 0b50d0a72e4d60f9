#include "models/metrics/evaluate.h"

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "autograd/nabla.h"
#include "models/data/mnist.h"
#include "models/io/png.h"
#include "models/metrics/fid.h"
#include "models/metrics/inception_score.h"
#include "models/metrics/jacobian.h"

namespace nabla::metrics {

namespace {

const std::vector<std::string> kSampleMetrics = {"fid", "is", "pr", "gs", "birthday", "mre", "jacobian"};

bool is_likelihood_metric(const std::string& m) {
  const std::vector<std::string>& names = likelihood_metric_names();
  return std::count(names.begin(), names.end(), m) > 0;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string model_name(const EvalOptions& o) { return o.model.empty() ? "this model" : o.model; }

void check_metric_names(const std::vector<std::string>& metrics) {
  for (const std::string& m : metrics)
    if (std::count(kSampleMetrics.begin(), kSampleMetrics.end(), m) == 0 && !is_likelihood_metric(m))
      throw std::invalid_argument("eval: unknown metric \"" + m + "\"; known: fid, is, gs, birthday, mre, jacobian, pr, " +
                                  joined(likelihood_metric_names()));
}

// The likelihood metrics asked for, from the trainer as a LikelihoodModel.
std::map<std::string, double> likelihoods(train::Trainer& trainer, const EvalOptions& o) {
  LikelihoodOptions lo{.metrics = {}, .n = o.n, .iwae_k = o.iwae_k, .iwae_n = o.iwae_n};
  for (const std::string& m : o.metrics)
    if (is_likelihood_metric(m)) lo.metrics.push_back(m);
  if (lo.metrics.empty()) return {};
  auto* model = dynamic_cast<LikelihoodModel*>(&trainer);
  if (!model)
    throw std::invalid_argument("eval: " + lo.metrics.front() + " needs a likelihood model (vae, conv-vae, cvae, nice, "
                                "realnvp, pixelcnn, pixelrnn); " + model_name(o) + " has no test likelihood");
  const std::vector<std::string> has = model->likelihood_metrics();
  for (const std::string& m : lo.metrics)
    if (std::count(has.begin(), has.end(), m) == 0)
      throw std::invalid_argument("eval: " + m + " does not apply to " + model_name(o) + "; its likelihood metrics: " +
                                  joined(has));
  if (lo.n <= 0 || lo.iwae_k <= 0 || lo.iwae_n <= 0)
    throw std::invalid_argument("eval: --n, --iwae-k and --iwae-n must be positive");
  return model->likelihood_scores(lo);
}

// The first n test images in [-1, 1], f32 [n, 1, 28, 28], loaded once.
class TestImages {
 public:
  explicit TestImages(const std::string& data) : data_(data) {}
  Tensor first(int64_t n) {
    if (!set_) set_ = data::load_fashion_mnist(data::Split::test, data_);
    return to(slice(set_->images, 0, 0, std::min(n, set_->size())), DType::f32) / 127.5 - 1.0;
  }

 private:
  std::string data_;
  std::optional<data::Dataset> set_;
};

const FeatureNet& need_net(const FeatureNet* net, const std::string& metric) {
  if (!net) throw std::invalid_argument("eval: " + metric + " needs a feature network (--classifier)");
  return *net;
}

double geometry(train::Trainer& trainer, TestImages& test, Generator& gen, const EvalOptions& o) {
  GeometryScoreOptions gs = o.gs;
  gs.seed = o.seed;
  const Tensor real = test.first(o.gs_n), fake = trainer.sample(real.size(0), gen);
  const std::vector<double> a = mean_relative_living_times(real, gs), b = mean_relative_living_times(fake, gs);
  if (!o.gs_plot.empty()) plot_mrlt(o.gs_plot, {{"test images", a}, {"samples", b}}, "MRLT");
  return geometry_score(a, b);
}

void birthday(train::Trainer& trainer, const FeatureNet* net, TestImages& test, Generator& gen, const EvalOptions& o,
              std::map<std::string, double>& out) {
  std::function<Tensor(int64_t, Generator&)> sample = [&](int64_t n, Generator& g) { return trainer.sample(n, g); };
  Tensor reference;
  if (o.birthday.threshold <= 0) reference = test.first(o.n);
  if (o.birthday_features) {
    const FeatureNet& f = need_net(net, "birthday_features");
    sample = [&](int64_t n, Generator& g) { return f(trainer.sample(n, g), o.batch).features; };
    if (reference.defined()) reference = f(reference, o.batch).features;
  }
  const BirthdayResult r = birthday_test(sample, gen, o.birthday, reference);
  out["birthday_threshold"] = r.threshold;
  out["birthday_support"] = r.support;
  for (const BirthdayRow& row : r.rows) out["birthday_rate_s" + std::to_string(row.s)] = row.duplicate_rate;
  if (!o.birthday_pairs.empty() && r.closest.defined()) {
    // Pairs side by side, 4 pairs a row; the images are the samples themselves, even in feature space.
    if (o.birthday_features) throw std::invalid_argument("eval: --birthday-pairs shows images, not features");
    io::write_png(o.birthday_pairs, io::image_grid(r.closest, 8, 2, -1, 1));
  }
}

LatentModel& latent_model(train::Trainer& trainer, const std::string& metric) {
  auto* model = dynamic_cast<LatentModel*>(&trainer);
  if (!model) throw std::invalid_argument("eval: " + metric + " needs a GAN's generator (a latent space)");
  return *model;
}

double reconstruction(train::Trainer& trainer, TestImages& test, const EvalOptions& o) {
  LatentModel& g = latent_model(trainer, "mre");
  MreOptions mo = o.mre;
  mo.seed = o.seed;
  const Tensor images = to(test.first(o.mre_images), g.latent_device());
  return mean_reconstruction_error([&](const Tensor& z) { return g.generate(z); }, g.latent_dim(), images, mo).mre;
}

// Its own stream, so that asking for jacobian changes no other score.
std::map<std::string, double> jacobian(train::Trainer& trainer, const EvalOptions& o) {
  LatentModel& g = latent_model(trainer, "jacobian");
  Generator gen(o.seed);
  return spectrum_scores(jacobian_spectrum(g, o.jacobian_n, gen, g.latent_device()));
}

}  // namespace

Features sample_features(train::Trainer& trainer, const FeatureNet& net, int64_t n, Generator& gen, int64_t batch) {
  if (n <= 0 || batch <= 0) throw std::invalid_argument("eval: the number of samples and the batch must be positive");
  std::vector<Tensor> feats, probs;
  for (int64_t done = 0; done < n; done += batch) {
    const Features f = net(trainer.sample(std::min(batch, n - done), gen), batch);
    feats.push_back(f.features);
    probs.push_back(f.probs);
  }
  return {cat(feats, 0), cat(probs, 0)};
}

std::map<std::string, double> evaluate(train::Trainer& trainer, const FeatureNet* net, const EvalOptions& options) {
  check_metric_names(options.metrics);
  auto wants = [&](const char* m) { return std::count(options.metrics.begin(), options.metrics.end(), m) > 0; };
  Generator gen(options.seed);
  TestImages test(options.data);
  std::map<std::string, double> out = likelihoods(trainer, options);
  if (wants("fid") || wants("is") || wants("pr")) {
    const FeatureNet& f = need_net(net, wants("fid") ? "fid" : wants("is") ? "is" : "pr");
    const Features samples = sample_features(trainer, f, options.n, gen, options.batch);
    Tensor real;
    if (wants("fid") || wants("pr")) real = f(test.first(options.n), options.batch).features;
    if (wants("fid")) out["fid"] = fid(samples.features, real, {.regularise = options.regularise});
    if (wants("is")) {
      const InceptionScore s = inception_score(samples.probs, 10, options.seed);
      out["is"] = s.mean;
      out["is_std"] = s.std;
    }
    if (wants("pr")) {
      const PrecisionRecall pr = precision_recall(real, samples.features, options.pr);
      out["precision"] = pr.precision;
      out["recall"] = pr.recall;
    }
  }
  if (wants("gs")) out["gs"] = geometry(trainer, test, gen, options);
  if (wants("birthday")) birthday(trainer, net, test, gen, options, out);
  if (wants("mre")) out["mre"] = reconstruction(trainer, test, options);
  if (wants("jacobian")) out.merge(jacobian(trainer, options));
  return out;
}

std::map<std::string, double> evaluate(train::Trainer& trainer, const FeatureNet& net, const EvalOptions& options) {
  return evaluate(trainer, &net, options);
}

}  // namespace nabla::metrics
