#pragma once
// Placing fused layer + activation ops (autograd/fused_act.h) in a Sequential.
#include <memory>
#include <string>
#include <utility>

#include "core/fused_act.h"
#include "models/nn/module.h"

namespace nabla::nn {

// An activation that the layer before it computes through a fused op
// (BatchNorm::activation, ConvTranspose2d::activation): the identity, kept
// in a Sequential so that no layer's index or parameter name moves
// (checkpoints load as before); prints as the activation it stands for.
class FusedActivation : public Module {
 public:
  explicit FusedActivation(std::string type) : type_(std::move(type)) {}
  Tensor forward(const Tensor& x) override { return x; }
  std::string type_name() const override { return type_ + " (fused into the layer before)"; }

 private:
  std::string type_;
};

// `layer` (a BatchNorm or ConvTranspose2d) set to apply `a`, and the
// placeholder to put after it in place of the activation module `type`.
template <class M>
std::pair<ModulePtr, ModulePtr> fuse_activation(std::shared_ptr<M> layer, Activation a, std::string type) {
  layer->activation = a;
  return {std::move(layer), std::make_shared<FusedActivation>(std::move(type))};
}

}  // namespace nabla::nn
