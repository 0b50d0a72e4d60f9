#pragma once
// The order in which a loader visits its examples: epochs of batches, each
// epoch a fresh permutation, reproducible from a small state.
//
// Epoch e's permutation sorts random keys (Philox f64 uniforms drawn from
// Generator(seed) at offset shuffle_offset = e * size), ties broken by index.
// So the permutation depends only on (seed, epoch), and a loader restored
// from a LoaderState sees exactly the batches an uninterrupted one would.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace nabla::data {

struct LoaderState {
  uint64_t seed = 0;
  int64_t size = 0;             // examples per epoch: a state fits only a loader over as many
  int64_t batch_size = 0;       // these three must match the restoring loader's options
  bool shuffle = true;
  bool drop_last = false;
  int64_t epoch = 0;            // the epoch of the last batch delivered
  int64_t position = 0;         // examples of that epoch delivered so far
  uint64_t shuffle_offset = 0;  // Philox offset of this epoch's permutation keys
  uint64_t noise_offset = 0;    // Philox offset of the next dequantization draw (image loader)
};
bool operator==(const LoaderState& a, const LoaderState& b);
// For checkpoints: nlohmann::json j = state; state = j.get<LoaderState>().
void to_json(nlohmann::json& j, const LoaderState& s);
void from_json(const nlohmann::json& j, LoaderState& s);
// Checked: a missing field, a wrong type, a fraction, a negative count or an
// integer out of its type's range throws std::invalid_argument naming
// `prefix`field ("loader.epoch").
LoaderState loader_state_from_json(const nlohmann::json& j, const std::string& prefix = "");

class EpochSampler {
 public:
  // Throws std::invalid_argument (naming `op`) for size < 1, batch_size < 1,
  // or drop_last with fewer examples than one batch.
  EpochSampler(const char* op, int64_t size, int64_t batch_size, bool shuffle, bool drop_last, uint64_t seed);

  struct Step {
    std::vector<int64_t> indices;  // positions in [0, size)
    int64_t epoch;
    int64_t batch;                 // index of the batch in its epoch
  };
  // The next batch, starting a new epoch when the current one is spent: when
  // no example is left, or (drop_last) fewer than batch_size.
  Step next();

  int64_t size() const { return size_; }
  int64_t batch_size() const { return batch_size_; }
  int64_t batches_per_epoch() const;
  // noise_offset is left 0 (the image loader fills it in).
  LoaderState state() const;
  // Throws std::invalid_argument when the state is for another size, batch
  // size, shuffle or drop_last, or is out of range.
  void restore(const LoaderState& state);

 private:
  void load_order();

  const char* op_;
  int64_t size_, batch_size_;
  bool shuffle_, drop_last_;
  uint64_t seed_;
  int64_t epoch_ = 0, position_ = 0;
  std::vector<int64_t> order_;  // epoch_'s permutation
};

}  // namespace nabla::data
