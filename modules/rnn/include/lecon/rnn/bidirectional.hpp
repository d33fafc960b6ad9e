#pragma once
// A bidirectional recurrent layer [paper: Schuster & Paliwal 1997]: one cell reads each sequence from
// its first step to its last, a second cell (own weights) from its last step to its first, and the
// outputs are concatenated:  y_t = [h→_t ; h←_t]  (2H per step), or, many-to-one, [h→ at the sequence's
// last step ; h← at its first step]  (2H). With a mask, the backward cell starts at each sequence's own
// last step (the padding holds its zero state). Parameters: the forward cell's, named "forward_<name>",
// then the backward cell's, "backward_<name>".
#include <memory>

#include "lecon/rnn/rnn_layers.hpp"

namespace lecon {

template <typename T>
class Bidirectional : public Layer<T> {
 public:
  // options.reverse must be false (the second cell is the reversed one).
  Bidirectional(RecurrentCell cell, std::size_t inputs, const RecurrentOptions& options, Rng& rng);

  std::string kind() const override { return "Bidirectional"; }
  // x: (n, T, [1 +] d)  ->  (n, 2H), or (n, T, [1 +] 2H) with return_sequences
  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor<T>& x, Tensor<T>& y, const Context& ctx) override;
  void backward(const Tensor<T>& dy, Tensor<T>* dx) override;
  std::vector<Param<T>*> params() override;
  std::map<std::string, double> config() const override;

  RecurrentCell cell() const { return cell_; }
  Recurrent<T>& forward_layer() { return *forward_; }
  Recurrent<T>& backward_layer() { return *backward_; }

 private:
  RecurrentCell cell_;
  std::unique_ptr<Recurrent<T>> forward_, backward_;
  Tensor<T> y_forward_, y_backward_, dy_forward_, dy_backward_, dx_forward_, dx_backward_;
};

}  // namespace lecon
