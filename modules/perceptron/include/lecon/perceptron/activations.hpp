#pragma once
// The neuron's activation functions and their derivatives.
//
// [slide: the artificial neuron]  y = σ(a),  a = w0 + Σ_k wk xk
// Each function object gives value(a) and derivative(a, y) = dσ/da, where y = value(a) is passed in
// so that derivatives expressed through the output (sigmoid, tanh, ELU) cost nothing extra, and says whether
// each is cheap (a few operations, no exp, log or tanh): cheap passes over a layer's outputs stay on one
// thread up to kParallelPass elements (lecon/core/parallel.hpp), since waking a second costs more.
#include <armadillo>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "lecon/core/error.hpp"
#include "lecon/core/parallel.hpp"

namespace lecon {

// THE list of activations, the only place that names them all. One entry per activation:
//   X(name, function object)
// The name is what option values and model files use ("relu"); the function object, defined below, gives
// value and derivative. The enum, the name lookup, with_activation's dispatch, model files and the tests
// that sweep every activation all come from this list, so adding an activation is its function object,
// one line here, and its value test. Append only: an entry's position is the number that model files
// written before names were stored (`activation: 3.0`) hold for it.
#define LECON_ACTIVATIONS(X) \
  X(linear, LinearFn)        \
  X(sigmoid, SigmoidFn)      \
  X(tanh, TanhFn)            \
  X(relu, ReluFn)            \
  X(elu, EluFn)              \
  X(softplus, SoftplusFn)    \
  X(leaky_relu, LeakyReluFn)

#define LECON_ACTIVATION_ENUMERATOR(name, fn) name,
enum class Activation { LECON_ACTIVATIONS(LECON_ACTIVATION_ENUMERATOR) };
#undef LECON_ACTIVATION_ENUMERATOR

#define LECON_ACTIVATION_ONE(name, fn) +1
// How many activations the list holds.
inline constexpr std::size_t kActivationCount = 0 LECON_ACTIVATIONS(LECON_ACTIVATION_ONE);
#undef LECON_ACTIVATION_ONE

// Every activation, in the list's order.
const std::vector<Activation>& all_activations();
// "relu" -> Activation::relu ("logistic" is accepted for sigmoid); throws OptionError listing the known names.
Activation activation_from_name(const std::string& name);
std::string activation_name(Activation kind);
// "linear, sigmoid, tanh, relu, elu, softplus": the known names, for messages.
std::string activation_names();

// [slide: activation functions] sigmoid σ(a) = 1 / (1 + e^-a),  σ'(a) = σ(a)(1 - σ(a))
template <typename T>
struct SigmoidFn {
  static constexpr bool cheap_value = false, cheap_derivative = true;
  static T value(T a) {
    // Two forms so that exp never overflows: for a < 0 use e^a / (1 + e^a).
    if (a >= T(0)) return T(1) / (T(1) + std::exp(-a));
    const T e = std::exp(a);
    return e / (T(1) + e);
  }
  static T derivative(T, T y) { return y * (T(1) - y); }
};

// [slide: activation functions] softplus σ(a) = ln(1 + e^a),  σ'(a) = 1 / (1 + e^-a)
template <typename T>
struct SoftplusFn {
  static constexpr bool cheap_value = false, cheap_derivative = false;
  static T value(T a) { return std::max(a, T(0)) + std::log1p(std::exp(-std::abs(a))); }
  static T derivative(T a, T) { return SigmoidFn<T>::value(a); }
};

// [slide: activation functions] ReLU σ(a) = max(0, a),  σ'(a) = 1 if a > 0 else 0
template <typename T>
struct ReluFn {
  static constexpr bool cheap_value = true, cheap_derivative = true;
  // Branch-free (max, and a comparison turned into 0 or 1): the sign of a is random, so a branch would
  // be mispredicted half the time (measured: the ReLU backward took 18% of an MLP epoch with branches).
  static T value(T a) { return std::max(a, T(0)); }
  static T derivative(T a, T) { return static_cast<T>(a > T(0)); }
};

// [slide: activation functions] ELU σ(a) = a if a > 0 else α(e^a - 1),  σ'(a) = 1 if a > 0 else σ(a) + α  (α = 1)
template <typename T>
struct EluFn {
  static constexpr bool cheap_value = false, cheap_derivative = true;
  static constexpr T alpha = T(1);
  static T value(T a) { return a > T(0) ? a : alpha * std::expm1(a); }
  static T derivative(T a, T y) { return a > T(0) ? T(1) : y + alpha; }
};

// [paper: Maas, Hannun & Ng 2013] leaky ReLU σ(a) = a if a > 0 else α a,  σ'(a) = 1 if a > 0 else α  (α = 0.01)
template <typename T>
struct LeakyReluFn {
  static constexpr bool cheap_value = true, cheap_derivative = true;
  static constexpr T alpha = T(0.01);
  // Branch-free like ReluFn: max(a, 0) + α min(a, 0).
  static T value(T a) { return std::max(a, T(0)) + alpha * std::min(a, T(0)); }
  static T derivative(T a, T) { return alpha + (T(1) - alpha) * static_cast<T>(a > T(0)); }
};

// tanh(a),  tanh'(a) = 1 - tanh(a)^2
template <typename T>
struct TanhFn {
  static constexpr bool cheap_value = false, cheap_derivative = true;
  static T value(T a) { return std::tanh(a); }
  static T derivative(T, T y) { return T(1) - y * y; }
};

// linear σ(a) = a,  σ'(a) = 1
template <typename T>
struct LinearFn {
  static constexpr bool cheap_value = true, cheap_derivative = true;
  static T value(T a) { return a; }
  static T derivative(T, T) { return T(1); }
};

// Calls f.template operator()<Fn>() with the function object of `kind` (one switch, outside any loop).
template <typename T, typename Visitor>
decltype(auto) with_activation(Activation kind, Visitor&& visit) {
  switch (kind) {
#define LECON_ACTIVATION_CASE(name, fn) \
  case Activation::name:                \
    return visit(fn<T>{});
    LECON_ACTIVATIONS(LECON_ACTIVATION_CASE)
#undef LECON_ACTIVATION_CASE
  }
  throw Error("unknown activation number " + std::to_string(static_cast<int>(kind)));
}

// y = σ(a) element-wise.
template <typename T>
void activate(Activation kind, const arma::Mat<T>& a, arma::Mat<T>& y) {
  with_activation<T>(kind, [&](auto fn) {
    using Fn = decltype(fn);
    transform(a, y, [](T v) { return Fn::value(v); }, Fn::cheap_value ? kParallelPass : kParallelWork);
  });
}

// dσ/da element-wise, given a and y = σ(a).
template <typename T>
void activation_derivative(Activation kind, const arma::Mat<T>& a, const arma::Mat<T>& y, arma::Mat<T>& d) {
  d.set_size(a.n_rows, a.n_cols);
  with_activation<T>(kind, [&](auto fn) {
    const T* __restrict pa = a.memptr();
    const T* __restrict py = y.memptr();
    T* __restrict pd = d.memptr();
    const std::ptrdiff_t n = static_cast<std::ptrdiff_t>(a.n_elem);
#pragma omp parallel for simd schedule(static) if (parallel: n > static_cast<std::ptrdiff_t>(decltype(fn)::cheap_derivative ? kParallelPass : kParallelWork))
    for (std::ptrdiff_t i = 0; i < n; ++i) pd[i] = decltype(fn)::derivative(pa[i], py[i]);
  });
}

// ∂L/∂a = ∂L/∂y ⊙ σ'(a) in one pass, given a, y = σ(a) and dy = ∂L/∂y (the backward of an activation layer).
template <typename T>
void activation_backward(Activation kind, const arma::Mat<T>& a, const arma::Mat<T>& y, const arma::Mat<T>& dy, arma::Mat<T>& da) {
  da.set_size(a.n_rows, a.n_cols);
  with_activation<T>(kind, [&](auto fn) {
    const T* __restrict pa = a.memptr();
    const T* __restrict py = y.memptr();
    const T* __restrict pdy = dy.memptr();
    T* __restrict out = da.memptr();
    const std::ptrdiff_t n = static_cast<std::ptrdiff_t>(a.n_elem);
#pragma omp parallel for simd schedule(static) if (parallel: n > static_cast<std::ptrdiff_t>(decltype(fn)::cheap_derivative ? kParallelPass : kParallelWork))
    for (std::ptrdiff_t i = 0; i < n; ++i) out[i] = pdy[i] * decltype(fn)::derivative(pa[i], py[i]);
  });
}

// [slide: softmax] y_k = e^{a_k} / Σ_j e^{a_j}, per column (one sample per column); the maximum is
// subtracted first so that no exponential overflows.
template <typename T>
void softmax(const arma::Mat<T>& a, arma::Mat<T>& y) {
  y.set_size(a.n_rows, a.n_cols);
  parallel_for(a.n_cols, [&](std::size_t j) {
    const T top = a.col(j).max();
    T sum = 0;
    for (arma::uword k = 0; k < a.n_rows; ++k) sum += (y(k, j) = std::exp(a(k, j) - top));
    y.col(j) /= sum;
  }, 10 * a.n_rows);  // an exponential costs about ten operations
}

}  // namespace lecon
