#pragma once
// Tempered adversarial networks (Sajjadi et al. 2018): a lens L between the
// real data and D, trained with lambda(t) L_adv + ||x - L(x)||^2, where
// L_adv = -(D's loss on L(x) and the fake batch) (the lens works against D)
// and lambda(t) = 1 - sin(t pi / 2K) for t < K, 0 after (the paper's smooth
// schedule), so that L becomes the identity by step K.
#include <cstdint>

#include "core/random.h"
#include "models/nn/nn.h"

namespace nabla::gan {

// x + body(x): starts near the identity and stays residual.
class Lens : public nn::Module {
 public:
  explicit Lens(nn::ModulePtr body);
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Lens"; }

 private:
  nn::ModulePtr body_;
};

// For 2-D points: body 2 -> 64 -> 64 -> 2 (ReLU). PyTorch's default init,
// except the body's last layer, which starts at zero (L starts as the identity).
nn::ModulePtr toy_lens(Generator* gen);
// For [N, 1, 28, 28] images: body Conv(1,16,3,p1) -> ReLU -> Conv(16,16,3,p1)
// -> ReLU -> Conv(16,1,3,p1), the last one starting at zero.
nn::ModulePtr image_lens(Generator* gen);

// lambda(t) for step t (0-based) of K; 0 when K <= 0.
double lens_lambda(int64_t t, int64_t k);

}  // namespace nabla::gan
