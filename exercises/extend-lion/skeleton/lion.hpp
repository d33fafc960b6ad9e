#pragma once
// Lion, "EvoLved Sign Momentum" [paper: Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms",
// Algorithm 2]. Exercise extend-lion (docs/exercises.md): a new optimizer through the public Optimizer interface.
//   c <- β1 m + (1 - β1) g
//   θ <- θ - η (sign(c) + λ θ)        (λ θ: the pre-step weights, decoupled decay as in AdamW)
//   m <- β2 m + (1 - β2) g
// Defaults: η = 1e-4, β1 = 0.9, β2 = 0.99, λ = 0. Read modules/optimizers/include/lecon/optimizers/adam.hpp
// and src/adam.cpp first: Lion is built the same way.
#include <string>
#include <vector>

#include "lecon/backprop/optimizer.hpp"
#include "lecon/core/error.hpp"

namespace lecon {

template <typename T>
class Lion : public Optimizer<T> {
 public:
  explicit Lion(double learning_rate = 1e-4, double beta_1 = 0.9, double beta_2 = 0.99, double weight_decay = 0.0)
      : beta_1_(beta_1), beta_2_(beta_2), weight_decay_(weight_decay) {
    this->set_learning_rate(learning_rate);
    // TODO: check beta_1 and beta_2 in [0, 1) and weight_decay >= 0 with this->require(ok, what, value)
  }
  std::string name() const override { return "Lion"; }
  std::map<std::string, double> config() const override {
    return {{"beta_1", beta_1_}, {"beta_2", beta_2_}, {"weight_decay", weight_decay_}};
  }

 protected:
  void update(const std::vector<Param<T>*>& params) override {
    // TODO: for every parameter i and entry k: the three lines above. momentum_[i] is m for params[i]
    // (the base class sizes it before the first step, from state_buffers()); sign(0) is 0.
    throw Error("exercise extend-lion: Lion::update not done yet");
  }

  // The state a checkpoint saves: m, one matrix per parameter, starting at 0.
  std::vector<typename Optimizer<T>::StateBuffer> state_buffers() override { return {{"m", &momentum_, 0.0}}; }

 private:
  double beta_1_, beta_2_, weight_decay_;
  std::vector<arma::Mat<T>> momentum_;  // m, one per parameter
};

}  // namespace lecon
