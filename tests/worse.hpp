#pragma once
// The running worst of an error measure, for tests that compare against a tolerance. std::max(worst, NaN)
// keeps worst, so a result that had turned NaN would pass as "no worse than before"; here a NaN counts as
// infinitely bad. No Boost: the helper programs that tests start (resume_process, MPI ranks) use it too.
#include <armadillo>
#include <algorithm>
#include <cmath>
#include <limits>

namespace lecon::test {

inline double worse(double so_far, double error) {
  return std::isnan(error) ? std::numeric_limits<double>::infinity() : std::max(so_far, error);
}

// The same over every entry of `errors` (Armadillo's max() does not promise to see a NaN).
template <typename T>
double worse(double so_far, const arma::Mat<T>& errors) {
  if (errors.is_empty()) return so_far;
  return errors.has_nan() ? std::numeric_limits<double>::infinity() : std::max(so_far, static_cast<double>(errors.max()));
}

}  // namespace lecon::test

namespace lecon::test {

// The largest |entry| of `x` (a matrix or an Armadillo expression such as a - b), infinite when an entry is
// NaN. Armadillo's max() skips NaN entries, so arma::abs(a - b).max() < tolerance passed where a held NaNs.
template <typename Expr>
double max_abs(const Expr& x) {
  const arma::Mat<typename Expr::elem_type> m(x);
  if (m.has_nan()) return std::numeric_limits<double>::infinity();
  return m.is_empty() ? 0.0 : static_cast<double>(arma::abs(m).max());
}

// The largest entry of `x`, infinite when an entry is NaN (for range checks such as max_of(pixels) <= 1).
template <typename Expr>
double max_of(const Expr& x) {
  const arma::Mat<typename Expr::elem_type> m(x);
  if (m.has_nan()) return std::numeric_limits<double>::infinity();
  return m.is_empty() ? -std::numeric_limits<double>::infinity() : static_cast<double>(m.max());
}

}  // namespace lecon::test
