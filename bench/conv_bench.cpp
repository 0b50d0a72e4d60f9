// The DCGAN-28 convolutions (k4 s2 p1) at batch 64, f32, on the CPU kernels:
// forward alone and forward + backward (input, weight and bias gradients).
//
//   ./build/bench/conv_bench --benchmark_min_time=0.1
//
// kernel/...: the three CPU kernels of one conv geometry (forward, input
// gradient = conv_transpose2d's forward, weight gradient) driven directly,
// f32, the default path ("new": implicit GEMM / packed SGEMM) beside the
// im2col + Eigen path ("im2col") in the same run. The 64->128 14x14
// geometry is both D.conv2 and G.deconv1, the 1->64 28x28 one both D.conv1
// and G.deconv2.
//
// GFLOP/s counts 2 flops per multiply-add of the convolution proper: forward
// 2 N Ho Wo C_out (C_in/groups) kH kW for conv2d (Ho, Wo of the conv side:
// the input's size for conv_transpose2d); forward + backward counts three such
// products (output, input gradient, weight gradient).
#include <benchmark/benchmark.h>

#include <string>

#include "autograd/nabla.h"
#include "bench/conv_kernels.h"
#include "kernels/conv.h"

namespace nabla {
namespace {

struct Layer {
  const char* name;
  bool transposed;
  Shape x, w;
};

// Discriminator: 1 -> 64 on 28x28, 64 -> 128 on 14x14; generator: 128 -> 64
// on 7x7, 64 -> 1 on 14x14.
const Layer kLayers[] = {
    {"D.conv1 1->64 28x28", false, {64, 1, 28, 28}, {64, 1, 4, 4}},
    {"D.conv2 64->128 14x14", false, {64, 64, 14, 14}, {128, 64, 4, 4}},
    {"G.deconv1 128->64 7x7", true, {64, 128, 7, 7}, {128, 64, 4, 4}},
    {"G.deconv2 64->1 14x14", true, {64, 64, 14, 14}, {64, 1, 4, 4}},
};
const Conv2dParams kParams{.stride = {2, 2}, .padding = {1, 1}};

Tensor apply(const Layer& l, const Tensor& x, const Tensor& w, const Tensor& b) {
  return l.transposed ? conv_transpose2d(x, w, b, kParams) : conv2d(x, w, b, kParams);
}

// Multiply-adds of one forward pass: each weight entry meets every position
// of the conv-side output (y for conv2d; x, the "output" of the conv it
// transposes, for conv_transpose2d).
double macs(const Layer& l, const Tensor& y) {
  const Shape& out = l.transposed ? l.x : y.shape();
  return static_cast<double>(out[0] * out[2] * out[3]) * static_cast<double>(l.w[0] * l.w[1] * l.w[2] * l.w[3]);
}

void conv_forward(benchmark::State& state, const Layer& l) {
  const Tensor x = randn(l.x), w = randn(l.w), b = randn({l.transposed ? l.w[1] : l.w[0]});
  NoGradGuard off;
  Tensor y = apply(l, x, w, b);
  for (auto _ : state) {
    y = apply(l, x, w, b);
    benchmark::DoNotOptimize(y.data_ptr());
  }
  state.counters["GFLOP/s"] = benchmark::Counter(2 * macs(l, y) / 1e9, benchmark::Counter::kIsIterationInvariantRate);
}

void conv_forward_backward(benchmark::State& state, const Layer& l) {
  const Tensor x = randn(l.x).requires_grad_(), w = randn(l.w).requires_grad_();
  const Tensor b = randn({l.transposed ? l.w[1] : l.w[0]}).requires_grad_();
  Tensor y = apply(l, x, w, b);
  const Tensor g = randn(y.shape());
  for (auto _ : state) {
    y = apply(l, x, w, b);
    auto grads = grad({y}, {x, w, b}, {g});
    benchmark::DoNotOptimize(grads[1].data_ptr());
  }
  state.counters["GFLOP/s"] = benchmark::Counter(6 * macs(l, y) / 1e9, benchmark::Counter::kIsIterationInvariantRate);
}

struct KernelCase {
  const char* name;
  Shape x, w;
};
const KernelCase kKernelCases[] = {
    {"k4s2p1 1->64 28x28", {64, 1, 28, 28}, {64, 1, 4, 4}},
    {"k4s2p1 64->128 14x14", {64, 64, 14, 14}, {128, 64, 4, 4}},
};

void register_kernels() {
  kernels::Conv2dArgs a;
  a.stride[0] = a.stride[1] = 2, a.padding[0] = a.padding[1] = 1;
  for (const KernelCase& c : kKernelCases) bench::register_conv_kernels("kernel", c.name, randn(c.x), randn(c.w), a);
}

int register_all() {
  register_kernels();
  for (const Layer& l : kLayers) {
    benchmark::RegisterBenchmark((std::string("forward/") + l.name).c_str(), conv_forward, l)
        ->Unit(benchmark::kMillisecond)->UseRealTime();
    benchmark::RegisterBenchmark((std::string("forward+backward/") + l.name).c_str(), conv_forward_backward, l)
        ->Unit(benchmark::kMillisecond)->UseRealTime();
  }
  return 0;
}
const int kRegistered = register_all();

}  // namespace
}  // namespace nabla

BENCHMARK_MAIN();
