#pragma once
// The Dirac-GAN picture in the style of Mescheder et al. 2018 (figures 1-3):
// the gradient dynamics' vector field on [-2, 2]^2 (theta across, psi up)
// and the trajectory of the run over it.
#include <string>
#include <vector>

#include "models/gan/dirac_gan.h"
#include "models/io/canvas.h"

namespace nabla::gan {

// history: theta, psi pairs, the start first.
io::Canvas draw_dirac_game(const DiracOptions& options, const std::vector<double>& history, const std::string& title);

}  // namespace nabla::gan
