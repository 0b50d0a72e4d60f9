#pragma once
// Persistent homology over Z/2 of a filtered simplicial complex of dimension
// at most 2 (vertices, edges, triangles), by the standard column reduction
// (Edelsbrunner, Letscher and Zomorodian 2002; Zomorodian and Carlsson 2005):
// the boundary matrix of all simplices sorted by filtration value (then
// dimension, so faces come first) is reduced left to right, adding to column
// j the earlier column whose lowest one sits in the same row, until its
// lowest one is new or the column is empty. A pair (low(j), j) is a class
// born at simplex low(j)'s value and killed at simplex j's; a simplex that
// creates a class (its column reduced to zero) and is never a low is an
// essential class, alive to the end.
#include <array>
#include <cstdint>
#include <vector>

namespace nabla::metrics {

struct Filtered {
  double value = 0;  // filtration value; a simplex's faces must not be larger
};
struct FilteredVertex : Filtered {
  int64_t v = 0;
};
struct FilteredEdge : Filtered {
  std::array<int64_t, 2> v{};  // vertex ids (indices into FilteredComplex::vertices' v)
};
struct FilteredTriangle : Filtered {
  std::array<int64_t, 3> v{};
};

struct FilteredComplex {
  std::vector<FilteredVertex> vertices;
  std::vector<FilteredEdge> edges;
  std::vector<FilteredTriangle> triangles;
};

// A persistence interval [birth, death); death is +infinity for an essential class.
struct Interval {
  double birth = 0, death = 0;
};

// The H1 intervals of the complex, zero-length ones left out, sorted by
// birth then death. Throws std::invalid_argument when a face is missing or
// comes later than its simplex.
std::vector<Interval> persistence_h1(const FilteredComplex& complex);

}  // namespace nabla::metrics
