#pragma once
// Adadelta (Zeiler 2012): Adagrad's window of past gradients made a decaying average, and the units fixed
// by scaling with the RMS of past updates, so that the rule needs no learning rate. η = 1 (the default) is
// Zeiler's rule exactly; keras and PyTorch multiply the update by η (keras 2: η = 1, ρ = 0.95, ε = 1e-7;
// keras 3 lowered η to 0.001; PyTorch: η = 1, ρ = 0.9, ε = 1e-6).
// Convention::slide is the slide's Adadelta, which is not Zeiler's: a learning rate over the root of the
// decaying average, θ <- θ - η/√(E[g²] + ε) · g, with the slide's γ = 0.9 (ρ here) and η = 0.001 — RMSprop's
// rule with ε inside the root. Pass them: Adadelta<float>(0.001, 0.9, 1e-7, Convention::slide).
#include <cmath>
#include <string>
#include <vector>

#include "lecon/backprop/optimizer.hpp"
#include "lecon/optimizers/convention.hpp"

namespace lecon {

template <typename T>
class Adadelta : public Optimizer<T> {
 public:
  explicit Adadelta(double learning_rate = 1.0, double rho = 0.95, double epsilon = 1e-7, Convention convention = Convention::keras)
      : rho_(rho), epsilon_(epsilon), slide_(convention == Convention::slide) {
    this->set_learning_rate(learning_rate);
    this->require(rho >= 0 && rho < 1, "rho must be in [0, 1)", rho);
    this->require(epsilon > 0 && static_cast<T>(epsilon) > 0, "epsilon must be > 0 (it starts the updates)", epsilon);
  }
  std::string name() const override { return "Adadelta"; }
  std::map<std::string, double> config() const override {
    std::map<std::string, double> c{{"rho", rho_}, {"epsilon", epsilon_}};
    if (slide_) c["slide_form"] = 1;  // only then: checkpoints of Zeiler's form keep their config
    return c;
  }

 protected:
  void update(const std::vector<Param<T>*>& params) override;  // the rule: src/adadelta.cpp

  std::vector<typename Optimizer<T>::StateBuffer> state_buffers() override {
    if (slide_) return {{"mean_square_gradient", &mean_square_gradient_, 0.0, true}};  // no E[Δθ²] in the slide's form
    return {{"mean_square_gradient", &mean_square_gradient_, 0.0, true}, {"mean_square_update", &mean_square_update_, 0.0, true}};
  }

 private:
  double rho_, epsilon_;
  bool slide_;
  std::vector<arma::Mat<T>> mean_square_gradient_;  // E[g²], one per parameter
  std::vector<arma::Mat<T>> mean_square_update_;    // E[Δθ²], one per parameter
};

extern template class Adadelta<float>;
extern template class Adadelta<double>;

}  // namespace lecon
