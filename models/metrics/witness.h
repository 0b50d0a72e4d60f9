#pragma once
// The (weak, relaxed) witness complex of de Silva and Carlsson (2004) on a
// witness-to-landmark distance table, up to dimension 2, as the Geometry
// Score uses it (Khrulkov and Oseledets 2018, sec. 3; GUDHI's
// Witness_complex on a nearest-landmark table).
//
// For a witness w let d_0(w) <= d_1(w) <= ... be its distances to the
// landmarks, sorted. w witnesses a k-simplex s (k + 1 landmarks) at
//
//   a_w(s) = max(0, max_{l in s} d(w, l) - d_k(w)),
//
// i.e. s's landmarks are among w's nearest up to a relaxation a. A simplex
// enters the filtration at the smallest a over witnesses, lowered to its
// cofaces' values so that faces come first; only simplices with a <=
// alpha_max are kept.
#include <cstdint>
#include <vector>

#include "models/metrics/persistence.h"

namespace nabla::metrics {

// distances: row-major [witnesses, landmarks], non-negative. Vertices are
// the landmark indices 0 .. landmarks-1 (those no witness reaches within
// alpha_max are left out). Throws std::invalid_argument on a bad shape.
FilteredComplex witness_complex(const std::vector<double>& distances, int64_t witnesses, int64_t landmarks,
                                double alpha_max);

}  // namespace nabla::metrics
