#pragma once
// The random streams of one seed that the GAN trainers keep apart, each a
// Generator(seed ^ stream): parameters, z (and every other draw of a step),
// the 2-D training data, the metrics' samples. A trainer's further streams
// are defined beside it.
#include <cstdint>

namespace nabla::gan {

inline constexpr uint64_t kInitStream = 0x1000;
inline constexpr uint64_t kNoiseStream = 0x2000;
inline constexpr uint64_t kToyDataStream = 0x3000;
inline constexpr uint64_t kEvalStream = 0x4000;

} // namespace nabla::gan
