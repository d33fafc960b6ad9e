#pragma once
// Comparisons for tests that hold a result against a tolerance, where a NaN is never within it. Armadillo's
// max() skips NaN entries, so arma::abs(a - b).max() < tolerance passed where a held NaNs, and
// std::max(worst, NaN) keeps worst, so a running worst passed a result that had turned NaN; here a NaN counts
// as infinitely far off. No Boost: the helper programs that tests start (resume_process, MPI ranks) use it too.
#include <armadillo>
#include <algorithm>
#include <cmath>
#include <limits>

namespace lecon::test {

// The largest |entry| of `x` (a matrix or an Armadillo expression such as a - b), infinite when an entry is
// NaN; 0 for no entries.
template <typename Expr>
double max_abs(const Expr& x) {
  const arma::Mat<typename Expr::elem_type> m(x);
  if (m.has_nan()) return std::numeric_limits<double>::infinity();
  return m.is_empty() ? 0.0 : static_cast<double>(arma::abs(m).max());
}

// The largest entry of `x`, infinite when an entry is NaN (for range checks such as max_of(pixels) <= 1); −∞ for
// no entries.
template <typename Expr>
double max_of(const Expr& x) {
  const arma::Mat<typename Expr::elem_type> m(x);
  if (m.has_nan()) return std::numeric_limits<double>::infinity();
  return m.is_empty() ? -std::numeric_limits<double>::infinity() : static_cast<double>(m.max());
}

// The running worst of an error measure: the larger of the two, a NaN error counting as infinite.
inline double worse(double so_far, double error) {
  return std::isnan(error) ? std::numeric_limits<double>::infinity() : std::max(so_far, error);
}

// The same over every entry of `errors`.
template <typename T>
double worse(double so_far, const arma::Mat<T>& errors) {
  return worse(so_far, max_of(errors));
}

}  // namespace lecon::test
