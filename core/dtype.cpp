#include "core/dtype.h"

namespace nabla {

size_t itemsize(DType t) {
  switch (t) {
    case DType::f32: return 4;
    case DType::f64: return 8;
    case DType::i64: return 8;
    case DType::u8: return 1;
    case DType::b8: return 1;
    case DType::bf16: return 2;
  }
  return 0;
}

const char* name(DType t) {
  switch (t) {
    case DType::f32: return "f32";
    case DType::f64: return "f64";
    case DType::i64: return "i64";
    case DType::u8: return "u8";
    case DType::b8: return "bool";
    case DType::bf16: return "bf16";
  }
  return "?";
}

void throw_dtype(const char* op, DType got, const char* expected) {
  throw std::invalid_argument(std::string(op) + ": expected " + expected + ", got " + name(got));
}

}  // namespace nabla
