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
  // SGD's passes are a few operations per weight, bound by memory. The whole step is one parallel region from
  // kParallelStep (2^18) weights in all, each thread updating its share of every parameter (for_each_share,
  // lecon/core/parallel.hpp); smaller models step on the calling thread: trained online, with the pool asleep
  // between steps, waking it would cost more than it saves. The loops are `omp simd` at any size
  // (docs/optimizers.md, "Speed").
  const std::vector<std::size_t> sizes = entry_counts(params);
  if (momentum_ == 0) {
    for_each_share(sizes, kParallelStep, [&params, eta](std::size_t i, std::size_t begin, std::size_t end) {
      T* __restrict theta = params[i]->value.memptr();
      const T* __restrict g = params[i]->grad.memptr();
#pragma omp simd
      for (std::size_t k = begin; k < end; ++k) {
        // [slide: gradient descent]  θ <- θ - η ∇L(θ)
        theta[k] -= eta * g[k];
      }
    });
    return;
  }
  // EXERCISE sgd-momentum BEGIN
  const bool nesterov = nesterov_;
  // One fused pass over θ, g and v (memory-bound: one pass instead of three Armadillo expressions), over
  // entries [begin, end) of parameter i.
  for_each_share(sizes, kParallelStep, [&params, this, eta, mu, nesterov](std::size_t i, std::size_t begin, std::size_t end) {
    T* __restrict theta = params[i]->value.memptr();
    const T* __restrict g = params[i]->grad.memptr();
    T* __restrict v = velocity_[i].memptr();
#pragma omp simd
    for (std::size_t k = begin; k < end; ++k) {
      // [slide: momentum]  v <- μ v - η ∇L(θ),  θ <- θ + v
      v[k] = mu * v[k] - eta * g[k];
      // [slide: Nesterov accelerated gradient]  θ <- θ + μ v - η ∇L(θ)  (the look-ahead form keras uses)
      theta[k] += nesterov ? mu * v[k] - eta * g[k] : v[k];
    }
  });
  // EXERCISE sgd-momentum END
}

template class SGD<float>;
template class SGD<double>;

}  // namespace lecon
