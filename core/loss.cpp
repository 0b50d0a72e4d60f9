#include "core/loss.h"

#include <string>
#include <vector>

#include "core/check.h"
#include "core/copy.h"
#include "core/elementwise.h"
#include "core/index.h"
#include "core/factory.h"
#include "core/reduce.h"
#include "core/views.h"
#include "kernels/cuda/loss.h"
#include "kernels/loss.h"

namespace nabla::prim {

namespace {
// Validates logits and class-index targets; returns the class dim.
int64_t check_classes(const char* op, const Tensor& logits, const Tensor& targets) {
  check_defined(op, logits);
  check_defined(op, targets);
  if (logits.dim() < 1) throw_invalid(op, "expected logits of shape [N, C], [N, C, *] or [C], got " + describe(logits));
  if (!is_floating(logits.dtype())) throw_dtype(op, logits.dtype(), "floating logits (f32, f64)");
  if (targets.dtype() != DType::i64)
    throw_invalid(op, "expected targets of dtype i64 (class indices), got " + describe(targets));
  const int64_t cd = class_dim(logits);
  Shape want = logits.shape();
  want.erase(want.begin() + cd);
  if (targets.shape() != want)
    throw_invalid(op, "expected targets of shape " + str(want) + " for logits " + describe(logits) + ", got " +
                          describe(targets));
  check_same_device(op, {logits, targets});
  require_cuda_float(op, {logits});
  const int64_t classes = logits.shape()[cd];
  const Tensor host = to(targets, Device::cpu());  // a CUDA target is checked on a host copy
  const int64_t bad = kernels::cpu::first_invalid_target(host.view<const int64_t>(), classes);
  if (bad >= 0)
    throw_invalid(op, "target " + std::to_string(to_vector<int64_t>(host)[bad]) + " at index " +
                          std::to_string(bad) + " is out of range [0, " + std::to_string(classes) + ")");
  return cd;
}

// The logits viewed with the class dim last.
Tensor classes_last(const Tensor& logits, int64_t cd) {
  std::vector<int64_t> order;
  for (int64_t d = 0; d < logits.dim(); ++d)
    if (d != cd) order.push_back(d);
  order.push_back(cd);
  return permute(logits, order);
}
}  // namespace

Tensor reduce_loss(const Tensor& loss, Reduction reduction) {
  switch (reduction) {
    case Reduction::none: return loss;
    case Reduction::sum: return sum(loss);
    case Reduction::mean:
      return binary(Binary::div, sum(loss), scalar(static_cast<double>(loss.numel()), Options::like(loss)));
  }
  throw_invalid("reduce_loss", "unknown reduction");
}

void check_loss_pair(const char* op, const Tensor& input, const Tensor& target) {
  check_defined(op, input);
  check_defined(op, target);
  if (input.shape() != target.shape())
    throw_invalid(op, "expected input and target of one shape, got " + describe(input) + " and " + describe(target));
  check_same_dtype(op, {input, target});
  check_same_device(op, {input, target});
  if (!is_floating(input.dtype())) throw_dtype(op, input.dtype(), "a floating dtype (f32, f64)");
  require_cuda_float(op, {input, target});  // its users run on CUDA: mse, l1, bce
}

Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& targets, Reduction reduction,
                                        const Tensor& pos_weight) {
  const char* op = "binary_cross_entropy_with_logits";
  check_loss_pair(op, logits, targets);
  if (pos_weight.defined()) {
    check_same_dtype(op, {logits, pos_weight});
    check_same_device(op, {logits, pos_weight});
    require_cuda_float(op, {pos_weight});
    const Shape &ls = logits.shape(), &ps = pos_weight.shape();
    bool fits = ps.size() <= ls.size();
    for (size_t i = 1; fits && i <= ps.size(); ++i)
      fits = ps[ps.size() - i] == 1 || ps[ps.size() - i] == ls[ls.size() - i];
    if (!fits)
      throw_invalid(op, "pos_weight " + describe(pos_weight) + " does not broadcast to logits " + describe(logits));
  }
  Tensor out = make_tensor(logits.shape(), logits.dtype(), logits.device());
  dispatch_float(logits.dtype(), op, [&]<class T>() {
    kernels::View<const T> pw;  // absent: weight 1
    if (pos_weight.defined()) pw = expand(pos_weight, logits.shape()).view<const T>();
    if (logits.device().is_cuda())
      kernels::cuda::bce_with_logits<T>(out.view<T>(), logits.view<const T>(), targets.view<const T>(), pw);
    else
      kernels::cpu::bce_with_logits<T>(out.view<T>(), logits.view<const T>(), targets.view<const T>(), pw);
  });
  return reduce_loss(out, reduction);
}

