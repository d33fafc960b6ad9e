// Nadam's update rule (the class and its comments: lecon/optimizers/nadam.hpp). Compiled once for float and
// double, so the rule lives in one place a student can read, edit and swap (docs/exercises.md).
#include "lecon/optimizers/nadam.hpp"

#include <algorithm>
#include <cmath>

#include "lecon/core/parallel.hpp"

namespace lecon {

template <typename T>
void Nadam<T>::update(const std::vector<Param<T>*>& params) {
  const double t = static_cast<double>(this->iterations()), eta = this->learning_rate();
  // m <- β1 m + (1 - β1) g,   v <- β2 v + (1 - β2) g²,   v̂ = v / (1 - β2^t)
  // Dozat 2016 (warming):
  //   θ <- θ - η / (√v̂ + ε) · ( (1 - μ_t) g / (1 - Π_{i≤t} μ_i) + μ_{t+1} m / (1 - Π_{i≤t+1} μ_i) )
  // [slide: Nadam] (constant, Ruder 2016):
  //   θ <- θ - η / (√v̂ + ε) · (β1 m̂ + (1 - β1) g / (1 - β1^t)),   m̂ = m / (1 - β1^t)
  // The two coefficients and the scale of √v are scalars, computed once per step.
  double gradient_coefficient, moment_coefficient;
  if (momentum_ == NadamMomentum::warming) {
    const double mu_t = momentum_at(t), mu_next = momentum_at(t + 1);
    momentum_product_ *= mu_t;  // Π_{i≤t} μ_i
    gradient_coefficient = eta * (1 - mu_t) / (1 - momentum_product_);
    moment_coefficient = eta * mu_next / (1 - momentum_product_ * mu_next);
  } else {
    const double correction_1 = 1 - std::pow(beta_1_, t);
    momentum_product_ *= beta_1_;
    gradient_coefficient = eta * (1 - beta_1_) / correction_1;
    moment_coefficient = eta * beta_1_ / correction_1;
  }
  const T cg = static_cast<T>(gradient_coefficient), cm = static_cast<T>(moment_coefficient);
  const T s = static_cast<T>(1 / std::sqrt(1 - std::pow(beta_2_, t)));
  const T b1 = static_cast<T>(beta_1_), b2 = static_cast<T>(beta_2_), eps = static_cast<T>(epsilon_);
  for_each_share(entry_counts(params), kParallelStep, [&params, this, cg, cm, s, b1, b2, eps](std::size_t i, std::size_t begin, std::size_t end) {
    T* __restrict theta = params[i]->value.memptr();
    const T* __restrict g = params[i]->grad.memptr();
    T* __restrict m = first_moment_[i].memptr();
    T* __restrict v = second_moment_[i].memptr();
#pragma omp simd
    for (std::size_t k = begin; k < end; ++k) {
      m[k] = b1 * m[k] + (T(1) - b1) * g[k];
      v[k] = b2 * v[k] + (T(1) - b2) * g[k] * g[k];
      theta[k] -= (cg * g[k] + cm * m[k]) / (s * std::sqrt(v[k]) + eps);
    }
  });
}

template class Nadam<float>;
template class Nadam<double>;

}  // namespace lecon
