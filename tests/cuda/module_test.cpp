// Modules on the device: a state dict read from a checkpoint lives on the CPU,
// and loading it into a CUDA module must move it (nabla sample / --resume of
// a CUDA run).
#include <gtest/gtest.h>

#include "models/nn/layers.h"
#include "tests/cuda/cuda_testing.h"

namespace nabla::testing {
namespace {

TEST(CudaModule, LoadsACpuStateDictOntoTheDevice) {
  NABLA_REQUIRE_CUDA();
  Generator g1(1), g2(2);
  nn::Linear source(5, 3, true, {}, &g1), target(5, 3, true, {}, &g2);
  target.to(Device::cuda(0));
  target.load_state_dict(source.state_dict());
  EXPECT_TRUE(target.get("weight").device().is_cuda());
  EXPECT_TRUE(allclose(to_cpu(target.get("weight")), source.get("weight"), 0, 0));
  EXPECT_TRUE(allclose(to_cpu(target.get("bias")), source.get("bias"), 0, 0));
}

}  // namespace
}  // namespace nabla::testing
