#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "autograd/nabla.h"
#include "models/data/loader.h"
#include "models/data/prefetch.h"
#include "models/data/synthetic.h"

namespace nabla::data {
namespace {

TEST(DataPrefetch, ItemsInOrderAndOneAhead) {
  std::atomic<int> made{0};
  Prefetcher<int> p([&] { return made++; }, /*background=*/true);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(p.next(), i);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  // One item waits in the queue and at most one more is being made.
  EXPECT_GE(made.load(), 101);
  EXPECT_LE(made.load(), 102);
}

TEST(DataPrefetch, ExceptionReachesTheConsumer) {
  for (bool background : {false, true}) {
    int calls = 0;
    Prefetcher<int> p(
        [&] {
          if (++calls == 3) throw std::runtime_error("bad batch 3");
          return calls;
        },
        background);
    EXPECT_EQ(p.next(), 1);
    EXPECT_EQ(p.next(), 2);
    try {
      p.next();
      FAIL() << "no throw";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "bad batch 3");
    }
    if (background) {
      EXPECT_THROW(p.next(), std::runtime_error);  // stays failed
    }
  }
}

TEST(DataPrefetch, DestructorStopsASlowProducer) {
  const auto start = std::chrono::steady_clock::now();
  {
    Prefetcher<int> p(
        [] {
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
          return 1;
        },
        true);
    EXPECT_EQ(p.next(), 1);
  }  // the worker is blocked on a full queue or mid-item: joins promptly
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(DataTensorLoader, RowsOfEachTensorOncePerEpoch) {
  Generator gen(0);
  const Mixture m = ring_gaussians(50, &gen);
  const Tensor id = arange(50);
  for (bool prefetch : {false, true}) {
    TensorLoader loader({m.points, m.modes, id}, {.batch_size = 16, .seed = 2, .prefetch = prefetch});
    EXPECT_EQ(loader.batches_per_epoch(), 4);
    const auto p = to_vector<float>(m.points);
    const auto modes = to_vector<int64_t>(m.modes);
    std::vector<int64_t> seen;
    for (int b = 0; b < 4; ++b) {
      const TensorBatch batch = loader.next();
      ASSERT_EQ(batch.tensors.size(), 3u);
      const int64_t n = b < 3 ? 16 : 2;
      EXPECT_EQ(batch.tensors[0].shape(), (Shape{n, 2}));
      EXPECT_EQ(batch.tensors[1].dtype(), DType::i64);
      const auto bp = to_vector<float>(batch.tensors[0]);
      const auto bm = to_vector<int64_t>(batch.tensors[1]);
      const auto ids = to_vector<int64_t>(batch.tensors[2]);
      for (int64_t j = 0; j < n; ++j) {  // rows stay together
        EXPECT_EQ(bp[2 * j], p[2 * ids[j]]);
        EXPECT_EQ(bp[2 * j + 1], p[2 * ids[j] + 1]);
        EXPECT_EQ(bm[j], modes[ids[j]]);
        seen.push_back(ids[j]);
      }
    }
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(seen, to_vector<int64_t>(id));
    EXPECT_EQ(loader.next().epoch, 1);
  }
}

TEST(DataTensorLoader, ResumeAndErrors) {
  const Tensor x = arange(0, 30, 1, DType::f32);
  TensorLoader a({x}, {.batch_size = 4, .drop_last = true, .seed = 8}), b({x}, {.batch_size = 4, .drop_last = true});
  for (int i = 0; i < 9; ++i) a.next();
  b.restore(a.state());
  for (int i = 0; i < 10; ++i) EXPECT_EQ(to_vector<float>(a.next().tensors[0]), to_vector<float>(b.next().tensors[0]));
  EXPECT_THROW(TensorLoader({x, arange(29)}), std::invalid_argument);
  EXPECT_THROW(TensorLoader({}), std::invalid_argument);
  EXPECT_THROW(TensorLoader({scalar(1.0)}), std::invalid_argument);
}

}  // namespace
}  // namespace nabla::data
