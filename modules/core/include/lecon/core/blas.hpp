#pragma once
// C (m x n) = alpha·op(A)·op(B) + beta·C on column-major memory with leading dimensions, through OpenBLAS's
// CBLAS: a product on a block of rows or columns of a matrix (an LSTM's gates, an RBM's gradient block owned
// by one thread) without copying the block out. Called inside an OpenMP parallel region, OpenBLAS (the
// OpenMP build, lecon/core/parallel.hpp) runs it on the calling thread.
#include <cblas.h>

#include <cstddef>

namespace lecon {

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

}  // namespace lecon
