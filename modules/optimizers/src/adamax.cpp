// AdaMax's update rule (the class and its comments: lecon/optimizers/adamax.hpp). Compiled once for float and
// double, so the rule lives in one place a student can read, edit and swap (docs/exercises.md).
#include "lecon/optimizers/adamax.hpp"

#include <algorithm>
#include <cmath>

#include "lecon/core/parallel.hpp"

namespace lecon {

template <typename T>
void AdaMax<T>::update(const std::vector<Param<T>*>& params) {
  if (convention_ == Convention::slide) return update_slide(params);
  const double t = static_cast<double>(this->iterations());
  const T alpha = static_cast<T>(this->learning_rate() / (1 - std::pow(beta_1_, t)));
  // keras: ε added to u after the maximum; pytorch: ε added to |g| inside it. The other one is 0.
  const bool keras = convention_ == Convention::keras;
  const T eps_outside = static_cast<T>(keras ? epsilon_ : 0.0), eps_inside = static_cast<T>(keras ? 0.0 : epsilon_);
  const T b1 = static_cast<T>(beta_1_), b2 = static_cast<T>(beta_2_);
  for_each_share(entry_counts(params), kParallelStep, [&params, this, alpha, b1, b2, eps_inside, eps_outside](std::size_t i, std::size_t begin, std::size_t end) {
    T* __restrict theta = params[i]->value.memptr();
    const T* __restrict g = params[i]->grad.memptr();
    T* __restrict m = first_moment_[i].memptr();
    T* __restrict u = infinity_norm_[i].memptr();
#pragma omp simd
    for (std::size_t k = begin; k < end; ++k) {
      // Kingma & Ba §7.1:  m <- β1 m + (1 - β1) g,   u <- max(β2 u, |g|),   θ <- θ - η / (1 - β1^t) · m / u
      m[k] = b1 * m[k] + (T(1) - b1) * g[k];
      u[k] = std::max(b2 * u[k], std::abs(g[k]) + eps_inside);
      theta[k] -= alpha * m[k] / (u[k] + eps_outside);
    }
  });
}

template <typename T>
void AdaMax<T>::update_slide(const std::vector<Param<T>*>& params) {
  const T eta = static_cast<T>(this->learning_rate()), b1 = static_cast<T>(beta_1_), eps = static_cast<T>(epsilon_);
  // The norm is one number per parameter: computed first, then one pass over every parameter's entries.
  std::vector<T> steps(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    arma::Mat<T>& u_all = infinity_norm_[i];
    // [slide: AdaMax]  u <- β2 u + (1 - β2) ‖g‖∞,   ‖g‖∞ = max_k |g_k| over the whole tensor
    const double norm = params[i]->grad.is_empty() ? 0.0 : static_cast<double>(arma::abs(params[i]->grad).max());
    const T u = static_cast<T>(beta_2_ * static_cast<double>(u_all.is_empty() ? T(0) : u_all(0)) + (1 - beta_2_) * norm);
    u_all.fill(u);
    steps[i] = eta / (u + eps);
  }
  for_each_share(entry_counts(params), kParallelStep, [&params, this, &steps, b1](std::size_t i, std::size_t begin, std::size_t end) {
    T* __restrict theta = params[i]->value.memptr();
    const T* __restrict g = params[i]->grad.memptr();
    T* __restrict m = first_moment_[i].memptr();
    const T step = steps[i];
#pragma omp simd
    for (std::size_t k = begin; k < end; ++k) {
      // [slide: AdaMax]  m <- β1 m + (1 - β1) g,   θ <- θ - η m / (u + ε)
      m[k] = b1 * m[k] + (T(1) - b1) * g[k];
      theta[k] -= step * m[k];
    }
  });
}

template class AdaMax<float>;
template class AdaMax<double>;

}  // namespace lecon
