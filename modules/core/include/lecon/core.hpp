#pragma once
// Everything in the shared tensor layer.
#include "lecon/core/blas_runtime.hpp"
#include "lecon/core/data_store.hpp"
#include "lecon/core/dataset.hpp"
#include "lecon/core/error.hpp"
#include "lecon/core/factor_levels.hpp"
#include "lecon/core/hdf5_io.hpp"
#include "lecon/core/loaders.hpp"
#include "lecon/core/parallel.hpp"
#include "lecon/core/rng.hpp"
#include "lecon/core/tensor.hpp"
