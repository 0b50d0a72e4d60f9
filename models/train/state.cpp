#include "models/train/state.h"

#include <stdexcept>

namespace nabla::train {

namespace {

// The entries of s.tensors named "<prefix>.<rest>", as (rest, tensor).
NamedTensors with_prefix(const TrainerState& s, const std::string& prefix) {
  const std::string head = prefix + ".";
  NamedTensors out;
  for (const auto& [name, t] : s.tensors)
    if (name.compare(0, head.size(), head) == 0) out.emplace_back(name.substr(head.size()), t);
  return out;
}

const nlohmann::json& value_at(const TrainerState& s, const std::string& key) {
  if (!s.values.contains(key)) throw std::runtime_error("trainer state: no entry \"" + key + "\"");
  return s.values.at(key);
}

}  // namespace

void put_module(TrainerState& s, const std::string& prefix, const nn::Module& m) {
  for (const auto& [name, t] : m.state_dict()) s.tensors.emplace_back(prefix + "." + name, t);
}

void get_module(const TrainerState& s, const std::string& prefix, nn::Module& m) {
  m.load_state_dict(with_prefix(s, prefix), /*strict=*/true);
}

void put_optimizer(TrainerState& s, const std::string& prefix, const nn::Optimizer& opt) {
  nn::OptimizerState state = opt.state_dict();
  for (const auto& [name, t] : state.tensors) s.tensors.emplace_back(prefix + "." + name, t);
  nlohmann::json scalars = nlohmann::json::object();
  for (const auto& [name, v] : state.scalars) scalars[name] = v;
  s.values[prefix] = {{"type", opt.type_name()}, {"scalars", scalars}};
}

void get_optimizer(const TrainerState& s, const std::string& prefix, nn::Optimizer& opt) {
  const nlohmann::json& j = value_at(s, prefix);
  if (j.at("type") != opt.type_name())
    throw std::runtime_error("trainer state: \"" + prefix + "\" holds a " + j.at("type").get<std::string>() +
                             " optimizer, expected " + opt.type_name());
  nn::OptimizerState state;
  state.tensors = with_prefix(s, prefix);
  for (const auto& [name, v] : j.at("scalars").items()) state.scalars.emplace_back(name, v.get<double>());
  opt.load_state_dict(state);
}

void put_generator(TrainerState& s, const std::string& key, const Generator& gen) {
  s.values[key] = {{"seed", gen.seed()}, {"offset", gen.offset()}};
}

void get_generator(const TrainerState& s, const std::string& key, Generator& gen) {
  const nlohmann::json& j = value_at(s, key);
  gen.manual_seed(j.at("seed").get<uint64_t>());
  gen.set_offset(j.at("offset").get<uint64_t>());
}

void put_loader(TrainerState& s, const std::string& key, const data::LoaderState& l) {
  s.values[key] = {{"seed", l.seed},         {"size", l.size},
                   {"epoch", l.epoch},       {"position", l.position},
                   {"shuffle_offset", l.shuffle_offset}, {"noise_offset", l.noise_offset}};
}

data::LoaderState get_loader(const TrainerState& s, const std::string& key) {
  const nlohmann::json& j = value_at(s, key);
  data::LoaderState l;
  l.seed = j.at("seed").get<uint64_t>();
  l.size = j.at("size").get<int64_t>();
  l.epoch = j.at("epoch").get<int64_t>();
  l.position = j.at("position").get<int64_t>();
  l.shuffle_offset = j.at("shuffle_offset").get<uint64_t>();
  l.noise_offset = j.at("noise_offset").get<uint64_t>();
  return l;
}

}  // namespace nabla::train
