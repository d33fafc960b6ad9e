#pragma once
// C (m x n) = alpha·op(A)·op(B) + beta·C on column-major memory with leading dimensions: lets a cell
// multiply a block of rows (the slide LSTM's three gates of four) or accumulate into a step's block
// without copying it out. Private to modules/rnn.
#include <cblas.h>

#include <cmath>
#include <cstddef>

#include "lstm_gates.hpp"

namespace lecon::rnn_blas {

inline void gemm(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, float alpha, const float* A, std::size_t lda,
                 const float* B, std::size_t ldb, float beta, float* C, std::size_t ldc) {
  if (m == 0 || n == 0) return;
  cblas_sgemm(CblasColMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, static_cast<int>(m), static_cast<int>(n),
              static_cast<int>(k), alpha, A, static_cast<int>(lda), B, static_cast<int>(ldb), beta, C, static_cast<int>(ldc));
}
inline void gemm(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, double alpha, const double* A, std::size_t lda,
                 const double* B, std::size_t ldb, double beta, double* C, std::size_t ldc) {
  if (m == 0 || n == 0) return;
  cblas_dgemm(CblasColMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, static_cast<int>(m), static_cast<int>(n),
              static_cast<int>(k), alpha, A, static_cast<int>(lda), B, static_cast<int>(ldb), beta, C, static_cast<int>(ldc));
}

// σ and tanh of the cells' element-wise passes: float through the polynomial exp of lstm_gates.hpp, which
// the compiler can vectorise (a libm call per unit cost the simple RNN and the slide's LSTM more than their
// matrix products); double through libm, the specification the gradient checks and the PyTorch comparisons
// run on (tests/rnn compare the two for every cell).
inline float sigmoid(float a) { return rnn_gates::sigmoid_poly(a); }
inline double sigmoid(double a) { return 1 / (1 + std::exp(-a)); }
inline float tanh_of(float a) { return rnn_gates::tanh_poly(a); }
inline double tanh_of(double a) { return std::tanh(a); }

}  // namespace lecon::rnn_blas
