#include "autograd/dropout.h"

#include <string>

#include "autograd/elementwise.h"
#include "core/check.h"
#include "core/elementwise.h"

namespace nabla {

Tensor dropout(const Tensor& x, double p, bool training, Generator* gen) {
  check_defined("dropout", x);
  if (!(p >= 0 && p <= 1)) throw_invalid("dropout", "expected 0 <= p <= 1, got " + std::to_string(p));
  if (!is_floating(x.dtype())) throw_dtype("dropout", x.dtype(), "a floating dtype (f32, f64)");
  if (!training || p == 0) return x;
  if (p == 1) return x * 0.0;
  // The scaled mask holds no history: x * mask records the vjp g * mask.
  const Tensor mask = prim::binary(prim::Binary::mul, bernoulli(x.shape(), 1 - p, Options::like(x), gen),
                                   scalar_like(1 / (1 - p), x));
  return x * mask;
}

}  // namespace nabla
