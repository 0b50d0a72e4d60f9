#include "core/cuda_graph.h"

#include <stdexcept>

#include "kernels/device.h"

namespace nabla {

CudaGraph::CudaGraph(Device device) : device_(device) {
  if (!device.is_cuda()) throw std::invalid_argument("CudaGraph: needs a CUDA device, got " + device.str());
}

CudaGraph::~CudaGraph() { kernels::cuda::destroy_graph(graph_); }

void CudaGraph::capture(const std::function<void()>& fn) {
  if (graph_) throw std::logic_error("CudaGraph::capture: already captured");
  const int pool = kernels::cuda::begin_capture(device_.index);
  try {
    fn();
  } catch (...) {
    kernels::cuda::abort_capture(device_.index, pool);
    throw;
  }
  graph_ = kernels::cuda::end_capture(device_.index, pool);
}

void CudaGraph::replay() {
  if (!graph_) throw std::logic_error("CudaGraph::replay: nothing captured");
  kernels::cuda::launch_graph(graph_);
}

}  // namespace nabla
