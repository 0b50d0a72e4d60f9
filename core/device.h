#pragma once
// Where a tensor's storage lives: the CPU or CUDA device N.
#include <string>

namespace nabla {

struct Device {
  enum class Type { cpu, cuda };
  Type type = Type::cpu;
  int index = 0;

  static Device cpu() { return {}; }
  static Device cuda(int index = 0) { return {Type::cuda, index}; }
  // "cpu", "cuda", "cuda:1"; anything else throws.
  static Device parse(const std::string& text);

  bool is_cpu() const { return type == Type::cpu; }
  bool is_cuda() const { return type == Type::cuda; }
  std::string str() const;
  bool operator==(const Device&) const = default;
};

// CUDA devices this process can use (0 without a driver or without CUDA).
int cuda_device_count();

}  // namespace nabla
