#pragma once
// The generator's Jacobian spectrum (Odena et al. 2018, "Is generator
// conditioning causally related to GAN performance?", sec. 3): for each z of a
// batch, J = dG(z)/dz [m, k] (m output values, k latent dims), the singular
// values of J and the condition number of M = J^T J, lambda_max / lambda_min
// (= (s_max / s_min)^2), reported as its log.
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "core/random.h"
#include "core/tensor.h"
#include "models/io/metrics_log.h"

namespace nabla::metrics {

using LatentFn = std::function<Tensor(const Tensor&)>;

// A model with a latent space: what the spectrum needs (GanTrainer is one).
class LatentModel {
 public:
  virtual ~LatentModel() = default;
  virtual int64_t latent_dim() const = 0;
  // Where z must live.
  virtual Device latent_device() const = 0;
  // The generator in eval mode at z [N, latent_dim] (with its graph when
  // grad mode is on): [N, ...].
  virtual Tensor generate(const Tensor& z) = 0;
};

// The per-sample Jacobians of g at z [N, k], f64 [N, m, k] with m the number
// of values of one output. g must treat samples independently (batch norm in
// eval mode). When k <= m: one reverse pass with create_graph gives J^T u
// (u a dummy cotangent), then k reverse passes over it give the columns J e_j
// for the whole batch at once (jvp by the double-vjp trick, README
// "Autograd"); when m < k: m reverse passes give the rows e_o^T J.
Tensor generator_jacobian(const LatentFn& g, const Tensor& z);

// The singular values of each matrix of j [N, m, k] (any float dtype, on
// any device), descending, f64 [N, min(m, k)] on the CPU: one-sided Jacobi
// in float64 on j's device (prim::svdvals, one block per matrix on CUDA). No
// Gram matrix is formed, so small singular values keep their relative
// accuracy (J^T J would lose s_min / s_max below about 1e-8).
Tensor singular_values(const Tensor& j);

struct JacobianSpectrum {
  Tensor singular_values;  // f64 [N, r], descending, r = min(m, k)
  Tensor log_condition;    // f64 [N]: log(lambda_max / lambda_min) of J^T J = 2 log(s_max / s_min)
  double mean_log_condition = 0;
  double mean_log_smax = 0, mean_log_smin = 0;  // means over the batch of log s_max and log s_min
};

JacobianSpectrum jacobian_spectrum(const LatentFn& g, const Tensor& z);
// The spectrum of `model` at n latent vectors z ~ N(0, I) drawn from gen
// (on `device`), computed `batch` at a time; trains nothing.
JacobianSpectrum jacobian_spectrum(LatentModel& model, int64_t n, Generator& gen, Device device = Device::cpu(),
                                   int64_t batch = 64);

// {"jac_logcond", "jac_logcond_std", "jac_log_smax", "jac_log_smin"}: what a
// training run logs and `nabla eval --metrics jacobian` prints.
std::map<std::string, double> spectrum_scores(const JacobianSpectrum& s);

// Odena et al.'s figure over a training run: the logged jac_logcond,
// jac_log_smax and jac_log_smin against the step, as a PNG at `path`.
// Returns false (writing nothing) when the metrics hold no jac_logcond.
bool plot_jacobian_spectrum(const io::Metrics& metrics, const std::string& path, const std::string& title);

}  // namespace nabla::metrics
