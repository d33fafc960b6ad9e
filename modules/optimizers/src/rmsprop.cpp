// RMSprop's update rule (the class and its comments: lecon/optimizers/rmsprop.hpp). Compiled once for float and
// double, so the rule lives in one place a student can read, edit and swap (docs/exercises.md).
#include "lecon/optimizers/rmsprop.hpp"

#include <algorithm>
#include <cmath>

#include "lecon/core/parallel.hpp"

namespace lecon {

template <typename T>
void RMSprop<T>::update(const std::vector<Param<T>*>& params) {
  const T eta = static_cast<T>(this->learning_rate()), rho = static_cast<T>(rho_);
  // keras 2, PyTorch: ε added to the root; the slide: ε inside it. The other one is 0.
  const T eps_outside = static_cast<T>(slide_ ? 0.0 : epsilon_), eps_inside = static_cast<T>(slide_ ? epsilon_ : 0.0);
  for_each_share(entry_counts(params), kParallelStep, [&params, this, eta, rho, eps_inside, eps_outside](std::size_t i, std::size_t begin, std::size_t end) {
    T* __restrict theta = params[i]->value.memptr();
    const T* __restrict g = params[i]->grad.memptr();
    T* __restrict r = mean_square_[i].memptr();
#pragma omp simd
    for (std::size_t k = begin; k < end; ++k) {
      // [slide: RMSprop]  r <- ρ r + (1 - ρ) g²,   θ <- θ - η/√(r + ε) · g    (keras 2, PyTorch: η g / (√r + ε))
      r[k] = rho * r[k] + (T(1) - rho) * g[k] * g[k];
      theta[k] -= eta * g[k] / (std::sqrt(r[k] + eps_inside) + eps_outside);
    }
  });
}

template class RMSprop<float>;
template class RMSprop<double>;

}  // namespace lecon
