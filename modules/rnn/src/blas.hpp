#pragma once
// The cells' products and element-wise functions, private to modules/rnn. The products are lecon::gemm
// (lecon/core/blas.hpp), on column-major memory with leading dimensions: a cell multiplies a block of rows
// (the slide LSTM's three gates of four) or accumulates into a step's block without copying it out.
#include <cmath>
#include <cstddef>

#include "lecon/core/blas.hpp"
#include "lecon/core/fast_math.hpp"

namespace lecon::rnn_blas {

// σ and tanh of the cells' element-wise passes: float through the polynomial exp of lecon/core/fast_math.hpp,
// which the compiler can vectorise (a libm call per unit cost the simple RNN and the slide's LSTM more than their
// matrix products); double through libm, the specification the gradient checks and the PyTorch comparisons
// run on (tests/rnn compare the two for every cell).
inline float sigmoid(float a) { return lecon::sigmoid_poly(a); }
inline double sigmoid(double a) { return 1 / (1 + std::exp(-a)); }
inline float tanh_of(float a) { return lecon::tanh_poly(a); }
inline double tanh_of(double a) { return std::tanh(a); }

}  // namespace lecon::rnn_blas
