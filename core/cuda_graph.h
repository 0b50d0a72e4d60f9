#pragma once
// CUDA graphs: one capture of a function's device work, replayed at the cost
// of one launch (issue 8: the launch overhead of small steps).
//
//   CudaGraph graph(Device::cuda());
//   graph.capture([&] { out = step(static_in); });  // queues nothing
//   graph.replay();                                  // runs the captured work
//
// What a captured function must obey (each breaks the replay otherwise):
//  - Static shapes and static memory: a replay runs the captured kernels on
//    the captured addresses. Inputs are written into tensors allocated
//    before the capture (copy_ into them between replays); outputs are the
//    tensors the function leaves alive (read them after each replay).
//    Tensors allocated inside come from the graph's private pool
//    (kernels/device.h), which lives as long as the graph, so they keep their
//    addresses; blocks freed inside stay in the pool.
//  - No host reads or synchronisation: Tensor::item(), to(cpu), a host copy or
//    cuda_synchronize throws a clear error inside a capture.
//  - No values baked at capture time that must change per replay: a random
//    draw on the device throws inside a capture (its Philox offset is a
//    kernel argument), so noise is drawn outside, into a static tensor; a
//    per-step scalar (Adam's bias corrections) is read from device memory
//    written before each replay (nn::Optimizer's graph mode).
//  - One device, one thread: the capture is thread-local; every launch goes
//    to the device's one stream, which is the captured one.
#include <functional>

#include "core/device.h"

namespace nabla {

namespace kernels::cuda {
struct CapturedGraph;
}

class CudaGraph {
 public:
  // Throws std::invalid_argument for a CPU device.
  explicit CudaGraph(Device device);
  ~CudaGraph();
  CudaGraph(const CudaGraph&) = delete;
  CudaGraph& operator=(const CudaGraph&) = delete;

  // Runs fn with the device's stream captured: its launches are recorded,
  // not run. Once per graph; on an exception the capture is abandoned and
  // rethrown (the graph stays empty).
  void capture(const std::function<void()>& fn);
  // Queues the captured work on the device's stream (no wait).
  void replay();
  bool captured() const { return graph_ != nullptr; }
  Device device() const { return device_; }

 private:
  Device device_;
  kernels::cuda::CapturedGraph* graph_ = nullptr;
};

}  // namespace nabla
