#pragma once
// Optimizers over a list of parameters, with PyTorch's update rules in
// PyTorch's order (torch.optim.SGD, Adam, RMSprop with maximize = False,
// foreach = False). step() reads each parameter's .grad (a parameter whose
// grad is undefined is skipped, as in torch) and writes in place under a
// NoGradGuard. The state (per-parameter buffers, the step counts, the
// learning rate) round-trips bitwise through state_dict() for checkpoints.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/optim.h"
#include "core/tensor.h"
#include "models/nn/module.h"

namespace nabla::nn {

class Optimizer {
 public:
  Optimizer(std::vector<Tensor> params, double lr);
  virtual ~Optimizer() = default;
  void step();
  // Sets every parameter's .grad to undefined (torch's set_to_none=True).
  void zero_grad();
  double lr() const { return lr_; }
  void set_lr(double lr) { lr_ = lr; }
  int64_t step_count() const { return step_count_; }
  const std::vector<Tensor>& params() const { return params_; }
  virtual std::string type_name() const = 0;
  // The buffer names this optimizer may keep per parameter.
  virtual std::vector<std::string> slot_names() const = 0;

  // A snapshot (copies, detached) as named tensors, i the parameter's index
  // in params():
  //   "step"            i64 []  calls to step()
  //   "lr"              f64 []  the current learning rate
  //   "state.<i>.step"  i64 []  updates of parameter i (Adam's t), every i
  //   "state.<i>.<slot>"        the buffers parameter i has so far, of its
  //                             shape and dtype: SGD "momentum_buffer"; Adam
  //                             "exp_avg", "exp_avg_sq"; RMSprop
  //                             "square_avg", "grad_avg", "momentum_buffer"
  StateDict state_dict() const;
  // Restores a state_dict() of an optimizer of the same type over parameters
  // of the same shapes and dtypes (tensors are copied onto the parameters'
  // device). Every key is checked before anything changes; missing, unknown
  // or mismatched keys throw std::invalid_argument.
  void load_state_dict(const StateDict& state);

  // CUDA graphs (models/train/graph_step.h). In graph mode step() queues the
  // same updates but counts nothing on the host, and Adam reads its
  // per-step scalars (bias corrections, lr) from device memory, so that one
  // captured step() serves as every step. Around each replay:
  // graph_prepare() writes the next step's scalars (before the replay,
  // outside the graph), graph_advance() counts the step on the host (the
  // parameters step() updated while in graph mode). The buffers (slots) must
  // exist before the capture: one eager step first. lr is read at
  // graph_prepare by Adam; SGD and RMSprop keep the lr of the capture.
  // calls: step() calls per replay (a GAN's n_critic D updates), each with
  // its own scalars; graph_prepare() restarts the count.
  void begin_graph(int64_t calls = 1);
  void graph_prepare();
  void graph_advance();
  void end_graph();
  bool graph_mode() const { return graph_; }

 protected:
  // Updates parameter i with gradient g (already defined).
  virtual void update(size_t i, const Tensor& p, const Tensor& g) = 0;
  // A per-parameter buffer, created as zeros on first use.
  Tensor& slot(size_t i, const std::string& name);
  bool has_slot(size_t i, const std::string& name) const;

  std::vector<Tensor> params_;
  double lr_;
  int64_t step_count_ = 0;              // calls to step()
  std::vector<int64_t> param_steps_;    // updates of each parameter (Adam's t)
  bool graph_ = false;
  int64_t graph_calls_ = 1;             // step() calls per replay
  int64_t graph_call_ = 0;              // the step() call under way since graph_prepare()
  std::vector<bool> graph_updated_;     // parameters step() updated in graph mode

  // Graph mode: allocates (begin) and writes (prepare) what update() reads.
  virtual void begin_graph_scalars() {}
  virtual void prepare_graph_scalars() {}

 private:
  std::vector<std::map<std::string, Tensor>> state_;
};

struct SGDOptions {
  double momentum = 0;
  double dampening = 0;
  double weight_decay = 0;
  bool nesterov = false;
};

// g += wd p; b = g at the first step, else momentum b + (1 - dampening) g;
// g = nesterov ? g + momentum b : b; p -= lr g.
class SGD : public Optimizer {
 public:
  SGD(std::vector<Tensor> params, double lr, SGDOptions opts = {});
  std::string type_name() const override { return "SGD"; }
  std::vector<std::string> slot_names() const override { return {"momentum_buffer"}; }
  SGDOptions opts;

 protected:
  void update(size_t i, const Tensor& p, const Tensor& g) override;
};

struct AdamOptions {
  double beta1 = 0.9, beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0;  // L2 added to the gradient, as torch.optim.Adam
};

// Kingma & Ba (2015), torch's arithmetic: t += 1; g += wd p;
// m = lerp(m, g, 1 - b1); s = b2 s + (1 - b2) g^2;
// p -= lr / (1 - b1^t) * m / (sqrt(s) / sqrt(1 - b2^t) + eps).
class Adam : public Optimizer {
 public:
  Adam(std::vector<Tensor> params, double lr = 1e-3, AdamOptions opts = {});
  std::string type_name() const override { return "Adam"; }
  std::vector<std::string> slot_names() const override { return {"exp_avg", "exp_avg_sq"}; }
  AdamOptions opts;

 protected:
  void update(size_t i, const Tensor& p, const Tensor& g) override;
  void begin_graph_scalars() override;
  void prepare_graph_scalars() override;

 private:
  prim::AdamStep step_of(int64_t t) const;
  // Graph mode: f64 [calls * params, 2] on the parameters' device, row
  // c * params + i the {bias_correction2_sqrt, neg_step_size} of parameter
  // i's update in the replay's step() call c.
  Tensor graph_scalars_;
};

struct RMSpropOptions {
  double alpha = 0.99;
  double eps = 1e-8;
  double weight_decay = 0;
  double momentum = 0;
  bool centered = false;
};

// Hinton's RMSprop, torch's arithmetic: g += wd p; s = alpha s + (1 - alpha) g^2;
// centered: a = lerp(a, g, 1 - alpha), d = sqrt(s - a^2) + eps, else
// d = sqrt(s) + eps; momentum: b = momentum b + g / d, p -= lr b; else
// p -= lr g / d.
class RMSprop : public Optimizer {
 public:
  RMSprop(std::vector<Tensor> params, double lr = 1e-2, RMSpropOptions opts = {});
  std::string type_name() const override { return "RMSprop"; }
  std::vector<std::string> slot_names() const override { return {"square_avg", "grad_avg", "momentum_buffer"}; }
  RMSpropOptions opts;

 protected:
  void update(size_t i, const Tensor& p, const Tensor& g) override;
};

}  // namespace nabla::nn
