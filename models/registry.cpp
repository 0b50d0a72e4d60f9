#include "models/registry.h"

#include <stdexcept>

#include "models/ae/ae_trainer.h"
#include "models/ar/pixel_trainer.h"
#include "models/flow/flow_trainer.h"
#include "models/gan/aegan.h"
#include "models/gan/bgan.h"
#include "models/gan/cgan.h"
#include "models/gan/cyclegan.h"
#include "models/gan/dirac_gan.h"
#include "models/gan/gan_trainer.h"
#include "models/gan/nets.h"
#include "models/metrics/classifier.h"
#include "models/metrics/jacobian.h"
#include "models/metrics/score_plot.h"
#include "models/vae/vae_trainer.h"

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

// Qi 2017's loss-sensitive objective with Adam 1e-4 (0.5, 0.999) and weight
// decay 5e-5 (Qi's lsgan.lua); `nonneg` and `slope` tell LS-GAN from GLS-GAN.
gan::GanOptions loss_sensitive(gan::Nonneg nonneg, double slope, double clip) {
  gan::GanOptions o = clipped(objective(gan::Loss::loss_sensitive, gan::Optim::adam, 0.5, 0.999, 1), clip);
  o.qi.nonneg = nonneg;
  o.qi.slope = slope;
  o.weight_decay = 5e-5;
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
      {"cgan", "Conditional GAN (Mirza & Osindero 2014): one-hot label joined to z and to D's input (as planes), DCGAN-28 nets; --set data=ring8|grid25 for 2-D",
       {1200, 64, 2e-4},
       [](const train::TrainConfig& c) { return std::make_unique<gan::CganTrainer>(c); }},
      {"aegan", "AEGAN (Lazarou 2020): G, encoder E, image and latent discriminators, L1 image (10) and L2 latent (5) reconstruction; --set data=ring8|grid25",
       {1200, 64, 2e-4},
       [](const train::TrainConfig& c) { return std::make_unique<gan::AeganTrainer>(c); }},
      {"lsgan-qi", "LS-GAN (Qi 2017): loss function L(x) = softplus(D(x)) >= 0, margin 2e-4 ||x - G(z)||_1, hinge cost, Adam 1e-4 (0.5, 0.999), weight decay 5e-5",
       {1200, 64, 1e-4},
       variant({gan::kDcganZDim, gan::dcgan28_generator, gan::dcgan28_discriminator}, gan::toy_discriminator,
               loss_sensitive(gan::Nonneg::softplus, 0, 0))},
      {"glsgan", "GLS-GAN (Qi 2017, appendix D): LS-GAN with L unconstrained and a leaky cost, --set slope=0.5 (0: LS-GAN, 1: WGAN), clip 0.04",
       {1200, 64, 1e-4},
       variant({gan::kDcganZDim, gan::dcgan28_generator, gan::dcgan28_discriminator}, gan::toy_discriminator,
               loss_sensitive(gan::Nonneg::none, 0.5, 0.04))},
      {"dirac-gan", "Dirac-GAN (Mescheder et al. 2018): the 2-parameter game theta, psi; --set loss=gan|ns|wgan|wgan-gp|noise|r1 update=simultaneous|alternating",
       {500, 1, 0.1},
       [](const train::TrainConfig& c) { return std::make_unique<gan::DiracGanTrainer>(c); }},
      {"cyclegan", "CycleGAN (Zhu et al. 2017): two ResNet G's, two PatchGAN D's, least squares + cycle L1 (10) between Fashion-MNIST classes; --set a=7 b=9 cycle=10 identity=0",
       {2000, 16, 2e-4},
       [](const train::TrainConfig& c) { return std::make_unique<gan::CycleGanTrainer>(c); }},
      {"bgan", "BGAN (Lucas et al. 2018): mixed batches, fake ratio q ~ U[0, 1], a permutation-invariant D (mean-pooled features) predicting q; --set data=ring8|grid25|fashion (images: --lr 2e-4)",
       {3000, 64, 1e-3},
       [](const train::TrainConfig& c) { return std::make_unique<gan::BganTrainer>(c, gan::BatchD::pooled); }},
      {"m-bgan", "M-BGAN (Lucas et al. 2018): as bgan, but one prediction of q per point from its features and the batch mean, the loss averaged over them",
       {3000, 64, 1e-3},
       [](const train::TrainConfig& c) { return std::make_unique<gan::BganTrainer>(c, gan::BatchD::per_sample); }},
      {"classifier", "Fashion-MNIST CNN classifier (2 conv + 2 linear, Adam, cross entropy): the feature network of FID and IS; --set eval_n=10000 test images scored",
       {2000, 128, 1e-3},
       [](const train::TrainConfig& c) { return std::make_unique<metrics::ClassifierTrainer>(c); }},
      {"vae", "VAE (Kingma & Welling 2014): MLP 784-400-z20, Bernoulli decoder on binarised images; --set decoder=gaussian variance=learned beta=4 beta_schedule=linear|cyclic (Higgins et al. 2017, Fu et al. 2019) iwae_k=1000 iwae_n=500",
       {6000, 128, 1e-3},
       [](const train::TrainConfig& c) { return std::make_unique<vae::VaeTrainer>(c, vae::VaeKind::mlp); }},
      {"conv-vae", "Conv VAE: two stride-2 4x4 convs to z20, transposed convs back; options as vae",
       {2000, 64, 1e-3},
       [](const train::TrainConfig& c) { return std::make_unique<vae::VaeTrainer>(c, vae::VaeKind::conv); }},
      {"cvae", "CVAE (Sohn et al. 2015): the vae conditioned on the class (one-hot into encoder and decoder); options as vae",
       {6000, 128, 1e-3},
       [](const train::TrainConfig& c) { return std::make_unique<vae::VaeTrainer>(c, vae::VaeKind::conditional); }},
      {"ae", "Autoencoder: MLP 784-256-32-256-784, ReLU, sigmoid output, MSE; --set code=32 hidden=256",
       {3000, 128, 1e-3},
       [](const train::TrainConfig& c) { return std::make_unique<ae::AeTrainer>(c, ae::AeKind::plain); }},
      {"sparse-ae", "Sparse autoencoder (Ng, CS294A notes): sigmoid code of 64, KL sparsity kl=3 to rho=0.05, optional l1",
       {3000, 128, 1e-3},
       [](const train::TrainConfig& c) { return std::make_unique<ae::AeTrainer>(c, ae::AeKind::sparse); }},
      {"denoising-ae", "Denoising autoencoder (Vincent et al. 2008): noise=masking (level=0.25 of pixels zeroed) or gaussian (std level)",
       {3000, 128, 1e-3},
       [](const train::TrainConfig& c) { return std::make_unique<ae::AeTrainer>(c, ae::AeKind::denoising); }},
      {"nice", "NICE (Dinh et al. 2015): 4 additive couplings (MLP 3x512), diagonal scaling, logistic prior; bits/dim on dequantised data",
       {3000, 64, 3e-3},
       [](const train::TrainConfig& c) { return std::make_unique<flow::FlowTrainer>(c, flow::FlowKind::nice); }},
      {"realnvp", "Real NVP (Dinh et al. 2017): affine couplings (checkerboard, channel), squeeze, 2 scales, actnorm, ResNet s/t of width 16; --set conv1x1=1 for Glow's 1x1 conv",
       {800, 64, 1e-3},
       [](const train::TrainConfig& c) { return std::make_unique<flow::FlowTrainer>(c, flow::FlowKind::realnvp); }},
      {"pixelcnn", "PixelCNN (van den Oord et al. 2016): 7x7 type-A masked conv, 4 residual blocks (1x1, 3x3 type B, 1x1) of width 32; binarised (Bernoulli, nats/image) or --set levels=256 (softmax, bits/dim)",
       {1500, 32, 1e-3},
       [](const train::TrainConfig& c) { return std::make_unique<ar::PixelTrainer>(c, ar::PixelNet::pixelcnn); }},
      {"pixelrnn", "PixelRNN (van den Oord et al. 2016), Row LSTM: 7x7 type-A masked conv, 2 residual Row LSTM layers (h = 16, k = 3); binarised (Bernoulli, nats/image) or --set levels=256 (softmax, bits/dim)",
       {1500, 32, 1e-3},
       [](const train::TrainConfig& c) { return std::make_unique<ar::PixelTrainer>(c, ar::PixelNet::pixelrnn); }},
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
  train::RunResult result = train::run_training(config, lookup, out);
  // Runs that logged the Jacobian spectrum (gan option jac_n) also get its plot.
  const io::Metrics logged = io::read_metrics(result.run_dir + "/metrics.jsonl");
  const std::string spectrum = result.run_dir + "/plots/jacobian.png";
  if (metrics::plot_jacobian_spectrum(logged, spectrum, "log condition number and log singular values of dG/dz"))
    out << "jacobian:    " << spectrum << "\n";
  // Runs that logged FID or IS (gan option fid_classifier) get their plot.
  const std::string fid = result.run_dir + "/plots/fid.png";
  if (metrics::plot_fid_is(logged, fid, "FID")) out << "fid plot:    " << fid << "\n";
  return result;
}

}  // namespace nabla
