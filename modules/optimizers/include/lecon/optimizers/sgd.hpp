#pragma once
// Stochastic gradient descent, with optional momentum and Nesterov's look-ahead.
#include <vector>

#include "lecon/backprop/optimizer.hpp"
#include "lecon/core/error.hpp"

namespace lecon {

template <typename T>
class SGD : public Optimizer<T> {
 public:
  explicit SGD(double learning_rate = 0.01, double momentum = 0.0, bool nesterov = false)
      : learning_rate_(learning_rate), momentum_(momentum), nesterov_(nesterov) {
    if (!(learning_rate > 0)) throw OptionError("SGD: learning rate must be positive, got " + std::to_string(learning_rate));
    if (!(momentum >= 0 && momentum < 1)) throw OptionError("SGD: momentum must be in [0, 1), got " + std::to_string(momentum));
  }
  std::string name() const override { return momentum_ > 0 ? (nesterov_ ? "SGD (Nesterov)" : "SGD (momentum)") : "SGD"; }

  void step(const std::vector<Param<T>*>& params) override {
    const T eta = static_cast<T>(learning_rate_), mu = static_cast<T>(momentum_);
    if (momentum_ == 0) {
      // [slide: gradient descent]  θ <- θ - η ∇L(θ)
      for (Param<T>* p : params) {
        T* theta = p->value.memptr();
        const T* g = p->grad.memptr();
        const std::ptrdiff_t n = static_cast<std::ptrdiff_t>(p->value.n_elem);
#pragma omp parallel for schedule(static) if (n > 65536)
        for (std::ptrdiff_t k = 0; k < n; ++k) theta[k] -= eta * g[k];
      }
      return;
    }
    if (velocity_.size() != params.size()) {
      velocity_.clear();
      for (Param<T>* p : params) velocity_.emplace_back(arma::size(p->value), arma::fill::zeros);
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
      T* theta = params[i]->value.memptr();
      const T* g = params[i]->grad.memptr();
      T* v = velocity_[i].memptr();
      const std::ptrdiff_t n = static_cast<std::ptrdiff_t>(params[i]->value.n_elem);
      // One fused pass over θ, g and v (memory-bound: one pass instead of three Armadillo expressions).
#pragma omp parallel for schedule(static) if (n > 65536)
      for (std::ptrdiff_t k = 0; k < n; ++k) {
        // [slide: momentum]  v <- μ v - η ∇L(θ),  θ <- θ + v
        v[k] = mu * v[k] - eta * g[k];
        // [slide: Nesterov accelerated gradient]  θ <- θ + μ v - η ∇L(θ)  (the look-ahead form keras uses)
        theta[k] += nesterov_ ? mu * v[k] - eta * g[k] : v[k];
      }
    }
  }

 private:
  double learning_rate_, momentum_;
  bool nesterov_;
  std::vector<arma::Mat<T>> velocity_;
};

}  // namespace lecon
