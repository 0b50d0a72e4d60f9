#include "models/metrics/evaluate.h"

#include <algorithm>
#include <stdexcept>

#include "autograd/nabla.h"
#include "models/data/mnist.h"
#include "models/metrics/fid.h"
#include "models/metrics/inception_score.h"
#include "models/metrics/jacobian.h"

namespace nabla::metrics {

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

std::map<std::string, double> evaluate(train::Trainer& trainer, const FeatureNet& net, const EvalOptions& options) {
  return evaluate(trainer, &net, options);
}

std::map<std::string, double> evaluate(train::Trainer& trainer, const FeatureNet* net, const EvalOptions& options) {
  for (const std::string& m : options.metrics)
    if (m != "fid" && m != "is" && m != "jacobian")
      throw std::invalid_argument("eval: unknown metric \"" + m + "\"; known: fid, is, jacobian");
  auto wants = [&](const char* m) { return std::count(options.metrics.begin(), options.metrics.end(), m) > 0; };
  std::map<std::string, double> out;
  if (wants("jacobian")) {
    auto* model = dynamic_cast<LatentModel*>(&trainer);
    if (!model) throw std::invalid_argument("eval: metric jacobian needs a generator with a latent space (a GAN)");
    Generator gen(options.seed);
    out = spectrum_scores(jacobian_spectrum(*model, options.jacobian_n, gen, model->latent_device()));
  }
  if (!wants("fid") && !wants("is")) return out;
  if (!net) throw std::invalid_argument("eval: fid and is need a feature network (--classifier)");
  Generator gen(options.seed);
  const Features samples = sample_features(trainer, *net, options.n, gen, options.batch);
  if (wants("fid")) {
    const data::Dataset test = data::load_fashion_mnist(data::Split::test, options.data);
    const int64_t m = std::min(options.n, test.size());
    const Tensor images = to(slice(test.images, 0, 0, m), DType::f32) / 127.5 - 1.0;
    out["fid"] = fid(samples.features, (*net)(images, options.batch).features, {.regularise = options.regularise});
  }
  if (wants("is")) {
    const InceptionScore s = inception_score(samples.probs, 10, options.seed);
    out["is"] = s.mean;
    out["is_std"] = s.std;
  }
  return out;
}

}  // namespace nabla::metrics
