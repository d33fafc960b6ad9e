#pragma once
// Finite-difference gradient checks, in double precision.
//
// [book: Goodfellow, Bengio & Courville 2016, §11.5]  ∂L/∂θ ≈ (L(θ + h) - L(θ - h)) / 2h   (central difference, error O(h²))
// For a layer f, the scalar checked is L = Σ r ⊙ f(x) with a fixed random r, so backward(r) must give
// ∂L/∂x and ∂L/∂θ. The relative error of each entry is |a - n| / max(|a| + |n|, 1e-8); a correct
// double-precision backward is at about 1e-7 or below, a wrong one (a missing transpose, a dropped 1/n)
// at 1e-2 or above. A NaN or infinite gradient gives an infinite error. ∂L/∂x is written into a buffer that
// already holds other values, so an entry backward leaves alone fails too.
#include <string>
#include <vector>

#include "lecon/backprop/layer.hpp"
#include "lecon/backprop/loss.hpp"

namespace lecon {

struct GradientCheck {
  std::string what;              // "input", or the parameter's name
  double max_relative_error = 0; // over all entries
  std::size_t entries = 0;
};

// Checks ∂L/∂x and every parameter of `layer` for a random input of the given shape (entries ~ N(0, 1),
// or U[0.05, 0.95] when positive_inputs, e.g. for probabilities). Layers that draw random numbers see the
// same numbers in every evaluation (the Rng is re-seeded), so dropout masks are fixed during the check.
std::vector<GradientCheck> check_layer_gradients(Layer<double>& layer, const Shape& input, Rng& rng, bool training = true,
                                                 double h = 1e-5);

// The same at a given input x (sequences with a mask feature, which random inputs would not respect).
std::vector<GradientCheck> check_layer_gradients_at(Layer<double>& layer, Tensor<double> x, Rng& rng, bool training = true,
                                                    double h = 1e-5);

// Checks ∂L/∂y of a loss at outputs y and targets t.
GradientCheck check_loss_gradient(const Loss<double>& loss, const Tensor<double>& y, const Tensor<double>& t, double h = 1e-5);

}  // namespace lecon
