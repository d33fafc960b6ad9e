#pragma once
// Sample-rate conversion by a rational factor with a windowed-sinc low-pass filter (docs/speech.md,
// "Synthetic TIMIT-format corpus"): espeak-ng's 22,050 Hz to TIMIT's 16,000 Hz is L/M = 320/441.
//
// [paper: Smith & Gossett 1984, "A flexible sampling-rate conversion method", ICASSP]
//   y[n] = sum_k x[k] g(t_n - k),  t_n = n M / L (input samples),
//   g(tau) = 2 f_c / f_in * sinc(2 f_c / f_in * tau) * w(tau / T),  |tau| < T,
// with f_c the cut-off (below the output's Nyquist frequency f_out / 2, so nothing above it folds back) and
// w a Kaiser window of half-width T input samples ([paper: Kaiser & Schafer 1980, "On the use of the
// I0-sinh window for spectrum analysis", IEEE Trans. ASSP]: w(u) = I0(beta sqrt(1 - u^2)) / I0(beta)). The L phases of g are tabulated once; each is scaled to
// sum to 1 so that a constant stays that constant.
#include <cstdint>
#include <vector>

namespace lecon::timit_synth {

class Resampler {
 public:
  // in_rate, out_rate: Hz (e.g. 22050, 16000), reduced to L/M by their gcd. cutoff_fraction: f_c as a
  // fraction of min(f_in, f_out) / 2; half_width: T in input samples (longer: sharper transition);
  // kaiser_beta: the window's shape (8.6: about -85 dB stop band). Throws Error for non-positive values.
  Resampler(int in_rate, int out_rate, double cutoff_fraction = 0.92, int half_width = 64, double kaiser_beta = 8.6);

  // x: N input samples -> output_length(N) output samples; samples outside x count as 0.
  std::vector<float> resample(const std::vector<float>& x) const;

  // round(N L / M): the output's length, and where an input sample position (a phone boundary) lands.
  std::int64_t output_position(std::int64_t input_position) const;
  std::int64_t output_length(std::int64_t input_length) const { return output_position(input_length); }

  int up() const { return up_; }      // L
  int down() const { return down_; }  // M
  double cutoff_hz() const { return cutoff_hz_; }

 private:
  int in_rate_, out_rate_, up_, down_, half_width_;
  double cutoff_hz_;
  std::vector<float> taps_;  // L phases x 2T taps: phase p, tap j holds g((T - 1 - j) + p / L)
};

}  // namespace lecon::timit_synth
