// CUDA cumsum against the CPU: both scan each row serially in double, so the
// results agree to the last bit; compared with tol_for, values and grads
// (the vjp is the reverse cumsum), every dim, both directions, strided.
#include <gtest/gtest.h>

#include "autograd/scan.h"
#include "core/scan.h"
#include "tests/cuda/parity.h"

namespace nabla::testing {
namespace {

TEST(CudaScan, CumsumMatchesTheCpu) {
  NABLA_REQUIRE_CUDA();
  const std::vector<Shape> shapes{{1}, {17}, {5, 7}, {3, 4, 5}, {2, 5000}};
  for (DType t : float_types())
    for (bool strided : {false, true})
      for (const Shape& shape : shapes)
        for (int64_t d = 0; d < static_cast<int64_t>(shape.size()); ++d)
          for (bool reverse : {false, true})
            expect_parity("cumsum " + str(shape) + " dim " + std::to_string(d) + (reverse ? " reverse" : ""),
                          {sample(shape, t, 1)},
                          [&](const std::vector<Tensor>& v, Device) { return cumsum(v[0], d, reverse); }, tol_for(t),
                          strided);
}

TEST(CudaScan, ZeroDimAndEmpty) {
  NABLA_REQUIRE_CUDA();
  const Tensor s = scalar(2.5, Options(DType::f64));
  EXPECT_TRUE(matches(prim::cumsum(to_cuda(s), 0, false), prim::cumsum(s, 0, false), tol_for(DType::f64)));
  const Tensor e = sample({0, 3}, DType::f32, 2);
  EXPECT_TRUE(matches(prim::cumsum(to_cuda(e), 1, false), prim::cumsum(e, 1, false), tol_for(DType::f32)));
}

}  // namespace
}  // namespace nabla::testing
