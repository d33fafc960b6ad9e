#include "lecon/speech/features.hpp"

#include <cmath>

#include "lecon/core/error.hpp"

namespace lecon::speech {
namespace {

double hz_to_mel(double f) { return 2595.0 * std::log10(1.0 + f / 700.0); }  // [book: HTK Book, §5.4]
double mel_to_hz(double m) { return 700.0 * (std::pow(10.0, m / 2595.0) - 1.0); }

void check(const FeatureOptions& o) {
  if (o.sample_rate <= 0 || o.window == 0 || o.hop == 0 || o.mel_bands == 0)
    throw Error("speech features: sample_rate, window, hop and mel_bands must be positive");
  // The Hamming window divides by N − 1: a 1-sample window would be 0/0 in every frame.
  if (o.window < 2) throw Error("speech features: window of " + std::to_string(o.window) + " sample, expected at least 2");
  if (!std::isfinite(o.preemphasis) || !std::isfinite(o.lifter) || !std::isfinite(o.low_frequency) || !std::isfinite(o.high_frequency))
    throw Error("speech features: preemphasis, lifter and the filterbank edges must be finite");
  if (o.fft_size < o.window || (o.fft_size & (o.fft_size - 1)) != 0)
    throw Error("speech features: fft_size " + std::to_string(o.fft_size) + " must be a power of two >= the window (" + std::to_string(o.window) + ")");
  const double high = o.high_frequency > 0 ? o.high_frequency : o.sample_rate / 2.0;
  if (o.low_frequency < 0 || o.low_frequency >= high || high > o.sample_rate / 2.0)
    throw Error("speech features: filterbank edges " + std::to_string(o.low_frequency) + " .. " + std::to_string(high) +
                " Hz must satisfy 0 <= low < high <= sample_rate / 2");
  if (o.cepstra > o.mel_bands) throw Error("speech features: " + std::to_string(o.cepstra) + " cepstra from " + std::to_string(o.mel_bands) + " mel bands");
}

// The M + 2 filter edges in mel, equally spaced from low to high.
arma::vec mel_edges(const FeatureOptions& o) {
  const double high = o.high_frequency > 0 ? o.high_frequency : o.sample_rate / 2.0;
  return arma::linspace<arma::vec>(hz_to_mel(o.low_frequency), hz_to_mel(high), o.mel_bands + 2);
}

}  // namespace

std::size_t frame_count(std::size_t samples, const FeatureOptions& o) {
  return samples < o.window ? 0 : 1 + (samples - o.window) / o.hop;
}

arma::vec mel_centres(const FeatureOptions& o) {
  check(o);
  const arma::vec edges = mel_edges(o);
  arma::vec centres(o.mel_bands);
  for (std::size_t m = 0; m < o.mel_bands; ++m) centres(m) = mel_to_hz(edges(m + 1));
  return centres;
}

arma::mat mel_filterbank(const FeatureOptions& o) {
  check(o);
  const arma::vec edges = mel_edges(o);
  const std::size_t bins = o.fft_size / 2 + 1;
  arma::mat H(o.mel_bands, bins, arma::fill::zeros);
  for (std::size_t k = 0; k < bins; ++k) {
    const double mel = hz_to_mel(static_cast<double>(k) * o.sample_rate / static_cast<double>(o.fft_size));
    for (std::size_t m = 0; m < o.mel_bands; ++m) {
      const double left = edges(m), centre = edges(m + 1), right = edges(m + 2);
      // [book: HTK Book, §5.4]  triangles in the mel domain: rising from left to centre, falling to right
      if (mel > left && mel <= centre) H(m, k) = (mel - left) / (centre - left);
      else if (mel > centre && mel < right) H(m, k) = (right - mel) / (right - centre);
    }
  }
  return H;
}

arma::mat power_spectra(const std::vector<std::int16_t>& samples, const FeatureOptions& o) {
  check(o);
  const std::size_t frames = frame_count(samples.size(), o), N = o.window;
  arma::vec hamming(N);
  for (std::size_t n = 0; n < N; ++n) hamming(n) = 0.54 - 0.46 * std::cos(2 * arma::datum::pi * static_cast<double>(n) / static_cast<double>(N - 1));
  arma::mat framed(o.fft_size, frames, arma::fill::zeros);
  for (std::size_t t = 0; t < frames; ++t) {
    const std::int16_t* x = samples.data() + t * o.hop;
    for (std::size_t n = 0; n < N; ++n) {
      // x'[n] = x[n] − 0.97 x[n−1] within the frame (the frame's first sample uses itself, as HTK does)
      const double previous = n == 0 ? x[0] : x[n - 1];
      framed(n, t) = hamming(n) * (x[n] - o.preemphasis * previous);
    }
  }
  const arma::cx_mat spectrum = arma::fft(framed);  // column by column
  const std::size_t bins = o.fft_size / 2 + 1;
  arma::mat P(bins, frames);
  for (std::size_t t = 0; t < frames; ++t)
    for (std::size_t k = 0; k < bins; ++k) P(k, t) = std::norm(spectrum(k, t));
  return P;
}

arma::mat log_mel_energies(const std::vector<std::int16_t>& samples, const FeatureOptions& o) {
  arma::mat E = mel_filterbank(o) * power_spectra(samples, o);
  E.transform([](double e) { return std::log(std::max(e, 1e-10)); });
  return E;
}

arma::mat mfcc_from_log_mel(const arma::mat& log_mel, const FeatureOptions& o) {
  check(o);
  const std::size_t M = log_mel.n_rows;
  if (M != o.mel_bands) throw Error("mfcc: " + std::to_string(M) + " log mel rows, expected " + std::to_string(o.mel_bands));
  // c[i] = √(2/M) Σ_m F[m] cos(πi(m − ½)/M), then c'[i] = (1 + (L/2) sin(πi/L)) c[i]
  arma::mat D(o.cepstra, M);
  for (std::size_t i = 0; i < o.cepstra; ++i) {
    const double lift = o.lifter > 0 ? 1 + o.lifter / 2 * std::sin(arma::datum::pi * static_cast<double>(i) / o.lifter) : 1.0;
    for (std::size_t m = 0; m < M; ++m)
      D(i, m) = lift * std::sqrt(2.0 / static_cast<double>(M)) * std::cos(arma::datum::pi * static_cast<double>(i) * (static_cast<double>(m) + 0.5) / static_cast<double>(M));
  }
  return D * log_mel;
}

arma::mat deltas(const arma::mat& c) {
  const arma::uword T = c.n_cols;
  arma::mat d(c.n_rows, T, arma::fill::zeros);
  if (T == 0) return d;
  auto at = [&](long t) { return c.col(static_cast<arma::uword>(std::clamp<long>(t, 0, static_cast<long>(T) - 1))); };
  // Δ_t = Σ_{n=1}^{2} n (c_{t+n} − c_{t−n}) / (2 Σ n²),  2 Σ n² = 10
  for (arma::uword t = 0; t < T; ++t) {
    const long s = static_cast<long>(t);
    d.col(t) = ((at(s + 1) - at(s - 1)) + 2.0 * (at(s + 2) - at(s - 2))) / 10.0;
  }
  return d;
}

arma::mat with_deltas(const arma::mat& features) {
  const arma::mat d = deltas(features);
  return arma::join_cols(features, d, deltas(d));
}

void FeatureNormaliser::fit(const std::vector<const arma::mat*>& parts) {
  if (parts.empty() || parts.front()->n_rows == 0) throw Error("FeatureNormaliser::fit: no features");
  const arma::uword d = parts.front()->n_rows;
  arma::vec sum(d, arma::fill::zeros), squares(d, arma::fill::zeros);
  double n = 0;
  for (const arma::mat* part : parts) {
    if (part->n_rows != d) throw Error("FeatureNormaliser::fit: parts of " + std::to_string(d) + " and " + std::to_string(part->n_rows) + " features");
    sum += arma::sum(*part, 1);
    squares += arma::sum(arma::square(*part), 1);
    n += static_cast<double>(part->n_cols);
  }
  if (n == 0) throw Error("FeatureNormaliser::fit: no frames");
  mean = sum / n;
  sd = arma::sqrt(arma::clamp(squares / n - arma::square(mean), 0.0, arma::datum::inf));
}

void FeatureNormaliser::apply(arma::mat& features) const {
  if (features.n_rows != mean.n_elem) throw Error("FeatureNormaliser::apply: " + std::to_string(features.n_rows) + " features, fitted on " + std::to_string(mean.n_elem));
  features.each_col() -= mean;
  features.each_col() /= arma::clamp(sd, 1e-8, arma::datum::inf);
}

arma::mat stack_context(const arma::mat& features, std::size_t k) {
  const arma::uword d = features.n_rows, T = features.n_cols, width = 2 * k + 1;
  arma::mat out(d * width, T);
  for (arma::uword t = 0; t < T; ++t)
    for (arma::uword j = 0; j < width; ++j) {
      const long source = std::clamp<long>(static_cast<long>(t) + static_cast<long>(j) - static_cast<long>(k), 0, static_cast<long>(T) - 1);
      out.submat(j * d, t, j * d + d - 1, t) = features.col(static_cast<arma::uword>(source));
    }
  return out;
}

}  // namespace lecon::speech
