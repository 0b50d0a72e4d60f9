#pragma once
// Real NVP (Dinh, Sohl-Dickstein & Bengio 2017), sized for 28x28 on a CPU.
// The input y in [0, 1] goes through the logit transform, then `scales`
// scales. Every scale but the last: 3 checkerboard couplings (alternating
// parity), squeeze, 3 channel couplings (alternating halves), and half of the
// channels factored out; the last scale: 4 checkerboard couplings. Every
// coupling is preceded by ActNorm (in place of the paper's batch norm: no
// batch statistics, so the flow is the same function in training and
// evaluation), and, with conv1x1, by Glow's invertible 1x1 convolution where
// there is more than one channel. Prior: standard Gaussian.
//
// The s and t net of a coupling (a small ResNet): Conv3x3(in, width) - ReLU -
// `blocks` residual blocks [ReLU - Conv3x3 - ReLU - Conv3x3, plus the input]
// - ReLU - Conv3x3(width, 2 acted) initialised to zero, so that every coupling
// starts as the identity.
#include <cstdint>
#include <memory>

#include "core/random.h"
#include "models/flow/conv1x1.h"
#include "models/flow/flow.h"

namespace nabla::flow {

struct RealNvpOptions {
  int64_t scales = 2;
  int64_t width = 16;
  int64_t blocks = 1;
  bool conv1x1 = false;
  Conv1x1Param conv1x1_param = Conv1x1Param::lu;  // see conv1x1.h
};

std::shared_ptr<FlowNet> make_realnvp(const Shape& image_shape, const RealNvpOptions& options, Generator* gen);

// The s and t net alone, for the tests: in channels to 2 * out channels.
nn::ModulePtr st_resnet(int64_t in, int64_t out, int64_t width, int64_t blocks, Generator* gen);

}  // namespace nabla::flow
