#pragma once
// Adam (Kingma & Ba 2015): momentum on the gradient (first moment m) and RMSprop's scaling (second moment
// v), both started at 0. keras' defaults: η = 0.001, β1 = 0.9, β2 = 0.999, ε = 1e-7. Three forms
// (convention.hpp): Convention::keras (the default) and Convention::pytorch correct m and v for their start
// at 0 and differ in where ε goes (pytorch = the paper's Algorithm 1, whose ε defaults to 1e-8);
// Convention::slide is the slide's formula, which has no bias correction.
#include <cmath>
#include <string>
#include <vector>

#include "lecon/backprop/optimizer.hpp"
#include "lecon/optimizers/convention.hpp"

namespace lecon {

template <typename T>
class Adam : public Optimizer<T> {
 public:
  explicit Adam(double learning_rate = 0.001, double beta_1 = 0.9, double beta_2 = 0.999, double epsilon = 1e-7,
                Convention convention = Convention::keras)
      : beta_1_(beta_1), beta_2_(beta_2), epsilon_(epsilon), convention_(convention) {
    this->set_learning_rate(learning_rate);
    this->require(beta_1 >= 0 && beta_1 < 1, "beta_1 must be in [0, 1)", beta_1);
    this->require(beta_2 >= 0 && beta_2 < 1, "beta_2 must be in [0, 1)", beta_2);
    this->require_epsilon(epsilon);
  }
  std::string name() const override { return "Adam"; }
  std::map<std::string, double> config() const override {
    std::map<std::string, double> c{{"beta_1", beta_1_}, {"beta_2", beta_2_}, {"epsilon", epsilon_}, {"pytorch_epsilon", convention_ == Convention::pytorch ? 1.0 : 0.0}};
    if (convention_ == Convention::slide) c["slide_form"] = 1;  // only then: older checkpoints keep their config
    return c;
  }

 protected:
  void update(const std::vector<Param<T>*>& params) override;  // the rule: src/adam.cpp

  std::vector<typename Optimizer<T>::StateBuffer> state_buffers() override {
    return {{"m", &first_moment_, 0.0}, {"v", &second_moment_, 0.0, true}};
  }

 private:
  double beta_1_, beta_2_, epsilon_;
  Convention convention_;
  std::vector<arma::Mat<T>> first_moment_;   // m, one per parameter
  std::vector<arma::Mat<T>> second_moment_;  // v, one per parameter
};

extern template class Adam<float>;
extern template class Adam<double>;

}  // namespace lecon
