#include "autograd/trace.h"

#include <map>
#include <sstream>

#include "autograd/elementwise.h"
#include "autograd/engine.h"
#include "autograd/reduce.h"
#include "core/factory.h"
#include "core/storage.h"
#include "tests/testing.h"

namespace nabla {
namespace {

TEST(IntrospectTrace, StorageCountsAllocatedBytes) {
  const uint64_t before = allocated_bytes_total();
  Tensor t = make_tensor({3, 5}, DType::f32, Device::cpu());
  EXPECT_EQ(allocated_bytes_total() - before, 60u);
}

// s = sum(exp(x) * x): nodes sum, mul, exp and x's AccumulateGrad.
TEST(IntrospectTrace, OneEntryPerNodeInTopologicalOrderWithGradientBytes) {
  Tensor x = tensor<double>({1.0, 2.0, 3.0}).requires_grad_();
  Tensor s = sum(exp(x) * x);
  {
    TraceGuard trace;
    backward(s);
  }
  const auto entries = last_backward_trace();
  ASSERT_EQ(entries.size(), 4u);
  std::map<std::string, size_t> at;
  for (size_t i = 0; i < entries.size(); ++i) at[entries[i].op] = i;
  ASSERT_EQ(at.size(), 4u);
  // A node runs after every consumer of its output.
  EXPECT_LT(at["sum"], at["mul"]);
  EXPECT_LT(at["mul"], at["exp"]);
  EXPECT_LT(at["exp"], at["AccumulateGrad"]);
  EXPECT_EQ(entries[at["sum"]].grad_bytes, 3 * 8u);
  EXPECT_EQ(entries[at["mul"]].grad_bytes, 2 * 3 * 8u);  // one gradient per input
  EXPECT_EQ(entries[at["exp"]].grad_bytes, 3 * 8u);
  EXPECT_EQ(entries[at["AccumulateGrad"]].grad_bytes, 0u);
  EXPECT_EQ(entries[at["mul"]].allocated_bytes, 2 * 3 * 8u);  // g * x and g * exp(x)
  EXPECT_EQ(entries[at["exp"]].allocated_bytes, 3 * 8u);      // g * exp(x)
  EXPECT_EQ(entries[at["AccumulateGrad"]].allocated_bytes, 3 * 8u);  // the clone into .grad
  for (const TraceEntry& e : entries) EXPECT_GE(e.seconds, 0.0);
  EXPECT_EQ(entries[at["sum"]].shape, Shape{});
  EXPECT_EQ(entries[at["mul"]].shape, Shape{3});
}

TEST(IntrospectTrace, AccumulatingIntoGradAllocatesOnlyTheSum) {
  Tensor x = tensor<double>({1.0, 2.0, 3.0, 4.0}).requires_grad_();
  backward(sum(x * 2.0));
  TraceGuard trace;
  backward(sum(x * 3.0));
  const auto entries = last_backward_trace();
  ASSERT_EQ(entries.back().op, "AccumulateGrad");
  EXPECT_EQ(entries.back().allocated_bytes, 4 * 8u);  // grad + g, no clone of g first
  EXPECT_TRUE(testing::allclose(x.grad(), tensor<double>({5.0, 5.0, 5.0, 5.0})));
}

TEST(IntrospectTrace, NothingRecordedOutsideTheGuard) {
  Tensor x = tensor<float>({1.0f, 2.0f}).requires_grad_();
  {
    TraceGuard trace;
    backward(sum(x * x));
  }
  EXPECT_FALSE(trace_enabled());
  backward(sum(exp(x)));  // not traced: the last trace stays
  const auto entries = last_backward_trace();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[1].op, "mul");
  EXPECT_EQ(entries[1].grad_bytes, 2 * 2 * 4u);
}

TEST(IntrospectTrace, GradTracesOnlyNodesLeadingToInputs) {
  Tensor x = tensor<double>({1.0}).requires_grad_();
  Tensor w = tensor<double>({2.0}).requires_grad_();
  Tensor y = sum(exp(w) * x);
  TraceGuard trace;
  grad({y}, {x});
  for (const TraceEntry& e : last_backward_trace()) EXPECT_NE(e.op, "exp");
  EXPECT_EQ(last_backward_trace().size(), 3u);  // sum, mul, x's AccumulateGrad
}

TEST(IntrospectTrace, FormatSortsByTime) {
  std::vector<TraceEntry> entries = {{"fast", {2}, 1e-6, 8, 8}, {"slow", {2}, 3e-6, 16, 0}, {"mid", {}, 2e-6, 0, 32}};
  const std::string table = format_trace(entries);
  std::istringstream in(table);
  std::string header, op;
  std::getline(in, header);
  EXPECT_NE(header.find("time (us)"), std::string::npos);
  std::vector<std::string> order;
  while (in >> op) {
    order.push_back(op);
    std::string rest;
    std::getline(in, rest);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"slow", "mid", "fast", "total"}));
  EXPECT_NE(table.find("50.0%"), std::string::npos) << table;  // slow: 3 of 6 us
}

}  // namespace
}  // namespace nabla
