#include "core/views.h"

#include <algorithm>
#include <optional>
#include <tuple>

#include "core/check.h"
#include "core/copy.h"

namespace nabla::prim {

Shape infer_shape(const char* op, Shape shape, int64_t n, const Shape& from) {
  int infer = -1;
  int64_t known = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      if (infer >= 0) throw_invalid(op, "only one size may be -1, got " + str(shape));
      infer = static_cast<int>(i);
    } else {
      if (shape[i] < 0) throw_invalid(op, "invalid size in " + str(shape));
      known *= shape[i];
    }
  }
  if (infer >= 0 && known != 0 && n % known == 0) shape[infer] = n / known;
  if (infer >= 0 && shape[infer] == -1)
    throw_invalid(op, "cannot infer the -1 in " + str(shape) + " for " + std::to_string(n) + " elements");
  if (numel(shape, op) != n)
    throw_invalid(op, "shape " + str(shape) + " is invalid for input of shape " + str(from));
  return shape;
}

namespace {
// Strides that let `shape` view memory laid out as (old_shape, old_strides),
// or nothing. Each group of old dims that is contiguous in memory maps onto a
// group of new dims with the same number of elements (PyTorch's computeStride).
std::optional<Strides> view_strides(const Shape& old_shape, const Strides& old_strides,
                                    const Shape& shape) {
  Strides out(shape.size());
  if (old_shape.empty() || numel(old_shape) == 0) return contiguous_strides(shape);
  int64_t view_d = static_cast<int64_t>(shape.size()) - 1;
  int64_t chunk_base_stride = old_strides.empty() ? 1 : old_strides.back();
  int64_t tensor_numel = 1, view_numel = 1;
  for (int64_t d = static_cast<int64_t>(old_shape.size()) - 1; d >= 0; --d) {
    tensor_numel *= old_shape[d];
    if (d == 0 || (old_shape[d - 1] != 1 && old_strides[d - 1] != tensor_numel * chunk_base_stride)) {
      while (view_d >= 0 && (view_numel < tensor_numel || shape[view_d] == 1)) {
        out[view_d] = view_numel * chunk_base_stride;
        view_numel *= shape[view_d];
        --view_d;
      }
      if (view_numel != tensor_numel) return std::nullopt;
      if (d > 0) {
        chunk_base_stride = old_strides[d - 1];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  if (view_d != -1) return std::nullopt;
  return out;
}
}  // namespace

Tensor view(const Tensor& x, Shape shape) {
  check_defined("view", x);
  shape = infer_shape("view", std::move(shape), x.numel(), x.shape());
  auto strides = view_strides(x.shape(), x.strides(), shape);
  if (!strides)
    throw_invalid("view", "cannot view " + describe(x) + " with strides " + str(x.strides()) +
                              " as " + str(shape) + "; use reshape (which copies)");
  return make_view(x, shape, *strides, x.offset());
}

Tensor reshape(const Tensor& x, Shape shape) {
  check_defined("reshape", x);
  shape = infer_shape("reshape", std::move(shape), x.numel(), x.shape());
  if (auto strides = view_strides(x.shape(), x.strides(), shape))
    return make_view(x, shape, *strides, x.offset());
  Tensor c = contiguous(x);
  return make_view(c, shape, contiguous_strides(shape), c.offset());
}

Tensor permute(const Tensor& x, const std::vector<int64_t>& dims) {
  check_defined("permute", x);
  if (static_cast<int64_t>(dims.size()) != x.dim())
    throw_invalid("permute", "expected " + std::to_string(x.dim()) + " dims for " + describe(x) +
                                 ", got " + str(dims));
  Shape shape(dims.size());
  Strides strides(dims.size());
  std::vector<bool> seen(dims.size(), false);
  for (size_t i = 0; i < dims.size(); ++i) {
    const int d = normalize_dim(dims[i], x.dim(), "permute");
    if (seen[d]) throw_invalid("permute", "dim repeated in " + str(dims));
    seen[d] = true;
    shape[i] = x.shape()[d];
    strides[i] = x.strides()[d];
  }
  return make_view(x, shape, strides, x.offset());
}

std::vector<int64_t> transpose_dims(const Tensor& x, int64_t dim0, int64_t dim1) {
  check_defined("transpose", x);
  std::vector<int64_t> dims(x.dim());
  for (int64_t i = 0; i < x.dim(); ++i) dims[i] = i;
  std::swap(dims[normalize_dim(dim0, x.dim(), "transpose")], dims[normalize_dim(dim1, x.dim(), "transpose")]);
  return dims;
}

Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1) { return permute(x, transpose_dims(x, dim0, dim1)); }

std::pair<int64_t, int64_t> slice_bounds(int64_t n, int64_t start, int64_t end) {
  if (start < 0) start += n;
  if (end < 0) end += n;
  start = std::clamp<int64_t>(start, 0, n);
  return {start, std::clamp<int64_t>(end, start, n)};
}

Tensor slice(const Tensor& x, int64_t dim, int64_t start, int64_t end, int64_t step) {
  check_defined("slice", x);
  const int d = normalize_dim(dim, x.dim(), "slice");
  const int64_t n = x.shape()[d];
  if (step <= 0) throw_invalid("slice", "step must be positive, got " + std::to_string(step));
  std::tie(start, end) = slice_bounds(n, start, end);
  Shape shape = x.shape();
  Strides strides = x.strides();
  shape[d] = (end - start + step - 1) / step;
  strides[d] *= step;
  return make_view(x, shape, strides, x.offset() + start * x.strides()[d]);
}

Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length) {
  check_defined("narrow", x);
  const int d = normalize_dim(dim, x.dim(), "narrow");
  const int64_t n = x.shape()[d];
  if (start < 0) start += n;
  if (start < 0 || length < 0 || start + length > n)
    throw_invalid("narrow", "range [" + std::to_string(start) + ", " + std::to_string(start + length) +
                                ") out of bounds for dim " + std::to_string(d) + " of " + describe(x));
  return slice(x, d, start, start + length, 1);
}

Tensor expand(const Tensor& x, const Shape& shape) {
  check_defined("expand", x);
  if (shape.size() < x.shape().size())
    throw_invalid("expand", "cannot expand " + describe(x) + " to fewer dims " + str(shape));
  const size_t lead = shape.size() - x.shape().size();
  Shape out(shape.size());
  Strides strides(shape.size(), 0);
  for (size_t i = 0; i < shape.size(); ++i) {
    const int64_t want = shape[i];
    if (i < lead) {
      if (want < 0) throw_invalid("expand", "size -1 not allowed for a new dim in " + str(shape));
      out[i] = want;
      continue;
    }
    const int64_t have = x.shape()[i - lead];
    if (want == -1 || want == have) {
      out[i] = have;
      strides[i] = x.strides()[i - lead];
    } else if (have == 1 && want >= 0) {
      out[i] = want;
    } else {
      throw_invalid("expand", "cannot expand " + describe(x) + " to " + str(shape));
    }
  }
  numel(out, "expand");
  return make_view(x, out, strides, x.offset());
}

Tensor squeeze(const Tensor& x) {
  check_defined("squeeze", x);
  Shape shape;
  Strides strides;
  for (int64_t d = 0; d < x.dim(); ++d)
    if (x.shape()[d] != 1) shape.push_back(x.shape()[d]), strides.push_back(x.strides()[d]);
  return make_view(x, shape, strides, x.offset());
}

Tensor squeeze(const Tensor& x, int64_t dim) {
  check_defined("squeeze", x);
  const int d = normalize_dim(dim, x.dim(), "squeeze");
  if (x.shape()[d] != 1) return make_view(x, x.shape(), x.strides(), x.offset());
  Shape shape = x.shape();
  Strides strides = x.strides();
  shape.erase(shape.begin() + d);
  strides.erase(strides.begin() + d);
  return make_view(x, shape, strides, x.offset());
}

Tensor unsqueeze(const Tensor& x, int64_t dim) {
  check_defined("unsqueeze", x);
  const int d = normalize_dim(dim, x.dim() + 1, "unsqueeze");
  Shape shape = x.shape();
  Strides strides = x.strides();
  const int64_t stride = d < x.dim() ? x.strides()[d] * x.shape()[d] : 1;
  shape.insert(shape.begin() + d, 1);
  strides.insert(strides.begin() + d, stride);
  numel(shape, "unsqueeze");
  return make_view(x, shape, strides, x.offset());
}

Tensor flatten(const Tensor& x, int64_t start_dim, int64_t end_dim) {
  check_defined("flatten", x);
  if (x.dim() == 0) return reshape(x, {1});
  const int s = normalize_dim(start_dim, x.dim(), "flatten");
  const int e = normalize_dim(end_dim, x.dim(), "flatten");
  if (s > e) throw_invalid("flatten", "start_dim must not come after end_dim");
  Shape shape(x.shape().begin(), x.shape().begin() + s);
  int64_t n = 1;
  for (int d = s; d <= e; ++d) n *= x.shape()[d];
  shape.push_back(n);
  shape.insert(shape.end(), x.shape().begin() + e + 1, x.shape().end());
  return reshape(x, shape);
}

}  // namespace nabla::prim
