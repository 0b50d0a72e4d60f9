#include "autograd/record.h"

#include "autograd/anomaly.h"
#include "autograd/grad_mode.h"

namespace nabla {

bool should_record(const std::vector<Tensor>& inputs) {
  if (!grad_enabled()) return false;
  for (const Tensor& t : inputs)
    if (t.defined() && t.requires_grad()) return true;
  return false;
}

Tensor record(const char* op, Tensor out, const std::vector<Tensor>& inputs,
              const std::vector<Tensor>& save, VjpFn vjp) {
  if (!should_record(inputs)) return out;
  if (!is_floating(out.dtype()))
    return out;  // integer and bool results (argmax, comparisons) carry no gradient
  const Tensor original = out;
  // Prim ops may hand back an input itself (contiguous() of a contiguous
  // tensor): give the output its own handle before attaching history.
  if (out.requires_grad() || out.impl().grad_accumulator.lock())
    out = make_view(out, out.shape(), out.strides(), out.offset());
  for (const Tensor& in : inputs)
    if (in.is_same(out)) out = make_view(out, out.shape(), out.strides(), out.offset());

  auto node = std::make_shared<Node>();
  node->op = op;
  for (const Tensor& in : inputs) {
    node->next.push_back(gradient_edge(in));
    node->input_shapes.push_back(in.defined() ? in.shape() : Shape{});
  }
  for (const Tensor& s : save) node->saved.emplace_back(s, s.defined() && s.is_same(original));
  node->vjp = std::move(vjp);
  node->out_dtype = out.dtype();
  if (anomaly_enabled()) {
    node->origin = anomaly_origin(op, inputs);
    check_forward(*node, out);
  }
  out.impl().grad_fn = std::move(node);
  return out;
}

}  // namespace nabla
