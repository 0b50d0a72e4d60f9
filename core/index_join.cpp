// Front-ends of cat, stack, split, chunk and pad: copies into slices of the
// output, views and index_select, no kernels of their own (so they run on
// CUDA wherever copy_ and index_select do).
#include <algorithm>
#include <string>

#include "core/check.h"
#include "core/copy.h"
#include "core/index.h"
#include "core/views.h"

namespace nabla {

const char* name(PadMode mode) {
  switch (mode) {
    case PadMode::constant: return "constant";
    case PadMode::reflect: return "reflect";
    case PadMode::replicate: return "replicate";
  }
  return "?";
}

}  // namespace nabla

namespace nabla::prim {

namespace {
std::string nth(const Tensor& t, size_t i) { return describe(t) + " (tensor " + std::to_string(i) + ")"; }

// All defined, on one device, of one dtype, with ndim >= 1.
void check_list(const char* op, const std::vector<Tensor>& ts) {
  if (ts.empty()) throw_invalid(op, "expected a non-empty list of tensors");
  for (const Tensor& t : ts) check_defined(op, t);
  const Tensor& first = ts.front();
  for (size_t i = 0; i < ts.size(); ++i) {
    if (ts[i].dtype() != first.dtype())
      throw_invalid(op, "expected tensors of one dtype, got " + nth(first, 0) + " and " + nth(ts[i], i) +
                            " (nabla does not promote; convert with to(dtype))");
    if (!(ts[i].device() == first.device()))
      throw_invalid(op, "expected tensors on one device, got " + nth(first, 0) + " and " + nth(ts[i], i));
  }
}
}  // namespace

Tensor cat(const std::vector<Tensor>& tensors, int64_t dim) {
  check_list("cat", tensors);
  const Tensor& first = tensors.front();
  if (first.dim() == 0) throw_invalid("cat", "cannot concatenate the 0-d tensor " + nth(first, 0));
  const int d = normalize_dim(dim, first.dim(), "cat");
  Shape shape = first.shape();
  shape[d] = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    bool match = t.dim() == first.dim();
    for (int k = 0; match && k < t.dim(); ++k) match = k == d || t.shape()[k] == first.shape()[k];
    if (!match)
      throw_invalid("cat", "sizes must match except in dim " + std::to_string(d) + ", got " + nth(first, 0) +
                               " and " + nth(t, i));
    shape[d] += t.shape()[d];
  }
  Tensor out = make_tensor(shape, first.dtype(), first.device());
  int64_t at = 0;
  for (const Tensor& t : tensors) {
    const int64_t n = t.shape()[d];
    if (n > 0 && t.numel() > 0) copy_(narrow(out, d, at, n), t);
    at += n;
  }
  return out;
}

int check_stack(const std::vector<Tensor>& tensors, int64_t dim) {
  check_list("stack", tensors);
  const Tensor& first = tensors.front();
  for (size_t i = 0; i < tensors.size(); ++i)
    if (tensors[i].shape() != first.shape())
      throw_invalid("stack", "expected tensors of one shape, got " + nth(first, 0) + " and " + nth(tensors[i], i));
  return normalize_dim(dim, first.dim() + 1, "stack");
}

Tensor stack(const std::vector<Tensor>& tensors, int64_t dim) {
  const int d = check_stack(tensors, dim);
  std::vector<Tensor> parts;
  for (const Tensor& t : tensors) parts.push_back(unsqueeze(t, d));
  return cat(parts, d);
}

std::vector<int64_t> split_sizes(const Tensor& x, int64_t split_size, int64_t dim, const char* op) {
  check_defined(op, x);
  const int d = normalize_dim(dim, x.dim(), op);
  const int64_t n = x.shape()[d];
  if (split_size < 0 || (split_size == 0 && n > 0))
    throw_invalid(op, "split_size must be positive, got " + std::to_string(split_size) + " for " + describe(x));
  if (n == 0) return {0};
  std::vector<int64_t> sizes;
  for (int64_t at = 0; at < n; at += split_size) sizes.push_back(std::min(split_size, n - at));
  return sizes;
}

void check_split_sizes(const Tensor& x, const std::vector<int64_t>& sizes, int64_t dim, const char* op) {
  check_defined(op, x);
  const int d = normalize_dim(dim, x.dim(), op);
  int64_t total = 0;
  for (int64_t s : sizes) {
    if (s < 0) throw_invalid(op, "negative size in " + str(sizes));
    total += s;
  }
  if (total != x.shape()[d])
    throw_invalid(op, "sizes " + str(sizes) + " sum to " + std::to_string(total) + ", expected the size " +
                          std::to_string(x.shape()[d]) + " of dim " + std::to_string(d) + " of " + describe(x));
}

