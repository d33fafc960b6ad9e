#pragma once
// AMSGrad (Reddi, Kale & Kumar 2018): Adam whose denominator never shrinks. Adam can fail to converge
// because a large, rare gradient is forgotten by v (β2 < 1) and the step grows again; AMSGrad divides by
// the largest v so far. Convention::keras (default; keras' Adam(amsgrad = TRUE)) and Convention::pytorch
// bias-correct m and v like Adam's and place ε as Adam's do; Convention::slide is the slide's formula without
// bias correction, which is also Reddi et al.'s Algorithm 2 with a constant η and β1 (plus ε).
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "lecon/backprop/optimizer.hpp"
#include "lecon/optimizers/convention.hpp"

namespace lecon {

template <typename T>
class AMSGrad : public Optimizer<T> {
 public:
  explicit AMSGrad(double learning_rate = 0.001, double beta_1 = 0.9, double beta_2 = 0.999, double epsilon = 1e-7,
                   Convention convention = Convention::keras)
      : beta_1_(beta_1), beta_2_(beta_2), epsilon_(epsilon), convention_(convention) {
    this->set_learning_rate(learning_rate);
    this->require(beta_1 >= 0 && beta_1 < 1, "beta_1 must be in [0, 1)", beta_1);
    this->require(beta_2 >= 0 && beta_2 < 1, "beta_2 must be in [0, 1)", beta_2);
    this->require_epsilon(epsilon);
  }
  std::string name() const override { return "AMSGrad"; }
  std::map<std::string, double> config() const override {
    std::map<std::string, double> c{{"beta_1", beta_1_}, {"beta_2", beta_2_}, {"epsilon", epsilon_}, {"pytorch_epsilon", convention_ == Convention::pytorch ? 1.0 : 0.0}};
    if (convention_ == Convention::slide) c["slide_form"] = 1;  // only then: older checkpoints keep their config
    return c;
  }

 protected:
  void update(const std::vector<Param<T>*>& params) override;  // the rule: src/amsgrad.cpp

  std::vector<typename Optimizer<T>::StateBuffer> state_buffers() override {
    return {{"m", &first_moment_, 0.0}, {"v", &second_moment_, 0.0, true}, {"v_max", &largest_second_moment_, 0.0, true}};
  }

 private:
  double beta_1_, beta_2_, epsilon_;
  Convention convention_;
  std::vector<arma::Mat<T>> first_moment_;           // m, one per parameter
  std::vector<arma::Mat<T>> second_moment_;          // v, one per parameter
  std::vector<arma::Mat<T>> largest_second_moment_;  // v_max, one per parameter
};

extern template class AMSGrad<float>;
extern template class AMSGrad<double>;

}  // namespace lecon
