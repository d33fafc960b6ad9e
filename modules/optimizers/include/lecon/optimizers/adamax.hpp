#pragma once
// AdaMax (Kingma & Ba 2015, §7.1): Adam with the L2 norm of past gradients replaced by the L∞ norm,
// u = max(β2 u, |g|) per weight, which needs no bias correction. keras' defaults: η = 0.002, β1 = 0.9,
// β2 = 0.999, ε = 1e-7. The paper has no ε; keras adds it to u (Convention::keras), PyTorch to |g| inside the
// maximum (Convention::pytorch). Convention::slide is the slide's AdaMax: u a decaying AVERAGE of the norm
// ‖g‖∞ of the whole gradient tensor, one scalar per parameter tensor, and no bias correction.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "lecon/backprop/optimizer.hpp"
#include "lecon/optimizers/convention.hpp"

namespace lecon {

template <typename T>
class AdaMax : public Optimizer<T> {
 public:
  explicit AdaMax(double learning_rate = 0.002, double beta_1 = 0.9, double beta_2 = 0.999, double epsilon = 1e-7,
                  Convention convention = Convention::keras)
      : beta_1_(beta_1), beta_2_(beta_2), epsilon_(epsilon), convention_(convention) {
    this->set_learning_rate(learning_rate);
    this->require(beta_1 >= 0 && beta_1 < 1, "beta_1 must be in [0, 1)", beta_1);
    this->require(beta_2 >= 0 && beta_2 < 1, "beta_2 must be in [0, 1)", beta_2);
    this->require_epsilon(epsilon);
  }
  std::string name() const override { return "AdaMax"; }
  std::map<std::string, double> config() const override {
    std::map<std::string, double> c{{"beta_1", beta_1_}, {"beta_2", beta_2_}, {"epsilon", epsilon_}, {"pytorch_epsilon", convention_ == Convention::pytorch ? 1.0 : 0.0}};
    if (convention_ == Convention::slide) c["slide_form"] = 1;  // only then: older checkpoints keep their config
    return c;
  }

 protected:
  void update(const std::vector<Param<T>*>& params) override;  // the rule: src/adamax.cpp

  // The slide's form. u is one number per parameter tensor; it is kept in a matrix shaped like the
  // parameter, every entry the same, so that checkpoints save and check it like every other state.
  void update_slide(const std::vector<Param<T>*>& params);  // src/adamax.cpp

  std::vector<typename Optimizer<T>::StateBuffer> state_buffers() override {
    return {{"m", &first_moment_, 0.0}, {"u", &infinity_norm_, 0.0, true}};
  }

 private:
  double beta_1_, beta_2_, epsilon_;
  Convention convention_;
  std::vector<arma::Mat<T>> first_moment_;   // m, one per parameter
  std::vector<arma::Mat<T>> infinity_norm_;  // u, one per parameter (slide: one number, in every entry)
};

extern template class AdaMax<float>;
extern template class AdaMax<double>;

}  // namespace lecon
