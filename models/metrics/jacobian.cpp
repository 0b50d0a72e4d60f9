#include "models/metrics/jacobian.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "autograd/nabla.h"
#include "core/svdvals.h"
#include "models/io/plot.h"

namespace nabla::metrics {

namespace {

// [n, width] with ones in column j: the batch's basis direction e_j.
Tensor basis(int64_t n, int64_t width, int64_t j, const Options& o) {
  return contiguous(expand(slice(eye(width, o), 0, j, j + 1), {n, width}));
}

Tensor or_zeros(const Tensor& g, const Shape& shape, const Options& o) { return g.defined() ? g : zeros(shape, o); }

JacobianSpectrum summarise(const Tensor& singular) {
  NoGradGuard no_grad;
  JacobianSpectrum s;
  s.singular_values = singular;
  const int64_t r = s.singular_values.size(1);
  const Tensor log_s = log(s.singular_values);
  const Tensor log_max = select(log_s, 1, 0), log_min = select(log_s, 1, r - 1);
  s.log_condition = 2.0 * (log_max - log_min);
  s.mean_log_condition = mean(s.log_condition).item();
  s.mean_log_smax = mean(log_max).item();
  s.mean_log_smin = mean(log_min).item();
  return s;
}

}  // namespace

Tensor generator_jacobian(const LatentFn& g, const Tensor& z) {
  if (z.dim() != 2) throw std::invalid_argument("generator_jacobian: z must be [N, k], got " + describe(z));
  GradModeGuard on(true);
  const int64_t n = z.size(0), k = z.size(1);
  Tensor leaf = detach(z);
  leaf.requires_grad_(true);
  const Tensor y = reshape(g(leaf), {n, -1});
  const int64_t m = y.size(1);
  const Options o = Options::like(y);
  std::vector<Tensor> parts;
  BackwardOptions keep;
  keep.retain_graph = true;
  keep.allow_unused = true;
  if (k <= m) {
    const Tensor u = zeros({n, m}, {y.dtype(), y.device(), true});
    BackwardOptions first = keep;
    first.create_graph = true;
    const Tensor jt_u = grad({y}, {leaf}, {u}, first)[0];  // J^T u, linear in u
    for (int64_t j = 0; j < k; ++j) {
      Tensor col;
      if (jt_u.defined() && jt_u.requires_grad()) col = grad({jt_u}, {u}, {basis(n, k, j, o)}, keep)[0];
      parts.push_back(detach(or_zeros(col, {n, m}, o)));  // J e_j for every sample
    }
    return to(stack(parts, 2), DType::f64);
  }
  for (int64_t i = 0; i < m; ++i)
    parts.push_back(detach(or_zeros(grad({y}, {leaf}, {basis(n, m, i, o)}, keep)[0], {n, k}, o)));  // e_i^T J
  return to(stack(parts, 1), DType::f64);
}

Tensor singular_values(const Tensor& j) {
  if (j.dim() != 3) throw std::invalid_argument("singular_values: expected [N, m, k], got " + describe(j));
  NoGradGuard no_grad;
  // One-sided Jacobi on j's device (one block per matrix on CUDA).
  return to(prim::svdvals(to(j, DType::f64)), Device::cpu());
}

JacobianSpectrum jacobian_spectrum(const LatentFn& g, const Tensor& z) {
  return summarise(singular_values(generator_jacobian(g, z)));
}

JacobianSpectrum jacobian_spectrum(LatentModel& model, int64_t n, Generator& gen, Device device, int64_t batch) {
  if (n <= 0 || batch <= 0) throw std::invalid_argument("jacobian_spectrum: n and batch must be positive");
  std::vector<Tensor> values;
  for (int64_t done = 0; done < n; done += batch) {
    const Tensor z = randn({std::min(batch, n - done), model.latent_dim()}, device, &gen);
    values.push_back(singular_values(generator_jacobian([&](const Tensor& x) { return model.generate(x); }, z)));
  }
  return summarise(cat(values, 0));
}

std::map<std::string, double> spectrum_scores(const JacobianSpectrum& s) {
  const double spread = s.log_condition.size(0) > 1 ? std(s.log_condition).item() : 0.0;
  return {{"jac_logcond", s.mean_log_condition},
          {"jac_logcond_std", spread},
          {"jac_log_smax", s.mean_log_smax},
          {"jac_log_smin", s.mean_log_smin}};
}

bool plot_jacobian_spectrum(const io::Metrics& metrics, const std::string& path, const std::string& title) {
  const bool logged = std::any_of(metrics.records.begin(), metrics.records.end(),
                                  [](const io::MetricsRecord& r) { return r.values.contains("jac_logcond"); });
  if (!logged) return false;
  io::plot_lines(path, io::series_from_metrics(metrics, {"jac_logcond", "jac_log_smax", "jac_log_smin"}), title);
  return true;
}

}  // namespace nabla::metrics
