// AMSGrad's update rule (the class and its comments: lecon/optimizers/amsgrad.hpp). Compiled once for float and
// double, so the rule lives in one place a student can read, edit and swap (docs/exercises.md).
#include "lecon/optimizers/amsgrad.hpp"

#include <algorithm>
#include <cmath>

#include "lecon/core/parallel.hpp"

namespace lecon {

template <typename T>
void AMSGrad<T>::update(const std::vector<Param<T>*>& params) {
  // Step size α and scale s of √v_max as in adam.hpp (slide: α = η, s = 1; keras: s = 1; pytorch: s = 1/√(1 - β2^t)).
  const double t = static_cast<double>(this->iterations());
  const double correction_1 = 1 - std::pow(beta_1_, t), correction_2 = 1 - std::pow(beta_2_, t);
  const double eta = this->learning_rate();
  const Convention c = convention_;
  const T alpha = static_cast<T>(c == Convention::keras ? eta * std::sqrt(correction_2) / correction_1 : c == Convention::pytorch ? eta / correction_1 : eta);
  const T s = static_cast<T>(c == Convention::pytorch ? 1.0 / std::sqrt(correction_2) : 1.0);
  const T b1 = static_cast<T>(beta_1_), b2 = static_cast<T>(beta_2_), eps = static_cast<T>(epsilon_);
  for_each_share(entry_counts(params), kParallelStep, [&params, this, alpha, s, b1, b2, eps](std::size_t i, std::size_t begin, std::size_t end) {
    T* __restrict theta = params[i]->value.memptr();
    const T* __restrict g = params[i]->grad.memptr();
    T* __restrict m = first_moment_[i].memptr();
    T* __restrict v = second_moment_[i].memptr();
    T* __restrict v_max = largest_second_moment_[i].memptr();
#pragma omp simd
    for (std::size_t k = begin; k < end; ++k) {
      // [slide: AMSGrad]  m <- β1 m + (1 - β1) g,   v <- β2 v + (1 - β2) g²,   v_max <- max(v_max, v)
      //                   θ <- θ - η m / (√v_max + ε)   (keras, PyTorch: θ <- θ - η m̂ / (√v̂_max + ε), Adam's corrections)
      m[k] = b1 * m[k] + (T(1) - b1) * g[k];
      v[k] = b2 * v[k] + (T(1) - b2) * g[k] * g[k];
      v_max[k] = std::max(v_max[k], v[k]);
      theta[k] -= alpha * m[k] / (s * std::sqrt(v_max[k]) + eps);
    }
  });
}

template class AMSGrad<float>;
template class AMSGrad<double>;

}  // namespace lecon
