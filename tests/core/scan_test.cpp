// cumsum against hand values and a naive loop.
#include "core/scan.h"

#include <string>

#include "tests/testing.h"

namespace nabla {
namespace {

using testing::allclose;

TEST(Cumsum, ByHand) {
  for (DType t : {DType::f32, DType::f64, DType::i64}) {
    const Tensor x = prim::to(tensor<double>({1, 2, 3, 4, 5, 6}, {2, 3}), t);
    EXPECT_EQ(prim::cumsum(x, 1).dtype(), t);
    EXPECT_TRUE(allclose(prim::cumsum(x, 1), tensor<double>({1, 3, 6, 4, 9, 15}, {2, 3})));
    EXPECT_TRUE(allclose(prim::cumsum(x, 0), tensor<double>({1, 2, 3, 5, 7, 9}, {2, 3})));
    EXPECT_TRUE(allclose(prim::cumsum(x, -1, true), tensor<double>({6, 5, 3, 15, 11, 6}, {2, 3})));
  }
}

TEST(Cumsum, MatchesNaiveLoopOnStridedInputs) {
  manual_seed(2);
  const Tensor x = randn({3, 4, 5}, DType::f64);
  const auto v = to_vector<double>(x);
  for (const Tensor& in : {x, testing::noncontiguous(x)}) {
    const auto got = to_vector<double>(prim::cumsum(in, 1));
    for (int i = 0; i < 3; ++i)
      for (int k = 0; k < 5; ++k) {
        double s = 0;
        for (int j = 0; j < 4; ++j) {
          s += v[(i * 4 + j) * 5 + k];
          EXPECT_NEAR(got[(i * 4 + j) * 5 + k], s, 1e-12);
        }
      }
  }
}

TEST(Cumsum, ZeroDimEmptyAndErrors) {
  EXPECT_EQ(prim::cumsum(scalar(2.0), 0).item(), 2.0);
  EXPECT_EQ(prim::cumsum(zeros({0, 2}), 0).shape(), (Shape{0, 2}));
  EXPECT_THROW(prim::cumsum(zeros({2}), 1), std::out_of_range);
  EXPECT_THROW_MESSAGE(prim::cumsum(zeros({0}, DType::b8), 0), std::invalid_argument,
                       "cumsum: expected f32, f64 or i64");
}

}  // namespace
}  // namespace nabla