std::vector<Tensor> split(const Tensor& x, const std::vector<int64_t>& sizes, int64_t dim) {
  check_split_sizes(x, sizes, dim, "split");
  std::vector<Tensor> out;
  int64_t at = 0;
  for (int64_t s : sizes) out.push_back(narrow(x, dim, at, s)), at += s;
  return out;
}

std::vector<Tensor> split(const Tensor& x, int64_t split_size, int64_t dim) {
  return split(x, split_sizes(x, split_size, dim, "split"), dim);
}

std::vector<int64_t> chunk_sizes(const Tensor& x, int64_t chunks, int64_t dim) {
  check_defined("chunk", x);
  if (chunks <= 0) throw_invalid("chunk", "chunks must be positive, got " + std::to_string(chunks));
  const int64_t n = x.shape()[normalize_dim(dim, x.dim(), "chunk")];
  return split_sizes(x, (n + chunks - 1) / chunks, dim, "chunk");
}

std::vector<Tensor> chunk(const Tensor& x, int64_t chunks, int64_t dim) {
  return split(x, chunk_sizes(x, chunks, dim), dim);
}

Shape padded_shape(const Tensor& x, const std::vector<int64_t>& pads, PadMode mode) {
  check_defined("pad", x);
  if (pads.size() % 2 != 0 || static_cast<int64_t>(pads.size()) > 2 * x.dim())
    throw_invalid("pad", "expected an even number of pad sizes, at most 2 * ndim, got " + str(pads) + " for " +
                             describe(x));
  Shape shape = x.shape();
  for (size_t k = 0; k < pads.size() / 2; ++k) {
    const int64_t d = x.dim() - 1 - static_cast<int64_t>(k);
    const int64_t n = shape[d], left = pads[2 * k], right = pads[2 * k + 1];
    const std::string where = " for dim " + std::to_string(d) + " of " + describe(x);
    shape[d] = n + left + right;
    if (shape[d] < 0) throw_invalid("pad", "pads " + str(pads) + " give a negative size" + where);
    if (mode == PadMode::reflect && (left >= n || right >= n) && (left > 0 || right > 0))
      throw_invalid("pad", "reflect pads must be smaller than the size, got " + str(pads) + where);
    if (mode == PadMode::replicate && n == 0 && shape[d] > 0)
      throw_invalid("pad", "replicate cannot pad an empty dim, got " + str(pads) + where);
  }
  return shape;
}

Tensor pad_source_index(int64_t size, int64_t left, int64_t right, PadMode mode) {
  const int64_t n = size + left + right;
  Tensor index = make_tensor({n}, DType::i64, Device::cpu());
  int64_t* p = index.data<int64_t>();
  for (int64_t i = 0; i < n; ++i) {
    int64_t j = i - left;
    if (mode == PadMode::replicate) j = std::clamp<int64_t>(j, 0, size - 1);
    else if (j < 0) j = -j;                        // reflect about position 0
    else if (j >= size) j = 2 * (size - 1) - j;    // reflect about position size - 1
    p[i] = j;
  }
  return index;
}

Tensor pad(const Tensor& x, const std::vector<int64_t>& pads, PadMode mode, double value) {
  const Shape shape = padded_shape(x, pads, mode);
  const size_t dims = pads.size() / 2;
  if (mode != PadMode::constant) {  // one index_select per padded dim
    Tensor out = x;
    for (size_t k = 0; k < dims; ++k) {
      const int64_t d = x.dim() - 1 - static_cast<int64_t>(k);
      out = index_select(out, d, to(pad_source_index(x.shape()[d], pads[2 * k], pads[2 * k + 1], mode), x.device()));
    }
    return out.is_same(x) ? clone(x) : out;
  }
  Tensor out = make_tensor(shape, x.dtype(), x.device());
  fill_(out, value);
  // The part of x that survives cropping, and where it lands in out.
  Tensor dst = out, src = x;
  for (size_t k = 0; k < dims; ++k) {
    const int64_t d = x.dim() - 1 - static_cast<int64_t>(k);
    const int64_t left = pads[2 * k], right = pads[2 * k + 1];
    const int64_t inner = x.shape()[d] + std::min<int64_t>(left, 0) + std::min<int64_t>(right, 0);
    if (inner <= 0) return out;
    dst = narrow(dst, d, std::max<int64_t>(left, 0), inner);
    src = narrow(src, d, std::max<int64_t>(-left, 0), inner);
  }
  if (src.numel() > 0) copy_(dst, src);
  return out;
}

}  // namespace nabla::prim
