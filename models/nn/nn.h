#pragma once
// The nn toolkit in one include: modules, layers, init, spectral norm,
// optimizers, schedules, clipping.
#include "models/nn/activation.h"
#include "models/nn/clip.h"
#include "models/nn/container.h"
#include "models/nn/init.h"
#include "models/nn/layers.h"
#include "models/nn/module.h"
#include "models/nn/norm.h"
#include "models/nn/optim.h"
#include "models/nn/schedule.h"
#include "models/nn/spectral_norm.h"
