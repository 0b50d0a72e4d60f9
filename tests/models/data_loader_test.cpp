#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "autograd/nabla.h"
#include "models/data/loader.h"
#include "tests/models/data_testing.h"

namespace nabla::data {
namespace {

using testing::throws_with;

// n examples of [1, 2, 3] pixels; example 1 is all 255, pixel k of the
// others (37 i + 11 k) mod 256 (so example 0 holds a 0); label i (or i % classes).
uint8_t pixel(int64_t i, int64_t k) { return static_cast<uint8_t>(i == 1 ? 255 : (37 * i + 11 * k) % 256); }

Dataset make_dataset(int64_t n, int64_t classes = 0) {
  Dataset d;
  d.images = empty({n, 1, 2, 3}, DType::u8);
  d.labels = empty({n}, DType::i64);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t k = 0; k < 6; ++k) d.images.data<uint8_t>()[6 * i + k] = pixel(i, k);
    d.labels.data<int64_t>()[i] = classes ? i % classes : i;
  }
  return d;
}

// The labels of one epoch's batches (checking each batch's fields).
std::vector<int64_t> epoch_labels(Loader& loader, int64_t epoch) {
  std::vector<int64_t> all;
  for (int64_t b = 0; b < loader.batches_per_epoch(); ++b) {
    const Batch batch = loader.next();
    EXPECT_EQ(batch.epoch, epoch);
    EXPECT_EQ(batch.index, b);
    EXPECT_EQ(batch.images.size(0), batch.labels.size(0));
    EXPECT_EQ(batch.labels.dtype(), DType::i64);
    for (int64_t l : to_vector<int64_t>(batch.labels)) all.push_back(l);
  }
  return all;
}

std::vector<int64_t> iota(int64_t n) {
  std::vector<int64_t> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[i] = i;
  return v;
}

TEST(DataLoader, EachExampleOncePerEpochInShuffledOrder) {
  for (bool prefetch : {false, true}) {
    Loader loader(make_dataset(23), {.batch_size = 5, .seed = 3, .prefetch = prefetch});
    EXPECT_EQ(loader.size(), 23);
    EXPECT_EQ(loader.batches_per_epoch(), 5);  // 5, 5, 5, 5, 3
    auto e0 = epoch_labels(loader, 0), e1 = epoch_labels(loader, 1);
    EXPECT_NE(e0, iota(23));  // shuffled
    EXPECT_NE(e0, e1);        // a new permutation per epoch
    std::sort(e0.begin(), e0.end());
    std::sort(e1.begin(), e1.end());
    EXPECT_EQ(e0, iota(23));
    EXPECT_EQ(e1, iota(23));
    EXPECT_EQ(loader.next().epoch, 2);
  }
}

TEST(DataLoader, WithoutShuffleInOrder) {
  Loader loader(make_dataset(7), {.batch_size = 3, .shuffle = false});
  EXPECT_EQ(epoch_labels(loader, 0), iota(7));
  EXPECT_EQ(epoch_labels(loader, 1), iota(7));
}

TEST(DataLoader, DropLast) {
  Loader loader(make_dataset(23), {.batch_size = 5, .drop_last = true, .seed = 1});
  EXPECT_EQ(loader.batches_per_epoch(), 4);
  for (int64_t epoch = 0; epoch < 3; ++epoch) {
    std::vector<int64_t> seen;
    for (int64_t b = 0; b < 4; ++b) {
      const Batch batch = loader.next();
      EXPECT_EQ(batch.epoch, epoch);
      EXPECT_EQ(batch.images.shape(), (Shape{5, 1, 2, 3}));
      for (int64_t l : to_vector<int64_t>(batch.labels)) seen.push_back(l);
    }
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(std::unique(seen.begin(), seen.end()), seen.end());  // 20 distinct, 3 dropped
  }
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [] { Loader(make_dataset(4), {.batch_size = 5, .drop_last = true}); }, {"loader", "drop_last", "4 examples"}));
}

// Every pixel of every batch against the formula for its example.
template <class T>
void check_scaling(PixelRange range, bool dequantize) {
  const DType dtype = dtype_of<T>();
  Loader loader(make_dataset(12), {.batch_size = 4, .range = range, .dequantize = dequantize, .dtype = dtype});
  T lo = 10, hi = -10;
  for (int b = 0; b < 3; ++b) {
    const Batch batch = loader.next();
    ASSERT_EQ(batch.images.dtype(), dtype);
    const auto x = to_vector<T>(batch.images);
    const auto l = to_vector<int64_t>(batch.labels);
    for (size_t j = 0; j < l.size(); ++j)
      for (int64_t k = 0; k < 6; ++k) {
        const double p = pixel(l[j], k), v = x[6 * j + k];
        const double unit = range == PixelRange::unit ? v : (v + 1) / 2;  // back to [0, 1]
        if (dequantize) {  // (p + u) / 256, u in [0, 1)
          ASSERT_TRUE(unit * 256 >= p - 1e-4 && unit * 256 < p + 1 + 1e-4) << p << " -> " << v;
        } else {
          ASSERT_NEAR(unit * 255, p, 1e-4) << p << " -> " << v;
        }
        lo = std::min<T>(lo, x[6 * j + k]), hi = std::max<T>(hi, x[6 * j + k]);
      }
  }
  EXPECT_GE(lo, range == PixelRange::unit ? 0 : -1);
  if (dequantize) {
    EXPECT_LT(hi, 1);
  } else {
    EXPECT_EQ(hi, 1);  // pixel 255 occurs
  }
  if (!dequantize) {
    EXPECT_EQ(lo, range == PixelRange::unit ? 0 : -1);  // pixel 0 occurs
  }
}

