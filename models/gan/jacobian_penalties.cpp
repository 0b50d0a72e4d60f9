#include "models/gan/jacobian_penalties.h"

#include <cmath>
#include <stdexcept>
#include <vector>

#include "autograd/nabla.h"
#include "models/gan/penalties.h"

namespace nabla::gan {

ClampingResult jacobian_clamping(const GeneratorFn& g, const Tensor& z, const Tensor& fake,
                                 const JacobianClamping& o, Generator& gen) {
  if (o.eps <= 0) throw std::invalid_argument("jacobian_clamping: eps must be > 0");
  const Tensor d = randn_like(z, &gen);
  const Tensor delta = o.eps * d / reshape(per_sample_norm(d), {z.size(0), 1});
  const Tensor q = per_sample_norm(fake - g(z + delta)) / o.eps;
  const Tensor over = relu(q - o.lambda_max), under = relu(o.lambda_min - q);
  return {mean(square(over) + square(under)), detach(q)};
}

JvpGraph jvp_setup(const GeneratorFn& g, const Tensor& z) {
  Tensor leaf = detach(z);
  leaf.requires_grad_(true);
  const Tensor y = g(leaf);
  Tensor u = zeros(y.shape(), {y.dtype(), y.device(), true});
  BackwardOptions o;
  o.create_graph = true;
  return {grad({y}, {leaf}, {u}, o)[0], u};
}

Tensor jvp_on_graph(const JvpGraph& graph, const Tensor& v) {
  BackwardOptions o;
  o.create_graph = true;
  o.retain_graph = true;
  return grad({graph.jt_u}, {graph.u}, {v}, o)[0];
}

Tensor tangent_orthonormality(const GeneratorFn& g, const Tensor& z, int64_t directions, Generator& gen) {
  if (directions < 1) throw std::invalid_argument("tangent_orthonormality: directions must be >= 1");
  const int64_t n = z.size(0), k = z.size(1);
  const JvpGraph graph = jvp_setup(g, z);
  std::vector<Tensor> vs, jvs;
  for (int64_t i = 0; i < directions; ++i) {
    vs.push_back(randn_like(z, &gen) / std::sqrt(static_cast<double>(k)));
    jvs.push_back(reshape(jvp_on_graph(graph, vs.back()), {n, -1}));
  }
  const Tensor v = stack(vs, 2), jv = stack(jvs, 2);  // [N, k, d], [N, m, d]
  const Tensor gap = bmm(transpose(jv, 1, 2), jv) - bmm(transpose(v, 1, 2), v);  // V^T (J^T J - I) V
  return mean(sum(square(gap), {1, 2})) / static_cast<double>(directions * directions);
}

}  // namespace nabla::gan
