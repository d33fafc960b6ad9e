#pragma once
// The standard LSTM with a forget gate, exactly PyTorch's torch.nn.LSTM (one layer, batch_first), so
// that its weights, outputs and gradients compare one to one (tests/rnn/torch_reference.txt).
//
// [paper: Hochreiter & Schmidhuber 1997] the cell and its gates; the forget gate f from
// [paper: Gers, Schmidhuber & Cummins 2000]; the equations and layout of [PyTorch: torch.nn.LSTM docs]:
//   i_t = σ(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)
//   f_t = σ(W_if x_t + b_if + W_hf h_{t-1} + b_hf)
//   g_t = tanh(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)
//   o_t = σ(W_io x_t + b_io + W_ho h_{t-1} + b_ho)
//   c_t = f_t ∘ c_{t-1} + i_t ∘ g_t
//   h_t = o_t ∘ tanh(c_t)
// Parameters (PyTorch's names and layout, gate blocks in the order i, f, g, o):
//   weight_ih (4H x d), weight_hh (4H x H), bias_ih (4H), bias_hh (4H).
// The slide's own LSTM (gates read c_{t-1}) is SlideLSTM (slide_lstm.hpp); docs/rnn.md puts them side by side.
#include "lecon/rnn/recurrent.hpp"

namespace lecon {

template <typename T>
class LSTM : public Recurrent<T> {
 public:
  // inputs: d, features per step. Throws OptionError for hidden_units 0 or truncation 0.
  LSTM(std::size_t inputs, const RecurrentOptions& options, Rng& rng);

  std::string kind() const override { return "LSTM"; }
  std::vector<Param<T>*> params() override { return {&weight_ih_, &weight_hh_, &bias_ih_, &bias_hh_}; }

  Param<T>& weight_ih() { return weight_ih_; }
  Param<T>& weight_hh() { return weight_hh_; }
  Param<T>& bias_ih() { return bias_ih_; }
  Param<T>& bias_hh() { return bias_hh_; }
  // c_t of the last forward for time step t: (H x n).
  arma::Mat<T> cell_state(std::size_t t) const;

 protected:
  void run_forward() override;
  void run_backward(bool need_dx) override;

 private:
  Param<T> weight_ih_, weight_hh_, bias_ih_, bias_hh_;
  arma::Mat<T> gates_;       // (4H x T·n): the pre-activations, then i, f, g, o of every step
  arma::Mat<T> cells_;       // (H x (T+1)·n): c(-1) = 0, c(0), ...
  arma::Mat<T> tanh_cells_;  // (H x T·n): tanh(c(s))
  arma::Mat<T> dgates_;      // (4H x T·n): ∂L/∂(pre-activations)
  arma::Mat<T> dh_carry_, dc_carry_, dc_next_;  // (H x n)
};

}  // namespace lecon
