// Indexing and joining ops and their derivatives, written with the
// differentiable ops of this file and of views.h, so they differentiate again:
//   gather       <-> scatter_add   (each one's vjp w.r.t. its data is the other)
//   index_select <-> index_add
//   cat -> narrow, pad (constant) -> narrow, or pad by the negated pads where
//   it crops, flip -> flip.
// Reflect and replicate pads are index_selects, so they need no rule at all.
#include "autograd/index.h"

#include <algorithm>

#include "autograd/record.h"
#include "autograd/views.h"
#include "core/check.h"
#include "core/copy.h"
#include "core/factory.h"

namespace nabla {

namespace {
using IndexAdd = Tensor (*)(const Tensor&, int64_t, const Tensor&, const Tensor&);

// y read x at `index` (gather, index_select); its vjp adds the gradient back
// at the same places of zeros shaped like x, with the op's adjoint `add_back`.
Tensor record_read(const char* op, const Tensor& y, const Tensor& x, int64_t dim, const Tensor& index,
                   IndexAdd add_back) {
  return record(op, y, {x}, {index}, [dim, add_back, shape = x.shape()](const VjpContext& c) -> Grads {
    return {add_back(zeros(shape, Options::like(c.grad)), dim, c.saved[0], c.grad)};
  });
}
}  // namespace

Tensor cat(const std::vector<Tensor>& tensors, int64_t dim) {
  Tensor y = prim::cat(tensors, dim);
  const int d = normalize_dim(dim, y.dim(), "cat");
  std::vector<int64_t> sizes;
  for (const Tensor& t : tensors) sizes.push_back(t.shape()[d]);
  return record("cat", y, tensors, {}, [d, sizes](const VjpContext& c) -> Grads {
    Grads grads;
    int64_t at = 0;
    for (size_t i = 0; i < sizes.size(); ++i) {
      grads.push_back(c.needs[i] ? narrow(c.grad, d, at, sizes[i]) : Tensor());
      at += sizes[i];
    }
    return grads;
  });
}

Tensor stack(const std::vector<Tensor>& tensors, int64_t dim) {
  const int d = prim::check_stack(tensors, dim);
  std::vector<Tensor> parts;
  for (const Tensor& t : tensors) parts.push_back(unsqueeze(t, d));
  return cat(parts, d);
}

std::vector<Tensor> split(const Tensor& x, const std::vector<int64_t>& sizes, int64_t dim) {
  prim::check_split_sizes(x, sizes, dim, "split");
  std::vector<Tensor> out;
  int64_t at = 0;
  for (int64_t s : sizes) out.push_back(narrow(x, dim, at, s)), at += s;
  return out;
}

std::vector<Tensor> split(const Tensor& x, int64_t split_size, int64_t dim) {
  return split(x, prim::split_sizes(x, split_size, dim, "split"), dim);
}

std::vector<Tensor> chunk(const Tensor& x, int64_t chunks, int64_t dim) {
  return split(x, prim::chunk_sizes(x, chunks, dim), dim);
}

Tensor gather(const Tensor& x, int64_t dim, const Tensor& index) {
  return record_read("gather", prim::gather(x, dim, index), x, dim, index, scatter_add);
}

Tensor scatter_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src) {
  Tensor y = prim::scatter_add(x, dim, index, src);
  return record("scatter_add", y, {x, src}, {index}, [dim, src_shape = src.shape()](const VjpContext& c) -> Grads {
    if (!c.needs[1]) return {c.grad, Tensor()};
    const Tensor& index = c.saved[0];
    Tensor g_src = gather(c.grad, dim, index);
    if (g_src.shape() != src_shape) {  // src larger than index: zeros beyond it
      std::vector<int64_t> pads;
      for (int64_t d = index.dim() - 1; d >= 0; --d) pads.insert(pads.end(), {0, src_shape[d] - index.shape()[d]});
      g_src = pad(g_src, pads);
    }
    return {c.grad, g_src};
  });
}

Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index) {
  return record_read("index_select", prim::index_select(x, dim, index), x, dim, index, index_add);
}

Tensor index_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& source) {
  Tensor y = prim::index_add(x, dim, index, source);
  return record("index_add", y, {x, source}, {index}, [dim](const VjpContext& c) -> Grads {
    return {c.grad, c.needs[1] ? index_select(c.grad, dim, c.saved[0]) : Tensor()};
  });
}

Tensor one_hot(const Tensor& indices, int64_t num_classes, DType dtype) {
  return prim::one_hot(indices, num_classes, dtype);
}

Tensor pad(const Tensor& x, const std::vector<int64_t>& pads, PadMode mode, double value) {
  if (mode != PadMode::constant) {
    prim::padded_shape(x, pads, mode);  // the checks, with pad's messages
    Tensor out = x;
    for (size_t k = 0; k < pads.size() / 2; ++k) {
      const int64_t d = x.dim() - 1 - static_cast<int64_t>(k);
      const Tensor from = prim::pad_source_index(x.shape()[d], pads[2 * k], pads[2 * k + 1], mode);
      out = index_select(out, d, prim::to(from, x.device()));
    }
    return out.is_same(x) ? clone(x) : out;
  }
  Tensor y = prim::pad(x, pads, mode, value);
  const bool grows = std::all_of(pads.begin(), pads.end(), [](int64_t p) { return p >= 0; });
  return record("pad", y, {x}, {}, [pads, grows, shape = x.shape()](const VjpContext& c) -> Grads {
    if (grows) {  // g cropped back to x: a view
      Tensor g = c.grad;
      for (size_t k = 0; k < pads.size() / 2; ++k) {
        const int64_t d = static_cast<int64_t>(shape.size()) - 1 - static_cast<int64_t>(k);
        g = narrow(g, d, pads[2 * k], shape[d]);
      }
      return {g};
    }
    // Padding by -pads crops what was added and restores what was cropped (as zeros).
    std::vector<int64_t> back;
    for (int64_t p : pads) back.push_back(-p);
    return {pad(c.grad, back)};
  });
}

Tensor flip(const Tensor& x, const std::vector<int64_t>& dims) {
  Tensor y = prim::flip(x, dims);
  return record("flip", y, {x}, {}, [dims](const VjpContext& c) -> Grads { return {flip(c.grad, dims)}; });
}

}  // namespace nabla
