// Birthday-paradox support estimate: sampling uniformly from K known
// distinct points must give an estimate within a factor 2 of K.
#include "models/metrics/birthday.h"

#include <gtest/gtest.h>

#include <cmath>

#include "autograd/nabla.h"
#include "tests/testing.h"

namespace nabla::metrics {
namespace {

// n draws, uniform with replacement, from the rows of `points`.
auto uniform_from(const Tensor& points) {
  return [points](int64_t n, Generator& gen) {
    return index_select(points, 0, randint(0, points.size(0), {n}, DType::i64, &gen));
  };
}

TEST(Birthday, EstimatesTheSizeOfAFiniteSupport) {
  Generator init(4);
  for (int64_t k : {100, 400}) {
    // K points on an integer grid in 8 dims: distinct ones are >= 1 apart.
    const Tensor points = reshape(to(randint(0, 1000, {k, 1, 2, 4}, DType::i64, &init), DType::f32), {k, 1, 2, 4});
    Generator gen(9);
    BirthdayOptions o;
    o.batch_sizes = {10, 20, 40};
    o.batches = 100;
    o.threshold = 0.5;
    o.pairs = 6;
    const BirthdayResult r = birthday_test(uniform_from(points), gen, o);
    ASSERT_EQ(r.rows.size(), 3u);
    EXPECT_EQ(r.threshold, 0.5);
    EXPECT_GT(r.support, k / 2.0) << "K = " << k;
    EXPECT_LT(r.support, k * 2.0) << "K = " << k;
    EXPECT_GT(r.rows[2].duplicate_rate, r.rows[0].duplicate_rate);
    EXPECT_GT(r.rows[2].support_from_pairs, k / 2.0);
    EXPECT_LT(r.rows[2].support_from_pairs, k * 2.0);
    // The closest pairs are the duplicates, shown as image pairs.
    EXPECT_EQ(r.closest.shape(), (Shape{12, 1, 2, 4}));
    ASSERT_EQ(r.distances.size(), 6u);
    EXPECT_EQ(r.distances[0], 0.0);
    EXPECT_TRUE(testing::allclose(select(r.closest, 0, 0), select(r.closest, 0, 1)));
  }
}

TEST(Birthday, ContinuousSamplesHaveNoDuplicates) {
  Generator gen(1);
  BirthdayOptions o;
  o.batch_sizes = {50};
  o.batches = 5;
  o.pairs = 2;
  o.quantile = 0;  // the reference's closest pair
  const Tensor reference = randn({300, 8}, DType::f32, &gen);
  const BirthdayResult r =
      birthday_test([](int64_t n, Generator& g) { return randn({n, 8}, DType::f32, &g); }, gen, o, reference);
  EXPECT_GT(r.threshold, 0.0);
  EXPECT_NEAR(r.threshold, nearest_neighbour_quantile(reference, 0.0), 1e-12);
  EXPECT_EQ(r.rows[0].duplicate_rate, 0.0);
  EXPECT_TRUE(std::isinf(r.support));
  EXPECT_GT(r.distances[0], 0.0);
  // Nearest neighbours by hand: 0 -> 1 (distance 1), 2 -> 1 (distance 2).
  const Tensor three = tensor(std::vector<double>{0, 1, 3}, {3, 1});
  EXPECT_EQ(nearest_neighbour_quantile(three, 0.0), 1.0);
  EXPECT_EQ(nearest_neighbour_quantile(three, 1.0), 2.0);
  EXPECT_THROW_MESSAGE(birthday_test([](int64_t n, Generator& g) { return randn({n, 2}, DType::f32, &g); }, gen, o),
                       std::invalid_argument, "birthday", "reference");
}

}  // namespace
}  // namespace nabla::metrics
