#pragma once
// The 2-D Gaussian mixtures of the mode-collapse literature as GAN training
// data (`--set data=ring8|grid25`), their quality metrics, and the scatter
// plot a 2-D run draws instead of an image grid.
#include <cstdint>
#include <string>

#include "core/tensor.h"
#include "models/io/canvas.h"

namespace nabla::gan {

// A training set of points f32 [n, 2] with its mixture's centres f32 [k, 2]
// and per-component std.
struct ToySet {
  std::string name;
  Tensor points;
  Tensor centres;
  double std = 0;
  double extent = 0;  // the scatter plot shows [-extent, extent]^2
};

// True for "ring8" and "grid25".
bool is_toy_set(const std::string& name);
// "ring8": data::ring_gaussians (8 modes, radius 2, std 0.02); "grid25":
// data::grid_gaussians (25 modes at {-4, ..., 4}^2, std 0.05); n points drawn
// from `seed`; `labels` (if not null) gets each point's mode index [n].
// Throws std::invalid_argument naming `who` for other names.
ToySet make_toy_set(const std::string& name, int64_t n, uint64_t seed, const std::string& who,
                    Tensor* labels = nullptr);

// A generated point belongs to its nearest centre when it lies within 3 std
// of it (a "high-quality" sample, VEEGAN, Srivastava et al. 2017); a mode is
// covered when at least one and at least min_share of the points belong to it (PacGAN, Lin et
// al. 2018, sec. 5.1, counts a mode with 20 of 2500 samples: 0.8%).
struct ModeStats {
  int64_t modes_covered = 0;
  int64_t modes = 0;
  double high_quality = 0;  // share of points within 3 std of some centre
  double mean_distance = 0; // mean distance of a point to its nearest centre
};
inline constexpr double kCoveredShare = 20.0 / 2500.0;
ModeStats mode_stats(const Tensor& points, const Tensor& centres, double std, double min_share = kCoveredShare);

// White canvas of `size` pixels square over [-extent, extent]^2: each
// centre's 3-std circle in orange, the points as blue dots, and a title
// line with the mode statistics.
io::Canvas scatter_plot(const Tensor& points, const ToySet& set, int size = 480);

}  // namespace nabla::gan
