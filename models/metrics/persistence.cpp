#include "models/metrics/persistence.h"

#include <algorithm>
#include <iterator>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>

namespace nabla::metrics {

namespace {

struct Simplex {
  double value;
  int dim;
  std::array<int64_t, 3> v;  // sorted vertex ids; unused entries -1
};

bool filtration_order(const Simplex& a, const Simplex& b) {
  return std::tie(a.value, a.dim, a.v) < std::tie(b.value, b.dim, b.v);
}

std::vector<Simplex> sorted_simplices(const FilteredComplex& c) {
  std::vector<Simplex> s;
  s.reserve(c.vertices.size() + c.edges.size() + c.triangles.size());
  for (const auto& x : c.vertices) s.push_back({x.value, 0, {x.v, -1, -1}});
  for (const auto& x : c.edges) {
    Simplex e{x.value, 1, {x.v[0], x.v[1], -1}};
    std::sort(e.v.begin(), e.v.begin() + 2);
    s.push_back(e);
  }
  for (const auto& x : c.triangles) {
    Simplex t{x.value, 2, x.v};
    std::sort(t.v.begin(), t.v.end());
    s.push_back(t);
  }
  std::stable_sort(s.begin(), s.end(), filtration_order);
  return s;
}

// Columns of the boundary matrix in filtration order: each the sorted
// positions of the simplex's faces.
std::vector<std::vector<int64_t>> boundary_matrix(const std::vector<Simplex>& s) {
  std::map<std::pair<int64_t, int64_t>, int64_t> position;  // (a, b) of a vertex (b = -1) or an edge
  std::vector<std::vector<int64_t>> columns(s.size());
  auto face = [&](int64_t a, int64_t b, const Simplex& of) {
    const auto it = position.find({a, b});
    if (it == position.end())
      throw std::invalid_argument("persistence_h1: a simplex of value " + std::to_string(of.value) +
                                  " lacks its face (" + std::to_string(a) + (b >= 0 ? ", " + std::to_string(b) : "") +
                                  ") or comes before it");
    return it->second;
  };
  for (int64_t j = 0; j < static_cast<int64_t>(s.size()); ++j) {
    const auto& v = s[j].v;
    if (s[j].dim == 0) {
      position[{v[0], -1}] = j;
    } else if (s[j].dim == 1) {
      columns[j] = {face(v[0], -1, s[j]), face(v[1], -1, s[j])};
      position[{v[0], v[1]}] = j;
    } else {
      columns[j] = {face(v[0], v[1], s[j]), face(v[0], v[2], s[j]), face(v[1], v[2], s[j])};
    }
    std::sort(columns[j].begin(), columns[j].end());
  }
  return columns;
}

// a := a + b over Z/2 (the symmetric difference of two sorted row lists).
void add_column(std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  std::vector<int64_t> out;
  out.reserve(a.size() + b.size());
  std::set_symmetric_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  a.swap(out);
}

}  // namespace

std::vector<Interval> persistence_h1(const FilteredComplex& complex) {
  const std::vector<Simplex> s = sorted_simplices(complex);
  std::vector<std::vector<int64_t>> columns = boundary_matrix(s);
  const int64_t n = static_cast<int64_t>(s.size());
  std::vector<int64_t> owner(n, -1);  // owner[r]: the column whose lowest one is row r
  for (int64_t j = 0; j < n; ++j) {
    std::vector<int64_t>& col = columns[j];
    while (!col.empty() && owner[col.back()] >= 0) add_column(col, columns[owner[col.back()]]);
    if (!col.empty()) owner[col.back()] = j;
  }
  std::vector<Interval> out;
  for (int64_t j = 0; j < n; ++j) {
    if (s[j].dim != 1 || !columns[j].empty()) continue;  // only edges that create a cycle
    const double death = owner[j] >= 0 ? s[owner[j]].value : std::numeric_limits<double>::infinity();
    if (death > s[j].value) out.push_back({s[j].value, death});
  }
  std::sort(out.begin(), out.end(),
            [](const Interval& a, const Interval& b) { return std::tie(a.birth, a.death) < std::tie(b.birth, b.death); });
  return out;
}

}  // namespace nabla::metrics
