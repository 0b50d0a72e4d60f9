#include "core/linalg.h"

#include <string>

#include "core/check.h"
#include "core/copy.h"
#include "core/views.h"
#include "core/backend.h"
#include "kernels/cuda/linalg.h"
#include "kernels/linalg.h"

namespace nabla::prim {

namespace {

[[noreturn]] void throw_mismatch(const char* op, const Tensor& a, const Tensor& b, const std::string& why) {
  throw_invalid(op, "cannot multiply " + describe(a) + " by " + describe(b) + ": " + why);
}

void check_operands(const char* op, const Tensor& a, const Tensor& b) {
  check_same_device(op, {a, b});
  check_same_dtype(op, {a, b});
  if (!is_bf16(a)) require_cuda_float(op, {a, b});
}

// True when dims [0, n) of x can be merged into one by a view (no copy).
bool mergeable_prefix(const Tensor& x, int64_t n) {
  int64_t prev = -1;  // the last dim of size > 1 seen
  for (int64_t d = 0; d < n; ++d) {
    if (x.shape()[d] == 1) continue;
    if (prev >= 0 && x.stride(prev) != x.stride(d) * x.shape()[d]) return false;
    prev = d;
  }
  return true;
}

// out = a @ b for a [..., m, k] and b [..., k, n] with equal batch sizes.
Tensor run_matmul(const char* op, const Tensor& a, const Tensor& b) {
  // bf16: the f32 GEMM on float copies, accumulating in float, rounded once.
  if (is_bf16(a)) return round_bf16(run_matmul(op, promote_f32(a), promote_f32(b)));
  Shape shape(a.shape().begin(), a.shape().end() - 1);
  shape.push_back(b.shape().back());
  Tensor out = make_tensor(shape, a.dtype(), a.device());
  dispatch_float(a.dtype(), op, [&]<class T>() {
    if (a.device().is_cuda())
      kernels::cuda::matmul<T>(out.view<T>(), a.view<const T>(), b.view<const T>(), backend("matmul"));
    else
      kernels::cpu::matmul<T>(out.view<T>(), a.view<const T>(), b.view<const T>());
  });
  return out;
}

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b) {
  check_operands("matmul", a, b);
  if (a.dim() == 0 || b.dim() == 0)
    throw_mismatch("matmul", a, b, "both arguments need at least 1 dimension");
  const int64_t k_a = a.shape().back();
  const int64_t k_b = b.dim() == 1 ? b.shape()[0] : b.shape()[b.dim() - 2];
  if (k_a != k_b)
    throw_mismatch("matmul", a, b, "inner sizes " + std::to_string(k_a) + " and " + std::to_string(k_b) + " differ");

  // Lift vectors to matrices: a [k] -> [1, k], b [k] -> [k, 1].
  const Tensor a2 = a.dim() == 1 ? unsqueeze(a, 0) : a;
  const Tensor b2 = b.dim() == 1 ? unsqueeze(b, 1) : b;
  const int64_t m = a2.shape()[a2.dim() - 2], n = b2.shape().back();

  Shape result;  // the output shape with the lifted dims dropped again
  Tensor out;
  if (b2.dim() == 2 && a2.dim() > 2 && mergeable_prefix(a2, a2.dim() - 1)) {
    // [..., m, k] @ [k, n]: one GEMM over all rows of a.
    result = Shape(a2.shape().begin(), a2.shape().end() - 1);
    out = run_matmul("matmul", view(a2, {numel(result), k_a}), b2);
  } else {
    const Shape batch_a(a2.shape().begin(), a2.shape().end() - 2);
    const Shape batch_b(b2.shape().begin(), b2.shape().end() - 2);
    Shape batch;
    try {
      batch = broadcast_shapes(batch_a, batch_b, "matmul");
    } catch (const std::invalid_argument&) {
      throw_mismatch("matmul", a, b, "batch dims " + str(batch_a) + " and " + str(batch_b) + " do not broadcast");
    }
    Shape sa = batch, sb = batch;
    sa.insert(sa.end(), {m, k_a});
    sb.insert(sb.end(), {k_a, n});
    out = run_matmul("matmul", expand(a2, sa), expand(b2, sb));
    result = batch;
    result.push_back(m);
  }
  result.push_back(n);
  if (a.dim() == 1) result.erase(result.end() - 2);
  if (b.dim() == 1) result.pop_back();
  return view(out, result);
}

Tensor bmm(const Tensor& a, const Tensor& b) {
  check_operands("bmm", a, b);
  if (a.dim() != 3 || b.dim() != 3) throw_mismatch("bmm", a, b, "expected two 3-D tensors [B, m, k] and [B, k, n]");
  if (a.shape()[0] != b.shape()[0])
    throw_mismatch("bmm", a, b,
                   "batch sizes " + std::to_string(a.shape()[0]) + " and " + std::to_string(b.shape()[0]) + " differ");
  if (a.shape()[2] != b.shape()[1])
    throw_mismatch("bmm", a, b,
                   "inner sizes " + std::to_string(a.shape()[2]) + " and " + std::to_string(b.shape()[1]) + " differ");
  return run_matmul("bmm", a, b);
}

Tensor outer(const Tensor& a, const Tensor& b) {
  check_operands("outer", a, b);
  if (a.dim() != 1 || b.dim() != 1)
    throw_invalid("outer", "expected two 1-D tensors, got " + describe(a) + " and " + describe(b));
  return run_matmul("outer", unsqueeze(a, 1), unsqueeze(b, 0));
}

}  // namespace nabla::prim
