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
  const bool slide = slide_;
  for_each_share(entry_counts(params), kParallelStep, [&params, this, slide, eta, rho, eps](std::size_t i, std::size_t begin, std::size_t end) {
    T* __restrict theta = params[i]->value.memptr();
    const T* __restrict g = params[i]->grad.memptr();
    T* __restrict Eg2 = mean_square_gradient_[i].memptr();
    if (slide) {
#pragma omp simd
      for (std::size_t k = begin; k < end; ++k) {
        // [slide: Adadelta]  E[g²] <- γ E[g²] + (1 - γ) g²,   θ <- θ - η/√(E[g²] + ε) · g
        Eg2[k] = rho * Eg2[k] + (T(1) - rho) * g[k] * g[k];
        theta[k] -= eta * g[k] / std::sqrt(Eg2[k] + eps);
      }
      return;
    }
    T* __restrict Edx2 = mean_square_update_[i].memptr();
#pragma omp simd
    for (std::size_t k = begin; k < end; ++k) {
      // Zeiler 2012 (Algorithm 1):  E[g²] <- ρ E[g²] + (1 - ρ) g²
      //   Δθ = - RMS[Δθ]_{t-1} / RMS[g]_t · g,   RMS[x] = √(E[x²] + ε)
      //   E[Δθ²] <- ρ E[Δθ²] + (1 - ρ) Δθ²,   θ <- θ + η Δθ   (η = 1: Zeiler's rule; keras and PyTorch scale by η)
      Eg2[k] = rho * Eg2[k] + (T(1) - rho) * g[k] * g[k];
      const T delta = -std::sqrt(Edx2[k] + eps) / std::sqrt(Eg2[k] + eps) * g[k];
      Edx2[k] = rho * Edx2[k] + (T(1) - rho) * delta * delta;
      theta[k] += eta * delta;
    }
  });
}

template class Adadelta<float>;
template class Adadelta<double>;

}  // namespace lecon
