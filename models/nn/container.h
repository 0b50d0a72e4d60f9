#pragma once
// Shape layers and the Sequential container.
#include <memory>
#include <vector>

#include "models/nn/module.h"

namespace nabla::nn {

// Applies its children in order; they are named "0", "1", ...
class Sequential : public Module {
 public:
  Sequential() = default;
  explicit Sequential(const std::vector<ModulePtr>& modules);
  void push_back(ModulePtr m);
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Sequential"; }
  size_t size() const { return children().size(); }
  const ModulePtr& operator[](size_t i) const;
};

// flatten(x, start_dim, end_dim); torch's defaults keep the batch dim.
class Flatten : public Module {
 public:
  explicit Flatten(int64_t start_dim = 1, int64_t end_dim = -1) : start_dim(start_dim), end_dim(end_dim) {}
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Flatten"; }
  int64_t start_dim, end_dim;
};

// reshape(x, [N] + shape): the batch dim is kept, shape may hold one -1.
class Reshape : public Module {
 public:
  explicit Reshape(Shape shape) : shape(std::move(shape)) {}
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Reshape"; }
  Shape shape;
};

}  // namespace nabla::nn
