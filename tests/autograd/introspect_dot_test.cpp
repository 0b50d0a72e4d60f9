#include "autograd/graph_dot.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <tuple>

#include "autograd/elementwise.h"
#include "autograd/engine.h"
#include "autograd/hooks.h"
#include "autograd/reduce.h"
#include "tests/testing.h"

namespace nabla {
namespace {

// A crude reading of graph_dot's output: each node's label, and the edges
// as (from label, to label, edge label), labels cut at their first "\n".
struct Dot {
  std::map<std::string, std::string> label;  // id -> full label
  std::set<std::tuple<std::string, std::string, std::string>> edges;
  std::string first_line(const std::string& id) const {
    const std::string& l = label.at(id);
    return l.substr(0, l.find("\\n"));
  }
};

Dot parse(const std::string& dot) {
  Dot d;
  std::vector<std::tuple<std::string, std::string, std::string>> raw;
  const std::regex node(R"re(^  (\w+) \[label="((?:[^"\\]|\\.)*)")re");
  const std::regex edge(R"re(^  (\w+) -> (\w+)(?: \[label="(\d+)"\])?;$)re");
  std::istringstream in(dot);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_search(line, m, edge)) raw.emplace_back(m[1], m[2], m[3]);
    else if (std::regex_search(line, m, node)) d.label[m[1]] = m[2];
  }
  for (auto& [a, b, l] : raw) d.edges.emplace(d.first_line(a), d.first_line(b), l);
  return d;
}

TEST(IntrospectDot, SmallExpressionHasItsNodesAndEdges) {
  Tensor x = tensor<double>({1.0, 2.0, 3.0}).requires_grad_();
  Tensor w = tensor<double>({0.5, 0.5, 0.5}).requires_grad_();
  Tensor y = sum(exp(x) * w);
  const std::string dot = graph_dot({y}, {.names = {{x.impl_ptr().get(), "x"}}});
  ASSERT_EQ(dot.rfind("digraph autograd {", 0), 0u) << dot;
  const Dot d = parse(dot);
  std::multiset<std::string> ops;
  for (auto& [id, l] : d.label) ops.insert(d.first_line(id));
  EXPECT_EQ(ops, (std::multiset<std::string>{"x", "leaf", "exp", "mul", "sum", "output 0"})) << dot;
  const std::set<std::tuple<std::string, std::string, std::string>> edges = {
      {"x", "exp", ""}, {"exp", "mul", "0"}, {"leaf", "mul", "1"}, {"mul", "sum", ""}, {"sum", "output 0", ""}};
  EXPECT_EQ(d.edges, edges) << dot;
  EXPECT_NE(dot.find(R"(label="exp\nf64[3]\nsaved: f64[3]")"), std::string::npos) << dot;
  EXPECT_NE(dot.find(R"(label="mul\nf64[3]\nsaved: f64[3] f64[3]")"), std::string::npos) << dot;
  EXPECT_NE(dot.find(R"(label="sum\nf64[]")"), std::string::npos) << dot;
  EXPECT_NE(dot.find(R"(label="x\nf64[3]")"), std::string::npos) << dot;
}

TEST(IntrospectDot, ShowsFreedSavedTensorsAndEscapesNames) {
  Tensor x = tensor<float>({1.0f, 2.0f}).requires_grad_();
  Tensor y = sum(tanh(x));
  backward(y);
  const std::string dot = graph_dot({y}, {.names = {{x.impl_ptr().get(), "layer\"1\".weight"}}});
  EXPECT_NE(dot.find(R"(tanh\nf32[2]\nsaved: freed by backward)"), std::string::npos) << dot;
  EXPECT_NE(dot.find(R"(label="layer\"1\".weight\nf32[2]")"), std::string::npos) << dot;
}

TEST(IntrospectDot, SharedSubgraphAppearsOnceAndConstantsAreLeftOut) {
  Tensor x = tensor<double>({1.0}).requires_grad_();
  Tensor c = tensor<double>({2.0});
  Tensor e = exp(x);
  Tensor a = e * c, b = e + 1.0;
  const Dot d = parse(graph_dot({a, b, c}));
  EXPECT_EQ(d.label.size(), 6u);  // leaf, exp, mul, add, output 0, output 1 (c has no graph)
  EXPECT_EQ(d.edges.count({"exp", "mul", "0"}), 1u);
  EXPECT_EQ(d.edges.count({"exp", "add", "0"}), 1u);
}

TEST(IntrospectDot, ShowsHooksAndRetainGrad) {
  Tensor x = tensor<double>({1.0, 2.0}).requires_grad_();
  Tensor y = exp(x);
  retain_grad(y);
  HookHandle h = register_hook(x, [](const Tensor& g) { return g; });
  const std::string dot = graph_dot({sum(y)});
  EXPECT_NE(dot.find(R"(label="exp\nf64[2]\nsaved: f64[2]\nretain_grad")"), std::string::npos) << dot;
  EXPECT_NE(dot.find(R"(label="leaf\nf64[2]\nhooks: 1")"), std::string::npos) << dot;
}

TEST(IntrospectDot, AcceptedByGraphviz) {
  if (std::system("dot -V > /dev/null 2>&1") != 0) GTEST_SKIP() << "graphviz's dot is not installed";
  Tensor x = tensor<double>({1.0, 2.0}).requires_grad_();
  Tensor y = sum(sigmoid(x * x) / (x + 1.0));
  const std::string path = ::testing::TempDir() + "nabla_graph.dot";
  std::ofstream(path) << graph_dot({y}, {.names = {{x.impl_ptr().get(), "x"}}});
  EXPECT_EQ(std::system(("dot -Tsvg " + path + " -o /dev/null").c_str()), 0);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace nabla
