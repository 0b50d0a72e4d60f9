#include "models/train/state.h"

#include <stdexcept>

#include "models/io/json_field.h"

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

const nlohmann::json& value_at(const TrainerState& s, const std::string& key) { return io::field(s.values, key); }

}  // namespace

void put_module(TrainerState& s, const std::string& prefix, const nn::Module& m) {
  for (const auto& [name, t] : m.state_dict()) s.tensors.emplace_back(prefix + "." + name, t);
}

void get_module(const TrainerState& s, const std::string& prefix, nn::Module& m) {
  m.load_state_dict(with_prefix(s, prefix), /*strict=*/true);
}

void put_optimizer(TrainerState& s, const std::string& prefix, const nn::Optimizer& opt) {
  for (const auto& [name, t] : opt.state_dict()) s.tensors.emplace_back(prefix + "." + name, t);
  s.values[prefix] = {{"type", opt.type_name()}};
}

void get_optimizer(const TrainerState& s, const std::string& prefix, nn::Optimizer& opt) {
  const std::string type = io::as_string(io::field(value_at(s, prefix), "type", prefix + "."), prefix + ".type");
  if (type != opt.type_name())
    throw std::runtime_error("trainer state: \"" + prefix + "\" holds a " + type + " optimizer, expected " +
                             opt.type_name());
  opt.load_state_dict(with_prefix(s, prefix));
}

void put_generator(TrainerState& s, const std::string& key, const Generator& gen) {
  s.values[key] = {{"seed", gen.seed()}, {"offset", gen.offset()}};
}

void get_generator(const TrainerState& s, const std::string& key, Generator& gen) {
  const nlohmann::json& j = value_at(s, key);
  gen.manual_seed(io::integer_field<uint64_t>(j, "seed", key + "."));
  gen.set_offset(io::integer_field<uint64_t>(j, "offset", key + "."));
}

void put_loader(TrainerState& s, const std::string& key, const data::LoaderState& state) { s.values[key] = state; }

data::LoaderState get_loader(const TrainerState& s, const std::string& key) {
  return data::loader_state_from_json(value_at(s, key), key + ".");
}

void put_count(TrainerState& s, const std::string& key, int64_t count) { s.values[key] = count; }

int64_t get_count(const TrainerState& s, const std::string& key) {
  return io::integer_field<int64_t>(s.values, key, "", 0);
}

int64_t get_count(const TrainerState& s, const std::string& key, int64_t fallback) {
  return s.values.contains(key) ? get_count(s, key) : fallback;
}

void put_parts(TrainerState& s, const Parts& parts) {
  for (const auto& [name, m] : parts.modules) put_module(s, name, *m);
  for (const auto& [name, opt] : parts.optimizers) put_optimizer(s, name, *opt);
}

void get_parts(const TrainerState& s, const Parts& parts) {
  for (const auto& [name, m] : parts.modules) get_module(s, name, *m);
  for (const auto& [name, opt] : parts.optimizers) get_optimizer(s, name, *opt);
}

NamedTensors named_parameters(const Parts& parts) {
  NamedTensors out;
  for (const auto& [prefix, m] : parts.modules)
    for (const auto& [name, p] : m->named_parameters()) out.emplace_back(prefix + "." + name, p);
  return out;
}

void LoaderPosition::put(TrainerState& s, const std::string& key) const {
  if (state_) put_loader(s, key, state_());
  else if (pending_) put_loader(s, key, *pending_);
}

void LoaderPosition::get(const TrainerState& s, const std::string& key) {
  if (!s.values.contains(key)) return;
  pending_ = get_loader(s, key);
  if (restore_) restore_(*pending_);
}

TrainerState put_run(const RunParts& run, const Generator& noise, int64_t steps, const LoaderPosition& loader) {
  TrainerState s;
  put_parts(s, run.parts);
  put_generator(s, "noise", noise);
  put_count(s, run.steps_key, steps);
  loader.put(s, "loader");
  return s;
}

int64_t get_run(const TrainerState& s, const RunParts& run, Generator& noise, LoaderPosition& loader) {
  get_parts(s, run.parts);
  get_generator(s, "noise", noise);
  const int64_t steps = get_count(s, run.steps_key, 0);
  loader.get(s, "loader");
  return steps;
}

}  // namespace nabla::train
