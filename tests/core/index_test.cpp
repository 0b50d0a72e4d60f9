// prim gather, scatter_add, index_select, index_add, one_hot, flip: values
// against hand computations and naive loops, all dtypes, strided inputs, errors.
#include "core/index.h"

#include "tests/core/index_testing.h"

namespace nabla {
namespace {

using testing::allclose;
using testing::noncontiguous;
using namespace index_testing;

// Naive gather over row-major vectors: out[i] = x[i with coord dim = index[i]].
std::vector<double> naive_gather(const Tensor& x, int dim, const Tensor& index) {
  const auto xv = to_vector<double>(x);
  const auto iv = to_vector<int64_t>(index);
  std::vector<double> out(iv.size());
  for (size_t i = 0; i < iv.size(); ++i) {
    auto c = unravel(static_cast<int64_t>(i), index.shape());
    c[dim] = iv[i];
    out[i] = xv[ravel(c, x.shape())];
  }
  return out;
}

std::vector<double> naive_scatter_add(const Tensor& x, int dim, const Tensor& index, const Tensor& src) {
  auto out = to_vector<double>(x);
  const auto iv = to_vector<int64_t>(index);
  const auto sv = to_vector<double>(src);
  for (size_t i = 0; i < iv.size(); ++i) {
    auto c = unravel(static_cast<int64_t>(i), index.shape());
    const double s = sv[ravel(c, src.shape())];
    c[dim] = iv[i];
    out[ravel(c, x.shape())] += s;
  }
  return out;
}

TEST(IndexGather, TorchDocExample) {
  Tensor x = tensor<double>({1, 2, 3, 4}, {2, 2});
  Tensor idx = tensor<int64_t>({0, 0, 1, 0}, {2, 2});
  EXPECT_TRUE(allclose(prim::gather(x, 1, idx), tensor<double>({1, 1, 4, 3}, {2, 2})));
  EXPECT_TRUE(allclose(prim::gather(x, 0, idx), tensor<double>({1, 2, 3, 2}, {2, 2})));
}

TEST(IndexGather, MatchesNaiveLoopAllDtypesDimsAndLayouts) {
  for (DType t : kAllDtypes) {
    const Tensor x = sample({3, 4, 5}, t);
    for (int dim : {0, 1, 2}) {
      const Tensor idx = sample_index({2, 3, 4}, x.shape()[dim]);
      const Tensor want = tensor<double>(naive_gather(x, dim, idx), {2, 3, 4});
      EXPECT_TRUE(allclose(prim::gather(x, dim, idx), want)) << name(t) << " dim " << dim;
      EXPECT_TRUE(allclose(prim::gather(noncontiguous(x), dim - 3, noncontiguous(idx)), want))
          << name(t) << " dim " << dim;
      EXPECT_EQ(prim::gather(x, dim, idx).dtype(), t);
    }
  }
}

TEST(IndexGather, EmptyAndSizeOneDims) {
  Tensor x = sample({3, 1}, DType::f32);
  EXPECT_EQ(prim::gather(x, 0, zeros({0, 1}, DType::i64)).shape(), (Shape{0, 1}));
  Tensor idx = tensor<int64_t>({2, 0, 2, 1}, {4, 1});
  EXPECT_TRUE(allclose(prim::gather(x, 0, idx), tensor<double>(naive_gather(x, 0, idx), {4, 1})));
}

TEST(IndexGather, BadInputsNameTheOp) {
  Tensor x = zeros({2, 5});
  EXPECT_THROW_MESSAGE(prim::gather(x, 1, tensor<int64_t>({0, 7}, {1, 2})), std::invalid_argument,
                   "gather: index 7 out of range for dim 1 of size 5");
  EXPECT_THROW_MESSAGE(prim::gather(x, 1, tensor<int64_t>({-1}, {1, 1})), std::invalid_argument,
                   "gather: index -1 out of range");
  EXPECT_THROW_MESSAGE(prim::gather(x, 1, zeros({1, 1})), std::invalid_argument, "gather: expected an i64 index");
  EXPECT_THROW_MESSAGE(prim::gather(x, 1, zeros({2}, DType::i64)), std::invalid_argument, "gather: index i64[2]");
  EXPECT_THROW_MESSAGE(prim::gather(x, 1, zeros({3, 1}, DType::i64)), std::invalid_argument,
                   "larger than f32[2, 5] in dim 0");
  EXPECT_THROW_MESSAGE(prim::gather(x, 2, zeros({1, 1}, DType::i64)), std::out_of_range, "gather: dim 2");
}

TEST(IndexScatterAdd, RepeatedIndicesAccumulate) {
  Tensor out = prim::scatter_add(tensor<double>({10, 20, 30}), 0, tensor<int64_t>({0, 1, 0, 2, 0}),
                                 tensor<double>({1, 2, 3, 4, 5}));
  EXPECT_TRUE(allclose(out, tensor<double>({19, 22, 34})));
}

TEST(IndexScatterAdd, MatchesNaiveLoopNumericDtypesAndLayouts) {
  for (DType t : kNumberDtypes) {
    const Tensor x = sample({3, 4, 5}, t);
    const Tensor src = sample({4, 4, 6}, t, 3);  // larger than index: only its corner is used
    for (int dim : {0, 1, 2}) {
      const Tensor idx = sample_index({2, 3, 5}, x.shape()[dim], 1);
      const Tensor want = to(tensor<double>(naive_scatter_add(x, dim, idx, src), x.shape()), t);
      EXPECT_TRUE(allclose(prim::scatter_add(x, dim, idx, src), want)) << name(t) << " dim " << dim;
      EXPECT_TRUE(allclose(prim::scatter_add(noncontiguous(x), dim, noncontiguous(idx), noncontiguous(src)), want))
          << name(t) << " dim " << dim;
    }
  }
}

TEST(IndexScatterAdd, LeavesInputUntouched) {
  Tensor x = zeros({3}, DType::f64);
  prim::scatter_add(x, 0, tensor<int64_t>({1}), tensor<double>({5}));
  EXPECT_TRUE(allclose(x, zeros({3}, DType::f64)));
}

TEST(IndexScatterAdd, BadInputsNameTheOp) {
  Tensor x = zeros({4});
  EXPECT_THROW_MESSAGE(prim::scatter_add(x, 0, tensor<int64_t>({4}), zeros({1})), std::invalid_argument,
                   "scatter_add: index 4 out of range for dim 0 of size 4");
  EXPECT_THROW_MESSAGE(prim::scatter_add(x, 0, tensor<int64_t>({0}), zeros({1}, DType::f64)), std::invalid_argument,
                   "scatter_add: expected tensors of one dtype");
  EXPECT_THROW_MESSAGE(prim::scatter_add(x, 0, tensor<int64_t>({0, 1}), zeros({1})), std::invalid_argument,
                   "larger than src f32[1]");
  EXPECT_THROW_MESSAGE(prim::scatter_add(zeros({2}, DType::b8), 0, tensor<int64_t>({0}), zeros({1}, DType::b8)),
                   std::invalid_argument, "scatter_add");
}

TEST(IndexSelect, HandValues) {
  Tensor x = tensor<double>({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor idx = tensor<int64_t>({2, 0, 2});
  EXPECT_TRUE(allclose(prim::index_select(x, 1, idx), tensor<double>({3, 1, 3, 6, 4, 6}, {2, 3})));
  EXPECT_TRUE(allclose(prim::index_select(x, -2, tensor<int64_t>({1})), tensor<double>({4, 5, 6}, {1, 3})));
  EXPECT_EQ(prim::index_select(x, 0, zeros({0}, DType::i64)).shape(), (Shape{0, 3}));
}

TEST(IndexSelect, MatchesGatherAllDtypesAndLayouts) {
  for (DType t : kAllDtypes) {
    const Tensor x = sample({4, 3, 2}, t);
    const Tensor idx = tensor<int64_t>({1, 0, 1, 1, 0});
    Tensor full_idx = prim::contiguous(prim::expand(prim::reshape(idx, {1, 5, 1}), {4, 5, 2}));
    const Tensor want = prim::gather(x, 1, full_idx);
    EXPECT_TRUE(allclose(prim::index_select(x, 1, idx), want)) << name(t);
    EXPECT_TRUE(allclose(prim::index_select(noncontiguous(x), 1, noncontiguous(idx)), want)) << name(t);
  }
}

TEST(IndexSelect, BadInputsNameTheOp) {
  Tensor x = zeros({5, 2});
  EXPECT_THROW_MESSAGE(prim::index_select(x, 0, tensor<int64_t>({0, 9})), std::invalid_argument,
                   "index_select: index 9 out of range for dim 0 of size 5");
  EXPECT_THROW_MESSAGE(prim::index_select(x, 0, zeros({1, 1}, DType::i64)), std::invalid_argument,
                   "index_select: expected a 1-D index, got i64[1, 1]");
  EXPECT_THROW_MESSAGE(prim::index_select(x, 0, zeros({1})), std::invalid_argument, "index_select: expected an i64");
}

TEST(IndexAdd, HandValuesAndNaiveLoop) {
  Tensor out = prim::index_add(zeros({3, 2}, DType::f64), 0, tensor<int64_t>({0, 2, 0}),
                               tensor<double>({1, 1, 2, 2, 3, 3}, {3, 2}));
  EXPECT_TRUE(allclose(out, tensor<double>({4, 4, 0, 0, 2, 2}, {3, 2})));
  for (DType t : kNumberDtypes) {
    const Tensor x = sample({3, 4}, t), src = sample({3, 5}, t, 2);
    const Tensor idx = tensor<int64_t>({3, 0, 3, 1, 3});
    Tensor full_idx = prim::contiguous(prim::expand(prim::reshape(idx, {1, 5}), {3, 5}));
    const Tensor want = to(tensor<double>(naive_scatter_add(x, 1, full_idx, src), {3, 4}), t);
    EXPECT_TRUE(allclose(prim::index_add(x, 1, idx, src), want)) << name(t);
    EXPECT_TRUE(allclose(prim::index_add(noncontiguous(x), -1, noncontiguous(idx), noncontiguous(src)), want))
        << name(t);
  }
}

TEST(IndexAdd, BadInputsNameTheOp) {
  EXPECT_THROW_MESSAGE(prim::index_add(zeros({3, 2}), 0, tensor<int64_t>({0}), zeros({2, 2})), std::invalid_argument,
                   "index_add: expected source of shape [1, 2]");
  EXPECT_THROW_MESSAGE(prim::index_add(zeros({3, 2}), 0, tensor<int64_t>({3}), zeros({1, 2})), std::invalid_argument,
                   "index_add: index 3 out of range for dim 0 of size 3");
}

TEST(IndexOneHot, HandValuesDtypesAndInference) {
  Tensor idx = tensor<int64_t>({0, 2, 1, 2}, {2, 2});
  Tensor want = tensor<int64_t>({1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1}, {2, 2, 3});
  Tensor y = prim::one_hot(idx, 3);
  EXPECT_EQ(y.dtype(), DType::i64);
  EXPECT_TRUE(allclose(y, want));
  EXPECT_TRUE(allclose(prim::one_hot(idx), want));  // num_classes inferred as 3
  Tensor f = prim::one_hot(noncontiguous(idx), 4, DType::f32);
  EXPECT_EQ(f.dtype(), DType::f32);
  EXPECT_EQ(f.shape(), (Shape{2, 2, 4}));
  EXPECT_TRUE(allclose(prim::sum(f, {-1}), ones({2, 2})));
  EXPECT_EQ(to_vector<float>(f)[4 + 2], 1.0f);  // [0][1][2]
  EXPECT_EQ(prim::one_hot(zeros({0}, DType::i64), 2).shape(), (Shape{0, 2}));
}

TEST(IndexOneHot, BadInputsNameTheOp) {
  EXPECT_THROW_MESSAGE(prim::one_hot(tensor<int64_t>({0, 3}), 3), std::invalid_argument,
                   "one_hot: class 3 out of range for num_classes 3");
  EXPECT_THROW_MESSAGE(prim::one_hot(tensor<int64_t>({-1}), 3), std::invalid_argument, "one_hot: class -1");
  EXPECT_THROW_MESSAGE(prim::one_hot(zeros({2}), 3), std::invalid_argument, "one_hot: expected an i64 index");
  EXPECT_THROW_MESSAGE(prim::one_hot(zeros({0}, DType::i64)), std::invalid_argument, "one_hot: cannot infer");
}

TEST(IndexFlip, HandValues) {
  Tensor x = tensor<double>({1, 2, 3, 4, 5, 6}, {2, 3});
  EXPECT_TRUE(allclose(prim::flip(x, {0}), tensor<double>({4, 5, 6, 1, 2, 3}, {2, 3})));
  EXPECT_TRUE(allclose(prim::flip(x, {-1}), tensor<double>({3, 2, 1, 6, 5, 4}, {2, 3})));
  EXPECT_TRUE(allclose(prim::flip(x, {0, 1}), tensor<double>({6, 5, 4, 3, 2, 1}, {2, 3})));
  EXPECT_TRUE(allclose(prim::flip(x, {}), x));
  EXPECT_EQ(prim::flip(zeros({0, 3}), {0, 1}).shape(), (Shape{0, 3}));
}

TEST(IndexFlip, MatchesIndexSelectAllDtypesAndLayouts) {
  for (DType t : kAllDtypes) {
    const Tensor x = sample({3, 4, 2}, t);
    const Tensor want = prim::index_select(prim::index_select(x, 0, tensor<int64_t>({2, 1, 0})), 2,
                                           tensor<int64_t>({1, 0}));
    EXPECT_TRUE(allclose(prim::flip(x, {0, 2}), want)) << name(t);
    EXPECT_TRUE(allclose(prim::flip(noncontiguous(x), {2, 0}), want)) << name(t);
  }
}

TEST(IndexFlip, BadInputsNameTheOp) {
  EXPECT_THROW_MESSAGE(prim::flip(zeros({2, 2}), {0, -2}), std::invalid_argument, "flip: dim -2 appears twice");
  EXPECT_THROW_MESSAGE(prim::flip(zeros({2, 2}), {2}), std::out_of_range, "flip: dim 2");
}

}  // namespace
}  // namespace nabla
