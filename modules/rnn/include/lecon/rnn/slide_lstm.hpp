#pragma once
// The lecture's LSTM exactly as the slide writes it: the "peephole" form, in which the gates look at
// the cell state c_{t-1} instead of h_{t-1}, the candidate has no recurrent term, and h is not fed back.
//
// [slide: LSTM: Long Short Term Memory]
//   f_t = σ_g(W_f x_t + U_f c_{t-1} + b_f)
//   i_t = σ_g(W_i x_t + U_i c_{t-1} + b_i)
//   o_t = σ_g(W_o x_t + U_o c_{t-1} + b_o)
//   c_t = f_t ∘ c_{t-1} + i_t ∘ σ_g(W_c x_t + b_c)
//   h_t = o_t ∘ σ_h(c_t)
// σ_g the logistic sigmoid, σ_h = tanh. As written, the candidate uses σ_g (a sigmoid, values in (0, 1)),
// where the standard LSTM (lstm.hpp) uses tanh and reads h_{t-1}; the cell state can then only grow
// through i ∘ σ_g(·) ≥ 0 and shrink through f. docs/rnn.md puts the two side by side.
// Parameters: W (4H x d) with blocks i, f, o, c (the three gates first, so that the recurrent product
// U c_{t-1} fills one contiguous block of rows), U (3H x H) with blocks i, f, o (full matrices, as the
// slide's U), b (4H) with blocks i, f, o, c.
#include "lecon/rnn/recurrent.hpp"

namespace lecon {

template <typename T>
class SlideLSTM : public Recurrent<T> {
 public:
  SlideLSTM(std::size_t inputs, const RecurrentOptions& options, Rng& rng);

  std::string kind() const override { return "SlideLSTM"; }
  std::vector<Param<T>*> params() override { return {&W_, &U_, &b_}; }

  Param<T>& W() { return W_; }
  Param<T>& U() { return U_; }
  Param<T>& b() { return b_; }

 protected:
  void run_forward() override;
  void run_backward(bool need_dx) override;

 private:
  Param<T> W_, U_, b_;
  arma::Mat<T> gates_;       // (4H x T·n): pre-activations, then i, f, o, candidate
  arma::Mat<T> cells_;       // (H x (T+1)·n)
  arma::Mat<T> tanh_cells_;  // (H x T·n)
  arma::Mat<T> dgates_;      // (4H x T·n)
  arma::Mat<T> dh_carry_, dc_carry_, dc_next_;  // (H x n)
};

}  // namespace lecon
