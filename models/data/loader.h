#pragma once
// Mini-batch loaders: shuffled epochs (see sampler.h), batching, optional
// background prefetch of the next batch, and a state that a checkpoint can
// save so that a resumed run sees exactly the batches an uninterrupted one
// would.
//
// next() is an endless stream: after the last batch of an epoch comes the
// first of the next one; each Batch says its epoch and its index in it.
#include <cstdint>
#include <memory>
#include <vector>

#include "core/tensor.h"
#include "models/data/mnist.h"
#include "models/data/sampler.h"

namespace nabla::data {

// Pixel scaling of u8 images. Without dequantization, unit is p / 255 in
// [0, 1] and symmetric is p / 127.5 - 1 in [-1, 1]. With dequantization
// (uniform noise for flows, Theis et al. 2016 sec. 3.1), unit is
// (p + u) / 256 in [0, 1) with u ~ U[0, 1), and symmetric is 2 (p + u) / 256 - 1.
enum class PixelRange { unit, symmetric };

struct LoaderOptions {
  int64_t batch_size = 64;
  bool shuffle = true;
  bool drop_last = false;  // drop an epoch's last, smaller batch
  uint64_t seed = 0;       // the shuffle stream; the noise stream's seed is derived from it
  PixelRange range = PixelRange::symmetric;
  bool dequantize = false;
  std::vector<int64_t> classes = {};  // keep only examples with these labels (empty: all); labels are not renumbered
  bool prefetch = true;          // make the next batch on a background thread
  DType dtype = DType::f32;      // of the images (f32 or f64)
};

struct Batch {
  Tensor images;  // dtype [B, C, H, W]
  Tensor labels;  // i64 [B]
  int64_t epoch = 0;
  int64_t index = 0;  // of the batch in its epoch
};

// Over a Dataset (images u8 [N, C, H, W], labels i64 [N]).
class Loader {
 public:
  // Throws std::invalid_argument ("loader: ...") for a malformed dataset, bad
  // options, or a class filter that keeps nothing.
  explicit Loader(const Dataset& data, LoaderOptions options = {});
  ~Loader();
  Loader(Loader&&) noexcept;
  Loader& operator=(Loader&&) noexcept;

  // Rethrows an error raised while making a batch in the background.
  Batch next();
  int64_t size() const;  // examples per epoch, after class filtering
  int64_t batches_per_epoch() const;
  // The state after the last batch next() returned (whatever was prefetched).
  LoaderState state() const;
  // Continue as a loader that had reached `state`; throws std::invalid_argument
  // for a state of another size or out of range.
  void restore(const LoaderState& state);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct TensorLoaderOptions {
  int64_t batch_size = 64;
  bool shuffle = true;
  bool drop_last = false;
  uint64_t seed = 0;
  bool prefetch = false;  // in-memory batches are cheap
};

struct TensorBatch {
  std::vector<Tensor> tensors;  // rows of each input, same order
  int64_t epoch = 0;
  int64_t index = 0;
};

// Over in-memory tensors (e.g. 2-D points and their labels) that share their
// first size: batches of rows, contiguous, of each tensor's dtype.
class TensorLoader {
 public:
  explicit TensorLoader(std::vector<Tensor> tensors, TensorLoaderOptions options = {});
  ~TensorLoader();
  TensorLoader(TensorLoader&&) noexcept;
  TensorLoader& operator=(TensorLoader&&) noexcept;

  TensorBatch next();
  int64_t size() const;
  int64_t batches_per_epoch() const;
  LoaderState state() const;
  void restore(const LoaderState& state);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nabla::data