int64_t class_dim(const Tensor& logits) { return logits.dim() == 1 ? 0 : 1; }

CrossEntropyRows cross_entropy_rows(const Tensor& logits, const Tensor& targets, double label_smoothing) {
  const char* op = "cross_entropy";
  const int64_t cd = check_classes(op, logits, targets);
  if (!(label_smoothing >= 0 && label_smoothing <= 1))
    throw_invalid(op, "expected 0 <= label_smoothing <= 1, got " + std::to_string(label_smoothing));
  CrossEntropyRows r{make_tensor(targets.shape(), logits.dtype(), logits.device()),
                     make_tensor(targets.shape(), logits.dtype(), logits.device())};
  dispatch_float(logits.dtype(), op, [&]<class T>() {
    const auto x = classes_last(logits, cd).view<const T>();
    const auto t = targets.view<const int64_t>();
    if (logits.device().is_cuda())
      kernels::cuda::cross_entropy<T>(r.loss.view<T>(), r.lse.view<T>(), x, t, label_smoothing);
    else
      kernels::cpu::cross_entropy<T>(r.loss.view<T>(), r.lse.view<T>(), x, t, label_smoothing);
  });
  return r;
}

Tensor cross_entropy(const Tensor& logits, const Tensor& targets, Reduction reduction, double label_smoothing) {
  return reduce_loss(cross_entropy_rows(logits, targets, label_smoothing).loss, reduction);
}

Tensor nll_loss(const Tensor& log_probs, const Tensor& targets, Reduction reduction) {
  const char* op = "nll_loss";
  const int64_t cd = check_classes(op, log_probs, targets);
  Tensor loss = make_tensor(targets.shape(), log_probs.dtype(), log_probs.device());
  dispatch_float(log_probs.dtype(), op, [&]<class T>() {
    const auto x = classes_last(log_probs, cd).view<const T>();
    if (log_probs.device().is_cuda()) kernels::cuda::nll<T>(loss.view<T>(), x, targets.view<const int64_t>());
    else kernels::cpu::nll<T>(loss.view<T>(), x, targets.view<const int64_t>());
  });
  return reduce_loss(loss, reduction);
}

Tensor target_distribution(const Tensor& logits, const Tensor& targets, double label_smoothing) {
  const int64_t cd = class_dim(logits);
  const int64_t classes = logits.shape()[cd];
  // one_hot puts the classes last; move them to cd.
  std::vector<int64_t> order;
  for (int64_t d = 0; d < logits.dim(); ++d) order.push_back(d == cd ? logits.dim() - 1 : d < cd ? d : d - 1);
  const Tensor hot = permute(one_hot(targets, classes, logits.dtype()), order);
  if (label_smoothing == 0) return hot;
  return binary(Binary::add, binary(Binary::mul, hot, scalar(1 - label_smoothing, Options::like(logits))),
                scalar(label_smoothing / static_cast<double>(classes), Options::like(logits)));
}

Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  check_loss_pair("mse_loss", input, target);
  return reduce_loss(unary(Unary::square, binary(Binary::sub, input, target)), reduction);
}

Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  check_loss_pair("l1_loss", input, target);
  return reduce_loss(unary(Unary::abs, binary(Binary::sub, input, target)), reduction);
}

}  // namespace nabla::prim
