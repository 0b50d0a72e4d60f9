#include "models/gan/gan_options.h"

#include <stdexcept>

#include "models/gan/toy2d.h"

namespace nabla::gan {

namespace {

void require(bool ok, const train::TrainConfig& c, const std::string& what) {
  if (!ok) throw std::invalid_argument(c.model + ": option " + what);
}

}  // namespace

std::vector<std::string> gan_option_names() {
  std::vector<std::string> names = {"data", "loss", "n_critic", "clip", "gp", "r1", "r2", "noise", "noise_steps",
                                    "jc", "jc_eps", "jc_min", "jc_max", "tangent", "tangent_dirs", "jac_n", "lens",
                                    "lens_steps", "tau", "gamma", "slope", "nonneg", "weight_decay"};
  for (const std::string& n : metrics::scoring_option_names()) names.push_back(n);
  return names;
}

void resolve_scoring_options(const train::TrainConfig& c, GanOptions& o) {
  o.scoring = metrics::read_scoring_options(c, {.fashion_images = o.data == "fashion", .latent = true}, o.scoring);
}

GanOptions resolve_gan_options(const train::TrainConfig& c, GanOptions o) {
  c.check_options(gan_option_names());
  o.data = c.option<std::string>("data", o.data);
  require(o.data == "fashion" || is_toy_set(o.data), c, "data must be fashion, ring8 or grid25, got " + o.data);
  o.loss = parse_loss(c.option<std::string>("loss", loss_name(o.loss)), c.model);
  o.n_critic = c.option<int64_t>("n_critic", o.n_critic);
  require(o.n_critic >= 1, c, "n_critic must be >= 1");
  o.clip = c.option<double>("clip", o.clip);
  o.gp = c.option<double>("gp", o.gp);
  o.r1 = c.option<double>("r1", o.r1);
  o.r2 = c.option<double>("r2", o.r2);
  o.noise = c.option<double>("noise", o.noise);
  o.noise_steps = c.option<int64_t>("noise_steps", o.noise_steps);
  o.jc = c.option<double>("jc", o.jc);
  o.jc_eps = c.option<double>("jc_eps", o.jc_eps);
  o.jc_min = c.option<double>("jc_min", o.jc_min);
  o.jc_max = c.option<double>("jc_max", o.jc_max);
  require(o.jc_eps > 0, c, "jc_eps must be > 0");
  require(o.jc_min <= o.jc_max, c, "jc_min must be <= jc_max");
  o.tangent = c.option<double>("tangent", o.tangent);
  o.tangent_dirs = c.option<int64_t>("tangent_dirs", o.tangent_dirs);
  require(o.tangent_dirs >= 1, c, "tangent_dirs must be >= 1");
  o.jac_n = c.option<int64_t>("jac_n", o.jac_n);
  o.lens = c.option<int64_t>("lens", o.lens ? 1 : 0) != 0;
  o.lens_steps = c.option<int64_t>("lens_steps", o.lens_steps);
  o.qi.tau = c.option<double>("tau", o.qi.tau);
  o.qi.gamma = c.option<double>("gamma", o.qi.gamma);
  o.qi.slope = c.option<double>("slope", o.qi.slope);
  o.qi.nonneg = parse_nonneg(c.option<std::string>("nonneg", nonneg_name(o.qi.nonneg)), c.model);
  require(o.qi.slope >= 0 && o.qi.slope <= 1, c, "slope must lie in [0, 1]");
  o.weight_decay = c.option<double>("weight_decay", o.weight_decay);
  resolve_scoring_options(c, o);
  for (const auto& [name, v] : {std::pair<const char*, double>{"clip", o.clip}, {"gp", o.gp}, {"r1", o.r1},
                                {"r2", o.r2}, {"noise", o.noise}, {"noise_steps", static_cast<double>(o.noise_steps)},
                                {"jc", o.jc}, {"jc_min", o.jc_min}, {"tangent", o.tangent},
                                {"jac_n", static_cast<double>(o.jac_n)}, {"lens_steps", static_cast<double>(o.lens_steps)},
                                {"tau", o.qi.tau}, {"gamma", o.qi.gamma}, {"weight_decay", o.weight_decay}})
    require(v >= 0, c, std::string(name) + " must be >= 0");
  return o;
}

}  // namespace nabla::gan
