// TensorLoader (loader.h): batches of rows of in-memory tensors.
#include <algorithm>

#include "core/check.h"
#include "core/copy.h"
#include "core/factory.h"
#include "core/index.h"
#include "models/data/loader.h"
#include "models/data/prefetch.h"

namespace nabla::data {
namespace {

constexpr const char* kOp = "tensor_loader";

int64_t common_rows(const std::vector<Tensor>& ts) {
  if (ts.empty()) throw_invalid(kOp, "expected at least one tensor");
  for (const Tensor& t : ts) {
    check_defined(kOp, t);
    require_cpu(kOp, {t});
    if (t.dim() < 1) throw_invalid(kOp, "expected tensors with a first dim, got " + describe(t));
    if (t.size(0) != ts[0].size(0))
      throw_invalid(kOp, "expected tensors of one first size, got " + describe(ts[0]) + " and " + describe(t));
  }
  return ts[0].size(0);
}

}  // namespace

struct TensorLoader::Impl {
  struct Made {
    TensorBatch batch;
    LoaderState state;
  };

  Impl(std::vector<Tensor> ts, const TensorLoaderOptions& o)
      : tensors(std::move(ts)),
        background(o.prefetch),
        sampler(kOp, common_rows(tensors), o.batch_size, o.shuffle, o.drop_last, o.seed),
        delivered(sampler.state()) {
    start();
  }

  void start() {
    prefetch = std::make_unique<Prefetcher<Made>>([this] { return make(); }, background);
  }

  Made make() {
    EpochSampler::Step step = sampler.next();
    const Tensor index = tensor<int64_t>(step.indices);
    Made m;
    m.batch.epoch = step.epoch;
    m.batch.index = step.batch;
    for (const Tensor& t : tensors) m.batch.tensors.push_back(prim::index_select(t, 0, index));
    m.state = sampler.state();
    return m;
  }

  std::vector<Tensor> tensors;
  bool background;
  EpochSampler sampler;
  LoaderState delivered;
  std::unique_ptr<Prefetcher<Made>> prefetch;  // last: stopped first
};

TensorLoader::TensorLoader(std::vector<Tensor> tensors, TensorLoaderOptions options)
    : impl_(std::make_unique<Impl>(std::move(tensors), options)) {}
TensorLoader::~TensorLoader() = default;
TensorLoader::TensorLoader(TensorLoader&&) noexcept = default;
TensorLoader& TensorLoader::operator=(TensorLoader&&) noexcept = default;

TensorBatch TensorLoader::next() {
  Impl::Made m = impl_->prefetch->next();
  impl_->delivered = m.state;
  return std::move(m.batch);
}

int64_t TensorLoader::size() const { return impl_->sampler.size(); }
int64_t TensorLoader::batches_per_epoch() const { return impl_->sampler.batches_per_epoch(); }
LoaderState TensorLoader::state() const { return impl_->delivered; }

void TensorLoader::restore(const LoaderState& state) {
  impl_->prefetch.reset();
  try {
    impl_->sampler.restore(state);
  } catch (...) {
    impl_->sampler.restore(impl_->delivered);
    impl_->start();
    throw;
  }
  impl_->delivered = state;
  impl_->start();
}

}  // namespace nabla::data
