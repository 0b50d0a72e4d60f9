#pragma once
// Safetensors files (https://github.com/huggingface/safetensors): an 8-byte
// little-endian header length N, N bytes of JSON
//   {"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]},
//    ..., "__metadata__": {"key": "value"}}
// then the data buffer (offsets relative to its start, row-major, little-endian).
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/tensor.h"

namespace nabla {

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

struct Safetensors {
  NamedTensors tensors;  // in data-buffer order (the order they were saved in)
  std::map<std::string, std::string> metadata;

  // The tensor called `name`, or nullptr.
  const Tensor* find(const std::string& name) const;
  // The tensor called `name`; throws std::out_of_range naming it otherwise.
  const Tensor& at(const std::string& name) const;
};

// Writes atomically (core/atomic_file.h). Any device, dtype and strides;
// names must be unique, non-empty and not "__metadata__".
void save_safetensors(const std::string& path, const NamedTensors& tensors,
                      const std::map<std::string, std::string>& metadata = {});

// Reads CPU tensors, validating everything against the file size; a bad file
// throws std::runtime_error "<path>: <what is wrong> [at byte <offset>]".
Safetensors load_safetensors(const std::string& path);

// Safetensors dtype names ("F32", "F64", "I64", "U8", "BOOL", "BF16").
const char* safetensors_dtype(DType t);

}  // namespace nabla
