// The examples of README.md's "Looking inside autograd", checked against the
// output the README shows (all but the trace's timings, which vary).
#include <gtest/gtest.h>

#include <functional>
#include <sstream>
#include <stdexcept>

#include "autograd/nabla.h"

namespace nabla {
namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(IntrospectReadme, GraphDotBeginsAsShown) {
  Tensor x = randn({4, 3});
  Tensor w = randn({2, 3}).requires_grad_(), b = zeros({2}).requires_grad_();
  Tensor loss = mean(tanh(linear(x, w, b)));
  const std::string dot = graph_dot({loss}, {.names = {{w.impl_ptr().get(), "w"}, {b.impl_ptr().get(), "b"}}});
  const std::string head =
      "digraph autograd {\n"
      "  node [shape=box, fontname=\"monospace\"];\n"
      "  out0 [label=\"output 0\", shape=plaintext];\n"
      "  n0 -> out0;\n"
      "  n0 [label=\"div\\nf32[]\\nsaved: f32[] f32[]\"];\n"
      "  n1 -> n0 [label=\"0\"];\n"
      "  n1 [label=\"sum\\nf32[]\"];\n"
      "  n2 -> n1;\n"
      "  n2 [label=\"tanh\\nf32[4, 2]\\nsaved: f32[4, 2]\"];\n";
  EXPECT_EQ(dot.substr(0, head.size()), head) << dot;
  EXPECT_NE(dot.find("[label=\"w\\nf32[2, 3]\", shape=ellipse"), std::string::npos) << dot;
  EXPECT_NE(dot.find("[label=\"linear\\nf32[4, 2]\\nsaved: f32[4, 3] f32[2, 3]\"]"), std::string::npos) << dot;
}

TEST(IntrospectReadme, TraceBytesAsShown) {
  Tensor x = randn({64, 256});
  Tensor w = randn({128, 256}).requires_grad_(), b = zeros({128}).requires_grad_();
  Tensor loss = mean(tanh(linear(x, w, b)));
  TraceGuard trace;
  backward(loss);
  uint64_t grad_total = 0, allocated_total = 0;
  for (const TraceEntry& e : last_backward_trace()) {
    grad_total += e.grad_bytes;
    allocated_total += e.allocated_bytes;
    if (e.op == "tanh") {
      EXPECT_EQ(e.allocated_bytes, 98308u);  // g * (1 - y * y): three tensors and the scalar 1
    }
  }
  EXPECT_EQ(last_backward_trace().size(), 6u);
  EXPECT_EQ(grad_total, 197124u);
  EXPECT_EQ(allocated_total, 361480u);
}

TEST(IntrospectReadme, AnomalyMessagesAsShown) {
  AnomalyGuard anomaly;
  Tensor x = tensor<float>({1.0f, -1.0f}).requires_grad_();
  EXPECT_EQ(error_of([&] { log(x * 2.0); }),
            "anomaly: op 'log' produced NaN/Inf in its output f32[2] (forward); "
            "'log' was made by leaf f32[2] -> mul -> log");
  Tensor y = tensor<float>({0.0f, 4.0f}).requires_grad_();
  Tensor s = sum(sqrt(y));
  EXPECT_EQ(error_of([&] { backward(s); }),
            "anomaly: NaN/Inf in the gradient for input 0 of 'sqrt' f32[2] (backward); "
            "'sqrt' was made by leaf f32[2] -> sqrt");
}

TEST(IntrospectReadme, HooksPrintAsShown) {
  std::ostringstream out;
  Tensor x = tensor<float>({1.0f, 2.0f, 3.0f}).requires_grad_();
  Tensor h = x * x;
  retain_grad(h);
  HookHandle clip = register_hook(h, [](const Tensor& g) { return clamp(g, -1.0, 1.0); });
  HookHandle spy = register_hook(x, [&](const Tensor& g) { out << "x's gradient: " << g << "\n"; return Tensor(); });
  backward(sum(h * 5.0));
  out << "h.grad() = " << h.grad() << "\nx.grad() = " << x.grad() << "\n";
  clip.remove();
  EXPECT_EQ(out.str(),
            "x's gradient: tensor([2.0000, 4.0000, 6.0000])\n"
            "h.grad() = tensor([1.0000, 1.0000, 1.0000])\n"
            "x.grad() = tensor([2.0000, 4.0000, 6.0000])\n");
}

}  // namespace
}  // namespace nabla
