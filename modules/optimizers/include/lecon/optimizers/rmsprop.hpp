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
    this->require(epsilon >= 0, "epsilon must be >= 0", epsilon);
  }
  std::string name() const override { return "RMSprop"; }
  std::map<std::string, double> config() const override {
    std::map<std::string, double> c{{"rho", rho_}, {"epsilon", epsilon_}};
    if (slide_) c["slide_form"] = 1;  // only then: checkpoints of the keras/PyTorch form keep their config
    return c;
  }

 protected:
  void update(const std::vector<Param<T>*>& params) override {
    const T eta = static_cast<T>(this->learning_rate()), rho = static_cast<T>(rho_);
    // keras 2, PyTorch: ε added to the root; the slide: ε inside it. The other one is 0.
    const T eps_outside = static_cast<T>(slide_ ? 0.0 : epsilon_), eps_inside = static_cast<T>(slide_ ? epsilon_ : 0.0);
    for (std::size_t i = 0; i < params.size(); ++i) {
      T* theta = params[i]->value.memptr();
      const T* g = params[i]->grad.memptr();
      T* r = mean_square_[i].memptr();
      const std::ptrdiff_t n = static_cast<std::ptrdiff_t>(params[i]->value.n_elem);
#pragma omp parallel for simd schedule(static) if (parallel: n > 65536)
      for (std::ptrdiff_t k = 0; k < n; ++k) {
        // [slide: RMSprop]  r <- ρ r + (1 - ρ) g²,   θ <- θ - η/√(r + ε) · g    (keras 2, PyTorch: η g / (√r + ε))
        r[k] = rho * r[k] + (T(1) - rho) * g[k] * g[k];
        theta[k] -= eta * g[k] / (std::sqrt(r[k] + eps_inside) + eps_outside);
      }
    }
  }

  std::vector<typename Optimizer<T>::StateBuffer> state_buffers() override { return {{"mean_square", &mean_square_, 0.0, true}}; }

 private:
  double rho_, epsilon_;
  bool slide_;
  std::vector<arma::Mat<T>> mean_square_;  // r = E[g²], one per parameter
};

}  // namespace lecon
