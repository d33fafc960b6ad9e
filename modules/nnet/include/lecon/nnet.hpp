#pragma once
// R's nnet: one hidden layer, BFGS (vmmin), weight decay.
#include "lecon/nnet/model_frame.hpp"
#include "lecon/nnet/network.hpp"
#include "lecon/nnet/nnet.hpp"
#include "lecon/nnet/objective.hpp"
#include "lecon/nnet/vmmin.hpp"
