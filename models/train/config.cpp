#include "models/train/config.h"

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

TrainConfig TrainConfig::from_json(const nlohmann::json& j) {
  TrainConfig c;
  c.model = j.at("model").get<std::string>();
  c.data = j.value("data", "");
  c.steps = j.value("steps", int64_t{0});
  c.epochs = j.value("epochs", int64_t{0});
  c.batch = j.value("batch", int64_t{0});
  c.lr = j.value("lr", 0.0);
  c.device = Device::parse(j.value("device", "cpu"));
  c.seed = j.value("seed", uint64_t{0});
  c.log_every = j.value("log_every", int64_t{10});
  c.sample_every = j.value("sample_every", int64_t{0});
  c.checkpoint_every = j.value("checkpoint_every", int64_t{0});
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
