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
          {"checkpoint_every", checkpoint_every}};
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
  return c;
}

}  // namespace nabla::train
