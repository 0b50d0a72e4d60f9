// The round-robin order of one-sided Jacobi (kernels/svdvals.h), which the
// CPU loop and the CUDA kernel share: checked here without a GPU.
#include <gtest/gtest.h>

#include <set>
#include <utility>

#include "kernels/svdvals.h"

namespace nabla::kernels {
namespace {

// Per sweep (players - 1 rounds of players / 2 pairs), every pair p < q
// meets exactly once, and the pairs of a round are disjoint, so that the CUDA
// kernel's warps may rotate them at once.
TEST(SvdvalsSchedule, RoundsMeetEveryPairOnce) {
  for (int players = 2; players <= 12; players += 2) {
    std::set<std::pair<int, int>> met;
    for (int round = 0; round < players - 1; ++round) {
      std::set<int> used;
      for (int k = 0; k < players / 2; ++k) {
        int p = -1, q = -1;
        round_robin_pair(round, k, players, p, q);
        ASSERT_TRUE(0 <= p && p < q && q < players) << players << " " << round << " " << k;
        EXPECT_TRUE(used.insert(p).second && used.insert(q).second) << players << " " << round << " " << k;
        EXPECT_TRUE(met.insert({p, q}).second) << "(" << p << ", " << q << ") twice";
      }
    }
    EXPECT_EQ(met.size(), static_cast<size_t>(players * (players - 1) / 2)) << players;
  }
}

// Player 0 stays; the others move one seat per round (the circle method).
TEST(SvdvalsSchedule, PlayerZeroStaysAndTheOthersRotate) {
  int p, q;
  round_robin_pair(0, 0, 6, p, q);
  EXPECT_EQ(std::make_pair(p, q), std::make_pair(0, 5));
  round_robin_pair(1, 0, 6, p, q);
  EXPECT_EQ(std::make_pair(p, q), std::make_pair(0, 1));
  round_robin_pair(0, 1, 6, p, q);
  EXPECT_EQ(std::make_pair(p, q), std::make_pair(1, 4));
  round_robin_pair(2, 2, 6, p, q);  // seats 2 and 3 hold players 4 and 5
  EXPECT_EQ(std::make_pair(p, q), std::make_pair(4, 5));
}

}  // namespace
}  // namespace nabla::kernels
