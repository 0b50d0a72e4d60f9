#include "core/shape.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "kernels/view.h"

namespace nabla {

std::string str(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

int64_t numel(const Shape& shape, const char* op) {
  if (shape.size() > static_cast<size_t>(kernels::kMaxDims))
    throw std::invalid_argument(std::string(op) + ": at most " + std::to_string(kernels::kMaxDims) +
                                " dims are supported, got shape " + str(shape));
  // The strides multiply the sizes with zeros read as ones (contiguous_strides),
  // so an empty shape's other sizes must not overflow either.
  int64_t n = 1, extent = 1;
  for (int64_t s : shape) {
    if (s < 0) throw std::invalid_argument(std::string(op) + ": negative size in shape " + str(shape));
    const int64_t factor = std::max<int64_t>(s, 1);
    if (extent > std::numeric_limits<int64_t>::max() / factor)
      throw std::overflow_error(std::string(op) + ": shape " + str(shape) +
                                (std::count(shape.begin(), shape.end(), 0)
                                     ? " is empty, but its other sizes multiply past int64 (the strides overflow)"
                                     : " has more elements than int64 holds"));
    extent *= factor;
    n *= s;
  }
  return n;
}

Strides contiguous_strides(const Shape& shape) {
  Strides st(shape.size());
  int64_t acc = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    st[i] = acc;
    acc *= std::max<int64_t>(shape[i], 1);
  }
  return st;
}

int normalize_dim(int64_t dim, int64_t ndim, const char* op) {
  const int64_t d = dim < 0 ? dim + ndim : dim;
  if (d < 0 || d >= ndim)
    throw std::out_of_range(std::string(op) + ": dim " + std::to_string(dim) +
                            " out of range for a tensor of " + std::to_string(ndim) + " dims");
  return static_cast<int>(d);
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  const size_t n = std::max(a.size(), b.size());
  Shape out(n);
  for (size_t i = 0; i < n; ++i) {
    const int64_t x = i < n - a.size() ? 1 : a[i - (n - a.size())];
    const int64_t y = i < n - b.size() ? 1 : b[i - (n - b.size())];
    if (x != y && x != 1 && y != 1)
      throw std::invalid_argument(std::string(op) + ": shapes " + str(a) + " and " + str(b) +
                                  " cannot be broadcast together");
    out[i] = x == 1 ? y : x;
  }
  return out;
}

std::vector<int> normalize_dims(const std::vector<int64_t>& dims, int64_t ndim, const char* op) {
  std::vector<int> out;
  if (dims.empty()) {
    for (int d = 0; d < ndim; ++d) out.push_back(d);
    return out;
  }
  for (int64_t d : dims) out.push_back(normalize_dim(d, ndim, op));
  std::sort(out.begin(), out.end());
  if (std::adjacent_find(out.begin(), out.end()) != out.end())
    throw std::invalid_argument(std::string(op) + ": a dim appears twice in the reduced dims");
  return out;
}

}  // namespace nabla
