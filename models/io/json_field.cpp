#include "models/io/json_field.h"

#include <stdexcept>

namespace nabla::io {

namespace {
// A value as the message shows it: a whole object could be long.
std::string shown(const nlohmann::json& v) {
  const std::string text = v.dump();
  return text.size() <= 80 ? text : text.substr(0, 77) + "...";
}
}  // namespace

std::string integer_range(int64_t lo, int64_t hi) {
  if (lo == std::numeric_limits<int64_t>::min() && hi == std::numeric_limits<int64_t>::max()) return "within int64";
  if (lo == 0 && hi == std::numeric_limits<int64_t>::max()) return "within int64, non-negative";
  return "in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
}

std::string integer_range(uint64_t lo, uint64_t hi) {
  if (lo == 0 && hi == std::numeric_limits<uint64_t>::max()) return "within uint64 (non-negative)";
  return "in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
}

void throw_bad_value(const std::string& what, const std::string& expected, const nlohmann::json& got) {
  throw std::invalid_argument(what + " must be " + expected + ", got " + shown(got));
}

double as_number(const nlohmann::json& v, const std::string& what) {
  if (!v.is_number()) throw_bad_value(what, "a number", v);
  return v.get<double>();
}

bool as_bool(const nlohmann::json& v, const std::string& what) {
  if (!v.is_boolean()) throw_bad_value(what, "true or false", v);
  return v.get<bool>();
}

std::string as_string(const nlohmann::json& v, const std::string& what) {
  if (!v.is_string()) throw_bad_value(what, "a string", v);
  return v.get<std::string>();
}

const nlohmann::json& field(const nlohmann::json& object, const std::string& key, const std::string& prefix) {
  if (!object.is_object()) {
    const size_t end = prefix.find_last_not_of(".: ");
    const std::string owner = end == std::string::npos ? "the state" : prefix.substr(0, end + 1);
    throw std::invalid_argument(owner + " must be a JSON object holding \"" + key + "\", got " + shown(object));
  }
  const auto it = object.find(key);
  if (it == object.end()) throw std::invalid_argument(prefix + key + " is missing");
  return *it;
}

}  // namespace nabla::io
