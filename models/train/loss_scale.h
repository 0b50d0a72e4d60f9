#pragma once
// Loss scaling for mixed precision (Micikevicius et al. 2018, "Mixed Precision
// Training", sec. 3.2; PyTorch's GradScaler): the loss is multiplied by S
// before backward so that small gradients survive low-precision storage; the
// gradients are divided by S before the optimiser step. Dynamic scaling: a
// step whose gradients hold an inf or NaN is skipped and S halves; after
// `interval` good steps in a row S doubles. bf16 has float's exponent range,
// so it rarely needs this: `--loss-scale none` is the default.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/tensor.h"

namespace nabla::train {

struct LossScaleOptions {
  double init = 65536;  // GradScaler's defaults
  double growth = 2;
  double backoff = 0.5;
  int64_t interval = 2000;
};

class LossScaler {
 public:
  LossScaler() = default;  // disabled: scale 1, nothing skipped
  // "none", "dynamic" or a positive constant ("1024"); throws on anything else.
  static LossScaler parse(const std::string& spec, LossScaleOptions options = {});

  bool enabled() const { return mode_ != Mode::none; }
  bool dynamic() const { return mode_ == Mode::dynamic; }
  double scale() const { return scale_; }
  int64_t skipped() const { return skipped_; }

  // loss * scale (loss itself when disabled); backward this one.
  Tensor scale_loss(const Tensor& loss) const;
  // Divides the gradients of params by the scale in place; true when every
  // gradient is finite (one check over all of them, one host read). A false
  // result means: do not step this optimiser. Always true when disabled.
  bool unscale(const std::vector<Tensor>& params);
  // Once per training step, after every unscale: dynamic scaling backs off
  // after an inf/NaN in that step, grows after `interval` clean steps.
  void update();

  nlohmann::json state() const;
  void load(const nlohmann::json& j);

 private:
  enum class Mode { none, constant, dynamic };
  Mode mode_ = Mode::none;
  LossScaleOptions options_;
  double scale_ = 1;
  int64_t good_steps_ = 0;  // clean steps since the last change
  int64_t skipped_ = 0;     // optimiser steps skipped in the run
  bool found_inf_ = false;  // in the current step
};

}  // namespace nabla::train
