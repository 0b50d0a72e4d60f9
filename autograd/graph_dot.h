#pragma once
// The autograd graph as Graphviz DOT, for looking at what backward will run:
//
//   std::cout << graph_dot({loss}, {.names = {{w.impl_ptr().get(), "w"}}});
//   $ dot -Tsvg graph.dot > graph.svg
//
// One box per node: its op, its output's dtype and shape, and the tensors it
// saved for backward (or that backward freed them). Leaves (AccumulateGrad)
// are ellipses labelled with their name when `names` has one. Edges run from
// an input's node to the node that consumed it, labelled with the input's
// position when the consumer has several; each root gets an "output i" marker.
#include <map>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace nabla {

struct DotOptions {
  // Names for leaves, e.g. filled from a module's named_parameters().
  std::map<const TensorImpl*, std::string> names;
  bool show_saved = true;
};

std::string graph_dot(const std::vector<Tensor>& roots, const DotOptions& options = {});

}  // namespace nabla
