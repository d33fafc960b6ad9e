#pragma once
// Adagrad (Duchi, Hazan & Singer 2011): every weight gets its own step size, η divided by the root of the
// sum of all its squared gradients so far. Defaults of keras 2 (the R interface the lecture uses):
// η = 0.01, ε = 1e-7, G starts at 0; PyTorch computes the same rule (its ε defaults to 1e-10), both with ε
// added to the root as in the paper (δ + √G). Convention::slide puts ε inside the root, as the slide writes.
#include <cmath>
#include <string>
#include <vector>

#include "lecon/backprop/optimizer.hpp"
#include "lecon/optimizers/convention.hpp"

namespace lecon {

template <typename T>
class Adagrad : public Optimizer<T> {
 public:
  explicit Adagrad(double learning_rate = 0.01, double epsilon = 1e-7, double initial_accumulator = 0.0,
                   Convention convention = Convention::keras)
      : epsilon_(epsilon), initial_accumulator_(initial_accumulator), slide_(convention == Convention::slide) {
    this->set_learning_rate(learning_rate);
    this->require(epsilon >= 0, "epsilon must be >= 0", epsilon);
    this->require(initial_accumulator >= 0, "initial accumulator must be >= 0", initial_accumulator);
    // With both 0, a weight whose gradients were all 0 so far steps by 0/0.
    this->require(static_cast<T>(epsilon) > 0 || static_cast<T>(initial_accumulator) > 0,
                  "epsilon or the initial accumulator must be > 0 (with both 0 a weight whose gradients were all 0 would step by 0/0); epsilon", epsilon);
  }
  std::string name() const override { return "Adagrad"; }
  std::map<std::string, double> config() const override {
    std::map<std::string, double> c{{"epsilon", epsilon_}, {"initial_accumulator", initial_accumulator_}};
    if (slide_) c["slide_form"] = 1;  // only then: checkpoints of the keras/PyTorch form keep their config
    return c;
  }

 protected:
  void update(const std::vector<Param<T>*>& params) override;  // the rule: src/adagrad.cpp

  std::vector<typename Optimizer<T>::StateBuffer> state_buffers() override {
    return {{"sum_of_squares", &sum_of_squares_, initial_accumulator_, true}};
  }

 private:
  double epsilon_, initial_accumulator_;
  bool slide_;
  std::vector<arma::Mat<T>> sum_of_squares_;  // G = Σ g², one per parameter
};

extern template class Adagrad<float>;
extern template class Adagrad<double>;

}  // namespace lecon
