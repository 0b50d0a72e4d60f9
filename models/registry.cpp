#include "models/registry.h"

#include <stdexcept>

#include "models/gan/dirac_gan.h"
#include "models/gan/gan_trainer.h"
#include "models/gan/nets.h"
#include "models/metrics/classifier.h"

namespace nabla {

namespace {

train::TrainerFactory gan(gan::GanNets nets) {
  return [nets](const train::TrainConfig& c) { return std::make_unique<gan::GanTrainer>(c, nets); };
}

std::vector<ModelEntry> make_registry() {
  return {
      {"dcgan", "DCGAN-28 (Radford et al. 2015) on 28x28 images: conv nets with batch norm, non-saturating loss",
       {1200, 64, 2e-4},
       gan({gan::kDcganZDim, gan::dcgan28_generator, gan::dcgan28_discriminator})},
      {"mlpgan", "MLP GAN (Goodfellow et al. 2014): 2 hidden layers of 256 in G and D, non-saturating loss",
       {3000, 64, 2e-4},
       gan({gan::kMlpZDim, gan::mlp_generator, gan::mlp_discriminator})},
      {"dirac-gan", "Dirac-GAN (Mescheder et al. 2018): the 2-parameter game theta, psi; --set loss=gan|ns|wgan|wgan-gp|noise|r1 update=simultaneous|alternating",
       {500, 1, 0.1},
       [](const train::TrainConfig& c) { return std::make_unique<gan::DiracGanTrainer>(c); }},
      {"classifier", "Fashion-MNIST CNN classifier (2 conv + 2 linear, Adam, cross entropy): the feature network of FID and IS; --set eval_n=10000 test images scored",
       {2000, 128, 1e-3},
       [](const train::TrainConfig& c) { return std::make_unique<metrics::ClassifierTrainer>(c); }},
  };
}

}  // namespace

const std::vector<ModelEntry>& model_registry() {
  static const std::vector<ModelEntry> registry = make_registry();
  return registry;
}

const ModelEntry& find_model(const std::string& name) {
  std::string known;
  for (const ModelEntry& m : model_registry()) {
    if (m.name == name) return m;
    known += (known.empty() ? "" : ", ") + m.name;
  }
  throw std::invalid_argument("unknown model \"" + name + "\"; known models: " + known);
}

train::RunResult train_model(const train::TrainConfig& config, std::ostream& out) {
  auto lookup = [](const std::string& name) {
    const ModelEntry& m = find_model(name);
    return train::ModelSpec{m.defaults, m.make};
  };
  return train::run_training(config, lookup, out);
}

}  // namespace nabla
