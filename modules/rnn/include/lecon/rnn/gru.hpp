#pragma once
// The gated recurrent unit, exactly PyTorch's torch.nn.GRU (one layer, batch_first).
//
// [paper: Cho et al. 2014] reset and update gates; the equations and layout of [PyTorch: torch.nn.GRU docs]:
//   r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)
//   z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)
//   n_t = tanh(W_in x_t + b_in + r_t ∘ (W_hn h_{t-1} + b_hn))
//   h_t = (1 - z_t) ∘ n_t + z_t ∘ h_{t-1}
// Parameters (gate blocks in the order r, z, n): weight_ih (3H x d), weight_hh (3H x H), bias_ih (3H),
// bias_hh (3H). b_hn sits inside the reset product, so the two biases are not interchangeable here.
#include "lecon/rnn/recurrent.hpp"

namespace lecon {

template <typename T>
class GRU : public Recurrent<T> {
 public:
  GRU(std::size_t inputs, const RecurrentOptions& options, Rng& rng);

  std::string kind() const override { return "GRU"; }
  std::vector<Param<T>*> params() override { return {&weight_ih_, &weight_hh_, &bias_ih_, &bias_hh_}; }

  Param<T>& weight_ih() { return weight_ih_; }
  Param<T>& weight_hh() { return weight_hh_; }
  Param<T>& bias_ih() { return bias_ih_; }
  Param<T>& bias_hh() { return bias_hh_; }

 protected:
  void run_forward() override;
  void run_backward(bool need_dx) override;

 private:
  Param<T> weight_ih_, weight_hh_, bias_ih_, bias_hh_;
  arma::Mat<T> gates_;      // (3H x T·n): W_i x + b_i, then r, z, n
  arma::Mat<T> recurrent_;  // (3H x T·n): W_h h_{t-1} + b_h (its n block is needed by backward)
  arma::Mat<T> dgates_;     // (3H x T·n): ∂L/∂(input-side pre-activations)
  arma::Mat<T> drecurrent_; // (3H x T·n): ∂L/∂(W_h h_{t-1} + b_h)
  arma::Mat<T> dh_carry_;   // (H x n)
};

}  // namespace lecon
