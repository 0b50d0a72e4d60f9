#pragma once
// Checked reads of the values a checkpoint or a JSON config holds.
//
// nlohmann's get<int64_t>() casts a double to the integer (4e52: undefined
// behaviour; 2.5: 2 without a word) and wraps an unsigned past INT64_MAX or a
// negative number into uint64_t. These refuse such values with a
// std::invalid_argument naming the value ("loader.epoch") and what was
// expected; the caller that knows the file adds its name (load_checkpoint,
// train::restore).
#include <concepts>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

namespace nabla::io {

// "within int64", "within uint64 (non-negative)", "in [lo, hi]".
std::string integer_range(int64_t lo, int64_t hi);
std::string integer_range(uint64_t lo, uint64_t hi);

[[noreturn]] void throw_bad_value(const std::string& what, const std::string& expected, const nlohmann::json& got);

// v as a T in [lo, hi]: a JSON integer (no fraction, no exponent form that
// parsed as a double) of that range, else std::invalid_argument.
template <std::integral T>
T as_integer(const nlohmann::json& v, const std::string& what, T lo = std::numeric_limits<T>::min(),
             T hi = std::numeric_limits<T>::max()) {
  static_assert(!std::same_as<T, bool>, "use as_bool");
  using Wide = std::conditional_t<std::is_signed_v<T>, int64_t, uint64_t>;
  const auto in = [&](auto x) { return std::in_range<T>(x) && static_cast<T>(x) >= lo && static_cast<T>(x) <= hi; };
  const bool ok = v.is_number_unsigned() ? in(v.get<uint64_t>()) : v.is_number_integer() && in(v.get<int64_t>());
  if (!ok) throw_bad_value(what, "an integer " + integer_range(Wide{lo}, Wide{hi}), v);
  return v.is_number_unsigned() ? static_cast<T>(v.get<uint64_t>()) : static_cast<T>(v.get<int64_t>());
}

double as_number(const nlohmann::json& v, const std::string& what);
bool as_bool(const nlohmann::json& v, const std::string& what);
std::string as_string(const nlohmann::json& v, const std::string& what);

// object[key]; std::invalid_argument naming `prefix`key when `object` is not
// an object or has no such entry. `prefix` is "" or ends with a separator
// ("loader.", "config: ").
const nlohmann::json& field(const nlohmann::json& object, const std::string& key, const std::string& prefix = "");

template <std::integral T>
T integer_field(const nlohmann::json& object, const std::string& key, const std::string& prefix = "",
                T lo = std::numeric_limits<T>::min(), T hi = std::numeric_limits<T>::max()) {
  return as_integer<T>(field(object, key, prefix), prefix + key, lo, hi);
}

}  // namespace nabla::io
