#include "models/registry.h"

#include <stdexcept>

#include "models/flow/flow_trainer.h"
#include "models/gan/dirac_gan.h"
#include "models/gan/gan_trainer.h"
#include "models/gan/nets.h"
#include "models/metrics/classifier.h"

namespace nabla {

namespace {

train::TrainerFactory gan(gan::GanModel model) {
  return [model](const train::TrainConfig& c) { return std::make_unique<gan::GanTrainer>(c, model); };
}

// The image-only first GANs: the non-saturating loss, Adam (0.5, 0.999), no options.
train::TrainerFactory fixed_gan(gan::GanNets nets) { return gan({nets, std::nullopt, {}, false}); }

// A configurable variant: its image nets, the 2-D nets (Metz et al. 2017)
// with D made by toy_d, and its paper's objective and optimizer.
train::TrainerFactory variant(gan::GanNets image, gan::GanNets::Discriminator toy_d, gan::GanOptions defaults) {
  return gan({image, gan::GanNets{gan::kToyZDim, gan::toy_generator, toy_d}, defaults, true});
}

gan::GanOptions objective(gan::Loss loss, gan::Optim optim, double beta1, double beta2, int64_t n_critic) {
  gan::GanOptions o;
  o.loss = loss;
  o.optimizer = optim;
  o.beta1 = beta1;
  o.beta2 = beta2;
  o.n_critic = n_critic;
  return o;
}

gan::GanOptions clipped(gan::GanOptions o, double clip) {
  o.clip = clip;
  return o;
}

gan::GanOptions penalised(gan::GanOptions o, double lambda) {
  o.gp = lambda;
  return o;
}

std::vector<ModelEntry> make_registry() {
  return {
      {"dcgan", "DCGAN-28 (Radford et al. 2015) on 28x28 images: conv nets with batch norm, non-saturating loss",
       {1200, 64, 2e-4},
       fixed_gan({gan::kDcganZDim, gan::dcgan28_generator, gan::dcgan28_discriminator})},
      {"mlpgan", "MLP GAN (Goodfellow et al. 2014): 2 hidden layers of 256 in G and D, non-saturating loss",
       {3000, 64, 2e-4},
       fixed_gan({gan::kMlpZDim, gan::mlp_generator, gan::mlp_discriminator})},
      {"gan", "GAN (Goodfellow et al. 2014): MLP nets, loss=ns (default) or minimax; --set data=ring8|grid25 for 2-D",
       {3000, 64, 2e-4},
       variant({gan::kMlpZDim, gan::mlp_generator, gan::mlp_discriminator}, gan::toy_discriminator,
               objective(gan::Loss::non_saturating, gan::Optim::adam, 0.5, 0.999, 1))},
      {"lsgan", "LSGAN (Mao et al. 2017): least-squares losses (a=0, b=1, c=1), DCGAN-28 nets, Adam 2e-4 (0.5, 0.999)",
       {1200, 64, 2e-4},
       variant({gan::kDcganZDim, gan::dcgan28_generator, gan::dcgan28_discriminator}, gan::toy_discriminator,
               objective(gan::Loss::least_squares, gan::Optim::adam, 0.5, 0.999, 1))},
      {"wgan", "WGAN (Arjovsky et al. 2017): critic, weight clipping 0.01, RMSprop 5e-5, 5 critic steps",
       {2000, 64, 5e-5},
       variant({gan::kDcganZDim, gan::dcgan28_generator, gan::dcgan28_discriminator}, gan::toy_discriminator,
               clipped(objective(gan::Loss::wasserstein, gan::Optim::rmsprop, 0, 0, 5), 0.01))},
      {"wgan-gp", "WGAN-GP (Gulrajani et al. 2017): gradient penalty 10, Adam 1e-4 (0.5, 0.9), 5 critic steps, no BN in D",
       {2000, 64, 1e-4},
       variant({gan::kDcganZDim, gan::dcgan28_generator, gan::dcgan28_critic}, gan::toy_discriminator,
               penalised(objective(gan::Loss::wasserstein, gan::Optim::adam, 0.5, 0.9, 5), 10))},
      {"sngan", "SN-GAN (Miyato et al. 2018): spectral norm on every D layer, no BN in D, Adam 2e-4 (0.5, 0.999)",
       {1200, 64, 2e-4},
       variant({gan::kDcganZDim, gan::dcgan28_generator, gan::sn_dcgan28_discriminator}, gan::sn_toy_discriminator,
               objective(gan::Loss::non_saturating, gan::Optim::adam, 0.5, 0.999, 1))},
      {"dirac-gan", "Dirac-GAN (Mescheder et al. 2018): the 2-parameter game theta, psi; --set loss=gan|ns|wgan|wgan-gp|noise|r1 update=simultaneous|alternating",
       {500, 1, 0.1},
       [](const train::TrainConfig& c) { return std::make_unique<gan::DiracGanTrainer>(c); }},
      {"classifier", "Fashion-MNIST CNN classifier (2 conv + 2 linear, Adam, cross entropy): the feature network of FID and IS; --set eval_n=10000 test images scored",
       {2000, 128, 1e-3},
       [](const train::TrainConfig& c) { return std::make_unique<metrics::ClassifierTrainer>(c); }},
      {"nice", "NICE (Dinh et al. 2015): 4 additive couplings (MLP 3x512), diagonal scaling, logistic prior; bits/dim on dequantised data",
       {3000, 64, 3e-3},
       [](const train::TrainConfig& c) { return std::make_unique<flow::FlowTrainer>(c, flow::FlowKind::nice); }},
      {"realnvp", "Real NVP (Dinh et al. 2017): affine couplings (checkerboard, channel), squeeze, 2 scales, actnorm, ResNet s/t of width 16; --set conv1x1=1 for Glow's 1x1 conv",
       {800, 64, 1e-3},
       [](const train::TrainConfig& c) { return std::make_unique<flow::FlowTrainer>(c, flow::FlowKind::realnvp); }},
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
