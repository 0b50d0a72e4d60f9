#include "models/data/loader.h"

#include <algorithm>
#include <cmath>

#include "core/check.h"
#include "core/copy.h"
#include "core/random.h"
#include "models/data/prefetch.h"

namespace nabla::data {
namespace {

constexpr const char* kOp = "loader";

// SplitMix64's finaliser (Steele et al. 2014): the noise stream's seed, so
// that it shares no Philox blocks with the shuffle stream of the same seed.
uint64_t derive_seed(uint64_t seed) {
  uint64_t z = seed + 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

void check_dataset(const Dataset& d) {
  if (!d.images.defined() || !d.labels.defined()) throw_invalid(kOp, "the dataset has no images or no labels");
  require_cpu(kOp, {d.images, d.labels});
  if (d.images.dtype() != DType::u8 || d.images.dim() != 4)
    throw_invalid(kOp, "expected images u8 [N, C, H, W], got " + describe(d.images));
  if (d.labels.dtype() != DType::i64 || d.labels.dim() != 1 || d.labels.size(0) != d.images.size(0))
    throw_invalid(kOp, "expected labels i64 [N] for images " + describe(d.images) + ", got " + describe(d.labels));
}

// Rows whose label is in `classes` (all rows when empty).
std::vector<int64_t> kept_rows(const Tensor& labels, const std::vector<int64_t>& classes) {
  const int64_t* l = labels.data<int64_t>();
  std::vector<int64_t> rows;
  for (int64_t i = 0; i < labels.size(0); ++i)
    if (classes.empty() || std::find(classes.begin(), classes.end(), l[i]) != classes.end()) rows.push_back(i);
  if (rows.empty() && labels.size(0) > 0) {
    std::string list;
    for (int64_t c : classes) list += (list.empty() ? "" : ", ") + std::to_string(c);
    throw_invalid(kOp, "no example has a label in {" + list + "}");
  }
  return rows;
}

// out[b, k] = the scaled pixel k of image rows[b]; see PixelRange.
template <class T>
void scale_pixels(const uint8_t* src, int64_t per, const std::vector<int64_t>& rows, const T* noise,
                  PixelRange range, T* out) {
  const T below_one = std::nextafter(T(1), T(0));
  const bool symmetric = range == PixelRange::symmetric;
  for (size_t b = 0; b < rows.size(); ++b) {
    const uint8_t* s = src + rows[b] * per;
    T* o = out + static_cast<int64_t>(b) * per;
    const T* u = noise ? noise + static_cast<int64_t>(b) * per : nullptr;
    for (int64_t k = 0; k < per; ++k) {
      const double p = s[k];
      if (!u) {
        o[k] = static_cast<T>(symmetric ? p / 127.5 - 1 : p / 255);
      } else {  // keep the open upper end that rounding to T could close
        const double v = (p + static_cast<double>(u[k])) / 256;
        o[k] = std::min(static_cast<T>(symmetric ? 2 * v - 1 : v), below_one);
      }
    }
  }
}

}  // namespace

struct Loader::Impl {
  struct Made {
    Batch batch;
    LoaderState state;
  };

  Impl(const Dataset& d, LoaderOptions options)
      : images(prim::contiguous(d.images)),
        labels(prim::contiguous(d.labels)),
        o(std::move(options)),
        rows(kept_rows(labels, o.classes)),
        sampler(kOp, static_cast<int64_t>(rows.size()), o.batch_size, o.shuffle, o.drop_last, o.seed),
        delivered(sampler.state()) {
    if (o.dtype != DType::f32 && o.dtype != DType::f64)
      throw_invalid(kOp, std::string("expected images of dtype f32 or f64, got ") + name(o.dtype));
    start();
  }

  void start() {
    prefetch = std::make_unique<Prefetcher<Made>>([this] { return make(); }, o.prefetch);
  }

  Made make() {
    EpochSampler::Step step = sampler.next();
    std::vector<int64_t> picked(step.indices.size());
    for (size_t i = 0; i < picked.size(); ++i) picked[i] = rows[static_cast<size_t>(step.indices[i])];
    const int64_t n = static_cast<int64_t>(picked.size());
    const int64_t per = images.size(1) * images.size(2) * images.size(3);
    const Shape shape{n, images.size(1), images.size(2), images.size(3)};

    Made m;
    m.batch.epoch = step.epoch;
    m.batch.index = step.batch;
    m.batch.images = empty(shape, o.dtype);
    Tensor noise;
    if (o.dequantize) {
      Generator gen(derive_seed(sampler.state().seed));
      gen.set_offset(noise_offset);
      noise = rand(shape, o.dtype, &gen);
      noise_offset = gen.offset();
    }
    dispatch_float(o.dtype, kOp, [&]<class T>() {
      scale_pixels<T>(images.data<uint8_t>(), per, picked, noise.defined() ? noise.data<T>() : nullptr, o.range,
                      m.batch.images.data<T>());
    });
    m.batch.labels = empty({n}, DType::i64);
    const int64_t* l = labels.data<int64_t>();
    int64_t* out = m.batch.labels.data<int64_t>();
    for (size_t i = 0; i < picked.size(); ++i) out[i] = l[picked[i]];
    m.state = sampler.state();
    m.state.noise_offset = noise_offset;
    return m;
  }

  Tensor images, labels;
  LoaderOptions o;
  std::vector<int64_t> rows;  // the rows the class filter keeps
  EpochSampler sampler;       // used by the producer only
  uint64_t noise_offset = 0;  // producer's
  LoaderState delivered;      // after the last batch next() returned
  std::unique_ptr<Prefetcher<Made>> prefetch;  // last: stopped first
};

Loader::Loader(const Dataset& data, LoaderOptions options) {
  check_dataset(data);
  impl_ = std::make_unique<Impl>(data, std::move(options));
}
Loader::~Loader() = default;
Loader::Loader(Loader&&) noexcept = default;
Loader& Loader::operator=(Loader&&) noexcept = default;

Batch Loader::next() {
  Impl::Made m = impl_->prefetch->next();
  impl_->delivered = m.state;
  return std::move(m.batch);
}

int64_t Loader::size() const { return impl_->sampler.size(); }
int64_t Loader::batches_per_epoch() const { return impl_->sampler.batches_per_epoch(); }
LoaderState Loader::state() const { return impl_->delivered; }

void Loader::restore(const LoaderState& state) {
  impl_->prefetch.reset();  // the producer must be idle while its state changes
  try {
    impl_->sampler.restore(state);
  } catch (...) {
    impl_->sampler.restore(impl_->delivered);
    impl_->noise_offset = impl_->delivered.noise_offset;
    impl_->start();
    throw;
  }
  impl_->noise_offset = state.noise_offset;
  impl_->delivered = state;
  impl_->start();
}

}  // namespace nabla::data
