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
      for (Param<T>* p : params) p->value -= eta * p->grad;
      return;
    }
    if (velocity_.size() != params.size()) {
      velocity_.clear();
      for (Param<T>* p : params) velocity_.emplace_back(arma::size(p->value), arma::fill::zeros);
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
      Param<T>& p = *params[i];
      arma::Mat<T>& v = velocity_[i];
      // [slide: momentum]  v <- μ v - η ∇L(θ),  θ <- θ + v
      v = mu * v - eta * p.grad;
      // [slide: Nesterov accelerated gradient]  θ <- θ + μ v - η ∇L(θ)  (the look-ahead form keras uses)
      if (nesterov_) p.value += mu * v - eta * p.grad;
      else p.value += v;
    }
  }

 private:
  double learning_rate_, momentum_;
  bool nesterov_;
  std::vector<arma::Mat<T>> velocity_;
};

}  // namespace lecon