TEST(DataLoader, ScalingRanges) {
  check_scaling<float>(PixelRange::unit, false);
  check_scaling<float>(PixelRange::symmetric, false);
  check_scaling<double>(PixelRange::symmetric, false);
  check_scaling<float>(PixelRange::unit, true);
  check_scaling<float>(PixelRange::symmetric, true);
  check_scaling<double>(PixelRange::unit, true);
}

TEST(DataLoader, ClassFilter) {
  Loader loader(make_dataset(30, 10), {.batch_size = 4, .classes = {3, 7}});
  EXPECT_EQ(loader.size(), 6);
  std::vector<uint8_t> firsts;  // each kept example's first pixel identifies it
  for (int b = 0; b < 2; ++b) {
    const Batch batch = loader.next();
    const auto l = to_vector<int64_t>(batch.labels);
    const auto x = to_vector<float>(batch.images);
    for (size_t j = 0; j < l.size(); ++j) {
      EXPECT_TRUE(l[j] == 3 || l[j] == 7) << l[j];
      firsts.push_back(static_cast<uint8_t>(std::lround((x[6 * j] + 1) * 127.5)));
    }
  }
  std::sort(firsts.begin(), firsts.end());
  std::vector<uint8_t> want;
  for (int64_t i : {3, 7, 13, 17, 23, 27}) want.push_back(pixel(i, 0));
  std::sort(want.begin(), want.end());
  EXPECT_EQ(firsts, want);
  EXPECT_TRUE(throws_with<std::invalid_argument>([] { Loader(make_dataset(30, 10), {.classes = {11, 12}}); },
                                                 {"loader", "no example has a label in {11, 12}"}));
}

// The next k batches, as bits.
std::vector<std::vector<float>> take(Loader& loader, int k) {
  std::vector<std::vector<float>> out;
  for (int i = 0; i < k; ++i) {
    const Batch b = loader.next();
    out.push_back(to_vector<float>(b.images));
    for (int64_t l : to_vector<int64_t>(b.labels)) out.back().push_back(static_cast<float>(l));
  }
  return out;
}

TEST(DataLoader, SameSeedSameBatchesPrefetchOrNot) {
  const Dataset d = make_dataset(23);
  const LoaderOptions o{.batch_size = 5, .seed = 11, .dequantize = true};
  LoaderOptions sync = o, other = o;
  sync.prefetch = false;
  other.seed = 12;
  Loader a(d, o), b(d, o), c(d, sync), e(d, other);
  const auto ta = take(a, 12);
  EXPECT_EQ(ta, take(b, 12));
  EXPECT_EQ(ta, take(c, 12));
  EXPECT_NE(ta, take(e, 12));
}

TEST(DataLoader, ResumedLoaderSeesTheSameBatches) {
  const Dataset d = make_dataset(23);
  const LoaderOptions o{.batch_size = 5, .seed = 5, .dequantize = true};
  Loader uninterrupted(d, o), first(d, o);
  take(uninterrupted, 7);
  take(first, 7);  // into the second epoch; with prefetch, the 8th is already made
  const nlohmann::json saved = first.state();
  EXPECT_EQ(saved.at("epoch"), 1);
  EXPECT_EQ(saved.at("position"), 10);

  LoaderOptions resumed_options = o;
  resumed_options.seed = 99;      // the state's seed wins
  resumed_options.prefetch = false;
  Loader resumed(d, resumed_options);
  resumed.restore(saved.get<LoaderState>());
  EXPECT_EQ(resumed.state(), first.state());
  const auto rest = take(uninterrupted, 9);
  EXPECT_EQ(take(resumed, 9), rest);
  // Rewinding a loader that went on also replays them.
  take(first, 3);
  first.restore(saved.get<LoaderState>());
  EXPECT_EQ(take(first, 9), rest);
}

// A batch's fields, bits of its images and its labels, for exact comparison.
struct Seen {
  int64_t epoch, index;
  std::vector<float> images;
  std::vector<int64_t> labels;
  bool operator==(const Seen&) const = default;
};

std::vector<Seen> seen(Loader& loader, int k) {
  std::vector<Seen> out;
  for (int i = 0; i < k; ++i) {
    const Batch b = loader.next();
    out.push_back({b.epoch, b.index, to_vector<float>(b.images), to_vector<int64_t>(b.labels)});
  }
  return out;
}

