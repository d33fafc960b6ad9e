// SGD's update rule (the class and its comments: lecon/optimizers/sgd.hpp). Compiled once for float and
// double, so the rule lives in one place a student can read, edit and swap (docs/exercises.md).
#include "lecon/optimizers/sgd.hpp"

#include <algorithm>
#include <cmath>

#include "lecon/core/parallel.hpp"

namespace lecon {

template <typename T>
void SGD<T>::update(const std::vector<Param<T>*>& params) {
  const T eta = static_cast<T>(this->learning_rate()), mu = static_cast<T>(momentum_);
  if (momentum_ == 0) {
    for (Param<T>* p : params) {
      T* theta = p->value.memptr();
      const T* g = p->grad.memptr();
      const std::ptrdiff_t n = static_cast<std::ptrdiff_t>(p->value.n_elem);
      // SGD's loops are a few operations per weight, bound by memory: threads only above kParallelPass (2^20)
      // weights (lecon/core/parallel.hpp), SIMD always. Below it, waking the second thread costs more than it
      // saves: 262,144 weights took 86 µs on one thread and 128 µs on two (docs/optimizers.md, "Speed"). The
      // `parallel:` matters: since OpenMP 5 a bare if(...) applies to the simd part too, and small parameters
      // (biases, small layers) then ran unvectorized, 4x slower (GCC 12).
#pragma omp parallel for simd schedule(static) if (parallel: n > static_cast<std::ptrdiff_t>(kParallelPass))
      for (std::ptrdiff_t k = 0; k < n; ++k) {
        // [slide: gradient descent]  θ <- θ - η ∇L(θ)
        theta[k] -= eta * g[k];
      }
    }
    return;
  }
  // EXERCISE sgd-momentum BEGIN
  const bool nesterov = nesterov_;
  for (std::size_t i = 0; i < params.size(); ++i) {
    T* theta = params[i]->value.memptr();
    const T* g = params[i]->grad.memptr();
    T* v = velocity_[i].memptr();
    const std::ptrdiff_t n = static_cast<std::ptrdiff_t>(params[i]->value.n_elem);
    // One fused pass over θ, g and v (memory-bound: one pass instead of three Armadillo expressions).
#pragma omp parallel for simd schedule(static) if (parallel: n > static_cast<std::ptrdiff_t>(kParallelPass))
    for (std::ptrdiff_t k = 0; k < n; ++k) {
      // [slide: momentum]  v <- μ v - η ∇L(θ),  θ <- θ + v
      v[k] = mu * v[k] - eta * g[k];
      // [slide: Nesterov accelerated gradient]  θ <- θ + μ v - η ∇L(θ)  (the look-ahead form keras uses)
      theta[k] += nesterov ? mu * v[k] - eta * g[k] : v[k];
    }
  }
  // EXERCISE sgd-momentum END
}

template class SGD<float>;
template class SGD<double>;

}  // namespace lecon
