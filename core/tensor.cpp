#include "core/tensor.h"

#include <cstring>
#include <ostream>

#include "kernels/device.h"

namespace nabla {

int64_t Tensor::size(int64_t d) const { return shape()[normalize_dim(d, dim(), "size")]; }
int64_t Tensor::stride(int64_t d) const { return strides()[normalize_dim(d, dim(), "stride")]; }
int64_t Tensor::numel() const { return nabla::numel(shape()); }

bool Tensor::is_contiguous() const {
  int64_t expected = 1;
  for (int64_t d = dim() - 1; d >= 0; --d) {
    if (shape()[d] != 1 && strides()[d] != expected) return false;
    expected *= shape()[d];
  }
  return true;
}

void* Tensor::data_ptr() const {
  return static_cast<char*>(storage()->data()) + offset() * static_cast<int64_t>(itemsize(dtype()));
}

void Tensor::check_access(DType want, const char* what, bool any_device) const {
  if (dtype() != want)
    throw std::invalid_argument(std::string(what) + "<" + name(want) + ">: tensor is " + describe(*this));
  if (!any_device && !device().is_cpu())
    throw std::invalid_argument(std::string(what) + ": tensor is " + describe(*this) +
                                "; copy it to the CPU first");
}

double Tensor::item() const {
  if (numel() != 1)
    throw std::invalid_argument("item: expected a tensor with one element, got " + describe(*this));
  alignas(8) unsigned char bytes[8] = {};
  if (device().is_cuda()) kernels::cuda::memcpy(bytes, data_ptr(), itemsize(dtype()), device().index);
  else std::memcpy(bytes, data_ptr(), itemsize(dtype()));
  switch (dtype()) {
    case DType::f32: return *reinterpret_cast<float*>(bytes);
    case DType::f64: return *reinterpret_cast<double*>(bytes);
    case DType::i64: return static_cast<double>(*reinterpret_cast<int64_t*>(bytes));
    case DType::u8: return bytes[0];
    case DType::b8: return bytes[0] != 0;
    case DType::bf16: {
      uint32_t bits = static_cast<uint32_t>(*reinterpret_cast<uint16_t*>(bytes)) << 16;
      float f;
      std::memcpy(&f, &bits, 4);
      return f;
    }
  }
  return 0;
}

const Tensor& Tensor::requires_grad_(bool on) const {
  if (!is_leaf())
    throw std::invalid_argument("requires_grad_: only a leaf tensor's flag can be set; use detach() "
                                "for a non-leaf");
  if (on && !is_floating(dtype()))
    throw std::invalid_argument(std::string("requires_grad_: only floating tensors can require grad, got ") +
                                describe(*this));
  impl().requires_grad = on;
  return *this;
}

std::ostream& operator<<(std::ostream& os, const Tensor& t) { return os << t.str(); }

Tensor make_tensor(const Shape& shape, DType dtype, Device device) {
  auto impl = std::make_shared<TensorImpl>();
  const int64_t n = numel(shape, "make_tensor");
  impl->storage = std::make_shared<Storage>(static_cast<size_t>(n) * itemsize(dtype), device);
  impl->shape = shape;
  impl->strides = contiguous_strides(shape);
  impl->dtype = dtype;
  return Tensor(std::move(impl));
}

Tensor make_view(const Tensor& base, Shape shape, Strides strides, int64_t offset) {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = base.storage();
  impl->shape = std::move(shape);
  impl->strides = std::move(strides);
  impl->offset = offset;
  impl->dtype = base.dtype();
  return Tensor(std::move(impl));
}

std::string describe(const Tensor& t) {
  if (!t.defined()) return "undefined";
  std::string s = std::string(name(t.dtype())) + str(t.shape());
  if (!t.device().is_cpu()) s += " " + t.device().str();
  return s;
}

}  // namespace nabla