// Stop after k batches, save the state through JSON text (as a checkpoint
// would), restore it into a fresh loader: the rest equals an uninterrupted run,
// for every k, across epoch ends, with and without drop_last.
TEST(DataLoader, ResumeAfterEveryBatchMatchesAnUninterruptedRun) {
  const Dataset d = make_dataset(30, 10);
  for (bool drop_last : {false, true}) {
    const LoaderOptions o{.batch_size = 4, .drop_last = drop_last, .seed = 21, .dequantize = true,
                          .classes = {1, 2, 5, 6, 7, 9}};
    const int total = 14;  // about 3 epochs of 18 examples
    Loader reference(d, o);
    const std::vector<Seen> want = seen(reference, total);
    EXPECT_EQ(want.back().epoch, drop_last ? 3 : 2);
    for (int k = 0; k <= total; ++k) {
      Loader first(d, o);
      seen(first, k);
      const std::string saved = nlohmann::json(first.state()).dump();
      Loader resumed(d, o);
      resumed.restore(nlohmann::json::parse(saved).get<LoaderState>());
      EXPECT_EQ(seen(resumed, total - k), std::vector<Seen>(want.begin() + k, want.end()))
          << "drop_last " << drop_last << ", resumed after " << k << " batches";
    }
  }
}

TEST(DataLoader, StateRoundTripsThroughJson) {
  Loader loader(make_dataset(23), {.batch_size = 5, .drop_last = true, .seed = 0xFFFFFFFFFFFFFFF1ull,
                                   .dequantize = true});
  take(loader, 6);
  const LoaderState s = loader.state();
  EXPECT_EQ(s.seed, 0xFFFFFFFFFFFFFFF1ull);
  EXPECT_EQ(s.size, 23);
  EXPECT_EQ(s.batch_size, 5);
  EXPECT_TRUE(s.shuffle);
  EXPECT_TRUE(s.drop_last);
  EXPECT_EQ(s.epoch, 1);
  EXPECT_EQ(s.position, 10);
  EXPECT_EQ(s.shuffle_offset, 23u);
  EXPECT_EQ(s.noise_offset, 6u * 5 * 6);  // one Philox block per noise element
  EXPECT_EQ(nlohmann::json::parse(nlohmann::json(s).dump()).get<LoaderState>(), s);
  EXPECT_THROW(nlohmann::json({{"seed", 1}}).get<LoaderState>(), std::invalid_argument);  // "size is missing"
}

TEST(DataLoader, RestoreRejectsAStateOfOtherOptions) {
  Loader a(make_dataset(23), {.batch_size = 5});
  const LoaderState s = a.state();
  for (LoaderOptions o : {LoaderOptions{.batch_size = 4}, LoaderOptions{.batch_size = 5, .shuffle = false},
                          LoaderOptions{.batch_size = 5, .drop_last = true}}) {
    Loader b(make_dataset(23), o);
    EXPECT_TRUE(throws_with<std::invalid_argument>([&] { b.restore(s); },
                                                   {"loader", "the state is for batch_size 5, shuffle on"}));
  }
}

TEST(DataLoader, RestoreRejectsAStateOfAnotherSize) {
  Loader a(make_dataset(23), {.batch_size = 5}), b(make_dataset(20), {.batch_size = 5});
  take(b, 1);
  EXPECT_TRUE(throws_with<std::invalid_argument>([&] { a.restore(b.state()); }, {"loader", "20 examples", "23"}));
  LoaderState bad = a.state();
  bad.position = 24;
  EXPECT_TRUE(throws_with<std::invalid_argument>([&] { a.restore(bad); }, {"out of range"}));
  EXPECT_EQ(take(a, 1).size(), 1u);  // still usable
}

TEST(DataLoader, BadDatasetOrOptions) {
  Dataset d = make_dataset(4);
  Dataset f32 = d;
  f32.images = zeros({4, 1, 2, 3});
  EXPECT_TRUE(throws_with<std::invalid_argument>([&] { Loader l(f32); }, {"loader", "expected images u8 [N, C, H, W]"}));
  Dataset short_labels = d;
  short_labels.labels = zeros({3}, DType::i64);
  EXPECT_TRUE(throws_with<std::invalid_argument>([&] { Loader l(short_labels); }, {"expected labels i64 [N]"}));
  EXPECT_TRUE(throws_with<std::invalid_argument>([&] { Loader l(d, {.batch_size = 0}); }, {"batch_size >= 1"}));
  EXPECT_TRUE(throws_with<std::invalid_argument>([&] { Loader l(d, {.dtype = DType::i64}); }, {"f32 or f64"}));
}

TEST(DataLoader, MovedLoaderKeepsGoing) {
  Loader a(make_dataset(10), {.batch_size = 3, .shuffle = false});
  take(a, 1);
  Loader b = std::move(a);
  EXPECT_EQ(to_vector<int64_t>(b.next().labels), (std::vector<int64_t>{3, 4, 5}));
}

}  // namespace
}  // namespace nabla::data
