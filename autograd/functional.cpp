#include "autograd/functional.h"

#include <stdexcept>

#include "autograd/engine.h"
#include "autograd/grad_mode.h"
#include "autograd/views.h"
#include "core/copy.h"
#include "core/views.h"
#include "core/factory.h"

namespace nabla {

namespace {
// Fresh leaves with the primals' values, so the transform sees only f's graph.
std::vector<Tensor> fresh_leaves(const std::vector<Tensor>& xs) {
  std::vector<Tensor> out;
  for (const Tensor& x : xs) {
    Tensor leaf = detach(x);
    leaf.requires_grad_();
    out.push_back(leaf);
  }
  return out;
}

std::vector<Tensor> detach_all(const std::vector<Tensor>& ts) {
  std::vector<Tensor> out;
  for (const Tensor& t : ts) out.push_back(detach(t));
  return out;
}

void check_pairs(const char* op, const std::vector<Tensor>& a, const std::vector<Tensor>& b, const char* what) {
  if (a.size() != b.size())
    throw std::invalid_argument(std::string(op) + ": " + std::to_string(b.size()) + " " + what + " for " +
                                std::to_string(a.size()) + " tensors");
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].shape() != b[i].shape())
      throw std::invalid_argument(std::string(op) + ": " + what + " " + std::to_string(i) + " is " +
                                  describe(b[i]) + ", expected shape " + str(a[i].shape()));
}
}  // namespace

std::pair<std::vector<Tensor>, std::vector<Tensor>> vjp(const Fn& f, const std::vector<Tensor>& primals,
                                                        const std::vector<Tensor>& cotangents) {
  GradModeGuard on(true);
  auto xs = fresh_leaves(primals);
  auto ys = f(xs);
  check_pairs("vjp", ys, cotangents, "cotangents");
  auto gs = grad(ys, xs, cotangents, {.allow_unused = true});
  for (size_t i = 0; i < gs.size(); ++i)
    if (!gs[i].defined()) gs[i] = zeros_like(primals[i]);
  return {detach_all(ys), gs};
}

std::pair<std::vector<Tensor>, std::vector<Tensor>> jvp(const Fn& f, const std::vector<Tensor>& primals,
                                                        const std::vector<Tensor>& tangents) {
  check_pairs("jvp", primals, tangents, "tangents");
  GradModeGuard on(true);
  auto xs = fresh_leaves(primals);
  auto ys = f(xs);
  std::vector<Tensor> us;  // dummy cotangents: J^T u is linear in u
  for (const Tensor& y : ys) us.push_back(zeros(y.shape(), {y.dtype(), y.device(), true}));
  auto jt_u = grad(ys, xs, us, {.create_graph = true, .allow_unused = true});
  std::vector<Tensor> outs, outs_tangents;
  for (size_t i = 0; i < xs.size(); ++i)
    if (jt_u[i].defined() && jt_u[i].requires_grad()) outs.push_back(jt_u[i]), outs_tangents.push_back(tangents[i]);
  std::vector<Tensor> jv(ys.size());
  if (!outs.empty()) jv = grad(outs, us, outs_tangents, {.allow_unused = true});
  for (size_t k = 0; k < ys.size(); ++k)
    if (!jv[k].defined()) jv[k] = zeros_like(ys[k]);
  return {detach_all(ys), jv};
}

Tensor jacobian(const Fn1& f, const Tensor& x) {
  GradModeGuard on(true);
  Tensor leaf = detach(x);
  leaf.requires_grad_();
  Tensor y = f(leaf);
  const int64_t m = y.numel(), n = x.numel();
  Shape shape = y.shape();
  shape.insert(shape.end(), x.shape().begin(), x.shape().end());
  Tensor jac = zeros({m, n}, Options::like(x));
  if (!y.requires_grad()) return reshape(jac, shape);  // y does not depend on x
  Tensor flat_y = reshape(y, {m});
  for (int64_t i = 0; i < m; ++i) {
    Tensor e = zeros({m}, Options::like(y));
    prim::fill_(prim::narrow(e, 0, i, 1), 1.0);
    Tensor row = grad({flat_y}, {leaf}, {e}, {.retain_graph = true, .allow_unused = true})[0];
    if (row.defined()) prim::copy_(prim::narrow(jac, 0, i, 1), reshape(row, {1, n}));
  }
  return reshape(jac, shape);
}

}  // namespace nabla
