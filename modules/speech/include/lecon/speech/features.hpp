#pragma once
// Speech features: log mel filterbank energies and MFCCs with their Δ and ΔΔ, normalised and stacked with
// context frames for frame classifiers (docs/speech.md). The recipe is HTK's ([book: Young et al., "The HTK
// Book", §5.4-5.6]), which TIMIT phone recognisers since [paper: Lee & Hon 1989] have used in some form.
//
// Per frame of `window` samples every `hop` samples (25 ms every 10 ms at 16 kHz: 400 and 160):
//   x'[n] = x[n] − 0.97 x[n−1]                                   pre-emphasis
//   w[n]  = 0.54 − 0.46 cos(2πn / (N − 1))                       Hamming window, n = 0 .. N−1
//   P[k]  = |Σ_n w[n] x'[n] e^{−2πikn/K}|²                       power spectrum, K = 512 (FFT), k = 0 .. K/2
//   mel(f) = 2595 log10(1 + f / 700)                             the mel scale
//   E[m]  = Σ_k H_m[k] P[k]                                      triangular filters H_m, centres equally spaced in mel
//   F[m]  = log(max(E[m], 1e-10))                                log mel filterbank energies (m = 1 .. M, M = 40)
//   c[i]  = √(2/M) Σ_m F[m] cos(πi(m − ½)/M)                     MFCC, DCT-II, i = 0 .. 12 (c0 in place of energy)
//   c'[i] = (1 + (L/2) sin(πi/L)) c[i]                           cepstral liftering, L = 22
//   Δ_t   = Σ_{n=1}^{2} n (c_{t+n} − c_{t−n}) / (2 Σ_{n=1}^{2} n²)   deltas (edges repeat the first/last frame)
#include <armadillo>
#include <cstdint>
#include <vector>

namespace lecon::speech {

struct FeatureOptions {
  int sample_rate = 16000;       // Hz
  std::size_t window = 400;      // samples per frame (25 ms)
  std::size_t hop = 160;         // samples between frame starts (10 ms)
  std::size_t fft_size = 512;    // K: a power of two >= window
  std::size_t mel_bands = 40;    // M
  double low_frequency = 20;     // Hz, the first filter's lower edge
  double high_frequency = 0;     // Hz, the last filter's upper edge; 0: sample_rate / 2
  double preemphasis = 0.97;
  std::size_t cepstra = 13;      // MFCCs kept, c0 .. c12
  double lifter = 22;            // L; 0: no liftering
};

// How many frames a signal of `samples` samples gives: 1 + (samples − window) / hop (0 when shorter than a window).
std::size_t frame_count(std::size_t samples, const FeatureOptions& options);

// The triangular mel filters, (M x (K/2 + 1)): row m is H_m over the FFT bins.
arma::mat mel_filterbank(const FeatureOptions& options);
// Each filter's centre frequency in Hz.
arma::vec mel_centres(const FeatureOptions& options);

// Power spectra of the frames: ((K/2 + 1) x frames), one frame per column (pre-emphasis and Hamming window applied).
arma::mat power_spectra(const std::vector<std::int16_t>& samples, const FeatureOptions& options);

// Log mel filterbank energies, (M x frames).
arma::mat log_mel_energies(const std::vector<std::int16_t>& samples, const FeatureOptions& options);

// MFCCs c0 .. c_{cepstra−1} from log mel energies, (cepstra x frames).
arma::mat mfcc_from_log_mel(const arma::mat& log_mel, const FeatureOptions& options);

// Regression deltas over ±2 frames, same shape as `features` (d x frames).
arma::mat deltas(const arma::mat& features);
// The features, their Δ and their ΔΔ stacked: (3d x frames).
arma::mat with_deltas(const arma::mat& features);

// Mean and standard deviation per feature (row) over the columns of one or more matrices, and their
// application: x <- (x − mean) / sd (sd floored at 1e-8). Per speaker (the frames of one speaker's
// utterances) or global (the training set's).
struct FeatureNormaliser {
  arma::vec mean, sd;
  void fit(const std::vector<const arma::mat*>& parts);
  void apply(arma::mat& features) const;
};

// Frame t with its ±k neighbours stacked into one column, (d (2k + 1) x frames), the first/last frame
// repeated past the edges: the input of a frame classifier with context.
arma::mat stack_context(const arma::mat& features, std::size_t k);

}  // namespace lecon::speech
