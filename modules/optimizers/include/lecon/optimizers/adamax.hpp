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
    this->require(epsilon >= 0, "epsilon must be >= 0", epsilon);
  }
  std::string name() const override { return "AdaMax"; }
  std::map<std::string, double> config() const override {
    std::map<std::string, double> c{{"beta_1", beta_1_}, {"beta_2", beta_2_}, {"epsilon", epsilon_}, {"pytorch_epsilon", convention_ == Convention::pytorch ? 1.0 : 0.0}};
    if (convention_ == Convention::slide) c["slide_form"] = 1;  // only then: older checkpoints keep their config
    return c;
  }

 protected:
  void update(const std::vector<Param<T>*>& params) override {
    if (convention_ == Convention::slide) return update_slide(params);
    const double t = static_cast<double>(this->iterations());
    const T alpha = static_cast<T>(this->learning_rate() / (1 - std::pow(beta_1_, t)));
    // keras: ε added to u after the maximum; pytorch: ε added to |g| inside it. The other one is 0.
    const bool keras = convention_ == Convention::keras;
    const T eps_outside = static_cast<T>(keras ? epsilon_ : 0.0), eps_inside = static_cast<T>(keras ? 0.0 : epsilon_);
    const T b1 = static_cast<T>(beta_1_), b2 = static_cast<T>(beta_2_);
    for (std::size_t i = 0; i < params.size(); ++i) {
      T* theta = params[i]->value.memptr();
      const T* g = params[i]->grad.memptr();
      T* m = first_moment_[i].memptr();
      T* u = infinity_norm_[i].memptr();
      const std::ptrdiff_t n = static_cast<std::ptrdiff_t>(params[i]->value.n_elem);
#pragma omp parallel for simd schedule(static) if (parallel: n > 65536)
      for (std::ptrdiff_t k = 0; k < n; ++k) {
        // Kingma & Ba §7.1:  m <- β1 m + (1 - β1) g,   u <- max(β2 u, |g|),   θ <- θ - η / (1 - β1^t) · m / u
        m[k] = b1 * m[k] + (T(1) - b1) * g[k];
        u[k] = std::max(b2 * u[k], std::abs(g[k]) + eps_inside);
        theta[k] -= alpha * m[k] / (u[k] + eps_outside);
      }
    }
  }

  // The slide's form. u is one number per parameter tensor; it is kept in a matrix shaped like the
  // parameter, every entry the same, so that checkpoints save and check it like every other state.
  void update_slide(const std::vector<Param<T>*>& params) {
    const T eta = static_cast<T>(this->learning_rate()), b1 = static_cast<T>(beta_1_), eps = static_cast<T>(epsilon_);
    for (std::size_t i = 0; i < params.size(); ++i) {
      T* theta = params[i]->value.memptr();
      const T* g = params[i]->grad.memptr();
      T* m = first_moment_[i].memptr();
      arma::Mat<T>& u_all = infinity_norm_[i];
      // [slide: AdaMax]  u <- β2 u + (1 - β2) ‖g‖∞,   ‖g‖∞ = max_k |g_k| over the whole tensor
      const double norm = params[i]->grad.is_empty() ? 0.0 : static_cast<double>(arma::abs(params[i]->grad).max());
      const T u = static_cast<T>(beta_2_ * static_cast<double>(u_all.is_empty() ? T(0) : u_all(0)) + (1 - beta_2_) * norm);
      u_all.fill(u);
      const T step = eta / (u + eps);
      const std::ptrdiff_t n = static_cast<std::ptrdiff_t>(params[i]->value.n_elem);
#pragma omp parallel for simd schedule(static) if (parallel: n > 65536)
      for (std::ptrdiff_t k = 0; k < n; ++k) {
        // [slide: AdaMax]  m <- β1 m + (1 - β1) g,   θ <- θ - η m / (u + ε)
        m[k] = b1 * m[k] + (T(1) - b1) * g[k];
        theta[k] -= step * m[k];
      }
    }
  }

  std::vector<typename Optimizer<T>::StateBuffer> state_buffers() override {
    return {{"m", &first_moment_, 0.0}, {"u", &infinity_norm_, 0.0, true}};
  }

 private:
  double beta_1_, beta_2_, epsilon_;
  Convention convention_;
  std::vector<arma::Mat<T>> first_moment_;   // m, one per parameter
  std::vector<arma::Mat<T>> infinity_norm_;  // u, one per parameter (slide: one number, in every entry)
};

}  // namespace lecon
