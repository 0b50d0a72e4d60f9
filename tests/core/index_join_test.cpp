// prim cat, stack, split, chunk, pad: values, dtypes, strided inputs, errors.
#include "core/index.h"

#include "tests/core/index_testing.h"

namespace nabla {
namespace {

using testing::allclose;
using testing::noncontiguous;
using namespace index_testing;

TEST(IndexCat, HandValuesAlongEachDim) {
  Tensor a = tensor<double>({1, 2, 3, 4}, {2, 2}), b = tensor<double>({5, 6}, {1, 2});
  EXPECT_TRUE(allclose(prim::cat({a, b}, 0), tensor<double>({1, 2, 3, 4, 5, 6}, {3, 2})));
  Tensor c = tensor<double>({7, 8}, {2, 1});
  EXPECT_TRUE(allclose(prim::cat({a, c, a}, -1), tensor<double>({1, 2, 7, 1, 2, 3, 4, 8, 3, 4}, {2, 5})));
}

TEST(IndexCat, AllDtypesStridedAndEmptyInputs) {
  for (DType t : kAllDtypes) {
    const Tensor a = sample({2, 3}, t), b = sample({2, 4}, t, 5), e = sample({2, 0}, t);
    const Tensor y = prim::cat({a, e, b}, 1);
    EXPECT_EQ(y.dtype(), t);
    EXPECT_EQ(y.shape(), (Shape{2, 7}));
    const auto av = to_vector<double>(a), bv = to_vector<double>(b), yv = to_vector<double>(y);
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 7; ++j)
        EXPECT_EQ(yv[i * 7 + j], j < 3 ? av[i * 3 + j] : bv[i * 4 + j - 3]) << name(t);
    EXPECT_TRUE(allclose(prim::cat({noncontiguous(a), e, noncontiguous(b)}, 1), y)) << name(t);
  }
  EXPECT_EQ(prim::cat({zeros({0, 2}), zeros({0, 2})}, 0).shape(), (Shape{0, 2}));
  Tensor one = tensor<double>({3});
  EXPECT_TRUE(allclose(prim::cat({one}, 0), one));
}

TEST(IndexCat, BadInputsNameTheOp) {
  EXPECT_THROW_MESSAGE(prim::cat({}, 0), std::invalid_argument, "cat: expected a non-empty list");
  EXPECT_THROW_MESSAGE(prim::cat({zeros({2}), zeros({2}, DType::f64)}, 0), std::invalid_argument,
                   "cat: expected tensors of one dtype, got f32[2] (tensor 0) and f64[2] (tensor 1)");
  EXPECT_THROW_MESSAGE(prim::cat({zeros({2, 3}), zeros({3, 2})}, 0), std::invalid_argument,
                   "cat: sizes must match except in dim 0, got f32[2, 3] (tensor 0) and f32[3, 2] (tensor 1)");
  EXPECT_THROW_MESSAGE(prim::cat({zeros({2, 3}), zeros({6})}, 0), std::invalid_argument, "cat: sizes must match");
  EXPECT_THROW_MESSAGE(prim::cat({scalar(1), scalar(2)}, 0), std::invalid_argument, "cat: cannot concatenate the 0-d");
  EXPECT_THROW_MESSAGE(prim::cat({zeros({2})}, 1), std::out_of_range, "cat: dim 1");
}

TEST(IndexStack, NewDimAnywhere) {
  Tensor a = tensor<double>({1, 2}), b = tensor<double>({3, 4});
  EXPECT_TRUE(allclose(prim::stack({a, b}, 0), tensor<double>({1, 2, 3, 4}, {2, 2})));
  EXPECT_TRUE(allclose(prim::stack({a, b}, 1), tensor<double>({1, 3, 2, 4}, {2, 2})));
  EXPECT_TRUE(allclose(prim::stack({a, b}, -1), tensor<double>({1, 3, 2, 4}, {2, 2})));
  EXPECT_TRUE(allclose(prim::stack({scalar(1.0, DType::f64), scalar(2.0, DType::f64)}), tensor<double>({1, 2})));
  EXPECT_TRUE(allclose(prim::stack({noncontiguous(a), b}, 1), tensor<double>({1, 3, 2, 4}, {2, 2})));
}

TEST(IndexStack, BadInputsNameTheOp) {
  EXPECT_THROW_MESSAGE(prim::stack({zeros({2}), zeros({3})}), std::invalid_argument,
                   "stack: expected tensors of one shape, got f32[2] (tensor 0) and f32[3] (tensor 1)");
  EXPECT_THROW_MESSAGE(prim::stack({}), std::invalid_argument, "stack: expected a non-empty list");
  EXPECT_THROW_MESSAGE(prim::stack({zeros({2}), zeros({2}, DType::i64)}), std::invalid_argument,
                       "stack: expected tensors of one dtype");
}

TEST(IndexSplit, BySizeBySizesAndChunk) {
  Tensor x = tensor<double>({0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {2, 5});
  auto parts = prim::split(x, 2, 1);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_TRUE(allclose(parts[0], tensor<double>({0, 1, 5, 6}, {2, 2})));
  EXPECT_TRUE(allclose(parts[2], tensor<double>({4, 9}, {2, 1})));
  EXPECT_EQ(parts[1].storage(), x.storage());  // a view
  auto sized = prim::split(x, std::vector<int64_t>{1, 0, 4}, -1);
  ASSERT_EQ(sized.size(), 3u);
  EXPECT_EQ(sized[1].shape(), (Shape{2, 0}));
  EXPECT_TRUE(allclose(sized[2], tensor<double>({1, 2, 3, 4, 6, 7, 8, 9}, {2, 4})));
  std::vector<int64_t> got;
  for (const Tensor& p : prim::chunk(x, 3, 1)) got.push_back(p.shape()[1]);
  EXPECT_EQ(got, (std::vector<int64_t>{2, 2, 1}));
  got.clear();
  for (const Tensor& p : prim::chunk(prim::reshape(x, {10}), 4)) got.push_back(p.shape()[0]);
  EXPECT_EQ(got, (std::vector<int64_t>{3, 3, 3, 1}));
  EXPECT_EQ(prim::chunk(tensor<double>({1, 2}), 5).size(), 2u);  // fewer pieces when the size runs out
  EXPECT_EQ(prim::split(zeros({0, 3}), 2, 0).size(), 1u);
}

TEST(IndexSplit, BadInputsNameTheOp) {
  Tensor x = zeros({2, 5});
  EXPECT_THROW_MESSAGE(prim::split(x, 0, 1), std::invalid_argument, "split: split_size must be positive");
  EXPECT_THROW_MESSAGE(prim::split(x, std::vector<int64_t>{2, 2}, 1), std::invalid_argument,
                   "split: sizes [2, 2] sum to 4, expected the size 5 of dim 1 of f32[2, 5]");
  EXPECT_THROW_MESSAGE(prim::split(x, std::vector<int64_t>{6, -1}, 1), std::invalid_argument, "split: negative size");
  EXPECT_THROW_MESSAGE(prim::chunk(x, 0, 1), std::invalid_argument, "chunk: chunks must be positive");
}

TEST(IndexPad, ConstantHandValues) {
  Tensor x = tensor<double>({1, 2, 3, 4}, {2, 2});
  // Last dim by (1, 0), first by (0, 1), filled with 9.
  EXPECT_TRUE(allclose(prim::pad(x, {1, 0, 0, 1}, PadMode::constant, 9),
                       tensor<double>({9, 1, 2, 9, 3, 4, 9, 9, 9}, {3, 3})));
  EXPECT_TRUE(allclose(prim::pad(x, {0, 0, 1, 1}), tensor<double>({0, 0, 1, 2, 3, 4, 0, 0}, {4, 2})));
}

TEST(IndexPad, NegativePadsCrop) {
  Tensor x = tensor<double>({1, 2, 3, 4, 5, 6}, {2, 3});
  EXPECT_TRUE(allclose(prim::pad(x, {-1, 0}), tensor<double>({2, 3, 5, 6}, {2, 2})));
  EXPECT_TRUE(allclose(prim::pad(x, {-1, 1, -1, 0}), tensor<double>({5, 6, 0}, {1, 3})));
  EXPECT_TRUE(allclose(prim::pad(x, {-3, 1}), zeros({2, 1}, DType::f64)));  // everything cropped
  EXPECT_EQ(prim::pad(x, {-2, -1}).shape(), (Shape{2, 0}));
}

TEST(IndexPad, ConstantAllDtypesAndStrided) {
  for (DType t : kAllDtypes) {
    const Tensor x = sample({2, 3}, t, 1);
    const Tensor y = prim::pad(x, {2, 1, 1, 0}, PadMode::constant, 1);
    EXPECT_EQ(y.dtype(), t);
    EXPECT_EQ(y.shape(), (Shape{3, 6}));
    EXPECT_TRUE(allclose(prim::narrow(prim::narrow(y, 0, 1, 2), 1, 2, 3), x)) << name(t);
    EXPECT_TRUE(allclose(prim::narrow(y, 0, 0, 1), ones({1, 6}))) << name(t);
    EXPECT_TRUE(allclose(prim::pad(noncontiguous(x), {2, 1, 1, 0}, PadMode::constant, 1), y)) << name(t);
  }
}

TEST(IndexPad, ReflectAndReplicateMatchTorch) {
  Tensor x = tensor<double>({0, 1, 2, 3});
  EXPECT_TRUE(allclose(prim::pad(x, {2, 1}, PadMode::reflect), tensor<double>({2, 1, 0, 1, 2, 3, 2})));
  EXPECT_TRUE(allclose(prim::pad(x, {2, 1}, PadMode::replicate), tensor<double>({0, 0, 0, 1, 2, 3, 3})));
  EXPECT_TRUE(allclose(prim::pad(x, {-1, 2}, PadMode::reflect), tensor<double>({1, 2, 3, 2, 1})));
  Tensor m = tensor<double>({1, 2, 3, 4}, {2, 2});
  EXPECT_TRUE(allclose(prim::pad(noncontiguous(m), {1, 0, 0, 1}, PadMode::reflect),
                       tensor<double>({2, 1, 2, 4, 3, 4, 2, 1, 2}, {3, 3})));
  EXPECT_TRUE(allclose(prim::pad(m, {0, 1, 1, 0}, PadMode::replicate),
                       tensor<double>({1, 2, 2, 1, 2, 2, 3, 4, 4}, {3, 3})));
  for (DType t : kAllDtypes)
    EXPECT_TRUE(allclose(prim::pad(prim::to(x, t), {1, 1}, PadMode::reflect),
                         prim::to(tensor<double>({1, 0, 1, 2, 3, 2}), t))) << name(t);
}

TEST(IndexPad, BadInputsNameTheOp) {
  Tensor x = zeros({2, 3});
  EXPECT_THROW_MESSAGE(prim::pad(x, {1}), std::invalid_argument, "pad: expected an even number of pad sizes");
  EXPECT_THROW_MESSAGE(prim::pad(x, {1, 1, 1, 1, 1, 1}), std::invalid_argument, "at most 2 * ndim");
  EXPECT_THROW_MESSAGE(prim::pad(x, {-2, -2}), std::invalid_argument,
                       "pad: pads [-2, -2] give a negative size for dim 1");
  EXPECT_THROW_MESSAGE(prim::pad(x, {3, 0}, PadMode::reflect), std::invalid_argument,
                   "pad: reflect pads must be smaller than the size");
  EXPECT_THROW_MESSAGE(prim::pad(zeros({0}), {1, 0}, PadMode::replicate), std::invalid_argument,
                   "pad: replicate cannot pad an empty dim");
}

}  // namespace
}  // namespace nabla
