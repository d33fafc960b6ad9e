#pragma once
// The autoencoder of the slide, as ONE layer: encoder and decoder with their parameters.
//
// [slide: Réseaux Auto Encoder]  encoder  y = σ(W x + b)      (h hidden units, W: h x d)
//                                decoder  z = σ(W' y + b')    (W': d x h; tied weights: W' = Wᵀ)
// Each σ is chosen separately (sigmoid, or linear, e.g. a linear decoder for real-valued inputs; any
// of the neuron's activations works). As a Layer its output is the reconstruction z, shaped like x,
// so an autoencoder is an ordinary Sequential and trains with backprop's fit, the optimizers, the
// schedules and the regularisers, its target being its own clean input:
//   fit(model, SquaredReconstructionError<T>(), optimizer, x, x, options, rng, observers)
// A denoising autoencoder is the same Sequential with a Corruption layer in front (corruption.hpp).
//
// Backward, with δ_dec = ∂L/∂z ⊙ σ'(W'y + b') (d x n) and δ_enc = (W'ᵀ δ_dec) ⊙ σ'(W x + b) (h x n):
//   ∂L/∂b' = δ_dec 1,   ∂L/∂b = δ_enc 1,   ∂L/∂x = Wᵀ δ_enc
//   untied:  ∂L/∂W' = δ_dec yᵀ,   ∂L/∂W = δ_enc xᵀ
//   tied:    ∂L/∂W = δ_enc xᵀ + (δ_dec yᵀ)ᵀ      (W is used twice; the two uses' gradients add up)
// docs/autoencoders.md derives the tied case.
#include "lecon/backprop/layer.hpp"
#include "lecon/perceptron/activations.hpp"

namespace lecon {

template <typename T>
class Autoencoder : public Layer<T> {
 public:
  // W ~ U[-r, r] with r = sqrt(6 / (d + h)), times 4 for a sigmoid encoder ([paper: Glorot & Bengio
  // 2010], the DeepLearningTutorials' dA); untied W' drawn the same way; b = b' = 0.
  // Throws OptionError "hidden_units: ..." for h = 0 and Error for d = 0.
  Autoencoder(std::size_t inputs, std::size_t hidden_units, Rng& rng, bool tied = true, Activation encoder = Activation::sigmoid,
              Activation decoder = Activation::sigmoid);

  std::string kind() const override { return "Autoencoder"; }
  // (n, d) or (n, c, h, w) with d values per sample -> the same shape
  Shape output_shape(const Shape& input) const override;
  // [slide: Réseaux Auto Encoder]  y = σ(W x + b),  z = σ(W' y + b')     x, z: (n, d);  y: (n, h)
  void forward(const Tensor<T>& x, Tensor<T>& z, const Context& ctx) override;
  void backward(const Tensor<T>& dz, Tensor<T>* dx) override;
  // tied: W, b, b';  untied: W, b, W', b'  (saved as "W", "b", "W_prime", "b_prime")
  std::vector<Param<T>*> params() override;
  std::map<std::string, double> config() const override;
  // The encoder's and decoder's activations by name ("sigmoid").
  std::map<std::string, std::string> text_config() const override;

  std::size_t inputs() const { return W_.value.n_cols; }         // d
  std::size_t hidden_units() const { return W_.value.n_rows; }   // h
  bool tied() const { return tied_; }
  Activation encoder_activation() const { return encoder_; }
  Activation decoder_activation() const { return decoder_; }

  Param<T>& W() { return W_; }                 // (h x d): row j is hidden unit j's filter
  Param<T>& b() { return b_; }                 // (h x 1)
  Param<T>& b_prime() { return b_prime_; }     // (d x 1)
  Param<T>& W_prime();                         // (d x h), untied only (Error when tied)
  const arma::Mat<T>& W_value() const { return W_.value; }
  const arma::Mat<T>& b_value() const { return b_.value; }
  arma::Mat<T> decoder_weights() const;        // W' (d x h): Wᵀ when tied

  // The codes y = σ(W x + b), batch by batch.   x: (n, d) or (n, c, h, w) -> (n, h)
  Tensor<T> encode(const Tensor<T>& x, std::size_t batch_size = 1024) const;
  // The decoder alone: z = σ(W' y + b').   y: (n, h) -> (n, d)
  Tensor<T> decode(const Tensor<T>& y, std::size_t batch_size = 1024) const;
  // z = decode(encode(x)), shaped like x (images stay images).
  Tensor<T> reconstruct(const Tensor<T>& x, std::size_t batch_size = 1024) const;

 private:
  void encode_matrix(const arma::Mat<T>& x, arma::Mat<T>& a, arma::Mat<T>& y) const;
  void decode_matrix(const arma::Mat<T>& y, arma::Mat<T>& a, arma::Mat<T>& z) const;

  Param<T> W_, b_, W_prime_, b_prime_;
  bool tied_;
  Activation encoder_, decoder_;
  // Kept from forward for backward: the input, the pre-activations and outputs of both halves.
  const Tensor<T>* x_ = nullptr;
  arma::Mat<T> a_enc_, y_, a_dec_, z_;
  arma::Mat<T> delta_dec_, delta_enc_;
};

// Makes load_model know the Autoencoder and Corruption layers (call once before loading such a model).
void register_autoencoder_layers();

}  // namespace lecon
