// CUDA graphs: capture of the device's stream into a graph that owns a
// private pool of the allocator (allocator.cu), replay, destruction.
//
// The capture runs in cudaStreamCaptureModeThreadLocal on the device's one
// stream (created by cudaStreamCreate, not the legacy default stream), so
// every launch of the captured step, which goes to stream(device), is
// captured; an unsafe call of this thread (a synchronising copy, cudaFree)
// fails the capture instead of silently running.
#include <atomic>
#include <stdexcept>
#include <string>

#include "kernels/cuda/launch.cuh"
#include "kernels/device.h"

namespace nabla::kernels::cuda {

struct CapturedGraph {
  cudaGraphExec_t exec;
  int device;
  int pool;
};

namespace {
std::atomic<int> capturing{-1};

void stop(int device) {
  capturing = -1;
  pool_end(device);
}

[[noreturn]] void fail(const char* what, cudaError_t err) {
  throw std::runtime_error(std::string("cuda graph: ") + what + " failed: " + cudaGetErrorName(err) + " (" +
                           cudaGetErrorString(err) +
                           "); the captured step did something a graph cannot hold (a host synchronisation, "
                           "a launch on another stream)");
}
}  // namespace

int capturing_device() { return capturing.load(); }

int begin_capture(int device) {
  int idle = -1;
  if (!capturing.compare_exchange_strong(idle, device))
    throw std::logic_error("cuda graph: another capture is under way");
  int pool = 0;
  try {
    cudaStream_t s = stream(device);
    CUDA_CHECK(cudaStreamSynchronize(s));  // eager work before the capture is done (and its errors seen)
    pool = pool_begin(device);
    CUDA_CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal));
  } catch (...) {
    capturing = -1;
    if (pool != 0) {
      pool_end(device);
      pool_release(device, pool);
    }
    throw;
  }
  return pool;
}

CapturedGraph* end_capture(int device, int pool) {
  cudaGraph_t graph = nullptr;
  cudaError_t err = cudaStreamEndCapture(stream(device), &graph);
  stop(device);
  cudaGraphExec_t exec = nullptr;
  if (err == cudaSuccess) err = cudaGraphInstantiateWithFlags(&exec, graph, 0);
  if (graph) cudaGraphDestroy(graph);  // the executable graph is independent of it
  if (err != cudaSuccess) {
    cudaGetLastError();
    pool_release(device, pool);
    fail("capture", err);
  }
  return new CapturedGraph{exec, device, pool};
}

void abort_capture(int device, int pool) noexcept {
  try {
    cudaGraph_t graph = nullptr;
    if (cudaStreamEndCapture(stream(device), &graph) == cudaSuccess && graph) cudaGraphDestroy(graph);
  } catch (...) {  // stream(device) exists already: it does not throw here
  }
  cudaGetLastError();  // the capture's error, if it was invalidated
  stop(device);
  pool_release(device, pool);
}

void launch_graph(CapturedGraph* graph) {
  CUDA_CHECK(cudaSetDevice(graph->device));
  const cudaError_t err = cudaGraphLaunch(graph->exec, stream(graph->device));
  if (err != cudaSuccess) fail("replay", err);
}

// A replay still queued finishes first (the driver frees the executable graph
// on completion); the pool's blocks are reused only by work queued later on
// the same stream.
void destroy_graph(CapturedGraph* graph) noexcept {
  if (!graph) return;
  cudaSetDevice(graph->device);
  cudaGraphExecDestroy(graph->exec);
  pool_release(graph->device, graph->pool);
  delete graph;
}

}  // namespace nabla::kernels::cuda
