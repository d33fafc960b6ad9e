#pragma once
// RMSprop (Tieleman & Hinton 2012), with keras' defaults.
#include <cmath>
#include <vector>

#include "lecon/backprop/optimizer.hpp"
#include "lecon/core/error.hpp"

namespace lecon {

template <typename T>
class RMSprop : public Optimizer<T> {
 public:
  explicit RMSprop(double learning_rate = 0.001, double rho = 0.9, double epsilon = 1e-7)
      : learning_rate_(learning_rate), rho_(rho), epsilon_(epsilon) {
    if (!(learning_rate > 0)) throw OptionError("RMSprop: learning rate must be positive, got " + std::to_string(learning_rate));
    if (!(rho >= 0 && rho < 1)) throw OptionError("RMSprop: rho must be in [0, 1), got " + std::to_string(rho));
  }
  std::string name() const override { return "RMSprop"; }

  void step(const std::vector<Param<T>*>& params) override {
    if (mean_square_.size() != params.size()) {
      mean_square_.clear();
      for (Param<T>* p : params) mean_square_.emplace_back(arma::size(p->value), arma::fill::zeros);
    }
    const T eta = static_cast<T>(learning_rate_), rho = static_cast<T>(rho_), eps = static_cast<T>(epsilon_);
    for (std::size_t i = 0; i < params.size(); ++i) {
      T* theta = params[i]->value.memptr();
      const T* g = params[i]->grad.memptr();
      T* r = mean_square_[i].memptr();
      const std::ptrdiff_t n = static_cast<std::ptrdiff_t>(params[i]->value.n_elem);
#pragma omp parallel for schedule(static) if (n > 65536)
      for (std::ptrdiff_t k = 0; k < n; ++k) {
        // [slide: RMSprop]  r <- ρ r + (1 - ρ) g²,   θ <- θ - η g / (√r + ε)
        r[k] = rho * r[k] + (T(1) - rho) * g[k] * g[k];
        theta[k] -= eta * g[k] / (std::sqrt(r[k]) + eps);
      }
    }
  }

 private:
  double learning_rate_, rho_, epsilon_;
  std::vector<arma::Mat<T>> mean_square_;
};

}  // namespace lecon
