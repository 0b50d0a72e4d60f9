#include "models/train/config.h"

#include <cstdint>

#include "models/io/json_field.h"

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
          {"precision", precision},
          {"loss_scale", loss_scale},
          {"options", options}};
}

namespace {

// Not j.value<int64_t>: it casts a double such as 4e52 to int64, which is
// undefined behaviour (a fuzz finding), and 2.5 to 2 without a word.
template <class T>
T integer_field(const nlohmann::json& j, const char* key, T fallback) {
  return j.contains(key) ? io::as_integer<T>(j.at(key), std::string("config: ") + key) : fallback;
}

}  // namespace

TrainConfig TrainConfig::from_json(const nlohmann::json& j) {
  TrainConfig c;
  if (!j.is_object()) io::throw_bad_value("config", "a JSON object", j);
  c.model = io::as_string(io::field(j, "model", "config: "), "config: model");
  c.data = j.contains("data") ? io::as_string(j.at("data"), "config: data") : "";
  c.steps = integer_field<int64_t>(j, "steps", 0);
  c.epochs = integer_field<int64_t>(j, "epochs", 0);
  c.batch = integer_field<int64_t>(j, "batch", 0);
  c.lr = j.contains("lr") ? io::as_number(j.at("lr"), "config: lr") : 0.0;
  c.device = Device::parse(j.contains("device") ? io::as_string(j.at("device"), "config: device") : "cpu");
  c.seed = integer_field<uint64_t>(j, "seed", 0);
  c.log_every = integer_field<int64_t>(j, "log_every", 10);
  c.sample_every = integer_field<int64_t>(j, "sample_every", 0);
  c.checkpoint_every = integer_field<int64_t>(j, "checkpoint_every", 0);
  c.precision = j.contains("precision") ? io::as_string(j.at("precision"), "config: precision") : "f32";
  c.loss_scale = j.contains("loss_scale") ? io::as_string(j.at("loss_scale"), "config: loss_scale") : "none";
  c.options = j.value("options", nlohmann::json::object());
  if (!c.options.is_object()) io::throw_bad_value("config: options", "a JSON object", c.options);
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
