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
      Param<T>& p = *params[i];
      arma::Mat<T>& r = mean_square_[i];
      // [slide: RMSprop]  r <- ρ r + (1 - ρ) g²,   θ <- θ - η g / (√r + ε)
      r = rho * r + (T(1) - rho) * arma::square(p.grad);
      p.value -= eta * p.grad / (arma::sqrt(r) + eps);
    }
  }

 private:
  double learning_rate_, rho_, epsilon_;
  std::vector<arma::Mat<T>> mean_square_;
};

}  // namespace lecon
