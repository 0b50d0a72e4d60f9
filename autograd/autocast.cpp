#include "autograd/autocast.h"

#include <stdexcept>
#include <string>

#include "autograd/views.h"

namespace nabla {

namespace {
thread_local DType g_autocast = DType::f32;
}  // namespace

DType autocast_dtype() { return g_autocast; }

AutocastGuard::AutocastGuard(DType dtype) : previous_(g_autocast) {
  if (dtype != DType::f32 && dtype != DType::bf16)
    throw std::invalid_argument(std::string("AutocastGuard: expected bf16 (or f32 for off), got ") + name(dtype));
  g_autocast = dtype;
}

AutocastGuard::~AutocastGuard() { g_autocast = previous_; }

Tensor autocast(const Tensor& x) {
  if (!x.defined() || x.dtype() != DType::f32 || g_autocast == DType::f32) return x;
  return to(x, g_autocast);
}

Tensor autocast_f32(const Tensor& x) {
  if (!x.defined() || x.dtype() != DType::bf16) return x;
  return to(x, DType::f32);
}

}  // namespace nabla
