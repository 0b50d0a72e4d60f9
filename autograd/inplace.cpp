#include "autograd/inplace.h"

#include <stdexcept>
#include <string>

#include "autograd/grad_mode.h"
#include "core/copy.h"
#include "core/elementwise.h"
#include "core/factory.h"

namespace nabla {

namespace {
void check_writable(const char* op, const Tensor& t) {
  if (!t.defined()) throw std::invalid_argument(std::string(op) + ": got an undefined tensor");
  if (grad_enabled() && t.requires_grad())
    throw std::invalid_argument(std::string(op) + ": " + describe(t) +
                                " requires grad; in-place updates of it are not recorded, so do them "
                                "inside a NoGradGuard");
}
Tensor scalar_of(double v, const Tensor& like) { return scalar(v, Options::like(like)); }
}  // namespace

void add_(const Tensor& t, const Tensor& other, double alpha) {
  check_writable("add_", t);
  prim::binary_(prim::Binary::add, t,
                alpha == 1.0 ? other : prim::binary(prim::Binary::mul, other, scalar_of(alpha, other)));
}
void sub_(const Tensor& t, const Tensor& other) {
  check_writable("sub_", t);
  prim::binary_(prim::Binary::sub, t, other);
}
void mul_(const Tensor& t, const Tensor& other) {
  check_writable("mul_", t);
  prim::binary_(prim::Binary::mul, t, other);
}
void mul_(const Tensor& t, double value) { mul_(t, scalar_of(value, t)); }
void fill_(const Tensor& t, double value) {
  check_writable("fill_", t);
  prim::fill_(t, value);
}
void zero_(const Tensor& t) { fill_(t, 0.0); }
void copy_(const Tensor& dst, const Tensor& src) {
  check_writable("copy_", dst);
  prim::copy_(dst, src);
}

}  // namespace nabla
