#include "lecon/timit_synth/resampler.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "lecon/core/error.hpp"

namespace lecon::timit_synth {
namespace {

// I_0, the modified Bessel function of the first kind, by its power series (converges fast for beta < 20).
double bessel_i0(double x) {
  double sum = 1, term = 1;
  for (int k = 1; k < 64; ++k) {
    term *= (x / (2.0 * k)) * (x / (2.0 * k));
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return sum;
}

double sinc(double x) { return x == 0 ? 1.0 : std::sin(M_PI * x) / (M_PI * x); }

}  // namespace

Resampler::Resampler(int in_rate, int out_rate, double cutoff_fraction, int half_width, double kaiser_beta)
    : in_rate_(in_rate), out_rate_(out_rate), half_width_(half_width) {
  if (in_rate <= 0 || out_rate <= 0 || half_width <= 0 || !(cutoff_fraction > 0 && cutoff_fraction <= 1) || kaiser_beta < 0)
    throw Error("Resampler: expected positive rates and half-width, a cut-off fraction in (0, 1] and beta >= 0, got " +
                std::to_string(in_rate) + " -> " + std::to_string(out_rate) + " Hz, half-width " + std::to_string(half_width) +
                ", cut-off " + std::to_string(cutoff_fraction) + ", beta " + std::to_string(kaiser_beta));
  const int divisor = std::gcd(in_rate, out_rate);
  up_ = out_rate / divisor;
  down_ = in_rate / divisor;
  cutoff_hz_ = cutoff_fraction * std::min(in_rate, out_rate) / 2.0;
  // [paper: Smith & Gossett 1984]  g(tau) = 2 f_c / f_in sinc(2 f_c / f_in tau) w(tau / T)
  // [paper: Kaiser & Schafer 1980]  w(u) = I0(beta sqrt(1 - u^2)) / I0(beta)
  const double band = 2.0 * cutoff_hz_ / in_rate;
  const int taps = 2 * half_width;
  taps_.resize(static_cast<std::size_t>(up_) * taps);
  for (int phase = 0; phase < up_; ++phase) {
    double sum = 0;
    for (int j = 0; j < taps; ++j) {
      const double tau = (half_width - 1 - j) + static_cast<double>(phase) / up_;
      const double u = tau / half_width;
      const double window = std::abs(u) >= 1 ? 0.0 : bessel_i0(kaiser_beta * std::sqrt(1 - u * u)) / bessel_i0(kaiser_beta);
      const double g = band * sinc(band * tau) * window;
      taps_[static_cast<std::size_t>(phase) * taps + j] = static_cast<float>(g);
      sum += g;
    }
    // Each phase sums to 1: a constant input gives that constant (the sums differ from 1 by the window's ripple).
    float* row = &taps_[static_cast<std::size_t>(phase) * taps];
    for (int j = 0; j < taps; ++j) row[j] = static_cast<float>(row[j] / sum);
  }
}

std::int64_t Resampler::output_position(std::int64_t input_position) const {
  // round(position L / M), halves up, in integers.
  return (input_position * up_ + down_ / 2) / down_;
}

std::vector<float> Resampler::resample(const std::vector<float>& x) const {
  const std::int64_t n_in = static_cast<std::int64_t>(x.size());
  const std::int64_t n_out = output_length(n_in);
  const int taps = 2 * half_width_;
  std::vector<float> y(static_cast<std::size_t>(n_out));
  for (std::int64_t n = 0; n < n_out; ++n) {
    // [paper: Smith & Gossett 1984]  t_n = n M / L = k0 + phase / L;  y[n] = sum_j x[k0 - T + 1 + j] g((T - 1 - j) + phase / L)
    const std::int64_t position = n * down_;
    const std::int64_t k0 = position / up_;
    const int phase = static_cast<int>(position % up_);
    const float* g = &taps_[static_cast<std::size_t>(phase) * taps];
    const std::int64_t first = k0 - half_width_ + 1;
    const int j_begin = static_cast<int>(std::max<std::int64_t>(0, -first));
    const int j_end = static_cast<int>(std::min<std::int64_t>(taps, n_in - first));
    double sum = 0;
    for (int j = j_begin; j < j_end; ++j) sum += static_cast<double>(x[static_cast<std::size_t>(first + j)]) * g[j];
    y[static_cast<std::size_t>(n)] = static_cast<float>(sum);
  }
  return y;
}

}  // namespace lecon::timit_synth
