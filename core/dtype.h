#pragma once
// Element types. bf16 (kernels/bf16.h) is a storage type for mixed precision:
// the ops that take it compute in float and round their result to bf16.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "kernels/bf16.h"

namespace nabla {

enum class DType : uint8_t { f32, f64, i64, u8, b8, bf16 };

size_t itemsize(DType t);
const char* name(DType t);
inline bool is_floating(DType t) { return t == DType::f32 || t == DType::f64 || t == DType::bf16; }

template <class T> constexpr DType dtype_of();
template <> constexpr DType dtype_of<float>() { return DType::f32; }
template <> constexpr DType dtype_of<double>() { return DType::f64; }
template <> constexpr DType dtype_of<int64_t>() { return DType::i64; }
template <> constexpr DType dtype_of<uint8_t>() { return DType::u8; }
template <> constexpr DType dtype_of<bool>() { return DType::b8; }
template <> constexpr DType dtype_of<kernels::bf16>() { return DType::bf16; }

// Calls f.template operator()<T>() with T the C++ type of `t`, for the dtypes
// an op accepts; any other dtype gets "<op>: expected <kinds>, got <dtype>".
// Use with a templated lambda: dispatch_float(t, "exp", [&]<class T>() { ... });
[[noreturn]] void throw_dtype(const char* op, DType got, const char* expected);

template <class F>
decltype(auto) dispatch_float(DType t, const char* op, F&& f) {
  switch (t) {
    case DType::f32: return f.template operator()<float>();
    case DType::f64: return f.template operator()<double>();
    default: throw_dtype(op, t, "a floating dtype (f32, f64)");
  }
}

// f32, f64, i64, u8 (the arithmetic dtypes; not bool).
template <class F>
decltype(auto) dispatch_number(DType t, const char* op, F&& f) {
  switch (t) {
    case DType::f32: return f.template operator()<float>();
    case DType::f64: return f.template operator()<double>();
    case DType::i64: return f.template operator()<int64_t>();
    case DType::u8: return f.template operator()<uint8_t>();
    default: throw_dtype(op, t, "a numeric dtype (f32, f64, i64, u8)");
  }
}

// Every CPU dtype, bool included.
template <class F>
decltype(auto) dispatch_all(DType t, const char* op, F&& f) {
  switch (t) {
    case DType::f32: return f.template operator()<float>();
    case DType::f64: return f.template operator()<double>();
    case DType::i64: return f.template operator()<int64_t>();
    case DType::u8: return f.template operator()<uint8_t>();
    case DType::b8: return f.template operator()<bool>();
    default: throw_dtype(op, t, "a CPU dtype (f32, f64, i64, u8, bool)");
  }
}

}  // namespace nabla
