// CUDA graphs (core/cuda_graph.h, models/train/graph_step.h): replays run
// the captured work on new inputs without cudaMalloc, the private pool keeps
// the graph's blocks, what cannot be captured throws a clear error, Adam's t
// advances across replays, and the trainers' replayed steps equal their
// eager steps bitwise (mlpgan, dcgan; the 2-D gan, wgan, lsgan-qi).
#include <gtest/gtest.h>

#include "core/cuda_graph.h"
#include "kernels/device.h"
#include "models/nn/optim.h"
#include "tests/cuda/cuda_testing.h"
#include "tests/models/graph_testing.h"
#include "tests/models/train_testing.h"

namespace nabla::testing {
namespace {

const Options kCuda{DType::f32, Device::cuda(0)};

TEST(CudaGraph, RefusesACpuDevice) {
  EXPECT_THROW_MESSAGE((CudaGraph(Device::cpu())), std::invalid_argument, "CudaGraph", "CUDA device", "cpu");
}

TEST(CudaGraph, ReplaysTheCapturedWorkOnNewInputsWithoutMalloc) {
  NABLA_REQUIRE_CUDA();
  Tensor x = zeros({1000}, kCuda), y;
  CudaGraph graph(Device::cuda(0));
  graph.capture([&] { y = x * 2.0 + 1.0; });
  EXPECT_TRUE(graph.captured());
  const void* out = y.data_ptr();
  size_t mallocs = 0;
  for (int k = 0; k < 4; ++k) {
    copy_(x, to_cuda(full({1000}, k)));
    if (k == 1) mallocs = cuda_memory_stats().cudamalloc_calls;
    graph.replay();
    EXPECT_TRUE(allclose(to_cpu(y), full({1000}, 2.0 * k + 1), 0, 0)) << "replay " << k;
    EXPECT_EQ(y.data_ptr(), out);
  }
  EXPECT_EQ(cuda_memory_stats().cudamalloc_calls, mallocs);
  EXPECT_THROW_MESSAGE(graph.capture([] {}), std::logic_error, "already captured");
}

TEST(CudaGraph, BlocksFreedInsideACaptureStayWithTheGraph) {
  NABLA_REQUIRE_CUDA();
  Tensor x = ones({4096}, kCuda), y;
  const void* inner = nullptr;
  const size_t allocated = cuda_memory_stats().allocated;
  {
    CudaGraph graph(Device::cuda(0));
    graph.capture([&] {
      const Tensor t = x * 3.0;  // freed inside: its block is the graph's
      inner = t.data_ptr();
      y = t + 1.0;
    });
    for (int i = 0; i < 3; ++i) {
      const Tensor outside = empty_like(x);  // the same size class as t
      EXPECT_NE(outside.data_ptr(), inner);
    }
    graph.replay();
    EXPECT_TRUE(allclose(to_cpu(y), full({4096}, 4.0), 0, 0));
  }
  y = Tensor();
  EXPECT_EQ(cuda_memory_stats().allocated, allocated);  // the graph gone, its blocks are free again
}

TEST(CudaGraph, HostReadsAndRandomDrawsThrowInsideACapture) {
  NABLA_REQUIRE_CUDA();
  const Tensor x = ones({8}, kCuda);
  CudaGraph reads(Device::cuda(0));
  EXPECT_THROW_MESSAGE(reads.capture([&] { (void)sum(x).item(); }), std::runtime_error, "cuda graph",
                       "item()", "after replay()");
  EXPECT_FALSE(reads.captured());
  CudaGraph draws(Device::cuda(0));
  EXPECT_THROW_MESSAGE(draws.capture([&] { (void)randn({8}, kCuda); }), std::invalid_argument, "normal",
                       "CUDA graph capture", "static");
  CudaGraph syncs(Device::cuda(0));
  EXPECT_THROW_MESSAGE(syncs.capture([] { cuda_synchronize(); }), std::runtime_error, "cuda graph",
                       "synchronize");
  // The device and the allocator work as before after the abandoned captures.
  Tensor y;
  CudaGraph fine(Device::cuda(0));
  fine.capture([&] { y = x + 1.0; });
  fine.replay();
  EXPECT_TRUE(allclose(to_cpu(y), full({8}, 2.0), 0, 0));
  EXPECT_TRUE(allclose(to_cpu(randn({8}, kCuda)), to_cpu(randn({8}, kCuda)), 1e9, 1e9));  // draws work again
}

// Out of memory inside a capture (a failure injected into the allocator's
// next cudaMalloc): the cache cannot be emptied there (cudaFree cannot be
// captured), so the error comes at once and says why; the capture is
// abandoned and the device works afterwards.
TEST(CudaGraph, OutOfMemoryInsideACaptureIsAClearError) {
  NABLA_REQUIRE_CUDA();
  struct Reset {
    ~Reset() { kernels::cuda::inject_malloc_failures(0); }
  } reset;
  const Tensor x = ones({8}, kCuda);
  CudaGraph graph(Device::cuda(0));
  kernels::cuda::inject_malloc_failures(1);
  EXPECT_THROW_MESSAGE(graph.capture([&] { (void)(x + 1.0); }), std::runtime_error, "out of memory",
                       "inside a CUDA graph capture, where the cache cannot be emptied");
  EXPECT_FALSE(graph.captured());
  kernels::cuda::inject_malloc_failures(0);
  Tensor y;
  CudaGraph fine(Device::cuda(0));
  fine.capture([&] { y = x + 1.0; });
  fine.replay();
  EXPECT_TRUE(allclose(to_cpu(y), full({8}, 2.0), 0, 0));
}

// Adam in graph mode: t (the bias corrections) advances at every replay, as
// in the eager steps, because the kernel reads it from device memory.
TEST(CudaGraph, AdamReplaysAdvanceTheStepCount) {
  NABLA_REQUIRE_CUDA();
  auto param = [] {
    Tensor p = to_cuda(sample({300}, DType::f32, 5));
    p.requires_grad_();
    return p;
  };
  Tensor a = param(), b = param();
  nn::Adam eager({a}, 0.01), graph_opt({b}, 0.01);
  auto grad = [](int s) { return to_cuda(sample({300}, DType::f32, 100 + s)); };
  a.set_grad(grad(0));
  b.set_grad(grad(0));
  eager.step();
  graph_opt.step();  // the eager first step creates the moments
  graph_opt.begin_graph();
  CudaGraph graph(Device::cuda(0));
  for (int s = 1; s <= 5; ++s) {
    a.set_grad(grad(s));
    eager.step();
    copy_(b.grad(), grad(s));  // the static gradient the graph reads
    graph_opt.graph_prepare();
    if (!graph.captured()) graph.capture([&] { graph_opt.step(); });
    graph.replay();
    graph_opt.graph_advance();
    EXPECT_TRUE(bitwise_equal(to_cpu(a), to_cpu(b))) << "step " << s + 1;
  }
  EXPECT_EQ(graph_opt.step_count(), 6);
  graph_opt.end_graph();
  const nn::StateDict se = eager.state_dict(), sg = graph_opt.state_dict();
  ASSERT_EQ(se.size(), sg.size());
  for (size_t i = 0; i < se.size(); ++i)
    EXPECT_TRUE(bitwise_equal(to_cpu(se[i].second), to_cpu(sg[i].second))) << se[i].first;
}

using train::testing::run_steps;
using train::testing::StepMode;

void expect_graph_matches_eager(train::TrainConfig c, int64_t steps) {
  c.device = Device::cuda(0);
  const train::testing::StepsRun eager = run_steps(c, steps, StepMode::eager);
  const train::testing::StepsRun graph = run_steps(c, steps, StepMode::graph);
  EXPECT_TRUE(graph.captured);
  train::testing::expect_same_run(eager, graph);
}

train::TrainConfig ring(const std::string& model) {
  train::TrainConfig c = train::testing::small_config(model, "", 100);
  c.log_every = 2;
  c.options["data"] = "ring8";
  return c;
}

TEST(CudaGraphTrain, ReplayedStepsEqualEagerStepsOn2dGans) {
  NABLA_REQUIRE_CUDA();
  expect_graph_matches_eager(ring("gan"), 5);
  train::TrainConfig two = ring("gan");
  two.options["n_critic"] = 2;
  expect_graph_matches_eager(two, 4);
  expect_graph_matches_eager(ring("wgan"), 3);
  expect_graph_matches_eager(ring("lsgan-qi"), 3);
}

TEST(CudaGraphTrain, ReplayedStepsEqualEagerStepsOnMlpganAndDcgan) {
  NABLA_REQUIRE_CUDA();
  SKIP_WITHOUT_FASHION_MNIST();
  expect_graph_matches_eager(train::testing::small_config("mlpgan", "", 100), 5);
  train::TrainConfig c = train::testing::small_config("dcgan", "", 100);
  c.batch = 32;
  expect_graph_matches_eager(c, 5);
}

// After the capture (step 2) the replayed steps allocate nothing new from
// the driver, and each draws fresh noise (the losses move).
TEST(CudaGraphTrain, ReplaysCallNoCudaMalloc) {
  NABLA_REQUIRE_CUDA();
  SKIP_WITHOUT_FASHION_MNIST();
  train::TrainConfig c = train::testing::small_config("dcgan", "", 100);
  c.device = Device::cuda(0);
  std::unique_ptr<train::Trainer> trainer = find_model("dcgan").make(c);
  train::GraphStepper stepper(*trainer, c);
  for (int i = 0; i < 3; ++i) stepper.step();
  ASSERT_TRUE(stepper.captured());
  const size_t mallocs = cuda_memory_stats().cudamalloc_calls;
  std::map<std::string, double> last = stepper.step();
  for (int i = 0; i < 4; ++i) {
    const std::map<std::string, double> now = stepper.step();
    EXPECT_NE(now.at("loss_d"), last.at("loss_d"));
    last = now;
  }
  EXPECT_EQ(cuda_memory_stats().cudamalloc_calls, mallocs);
}

}  // namespace
}  // namespace nabla::testing
