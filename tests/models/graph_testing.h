#pragma once
// Helpers of the --cuda-graph tests (tests/models/train_graph_test.cpp on
// the CPU, tests/cuda/graph_test.cpp on a GPU): N steps of a model run
// eagerly, through the split step without a graph, or captured and
// replayed, and their states compared bit for bit.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "core/copy.h"
#include "models/registry.h"
#include "models/train/graph_step.h"
#include "tests/testing.h"

namespace nabla::train::testing {

enum class StepMode { eager, split, graph };

struct StepsRun {
  std::vector<std::map<std::string, double>> losses;  // per step
  TrainerState state;                                   // after the last step
  bool captured = false;
};

inline StepsRun run_steps(const TrainConfig& config, int64_t steps, StepMode mode) {
  std::unique_ptr<Trainer> trainer = find_model(config.model).make(config);
  StepsRun run;
  {
    std::optional<GraphStepper> graph;
    if (mode != StepMode::eager) graph.emplace(*trainer, config, mode == StepMode::graph);
    for (int64_t i = 0; i < steps; ++i) run.losses.push_back(graph ? graph->step() : trainer->step());
    run.captured = graph && graph->captured();
  }
  run.state = trainer->state();
  return run;
}

// The same losses at every step, and the same state: every tensor (parameters,
// buffers, optimizer moments and step counts) bitwise, every value (random
// streams' offsets, loader position) equal.
inline void expect_same_run(const StepsRun& a, const StepsRun& b) {
  ASSERT_EQ(a.losses.size(), b.losses.size());
  for (size_t i = 0; i < a.losses.size(); ++i) EXPECT_EQ(a.losses[i], b.losses[i]) << "step " << i + 1;
  ASSERT_EQ(a.state.tensors.size(), b.state.tensors.size());
  for (size_t i = 0; i < a.state.tensors.size(); ++i) {
    EXPECT_EQ(a.state.tensors[i].first, b.state.tensors[i].first);
    EXPECT_TRUE(nabla::testing::bitwise_equal(prim::to(a.state.tensors[i].second, Device::cpu()),
                                              prim::to(b.state.tensors[i].second, Device::cpu())))
        << a.state.tensors[i].first;
  }
  EXPECT_EQ(a.state.values, b.state.values);
}

}  // namespace nabla::train::testing
