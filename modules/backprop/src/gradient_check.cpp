#include "lecon/backprop/gradient_check.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace lecon {
namespace {

double relative_error(double analytic, double numeric) {
  return std::abs(analytic - numeric) / std::max(std::abs(analytic) + std::abs(numeric), 1e-8);
}

// The larger error, where a NaN (a NaN or infinite gradient) is the largest: std::max(e, NaN) would keep e and
// let a backward that produces NaN pass the check.
double worse(double so_far, double error) { return std::isnan(error) ? std::numeric_limits<double>::infinity() : std::max(so_far, error); }

}  // namespace

std::vector<GradientCheck> check_layer_gradients(Layer<double>& layer, const Shape& input, Rng& rng, bool training, double h) {
  Tensor<double> x(input);
  rng.fill_normal(x.matrix(), 0.0, 1.0);
  return check_layer_gradients_at(layer, std::move(x), rng, training, h);
}

std::vector<GradientCheck> check_layer_gradients_at(Layer<double>& layer, Tensor<double> x, Rng& rng, bool training, double h) {
  const std::uint64_t layer_seed = rng.next_u64();
  Tensor<double> y;
  // ∂L/∂x goes into a buffer that holds other values, as it does in training, where Sequential hands a layer the
  // same buffer every step: backward must write every entry (an entry it leaves alone keeps 1e3 and fails).
  Tensor<double> dx(x.shape());
  dx.matrix().fill(1e3);
  auto run = [&](const Tensor<double>& in) {
    Rng fixed(layer_seed);  // the same random numbers in every evaluation
    layer.forward(in, y, Context{training, &fixed});
  };
  run(x);
  Tensor<double> r(y.shape());
  rng.fill_normal(r.matrix(), 0.0, 1.0);
  auto objective = [&](const Tensor<double>& in) {
    run(in);
    return arma::accu(r.matrix() % y.matrix());
  };

  objective(x);  // forward at x, then the analytic gradients
  layer.backward(r, &dx);
  std::vector<GradientCheck> results;

  GradientCheck input_check{"input", 0, x.size()};
  const arma::mat analytic_dx = dx.matrix();
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double keep = x.data()[i];
    x.data()[i] = keep + h;
    const double up = objective(x);
    x.data()[i] = keep - h;
    const double down = objective(x);
    x.data()[i] = keep;
    input_check.max_relative_error = worse(input_check.max_relative_error, relative_error(analytic_dx(i), (up - down) / (2 * h)));
  }
  results.push_back(input_check);

  for (Param<double>* p : layer.params()) {
    objective(x);
    layer.backward(r, &dx);
    const arma::mat analytic = p->grad;
    GradientCheck check{p->name, 0, p->value.n_elem};
    for (arma::uword i = 0; i < p->value.n_elem; ++i) {
      const double keep = p->value(i);
      p->value(i) = keep + h;
      const double up = objective(x);
      p->value(i) = keep - h;
      const double down = objective(x);
      p->value(i) = keep;
      check.max_relative_error = worse(check.max_relative_error, relative_error(analytic(i), (up - down) / (2 * h)));
    }
    results.push_back(check);
  }
  return results;
}

GradientCheck check_loss_gradient(const Loss<double>& loss, const Tensor<double>& y, const Tensor<double>& t, double h) {
  Tensor<double> point = y, dy;
  loss.gradient(point, t, dy);
  GradientCheck check{loss.name(), 0, y.size()};
  for (std::size_t i = 0; i < y.size(); ++i) {
    // The step shrinks with small outputs: ln y has curvature 1/y², so a fixed h would measure the
    // difference formula's own error (h²/y²) for a probability of 0.001, not the gradient's.
    const double keep = point.data()[i];
    const double step = h * std::max(std::abs(keep), 1e-2);
    point.data()[i] = keep + step;
    const double up = loss.value(point, t);
    point.data()[i] = keep - step;
    const double down = loss.value(point, t);
    point.data()[i] = keep;
    check.max_relative_error = worse(check.max_relative_error, relative_error(dy.data()[i], (up - down) / (2 * step)));
  }
  return check;
}

}  // namespace lecon
