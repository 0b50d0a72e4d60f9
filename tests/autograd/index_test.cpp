// Gradients of the index family: hand values, gradcheck (f64) on contiguous
// and strided inputs, gradgradcheck for cat, gather, index_select, pad, flip.
#include "autograd/index.h"

#include "tests/testing.h"

namespace nabla {
namespace {

using testing::allclose;
using testing::noncontiguous;

Tensor f64(const std::vector<double>& v, Shape shape = {}) { return tensor<double>(v, std::move(shape)); }
Tensor leaf(const Shape& shape, double scale = 0.3) {
  std::vector<double> v(static_cast<size_t>(numel(shape)));
  for (size_t i = 0; i < v.size(); ++i) v[i] = scale * static_cast<double>((static_cast<int64_t>(i) * 7) % 11) - 1.0;
  return tensor<double>(v, shape).requires_grad_();
}
// x laid out transposed in memory, as a differentiable op inside f.
Tensor strided(const Tensor& x) { return transpose(contiguous(transpose(x, -1, -2)), -1, -2); }

TEST(IndexGrad, CatSplitsTheGradient) {
  Tensor a = f64({1, 2}).requires_grad_(), b = f64({3, 4, 5}).requires_grad_();
  backward(sum(cat({a, b}) * f64({1, 2, 3, 4, 5})));
  EXPECT_TRUE(allclose(a.grad(), f64({1, 2})));
  EXPECT_TRUE(allclose(b.grad(), f64({3, 4, 5})));
}

TEST(IndexGrad, CatAndStackGradcheck) {
  Tensor a = leaf({2, 3}), b = leaf({2, 2}, 0.2), c = tensor<double>({1, 2, 3, 4}, {2, 2});  // c: no grad
  auto f = [](const std::vector<Tensor>& in) {
    return std::vector<Tensor>{cat({in[0], strided(in[1]), in[2]}, -1) * cat({in[0], in[1], in[1]}, 1)};
  };
  EXPECT_GRADCHECK(gradcheck(f, {a, b, c}));
  EXPECT_GRADCHECK(gradgradcheck(f, {a, b, c}));
  Tensor d = leaf({2, 3}, 0.1);
  auto g = [](const std::vector<Tensor>& in) {
    return std::vector<Tensor>{square(stack({in[0], strided(in[1])}, 1))};
  };
  EXPECT_GRADCHECK(gradcheck(g, {a, d}));
}

TEST(IndexGrad, SplitAndChunkAreDifferentiableViews) {
  Tensor x = leaf({3, 5});
  EXPECT_GRADCHECK(gradcheck([](const Tensor& x) {
    auto p = split(strided(x), 2, 1);
    return cat({square(p[0]), p[1] * 3.0, p[2]}, 1);
  }, x));
  EXPECT_GRADCHECK(gradcheck([](const Tensor& x) {
    auto p = split(x, std::vector<int64_t>{1, 2}, 0);
    return cat({p[1], square(p[0])}, 0);
  }, x));
  auto pieces = chunk(x, 2, -1);
  ASSERT_EQ(pieces.size(), 2u);
  backward(sum(pieces[1]));
  EXPECT_TRUE(allclose(x.grad(), f64({0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1}, {3, 5})));
}

TEST(IndexGrad, GatherAccumulatesRepeatedIndices) {
  Tensor x = f64({1, 2, 3}).requires_grad_();
  backward(sum(gather(x, 0, tensor<int64_t>({0, 0, 2, 0}))));
  EXPECT_TRUE(allclose(x.grad(), f64({3, 0, 1})));
}

TEST(IndexGrad, GatherGradcheckAndGradgrad) {
  Tensor x = leaf({3, 4});
  Tensor idx = tensor<int64_t>({0, 3, 3, 1, 2, 2, 0, 0}, {2, 4});  // smaller than x in dim 0
  auto f = [idx](const Tensor& x) { return square(gather(x, 1, idx)); };
  EXPECT_GRADCHECK(gradcheck(f, x));
  EXPECT_GRADCHECK(gradgradcheck(f, x));
  EXPECT_GRADCHECK(gradcheck([idx](const Tensor& x) { return gather(strided(x), -1, noncontiguous(idx)); }, x));
  Tensor idx0 = tensor<int64_t>({2, 0, 1, 2, 2, 2}, {2, 3});
  EXPECT_GRADCHECK(gradgradcheck([idx0](const Tensor& x) { return square(gather(x, 0, idx0)); }, x));
}

TEST(IndexGrad, ScatterAddGradcheckBothInputs) {
  Tensor x = leaf({3, 4}), src = leaf({3, 5}, 0.2);  // src larger than index in dim 1
  Tensor idx = tensor<int64_t>({0, 2, 2, 1, 1, 1, 0, 2}, {2, 4});
  auto f = [idx](const std::vector<Tensor>& in) {
    return std::vector<Tensor>{square(scatter_add(in[0], 0, idx, strided(in[1])))};
  };
  EXPECT_GRADCHECK(gradcheck(f, {x, src}));
  EXPECT_GRADCHECK(gradgradcheck(f, {x, src}));
  Tensor s = f64({1, 2, 3}).requires_grad_();
  backward(sum(scatter_add(zeros({2}, DType::f64), 0, tensor<int64_t>({1, 0, 1}), s) * f64({10, 20})));
  EXPECT_TRUE(allclose(s.grad(), f64({20, 10, 20})));
}

TEST(IndexGrad, IndexSelectGradcheckAndGradgrad) {
  Tensor x = leaf({4, 3});
  Tensor idx = tensor<int64_t>({3, 0, 3, 3});
  auto f = [idx](const Tensor& x) { return square(index_select(x, 0, idx)); };
  EXPECT_GRADCHECK(gradcheck(f, x));
  EXPECT_GRADCHECK(gradgradcheck(f, x));
  EXPECT_GRADCHECK(gradcheck([idx](const Tensor& x) { return index_select(strided(x), -2, noncontiguous(idx)); }, x));
  Tensor y = f64({1, 2, 3}).requires_grad_();
  backward(sum(index_select(y, 0, tensor<int64_t>({2, 2, 0}))));
  EXPECT_TRUE(allclose(y.grad(), f64({1, 0, 2})));
}

TEST(IndexGrad, IndexAddGradcheckBothInputs) {
  Tensor x = leaf({3, 4}), src = leaf({3, 2}, 0.2);
  Tensor idx = tensor<int64_t>({3, 3});
  auto f = [idx](const std::vector<Tensor>& in) {
    return std::vector<Tensor>{square(index_add(strided(in[0]), 1, idx, in[1]))};
  };
  EXPECT_GRADCHECK(gradcheck(f, {x, src}));
  EXPECT_GRADCHECK(gradgradcheck(f, {x, src}));
}

TEST(IndexGrad, OneHotHasNoGradient) {
  Tensor y = one_hot(tensor<int64_t>({1, 0}), 3, DType::f32);
  EXPECT_FALSE(y.requires_grad());
  EXPECT_TRUE(allclose(y, tensor<float>({0, 1, 0, 1, 0, 0}, {2, 3})));
}

TEST(IndexGrad, ConstantPadGradcheckAndGradgrad) {
  Tensor x = leaf({3, 4});
  for (std::vector<int64_t> pads : {std::vector<int64_t>{1, 2}, {0, 1, 2, 0}, {-1, 1, 1, -2}, {-1, -1}}) {
    auto f = [pads](const Tensor& x) { return square(pad(strided(x), pads, PadMode::constant, 0.5)); };
    EXPECT_GRADCHECK(gradcheck(f, x));
    EXPECT_GRADCHECK(gradgradcheck(f, x));
  }
  Tensor y = f64({1, 2, 3}).requires_grad_();
  backward(sum(pad(y, {-1, 2}, PadMode::constant, 7.0) * f64({10, 20, 30, 40})));
  EXPECT_TRUE(allclose(y.grad(), f64({0, 10, 20})));
}

TEST(IndexGrad, ReflectAndReplicatePadGradcheck) {
  Tensor x = leaf({3, 4});
  for (PadMode mode : {PadMode::reflect, PadMode::replicate}) {
    auto f = [mode](const Tensor& x) { return square(pad(strided(x), {2, 1, 1, 2}, mode)); };
    EXPECT_GRADCHECK(gradcheck(f, x));
    EXPECT_GRADCHECK(gradgradcheck(f, x));
  }
  Tensor y = f64({1, 2, 3}).requires_grad_();
  backward(sum(pad(y, {2, 1}, PadMode::reflect)));  // [3, 2, 1, 2, 3, 2]
  EXPECT_TRUE(allclose(y.grad(), f64({1, 3, 2})));
}

TEST(IndexGrad, FlipGradcheckAndGradgrad) {
  Tensor x = leaf({2, 3, 2});
  auto f = [](const Tensor& x) { return square(flip(strided(x), {0, -1})) * f64({1, 2}); };
  EXPECT_GRADCHECK(gradcheck(f, x));
  EXPECT_GRADCHECK(gradgradcheck(f, x));
}

TEST(IndexGrad, IndexTensorChangedInPlaceIsCaught) {
  Tensor x = f64({1, 2, 3}).requires_grad_();
  Tensor idx = tensor<int64_t>({0, 1});
  Tensor y = sum(index_select(x, 0, idx));
  prim::fill_(idx, 2);
  EXPECT_THROW(backward(y), std::runtime_error);
}

}  // namespace
}  // namespace nabla
