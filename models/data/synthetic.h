#pragma once
// Synthetic 2-D data sets for GAN mode-collapse experiments and flow
// sanity checks. Every set draws from the given Generator (the default one
// when null), so the same seed gives the same points; points are f32 [n, 2].
//
// Defaults follow the papers that made these sets standard:
// - ring: 8 Gaussians on a circle of radius 2, std 0.02 (Metz et al. 2017,
//   "Unrolled GANs", sec. 3.1; VEEGAN, Srivastava et al. 2017, uses the same
//   ring);
// - grid: 25 Gaussians centred at {-4, -2, 0, 2, 4}^2, std 0.05 (VEEGAN;
//   PacGAN, Lin et al. 2018);
// - Swiss roll: sklearn's make_swiss_roll projected to its (x, z) plane,
//   t ~ 1.5 pi (1 + 2 U), point = scale (t cos t, t sin t) + scale noise N(0, I),
//   with noise 0.25 and scale 0.2 so the roll spans about [-2.9, 2.9];
// - two moons: sklearn's make_moons with uniform random angles, noise 0.1;
// - circles: sklearn's make_circles (radii 1 and factor 0.5), uniform
//   random angles, noise 0.05.
// Mixture components are chosen uniformly at random per point; moons and
// circles alternate their two classes (label i % 2), so each gets n/2.
#include <cstdint>

#include "core/random.h"

namespace nabla::data {

// A Gaussian mixture sample: the points, the component each came from
// (i64 [n]) and the component centres (f32 [k, 2]), which "modes covered"
// metrics compare generated samples against.
struct Mixture {
  Tensor points;
  Tensor modes;
  Tensor centres;
};

// Points with a class label (i64 [n]).
struct Labelled {
  Tensor points;
  Tensor labels;
};

struct RingOptions {
  int64_t modes = 8;
  double radius = 2.0;
  double std = 0.02;
};
// Centre k at radius (cos 2 pi k / modes, sin 2 pi k / modes).
Tensor ring_centres(const RingOptions& options = {});
Mixture ring_gaussians(int64_t n, Generator* gen = nullptr, const RingOptions& options = {});

struct GridOptions {
  int64_t side = 5;       // side x side modes
  double spacing = 2.0;   // centres at spacing (i - (side - 1) / 2)
  double std = 0.05;
};
// Centre i * side + j at (c_i, c_j).
Tensor grid_centres(const GridOptions& options = {});
Mixture grid_gaussians(int64_t n, Generator* gen = nullptr, const GridOptions& options = {});

struct SwissRollOptions {
  double noise = 0.25;  // std of the Gaussian noise, before scaling
  double scale = 0.2;
};
Tensor swiss_roll(int64_t n, Generator* gen = nullptr, const SwissRollOptions& options = {});

struct MoonsOptions {
  double noise = 0.1;
};
// Label 0: the upper moon (cos a, sin a); label 1: the lower one
// (1 - cos a, 0.5 - sin a); a ~ U[0, pi).
Labelled two_moons(int64_t n, Generator* gen = nullptr, const MoonsOptions& options = {});

struct CirclesOptions {
  double factor = 0.5;  // inner radius / outer radius (outer radius 1)
  double noise = 0.05;
};
// Label 0: the outer circle, label 1: the inner one.
Labelled circles(int64_t n, Generator* gen = nullptr, const CirclesOptions& options = {});

}  // namespace nabla::data
