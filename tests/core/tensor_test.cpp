#include "core/tensor.h"

#include "core/copy.h"
#include "core/factory.h"
#include "tests/testing.h"

namespace nabla {
namespace {

TEST(Tensor, FactoriesFillShapeAndDtype) {
  Tensor z = zeros({2, 3}, DType::f64);
  EXPECT_EQ(z.shape(), (Shape{2, 3}));
  EXPECT_EQ(z.dtype(), DType::f64);
  EXPECT_EQ(z.strides(), (Strides{3, 1}));
  EXPECT_EQ(to_vector<double>(z), std::vector<double>(6, 0.0));
  EXPECT_EQ(to_vector<float>(full({2}, 2.5)), (std::vector<float>{2.5f, 2.5f}));
  EXPECT_EQ(to_vector<int64_t>(arange(4)), (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(to_vector<float>(arange(1.0, 2.0, 0.25)), (std::vector<float>{1, 1.25, 1.5, 1.75}));
  EXPECT_EQ(to_vector<double>(eye(2, DType::f64)), (std::vector<double>{1, 0, 0, 1}));
  EXPECT_EQ(ones_like(z).dtype(), DType::f64);
  EXPECT_EQ(scalar(3.0).dim(), 0);
  EXPECT_EQ(scalar(3.0).item(), 3.0);
}

TEST(Tensor, FromVectorChecksShape) {
  Tensor t = tensor<float>({1, 2, 3, 4, 5, 6}, {2, 3});
  EXPECT_EQ(t.size(-1), 3);
  EXPECT_THROW(tensor<float>({1, 2, 3}, {2, 2}), std::invalid_argument);
}

TEST(Tensor, ConvertsDtype) {
  Tensor t = tensor<double>({1.7, -2.2, 0.0});
  EXPECT_EQ(to_vector<int64_t>(prim::to(t, DType::i64)), (std::vector<int64_t>{1, -2, 0}));
  EXPECT_EQ(to_vector<bool>(prim::to(t, DType::b8)), (std::vector<bool>{true, true, false}));
  EXPECT_EQ(to_vector<float>(prim::to(t, DType::f32))[0], 1.7f);
}

TEST(Tensor, ItemNeedsOneElement) {
  EXPECT_THROW(zeros({2}).item(), std::invalid_argument);
  EXPECT_EQ(ones({1, 1}).item(), 1.0);
}

TEST(Tensor, TypedDataAccessChecksDtype) {
  Tensor t = zeros({2});
  EXPECT_NO_THROW(t.data<float>());
  EXPECT_THROW(t.data<double>(), std::invalid_argument);
}

TEST(Tensor, InPlaceWritesBumpTheSharedVersion) {
  Tensor t = zeros({4});
  Tensor v = prim::to(t, DType::f32);  // the same tensor
  const uint64_t before = t.version();
  prim::fill_(v, 1.0);
  EXPECT_GT(t.version(), before);
}

TEST(Tensor, RejectsBadShapes) {
  EXPECT_THROW(zeros({-1, 2}), std::invalid_argument);
  EXPECT_THROW(zeros({1, 1, 1, 1, 1, 1, 1, 1, 1}), std::invalid_argument);  // 9 dims
  EXPECT_THROW(zeros({int64_t(1) << 40, int64_t(1) << 40}), std::overflow_error);
}

TEST(Tensor, RequiresGradOnlyOnFloatLeaves) {
  EXPECT_THROW(zeros({2}, DType::i64).requires_grad_(), std::invalid_argument);
  EXPECT_TRUE(zeros({2}).requires_grad_().requires_grad());
}

TEST(Tensor, CudaWithoutDeviceIsAClearError) {
  if (cuda_device_count() > 0) GTEST_SKIP() << "a CUDA device is present";
  EXPECT_THROW_MESSAGE(zeros({2}, Device::cuda(0)), std::exception, "cuda");
}

TEST(Device, ParsesNames) {
  EXPECT_EQ(Device::parse("cpu"), Device::cpu());
  EXPECT_EQ(Device::parse("cuda:1"), Device::cuda(1));
  EXPECT_EQ(Device::cuda(2).str(), "cuda:2");
  EXPECT_THROW(Device::parse("gpu"), std::invalid_argument);
  EXPECT_THROW(Device::parse("cuda:x"), std::invalid_argument);
}

TEST(Print, MatchesPyTorchLayout) {
  EXPECT_EQ(tensor<float>({1, -2.5, 3, 4}, {2, 2}).str(),
            "tensor([[ 1.0000, -2.5000],\n"
            "        [ 3.0000,  4.0000]])");
  EXPECT_EQ(tensor<int64_t>({1, 20, 3}).str(), "tensor([ 1, 20,  3])");
  EXPECT_EQ(scalar(0.5, DType::f64).str(), "tensor(0.5000, dtype=f64)");
  EXPECT_EQ(tensor<double>({1.0}).requires_grad_().str(), "tensor([1.0000], dtype=f64, requires_grad=true)");
  EXPECT_EQ(tensor<float>({1e-6f, 1.0f}).str(), "tensor([1.0000e-06, 1.0000e+00])");
}

TEST(Print, SummarisesLargeTensors) {
  const std::string s = arange(2000).str();
  EXPECT_EQ(s, "tensor([   0,    1,    2, ..., 1997, 1998, 1999])");
}

}  // namespace
}  // namespace nabla
