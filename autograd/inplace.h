#pragma once
// In-place updates (optimizer steps, gradient resets). They record nothing,
// so they refuse a tensor that requires grad while grad mode is on: update
// parameters inside a NoGradGuard. Each write bumps the storage version, so
// a tensor saved for backward and changed afterwards is caught.
#include "core/tensor.h"

namespace nabla {

void add_(const Tensor& t, const Tensor& other, double alpha = 1.0);  // t += alpha * other
void sub_(const Tensor& t, const Tensor& other);
void mul_(const Tensor& t, const Tensor& other);
void mul_(const Tensor& t, double value);
void fill_(const Tensor& t, double value);
void zero_(const Tensor& t);
void copy_(const Tensor& dst, const Tensor& src);  // src broadcast and converted to dst

}  // namespace nabla
