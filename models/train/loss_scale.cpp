#include "models/train/loss_scale.h"

#include <cmath>
#include <stdexcept>

#include "autograd/elementwise.h"
#include "core/copy.h"
#include "core/elementwise.h"
#include "core/factory.h"
#include "core/reduce.h"
#include "models/io/json_field.h"

namespace nabla::train {

LossScaler LossScaler::parse(const std::string& spec, LossScaleOptions options) {
  LossScaler s;
  s.options_ = options;
  if (spec == "none" || spec.empty()) return s;
  if (spec == "dynamic") {
    s.mode_ = Mode::dynamic;
    s.scale_ = options.init;
    return s;
  }
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(spec, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != spec.size() || !(value > 0) || !std::isfinite(value))
    throw std::invalid_argument("--loss-scale: expected none, dynamic or a positive number, got \"" + spec + "\"");
  s.mode_ = Mode::constant;
  s.scale_ = value;
  return s;
}

Tensor LossScaler::scale_loss(const Tensor& loss) const { return enabled() ? loss * scale_ : loss; }

bool LossScaler::unscale(const std::vector<Tensor>& params) {
  if (!enabled()) return true;
  // g * 0 is 0 for a finite g and NaN for inf or NaN: the sum of those over
  // every gradient is 0 exactly when all are finite.
  Tensor bad;
  for (const Tensor& p : params) {
    if (!p.grad().defined()) continue;
    // A fresh tensor, not in place: a gradient may be a view the engine shares.
    const Tensor g = prim::binary(prim::Binary::mul, p.grad(), scalar(1.0 / scale_, Options::like(p.grad())));
    p.set_grad(g);
    const Tensor z = prim::sum(prim::binary(prim::Binary::mul, g, scalar(0.0, Options::like(g))));
    bad = bad.defined() ? prim::binary(prim::Binary::add, bad, prim::to(z, bad.dtype())) : z;
  }
  const bool finite = !bad.defined() || bad.item() == 0;
  if (!finite) {
    found_inf_ = true;
    ++skipped_;
  }
  return finite;
}

void LossScaler::update() {
  if (!dynamic()) return;
  if (found_inf_) {
    scale_ *= options_.backoff;
    good_steps_ = 0;
  } else if (++good_steps_ >= options_.interval) {
    scale_ *= options_.growth;
    good_steps_ = 0;
  }
  found_inf_ = false;
}

nlohmann::json LossScaler::state() const {
  return {{"scale", scale_}, {"good_steps", good_steps_}, {"skipped", skipped_}};
}

void LossScaler::load(const nlohmann::json& j) {
  if (!enabled() || j.is_null()) return;
  scale_ = io::as_number(io::field(j, "scale", "loss_scaler: "), "loss_scaler: scale");
  good_steps_ = io::as_integer<int64_t>(io::field(j, "good_steps", "loss_scaler: "), "loss_scaler: good_steps");
  skipped_ = io::as_integer<int64_t>(io::field(j, "skipped", "loss_scaler: "), "loss_scaler: skipped");
  if (!(scale_ > 0)) throw std::invalid_argument("loss_scaler: expected a positive scale");
}

}  // namespace nabla::train
