// CUDA indexing ops (gather, scatter_add, index_select, index_add, flip,
// one_hot, cat, stack, pad) and the classification losses against the CPU,
// values and gradients, contiguous and strided, f32 and f64. Gathers and
// scatters sum in the CPU's order: tolerance tol_for; the losses' exp/log
// come from the device's libm: f32 rtol 1e-4, f64 rtol 1e-10.
#include <gtest/gtest.h>

#include "core/index.h"
#include "tests/cuda/parity.h"

namespace nabla::testing {
namespace {

// Indices in [0, high), seeded, on the CPU; repeats included.
Tensor indices(const Shape& shape, int64_t high, uint64_t seed) {
  Generator gen(seed);
  return randint(0, high, shape, DType::i64, &gen);
}

Tol loss_tol(DType t) { return t == DType::f32 ? Tol{1e-4, 1e-5} : Tol{1e-10, 1e-12}; }

TEST(CudaIndex, GatherAndScatterAdd) {
  NABLA_REQUIRE_CUDA();
  for (DType t : float_types())
    for (bool strided : {false, true})
      for (int64_t dim : {0, 1, 2}) {
        const Tensor x = sample({3, 5, 4}, t, 1);
        Shape is{3, 5, 4};
        is[dim] = 7;  // longer than x along dim: every index repeats
        const Tensor idx = indices(is, Shape{3, 5, 4}[dim], 2);
        expect_parity("gather dim " + std::to_string(dim), {x},
                      [&](const std::vector<Tensor>& v, Device d) { return gather(v[0], dim, prim::to(idx, d)); },
                      tol_for(t), strided);
        const Tensor src = sample(is, t, 3);
        expect_parity("scatter_add dim " + std::to_string(dim), {x, src},
                      [&](const std::vector<Tensor>& v, Device d) {
                        return scatter_add(v[0], dim, prim::to(idx, d), v[1]);
                      },
                      tol_for(t), strided);
      }
}

TEST(CudaIndex, IndexSelectAndIndexAdd) {
  NABLA_REQUIRE_CUDA();
  for (DType t : float_types())
    for (bool strided : {false, true})
      for (int64_t dim : {0, 1}) {
        const Tensor x = sample({6, 9}, t, 4);
        const Tensor idx = indices({11}, Shape{6, 9}[dim], 5);
        expect_parity("index_select dim " + std::to_string(dim), {x},
                      [&](const std::vector<Tensor>& v, Device d) { return index_select(v[0], dim, prim::to(idx, d)); },
                      tol_for(t), strided);
        Shape ss{6, 9};
        ss[dim] = 11;
        const Tensor src = sample(ss, t, 6);
        expect_parity("index_add dim " + std::to_string(dim), {x, src},
                      [&](const std::vector<Tensor>& v, Device d) {
                        return index_add(v[0], dim, prim::to(idx, d), v[1]);
                      },
                      tol_for(t), strided);
      }
  // An embedding-sized lookup: the backward is an index_add over many rows.
  const Tensor table = sample({1000, 33}, DType::f32, 7);
  const Tensor idx = indices({4097}, 1000, 8);
  expect_parity("embedding", {table},
                [&](const std::vector<Tensor>& v, Device d) { return index_select(v[0], 0, prim::to(idx, d)); },
                tol_for(DType::f32, 10));
}

TEST(CudaIndex, ScatterAddIsDeterministic) {
  NABLA_REQUIRE_CUDA();
  const Tensor x = to_cuda(zeros({4, 8}, Options(DType::f32)));
  const Tensor idx = to_cuda(indices({4, 5000}, 8, 9));
  const Tensor src = to_cuda(sample({4, 5000}, DType::f32, 10));
  const Tensor a = prim::scatter_add(x, 1, idx, src), b = prim::scatter_add(x, 1, idx, src);
  EXPECT_TRUE(bitwise_equal(to_cpu(a), to_cpu(b)));
  EXPECT_TRUE(bitwise_equal(to_cpu(a), prim::scatter_add(to_cpu(x), 1, to_cpu(idx), to_cpu(src))));
}

TEST(CudaIndex, FlipCatStackPad) {
  NABLA_REQUIRE_CUDA();
  for (DType t : float_types())
    for (bool strided : {false, true}) {
      const Tensor x = sample({3, 4, 5}, t, 11), y = sample({3, 2, 5}, t, 12), z = sample({3, 4, 5}, t, 13);
      const Tol tol = tol_for(t);
      expect_parity("flip", {x}, [](const std::vector<Tensor>& v, Device) { return flip(v[0], {0, 2}); }, tol,
                    strided);
      expect_parity("flip none", {x}, [](const std::vector<Tensor>& v, Device) { return flip(v[0], {}); }, tol,
                    strided);
      expect_parity("cat", {x, y, z},
                    [](const std::vector<Tensor>& v, Device) { return cat({v[0], v[1], v[2]}, 1); }, tol, strided);
      expect_parity("stack", {x, z}, [](const std::vector<Tensor>& v, Device) { return stack({v[0], v[1]}, 3); }, tol,
                    strided);
      for (PadMode mode : {PadMode::constant, PadMode::reflect, PadMode::replicate})
        expect_parity(std::string("pad ") + name(mode), {x},
                      [mode](const std::vector<Tensor>& v, Device) { return pad(v[0], {2, 1, 0, 3}, mode, 0.5); },
                      tol, strided);
      expect_parity("pad crop", {x},
                    [](const std::vector<Tensor>& v, Device) { return pad(v[0], {-1, 2}, PadMode::constant, 0); },
                    tol, strided);
    }
}

TEST(CudaIndex, OneHot) {
  NABLA_REQUIRE_CUDA();
  const Tensor idx = indices({5, 3}, 7, 14);
  for (DType t : float_types()) {
    EXPECT_TRUE(matches(prim::one_hot(to_cuda(idx), 7, t), prim::one_hot(idx, 7, t), tol_for(t)));
    EXPECT_TRUE(matches(prim::one_hot(to_cuda(idx), -1, t), prim::one_hot(idx, -1, t), tol_for(t)));
  }
}

TEST(CudaIndex, OutOfRangeIndicesThrow) {
  NABLA_REQUIRE_CUDA();
  const Tensor x = to_cuda(sample({3, 4}, DType::f32, 15));
  const Tensor bad = to_cuda(tensor(std::vector<int64_t>{0, 4}, {2}));
  const Tensor nine = to_cuda(tensor(std::vector<int64_t>{0, 9}, {2}));
  EXPECT_TRUE(throws_message<std::invalid_argument>([&] { prim::index_select(x, 1, nine); }, "index_select",
                                                    {"index_select", "index 9 out of range"}));
  EXPECT_TRUE(throws_message<std::invalid_argument>([&] { prim::gather(x, 0, prim::reshape(bad, {1, 2})); }, "gather",
                                                    {"gather", "index 4 out of range"}));
}

TEST(CudaLossIndex, CrossEntropyAndNll) {
  NABLA_REQUIRE_CUDA();
  const std::vector<Shape> shapes{{5}, {1, 1}, {7, 3}, {4, 10, 3, 2}, {300, 11}};
  for (DType t : float_types())
    for (bool strided : {false, true})
      for (const Shape& shape : shapes) {
        const int64_t cd = shape.size() == 1 ? 0 : 1;
        Shape ts = shape;
        ts.erase(ts.begin() + cd);
        const Tensor x = sample(shape, t, 16, -6, 6);
        const Tensor target = indices(ts, shape[cd], 17);
        for (double e : {0.0, 0.1})
          expect_parity("cross_entropy " + str(shape) + " e " + std::to_string(e), {x},
                        [&](const std::vector<Tensor>& v, Device d) {
                          return cross_entropy(v[0], prim::to(target, d), Reduction::none, e);
                        },
                        loss_tol(t), strided);
        expect_parity("cross_entropy mean " + str(shape), {x},
                      [&](const std::vector<Tensor>& v, Device d) { return cross_entropy(v[0], prim::to(target, d)); },
                      loss_tol(t), strided);
        expect_parity("nll_loss " + str(shape), {x},
                      [&](const std::vector<Tensor>& v, Device d) {
                        return nll_loss(log_softmax(v[0], cd), prim::to(target, d), Reduction::sum);
                      },
                      loss_tol(t), strided);
      }
}

TEST(CudaLossIndex, BadTargetThrows) {
  NABLA_REQUIRE_CUDA();
  const Tensor logits = to_cuda(sample({4, 3}, DType::f32, 1));
  const Tensor target = to_cuda(tensor(std::vector<int64_t>{0, 1, 3, 1}, {4}));
  EXPECT_TRUE(throws_message<std::invalid_argument>([&] { prim::cross_entropy(logits, target); }, "cross_entropy",
                                                    {"cross_entropy", "target 3 at index 2"}));
}

}  // namespace
}  // namespace nabla::testing
