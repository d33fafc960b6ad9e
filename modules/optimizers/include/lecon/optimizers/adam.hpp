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
    this->require(epsilon >= 0, "epsilon must be >= 0", epsilon);
  }
  std::string name() const override { return "Adam"; }
  std::map<std::string, double> config() const override {
    std::map<std::string, double> c{{"beta_1", beta_1_}, {"beta_2", beta_2_}, {"epsilon", epsilon_}, {"pytorch_epsilon", convention_ == Convention::pytorch ? 1.0 : 0.0}};
    if (convention_ == Convention::slide) c["slide_form"] = 1;  // only then: older checkpoints keep their config
    return c;
  }

 protected:
  void update(const std::vector<Param<T>*>& params) override {
    // [slide: Adam]  θ <- θ - η m / (√v + ε)                     (no bias correction)
    // Kingma & Ba, Algorithm 1:  m̂ = m / (1 - β1^t),  v̂ = v / (1 - β2^t),  θ <- θ - η m̂ / (√v̂ + ε)
    // All three are θ <- θ - α m / (s √v + ε) with scalars α and s:
    //   slide:   α = η,                            s = 1
    //   keras:   α = η √(1 - β2^t) / (1 - β1^t),   s = 1   (the paper's efficient form, §2, with ε̂)
    //   pytorch: α = η / (1 - β1^t),               s = 1 / √(1 - β2^t)   (Algorithm 1)
    const double t = static_cast<double>(this->iterations());
    const double correction_1 = 1 - std::pow(beta_1_, t), correction_2 = 1 - std::pow(beta_2_, t);
    const double eta = this->learning_rate();
    const Convention c = convention_;
    const T alpha = static_cast<T>(c == Convention::keras ? eta * std::sqrt(correction_2) / correction_1 : c == Convention::pytorch ? eta / correction_1 : eta);
    const T s = static_cast<T>(c == Convention::pytorch ? 1.0 / std::sqrt(correction_2) : 1.0);
    const T b1 = static_cast<T>(beta_1_), b2 = static_cast<T>(beta_2_), eps = static_cast<T>(epsilon_);
    for (std::size_t i = 0; i < params.size(); ++i) {
      T* theta = params[i]->value.memptr();
      const T* g = params[i]->grad.memptr();
      T* m = first_moment_[i].memptr();
      T* v = second_moment_[i].memptr();
      const std::ptrdiff_t n = static_cast<std::ptrdiff_t>(params[i]->value.n_elem);
#pragma omp parallel for simd schedule(static) if (parallel: n > 65536)
      for (std::ptrdiff_t k = 0; k < n; ++k) {
        // [slide: Adam]  m <- β1 m + (1 - β1) g,   v <- β2 v + (1 - β2) g²
        m[k] = b1 * m[k] + (T(1) - b1) * g[k];
        v[k] = b2 * v[k] + (T(1) - b2) * g[k] * g[k];
        theta[k] -= alpha * m[k] / (s * std::sqrt(v[k]) + eps);
      }
    }
  }

  std::vector<typename Optimizer<T>::StateBuffer> state_buffers() override {
    return {{"m", &first_moment_, 0.0}, {"v", &second_moment_, 0.0, true}};
  }

 private:
  double beta_1_, beta_2_, epsilon_;
  Convention convention_;
  std::vector<arma::Mat<T>> first_moment_;   // m, one per parameter
  std::vector<arma::Mat<T>> second_moment_;  // v, one per parameter
};

}  // namespace lecon
