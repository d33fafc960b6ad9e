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
  for (std::size_t i = 0; i < params.size(); ++i) {
    T* theta = params[i]->value.memptr();
    const T* g = params[i]->grad.memptr();
    T* r = mean_square_[i].memptr();
    const std::ptrdiff_t n = static_cast<std::ptrdiff_t>(params[i]->value.n_elem);
#pragma omp parallel for simd schedule(static) if (parallel: n > static_cast<std::ptrdiff_t>(kParallelRootPass))
    for (std::ptrdiff_t k = 0; k < n; ++k) {
      // [slide: RMSprop]  r <- ρ r + (1 - ρ) g²,   θ <- θ - η/√(r + ε) · g    (keras 2, PyTorch: η g / (√r + ε))
      r[k] = rho * r[k] + (T(1) - rho) * g[k] * g[k];
      theta[k] -= eta * g[k] / (std::sqrt(r[k] + eps_inside) + eps_outside);
    }
  }
}

template class RMSprop<float>;
template class RMSprop<double>;

}  // namespace lecon
