// Adadelta's update rule (the class and its comments: lecon/optimizers/adadelta.hpp). Compiled once for float and
// double, so the rule lives in one place a student can read, edit and swap (docs/exercises.md).
#include "lecon/optimizers/adadelta.hpp"

#include <algorithm>
#include <cmath>

#include "lecon/core/parallel.hpp"

namespace lecon {

template <typename T>
void Adadelta<T>::update(const std::vector<Param<T>*>& params) {
  const T eta = static_cast<T>(this->learning_rate()), rho = static_cast<T>(rho_), eps = static_cast<T>(epsilon_);
  for (std::size_t i = 0; i < params.size(); ++i) {
    T* theta = params[i]->value.memptr();
    const T* g = params[i]->grad.memptr();
    T* Eg2 = mean_square_gradient_[i].memptr();
    const std::ptrdiff_t n = static_cast<std::ptrdiff_t>(params[i]->value.n_elem);
    if (slide_) {
#pragma omp parallel for simd schedule(static) if (parallel: n > static_cast<std::ptrdiff_t>(kParallelRootPass))
      for (std::ptrdiff_t k = 0; k < n; ++k) {
        // [slide: Adadelta]  E[g²] <- γ E[g²] + (1 - γ) g²,   θ <- θ - η/√(E[g²] + ε) · g
        Eg2[k] = rho * Eg2[k] + (T(1) - rho) * g[k] * g[k];
        theta[k] -= eta * g[k] / std::sqrt(Eg2[k] + eps);
      }
      continue;
    }
    T* Edx2 = mean_square_update_[i].memptr();
#pragma omp parallel for simd schedule(static) if (parallel: n > static_cast<std::ptrdiff_t>(kParallelRootPass))
    for (std::ptrdiff_t k = 0; k < n; ++k) {
      // Zeiler 2012 (Algorithm 1):  E[g²] <- ρ E[g²] + (1 - ρ) g²
      //   Δθ = - RMS[Δθ]_{t-1} / RMS[g]_t · g,   RMS[x] = √(E[x²] + ε)
      //   E[Δθ²] <- ρ E[Δθ²] + (1 - ρ) Δθ²,   θ <- θ + η Δθ   (η = 1: Zeiler's rule; keras and PyTorch scale by η)
      Eg2[k] = rho * Eg2[k] + (T(1) - rho) * g[k] * g[k];
      const T delta = -std::sqrt(Edx2[k] + eps) / std::sqrt(Eg2[k] + eps) * g[k];
      Edx2[k] = rho * Edx2[k] + (T(1) - rho) * delta * delta;
      theta[k] += eta * delta;
    }
  }
}

template class Adadelta<float>;
template class Adadelta<double>;

}  // namespace lecon
