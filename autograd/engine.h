#pragma once
// Reverse mode: backward() accumulates into leaves' .grad; grad() returns
// the gradients of chosen inputs and leaves .grad alone.
#include <vector>

#include "core/tensor.h"

namespace nabla {

struct BackwardOptions {
  bool retain_graph = false;  // keep saved tensors for another backward (implied by create_graph)
  bool create_graph = false;  // record the backward pass itself, for higher derivatives
  bool allow_unused = false;  // grad(): an input the outputs do not depend on gets an undefined tensor
};

// d root / d leaf accumulated into every leaf's .grad. `grad` defaults to 1
// for a one-element root and is required otherwise.
void backward(const Tensor& root, const Tensor& grad = {}, BackwardOptions options = {});

// sum_i <grad_outputs[i], d outputs[i] / d inputs[j]> for each input j.
std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& grad_outputs = {}, BackwardOptions options = {});

}  // namespace nabla
