#include "models/train/config.h"

#include <cstdint>

namespace nabla::train {

nlohmann::json TrainConfig::to_json() const {
  return {{"model", model},
          {"data", data},
          {"steps", steps},
          {"epochs", epochs},
          {"batch", batch},
          {"lr", lr},
          {"device", device.str()},
          {"seed", seed},
          {"log_every", log_every},
          {"sample_every", sample_every},
          {"checkpoint_every", checkpoint_every},
          {"options", options}};
}

namespace {

int64_t integer_field(const nlohmann::json& j, const char* key, int64_t fallback) {
  if (!j.contains(key)) return fallback;
  const nlohmann::json& v = j.at(key);
  // Not j.value<int64_t>: it casts a double such as 4e52 to int64, which is
  // undefined behaviour (a fuzz finding), and 2.5 to 2 without a word.
  if (v.is_number_unsigned() ? v.get<uint64_t>() > uint64_t{INT64_MAX} : !v.is_number_integer())
    throw std::invalid_argument(std::string("config: ") + key + " must be an integer within int64, got " + v.dump());
  return v.get<int64_t>();
}

uint64_t unsigned_field(const nlohmann::json& j, const char* key, uint64_t fallback) {
  if (!j.contains(key)) return fallback;
  const nlohmann::json& v = j.at(key);
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() == 0))
    throw std::invalid_argument(std::string("config: ") + key + " must be a non-negative integer, got " + v.dump());
  return v.get<uint64_t>();
}

}  // namespace

TrainConfig TrainConfig::from_json(const nlohmann::json& j) {
  TrainConfig c;
  c.model = j.at("model").get<std::string>();
  c.data = j.value("data", "");
  c.steps = integer_field(j, "steps", 0);
  c.epochs = integer_field(j, "epochs", 0);
  c.batch = integer_field(j, "batch", 0);
  c.lr = j.value("lr", 0.0);
  c.device = Device::parse(j.value("device", "cpu"));
  c.seed = unsigned_field(j, "seed", 0);
  c.log_every = integer_field(j, "log_every", 10);
  c.sample_every = integer_field(j, "sample_every", 0);
  c.checkpoint_every = integer_field(j, "checkpoint_every", 0);
  c.options = j.value("options", nlohmann::json::object());
  return c;
}

void TrainConfig::check_options(const std::vector<std::string>& known) const {
  for (const auto& [name, value] : options.items()) {
    bool found = false;
    std::string list;
    for (const std::string& k : known) {
      found = found || k == name;
      list += (list.empty() ? "" : ", ") + k;
    }
    if (!found)
      throw std::invalid_argument(model + ": unknown option \"" + name + "\"" +
                                  (known.empty() ? "; it takes none" : "; its options: " + list));
  }
}

void set_option(TrainConfig& config, const std::string& assignment) {
  const size_t eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw std::invalid_argument("--set expects name=value, got \"" + assignment + "\"");
  const std::string name = assignment.substr(0, eq), text = assignment.substr(eq + 1);
  nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  config.options[name] = value.is_discarded() || value.is_object() || value.is_array() ? nlohmann::json(text) : value;
}

}  // namespace nabla::train
