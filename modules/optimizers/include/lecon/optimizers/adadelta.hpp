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
    this->require(epsilon > 0, "epsilon must be > 0 (it starts the updates)", epsilon);
  }
  std::string name() const override { return "Adadelta"; }
  std::map<std::string, double> config() const override {
    std::map<std::string, double> c{{"rho", rho_}, {"epsilon", epsilon_}};
    if (slide_) c["slide_form"] = 1;  // only then: checkpoints of Zeiler's form keep their config
    return c;
  }

 protected:
  void update(const std::vector<Param<T>*>& params) override {
    const T eta = static_cast<T>(this->learning_rate()), rho = static_cast<T>(rho_), eps = static_cast<T>(epsilon_);
    for (std::size_t i = 0; i < params.size(); ++i) {
      T* theta = params[i]->value.memptr();
      const T* g = params[i]->grad.memptr();
      T* Eg2 = mean_square_gradient_[i].memptr();
      const std::ptrdiff_t n = static_cast<std::ptrdiff_t>(params[i]->value.n_elem);
      if (slide_) {
#pragma omp parallel for simd schedule(static) if (parallel: n > 65536)
        for (std::ptrdiff_t k = 0; k < n; ++k) {
          // [slide: Adadelta]  E[g²] <- γ E[g²] + (1 - γ) g²,   θ <- θ - η/√(E[g²] + ε) · g
          Eg2[k] = rho * Eg2[k] + (T(1) - rho) * g[k] * g[k];
          theta[k] -= eta * g[k] / std::sqrt(Eg2[k] + eps);
        }
        continue;
      }
      T* Edx2 = mean_square_update_[i].memptr();
#pragma omp parallel for simd schedule(static) if (parallel: n > 65536)
      for (std::ptrdiff_t k = 0; k < n; ++k) {
        // Zeiler 2012 (Algorithm 1):  E[g²] <- ρ E[g²] + (1 - ρ) g²
        //   Δθ = - RMS[Δθ]_{t-1} / RMS[g]_t · g,   RMS[x] = √(E[x²] + ε)
        //   E[Δθ²] <- ρ E[Δθ²] + (1 - ρ) Δθ²,   θ <- θ + η Δθ   (η = 1: Zeiler's rule; keras and PyTorch scale by η)
        Eg2[k] = rho * Eg2[k] + (T(1) - rho) * g[k] * g[k];
        const T delta = -std::sqrt(Edx2[k] + eps) / std::sqrt(Eg2[k] + eps) * g[k];
        Edx2[k] = rho * Edx2[k] + (T(1) - rho) * delta * delta;
        theta[k] += eta * delta;
      }
    }
  }

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

}  // namespace lecon
