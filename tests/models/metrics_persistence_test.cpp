// H1 persistence (standard column reduction) and the witness complex:
// hand-built complexes with known intervals, and beta_1 at every level of
// random witness complexes against ranks of the boundary matrices over Z/2.
#include "models/metrics/persistence.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <utility>

#include "autograd/nabla.h"
#include "models/metrics/geometry_score.h"
#include "models/metrics/witness.h"
#include "tests/testing.h"

namespace nabla::metrics {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// A square 0-1-2-3 (cycle complete at 2), a diagonal 0-2 at 3 (a second
// cycle), triangles (0,1,2) at 4 and (0,2,3) at 5: the elder rule kills the
// younger cycle first, giving [3, 4) and [2, 5).
TEST(Persistence, SquareKilledByItsTwoTriangles) {
  FilteredComplex c;
  for (int64_t v = 0; v < 4; ++v) c.vertices.push_back({{0.0}, v});
  c.edges = {{{1.0}, {0, 1}}, {{1.0}, {1, 2}}, {{1.0}, {2, 3}}, {{2.0}, {3, 0}}, {{3.0}, {2, 0}}};
  c.triangles = {{{5.0}, {2, 3, 0}}, {{4.0}, {0, 1, 2}}};
  const std::vector<Interval> h1 = persistence_h1(c);
  ASSERT_EQ(h1.size(), 2u);
  EXPECT_EQ(h1[0].birth, 2.0);
  EXPECT_EQ(h1[0].death, 5.0);
  EXPECT_EQ(h1[1].birth, 3.0);
  EXPECT_EQ(h1[1].death, 4.0);
  // Without the triangle at 5 the square's cycle never dies.
  c.triangles.erase(c.triangles.begin());
  const std::vector<Interval> open = persistence_h1(c);
  ASSERT_EQ(open.size(), 2u);
  EXPECT_EQ(open[0].birth, 2.0);
  EXPECT_EQ(open[0].death, kInf);
  EXPECT_EQ(open[1].death, 4.0);
}

TEST(Persistence, TreeAndFilledTriangleHaveNoCycles) {
  FilteredComplex c;
  for (int64_t v = 0; v < 3; ++v) c.vertices.push_back({{0.0}, v});
  c.edges = {{{1.0}, {0, 1}}, {{1.0}, {1, 2}}};
  EXPECT_TRUE(persistence_h1(c).empty());
  c.edges.push_back({{2.0}, {0, 2}});
  c.triangles.push_back({{2.0}, {0, 1, 2}});  // born and killed at 2: zero length, left out
  EXPECT_TRUE(persistence_h1(c).empty());
}

TEST(Persistence, RefusesAMissingOrLateFace) {
  FilteredComplex c;
  for (int64_t v = 0; v < 3; ++v) c.vertices.push_back({{0.0}, v});
  c.edges = {{{1.0}, {0, 1}}, {{1.0}, {1, 2}}};
  c.triangles.push_back({{3.0}, {0, 1, 2}});
  EXPECT_THROW_MESSAGE(persistence_h1(c), std::invalid_argument, "persistence_h1", "lacks its face (0, 2)");
  c.edges.push_back({{4.0}, {0, 2}});  // later than its triangle
  EXPECT_THROW_MESSAGE(persistence_h1(c), std::invalid_argument, "persistence_h1", "lacks its face");
}

// One witness at distances (1, 2, 4, 7) from four landmarks: a k-simplex
// gets max(0, its farthest distance - d_k), then faces are lowered to their cofaces.
TEST(WitnessComplex, OneWitnessByHand) {
  const FilteredComplex c = witness_complex({1, 2, 4, 7}, 1, 4, 10.0);
  std::map<std::vector<int64_t>, double> got;
  for (const auto& v : c.vertices) got[{v.v}] = v.value;
  for (const auto& e : c.edges) got[{e.v[0], e.v[1]}] = e.value;
  for (const auto& t : c.triangles) got[{t.v[0], t.v[1], t.v[2]}] = t.value;
  const std::map<std::vector<int64_t>, double> want = {
      {{0}, 0},       {{1}, 0},       {{2}, 0},       {{3}, 3},       {{0, 1}, 0},    {{0, 2}, 0},
      {{0, 3}, 3},    {{1, 2}, 0},    {{1, 3}, 3},    {{2, 3}, 3},    {{0, 1, 2}, 0}, {{0, 1, 3}, 3},
      {{0, 2, 3}, 3}, {{1, 2, 3}, 3}};
  EXPECT_EQ(got, want);
  // The cut keeps what is at most alpha_max.
  const FilteredComplex cut = witness_complex({1, 2, 4, 7}, 1, 4, 2.5);
  EXPECT_EQ(cut.vertices.size(), 3u);
  EXPECT_EQ(cut.edges.size(), 3u);
  EXPECT_EQ(cut.triangles.size(), 1u);
  EXPECT_THROW_MESSAGE(witness_complex({1, 2, 3}, 1, 4, 1.0), std::invalid_argument, "witness_complex");
}

// Rank over Z/2 of a 0/1 matrix, by Gaussian elimination.
int64_t rank_z2(std::vector<std::vector<uint8_t>> m) {
  int64_t rank = 0;
  const size_t cols = m.empty() ? 0 : m[0].size();
  for (size_t c = 0; c < cols && rank < static_cast<int64_t>(m.size()); ++c) {
    size_t p = rank;
    while (p < m.size() && !m[p][c]) ++p;
    if (p == m.size()) continue;
    std::swap(m[p], m[rank]);
    for (size_t r = 0; r < m.size(); ++r)
      if (r != static_cast<size_t>(rank) && m[r][c])
        for (size_t k = 0; k < cols; ++k) m[r][k] ^= m[rank][k];
    ++rank;
  }
  return rank;
}

// beta_1 of the sub-complex of simplices with value <= a: #edges - rank d1 - rank d2.
int64_t betti1(const FilteredComplex& c, double a) {
  std::vector<FilteredEdge> edges;
  for (const auto& e : c.edges)
    if (e.value <= a) edges.push_back(e);
  std::vector<std::vector<uint8_t>> d1, d2;
  for (const auto& e : edges) {
    std::vector<uint8_t> col(c.vertices.size(), 0);
    for (int64_t v : e.v)
      for (size_t i = 0; i < c.vertices.size(); ++i) col[i] ^= c.vertices[i].v == v;
    d1.push_back(col);
  }
  for (const auto& t : c.triangles) {
    if (t.value > a) continue;
    std::vector<uint8_t> col(edges.size(), 0);
    for (size_t i = 0; i < edges.size(); ++i) {
      const auto& ev = edges[i].v;
      col[i] = std::count(t.v.begin(), t.v.end(), ev[0]) && std::count(t.v.begin(), t.v.end(), ev[1]);
    }
    d2.push_back(col);
  }
  return static_cast<int64_t>(edges.size()) - rank_z2(d1) - rank_z2(d2);
}

TEST(Persistence, BettiNumbersOfRandomWitnessComplexesMatchRanks) {
  Generator gen(11);
  int64_t total_cycles = 0;
  for (int trial = 0; trial < 4; ++trial) {
    const Tensor pts = rand({60, 2}, DType::f64, &gen);
    std::vector<int64_t> rows = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    const Tensor l = index_select(pts, 0, tensor(rows, {12}));
    const Tensor d = sqrt(sum(square(unsqueeze(pts, 1) - unsqueeze(l, 0)), {2}));
    const FilteredComplex c = witness_complex(to_vector<double>(d), 60, 12, 0.3);
    const std::vector<Interval> h1 = persistence_h1(c);
    std::vector<double> levels;
    for (const auto& e : c.edges) levels.push_back(e.value);
    for (const auto& t : c.triangles) levels.push_back(t.value);
    for (double a : levels) {
      int64_t alive = 0;
      for (const Interval& iv : h1) alive += iv.birth <= a && a < iv.death;
      ASSERT_EQ(alive, betti1(c, a)) << "trial " << trial << " at " << a;
      total_cycles += alive;
    }
  }
  EXPECT_GT(total_cycles, 0);  // the check saw some cycles
}

TEST(GeometryScore, RelativeLivingTimesByHand) {
  // beta_1: 0 on [0, .1), 1 on [.1, .2), 2 on [.2, .5), 1 on [.5, 1].
  const std::vector<double> rlt = relative_living_times({{0.1, 0.5}, {0.2, kInf}}, 1.0, 4);
  ASSERT_EQ(rlt.size(), 4u);
  EXPECT_NEAR(rlt[0], 0.1, 1e-12);
  EXPECT_NEAR(rlt[1], 0.6, 1e-12);
  EXPECT_NEAR(rlt[2], 0.3, 1e-12);
  EXPECT_EQ(rlt[3], 0.0);
  // Two classes alive past i_max = 2 are not counted.
  const std::vector<double> short_rlt = relative_living_times({{0.1, 0.5}, {0.2, kInf}}, 1.0, 2);
  EXPECT_NEAR(short_rlt[0] + short_rlt[1], 0.7, 1e-12);
  EXPECT_THROW_MESSAGE(relative_living_times({}, 0.0, 2), std::invalid_argument, "relative_living_times");
}

}  // namespace
}  // namespace nabla::metrics
