#pragma once
// Everything a user of nabla's tensors and autograd needs, in one include.
#include "autograd/elementwise.h"
#include "autograd/engine.h"
#include "autograd/functional.h"
#include "autograd/grad_mode.h"
#include "autograd/gradcheck.h"
#include "autograd/reduce.h"
#include "autograd/scan.h"
#include "autograd/softmax.h"
#include "autograd/views.h"
#include "core/factory.h"
#include "core/random.h"
#include "core/tensor.h"
