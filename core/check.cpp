#include "core/check.h"

#include <stdexcept>

namespace nabla {

void throw_invalid(const std::string& op, const std::string& message) {
  throw std::invalid_argument(op + ": " + message);
}

void check_defined(const char* op, const Tensor& t) {
  if (!t.defined()) throw_invalid(op, "got an undefined tensor");
}

namespace {
std::string list(std::initializer_list<Tensor> ts) {
  std::string s;
  for (const Tensor& t : ts) s += (s.empty() ? "" : ", ") + describe(t);
  return s;
}
}  // namespace

void check_same_device(const char* op, std::initializer_list<Tensor> ts) {
  for (const Tensor& t : ts) check_defined(op, t);
  for (const Tensor& t : ts)
    if (!(t.device() == ts.begin()->device()))
      throw_invalid(op, "expected tensors on one device, got " + list(ts));
}

void check_same_dtype(const char* op, std::initializer_list<Tensor> ts) {
  for (const Tensor& t : ts) check_defined(op, t);
  for (const Tensor& t : ts)
    if (t.dtype() != ts.begin()->dtype())
      throw_invalid(op, "expected tensors of one dtype, got " + list(ts) +
                            " (nabla does not promote; convert with to(dtype))");
}

void require_cpu(const char* op, std::initializer_list<Tensor> ts) {
  for (const Tensor& t : ts)
    if (t.defined() && t.device().is_cuda())
      throw std::runtime_error(std::string(op) + " has no CUDA kernel (input " + describe(t) + ")");
}

void require_cuda_float(const char* op, std::initializer_list<Tensor> ts) {
  for (const Tensor& t : ts)
    if (t.defined() && t.device().is_cuda() && !(t.dtype() == DType::f32 || t.dtype() == DType::f64))
      throw std::runtime_error(std::string(op) + " has no CUDA kernel for " + name(t.dtype()) + " (input " +
                               describe(t) + "; the CUDA kernels take f32 and f64)");
}

}  // namespace nabla
