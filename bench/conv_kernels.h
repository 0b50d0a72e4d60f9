#pragma once
// One f32 CPU conv geometry's three kernels (forward, input gradient =
// conv_transpose2d's forward, weight gradient) driven directly, the default
// path ("new") beside the im2col + Eigen reference ("im2col") in the same
// run: shared by bench/conv_bench.cpp (DCGAN's k4 s2 p1) and
// bench/conv_s1_bench.cpp (RealNVP's and PixelCNN's stride-1 convs).
// GFLOP/s counts 2 flops per multiply-add of the full kernel (masked taps
// included) over wall time.
#include <benchmark/benchmark.h>

#include <string>

#include "autograd/nabla.h"
#include "kernels/conv.h"

namespace nabla::bench {

enum class Face { forward, input_grad, weight_grad };

inline void conv_kernel(benchmark::State& state, const Tensor& x, const Tensor& w, const kernels::Conv2dArgs& a,
                        Face face, bool im2col) {
  namespace k = kernels::cpu;
  auto out_size = [&](int d) { return (x.size(2 + d) + 2 * a.padding[d] - w.size(2 + d)) / a.stride[d] + 1; };
  const Shape ys{x.size(0), w.size(0), out_size(0), out_size(1)};
  const Tensor y = randn(ys);
  Tensor out = zeros(face == Face::forward ? ys : face == Face::input_grad ? x.shape() : w.shape());
  const kernels::View<const float> none;
  for (auto _ : state) {
    switch (face) {
      case Face::forward:
        (im2col ? k::conv2d_forward_im2col<float> : k::conv2d_forward<float>)(
            out.view<float>(), x.view<const float>(), w.view<const float>(), none, a);
        break;
      case Face::input_grad:
        (im2col ? k::conv2d_backward_input_im2col<float> : k::conv2d_backward_input<float>)(
            out.view<float>(), y.view<const float>(), w.view<const float>(), none, a);
        break;
      case Face::weight_grad:
        (im2col ? k::conv2d_backward_weight_im2col<float> : k::conv2d_backward_weight<float>)(
            out.view<float>(), x.view<const float>(), y.view<const float>(), a);
        break;
    }
    benchmark::DoNotOptimize(out.data_ptr());
  }
  const double flops = 2.0 * static_cast<double>(ys[0] * ys[2] * ys[3]) * static_cast<double>(w.numel());
  state.counters["GFLOP/s"] = benchmark::Counter(flops / 1e9, benchmark::Counter::kIsIterationInvariantRate);
}

// Registers <prefix>/<face>/<name>/{new,im2col} for the three faces.
inline void register_conv_kernels(const std::string& prefix, const std::string& name, const Tensor& x,
                                  const Tensor& w, const kernels::Conv2dArgs& a) {
  const std::pair<Face, const char*> faces[] = {
      {Face::forward, "forward"}, {Face::input_grad, "input_grad"}, {Face::weight_grad, "weight_grad"}};
  for (const auto& [face, face_name] : faces)
    for (bool im2col : {false, true})
      benchmark::RegisterBenchmark((prefix + "/" + face_name + "/" + name + (im2col ? "/im2col" : "/new")).c_str(),
                                   conv_kernel, x, w, a, face, im2col)
          ->Unit(benchmark::kMillisecond)
          ->MeasureProcessCPUTime()
          ->UseRealTime();
}

}  // namespace nabla::bench
