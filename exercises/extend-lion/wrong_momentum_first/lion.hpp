#pragma once
// WRONG: m updated before c is formed, so the step uses the new momentum (β2) instead of the β1 interpolation of the old one
// Lion, "EvoLved Sign Momentum" [paper: Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms",
// Algorithm 2]: the update is the sign of an interpolation between the momentum and the gradient, so every
// weight moves by exactly ±η (plus decoupled weight decay). A new optimizer through the public Optimizer
// interface (exercise extend-lion, docs/exercises.md).
//   c <- β1 m + (1 - β1) g
//   θ <- θ - η (sign(c) + λ θ)        (λ θ: the pre-step weights, decoupled decay as in AdamW)
//   m <- β2 m + (1 - β2) g
// The paper's defaults: β1 = 0.9, β2 = 0.99; η 3-10x smaller than AdamW's, λ 3-10x larger.
#include <string>
#include <vector>

#include "lecon/backprop/optimizer.hpp"

namespace lecon {

template <typename T>
class Lion : public Optimizer<T> {
 public:
  explicit Lion(double learning_rate = 1e-4, double beta_1 = 0.9, double beta_2 = 0.99, double weight_decay = 0.0)
      : beta_1_(beta_1), beta_2_(beta_2), weight_decay_(weight_decay) {
    this->set_learning_rate(learning_rate);
    this->require(beta_1 >= 0 && beta_1 < 1, "beta_1 must be in [0, 1)", beta_1);
    this->require(beta_2 >= 0 && beta_2 < 1, "beta_2 must be in [0, 1)", beta_2);
    this->require(weight_decay >= 0, "weight_decay must be >= 0", weight_decay);
  }
  std::string name() const override { return "Lion"; }
  std::map<std::string, double> config() const override {
    return {{"beta_1", beta_1_}, {"beta_2", beta_2_}, {"weight_decay", weight_decay_}};
  }

 protected:
  void update(const std::vector<Param<T>*>& params) override {
    const T eta = static_cast<T>(this->learning_rate()), b1 = static_cast<T>(beta_1_), b2 = static_cast<T>(beta_2_);
    const T lambda = static_cast<T>(weight_decay_);
    for (std::size_t i = 0; i < params.size(); ++i) {
      T* theta = params[i]->value.memptr();
      const T* g = params[i]->grad.memptr();
      T* m = momentum_[i].memptr();
      for (arma::uword k = 0; k < params[i]->value.n_elem; ++k) {
        m[k] = b2 * m[k] + (T(1) - b2) * g[k];
        const T c = b1 * m[k] + (T(1) - b1) * g[k];
        const T sign = static_cast<T>((c > 0) - (c < 0));
        theta[k] -= eta * (sign + lambda * theta[k]);
      }
    }
  }

  std::vector<typename Optimizer<T>::StateBuffer> state_buffers() override { return {{"m", &momentum_, 0.0}}; }

 private:
  double beta_1_, beta_2_, weight_decay_;
  std::vector<arma::Mat<T>> momentum_;  // m, one per parameter
};

}  // namespace lecon
