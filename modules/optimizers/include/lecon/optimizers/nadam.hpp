#pragma once
// Nadam (Dozat 2016): Adam with Nesterov's momentum, i.e. the step uses the momentum of the NEXT step.
// keras' defaults: η = 0.002, β1 = 0.9, β2 = 0.999, ε = 1e-7, and Dozat's warming momentum schedule
//   μ_t = β1 (1 - ½ · 0.96^(ψ t)),   ψ = schedule_decay = 0.004
// which keras 2 and PyTorch (momentum_decay) use; keras 3 computes 0.96^t, i.e. ψ = 1.
// NadamMomentum::constant is the simplified form with μ_t = β1 that Ruder's overview gives (Ruder 2016, "An
// overview of gradient descent optimization algorithms", arXiv:1609.04747); the lecture's slide follows that
// overview, so NadamMomentum::slide names the same form.
#include <cmath>
#include <string>
#include <vector>

#include "lecon/backprop/optimizer.hpp"

namespace lecon {

enum class NadamMomentum {
  warming,   // μ_t = β1 (1 - ½ · 0.96^(ψ t)) and Dozat's corrections with the product of the μ_i
  constant,  // μ_t = β1: θ <- θ - η / (√v̂ + ε) · (β1 m̂ + (1 - β1) g / (1 - β1^t)),  m̂ = m / (1 - β1^t)
  slide = constant,  // [slide: Nadam], Ruder 2016's form (the rule's Convention::slide)
};

template <typename T>
class Nadam : public Optimizer<T> {
 public:
  explicit Nadam(double learning_rate = 0.002, double beta_1 = 0.9, double beta_2 = 0.999, double epsilon = 1e-7,
                 double schedule_decay = 0.004, NadamMomentum momentum = NadamMomentum::warming)
      : beta_1_(beta_1), beta_2_(beta_2), epsilon_(epsilon), schedule_decay_(schedule_decay), momentum_(momentum) {
    this->set_learning_rate(learning_rate);
    this->require(beta_1 >= 0 && beta_1 < 1, "beta_1 must be in [0, 1)", beta_1);
    this->require(beta_2 >= 0 && beta_2 < 1, "beta_2 must be in [0, 1)", beta_2);
    this->require_epsilon(epsilon);
    this->require(schedule_decay >= 0, "schedule_decay must be >= 0", schedule_decay);
  }
  std::string name() const override { return "Nadam"; }
  std::map<std::string, double> config() const override {
    return {{"beta_1", beta_1_},
            {"beta_2", beta_2_},
            {"epsilon", epsilon_},
            {"schedule_decay", schedule_decay_},
            {"constant_momentum", momentum_ == NadamMomentum::constant ? 1.0 : 0.0}};
  }

  // μ_t of the warming schedule.
  double momentum_at(double t) const { return beta_1_ * (1 - 0.5 * std::pow(0.96, t * schedule_decay_)); }

 protected:
  void update(const std::vector<Param<T>*>& params) override;  // the rule: src/nadam.cpp

  std::vector<typename Optimizer<T>::StateBuffer> state_buffers() override {
    return {{"m", &first_moment_, 0.0}, {"v", &second_moment_, 0.0, true}};
  }
  std::vector<std::pair<std::string, double*>> state_scalars() override { return {{"momentum_product", &momentum_product_}}; }

 private:
  double beta_1_, beta_2_, epsilon_, schedule_decay_;
  NadamMomentum momentum_;
  double momentum_product_ = 1;              // Π_{i≤t} μ_i
  std::vector<arma::Mat<T>> first_moment_;   // m, one per parameter
  std::vector<arma::Mat<T>> second_moment_;  // v, one per parameter
};

extern template class Nadam<float>;
extern template class Nadam<double>;

}  // namespace lecon
