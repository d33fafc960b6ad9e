#pragma once
// RMSprop (Tieleman & Hinton 2012), with keras' defaults: η = 0.001, ρ = 0.9, ε = 1e-7.
// ε is added outside the square root, as keras 2 and PyTorch do; Convention::slide puts it inside, as the
// slide (and keras 3) write it: θ <- θ - η/√(E[g²] + ε) · g.
#include <cmath>
#include <string>
#include <vector>

#include "lecon/backprop/optimizer.hpp"
#include "lecon/optimizers/convention.hpp"

namespace lecon {

template <typename T>
class RMSprop : public Optimizer<T> {
 public:
  explicit RMSprop(double learning_rate = 0.001, double rho = 0.9, double epsilon = 1e-7, Convention convention = Convention::keras)
      : rho_(rho), epsilon_(epsilon), slide_(convention == Convention::slide) {
    this->set_learning_rate(learning_rate);
    this->require(rho >= 0 && rho < 1, "rho must be in [0, 1)", rho);
    this->require_epsilon(epsilon);
  }
  std::string name() const override { return "RMSprop"; }
  std::map<std::string, double> config() const override {
    std::map<std::string, double> c{{"rho", rho_}, {"epsilon", epsilon_}};
    if (slide_) c["slide_form"] = 1;  // only then: checkpoints of the keras/PyTorch form keep their config
    return c;
  }

 protected:
  void update(const std::vector<Param<T>*>& params) override;  // the rule: src/rmsprop.cpp

  std::vector<typename Optimizer<T>::StateBuffer> state_buffers() override { return {{"mean_square", &mean_square_, 0.0, true}}; }

 private:
  double rho_, epsilon_;
  bool slide_;
  std::vector<arma::Mat<T>> mean_square_;  // r = E[g²], one per parameter
};

extern template class RMSprop<float>;
extern template class RMSprop<double>;

}  // namespace lecon
