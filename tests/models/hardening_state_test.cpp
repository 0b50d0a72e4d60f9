// The bad-input catalogue (TESTING.md): integers read back from a checkpoint
// (step counters, random-stream seeds and offsets, the loader's position, the
// config's sizes and options) that are negative, fractional, past their
// type's range or of the wrong type are refused with a message naming the
// file, the key and what was expected; never cast (undefined behaviour for a
// double past int64) or silently wrapped.
#include <gtest/gtest.h>

#include <sstream>

#include "core/factory.h"
#include "models/data/sampler.h"
#include "models/io/json_field.h"
#include "models/registry.h"
#include "models/train/checkpoint.h"
#include "models/train/state.h"
#include "tests/models/data_testing.h"
#include "tests/models/train_testing.h"
#include "tests/testing.h"

namespace nabla::train {
namespace {

using data::testing::TempDir;
using nlohmann::json;

// 2^64 as JSON text parses as a double (1.8446744073709552e+19).
const json kHuge = json::parse("18446744073709551616");
const json kPastInt64 = json::parse("9223372036854775808");  // an unsigned one past INT64_MAX

TEST(HardeningState, CheckedIntegersRefuseWhatACastWouldMangle) {
  EXPECT_EQ(io::as_integer<int64_t>(json(-3), "x"), -3);
  EXPECT_EQ(io::as_integer<uint64_t>(json::parse("18446744073709551615"), "x"), UINT64_MAX);
  EXPECT_EQ(io::as_integer<int64_t>(json::parse("9223372036854775807"), "x"), INT64_MAX);
  EXPECT_THROW_MESSAGE(io::as_integer<int64_t>(json(2.5), "a.b"), std::invalid_argument,
                       "a.b must be an integer within int64, got 2.5");
  EXPECT_THROW_MESSAGE(io::as_integer<int64_t>(json(4.1e52), "k"), std::invalid_argument, "k", "4.1e+52");
  EXPECT_THROW_MESSAGE(io::as_integer<int64_t>(json(2.0), "k"), std::invalid_argument, "integer", "2.0");
  EXPECT_THROW_MESSAGE(io::as_integer<int64_t>(kHuge, "k"), std::invalid_argument, "within int64");
  EXPECT_THROW_MESSAGE(io::as_integer<int64_t>(kPastInt64, "k"), std::invalid_argument, "9223372036854775808");
  EXPECT_THROW_MESSAGE(io::as_integer<uint64_t>(json(-1), "seed"), std::invalid_argument,
                       "seed must be an integer within uint64 (non-negative), got -1");
  EXPECT_THROW_MESSAGE(io::as_integer<uint64_t>(kHuge, "seed"), std::invalid_argument, "seed", "uint64");
  EXPECT_THROW_MESSAGE(io::as_integer<int>(json(int64_t{1} << 40), "n"), std::invalid_argument,
                       "n must be an integer in [-2147483648, 2147483647], got 1099511627776");
  for (const json& wrong : {json("5"), json(true), json(nullptr), json::array({1}), json::object()})
    EXPECT_THROW_MESSAGE(io::as_integer<int64_t>(wrong, "key"), std::invalid_argument, "key must be an integer",
                         wrong.dump());
  EXPECT_THROW_MESSAGE(io::integer_field<int64_t>(json{{"epoch", -1}}, "epoch", "loader.", 0), std::invalid_argument,
                       "loader.epoch must be an integer within int64, non-negative, got -1");
  EXPECT_THROW_MESSAGE(io::integer_field<int64_t>(json::object(), "epoch", "loader."), std::invalid_argument,
                       "loader.epoch is missing");
  EXPECT_THROW_MESSAGE(io::integer_field<int64_t>(json(7), "epoch", "loader."), std::invalid_argument,
                       "loader must be a JSON object holding \"epoch\", got 7");
}

data::LoaderState a_loader_state() {
  data::LoaderState l;
  l.seed = 5;
  l.size = 100;
  l.batch_size = 10;
  l.epoch = 2;
  l.position = 30;
  l.shuffle_offset = 200;
  return l;
}

// Every field of a saved state, edited to a bad value, is refused by name.
TEST(HardeningState, EveryIntegerOfTheStateIsChecked) {
  TrainerState good;
  put_loader(good, "loader", a_loader_state());
  put_generator(good, "noise", Generator(9));
  put_count(good, "gan_steps", 4);
  EXPECT_EQ(get_loader(good, "loader"), a_loader_state());
  EXPECT_EQ(get_count(good, "gan_steps"), 4);
  EXPECT_EQ(get_count(good, "absent_steps", 0), 0);
  struct Edit {
    json::json_pointer where;
    json value;
    std::string message;
  };
  const std::vector<Edit> edits = {
      {"/loader/epoch"_json_pointer, -1, "loader.epoch must be an integer within int64, non-negative, got -1"},
      {"/loader/position"_json_pointer, 2.5, "loader.position must be an integer"},
      {"/loader/size"_json_pointer, 0, "loader.size must be an integer in [1, 9223372036854775807], got 0"},
      {"/loader/batch_size"_json_pointer, kHuge, "loader.batch_size"},
      {"/loader/seed"_json_pointer, -7, "loader.seed must be an integer within uint64 (non-negative), got -7"},
      {"/loader/shuffle_offset"_json_pointer, "200", "loader.shuffle_offset must be an integer"},
      {"/loader/noise_offset"_json_pointer, 1e300, "loader.noise_offset"},
      {"/loader/shuffle"_json_pointer, 1, "loader.shuffle must be true or false, got 1"},
      {"/noise/offset"_json_pointer, -1, "noise.offset must be an integer within uint64 (non-negative), got -1"},
      {"/noise/seed"_json_pointer, 0.5, "noise.seed"},
      {"/gan_steps"_json_pointer, -4, "gan_steps must be an integer within int64, non-negative, got -4"},
      {"/gan_steps"_json_pointer, kPastInt64,
       "gan_steps must be an integer within int64, non-negative, got 9223372036854775808"},
      {"/gan_steps"_json_pointer, nullptr, "gan_steps must be an integer within int64, non-negative, got null"},
  };
  for (const Edit& e : edits) {
    SCOPED_TRACE(e.where.to_string());
    TrainerState bad = good;
    bad.values[e.where] = e.value;
    auto read_all = [&bad] {
      Generator gen(1);
      get_loader(bad, "loader");
      get_generator(bad, "noise", gen);
      get_count(bad, "gan_steps", 0);
    };
    EXPECT_THROW_MESSAGE(read_all(), std::invalid_argument, e.message);
  }
  TrainerState missing = good;
  missing.values["loader"].erase("position");
  EXPECT_THROW_MESSAGE(get_loader(missing, "loader"), std::invalid_argument, "loader.position is missing");
  EXPECT_THROW_MESSAGE(get_count(missing, "steps"), std::invalid_argument, "steps is missing");
}

std::string edit_checkpoint(const std::string& from, const std::string& to, const std::function<void(json&)>& edit) {
  Checkpoint c = load_checkpoint(from);
  json meta = {{"format", "nabla-checkpoint"}, {"version", 1}, {"model", c.config.model},
               {"step", c.step},           {"config", c.config.to_json()}, {"values", c.state.values}};
  edit(meta);
  save_safetensors(to, c.state.tensors, {{"nabla", meta.dump()}});
  return to;
}

// A real checkpoint, hand-edited, resumed: the file, the key and what was
// expected, whether the checkpoint's own fields, its config or the trainer's
// state hold the bad value.
TEST(HardeningState, HandEditedCheckpointsAreRefusedNamingFileAndKey) {
  TempDir dir;
  TrainConfig c = testing::small_config("gan", dir.file("run"), 2);
  c.options = {{"data", "ring8"}};
  std::ostringstream quiet;
  const std::string good = train_model(c, quiet).checkpoint;
  struct Case {
    std::string name;
    std::function<void(json&)> edit;
    std::vector<std::string> message;
  };
  const std::vector<Case> cases = {
      {"negative_step", [](json& m) { m["step"] = -5; },
       {"step must be an integer within int64, non-negative, got -5"}},
      {"fractional_step", [](json& m) { m["step"] = 1.5; }, {"step must be an integer", "1.5"}},
      {"huge_batch", [](json& m) { m["config"]["batch"] = kHuge; }, {"config: batch must be an integer within int64"}},
      {"string_seed", [](json& m) { m["config"]["seed"] = "7"; }, {"config: seed must be an integer", "\"7\""}},
      {"string_lr", [](json& m) { m["config"]["lr"] = "fast"; }, {"config: lr must be a number, got \"fast\""}},
      {"gan_steps", [](json& m) { m["values"]["gan_steps"] = -1; }, {"bad trainer state", "gan_steps", "non-negative"}},
      {"loader_epoch", [](json& m) { m["values"]["loader"]["epoch"] = 0.5; }, {"bad trainer state", "loader.epoch"}},
      {"noise_offset", [](json& m) { m["values"]["noise"]["offset"] = -2; }, {"bad trainer state", "noise.offset"}},
      {"optimizer_type", [](json& m) { m["values"]["opt_G"]["type"] = 3; }, {"opt_G.type must be a string, got 3"}},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.name);
    const std::string bad = edit_checkpoint(good, dir.file(k.name + ".safetensors"), k.edit);
    TrainConfig resume;
    resume.resume = bad;
    resume.out = dir.file("resumed");
    resume.steps = 3;
    resume.progress = false;
    try {
      train_model(resume, quiet);
      ADD_FAILURE() << "resumed from " << bad;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(bad + ": "), std::string::npos) << e.what();
      for (const std::string& part : k.message)
        EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
  }
}

// An integer option (from --set, or a resumed checkpoint's config) is checked
// the same way: 2.5 was read as 2 and 1e300 was undefined behaviour.
TEST(HardeningState, IntegerOptionsAreChecked) {
  TrainConfig c;
  c.model = "gan";
  c.options = {{"n_critic", 2.5}, {"big", 1e300}, {"neg", -1}, {"ok", 3}};
  EXPECT_EQ(c.option<int64_t>("ok", 0), 3);
  EXPECT_THROW_MESSAGE(c.option<int64_t>("n_critic", 1), std::invalid_argument,
                       "gan: option n_critic must be an integer within int64, got 2.5");
  EXPECT_THROW_MESSAGE(c.option<int>("big", 1), std::invalid_argument, "gan: option big", "1e+300");
  EXPECT_THROW_MESSAGE(c.option<uint64_t>("neg", 1), std::invalid_argument, "gan: option neg", "non-negative");
}

}  // namespace
}  // namespace nabla::train
