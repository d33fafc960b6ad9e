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
  }
  std::string name() const override { return "Adagrad"; }
  std::map<std::string, double> config() const override {
    std::map<std::string, double> c{{"epsilon", epsilon_}, {"initial_accumulator", initial_accumulator_}};
    if (slide_) c["slide_form"] = 1;  // only then: checkpoints of the keras/PyTorch form keep their config
    return c;
  }

 protected:
  void update(const std::vector<Param<T>*>& params) override {
    const T eta = static_cast<T>(this->learning_rate());
    // keras, PyTorch, the paper: ε added to the root; the slide: ε inside it. The other one is 0.
    const T eps_outside = static_cast<T>(slide_ ? 0.0 : epsilon_), eps_inside = static_cast<T>(slide_ ? epsilon_ : 0.0);
    for (std::size_t i = 0; i < params.size(); ++i) {
      T* theta = params[i]->value.memptr();
      const T* g = params[i]->grad.memptr();
      T* G = sum_of_squares_[i].memptr();
      const std::ptrdiff_t n = static_cast<std::ptrdiff_t>(params[i]->value.n_elem);
#pragma omp parallel for simd schedule(static) if (parallel: n > 65536)
      for (std::ptrdiff_t k = 0; k < n; ++k) {
        // [slide: Adagrad]  G <- G + g²,   θ <- θ - η/√(G + ε) · g     (keras, PyTorch: θ <- θ - η g / (√G + ε))
        G[k] += g[k] * g[k];
        theta[k] -= eta * g[k] / (std::sqrt(G[k] + eps_inside) + eps_outside);
      }
    }
  }

  std::vector<typename Optimizer<T>::StateBuffer> state_buffers() override {
    return {{"sum_of_squares", &sum_of_squares_, initial_accumulator_, true}};
  }

 private:
  double epsilon_, initial_accumulator_;
  bool slide_;
  std::vector<arma::Mat<T>> sum_of_squares_;  // G = Σ g², one per parameter
};

}  // namespace lecon
