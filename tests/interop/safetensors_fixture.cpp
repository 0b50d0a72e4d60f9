// Writes the files the Python interop test reads:
//   <dir>/nabla.safetensors  tensors of every dtype, via save_safetensors
//   <dir>/expected.json      {"metadata": {...}, "tensors": {name: {"dtype",
//                            "shape", "values"}}}, values flat and row-major;
//                            non-finite floats as "nan", "inf", "-inf"
// Usage: safetensors_fixture <dir>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/factory.h"
#include "core/serialize.h"
#include "core/views.h"

namespace nabla {
namespace {

using json = nlohmann::json;

json number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

double bf16_value(uint16_t bits) {
  const uint32_t b = uint32_t{bits} << 16;
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}

json values_of(const Tensor& t) {
  json out = json::array();
  switch (t.dtype()) {
    case DType::f32:
      for (float v : to_vector<float>(t)) out.push_back(number(v));
      break;
    case DType::f64:
      for (double v : to_vector<double>(t)) out.push_back(number(v));
      break;
    case DType::i64:
      for (int64_t v : to_vector<int64_t>(t)) out.push_back(v);
      break;
    case DType::u8:
      for (uint8_t v : to_vector<uint8_t>(t)) out.push_back(v);
      break;
    case DType::b8:
      for (bool v : to_vector<bool>(t)) out.push_back(v);
      break;
    case DType::bf16: {  // contiguous by construction below
      const auto* p = static_cast<const uint16_t*>(t.data_ptr());
      for (int64_t i = 0; i < t.numel(); ++i) out.push_back(number(bf16_value(p[i])));
      break;
    }
  }
  return out;
}

NamedTensors fixture_tensors() {
  const float inf = std::numeric_limits<float>::infinity();
  Tensor bf16 = make_tensor({2, 2}, DType::bf16, Device::cpu());
  const uint16_t bf16_bits[] = {0x3f80, 0xc0a0, 0x8000, 0x7f80};  // 1, -5, -0, inf
  std::memcpy(bf16.data_ptr(), bf16_bits, sizeof bf16_bits);
  const Tensor m = tensor<float>({1, 2, 3, 4, 5, 6}, {2, 3});
  return {
      {"f32", tensor<float>({1.5f, -0.0f, 1e-45f, 3.4e38f, inf, std::nanf("")}, {2, 3})},
      {"f64", tensor<double>({1.0 / 3, -1e300, 5e-324}, {3})},
      {"i64", tensor<int64_t>({-1, int64_t{1} << 62, std::numeric_limits<int64_t>::min(), 7}, {2, 2})},
      {"u8", tensor<uint8_t>({0, 1, 128, 255}, {4})},
      {"bool", tensor<bool>({true, false, true}, {3})},
      {"bf16", bf16},
      {"net.0.weight", prim::transpose(m, 0, 1)},  // strided: saved row-major as [3, 2]
      {"scalar", scalar(2.5, DType::f64)},
      {"empty", zeros({0, 3})},
  };
}

}  // namespace
}  // namespace nabla

int main(int argc, char** argv) {
  using namespace nabla;
  if (argc != 2) {
    std::cerr << "usage: safetensors_fixture <dir>\n";
    return 2;
  }
  try {
    const std::filesystem::path dir = argv[1];
    std::filesystem::create_directories(dir);
    const NamedTensors tensors = fixture_tensors();
    const std::map<std::string, std::string> metadata = {{"format", "pt"}, {"step", "1200"}};
    save_safetensors((dir / "nabla.safetensors").string(), tensors, metadata);
    json expected = {{"metadata", metadata}, {"tensors", json::object()}};
    for (const auto& [name, t] : tensors)
      expected["tensors"][name] = {{"dtype", safetensors_dtype(t.dtype())}, {"shape", t.shape()}, {"values", values_of(t)}};
    write_file_atomic((dir / "expected.json").string(), expected.dump(1) + "\n");
  } catch (const std::exception& e) {
    std::cerr << "safetensors_fixture: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
