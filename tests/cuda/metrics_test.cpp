// The metrics of models/metrics on CUDA tensors against the same call on CPU
// copies (issue 7: every metric "runs on CPU and GPU"). FID and the Inception
// Score move their inputs to the CPU in float64, so they must agree to
// rounding; precision/recall, the birthday threshold and the Geometry Score
// compute their distance tables on the inputs' device (matmul, sums) in
// float64, so they agree to the last bits of those sums; a count compared
// with a radius could flip on a tie, which random Gaussian points do not
// produce. Tolerance: 1e-9 relative on every figure.
#include <gtest/gtest.h>

#include <cmath>

#include "models/metrics/birthday.h"
#include "models/metrics/fid.h"
#include "models/metrics/geometry_score.h"
#include "models/metrics/inception_score.h"
#include "models/metrics/precision_recall.h"
#include "tests/cuda/cuda_testing.h"

namespace nabla::testing {
namespace {

constexpr double kRtol = 1e-9;

::testing::AssertionResult near(double gpu, double cpu) {
  if (std::abs(gpu - cpu) <= kRtol * std::max(1.0, std::abs(cpu))) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "cuda " << gpu << " vs cpu " << cpu;
}

TEST(CudaMetrics, FidAndInceptionScoreOfDeviceTensorsMatchTheCpu) {
  NABLA_REQUIRE_CUDA();
  for (DType t : float_types()) {
    const Tensor a = sample({300, 16}, t, 1), b = sample({250, 16}, t, 2) * 1.5 + 0.3;
    EXPECT_TRUE(near(metrics::fid(to_cuda(a), to_cuda(b)), metrics::fid(a, b))) << name(t);
    // Non-contiguous device features, and the regularised path with N <= D.
    EXPECT_TRUE(near(metrics::fid(noncontiguous(to_cuda(a)), to_cuda(b)), metrics::fid(a, b))) << name(t);
    const Tensor few = sample({8, 16}, t, 3);
    EXPECT_TRUE(near(metrics::fid(to_cuda(few), to_cuda(b), {.regularise = 1e-3}), metrics::fid(few, b, {.regularise = 1e-3})));
    const Tensor probs = softmax(sample({200, 10}, t, 4) * 3.0, 1);
    const metrics::InceptionScore cpu = metrics::inception_score(probs, 10, 7);
    const metrics::InceptionScore gpu = metrics::inception_score(to_cuda(probs), 10, 7);
    EXPECT_TRUE(near(gpu.mean, cpu.mean)) << name(t);
    EXPECT_TRUE(near(gpu.std, cpu.std)) << name(t);
  }
}

TEST(CudaMetrics, PrecisionRecallAndBirthdayThresholdMatchTheCpu) {
  NABLA_REQUIRE_CUDA();
  for (DType t : float_types()) {
    const Tensor real = sample({97, 5}, t, 5), fake = sample({64, 5}, t, 6) * 1.3 + 0.4;
    // block 7 splits the distance table into odd row blocks on both devices.
    for (int64_t block : {int64_t(7), int64_t(512)}) {
      const metrics::PrecisionRecall cpu = metrics::precision_recall(real, fake, {.k = 3, .block = block});
      const metrics::PrecisionRecall gpu = metrics::precision_recall(to_cuda(real), to_cuda(fake), {.k = 3, .block = block});
      EXPECT_EQ(gpu.precision, cpu.precision) << name(t) << " block " << block;
      EXPECT_EQ(gpu.recall, cpu.recall) << name(t) << " block " << block;
    }
    const std::vector<double> rc = metrics::knn_radii(real, 3), rg = metrics::knn_radii(to_cuda(real), 3);
    ASSERT_EQ(rg.size(), rc.size());
    for (size_t i = 0; i < rc.size(); ++i) EXPECT_TRUE(near(rg[i], rc[i])) << name(t) << " radius " << i;
    // Images [N, 1, 4, 4], flattened by the metric on their device.
    const Tensor images = sample({40, 1, 4, 4}, t, 8);
    EXPECT_TRUE(near(metrics::nearest_neighbour_quantile(to_cuda(images), 0.1),
                     metrics::nearest_neighbour_quantile(images, 0.1)))
        << name(t);
  }
}

TEST(CudaMetrics, BirthdayTestOnDeviceSamplesMatchesTheCpu) {
  NABLA_REQUIRE_CUDA();
  // A support of 30 points: batches of 10 and 20 hold duplicates often.
  const Tensor support = sample({30, 6}, DType::f64, 9);
  auto draw = [&](Device dev) {
    return [&support, dev](int64_t n, Generator& g) {
      return prim::to(index_select(support, 0, randint(0, 30, {n}, DType::i64, &g)), dev);
    };
  };
  metrics::BirthdayOptions o{.batch_sizes = {10, 20}, .batches = 6, .threshold = 1e-6, .pairs = 3};
  Generator g_cpu(4), g_gpu(4);
  const metrics::BirthdayResult cpu = metrics::birthday_test(draw(Device::cpu()), g_cpu, o);
  const metrics::BirthdayResult gpu = metrics::birthday_test(draw(Device::cuda(0)), g_gpu, o);
  ASSERT_EQ(gpu.rows.size(), cpu.rows.size());
  for (size_t i = 0; i < cpu.rows.size(); ++i) {
    EXPECT_EQ(gpu.rows[i].duplicate_rate, cpu.rows[i].duplicate_rate) << "s " << cpu.rows[i].s;
    EXPECT_EQ(gpu.rows[i].mean_pairs, cpu.rows[i].mean_pairs) << "s " << cpu.rows[i].s;
  }
  EXPECT_EQ(gpu.support, cpu.support);
  EXPECT_EQ(gpu.distances.size(), cpu.distances.size());
}

TEST(CudaMetrics, GeometryScoreOfDeviceSamplesMatchesTheCpu) {
  NABLA_REQUIRE_CUDA();
  const metrics::GeometryScoreOptions o{.landmarks = 16, .gamma = 1.0 / 8, .i_max = 10, .repeats = 4, .seed = 3};
  const Tensor x = sample({120, 2}, DType::f64, 10), y = sample({90, 3}, DType::f32, 11);
  for (const Tensor& s : {x, y}) {
    const std::vector<double> cpu = metrics::mean_relative_living_times(s, o);
    const std::vector<double> gpu = metrics::mean_relative_living_times(to_cuda(s), o);
    ASSERT_EQ(gpu.size(), cpu.size());
    for (size_t i = 0; i < cpu.size(); ++i) EXPECT_TRUE(near(gpu[i], cpu[i])) << describe(s) << " i " << i;
  }
}

}  // namespace
}  // namespace nabla::testing
