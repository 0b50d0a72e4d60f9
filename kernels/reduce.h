#pragma once
// Reduction kernels. The front-end permutes the input so that the reduced
// dims come last: `in` has out.ndim kept dims followed by the reduced dims,
// and out[i] = reduce over in[i, ...]. Accumulation is serial per output
// element (deterministic); outputs are split across threads. When there are
// few outputs and many reduced elements, each output's range is cut into
// fixed-size chunks that threads reduce in parallel, and the partials are
// combined in chunk order: the result never depends on the thread count.
#include <cstdint>

#include "kernels/view.h"

namespace nabla::kernels {

// sum, prod: over every element (an empty range gives 0 and 1).
// max, min: NaN propagates (the first NaN wins).
// logsumexp: log sum exp, shifted by the max; an all -inf range gives -inf.
// norm: (sum |x|^p)^(1/p) with ReduceArgs::p > 0; p = inf gives max |x|.
// var: sum (x - mean)^2 / (n - correction), by the corrected two-pass
//      algorithm (Chan, Golub & LeVeque 1983, eq. 1.7).
enum class Reduce { sum, prod, max, min, logsumexp, norm, var };

struct ReduceArgs {
  double p = 2;           // norm's order
  double correction = 1;  // var's correction (Bessel's when 1)
};

const char* name(Reduce op);

namespace cpu {
// Floating T takes every op; int64_t takes sum, prod, max and min.
template <class T>
void reduce(Reduce op, View<T> out, View<const T> in, ReduceArgs args = {});
// op is max or min: value[i] = the extremum of in[i, ...] and index[i] the
// position of its first occurrence, counted row-major over the reduced dims
// (NaN counts as the extremum, as in max). The range must not be empty.
template <class T>
void arg_reduce(Reduce op, View<int64_t> index, View<T> value, View<const T> in);
}  // namespace cpu

}  // namespace nabla::kernels
