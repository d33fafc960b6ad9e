#pragma once
// What every recurrent layer shares: the sequence layout, masks, many-to-one or many-to-many output,
// the direction, and truncated backpropagation through time. The cells (simple_rnn.hpp, lstm.hpp,
// slide_lstm.hpp, gru.hpp) implement only the recurrence, forward and backward side by side.
//
// Layout (docs/rnn.md): a batch of sequences is a rank-3 tensor x (n, T, d), C order, batch first, so
// that fit's batching, shuffling and validation split (which move whole samples, i.e. columns) work
// unchanged: sample i's column holds its T steps of d features, step t at rows [t·d, (t+1)·d).
// Inside the layer the steps are copied once into STEP-MAJOR order, Xs (d x T·n) with column s·n + i,
// so that
//   - the input projection of all T steps is ONE GEMM:  W_ih Xs  (G·H x T·n),
//   - step s of the whole batch is a contiguous (· x n) block, and the recurrent product of a step is
//     one GEMM on contiguous memory:  W_hh h(s-1)  (G·H x H)(H x n),
//   - the weight gradients of all steps are again one GEMM each:  ΔA Xsᵀ,  ΔA H(prev)ᵀ.
// The copies in and out cost O(n·T·(d + H)), against O(n·T·G·H·(d + H)) multiply-adds.
//
// Unequal lengths: with `masked`, feature 0 of every step is the mask, 1 for a real step and 0 for
// padding, which must come AFTER the sequence's end (x is (n, T, 1 + d)). The mask travels inside the
// input tensor, so fit's batches carry it with their samples. At a padded step the state is held
// (h_t = h_{t-1}, c_t = c_{t-1}), so the final state IS the state at each sequence's own last step;
// a many-to-many output is 0 at padded steps and keeps the mask as its feature 0 (n, T, 1 + H), so the
// next masked layer of a stack reads it.
#include <optional>
#include <string>
#include <vector>

#include "lecon/backprop/layer.hpp"

namespace lecon {

struct RecurrentOptions {
  RecurrentOptions() = default;
  explicit RecurrentOptions(std::size_t hidden) : hidden_units(hidden) {}

  std::size_t hidden_units = 0;   // H, at least 1
  bool return_sequences = false;  // true: many-to-many, y (n, T, H); false: many-to-one, y (n, H), the last state
  bool masked = false;            // feature 0 of each step is the mask (see above)
  bool reverse = false;           // run from each sequence's last step to its first (Bidirectional's second half)
  std::optional<std::size_t> truncation;  // k: truncated BPTT, the gradient crosses no k-step boundary; unset: full BPTT

  // Chaining for labs:  RecurrentOptions(128).sequences().with_mask().truncated(20)
  RecurrentOptions& sequences(bool on = true) { return_sequences = on; return *this; }
  RecurrentOptions& with_mask(bool on = true) { masked = on; return *this; }
  RecurrentOptions& reversed(bool on = true) { reverse = on; return *this; }
  RecurrentOptions& truncated(std::size_t k) { truncation = k; return *this; }

  // Throws OptionError naming the option: hidden_units 0, truncation 0.
  void check() const;
};

template <typename T>
class Recurrent : public Layer<T> {
 public:
  // x: (n, T, d) or (n, T, 1 + d) when masked  ->  (n, H), or (n, T, H) / (n, T, 1 + H) with return_sequences
  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor<T>& x, Tensor<T>& y, const Context& ctx) override;
  void backward(const Tensor<T>& dy, Tensor<T>* dx) override;
  std::map<std::string, double> config() const override;

  std::size_t inputs() const { return inputs_; }  // d
  std::size_t hidden_units() const { return options_.hidden_units; }
  const RecurrentOptions& options() const { return options_; }
  // h_t of the last forward for time step t: (H x n).
  arma::Mat<T> state(std::size_t t) const;
  // ∂L/∂h_t of the last backward for time step t, through the outputs AND the later steps: (H x n). Its
  // norm against the distance to the loss shows vanishing gradients (lab 10).
  arma::Mat<T> state_gradient(std::size_t t) const;

 protected:
  // gate_rows: rows of the input projection per hidden unit (1 RNN, 3 GRU, 4 LSTM).
  Recurrent(std::size_t inputs, const RecurrentOptions& options);

  // The recurrence over the steps s = 0 .. steps_-1 in processing order (reverse: s = T-1-t).
  // Reads xs_ (d x T·n) and the mask; writes hs_ (H x (T+1)·n): block 0 is h(-1) = 0, block s+1 is h(s).
  virtual void run_forward() = 0;
  // Reads dhs_ (H x T·n): ∂L/∂h(s) through the outputs only; leaves in it the total ∂L/∂h(s) (through the
  // later steps too), fills every parameter gradient and, if need_dx, dxs_ (d x T·n) = ∂L/∂Xs.
  virtual void run_backward(bool need_dx) = 0;

  // Column block s (n columns) of m as a matrix that writes into m: no copy, no allocation.
  arma::Mat<T> block(arma::Mat<T>& m, std::size_t s) const {
    return arma::Mat<T>(m.colptr(s * batch_), m.n_rows, batch_, false, true);
  }
  // The batch positions whose sequence has ended before processing step s (empty without a mask).
  const std::vector<arma::uword>& padded(std::size_t s) const { return padded_[s]; }
  // Padded samples hold their state: their columns of `now` are copied from `before`.
  void hold_padded(std::size_t s, arma::Mat<T>& now, const arma::Mat<T>& before) const;
  // Whether the gradient flows from step s into step s-1 (false at a truncation boundary, and at s = 0).
  bool carries_back(std::size_t s) const {
    return s > 0 && !(options_.truncation && s % *options_.truncation == 0);
  }
  // Uniform U(-1/√H, 1/√H) as PyTorch initialises every recurrent weight and bias.
  void init_uniform(Param<T>& p, std::size_t rows, std::size_t cols, Rng& rng, const std::string& name, bool decay) const;

  std::size_t inputs_;
  RecurrentOptions options_;
  std::size_t batch_ = 0, steps_ = 0;  // n, T of the last forward
  arma::Mat<T> xs_, dxs_;              // (d x T·n) inputs, step-major in processing order, and their gradient
  arma::Mat<T> hs_;                    // (H x (T+1)·n) states
  arma::Mat<T> dhs_;                   // (H x T·n) state gradients

 private:
  std::vector<std::vector<arma::uword>> padded_;  // per processing step
  Shape in_shape_;
  bool ready_ = false;
  std::size_t time_of(std::size_t s) const { return options_.reverse ? steps_ - 1 - s : s; }
};

}  // namespace lecon
