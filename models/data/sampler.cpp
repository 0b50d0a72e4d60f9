#include "models/data/sampler.h"

#include <algorithm>
#include <numeric>

#include <nlohmann/json.hpp>

#include "core/check.h"
#include "core/random.h"
#include "models/io/json_field.h"

namespace nabla::data {

bool operator==(const LoaderState& a, const LoaderState& b) {
  return a.seed == b.seed && a.size == b.size && a.batch_size == b.batch_size && a.shuffle == b.shuffle &&
         a.drop_last == b.drop_last && a.epoch == b.epoch && a.position == b.position &&
         a.shuffle_offset == b.shuffle_offset && a.noise_offset == b.noise_offset;
}

void to_json(nlohmann::json& j, const LoaderState& s) {
  j = {{"seed", s.seed},
       {"size", s.size},
       {"batch_size", s.batch_size},
       {"shuffle", s.shuffle},
       {"drop_last", s.drop_last},
       {"epoch", s.epoch},
       {"position", s.position},
       {"shuffle_offset", s.shuffle_offset},
       {"noise_offset", s.noise_offset}};
}

void from_json(const nlohmann::json& j, LoaderState& s) { s = loader_state_from_json(j); }

LoaderState loader_state_from_json(const nlohmann::json& j, const std::string& prefix) {
  LoaderState s;
  s.seed = io::integer_field<uint64_t>(j, "seed", prefix);
  s.size = io::integer_field<int64_t>(j, "size", prefix, 1);
  s.batch_size = io::integer_field<int64_t>(j, "batch_size", prefix, 1);
  s.shuffle = io::as_bool(io::field(j, "shuffle", prefix), prefix + "shuffle");
  s.drop_last = io::as_bool(io::field(j, "drop_last", prefix), prefix + "drop_last");
  s.epoch = io::integer_field<int64_t>(j, "epoch", prefix, 0);
  s.position = io::integer_field<int64_t>(j, "position", prefix, 0);
  s.shuffle_offset = io::integer_field<uint64_t>(j, "shuffle_offset", prefix);
  s.noise_offset = io::integer_field<uint64_t>(j, "noise_offset", prefix);
  return s;
}

EpochSampler::EpochSampler(const char* op, int64_t size, int64_t batch_size, bool shuffle, bool drop_last,
                           uint64_t seed)
    : op_(op), size_(size), batch_size_(batch_size), shuffle_(shuffle), drop_last_(drop_last), seed_(seed) {
  if (batch_size < 1) throw_invalid(op, "expected batch_size >= 1, got " + std::to_string(batch_size));
  if (size < 1) throw_invalid(op, "no examples to load");
  if (drop_last && size < batch_size)
    throw_invalid(op, "drop_last with " + std::to_string(size) + " examples, fewer than batch_size " +
                          std::to_string(batch_size) + ": every batch would be dropped");
  load_order();
}

int64_t EpochSampler::batches_per_epoch() const {
  return drop_last_ ? size_ / batch_size_ : (size_ + batch_size_ - 1) / batch_size_;
}

void EpochSampler::load_order() {
  order_.resize(static_cast<size_t>(size_));
  std::iota(order_.begin(), order_.end(), int64_t{0});
  if (!shuffle_) return;
  Generator gen(seed_);
  gen.set_offset(state().shuffle_offset);
  const Tensor keys = rand({size_}, DType::f64, &gen);
  const double* k = keys.data<double>();
  std::sort(order_.begin(), order_.end(), [k](int64_t a, int64_t b) { return k[a] < k[b] || (k[a] == k[b] && a < b); });
}

EpochSampler::Step EpochSampler::next() {
  if (position_ + (drop_last_ ? batch_size_ : 1) > size_) {
    ++epoch_;
    position_ = 0;
    load_order();
  }
  const int64_t take = std::min(batch_size_, size_ - position_);
  Step step{{order_.begin() + position_, order_.begin() + position_ + take}, epoch_, position_ / batch_size_};
  position_ += take;
  return step;
}

LoaderState EpochSampler::state() const {
  LoaderState s;
  s.seed = seed_;
  s.size = size_;
  s.batch_size = batch_size_;
  s.shuffle = shuffle_;
  s.drop_last = drop_last_;
  s.epoch = epoch_;
  s.position = position_;
  s.shuffle_offset = shuffle_ ? static_cast<uint64_t>(epoch_) * static_cast<uint64_t>(size_) : 0;
  return s;
}

void EpochSampler::restore(const LoaderState& s) {
  if (s.size != size_)
    throw_invalid(op_, "the state is for " + std::to_string(s.size) + " examples per epoch, this loader has " +
                           std::to_string(size_));
  if (s.batch_size != batch_size_ || s.shuffle != shuffle_ || s.drop_last != drop_last_)
    throw_invalid(op_, "the state is for batch_size " + std::to_string(s.batch_size) + ", shuffle " +
                           (s.shuffle ? "on" : "off") + ", drop_last " + (s.drop_last ? "on" : "off") +
                           "; this loader has batch_size " + std::to_string(batch_size_) + ", shuffle " +
                           (shuffle_ ? "on" : "off") + ", drop_last " + (drop_last_ ? "on" : "off"));
  if (s.epoch < 0 || s.position < 0 || s.position > size_)
    throw_invalid(op_, "state out of range: epoch " + std::to_string(s.epoch) + ", position " +
                           std::to_string(s.position));
  if (shuffle_ && s.shuffle_offset != static_cast<uint64_t>(s.epoch) * static_cast<uint64_t>(size_))
    throw_invalid(op_, "inconsistent state: shuffle_offset " + std::to_string(s.shuffle_offset) + " is not epoch " +
                           std::to_string(s.epoch) + " x size " + std::to_string(size_));
  seed_ = s.seed;
  epoch_ = s.epoch;
  position_ = s.position;
  load_order();
}

}  // namespace nabla::data
