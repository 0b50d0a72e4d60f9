// Tensor::str(): the layout PyTorch users know,
//   tensor([[ 1.0000, -2.5000],
//           [ 3.0000,  4.0000]], dtype=f64, requires_grad=true)
// Floats share one format chosen from the largest magnitude (fixed with 4
// decimals, or scientific when very large or small); tensors over 1000
// elements show the first and last 3 entries of each dim around "...".
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "core/copy.h"
#include "core/factory.h"
#include "core/tensor.h"

namespace nabla {

namespace {

NodeNamer node_namer = nullptr;

constexpr int64_t kSummarizeAbove = 1000;
constexpr int64_t kEdgeItems = 3;

struct Format {
  bool floating = false;
  bool scientific = false;
  bool is_bool = false;
  int width = 1;
};

std::string format_value(double v, const Format& f) {
  char buf[64];
  if (f.is_bool) return v != 0 ? "true" : "false";
  if (!f.floating) std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
  else if (std::isnan(v)) std::snprintf(buf, sizeof buf, "nan");
  else if (std::isinf(v)) std::snprintf(buf, sizeof buf, v > 0 ? "inf" : "-inf");
  else if (f.scientific) std::snprintf(buf, sizeof buf, "%.4e", v);
  else std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

struct Printer {
  const std::vector<double>& values;
  const Shape& shape;
  Format format;
  bool summarize;

  // Prints the sub-tensor at `index` (row-major offset) of dim d.
  void print(std::string& out, int d, int64_t offset, int indent) const {
    const int64_t n = shape[d];
    int64_t inner = 1;
    for (size_t k = d + 1; k < shape.size(); ++k) inner *= shape[k];
    out += "[";
    for (int64_t i = 0; i < n; ++i) {
      if (summarize && n > 2 * kEdgeItems && i == kEdgeItems) {
        out += d + 1 == static_cast<int>(shape.size()) ? "..., " : "...,\n" + std::string(indent + 1, ' ');
        i = n - kEdgeItems;
      }
      if (d + 1 == static_cast<int>(shape.size())) {
        std::string s = format_value(values[offset + i], format);
        out += std::string(std::max<int>(0, format.width - static_cast<int>(s.size())), ' ') + s;
        if (i + 1 < n) out += ", ";
      } else {
        print(out, d + 1, offset + i * inner, indent + 1);
        if (i + 1 < n) out += "," + std::string(shape.size() - d - 1, '\n') + std::string(indent + 1, ' ');
      }
    }
    out += "]";
  }
};

}  // namespace

void set_node_namer(NodeNamer namer) { node_namer = namer; }

std::string Tensor::str() const {
  if (!defined()) return "tensor(undefined)";
  const std::vector<double> values = to_vector<double>(*this);
  Format f;
  f.floating = is_floating(dtype());
  f.is_bool = dtype() == DType::b8;
  double max_abs = 0, min_abs = INFINITY;
  for (double v : values)
    if (std::isfinite(v)) max_abs = std::max(max_abs, std::abs(v)), min_abs = v != 0 ? std::min(min_abs, std::abs(v)) : min_abs;
  f.scientific = f.floating && (max_abs >= 1e8 || (min_abs < 1e-4 && min_abs > 0));
  for (double v : values) f.width = std::max<int>(f.width, static_cast<int>(format_value(v, f).size()));

  const std::string prefix = "tensor(";
  std::string body;
  if (shape().empty()) body = values.empty() ? "[]" : format_value(values[0], f);
  else if (numel() == 0) body = "[]";
  else Printer{values, shape(), f, numel() > kSummarizeAbove}.print(body, 0, 0, static_cast<int>(prefix.size()));

  std::string suffix;
  if (numel() == 0 && dim() != 1) suffix += ", size=" + nabla::str(shape());
  if (dtype() != DType::f32 && dtype() != DType::i64 && dtype() != DType::b8)
    suffix += std::string(", dtype=") + name(dtype());
  if (!device().is_cpu()) suffix += ", device=" + device().str();
  if (requires_grad() && is_leaf()) suffix += ", requires_grad=true";
  if (!is_leaf()) suffix += ", grad_fn=<" + (node_namer ? node_namer(*grad_fn()) : std::string("?")) + ">";
  return prefix + body + suffix + ")";
}

}  // namespace nabla
