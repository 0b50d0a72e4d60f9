#include "models/metrics/classifier.h"

#include <stdexcept>

#include "autograd/nabla.h"
#include "models/io/canvas.h"
#include "models/train/checkpoint.h"
#include "models/train/data.h"
#include "models/train/state.h"

namespace nabla::metrics {

namespace {

using nn::ModulePtr;
using std::make_shared;

constexpr uint64_t kInitStream = 0x1000;

class MaxPool2d : public nn::Module {
 public:
  explicit MaxPool2d(int64_t k) : k_(k) {}
  Tensor forward(const Tensor& x) override { return max_pool2d(x, k_); }
  std::string type_name() const override { return "MaxPool2d"; }

 private:
  int64_t k_;
};

ModulePtr conv3(int64_t in, int64_t out, Generator* gen) {
  nn::ConvOptions c;
  c.padding = {1, 1};
  return make_shared<nn::Conv2d>(in, out, std::array<int64_t, 2>{3, 3}, c, Options{}, gen);
}

// u8 pixels p -> p / 127.5 - 1, as the loader's symmetric range.
Tensor symmetric_pixels(const Tensor& u8) { return to(u8, DType::f32) / 127.5 - 1.0; }

// Cells of a labelled grid: the 28x28 image drawn 2x, the class name under it.
constexpr int kCell = 70, kPerRow = 8;

// images u8 [n, 1, 28, 28], labels and predicted i64 [n] -> u8 [H, W, 3].
Tensor labelled_grid(const Tensor& images, const Tensor& labels, const Tensor& predicted) {
  const int n = static_cast<int>(images.size(0));
  const int rows = (n + kPerRow - 1) / kPerRow;
  io::Canvas canvas(kPerRow * kCell, rows * kCell);
  const auto pixels = to_vector<double>(images);
  const auto truth = to_vector<int64_t>(labels), guess = to_vector<int64_t>(predicted);
  for (int i = 0; i < n; ++i) {
    const int x0 = (i % kPerRow) * kCell, y0 = (i / kPerRow) * kCell;
    for (int y = 0; y < 56; ++y)
      for (int x = 0; x < 56; ++x) {
        const auto p = static_cast<uint8_t>(pixels[i * 784 + (y / 2) * 28 + x / 2]);
        canvas.set(x0 + 7 + x, y0 + 2 + y, {p, p, p});
      }
    const std::string name = data::fashion_mnist_classes()[guess[i]];
    const io::Rgb colour = guess[i] == truth[i] ? io::Rgb{0, 140, 0} : io::Rgb{210, 0, 0};
    canvas.text(x0 + (kCell - io::Canvas::text_width(name)) / 2, y0 + 60, name, colour);
  }
  return canvas.to_tensor();
}

}  // namespace

ClassifierNet classifier_net(Generator* gen) {
  ClassifierNet net;
  net.body = make_shared<nn::Sequential>(std::vector<ModulePtr>{
      conv3(1, 32, gen), make_shared<nn::ReLU>(), make_shared<MaxPool2d>(2), conv3(32, 64, gen),
      make_shared<nn::ReLU>(), make_shared<MaxPool2d>(2), make_shared<nn::Flatten>(),
      make_shared<nn::Linear>(64 * 7 * 7, kClassifierFeatures, true, Options{}, gen), make_shared<nn::ReLU>()});
  net.head = make_shared<nn::Linear>(kClassifierFeatures, kClassifierClasses, true, Options{}, gen);
  return net;
}

ClassifierTrainer::ClassifierTrainer(const train::TrainConfig& config)
    : config_(config), eval_n_(config.option<int64_t>("eval_n", 10000)) {
  config.check_options({"eval_n"});
  if (eval_n_ <= 0) throw std::invalid_argument("classifier: option eval_n must be positive");
  Generator init(config.seed ^ kInitStream);
  net_ = classifier_net(&init);
  net_.body->to(config.device);
  net_.head->to(config.device);
  std::vector<Tensor> params = net_.body->parameters();
  for (const Tensor& p : net_.head->parameters()) params.push_back(p);
  opt_ = std::make_unique<nn::Adam>(params, config.lr);
}

data::Loader& ClassifierTrainer::loader() {
  if (!loader_) {
    loader_.emplace(train::training_loader(config_));
    loader_position_.bind(*loader_);
  }
  return *loader_;
}

const data::Dataset& ClassifierTrainer::test_set() {
  if (!test_)
    test_ = data::load_fashion_mnist(data::Split::test, config_.data);
  return *test_;
}

int64_t ClassifierTrainer::batches_per_epoch() { return loader().batches_per_epoch(); }

Tensor ClassifierTrainer::loss_of(const data::Batch& batch) {
  const Tensor x = to(batch.images, config_.device);
  const Tensor logits = (*net_.head)((*net_.body)(x));
  return cross_entropy(logits, to(batch.labels, config_.device));
}

std::map<std::string, double> ClassifierTrainer::step() {
  opt_->zero_grad();
  const Tensor loss = loss_of(loader().next());
  backward(loss);
  opt_->step();
  return {{"loss", loss.item()}};
}

std::map<std::string, Tensor> ClassifierTrainer::losses() { return {{"loss", loss_of(loader().next())}}; }

std::map<std::string, double> ClassifierTrainer::scores() {
  const FeatureNet features(net_, config_.device);
  return {{"test_accuracy", features.accuracy(test_set(), eval_n_)}};
}

Tensor ClassifierTrainer::sample(int64_t n, Generator& gen) {
  const data::Dataset& test = test_set();
  const Tensor index = randint(0, test.size(), {n}, DType::i64, &gen);
  return symmetric_pixels(index_select(test.images, 0, index));
}

Tensor ClassifierTrainer::picture(int64_t n, Generator& gen) {
  const data::Dataset& test = test_set();
  const Tensor index = randint(0, test.size(), {n}, DType::i64, &gen);
  const Tensor images = index_select(test.images, 0, index);
  const Tensor predicted = argmax(FeatureNet(net_, config_.device)(symmetric_pixels(images)).probs, {1});
  return labelled_grid(images, index_select(test.labels, 0, index), predicted);
}

NamedTensors ClassifierTrainer::named_parameters() const {
  NamedTensors out;
  for (const auto& [name, p] : net_.body->named_parameters()) out.emplace_back("body." + name, p);
  for (const auto& [name, p] : net_.head->named_parameters()) out.emplace_back("head." + name, p);
  return out;
}

train::TrainerState ClassifierTrainer::state() const {
  train::TrainerState s;
  train::put_module(s, "body", *net_.body);
  train::put_module(s, "head", *net_.head);
  train::put_optimizer(s, "opt", *opt_);
  loader_position_.put(s, "loader");
  return s;
}

void ClassifierTrainer::load(const train::TrainerState& s) {
  train::get_module(s, "body", *net_.body);
  train::get_module(s, "head", *net_.head);
  train::get_optimizer(s, "opt", *opt_);
  loader_position_.get(s, "loader");
}

FeatureNet::FeatureNet(ClassifierNet net, Device device) : net_(std::move(net)), device_(device) {}

FeatureNet FeatureNet::load(const std::string& checkpoint, Device device) {
  const train::Checkpoint c = train::load_checkpoint(checkpoint);
  if (c.config.model != "classifier")
    throw std::runtime_error(checkpoint + ": a checkpoint of model \"" + c.config.model +
                             "\", not of the classifier (`nabla train classifier`)");
  ClassifierNet net = classifier_net(nullptr);
  train::get_module(c.state, "body", *net.body);
  train::get_module(c.state, "head", *net.head);
  net.body->to(device);
  net.head->to(device);
  return FeatureNet(net, device);
}

Features FeatureNet::operator()(const Tensor& images, int64_t batch) const {
  if (images.dim() != 4 || images.size(1) != 1 || images.size(2) != 28 || images.size(3) != 28)
    throw std::invalid_argument("features: expected images [N, 1, 28, 28], got " + describe(images));
  if (batch <= 0) throw std::invalid_argument("features: batch must be positive");
  NoGradGuard no_grad;
  // Eval mode for the pass, then back to the mode the net was in (a trainer
  // scoring its own net goes on training).
  const bool was_training = net_.body->is_training();
  struct ModeGuard {
    const ClassifierNet& net;
    bool training;
    ~ModeGuard() {
      net.body->train(training);
      net.head->train(training);
    }
  } guard{net_, was_training};
  net_.body->eval();
  net_.head->eval();
  std::vector<Tensor> feats, probs;
  for (int64_t start = 0; start < images.size(0); start += batch) {
    const int64_t end = std::min(images.size(0), start + batch);
    const Tensor x = to(to(slice(images, 0, start, end), DType::f32), device_);
    const Tensor f = (*net_.body)(x);
    feats.push_back(to(f, Device::cpu()));
    probs.push_back(to(softmax((*net_.head)(f), 1), Device::cpu()));
  }
  if (feats.empty()) return {zeros({0, kClassifierFeatures}), zeros({0, kClassifierClasses})};
  return {cat(feats, 0), cat(probs, 0)};
}

double FeatureNet::accuracy(const data::Dataset& data, int64_t n) const {
  const int64_t count = n < 0 ? data.size() : std::min(n, data.size());
  if (count == 0) throw std::invalid_argument("classifier accuracy: no examples");
  const Features f = (*this)(symmetric_pixels(slice(data.images, 0, 0, count)));
  const Tensor predicted = argmax(f.probs, {1});
  const Tensor right = eq(predicted, slice(data.labels, 0, 0, count));
  return sum(to(right, DType::f64)).item() / static_cast<double>(count);
}

}  // namespace nabla::metrics
