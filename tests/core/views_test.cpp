#include "core/views.h"

#include "core/copy.h"
#include "core/factory.h"
#include "tests/testing.h"

namespace nabla {
namespace {

using testing::allclose;

Tensor iota(const Shape& shape) { return prim::reshape(prim::to(arange(numel(shape)), DType::f32), shape); }

TEST(Views, ReshapeSharesStorageWhenPossible) {
  Tensor x = iota({2, 3, 4});
  Tensor y = prim::view(x, {6, -1});
  EXPECT_EQ(y.shape(), (Shape{6, 4}));
  EXPECT_EQ(y.storage(), x.storage());
  EXPECT_THROW(prim::view(x, {5, -1}), std::invalid_argument);
  EXPECT_THROW(prim::view(x, {-1, -1}), std::invalid_argument);
}

TEST(Views, ViewOfTransposeThrowsButReshapeCopies) {
  Tensor x = prim::transpose(iota({2, 3}), 0, 1);  // [3, 2], not contiguous
  EXPECT_THROW(prim::view(x, {6}), std::invalid_argument);
  Tensor y = prim::reshape(x, {6});
  EXPECT_EQ(to_vector<float>(y), (std::vector<float>{0, 3, 1, 4, 2, 5}));
  EXPECT_NE(y.storage(), x.storage());
}

TEST(Views, PermuteAndContiguous) {
  Tensor x = iota({2, 3, 4});
  Tensor p = prim::permute(x, {2, 0, 1});
  EXPECT_EQ(p.shape(), (Shape{4, 2, 3}));
  EXPECT_FALSE(p.is_contiguous());
  Tensor c = prim::contiguous(p);
  EXPECT_TRUE(c.is_contiguous());
  // c[k][i][j] == x[i][j][k]
  auto xv = to_vector<float>(x), cv = to_vector<float>(c);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 4; ++k) ASSERT_EQ(cv[k * 6 + i * 3 + j], xv[i * 12 + j * 4 + k]);
  EXPECT_THROW(prim::permute(x, {0, 0, 1}), std::invalid_argument);
  EXPECT_THROW(prim::permute(x, {0, 1}), std::invalid_argument);
}

TEST(Views, SliceWithStepAndNegativeBounds) {
  Tensor x = iota({10});
  EXPECT_EQ(to_vector<float>(prim::slice(x, 0, 1, 8, 3)), (std::vector<float>{1, 4, 7}));
  EXPECT_EQ(to_vector<float>(prim::slice(x, 0, -3, 100)), (std::vector<float>{7, 8, 9}));
  EXPECT_EQ(prim::slice(x, 0, 5, 2).numel(), 0);
  EXPECT_THROW(prim::slice(x, 0, 0, 5, 0), std::invalid_argument);
  EXPECT_THROW(prim::narrow(x, 0, 8, 3), std::invalid_argument);
  EXPECT_THROW(prim::slice(x, 1, 0, 1), std::out_of_range);
}

TEST(Views, ExpandUsesZeroStrides) {
  Tensor x = iota({3, 1});
  Tensor e = prim::expand(x, {2, 3, 4});
  EXPECT_EQ(e.strides()[0], 0);
  EXPECT_EQ(e.strides()[2], 0);
  EXPECT_EQ(to_vector<float>(e)[5], 1.0f);
  EXPECT_THROW(prim::expand(x, {3, 2, 4}), std::invalid_argument);  // 3 vs 2 mismatch in the middle dim
  EXPECT_THROW(prim::expand(iota({2}), {3}), std::invalid_argument);
}

TEST(Views, SqueezeUnsqueezeFlatten) {
  Tensor x = iota({2, 1, 3});
  EXPECT_EQ(prim::squeeze(x).shape(), (Shape{2, 3}));
  EXPECT_EQ(prim::squeeze(x, 0).shape(), (Shape{2, 1, 3}));
  EXPECT_EQ(prim::unsqueeze(x, -1).shape(), (Shape{2, 1, 3, 1}));
  EXPECT_EQ(prim::unsqueeze(x, 0).shape(), (Shape{1, 2, 1, 3}));
  EXPECT_EQ(prim::flatten(x, 1).shape(), (Shape{2, 3}));
  EXPECT_EQ(prim::flatten(x).shape(), (Shape{6}));
  EXPECT_THROW(prim::unsqueeze(x, 5), std::out_of_range);
}

TEST(Views, CopyIntoStridedViewBroadcasts) {
  Tensor x = zeros({3, 4});
  prim::copy_(prim::slice(x, 1, 0, 4, 2), tensor<float>({1, 2, 3}, {3, 1}));
  EXPECT_TRUE(allclose(x, tensor<float>({1, 0, 1, 0, 2, 0, 2, 0, 3, 0, 3, 0}, {3, 4})));
}

}  // namespace
}  // namespace nabla
